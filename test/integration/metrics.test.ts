/**
 * The board's exports end to end on the local hub: referrals made through the API, the scheduled job
 * run by hand, the export read back through the board's API. Figures for a small month are checked by
 * hand, with disclosure control; exports are byte-stable and carry no personal data.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsBucket } from '../../src/resources.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

let hub: TestHub;
let mash: string;
let board: string;

const MARKER_NAME = 'Zebedee-Quillfeather';
const MARKER_NHS = '4010232137';

beforeAll(async () => {
  hub = await startTestHub();
  mash = await hub.token('mash');
  board = await hub.token('board');

  // October 2026: twelve referrals from schools, each received on a weekday at 10:00 London (09:00 UTC, BST).
  // Eight are rated amber (six decided within a day: four EARLY_HELP, two NFA), four stay unrated.
  const days = ['01', '02', '05', '06', '07', '08', '09', '12', '13', '14', '15', '16'];
  for (const [index, day] of days.entries()) {
    await hub.api('PUT', '/_local/clock', { body: { now: `2026-10-${day}T09:00:00.000Z` } });
    const body = validReferral();
    body.subjects[0] = {
      type: 'child',
      firstName: MARKER_NAME,
      lastName: `Child${index}`,
      dateOfBirth: '2016-05-05',
      nhsNumber: MARKER_NHS,
    };
    const created = await hub.api('POST', '/api/referrals', { body });
    expect(created.status).toBe(201);
    if (index >= 8) continue;
    const list = await hub.api('GET', '/api/cases?limit=500', { token: mash });
    const id = list.json.items.find(
      (item: { reference: string }) => item.reference === created.json.reference,
    ).id;
    await hub.api('POST', `/api/cases/${id}/triage`, { token: mash, body: { rag: 'amber' } });
    if (index >= 6) continue;
    await hub.api('PUT', '/_local/clock', { body: { now: `2026-10-${day}T13:00:00.000Z` } });
    const decided = await hub.api('POST', `/api/cases/${id}/decision`, {
      token: mash,
      body:
        index < 4
          ? { outcome: 'EARLY_HELP', rationale: 'Family agrees to early help support' }
          : { outcome: 'NFA', rationale: 'No safeguarding concern once the school explained the context' },
    });
    expect(decided.status).toBe(200);
  }
});
afterAll(async () => {
  await hub?.stop();
});

async function runMonthly(periodId?: string) {
  const response = await hub.api(
    'POST',
    `/_local/schedules/metrics-monthly/run${periodId ? `?periodId=${periodId}` : ''}`,
  );
  expect(response.status).toBe(200);
  return response.json.result;
}

describe('monthly export', () => {
  it('reproduces the month counted by hand, with small numbers suppressed', async () => {
    await runMonthly('2026-10');
    const response = await hub.api('GET', '/api/reports/monthly/2026-10.json', { token: board });
    expect(response.status).toBe(200);
    const report = response.json;
    expect(report).toMatchObject({
      schemaVersion: 1,
      period: 'monthly',
      periodId: '2026-10',
      periodStart: '2026-09-30T23:00:00.000Z',
      periodEnd: '2026-11-01T00:00:00.000Z', // British Summer Time ends on 25 October
    });
    expect(report.volume.referrals).toBe(12);
    expect(report.volume.bySource['2A']).toBe(12);
    expect(report.volume.bySource['6']).toBe(0);
    // amber 8, unrated 4: the 4 is suppressed, and the next smallest non-zero cell (8) with it.
    expect(report.volume.byRag).toEqual({ red: 0, amber: 'c', green: 0, unrated: 'c' });
    expect(report.volume.byCategory.neglect).toBe(12);
    expect(report.volume.bySubjectType).toEqual({ child: 12, adult: 0 });
    // Six decided, all within the amber deadline, four hours after receipt.
    expect(report.timeliness).toMatchObject({
      decided: 6,
      withinTimescale: 6,
      pctWithinTimescale: 100,
      medianHoursToDecision: 4,
      p90HoursToDecision: 4,
    });
    // Two amber cases undecided: due one working day after receipt, overdue by the end of October.
    // Unrated ones too (one working day). 6 open and overdue.
    expect(report.timeliness.openOverdue).toBe(6);
    // NFA 2 of 6: suppressed, and so is the rate.
    expect(report.quality.nfa).toBe('c');
    expect(report.quality.nfaRate).toBe('c');
    expect(report.quality.byOutcome.EARLY_HELP).toBe('c');
    // The eleven later referrals of the same NHS number are re-referrals.
    expect(report.quality.reReferrals).toBe(11);
    expect(report.quality.reReferralRate).toBe(91.7);
  });

  it('writes the same figures as CSV, and the same bytes every time except generatedAt', async () => {
    await runMonthly('2026-10');
    const first = (await hub.api('GET', '/api/reports/monthly/2026-10.json', { token: board })).text;
    await runMonthly('2026-10');
    const second = (await hub.api('GET', '/api/reports/monthly/2026-10.json', { token: board })).text;
    const withoutGeneratedAt = (text: string) => text.replace(/"generatedAt": "[^"]+"/, '');
    expect(withoutGeneratedAt(second)).toBe(withoutGeneratedAt(first));

    const csv = await hub.api('GET', '/api/reports/monthly/2026-10.csv', { token: board });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = csv.text.trim().split('\n');
    expect(rows[0]).toBe('measure,breakdown,value');
    expect(rows).toContain('volume.referrals,,12');
    expect(rows).toContain('volume.byRag,unrated,c');
  });

  it('exports the last complete month before the hub clock when no period is given', async () => {
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-11-01T07:00:00.000Z' } });
    const result = await runMonthly();
    expect(result).toMatchObject({ period: 'monthly', periodId: '2026-10' });
  });

  it('contains no personal data anywhere in the bucket', async () => {
    await runMonthly('2026-10');
    for (const run of ['metrics-weekly/run?periodId=2026-W41', 'metrics-daily/run?periodId=2026-10-05'])
      expect((await hub.api('POST', `/_local/schedules/${run}`)).status).toBe(200);
    const listing = await hub.api('GET', '/api/reports', { token: board });
    expect(listing.status).toBe(200);
    const keys = listing.json.items.map((item: { key: string }) => item.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'reports/monthly/2026-10.json',
        'reports/weekly/2026-W41.json',
        'reports/daily/2026-10-05.json',
      ]),
    );
    for (const item of listing.json.items) expect(item.generatedAt).toMatch(/Z$/);
    for (const key of [
      ...keys,
      ...keys.map((k: string) => k.replace(/\.json$/, '.csv')),
      'reports/definitions.md',
    ]) {
      const object = await hub.s3.send(new GetObjectCommand({ Bucket: reportsBucket.localName, Key: key }));
      const text = await object.Body!.transformToString();
      expect(text).not.toContain(MARKER_NAME);
      expect(text).not.toContain(MARKER_NHS);
      expect(text).not.toContain('Example Road');
    }
  });
});

describe('board access and keys', () => {
  it('is for the board only', async () => {
    expect((await hub.api('GET', '/api/reports')).status).toBe(401);
    expect((await hub.api('GET', '/api/reports', { token: mash })).status).toBe(403);
    expect((await hub.api('GET', '/api/reports/monthly/2026-10.json', { token: mash })).status).toBe(403);
  });

  it('refuses keys that are not exports, with no path tricks', async () => {
    for (const path of [
      '/api/reports/monthly/2026-13.json',
      '/api/reports/yearly/2026.json',
      '/api/reports/monthly/2026-10.txt',
      '/api/reports/monthly/..%2Fdefinitions.md',
      '/api/reports/monthly/2026-09.json',
      '/api/reports/weekly/2026-W54.json',
    ]) {
      const response = await hub.api('GET', path, { token: board });
      expect(response.status, path).toBe(404);
    }
  });

  it('answers 400 for a period id that is not a real period', async () => {
    const response = await hub.api('POST', '/_local/schedules/metrics-monthly/run?periodId=2026-13');
    expect(response.status).toBe(400);
  });
});
