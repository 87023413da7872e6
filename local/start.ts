/**
 * `npm start`: runs the local hub on http://127.0.0.1:${PORT:-3000}${MASH_BASE_PATH}, keeping data in memory unless
 * MASH_DATA_DIR names a folder. Ctrl-C or SIGTERM stops it and everything it started within 10 s.
 */
import { type Hub, startHub } from './hub.ts';

const STOP_DEADLINE_MS = 9500;

const PAGES: Array<[string, string]> = [
  ['/', 'start page'],
  ['/refer', 'make a referral'],
  ['/feedback', 'feedback on a referral'],
  ['/workbench', 'the MASH workbench (mash, manager)'],
  ['/agency', 'partner agency inbox'],
  ['/board', "the board's dashboard"],
  ['/_local/sign-in', 'pick a role (local only)'],
  ['/api/openapi.json', 'the API description'],
  ['/health', 'health'],
];

async function main(): Promise<void> {
  const port = process.env.PORT ? Number(process.env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT is not a port number: ${process.env.PORT}`);
  const dataDir = process.env.MASH_DATA_DIR || undefined;
  const basePath = process.env.MASH_BASE_PATH || undefined;

  const starting = startHub({ port, ...(dataDir ? { dataDir } : {}), ...(basePath ? { basePath } : {}) });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: leave now; the children exit on their own when our pipes to them close.
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`\n[hub] ${signal}: stopping…\n`);
    setTimeout(() => {
      process.stderr.write('[hub] did not stop in time; exiting\n');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    // Stopping while still starting waits for the start to finish, so nothing is left half-started.
    starting
      .then((hub) => hub.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const hub: Hub = await starting;
  if (stopping) return;
  const width = Math.max(...PAGES.map(([path]) => path.length));
  const lines = [
    '',
    `MASH local hub at ${hub.url}  (data: ${dataDir ? `kept in ${dataDir}` : 'in memory, lost on stop'})`,
    '',
    ...PAGES.map(([path, what]) => {
      // `/health` and `/_local/…` stay at the root; everything else is under the base path.
      const at = path === '/health' || path.startsWith('/_local/') ? path : `${hub.basePath}${path}`;
      return `  ${hub.url}${at.padEnd(width + hub.basePath.length)}  ${what}`;
    }),
    '',
    `  DynamoDB Local  ${hub.dynamodbEndpoint}`,
    `  SQS and S3      ${hub.sqsEndpoint}  (fauxqs)`,
    '',
    'Ctrl-C stops it.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error('[hub] could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
