/** Export names (`PERIOD/PERIOD_ID.FORMAT`): what the bucket, the API and the board's downloads accept. */
import { describe, expect, it } from 'vitest';
import { parseReportFile, reportFileName } from '../../src/domain/metrics/report-files.ts';

describe('parseReportFile', () => {
  it('reads a known kind, a real period of that kind and a known format', () => {
    expect(parseReportFile('monthly/2026-10.json')).toEqual({
      period: 'monthly',
      periodId: '2026-10',
      format: 'json',
    });
    expect(parseReportFile('weekly/2026-W44.csv')).toEqual({
      period: 'weekly',
      periodId: '2026-W44',
      format: 'csv',
    });
    expect(parseReportFile('daily/2026-11-25.csv')).toEqual({
      period: 'daily',
      periodId: '2026-11-25',
      format: 'csv',
    });
    // ISO week 53 exists in 2026; 2020-W53 too.
    expect(parseReportFile('weekly/2026-W53.json')?.periodId).toBe('2026-W53');
  });

  it('reads back every name reportFileName writes', () => {
    const names: Array<Parameters<typeof reportFileName>> = [
      ['daily', '2024-02-29', 'json'],
      ['weekly', '2021-W01', 'csv'],
      ['monthly', '1970-01', 'csv'],
    ];
    for (const [period, periodId, format] of names) {
      expect(parseReportFile(reportFileName(period, periodId, format))).toEqual({ period, periodId, format });
    }
  });

  it('names nothing else', () => {
    for (const name of [
      'monthly/2026-13.json',
      'monthly/2026-10.txt',
      'monthly/2026-10.md',
      'monthly/2026-10',
      'weekly/2026-10.json',
      'monthly/2026-W44.json',
      'daily/2026-10.json',
      'weekly/2026-W54.json',
      'weekly/2025-W53.json',
      'daily/2026-02-30.json',
      'yearly/2026.json',
      'yearly/2026-10.json',
      '../monthly/2026-10.json',
      'monthly/../2026-10.json',
      'monthly/../../definitions.md',
      'monthly/..%2F2026-10.json',
      'monthly/2026-10.json/x',
      'monthly//2026-10.json',
      'reports/monthly/2026-10.json',
      'Monthly/2026-10.json',
      'monthly/2026-10.JSON',
      'monthly/2026-10.json\n',
      ' monthly/2026-10.json',
      'definitions.json',
      'definitions.md',
      'undefined/undefined',
      '',
    ]) {
      expect(parseReportFile(name), name).toBeUndefined();
    }
  });
});
