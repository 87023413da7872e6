/**
 * `npm run metrics -- --period monthly|weekly|daily --from ID --to ID [--data-dir DIR]`: backfills the
 * board's exports for every period from..to inclusive, with the same `exportPeriod` the scheduled
 * metrics function runs, against a hub started in this process on the data folder.
 */
import './lib/quiet-handlers.ts';
import {
  isPeriodKind,
  isValidPeriodId,
  PeriodError,
  type PeriodKind,
  periodsBetween,
} from '../src/domain/metrics/periods.ts';
import { reportsBucket } from '../src/resources.ts';
import { type ExportResult, exportPeriod } from '../src/services/metrics.ts';
import { definitionsKey } from '../src/store/report-store.ts';
import {
  dataFolder,
  displayFolder,
  messageOf,
  parseCommandLine,
  runWithHub,
  startUp,
  UsageError,
} from './lib/cli.ts';
import { formatDuration, ProgressBar } from './lib/progress.ts';

const PROGRAM = 'metrics';
const MAX_PERIODS = 1000;
/** Exports run a few at a time: each streams its own slice of the receipt index. */
const CONCURRENCY = 4;

const EXAMPLES: Record<PeriodKind, string> = { daily: '2026-11-25', weekly: '2026-W48', monthly: '2026-11' };

const HELP = `Usage: npm run metrics -- --period monthly|weekly|daily --from ID --to ID [--data-dir DIR]

Backfills the board's exports (JSON, CSV and the definitions) for every period from --from to --to
inclusive, as the scheduled metrics function would have written them, from the data in DIR. It starts
its own hub on the folder, then stops it.

Options:
  --period KIND      daily, weekly or monthly
  --from ID          first period: ${EXAMPLES.daily} (daily), ${EXAMPLES.weekly} (ISO week), ${EXAMPLES.monthly} (monthly)
  --to ID            last period, same kind; at most ${MAX_PERIODS} periods in all
  --data-dir DIR     data folder (default .local-data in the project); refused while a running hub
                     uses it
  -h, --help         this help

The exports land in the reports bucket (${reportsBucket.localName}) under ${reportsBucket.prefix}KIND/ID.json and .csv;
read them with GET /api/reports and a board token once \`MASH_DATA_DIR=DIR npm start\` runs.
Exit codes: 0 done, 1 failed, 2 bad arguments or the folder is in use, 130 interrupted (Ctrl-C).
`;

interface Options {
  period: PeriodKind;
  ids: string[];
  dataDir: string;
}

function parseOptions(argv: string[]): Options {
  const values = parseCommandLine(
    argv,
    {
      period: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
    HELP,
  );
  const { period, from, to } = values;
  if (period === undefined) throw new UsageError('--period is required (daily, weekly or monthly)');
  if (!isPeriodKind(period)) {
    throw new UsageError(`--period must be daily, weekly or monthly, not "${period}"`);
  }
  for (const [name, id] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (id === undefined)
      throw new UsageError(`--${name} is required (a ${period} period id like ${EXAMPLES[period]})`);
    if (!isValidPeriodId(period, id)) {
      throw new UsageError(`--${name} "${id}" is not a ${period} period id (like ${EXAMPLES[period]})`);
    }
  }
  let ids: string[];
  try {
    ids = periodsBetween(period, from!, to!, MAX_PERIODS);
  } catch (error) {
    if (error instanceof PeriodError) {
      throw new UsageError(
        error.message.startsWith('more than')
          ? `${error.message}: backfill at most ${MAX_PERIODS} periods at a time`
          : `--from must not be after --to: ${error.message}`,
      );
    }
    throw error;
  }
  return { period, ids, dataDir: dataFolder(values['data-dir']) };
}

async function main(): Promise<void> {
  const options = startUp(PROGRAM, parseOptions);
  const folder = displayFolder(options.dataDir);
  const { period, ids } = options;
  process.stderr.write(
    `${PROGRAM}: ${ids.length} ${period} export${ids.length === 1 ? '' : 's'}, ${ids[0]} to ${ids.at(-1)}, from ${folder}\n` +
      `${PROGRAM}: starting a hub on ${folder}…\n`,
  );

  await runWithHub(PROGRAM, options.dataDir, async ({ signal }) => {
    const startedAt = performance.now();
    const progress = new ProgressBar(PROGRAM, ids.length, 'exports');
    const results: ExportResult[] = [];
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (!signal.aborted && failure === undefined && next < ids.length) {
        const id = ids[next++]!;
        try {
          results.push(await exportPeriod(period, id));
          progress.tick();
        } catch (error) {
          failure ??= new Error(`${period} ${id}: ${messageOf(error)}`, { cause: error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
    const elapsed = (performance.now() - startedAt) / 1000;
    if (failure !== undefined || signal.aborted) progress.interrupt();
    else progress.finish();

    results.sort((a, b) => a.periodId.localeCompare(b.periodId));
    const referrals = results.reduce((sum, result) => sum + result.referrals, 0);
    const shown = results.length > 24 ? [...results.slice(0, 12), undefined, ...results.slice(-12)] : results;
    const width = Math.max(0, ...results.map((result) => result.jsonKey.length));
    const lines = [
      '',
      `${failure === undefined && !signal.aborted ? 'Exported' : 'Stopped after exporting'} ${results.length} of ${ids.length} ${period} period(s) from ${folder} in ${formatDuration(elapsed)}; ${referrals.toLocaleString('en-GB')} referrals counted.`,
      `Bucket ${reportsBucket.localName} (kept in ${folder}/fauxqs):`,
      ...shown.map((result) =>
        result
          ? `  ${result.jsonKey.padEnd(width)}  ${result.csvKey}  ${result.referrals.toLocaleString('en-GB')} referrals`
          : `  … ${results.length - 24} more …`,
      ),
      `  ${definitionsKey('json')}  ${definitionsKey('md')}  (what every figure means)`,
      '',
      'To read them, start the hub on the same folder and ask as the board:',
      `  MASH_DATA_DIR=${folder} npm start`,
      `  TOKEN=$(curl -s -X POST http://127.0.0.1:3000/_local/token -H 'Content-Type: application/json' -d '{"role":"board"}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).token')`,
      '  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/api/reports',
      ...(results[0]
        ? [
            `  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/api/reports/${period}/${results[0].periodId}.json`,
          ]
        : []),
      'or sign in as the board at http://127.0.0.1:3000/_local/sign-in and open /board.',
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (failure !== undefined) {
      process.stderr.write(`${PROGRAM}: stopped: ${messageOf(failure)}\n`);
      return 1;
    }
    return signal.aborted ? 130 : 0;
  });
}

await main();
