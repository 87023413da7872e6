import { describe, expect, it } from 'vitest';
import {
  AGENCIES,
  CONCERN_CATEGORIES,
  OUTCOMES,
  SOURCE_CODES,
  SUBJECT_TYPES,
} from '../../src/domain/codes.ts';
import { DEFINITIONS, definitionsMarkdown } from '../../src/domain/metrics/definitions.ts';
import { applyDisclosureControl } from '../../src/domain/metrics/disclosure.ts';
import { figureRows, toCsv, toJson } from '../../src/domain/metrics/export-format.ts';
import type { PublishedExport, RawExport } from '../../src/domain/metrics/export-schema.ts';
import { type AccumulatorOptions, createAccumulator } from '../../src/domain/metrics/measures.ts';
import { periodBounds } from '../../src/domain/metrics/periods.ts';

const MONTH: AccumulatorOptions = {
  period: 'monthly',
  periodId: '2026-11',
  ...periodBounds('monthly', '2026-11'),
};
const GENERATED_AT = '2026-12-01T02:00:00.000Z';

/** A published export with known figures: 40 referrals, police 6 of 8 on time (75.0%), small cells. */
function sample(): PublishedExport {
  const raw: RawExport = createAccumulator(MONTH).finish();
  raw.volume.referrals = 40;
  raw.volume.bySource['2A'] = 12;
  raw.volume.bySource['6'] = 25;
  raw.volume.bySource['10'] = 3;
  raw.volume.byRag = { red: 10, amber: 20, green: 10, unrated: 0 };
  raw.volume.bySubjectType = { child: 40, adult: 0 };
  raw.volume.byCategory.neglect = 30;
  raw.volume.byCategory.fgm = 2;
  raw.timeliness.decided = 30;
  raw.timeliness.withinTimescale = 27;
  raw.timeliness.pctWithinTimescale = 90;
  raw.timeliness.byRag.red = { decided: 10, withinTimescale: 9, pctWithinTimescale: 90 };
  raw.timeliness.byRag.amber = { decided: 14, withinTimescale: 12, pctWithinTimescale: 85.7 };
  raw.timeliness.byRag.green = { decided: 6, withinTimescale: 6, pctWithinTimescale: 100 };
  raw.timeliness.medianHoursToDecision = 20.5;
  raw.timeliness.p90HoursToDecision = 70;
  raw.agencyResponses.police = {
    requested: 8,
    answered: 7,
    onTime: 6,
    pctOnTime: 75,
    medianHoursToRespond: 2.5,
  };
  raw.quality.byOutcome.EARLY_HELP = 30;
  raw.quality.decidedBySource['6'] = 30;
  raw.quality.nfaRateBySource['6'] = 0;
  raw.quality.nfaRate = 0;
  raw.quality.reReferralRate = 0;
  raw.quality.pctReRated = 0;
  raw.confidence.pctToldOutcomeWithinOneWorkingDay = 0;
  return applyDisclosureControl(raw);
}

/** Every member of our JSON is on its own line: read the leaves back in text order, with their text. */
function jsonLeaves(json: string): { path: string[]; text: string }[] {
  const leaves: { path: string[]; text: string }[] = [];
  const stack: string[] = [];
  for (const line of json.split('\n')) {
    const member = /^\s*"([^"]+)": (.*?),?$/.exec(line);
    if (member) {
      const [, key, text] = member as unknown as [string, string, string];
      if (text === '{') stack.push(key);
      else leaves.push({ path: [...stack, key], text });
    } else if (/^\s*},?$/.test(line)) {
      stack.pop();
    }
  }
  return leaves;
}

