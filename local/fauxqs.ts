/**
 * fauxqs (SQS and S3 on one endpoint) as a child process on a loopback port. In memory unless a data
 * folder is given; with one, fauxqs keeps queues, messages, buckets and objects in SQLite there.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildHandle, spawnWatched } from './processes.ts';
import { projectRoot } from './project.ts';

export interface Fauxqs {
  endpoint: string;
  port: number;
  child: ChildHandle;
}

export async function startFauxqsChild(options: {
  dataDir?: string;
  port: number;
  region: string;
  hubPid: number;
  quiet: boolean;
  onSpawn?: (child: ChildHandle) => void;
}): Promise<Fauxqs> {
  const marker = `--mash-hub=${options.hubPid}`;
  const args = [
    '--disable-warning=ExperimentalWarning',
    join(projectRoot, 'local/fauxqs/fauxqs-child.ts'),
    marker,
    `--port=${options.port}`,
    `--region=${options.region}`,
  ];
  if (options.dataDir) {
    const dir = join(options.dataDir, 'fauxqs');
    mkdirSync(dir, { recursive: true });
    args.push(`--data-dir=${dir}`);
  }
  const { handle, ready } = await spawnWatched({
    name: 'fauxqs',
    command: process.execPath,
    args,
    marker,
    cwd: projectRoot,
    readyLine: /^fauxqs-child: listening on 127\.0\.0\.1:(\d+)$/,
    readyTimeoutMs: 30_000,
    quiet: options.quiet,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  const port = Number(ready[1]);
  return { endpoint: `http://127.0.0.1:${port}`, port, child: handle };
}
