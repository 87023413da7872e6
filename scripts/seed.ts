/**
 * `npm run seed -- --referrals N --months M [--seed S] [--data-dir DIR]`: fills a local hub's data
 * folder with a realistic synthetic hub, written through the product's own domain code and store.
 * See `--help`, and scripts/lib/synthetic.ts for the proportions.
 */
import './lib/quiet-handlers.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { reReferralWindowStartDate } from '../src/domain/identity.ts';
import { londonIsoDate, londonTime } from '../src/domain/timescales.ts';
import { documents, resourceName } from '../src/platform/clients.ts';
import { caseTable } from '../src/resources.ts';
import { DynamoCaseStore } from '../src/store/dynamo-case-store.ts';
import {
  dataFolder,
  displayFolder,
  messageOf,
  parseCommandLine,
  runWithHub,
  startUp,
  UsageError,
  wholeNumber,
} from './lib/cli.ts';
import { formatDuration, ProgressBar } from './lib/progress.ts';
import { type PlannedCase, SyntheticHub, type Window } from './lib/synthetic.ts';
import { emptyTally, type Tally, writeCase } from './lib/write-case.ts';

const PROGRAM = 'seed';
const MAX_REFERRALS = 500_000;

const HELP = `Usage: npm run seed -- [--referrals N] [--months M] [--seed S] [--data-dir DIR]
                         [--until YYYY-MM-DD] [--concurrency C]

Fills a data folder with a realistic synthetic MASH: N referrals received over the M months before
--until, each taken through the hub's own intake and workflow code (rating, consent overrides, agency
requests and answers, decisions, information products, referrer feedback) at its simulated time, and
written through the DynamoDB case store with its audit trail. It starts its own hub on the folder,
then stops it; afterwards \`MASH_DATA_DIR=DIR npm start\` shows the data.

Options:
  --referrals N      referrals to make, 1 to ${MAX_REFERRALS.toLocaleString('en-GB')} (default 1000)
  --months M         spread over the M months before --until, 1 to 120 (default 12)
  --seed S           PRNG seed, 0 to 4294967295 (default 1); the same seed and --until make the
                     same referrals, timings and outcomes (ids and references are random)
  --data-dir DIR     data folder (default .local-data in the project); refused while a running hub
                     uses it. Referrals are added to what the folder already holds (the
                     same seed again makes the same people, who then count as re-referred).
  --until DATE       London date at whose midnight the data ends (default today; not in the future)
  --concurrency C    cases written at once, 1 to 128 (default 16)
  -h, --help         this help

People are made up: names from invented syllables, NHS numbers starting 999 whose check digit fails
the NHS modulus 11 check, ZZ postcodes, Ofcom drama telephone numbers, .example e-mail addresses.
Exit codes: 0 done, 1 failed, 2 bad arguments or the folder is in use, 130 interrupted (Ctrl-C).
`;

interface Options {
  referrals: number;
  months: number;
  seed: number;
  dataDir: string;
  until: string;
  concurrency: number;
}