describe('JSON', () => {
  it('has schemaVersion 1, the header, then the sections, in a fixed order', () => {
    const json = toJson(sample(), GENERATED_AT);
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).toEqual([
      'schemaVersion',
      'period',
      'periodId',
      'periodStart',
      'periodEnd',
      'generatedAt',
      'volume',
      'timeliness',
      'agencyResponses',
      'quality',
      'confidence',
    ]);
    expect(parsed).toMatchObject({
      schemaVersion: 1,
      period: 'monthly',
      periodId: '2026-11',
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
      generatedAt: GENERATED_AT,
    });
    expect(Object.keys(parsed.volume)).toEqual([
      'referrals',
      'bySource',
      'byRag',
      'byCategory',
      'bySubjectType',
    ]);
    expect(Object.keys(parsed.timeliness)).toEqual([
      'decided',
      'withinTimescale',
      'pctWithinTimescale',
      'byRag',
      'medianHoursToDecision',
      'p90HoursToDecision',
      'openOverdue',
    ]);
    expect(Object.keys(parsed.timeliness.byRag)).toEqual(['red', 'amber', 'green', 'unrated']);
    expect(Object.keys(parsed.agencyResponses)).toEqual([...AGENCIES]);
    expect(Object.keys(parsed.agencyResponses.police)).toEqual([
      'requested',
      'answered',
      'onTime',
      'pctOnTime',
      'medianHoursToRespond',
    ]);
    expect(Object.keys(parsed.quality)).toEqual([
      'reReferrals',
      'reReferralRate',
      'nfa',
      'nfaRate',
      'byOutcome',
      'decidedBySource',
      'nfaBySource',
      'nfaRateBySource',
      'reRated',
      'pctReRated',
    ]);
    expect(Object.keys(parsed.quality.byOutcome)).toEqual([...OUTCOMES]);
    expect(Object.keys(parsed.volume.byCategory)).toEqual([...CONCERN_CATEGORIES]);
    expect(Object.keys(parsed.volume.bySubjectType)).toEqual([...SUBJECT_TYPES]);
    expect(Object.keys(parsed.confidence)).toEqual([
      'responses',
      'helpful',
      'pctHelpful',
      'meanRating',
      'ratings',
      'toldOutcomeWithinOneWorkingDay',
      'pctToldOutcomeWithinOneWorkingDay',
    ]);
    // Source codes in CIN order in the text (JSON.parse would move "4", "6"… first: read the text).
    const sources = jsonLeaves(json)
      .filter((leaf) => leaf.path.join('.').startsWith('volume.bySource.'))
      .map((leaf) => leaf.path[2]);
    expect(sources).toEqual([...SOURCE_CODES]);
  });

  it('writes counts as integers, rates with one decimal, "c" and null', () => {
    const json = toJson(sample(), GENERATED_AT);
    expect(json).toContain('\n  "volume": {\n    "referrals": 40,\n');
    expect(json).toContain('"pctOnTime": 75.0,');
    expect(json).toContain('"medianHoursToRespond": 2.5\n');
    expect(json).toContain('"pctWithinTimescale": 90.0,');
    expect(json).toContain('"p90HoursToDecision": 70.0,');
    expect(json).toContain('"10": "c"\n'); // source 10: 3, the last source
    expect(json).toContain('"2A": "c",'); // secondary: the next smallest non-zero source
    expect(json).toContain('"fgm": "c",');
    expect(json).toContain('"pctHelpful": null,');
    expect(json.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(json);
    expect(parsed.agencyResponses.police.pctOnTime).toBe(75);
    expect(parsed.volume.bySource['6']).toBe(25);
  });

  it('is byte-stable: the same figures give the same bytes whatever the object’s key order', () => {
    const published = sample();
    const reorder = (value: unknown): unknown =>
      value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reorder(v)]),
          )
        : value;
    const shuffled = reorder(published) as PublishedExport;
    expect(Object.keys(shuffled)[0]).toBe('confidence');
    expect(toJson(shuffled, GENERATED_AT)).toBe(toJson(published, GENERATED_AT));
    expect(toCsv(shuffled, GENERATED_AT)).toBe(toCsv(published, GENERATED_AT));
    // Only generatedAt differs between two runs; a Date is written as its ISO instant.
    const later = toJson(published, new Date('2027-02-03T04:05:06Z'));
    expect(later).toContain('"generatedAt": "2027-02-03T04:05:06.000Z",');
    expect(later.replace('2027-02-03T04:05:06.000Z', GENERATED_AT)).toBe(toJson(published, GENERATED_AT));
  });
});

