/**
 * The seed and metrics scripts end to end, as a person runs them: child processes on temporary data
 * folders, then a hub started on the seeded folder to read back what they wrote through the API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeriodKind, periodContaining, periodsBetween } from '../../src/domain/metrics/periods.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

const root = join(import.meta.dirname, '../..');
const SCRIPT_TIMEOUT_MS = 300_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: 'seed' | 'metrics', args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', `${script}.ts`), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGINT'), SCRIPT_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectSuccess(result: Run): void {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
}

/** The window a seed run reports: `Received between START and END (...; --until DATE, ...)`. */
function windowOf(output: string): { start: string; end: string; until: string } {
  const match = /Received between (\S+) and (\S+) \(.*--until (\d{4}-\d{2}-\d{2})/.exec(output);
  if (!match) throw new Error(`no window in the seed output:\n${output}`);
  return { start: match[1]!, end: match[2]!, until: match[3]! };
}

let dirA: string;
let dirB: string;
let hub: TestHub;
let months: string[];
let seedA: Run;
let seedB: Run;
let metricsA: Run;

beforeAll(async () => {
  dirA = mkdtempSync(join(tmpdir(), 'mash-seed-a-'));
  dirB = mkdtempSync(join(tmpdir(), 'mash-seed-b-'));
  seedA = await run('seed', ['--referrals', '60', '--months', '2', '--seed', '7', '--data-dir', dirA]);
  expectSuccess(seedA);
  const window = windowOf(seedA.stdout);
  const first = periodContaining('monthly', new Date(window.start));
  const last = periodContaining('monthly', new Date(Date.parse(window.end) - 1));
  months = periodsBetween('monthly', first, last);
  metricsA = await run('metrics', ['--period', 'monthly', '--from', first, '--to', last, '--data-dir', dirA]);
  expectSuccess(metricsA);

  // The same seed into another folder, pinned to the first run's end date (a run that straddles
  // midnight would otherwise end a day later).
  seedB = await run('seed', [
    '--referrals',
    '60',
    '--months',
    '2',
    '--seed',
    '7',
    '--until',
    window.until,
    '--data-dir',
    dirB,
  ]);
  expectSuccess(seedB);
  expectSuccess(
    await run('metrics', ['--period', 'monthly', '--from', first, '--to', last, '--data-dir', dirB]),
  );

  hub = await startTestHub({ dataDir: dirA });
}, 900_000);

afterAll(async () => {
  await hub?.stop();
  for (const dir of [dirA, dirB]) if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ListedCase {
  id: string;
  status: string;
  rag: string | null;
  receivedAt: string;
  reReferral: boolean;
}

async function listCases(): Promise<ListedCase[]> {
  const response = await hub.api('GET', '/api/cases?limit=500', { token: await hub.token('mash') });
  expect(response.status).toBe(200);
  return response.json.items;
}

async function exportsOf(kind: PeriodKind, ids: string[]): Promise<Record<string, string>> {
  const board = await hub.token('board');
  const texts: Record<string, string> = {};
  for (const id of ids) {
    const response = await hub.api('GET', `/api/reports/${kind}/${id}.json`, { token: board });
    expect(response.status).toBe(200);
    texts[id] = response.text;
  }
  return texts;
}

describe('npm run seed', () => {
  it('reports what it wrote and how to see it', () => {
    expect(seedA.stdout).toMatch(/Referrals\s+60\b/);
    expect(seedA.stdout).toContain(`MASH_DATA_DIR=${dirA} npm start`);
    expect(seedA.stderr).toMatch(/60\/60 \(100%\)/);
  });

  it('makes 60 cases with a spread of statuses and ratings', async () => {
    const cases = await listCases();
    expect(cases).toHaveLength(60);
    const statuses = new Set(cases.map((item) => item.status));
    const rags = new Set(cases.map((item) => item.rag ?? 'unrated'));
    expect(statuses.has('decided')).toBe(true);
    expect(statuses.size).toBeGreaterThanOrEqual(2);
    expect(cases.filter((item) => item.status === 'decided').length).toBeGreaterThanOrEqual(40);
    expect(rags.has('amber') && rags.has('green')).toBe(true);
    expect(rags.size).toBeGreaterThanOrEqual(3);
    expect(cases.some((item) => item.reReferral)).toBe(true);
  });

  it('takes a case through the workflow with its audit trail', async () => {
    const cases = await listCases();
    const decided = cases.find((item) => item.status === 'decided' && item.rag !== null)!;
    const manager = await hub.token('manager');
    const audit = await hub.api('GET', `/api/cases/${decided.id}/audit`, { token: manager });
    expect(audit.status).toBe(200);
    const actions = audit.json.items.map((item: { action: string }) => item.action);
    expect(actions[0]).toBe('referral.received');
    expect(actions).toContain('case.rated');
    expect(actions).toContain('case.decided');
    const view = await hub.api('GET', `/api/cases/${decided.id}`, { token: await hub.token('mash') });
    expect(view.json.decision.decidedAt >= view.json.receivedAt).toBe(true);
    // Made-up people only: NHS numbers start 999.
    for (const subject of view.json.referral.subjects) {
      if (subject.nhsNumber) expect(subject.nhsNumber).toMatch(/^999/);
    }
  });

  it('puts requests in agency inboxes', async () => {
    let total = 0;
    for (const agency of ['police', 'health', 'education', 'childrens-social-care'] as const) {
      const response = await hub.api('GET', '/api/agency/requests', {
        token: await hub.token('agency', agency),
      });
      expect(response.status).toBe(200);
      total += response.json.items.length;
    }
    expect(total).toBeGreaterThan(20);
  });

  it('refuses a data folder that a running hub uses', async () => {
    const result = await run('seed', ['--referrals', '5', '--data-dir', dirA]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is running on/);
  }, 60_000);
});

describe('npm run metrics', () => {
  it('backfills every month, and the volumes add up to the referrals received', async () => {
    expect(metricsA.stdout).toContain(`reports/monthly/${months[0]}.json`);
    expect(metricsA.stdout).toContain('/api/reports');
    const listing = await hub.api('GET', '/api/reports', { token: await hub.token('board') });
    expect(listing.status).toBe(200);
    const listed = listing.json.items
      .filter((item: { period: string }) => item.period === 'monthly')
      .map((item: { periodId: string }) => item.periodId)
      .sort();
    expect(listed).toEqual(months);

    const cases = await listCases();
    const received: Record<string, number> = {};
    for (const item of cases) {
      const month = periodContaining('monthly', new Date(item.receivedAt));
      received[month] = (received[month] ?? 0) + 1;
    }
    expect(Object.keys(received).every((month) => months.includes(month))).toBe(true);
    const exported = await exportsOf('monthly', months);
    let counted = 0;
    for (const month of months) {
      const volume = JSON.parse(exported[month]!).volume.referrals;
      const expected = received[month] ?? 0;
      // Disclosure control publishes 1 to 5 as "c".
      expect(volume).toBe(expected >= 1 && expected <= 5 ? 'c' : expected);
      counted += expected;
    }
    expect(counted).toBe(60);
  });

  it('gives the same figures for the same seed', async () => {
    const withoutGeneratedAt = (text: string) => text.replace(/"generatedAt": "[^"]+"/, '');
    const figuresA = await exportsOf('monthly', months);
    await hub.stop();
    hub = await startTestHub({ dataDir: dirB });
    const figuresB = await exportsOf('monthly', months);
    for (const month of months) {
      expect(withoutGeneratedAt(figuresB[month]!)).toBe(withoutGeneratedAt(figuresA[month]!));
    }
    const totals = (output: string) =>
      output
        .split('\n')
        .filter((line) => /^ {2}(Referrals|Rated|RAG now|Requests|Decisions|Feedback|Status now)/.test(line));
    expect(totals(seedB.stdout)).toEqual(totals(seedA.stdout));
  }, 120_000);
});

describe('bad arguments', () => {
  it('exit with code 2 and a one-line error', async () => {
    const cases: Array<['seed' | 'metrics', string[]]> = [
      ['seed', ['--referrals', 'abc']],
      ['seed', ['--referrals', '0']],
      ['seed', ['--months', '1.5']],
      ['seed', ['--bogus']],
      ['seed', ['stray']],
      ['seed', ['--seed']],
      ['seed', ['--until', '2999-01-01']],
      ['seed', ['--until', '2026-02-30']],
      ['metrics', []],
      ['metrics', ['--period', 'yearly', '--from', '2026-01', '--to', '2026-02']],
      ['metrics', ['--period', 'monthly', '--from', '2026-13', '--to', '2026-12']],
      ['metrics', ['--period', 'monthly', '--from', '2026-05', '--to', '2026-01']],
      ['metrics', ['--period', 'weekly', '--from', '2025-W53', '--to', '2026-W02']],
      ['metrics', ['--period', 'daily', '--from', '2020-01-01', '--to', '2026-01-01']],
    ];
    const results = await Promise.all(cases.map(([script, args]) => run(script, args)));
    results.forEach((result, index) => {
      const label = `${cases[index]![0]} ${cases[index]![1].join(' ')}`;
      expect(result.code, label).toBe(2);
      expect(result.stdout, label).toBe('');
      expect(result.stderr.trim().split('\n'), label).toHaveLength(1);
    });
  }, 120_000);

  it('--help prints the usage and exits 0', async () => {
    const [seed, metrics] = await Promise.all([run('seed', ['--help']), run('metrics', ['-h'])]);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toMatch(/^Usage: npm run seed/);
    expect(metrics.code).toBe(0);
    expect(metrics.stdout).toMatch(/^Usage: npm run metrics/);
  }, 60_000);
});
