/**
 * Runs fauxqs (SQS + S3) for the hub in a process of its own, so its timers, SQLite file and request
 * handling never share the hub's event loop with the handlers under test.
 *
 * node local/fauxqs/fauxqs-child.ts --mash-hub=PID --port=0 --region=eu-west-2 [--data-dir=DIR]
 *
 * Prints one line `fauxqs-child: listening on 127.0.0.1:PORT` when ready. Exits when its stdin closes
 * (the hub died) or on SIGTERM/SIGINT, closing the SQLite store cleanly.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { startFauxqs } from 'fauxqs';

const LOOPBACK = '127.0.0.1';

const { values } = parseArgs({
  options: {
    'mash-hub': { type: 'string' },
    port: { type: 'string', default: '0' },
    region: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});

pinListeningToLoopback();

const server = await startFauxqs({
  port: Number(values.port),
  logger: false,
  ...(values.region ? { defaultRegion: values.region } : {}),
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
});
console.log(`fauxqs-child: listening on ${LOOPBACK}:${server.port}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

/**
 * fauxqs 2.4 always listens on 0.0.0.0 (its `host` option only names the host in queue URLs). Nothing
 * the hub starts may be reachable from the network, so every server in this process listens on the
 * loopback address instead.
 */
function pinListeningToLoopback(): void {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listenOnLoopback(this: net.Server, ...args: unknown[]) {
    const [first] = args;
    if (first !== null && typeof first === 'object' && ('port' in first || 'host' in first)) {
      args[0] = { ...first, host: LOOPBACK };
    } else if (typeof first === 'number') {
      if (typeof args[1] === 'string') args[1] = LOOPBACK;
      else args.splice(1, 0, LOOPBACK);
    } else {
      throw new Error('fauxqs-child: refusing a listen() call it cannot pin to 127.0.0.1');
    }
    return listen.apply(this, args as Parameters<typeof listen>);
  } as typeof listen;
}