describe('CSV', () => {
  it('has the header row and measure,breakdown,value rows', () => {
    const csv = toCsv(sample());
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('measure,breakdown,value');
    expect(lines.slice(1, 6)).toEqual([
      'schemaVersion,,1',
      'period,,monthly',
      'periodId,,2026-11',
      'periodStart,,2026-11-01T00:00:00.000Z',
      'periodEnd,,2026-12-01T00:00:00.000Z',
    ]);
    expect(lines[6]).toBe('volume.referrals,,40');
    expect(lines[7]).toBe('volume.bySource,1A,0');
    expect(lines).toContain('volume.bySource,6,25');
    expect(lines).toContain('volume.bySource,10,c');
    expect(lines).toContain('agencyResponses.pctOnTime,police,75.0');
    expect(lines).toContain('agencyResponses.pctOnTime,health,');
    expect(lines).toContain('timeliness.byRag.decided,amber,14');
    expect(lines).toContain('timeliness.byRag.pctWithinTimescale,amber,85.7');
    expect(lines).toContain('quality.nfaRateBySource,6,0.0');
    expect(lines.at(-1)).toBe('confidence.pctToldOutcomeWithinOneWorkingDay,,0.0');
    expect(csv.endsWith('\n')).toBe(true);
    expect(csv).not.toContain('\r');
    expect(csv).not.toContain('generatedAt');
  });

  it('holds the JSON’s figures one for one, in the same order, with the same text', () => {
    const published = sample();
    const leaves = jsonLeaves(toJson(published, GENERATED_AT));
    const rows = toCsv(published, GENERATED_AT)
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    expect(rows).toHaveLength(leaves.length);
    rows.forEach(([measure, breakdown, value], index) => {
      const leaf = leaves[index] as { path: string[]; text: string };
      // The JSON path of a row: the breakdown code sits after the group (agencyResponses.police.pctOnTime,
      // timeliness.byRag.red.decided) or at the end (volume.bySource.2A).
      const parts = (measure as string).split('.');
      let path = parts;
      if (breakdown) {
        if (parts[0] === 'agencyResponses') path = [parts[0], breakdown, ...parts.slice(1)];
        else if (parts[1] === 'byRag' && parts[0] === 'timeliness')
          path = [...parts.slice(0, 2), breakdown, ...parts.slice(2)];
        else path = [...parts, breakdown];
      }
      expect(path).toEqual(leaf.path);
      const expected = leaf.text === 'null' ? '' : leaf.text.replace(/^"(.*)"$/, '$1');
      expect(value).toBe(expected);
    });
    expect(figureRows(published).length).toBe(rows.length - 1); // without generatedAt
  });
});

