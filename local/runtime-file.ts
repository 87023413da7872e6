/**
 * A small record per running hub (.hub-runtime/hub-PID-PORT.json) naming its child processes.
 *
 * Children exit by themselves when the hub dies (they watch their stdin), so this is the second line
 * of defence: if a hub was killed with -9 and a child somehow survived, the next hub to start finds
 * the record of a dead hub and ends the children it names. A PID is only signalled after its
 * /proc/PID/cmdline shows it is a java or node process carrying our marker, because PIDs are reused.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './processes.ts';

export interface RuntimeRecord {
  hubPid: number;
  port: number;
  dataDir: string | null;
  startedAt: string;
  children: Array<{ name: string; pid: number; marker: string }>;
}

export class RuntimeFile {
  readonly path: string;
  private record: RuntimeRecord;

  constructor(directory: string, record: RuntimeRecord) {
    mkdirSync(directory, { recursive: true });
    this.path = join(directory, `hub-${record.hubPid}-${record.port}.json`);
    this.record = record;
    this.write();
  }

  addChild(child: { name: string; pid: number; marker: string }): void {
    this.record = { ...this.record, children: [...this.record.children, child] };
    this.write();
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }

  private write(): void {
    writeFileSync(this.path, `${JSON.stringify(this.record, null, 2)}\n`);
  }
}

/** The records of hubs that are still running (other processes). */
export function liveHubRecords(directory: string): RuntimeRecord[] {
  return readRecords(directory)
    .filter(({ record }) => record.hubPid !== process.pid && isNodeProcess(record.hubPid))
    .map(({ record }) => record);
}

/**
 * Ends the children of hubs that died without stopping them, and removes their records.
 * Returns the PIDs it ended.
 */
export async function reapOrphans(directory: string): Promise<number[]> {
  const ended: number[] = [];
  for (const { path, record } of readRecords(directory)) {
    if (record.hubPid === process.pid || isNodeProcess(record.hubPid)) continue;
    const ours = record.children.filter((child) => commandLineMatches(child.pid, child.marker));
    for (const child of ours) signal(child.pid, 'SIGTERM');
    for (let waited = 0; waited < 3000 && ours.some((child) => isAlive(child.pid)); waited += 100) {
      await sleep(100);
    }
    for (const child of ours) {
      if (isAlive(child.pid) && commandLineMatches(child.pid, child.marker)) signal(child.pid, 'SIGKILL');
      ended.push(child.pid);
    }
    rmSync(path, { force: true });
  }
  return ended;
}

function readRecords(directory: string): Array<{ path: string; record: RuntimeRecord }> {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const records: Array<{ path: string; record: RuntimeRecord }> = [];
  for (const name of names.filter((n) => /^hub-\d+-\d+\.json$/.test(n))) {
    const path = join(directory, name);
    try {
      records.push({ path, record: JSON.parse(readFileSync(path, 'utf8')) as RuntimeRecord });
    } catch {
      // Half-written or hand-edited: nothing in it can be trusted, so it is left for a person to look at.
    }
  }
  return records;
}

function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

function commandLineMatches(pid: number, marker: string): boolean {
  const argv = commandLine(pid);
  if (!argv?.[0]) return false;
  const program = basename(argv[0]);
  return (program === 'java' || program === 'node') && argv.some((arg) => arg.includes(marker));
}

function isNodeProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const argv = commandLine(pid);
  // Without /proc (not Linux) a live PID is taken at its word.
  return argv === undefined || (argv[0] !== undefined && basename(argv[0]).startsWith('node'));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
