/**
 * `node scripts/generate-bank-holidays.ts` (`npm run generate:holidays`): writes
 * src/domain/bank-holidays.generated.ts, the England and Wales bank holidays the hub is closed on, from
 * `date-holidays` (issue #2: never a hand-typed list).
 *
 * The Lambda functions read the generated list instead of loading `date-holidays` at run time: the library
 * and what it pulls in (moment-timezone, astronomia) were about 1.3 MB of every bundle. The calendar is the
 * one `defaultTimescalePolicy` uses: country GB, state ENG, holiday types public and bank.
 *
 * test/unit/bank-holidays.test.ts fails when the file on disk differs from what this script would write
 * today (for instance after `date-holidays` is updated), naming this command.
 *
 * `--check` writes nothing and exits 1 when the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Holidays from 'date-holidays';

export const GENERATE_COMMAND = 'node scripts/generate-bank-holidays.ts';
export const GENERATED_FILE = fileURLToPath(
  new URL('../src/domain/bank-holidays.generated.ts', import.meta.url),
);

/** The calendar generated: England and Wales, as `defaultTimescalePolicy.holidays` names it. */
export const GENERATED_CALENDAR = { country: 'GB', state: 'ENG', types: ['public', 'bank'] } as const;
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2060;

export interface GeneratedHoliday {
  /** London calendar date, "YYYY-MM-DD". */
  readonly date: string;
  readonly name: string;
}

/** The installed `date-holidays` version, from its package.json. */
export function dateHolidaysVersion(): string {
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(readFileSync(require.resolve('date-holidays/package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/**
 * One year's closed days straight from `date-holidays`, exactly as the hub read them before they were
 * generated: `new Holidays('GB', 'ENG').getHolidays(year)`, kept when the type is public or bank, the date
 * being the first ten characters of `holiday.date` (a London wall-clock "YYYY-MM-DD hh:mm:ss"). Sorted by
 * date, then name; a date listed twice under the same name is listed once.
 */
export function holidaysOfYear(year: number): GeneratedHoliday[] {
  const { country, state, types } = GENERATED_CALENDAR;
  const wanted = new Set<string>(types);
  const seen = new Set<string>();
  const result: GeneratedHoliday[] = [];
  for (const holiday of new Holidays(country, state).getHolidays(year)) {
    if (!wanted.has(holiday.type)) continue;
    const date = holiday.date.slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
      throw new Error(`date-holidays gave an unexpected date: ${holiday.date}`);
    const key = `${date} ${holiday.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ date, name: holiday.name });
  }
  return result.sort((a, b) => (a.date === b.date ? a.name.localeCompare(b.name) : a.date < b.date ? -1 : 1));
}

/** A string literal as Biome writes it: single quotes unless the text holds a single quote and no double. */
function literal(text: string): string {
  if (text.includes("'") && !text.includes('"')) return JSON.stringify(text);
  return `'${JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

/** The text of src/domain/bank-holidays.generated.ts, formatted as Biome formats it. */
export function renderGeneratedFile(firstYear = FIRST_YEAR, lastYear = LAST_YEAR): string {
  const version = dateHolidaysVersion();
  const { country, state, types } = GENERATED_CALENDAR;
  const lines = [
    '/**',
    ' * GENERATED FILE: DO NOT EDIT BY HAND.',
    ' *',
    ` * Written by \`${GENERATE_COMMAND}\` (npm run generate:holidays) from date-holidays ${version}:`,
    ` * country ${country}, state ${state}, holiday types ${types.join(' and ')}, years ${firstYear}–${lastYear}.`,
    ' * The England and Wales bank holidays as London calendar dates, sorted. To change the years or pick up a',
    ' * newer date-holidays, edit scripts/generate-bank-holidays.ts or update the package, and run the command',
    ' * again; test/unit/bank-holidays.test.ts fails while this file differs from what date-holidays gives.',
    ' */',
    '',
    `export const BANK_HOLIDAYS_SOURCE = 'date-holidays ${version}';`,
    '',
    '/** The calendar listed: `TimescalePolicy.holidays` must name this one. */',
    'export const BANK_HOLIDAYS_CALENDAR = {',
    `  country: ${literal(country)},`,
    `  state: ${literal(state)},`,
    `  types: [${types.map(literal).join(', ')}],`,
    '} as const;',
    '',
    `export const BANK_HOLIDAYS_FIRST_YEAR = ${firstYear};`,
    `export const BANK_HOLIDAYS_LAST_YEAR = ${lastYear};`,
    '',
    '/** [London date "YYYY-MM-DD", name], sorted by date. */',
    'export const BANK_HOLIDAYS: readonly (readonly [date: string, name: string])[] = [',
  ];
  for (let year = firstYear; year <= lastYear; year++) {
    for (const { date, name } of holidaysOfYear(year)) lines.push(`  [${literal(date)}, ${literal(name)}],`);
  }
  lines.push('];', '');
  return lines.join('\n');
}

function main(argv: readonly string[]): number {
  const text = renderGeneratedFile();
  let current: string | undefined;
  try {
    current = readFileSync(GENERATED_FILE, 'utf8');
  } catch {
    current = undefined;
  }
  if (argv.includes('--check')) {
    if (current === text) return 0;
    console.error(`${GENERATED_FILE} is out of date: run \`${GENERATE_COMMAND}\``);
    return 1;
  }
  if (current === text) {
    console.log(`${GENERATED_FILE} is up to date (date-holidays ${dateHolidaysVersion()})`);
    return 0;
  }
  writeFileSync(GENERATED_FILE, text);
  console.log(`wrote ${GENERATED_FILE} (date-holidays ${dateHolidaysVersion()}, ${FIRST_YEAR}–${LAST_YEAR})`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