describe('no personal data can reach a file', () => {
  it('ignores properties that are not figures of the schema', () => {
    const published = sample() as PublishedExport & Record<string, unknown>;
    const tainted = {
      ...published,
      subjectName: 'Jane Doe',
      volume: {
        ...published.volume,
        narrative: 'seen at 12 Acacia Avenue',
        bySource: { ...published.volume.bySource, 'Jane Doe': 50 },
      },
    } as unknown as PublishedExport;
    for (const text of [toJson(tainted, GENERATED_AT), toCsv(tainted, GENERATED_AT)]) {
      expect(text).not.toMatch(/Jane|Acacia|subjectName|narrative/);
    }
    expect(toJson(tainted, GENERATED_AT)).toBe(toJson(published, GENERATED_AT));
  });

  it('refuses any value that is not a count, a rate, null or "c", and counts of 1 to 5', () => {
    const withCount = (value: unknown) => {
      const published = sample();
      (published.volume.bySource as Record<string, unknown>)['2B'] = value;
      return published;
    };
    expect(() => toJson(withCount('Jane Doe'), GENERATED_AT)).toThrow(TypeError);
    expect(() => toCsv(withCount('Jane Doe'))).toThrow(TypeError);
    expect(() => toJson(withCount(3), GENERATED_AT)).toThrow(/never published/);
    expect(() => toJson(withCount(2.5), GENERATED_AT)).toThrow(TypeError);
    expect(() => toJson(withCount(null), GENERATED_AT)).toThrow(TypeError);
    const rate = sample();
    (rate.agencyResponses.police as unknown as Record<string, unknown>).pctOnTime = 'about three quarters';
    expect(() => toJson(rate, GENERATED_AT)).toThrow(TypeError);
  });

  it('refuses a header that is not a real period with its own bounds, and an invalid generatedAt', () => {
    expect(() => toJson({ ...sample(), periodId: 'Jane Doe' }, GENERATED_AT)).toThrow();
    expect(() => toJson({ ...sample(), periodEnd: '2026-12-02T00:00:00.000Z' }, GENERATED_AT)).toThrow(
      TypeError,
    );
    expect(() => toJson({ ...sample(), period: 'yearly' as 'monthly' }, GENERATED_AT)).toThrow(TypeError);
    expect(() => toJson(sample(), 'not a date')).toThrow(TypeError);
  });

  it('only codes and field names as keys, only "c" as a string figure', () => {
    const parsed = JSON.parse(toJson(sample(), GENERATED_AT));
    const allowedKeys = new Set<string>([
      ...SOURCE_CODES,
      ...CONCERN_CATEGORIES,
      ...OUTCOMES,
      ...AGENCIES,
      ...SUBJECT_TYPES,
      ...['red', 'amber', 'green', 'unrated'],
      ...Object.keys(parsed),
      ...Object.keys(parsed.volume),
      ...Object.keys(parsed.timeliness),
      ...Object.keys(parsed.timeliness.byRag.red),
      ...Object.keys(parsed.agencyResponses.police),
      ...Object.keys(parsed.quality),
      ...Object.keys(parsed.confidence),
    ]);
    const header = new Set(['period', 'periodId', 'periodStart', 'periodEnd', 'generatedAt']);
    const walk = (node: unknown, key: string): void => {
      expect(allowedKeys.has(key) || key === '').toBe(true);
      if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) walk(v, k);
      } else if (typeof node === 'string') {
        expect(node === 'c' || header.has(key)).toBe(true);
      } else {
        expect(node === null || typeof node === 'number').toBe(true);
      }
    };
    walk(parsed, '');
  });

  it('the export type has no place for anything but codes and figures (checked by tsc)', () => {
    const published = sample();
    // @ts-expect-error a name is not a source code
    const bySource: PublishedExport['volume']['bySource'] = { ...published.volume.bySource, 'Jane Doe': 1 };
    // @ts-expect-error a count is a number or "c", never free text
    const referrals: PublishedExport['volume']['referrals'] = 'Jane Doe';
    expect([bySource, referrals]).toHaveLength(2);
  });
});

describe('definitions', () => {
  it('define every measure of the export', () => {
    const measures = DEFINITIONS.measures.map((m) => m.measure);
    const rows = figureRows(sample()).slice(5); // after the header rows
    expect(new Set(rows.map((r) => r.measure))).toEqual(new Set(measures));
    for (const m of DEFINITIONS.measures) expect(m.definition.length).toBeGreaterThan(20);
  });

  it('say what null and "c" mean, the period, the percentile method and the disclosure groups', () => {
    const markdown = definitionsMarkdown();
    expect(markdown).toMatch(/^# MASH board export: definitions\n/);
    expect(markdown).toContain('**null**');
    expect(markdown).toContain('**"c"**');
    expect(markdown).toContain('London midnight');
    expect(markdown).toContain('nearest-rank');
    expect(markdown).toContain('| `volume.bySubjectType` |');
    expect(markdown).toContain('child if it names any child');
    expect(markdown).toContain('`timeliness.decided` − `quality.nfa`');
    expect(markdown).toContain('`volume.byCategory`: a referral counts once in each');
    for (const m of DEFINITIONS.measures) expect(markdown).toContain(`| \`${m.measure}\` |`);
  });
});
