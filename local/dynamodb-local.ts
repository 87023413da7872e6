/**
 * DynamoDB Local (the jar shipped in amplify-dynamodb-simulator) as a child process, bound to
 * 127.0.0.1 by our launcher (dynamodb/LoopbackDynamoDBLocal.java). In memory unless a data folder is
 * given; with one, a single shared database file so region and credentials do not matter.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ChildHandle, spawnWatched } from './processes.ts';
import { projectRoot } from './project.ts';

const emulatorDir = join(projectRoot, 'node_modules/amplify-dynamodb-simulator/emulator');
const launcherSource = join(projectRoot, 'local/dynamodb/LoopbackDynamoDBLocal.java');
const launcherClass = 'LoopbackDynamoDBLocal';

/** The oldest Java DynamoDB Local runs on. */
const MIN_JAVA_VERSION = 17;
const INSTALL_JAVA =
  `Install Java ${MIN_JAVA_VERSION} or later and make sure \`java\` is on PATH: on Debian or Ubuntu ` +
  '`sudo apt-get install -y openjdk-17-jre-headless`, elsewhere a Temurin JRE from https://adoptium.net.';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  child: ChildHandle;
}

export async function startDynamoDbLocal(options: {
  dataDir?: string;
  /** 0 lets the launcher take any free loopback port (no race with other hubs). */
  port: number;
  hubPid: number;
  quiet: boolean;
  onSpawn?: (child: ChildHandle) => void;
}): Promise<DynamoDbLocal> {
  if (!existsSync(join(emulatorDir, 'DynamoDBLocal.jar'))) {
    throw new Error(`DynamoDB Local is missing (${emulatorDir}); run npm ci.`);
  }
  await requireJava();
  const storage = options.dataDir ? ['-dbPath', ensureDir(join(options.dataDir, 'dynamodb'))] : ['-inMemory'];
  const classpath = [join(emulatorDir, 'DynamoDBLocal.jar'), join(emulatorDir, 'DynamoDBLocal_lib', '*')];
  const compiled = await compiledLauncher(classpath);
  const marker = `-Dmash.hub=${options.hubPid}`;
  const { handle, ready } = await spawnWatched({
    name: 'dynamodb',
    command: 'java',
    args: [
      marker,
      // A small single-user emulator: the serial collector and few threads leave the cores to the tests.
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-cp',
      [...(compiled ? [compiled] : []), ...classpath].join(':'),
      compiled ? launcherClass : launcherSource,
      '-port',
      String(options.port),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
    ],
    marker,
    cwd: emulatorDir,
    readyLine: /^LoopbackDynamoDBLocal: listening on 127\.0\.0\.1:(\d+)$/,
    readyTimeoutMs: 60_000,
    quiet: options.quiet,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  const port = Number(ready[1]);
  return { endpoint: `http://127.0.0.1:${port}`, port, child: handle };
}

let javaChecked = false;

/**
 * Fails with what to install unless the `java` on PATH is Java 17 or later, before anything is spawned:
 * without this a newcomer only sees `spawn java ENOENT`, or DynamoDB Local's stack trace on an old Java.
 */
async function requireJava(): Promise<void> {
  if (javaChecked) return;
  let output: string;
  try {
    const { stdout, stderr } = await promisify(execFile)('java', ['-version'], { timeout: 30_000 });
    output = `${stderr}\n${stdout}`;
  } catch (error) {
    const why =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'there is no `java` on PATH'
        : `\`java -version\` failed (${(error as Error).message.split('\n')[0]})`;
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_VERSION} or later, and ${why}. ${INSTALL_JAVA}`);
  }
  const version = javaMajorVersion(output);
  if (version !== undefined && version < MIN_JAVA_VERSION) {
    throw new Error(
      `DynamoDB Local needs Java ${MIN_JAVA_VERSION} or later, and the \`java\` on PATH is Java ${version}. ${INSTALL_JAVA}`,
    );
  }
  javaChecked = true;
}

/** `openjdk version "17.0.2"` is 17, `java version "1.8.0_292"` is 8; undefined when there is no version. */
function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

/**
 * Compiles the launcher once into a cache folder keyed by its source and the jar, which saves the
 * second or so that `java Launcher.java` spends compiling on every start. Returns undefined when javac
 * is not available; `java` then runs the source file directly.
 */
async function compiledLauncher(classpath: string[]): Promise<string | undefined> {
  const key = createHash('sha256')
    .update(readFileSync(launcherSource))
    .update(String(statSync(classpath[0]!).size))
    .digest('hex')
    .slice(0, 16);
  const target = join(tmpdir(), `mash-hub-dynamodb-launcher-${key}`);
  if (existsSync(join(target, `${launcherClass}.class`))) return target;
  const staging = mkdtempSync(join(tmpdir(), 'mash-hub-launcher-build-'));
  try {
    await promisify(execFile)('javac', [
      '-nowarn',
      '-d',
      staging,
      '-cp',
      classpath.join(':'),
      launcherSource,
    ]);
    // Another hub may have compiled it at the same moment; either copy is the same, so losing the race is fine.
    renameSync(staging, target);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return existsSync(join(target, `${launcherClass}.class`)) ? target : undefined;
}
