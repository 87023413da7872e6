/**
 * Child processes of the hub (DynamoDB Local, fauxqs): started, watched until they say they are
 * ready, and stopped with SIGTERM then SIGKILL.
 *
 * Every child gets a pipe on stdin that the hub never writes to. When the hub dies, even by SIGKILL,
 * the pipe closes and the child exits on end-of-input, so nothing outlives the hub for long. Children
 * run in their own process group so that Ctrl-C in a terminal reaches only the hub, which then stops
 * them in order.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  /** A string in the child's command line that proves it is ours (see runtime-file.ts). */
  readonly marker: string;
  readonly exited: Promise<void>;
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnWatchedOptions {
  name: string;
  command: string;
  args: readonly string[];
  marker: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** A line on stdout or stderr matching this means the child is ready; the match is returned. */
  readyLine: RegExp;
  readyTimeoutMs: number;
  /** Forward the child's output (after it is ready) to the hub's stderr. */
  quiet: boolean;
  /** Called as soon as the child has a PID, before it is ready, so it can be recorded. */
  onSpawn?: (handle: ChildHandle) => void;
}

const OUTPUT_KEPT_FOR_ERRORS = 40;

/** Starts a child and resolves once it prints its ready line; rejects (and kills it) otherwise. */
export async function spawnWatched(
  options: SpawnWatchedOptions,
): Promise<{ handle: ChildHandle; ready: RegExpExecArray }> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const handle = childHandle(options.name, options.marker, child);
  if (child.pid === undefined) {
    const [error] = (await once(child, 'error')) as [NodeJS.ErrnoException];
    const why = error.code === 'ENOENT' ? `${options.command} was not found on PATH` : error.message;
    throw new Error(`${options.name} could not be started: ${why}`);
  }
  options.onSpawn?.(handle);

  const recentOutput: string[] = [];
  let readyMatch: RegExpExecArray | undefined;
  let announceReady: (match: RegExpExecArray) => void = () => {};
  const readyPromise = new Promise<RegExpExecArray>((resolve) => {
    announceReady = resolve;
  });

  for (const stream of [child.stdout, child.stderr]) {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      if (readyMatch === undefined) {
        recentOutput.push(line);
        if (recentOutput.length > OUTPUT_KEPT_FOR_ERRORS) recentOutput.shift();
        const match = options.readyLine.exec(line);
        if (match) {
          readyMatch = match;
          announceReady(match);
        }
      } else if (!options.quiet) {
        process.stderr.write(`[${options.name}] ${line}\n`);
      }
    });
  }

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.readyTimeoutMs);
  });
  const outcome = await Promise.race([readyPromise, handle.exited.then(() => 'exited' as const), timedOut]);
  clearTimeout(timer);
  if (typeof outcome === 'string') {
    await handle.stop(1000);
    const why = outcome === 'timeout' ? `was not ready within ${options.readyTimeoutMs} ms` : 'exited early';
    throw new Error(`${options.name} ${why}. Its last output:\n${recentOutput.join('\n')}`);
  }
  return { handle, ready: outcome };
}

function childHandle(name: string, marker: string, child: ChildProcess): ChildHandle {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  // The hub never writes to the watchdog pipe; a closed pipe is expected when the child exits first.
  child.stdin?.on('error', () => {});
  let stopping: Promise<void> | undefined;
  return {
    name,
    marker,
    pid: child.pid ?? -1,
    exited,
    stop(graceMs = 5000) {
      stopping ??= stopChild(child, exited, graceMs);
      return stopping;
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const result = await Promise.race([exited.then(() => 'done' as const), graceOver]);
  clearTimeout(timer);
  if (result === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  child.stdin?.destroy();
}

/** True while a process with this PID exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