function parseOptions(argv: string[]): Options {
  const values = parseCommandLine(
    argv,
    {
      referrals: { type: 'string' },
      months: { type: 'string' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
      until: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  const today = londonIsoDate(new Date());
  const until = values.until ?? today;
  const parsed = Date.parse(`${until}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(until) ||
    Number.isNaN(parsed) ||
    new Date(parsed).toISOString().slice(0, 10) !== until
  ) {
    throw new UsageError(`--until must be a real date written YYYY-MM-DD, not "${until}"`);
  }
  if (until > today) throw new UsageError(`--until ${until} is in the future (today is ${today} in London)`);
  return {
    referrals: wholeNumber('referrals', values.referrals, 1000, 1, MAX_REFERRALS),
    months: wholeNumber('months', values.months, 12, 1, 120),
    seed: wholeNumber('seed', values.seed, 1, 0, 4_294_967_295),
    dataDir: dataFolder(values['data-dir']),
    until,
    concurrency: wholeNumber('concurrency', values.concurrency, 16, 1, 128),
  };
}

function windowOf(options: Options): Window & { startDate: string } {
  const [y, m, d] = options.until.split('-').map(Number) as [number, number, number];
  const startDate = reReferralWindowStartDate(options.until, options.months);
  const [sy, sm, sd] = startDate.split('-').map(Number) as [number, number, number];
  return { start: londonTime(sy, sm, sd), end: londonTime(y, m, d), startDate };
}

function holdsData(dataDir: string): boolean {
  const dynamodb = join(dataDir, 'dynamodb');
  return existsSync(dynamodb) && readdirSync(dynamodb).length > 0;
}

async function main(): Promise<void> {
  const options = startUp(PROGRAM, parseOptions);
  const window = windowOf(options);
  const folder = displayFolder(options.dataDir);
  const lastDate = londonIsoDate(new Date(window.end.getTime() - 1));
  const existing = holdsData(options.dataDir);
  process.stderr.write(
    `${PROGRAM}: ${options.referrals.toLocaleString('en-GB')} referrals received ${window.startDate} to ${lastDate} ` +
      `(London), seed ${options.seed}, into ${folder}${existing ? ' (adding to the data already there)' : ''}\n` +
      `${PROGRAM}: starting a hub on ${folder}…\n`,
  );

  await runWithHub(PROGRAM, options.dataDir, async ({ signal }) => {
    const store = new DynamoCaseStore(documents(), resourceName(caseTable.envVar));
    const startedAt = performance.now();
    const hubPlan = new SyntheticHub(options.seed, window, options.referrals);
    const tally = emptyTally();
    const progress = new ProgressBar(PROGRAM, options.referrals, 'referrals');
    /** The intake of the latest case naming each person: a re-referral is written after it. */
    const intakes = new Map<number, Promise<void>>();
    let failure: unknown;

    const worker = async () => {
      while (!signal.aborted && failure === undefined && hubPlan.hasNext) {
        let plan: PlannedCase;
        try {
          plan = hubPlan.next();
        } catch (error) {
          failure ??= error;
          break;
        }
        const earlier = plan.personIds.map((id) => intakes.get(id)).filter((p) => p !== undefined);
        let intakeDone!: () => void;
        const intake = new Promise<void>((resolve) => {
          intakeDone = resolve;
        });
        for (const id of plan.personIds) intakes.set(id, intake);
        try {
          await Promise.all(earlier);
          await writeCase(store, plan, tally, intakeDone);
          progress.tick();
        } catch (error) {
          intakeDone();
          failure ??= new Error(`referral ${plan.index + 1}: ${messageOf(error)}`, { cause: error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.referrals) }, worker));
    const elapsed = (performance.now() - startedAt) / 1000;

    if (failure !== undefined || signal.aborted) {
      progress.interrupt();
      process.stdout.write(summary(tally, options, folder, elapsed, window, lastDate, false));
      if (failure !== undefined) {
        process.stderr.write(`${PROGRAM}: stopped: ${messageOf(failure)}\n`);
        return 1;
      }
      return 130;
    }
    progress.finish();
    process.stdout.write(summary(tally, options, folder, elapsed, window, lastDate, true));
    return 0;
  });
}

function summary(
  tally: Tally,
  options: Options,
  folder: string,
  elapsed: number,
  window: Window & { startDate: string },
  lastDate: string,
  complete: boolean,
): string {
  const n = (value: number) => value.toLocaleString('en-GB');
  const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');
  const breakdown = (counts: Record<string, number | undefined>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key} ${n(value ?? 0)}`)
      .join(', ');
  const lines = [
    '',
    complete
      ? `Seeded ${folder} in ${formatDuration(elapsed)} (${(tally.referrals / Math.max(elapsed, 0.001)).toFixed(1)} referrals/s).`
      : `Stopped early: ${n(tally.referrals)} of ${n(options.referrals)} referrals written in ${formatDuration(elapsed)}.`,
    `  Received between ${window.start.toISOString()} and ${window.end.toISOString()} (London ${window.startDate} to ${lastDate}; --until ${options.until}, seed ${options.seed})`,
    `  Referrals      ${n(tally.referrals)}  (re-referrals ${n(tally.reReferrals)} ${pct(tally.reReferrals, tally.referrals)}, immediate danger ${n(tally.immediateDanger)})`,
    `  Rated          ${n(tally.rated)}  (re-rated ${n(tally.reRated)}); consent overrides ${n(tally.consentOverrides)}`,
    `  RAG now        ${breakdown(tally.byRag)}`,
    `  Requests       ${n(tally.requests)}  (answered ${n(tally.answered)}, of which late ${n(tally.answeredLate)})`,
    `  Decisions      ${n(tally.decisions)}  (NFA ${pct(tally.nfa, tally.decisions)}); information products ${n(tally.products)}`,
    `  Feedback       ${n(tally.feedback)}`,
    `  Status now     ${breakdown(tally.byStatus)}`,
    `  Elapsed        ${formatDuration(elapsed)}`,
    '',
    'See it in the hub:',
    `  MASH_DATA_DIR=${folder} npm start`,
    `Board exports for these months: npm run metrics -- --period monthly --from ${window.startDate.slice(0, 7)} --to ${lastDate.slice(0, 7)}${folder === '.local-data' ? '' : ` --data-dir ${folder}`}`,
    '',
  ];
  return lines.join('\n');
}

await main();
