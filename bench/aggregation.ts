/**
 * The board's exports over synthetic case items written directly in the stored shape (the seeder, at
 * ~20 referrals/s, is too slow for 100,000): a large month for the read ratio, and a 12-month year of
 * smaller months for the one-month-of-twelve ratio and the second table size of the memory figure.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { caseTable } from '../src/resources.ts';
import type { TestHub } from '../test/helpers/hub.ts';
import { caseItem, itemSizeBytes, planReferral } from './records.ts';
import { benchReferral } from './referrals.ts';
import { log, median, round } from './stats.ts';

const CHILD = fileURLToPath(new URL('./export-child.ts', import.meta.url));
const BIG_MONTH = '2024-06';
const YEAR = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const ONE_OF_TWELVE = '2025-06';

interface ChildResult {
  items: number;
  elapsedMs: number;
  baselineRssMB: number;
  sampledPeakRssMB: number;
  maxRssMB: number;
}

function runChild(mode: 'export' | 'bare', months: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mode, ...months], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`export child ${mode} failed (${code}): ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

/** Writes `count` case items received evenly through the middle of a UTC month. */
async function writeMonth(hub: TestHub, month: string, count: number): Promise<number> {
  const start = Date.parse(`${month}-03T00:00:00Z`);
  const span = 24 * 24 * 3600 * 1000; // the 3rd to the 27th: clear of London/UTC month edges
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < count) {
      const batch: Array<Record<string, unknown>> = [];
      while (batch.length < 25 && next < count) {
        const received = new Date(start + Math.floor((next * span) / count));
        const item = caseItem(planReferral(benchReferral(), received).record);
        bytes += itemSizeBytes(item);
        batch.push({ PutRequest: { Item: item } });
        next++;
      }
      let requests: Array<Record<string, unknown>> | undefined = batch;
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * attempt));
        const result = await hub.documents.send(
          new BatchWriteCommand({ RequestItems: { [caseTable.localName]: requests } }),
        );
        requests = result.UnprocessedItems?.[caseTable.localName] as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return bytes / count;
}

export interface AggregationResult {
  referrals: number;
  perMonthOfYear: number;
  readRatio: number;
  monthOfYearRatio: number;
  peakRssMB: number;
  peakRssByTableSize: Array<{
    itemsExported: number;
    tableItems: number;
    peakRssMB: number;
    baselineRssMB: number;
  }>;
  medians: { exportMs: number; bareQueryMs: number; oneMonthMs: number; twelveMonthsMs: number };
  caseItemBytes: number;
  seedSeconds: number;
}

export async function benchAggregation(
  hub: TestHub,
  referrals: number,
  perMonthOfYear: number,
  runs: number,
): Promise<AggregationResult> {
  const seedStart = performance.now();
  log(`aggregation: writing ${perMonthOfYear} case items in each month of ${YEAR[0]}..${YEAR[11]}`);
  let caseItemBytes = 0;
  for (const month of YEAR) caseItemBytes = await writeMonth(hub, month, perMonthOfYear);
  const smallTable = perMonthOfYear * 12;

  // The first table size: the year alone. Peak RSS of one month's export.
  const small = await runChild('export', [ONE_OF_TWELVE]);
  log(`aggregation: one month of ${smallTable} items: ${JSON.stringify(small)}`);

  log(`aggregation: writing ${referrals} case items in ${BIG_MONTH}`);
  const t = performance.now();
  await writeMonth(hub, BIG_MONTH, referrals);
  log(`aggregation: wrote ${referrals} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const exportsMs: number[] = [];
  const bareMs: number[] = [];
  const oneMs: number[] = [];
  const twelveMs: number[] = [];
  const bigRss: number[] = [];
  const oneRss: number[] = [];
  let bigBaseline = 0;
  let oneBaseline = 0;
  let bigItems = 0;
  for (let run = 0; run < runs; run++) {
    const exported = await runChild('export', [BIG_MONTH]);
    const bare = await runChild('bare', [BIG_MONTH]);
    const one = await runChild('export', [ONE_OF_TWELVE]);
    const twelve = await runChild('export', YEAR);
    exportsMs.push(exported.elapsedMs);
    bareMs.push(bare.elapsedMs);
    oneMs.push(one.elapsedMs);
    twelveMs.push(twelve.elapsedMs);
    bigRss.push(exported.maxRssMB);
    oneRss.push(one.maxRssMB);
    bigBaseline = exported.baselineRssMB;
    oneBaseline = one.baselineRssMB;
    bigItems = exported.items;
    if (exported.items !== referrals || bare.items !== referrals)
      log(`aggregation: expected ${referrals} items, export saw ${exported.items}, bare ${bare.items}`);
    log(
      `aggregation run ${run + 1}/${runs}: export ${exported.elapsedMs.toFixed(0)} ms, bare ${bare.elapsedMs.toFixed(0)} ms, ` +
        `1 month ${one.elapsedMs.toFixed(0)} ms, 12 months ${twelve.elapsedMs.toFixed(0)} ms, RSS ${exported.maxRssMB.toFixed(0)} MB`,
    );
  }
  const medians = {
    exportMs: round(median(exportsMs), 0),
    bareQueryMs: round(median(bareMs), 0),
    oneMonthMs: round(median(oneMs), 0),
    twelveMonthsMs: round(median(twelveMs), 0),
  };
  const bigTable = smallTable + referrals;
  return {
    referrals,
    perMonthOfYear,
    readRatio: median(exportsMs) / median(bareMs),
    monthOfYearRatio: median(oneMs) / median(twelveMs),
    peakRssMB: round(median(bigRss), 1),
    peakRssByTableSize: [
      {
        itemsExported: small.items,
        tableItems: smallTable,
        peakRssMB: round(small.maxRssMB, 1),
        baselineRssMB: round(small.baselineRssMB, 1),
      },
      {
        itemsExported: perMonthOfYear,
        tableItems: bigTable,
        peakRssMB: round(median(oneRss), 1),
        baselineRssMB: round(oneBaseline, 1),
      },
      {
        itemsExported: bigItems,
        tableItems: bigTable,
        peakRssMB: round(median(bigRss), 1),
        baselineRssMB: round(bigBaseline, 1),
      },
    ],
    medians,
    caseItemBytes: Math.round(caseItemBytes),
    seedSeconds: round(seedSeconds, 1),
  };
}
