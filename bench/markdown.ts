/** BENCHMARKS.md from a run's results (bench/findings.md, hand-written, is appended as it stands). */
import { existsSync, readFileSync } from 'node:fs';
import type { CostLine } from './cost.ts';
import type { Figure } from './stats.ts';

interface Results {
  command: string;
  mode: string;
  date: string;
  elapsedSeconds: number;
  machine: { cpus: string; memoryGB: number; node: string; os: string };
  note?: string;
  figures: Record<string, Record<string, Figure>>;
  details: Record<string, unknown>;
  cost: {
    lines: CostLine[];
    usdPer1000Referrals: number;
    s3PutsPerMonth: number;
    s3UsdPerMonth: number;
    prices: Record<string, string | number>;
  };
  errors: Record<string, string>;
}

export function renderMarkdown(results: Results): string {
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    'Produced by `bench/run.ts` (issue #6). Every target is a ratio of two things measured side by side in the',
    'same run on the same machine, because the machine is shared and absolute figures are noisy. Rerun with',
    '`npm run bench` (full, rewrites this file) or `npm run bench -- --quick` (under a minute, writes only',
    '`bench/results.json`). The raw figures of the run below are in `bench/benchmarks-run.json`; those of',
    'the latest run of any kind in `bench/results.json`. `node bench/render.ts` renders this file again',
    'from the former and `bench/findings.md`.',
    '',
  );
  out.push('## Run', '');
  out.push(`- Command: \`${results.command}\` (${results.mode} mode, ${results.elapsedSeconds} s)`);
  out.push(`- Date: ${results.date}`);
  out.push(
    `- Machine: ${results.machine.cpus}; ${results.machine.memoryGB} GB memory; ${results.machine.os}`,
  );
  out.push(`- Node: ${results.machine.node}`);
  if (results.note) out.push(`- Note: ${results.note}`);
  out.push('');
  out.push('## Figures', '');
  out.push('| Figure | Value | Target | Met | Note |', '|---|---|---|---|---|');
  for (const [group, entries] of Object.entries(results.figures))
    for (const [name, f] of Object.entries(entries))
      out.push(
        `| \`${group}.${name}\` | ${f.value} | ${f.target} | ${f.met === null ? '—' : f.met ? 'yes' : '**no**'} | ${f.note ?? ''} |`,
      );
  out.push('');
  if (Object.keys(results.errors).length > 0) {
    out.push('Sections that failed in this run:', '');
    for (const [name, error] of Object.entries(results.errors))
      out.push(`- ${name}: ${error.split('\n')[0]}`);
    out.push('');
  }
  out.push('## Details', '', '```json', JSON.stringify(summaryOf(results.details), null, 2), '```', '');
  out.push('## Cost model', '');
  out.push(
    'AWS cost per 1,000 referrals from the request counts measured above. DynamoDB request units come from',
    "the ConsumedCapacity DynamoDB Local reports for one referral's transaction (table and indexes; the",
    'estimate from item sizes is shown beside it), Lambda duration from the local intake p50 (an upper bound: it includes the',
    'local HTTP server and emulator). One information request per referral is an assumption.',
    '',
  );
  out.push('| Item | Per referral | Unit | USD per 1,000 referrals |', '|---|---|---|---|');
  for (const line of results.cost.lines)
    out.push(`| ${line.item} | ${round(line.perReferral)} | ${line.unit} | ${line.usdPer1000.toFixed(5)} |`);
  out.push(`| **Total** | | | **${results.cost.usdPer1000Referrals.toFixed(4)}** |`, '');
  out.push(
    `Fixed, whatever the volume: the exports write ${results.cost.s3PutsPerMonth.toFixed(0)} S3 objects a month ` +
      `(4 per export; daily, weekly and monthly), about USD ${results.cost.s3UsdPerMonth.toFixed(4)} a month in PUTs.`,
    '',
  );
  out.push(`### Prices (eu-west-2), as of ${results.cost.prices.asOf}`, '');
  out.push('These are list prices as remembered, not fetched: **they must be checked** before use.', '');
  out.push('| Price | USD |', '|---|---|');
  for (const [name, value] of Object.entries(results.cost.prices))
    if (name !== 'asOf') out.push(`| ${name} | ${value} |`);
  out.push('');
  const findings = new URL('./findings.md', import.meta.url);
  if (existsSync(findings)) out.push(readFileSync(findings, 'utf8').trim(), '');
  return `${out.join('\n')}\n`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The details without per-run arrays that would swamp the page. */
function summaryOf(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(details, (key, value) =>
      key === 'runs' && Array.isArray(value) && value.length > 8 ? undefined : value,
    ),
  );
}
