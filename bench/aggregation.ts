/**
 * The board's exports over synthetic case items written directly in the stored shape (the seeder, at
 * ~20 referrals/s, is too slow for 100,000): a large month for the read ratio, and a 12-month year of
 * smaller months for the one-month-of-twelve ratio and the second table size of the memory figure.
 *
 * Each synthetic case has a history (`withHistory`): most are rated, some re-rated, most decided (some
 * late, some within a working day), some still open past their deadline, many with agency requests
 * (answered on time, answered late, or unanswered), some re-referrals, some with feedback. So the
 * export computes every measure; before any timing, the bench reads the exports it wrote and refuses
 * to go on if a measure group came out empty (`assertEveryMeasureComputed`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../src/domain/case.ts';
import { AGENCIES, OUTCOMES, RAG_RATINGS, type Rag } from '../src/domain/codes.ts';
import { agencyResponseDueAt, decisionDueAt } from '../src/domain/timescales.ts';
import { caseTable, reportsBucket } from '../src/resources.ts';
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
  /** The JSON exports written (export mode), in the reports bucket. */
  jsonKeys: string[];
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

const HOUR_MS = 3600 * 1000;

/**
 * What happened to synthetic case `i` after intake, derived from `i` alone (so every month gets the same
 * mix): the record as the workflow would have left it, with the facts the board's measures read.
 */
function withHistory(record: CaseRecord, i: number): CaseRecord {
  const received = new Date(record.receivedAt);
  const at = (ms: number) => new Date(received.getTime() + ms).toISOString();
  // One in ten never rated; the rest red, amber or green, one in seven of those re-rated.
  const rag = record.rag ?? (i % 10 === 9 ? null : RAG_RATINGS[i % RAG_RATINGS.length]!);
  const rating = (ratedAs: Rag, ms: number) => ({
    rag: ratedAs,
    rationale: 'Bench rating',
    at: at(ms),
    by: 'bench',
    decisionDueAt: decisionDueAt(received, ratedAs).toISOString(),
  });
  const rated: CaseRecord = rag
    ? {
        ...record,
        rag,
        status: 'triaged',
        decisionDueAt: decisionDueAt(received, rag).toISOString(),
        ratingHistory: [
          ...(i % 7 === 3 ? [rating(rag === 'green' ? 'amber' : 'green', HOUR_MS / 2)] : []),
          rating(rag, HOUR_MS),
        ],
      }
    : record;
  // Six in ten get requests (one, or two for every third of those): on time, late, or never answered.
  const requestSummaries =
    rag && i % 5 < 3
      ? Array.from({ length: i % 3 === 0 ? 2 : 1 }, (_, n) => {
          const issued = new Date(received.getTime() + 2 * HOUR_MS);
          const due = agencyResponseDueAt(issued, rag);
          const answer = (i + n) % 10;
          const answeredAt =
            answer < 6
              ? new Date(issued.getTime() + (due.getTime() - issued.getTime()) / 2)
              : answer < 9
                ? new Date(due.getTime() + 6 * HOUR_MS)
                : undefined;
          return {
            id: `${record.id}-${n}`,
            agency: AGENCIES[(i + 4 * n) % 3 === 0 ? 0 : (i + 4 * n) % AGENCIES.length]!,
            issuedAt: issued.toISOString(),
            dueAt: due.toISOString(),
            ...(answeredAt ? { answeredAt: answeredAt.toISOString() } : {}),
          };
        })
      : undefined;
  // Three in four decided, between 3 hours and 4 days after receipt; the rest left open (past due by
  // the end of the month).
  const decidedAfterMs = [3, 20, 30, 50, 96][i % 5]! * HOUR_MS;
  const decision =
    i % 4 !== 1
      ? {
          outcome: OUTCOMES[i % OUTCOMES.length]!,
          rationale: 'Bench decision',
          decidedAt: at(decidedAfterMs),
          decidedBy: 'bench',
          withinTimescale: received.getTime() + decidedAfterMs <= Date.parse(rated.decisionDueAt),
        }
      : undefined;
  // One in three referrers left feedback.
  const feedback =
    i % 3 === 1
      ? {
          feedbackResponses: 1,
          feedbackHelpful: i % 2,
          feedbackRatingSum: 1 + (i % 5),
          feedbackRatingCount: 1,
        }
      : {};
  return {
    ...rated,
    ...(decision ? { decision, status: 'decided' as const } : {}),
    ...(requestSummaries
      ? { requestSummaries, requestIds: requestSummaries.map((request) => request.id) }
      : {}),
    ...(i % 9 === 4 ? { reReferral: true } : {}),
    ...feedback,
  };
}

type Json = Record<string, unknown>;

/**
 * Throws unless every measure group of a published export has the figures the synthetic history must
 * produce: an export of cases that were never decided, requested or given feedback computes nothing.
 */
function assertEveryMeasureComputed(exported: Json, what: string): void {
  const group = (name: string) => (exported[name] ?? {}) as Json;
  const positive = (value: unknown) => typeof value === 'number' && value > 0;
  const missing: string[] = [];
  const need = (groupName: string, names: string[]) => {
    for (const name of names)
      if (!positive(group(groupName)[name])) missing.push(`${groupName}.${name} = ${group(groupName)[name]}`);
  };
  need('volume', ['referrals']);
  need('timeliness', [
    'decided',
    'withinTimescale',
    'medianHoursToDecision',
    'p90HoursToDecision',
    'openOverdue',
  ]);
  need('quality', ['reReferrals', 'nfa', 'reRated']);
  need('confidence', ['responses', 'helpful', 'meanRating', 'ratings', 'toldOutcomeWithinOneWorkingDay']);
  const timeliness = group('timeliness');
  if (!(Number(timeliness.pctWithinTimescale) < 100)) missing.push('timeliness: no late decision');
  const agencies = Object.values(group('agencyResponses')) as Json[];
  if (!agencies.some((a) => positive(a.answered) && positive(a.onTime) && positive(a.medianHoursToRespond)))
    missing.push('agencyResponses: no agency with answered requests');
  if (!agencies.some((a) => typeof a.pctOnTime === 'number' && a.pctOnTime < 100 && positive(a.answered)))
    missing.push('agencyResponses: no late or unanswered request');
  if (missing.length > 0)
    throw new Error(`aggregation: the export of ${what} left measures uncomputed: ${missing.join('; ')}`);
}

async function checkExports(hub: TestHub, result: ChildResult, what: string): Promise<void> {
  if (result.jsonKeys.length === 0) throw new Error(`aggregation: the export of ${what} wrote nothing`);
  for (const key of result.jsonKeys) {
    const object = await hub.s3.send(new GetObjectCommand({ Bucket: reportsBucket.localName, Key: key }));
    assertEveryMeasureComputed(JSON.parse(await object.Body!.transformToString()), `${what} (${key})`);
  }
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
        const item = caseItem(withHistory(planReferral(benchReferral(), received).record, next));
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
  await checkExports(hub, small, ONE_OF_TWELVE);

  log(`aggregation: writing ${referrals} case items in ${BIG_MONTH}`);
  const t = performance.now();
  await writeMonth(hub, BIG_MONTH, referrals);
  log(`aggregation: wrote ${referrals} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  // Untimed: the large month's export must compute every measure before it is worth timing.
  await checkExports(hub, await runChild('export', [BIG_MONTH]), BIG_MONTH);
  log(`aggregation: every measure group computed for ${ONE_OF_TWELVE} and ${BIG_MONTH}`);

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
