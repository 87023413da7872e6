/**
 * What the seed and metrics scripts share: strict argument parsing (a one-line error and exit code 2
 * for anything unknown or malformed), the data-folder rule (never two DynamoDB Locals on one file),
 * and a hub started in this process that Ctrl-C stops cleanly.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { type Hub, startHub } from '../../local/hub.ts';
import { projectRoot, runtimeDirectory } from '../../local/project.ts';
import { liveHubRecords } from '../../local/runtime-file.ts';

const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

/** A mistake in how the script was called: reported on one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The options every script takes besides its own: the data folder and help. */
const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

/**
 * A script's start-up: its options parsed by `parse` (a UsageError exits 2 with one line), then the
 * refusal to run on a data folder that a running hub holds.
 */
export function startUp<T extends { dataDir: string }>(program: string, parse: (argv: string[]) => T): T {
  let options: T;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) usageExit(program, error.message);
    throw error;
  }
  assertNoHubOn(program, options.dataDir);
  return options;
}

function usageExit(program: string, message: string): never {
  process.stderr.write(`${program}: ${message} (see --help)\n`);
  process.exit(EXIT_USAGE);
}

/**
 * Parses `argv` strictly (with `--data-dir` and `--help` besides `options`): unknown options, positional arguments and missing values are UsageErrors.
 * `--help` / `-h` prints `help` and exits 0.
 */
export function parseCommandLine(
  argv: string[],
  options: ParseArgsOptionsConfig,
  help: string,
): Record<string, string | undefined> {
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...options, ...COMMON_OPTIONS },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node's messages run on ("... To specify a positional argument ..."): keep the first sentence.
    throw new UsageError(message.split(/\.\s/)[0]!.replace(/\.$/, ''));
  }
  if (values.help) {
    process.stdout.write(help);
    process.exit(0);
  }
  const strings: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) if (typeof value === 'string') strings[name] = value;
  return strings;
}

/** A whole number in [min, max] written as plain digits, or a UsageError naming the option. */
export function wholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(
      `--${name} must be a whole number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')}, not "${value}"`,
    );
  }
  return Number(value);
}

/** The data folder: an option relative to the working directory, or `.local-data` in the project. */
export function dataFolder(value: string | undefined): string {
  if (value === undefined) return resolve(projectRoot, '.local-data');
  if (value.trim() === '') throw new UsageError('--data-dir must name a folder');
  return resolve(value);
}

/** How to name the folder to a person: relative to the project when inside it (npm runs from there). */
export function displayFolder(dataDir: string): string {
  const inside = relative(projectRoot, dataDir);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : dataDir;
}

/** Refuses (exit 2) when a hub in another process runs on this data folder. */
function assertNoHubOn(program: string, dataDir: string): void {
  const running = liveHubRecords(runtimeDirectory).find((record) => record.dataDir === dataDir);
  if (running) {
    process.stderr.write(
      `${program}: a hub (pid ${running.hubPid}, http://127.0.0.1:${running.port}) is running on ${dataDir}; ` +
        'stop it first: two DynamoDB Locals on one data file would corrupt it\n',
    );
    process.exit(EXIT_USAGE);
  }
}

export interface HubRun {
  hub: Hub;
  /** Aborted on the first Ctrl-C (or SIGTERM): finish what is in flight, start nothing new. */
  signal: AbortSignal;
}

const STOP_DEADLINE_MS = 20_000;

/**
 * Starts a hub on `dataDir` in this process, runs `work`, stops the hub and exits with work's code
 * (130 after Ctrl-C). A second Ctrl-C exits at once; the hub's children end by themselves when
 * this process goes (their stdin closes).
 */
export async function runWithHub(
  program: string,
  dataDir: string,
  work: (run: HubRun) => Promise<number>,
): Promise<never> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${program}: ${name} again: exiting now\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    process.stderr.write(`\n${program}: ${name}: finishing the work in flight and stopping the hub…\n`);
    controller.abort();
    setTimeout(() => {
      process.stderr.write(`${program}: did not stop in time; exiting\n`);
      process.exit(EXIT_INTERRUPTED);
    }, STOP_DEADLINE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let hub: Hub;
  try {
    hub = await startHub({ port: 0, dataDir, quiet: true });
  } catch (error) {
    process.stderr.write(`${program}: the hub could not start: ${messageOf(error)}\n`);
    process.exit(1);
  }
  let code: number;
  try {
    code = controller.signal.aborted ? EXIT_INTERRUPTED : await work({ hub, signal: controller.signal });
  } catch (error) {
    process.stderr.write(`${program}: ${messageOf(error)}\n`);
    code = 1;
  }
  try {
    await hub.stop();
  } catch (error) {
    process.stderr.write(`${program}: the hub did not stop cleanly: ${messageOf(error)}\n`);
    code = code || 1;
  }
  process.exit(controller.signal.aborted ? EXIT_INTERRUPTED : code);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
