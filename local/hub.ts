/**
 * The local hub: DynamoDB Local and fauxqs as child processes, provisioned from src/resources.ts, the
 * handlers run in this process behind an API Gateway-shaped HTTP server, a queue poller standing in
 * for the SQS event source mappings and a scheduler standing in for EventBridge Scheduler.
 *
 * One hub per process at a time: handlers read process.env and create their AWS clients and token
 * verifier once, at cold start. For the same reason a hub restarted in the same process (a
 * persistence test) asks for the ports and signing key of the previous one, so handlers already
 * loaded keep talking to the right endpoints and accepting the new hub's tokens.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { isBasePath } from '../src/http/base-path.ts';
import { hubClock } from '../src/platform/clock.ts';
import { defaultRegion, schedules } from '../src/resources.ts';
import { createLocalClients, type LocalClients } from './aws-clients.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { startFauxqsChild } from './fauxqs.ts';
import { FunctionRegistry, type HandlerOverrides } from './function-registry.ts';
import { applyHandlerEnvironment, handlerEnvironment } from './handler-environment.ts';
import { createRequestListener } from './http-server.ts';
import { createSigningKey, type LocalSigningKey } from './local-auth.ts';
import type { LocalEndpointDependencies } from './local-endpoints.ts';
import { createHubLog } from './log.ts';
import type { ChildHandle } from './processes.ts';
import { LOOPBACK, runtimeDirectory } from './project.ts';
import { provision } from './provision.ts';
import { liveHubRecords, RuntimeFile, reapOrphans } from './runtime-file.ts';
import { Scheduler } from './scheduler.ts';
import { QueuePoller } from './sqs-poller.ts';

export interface HubOptions {
  /** HTTP port on 127.0.0.1; 0 takes a free one. Default 3000. */
  port?: number;
  /** Keep data here (DynamoDB under dynamodb/, queues and bucket under fauxqs/); in memory when absent. */
  dataDir?: string;
  /** Log only errors (tests). */
  quiet?: boolean;
  /** Tests: in-memory handlers standing in for function modules (a fake queue consumer, say). */
  handlers?: HandlerOverrides;
  /** Tests: one visibility timeout for every queue instead of each queue's own (src/resources.ts). */
  queueVisibilityTimeoutSeconds?: number;
  /** Tests: how long POST /_local/settle waits before answering 503. Default 30 s. */
  settleTimeoutMs?: number;
  /**
   * Serve every page, asset and API route under this path (`/prod`), as API Gateway's stage URL does;
   * `/health` and `/_local/…` stay at the root. Default: the root. `npm start` reads MASH_BASE_PATH.
   */
  basePath?: string;
}

export interface Hub {
  /** The hub's origin, `http://127.0.0.1:PORT`: `/health` and `/_local/…` are here. */
  url: string;
  /** The path every page and API route is served under (`/prod`), or '' at the root. */
  basePath: string;
  port: number;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  /** What provisioning changed at start; empty when kept data already matched src/resources.ts. */
  provisioningActions: string[];
  stop(): Promise<void>;
}

const DEFAULT_PORT = 3000;
const DEFAULT_SETTLE_TIMEOUT_MS = 30_000;
const HTTP_CLOSE_GRACE_MS = 2000;
const POLLER_STOP_GRACE_MS = 3000;
const CHILD_STOP_GRACE_MS = 4000;

/** What a hub restarted in this process reuses (see the module comment). */
let previous: { httpPort: number; dynamodbPort: number; fauxqsPort: number } | undefined;
let processAuth: { signingKey: LocalSigningKey; issuer: string } | undefined;
let hubRunning = false;

export async function startHub(options: HubOptions = {}): Promise<Hub> {
  if (hubRunning) {
    throw new Error('A hub is already running in this process; stop it first (handlers share process.env).');
  }
  hubRunning = true;
  try {
    return await start(options);
  } catch (error) {
    hubRunning = false;
    throw error;
  }
}

async function start(options: HubOptions): Promise<Hub> {
  const startedAt = performance.now();
  const log = createHubLog(options.quiet ?? false);
  const quiet = options.quiet ?? false;
  const region = defaultRegion;
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) requireWritableFolder(dataDir);

  const reaped = await reapOrphans(runtimeDirectory);
  if (reaped.length > 0)
    log.warn(`ended ${reaped.length} process(es) left by a hub that was killed: ${reaped}`);
  if (dataDir && liveHubRecords(runtimeDirectory).some((record) => record.dataDir === dataDir)) {
    throw new Error(`Another running hub uses the data folder ${dataDir}; stop it first.`);
  }

  const basePath = normalBasePath(options.basePath);
  const registry = new FunctionRegistry(options.handlers);
  let running: { scheduler: Scheduler; poller: QueuePoller } | undefined;
  let accepting = false;
  const signingKey = processAuth?.signingKey ?? (await createSigningKey());
  const local: LocalEndpointDependencies = {
    clock: hubClock,
    signingKey,
    issuer: processAuth?.issuer ?? '',
    log,
    settleTimeoutMs: options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS,
    basePath,
    running: () => running,
  };
  const server = createServer(
    createRequestListener({
      registry,
      clock: hubClock,
      region,
      log,
      local,
      basePath,
      accepting: () => accepting,
    }),
  );
  const requestedPort = options.port ?? DEFAULT_PORT;
  await listenPreferring(server, requestedPort === 0 ? previous?.httpPort : undefined, requestedPort);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${LOOPBACK}:${port}`;
  processAuth ??= { signingKey, issuer: `${url}/_local/issuer` };
  local.issuer = processAuth.issuer;

  const runtimeFile = new RuntimeFile(runtimeDirectory, {
    hubPid: process.pid,
    port,
    dataDir: dataDir ?? null,
    startedAt: new Date().toISOString(),
    children: [],
  });
  const children: ChildHandle[] = [];
  const onSpawn = (child: ChildHandle) => {
    children.push(child);
    runtimeFile.addChild({ name: child.name, pid: child.pid, marker: child.marker });
  };
  let clients: LocalClients | undefined;
  let poller: QueuePoller | undefined;
  let scheduler: Scheduler | undefined;

  const stop = async (): Promise<void> => {
    accepting = false;
    scheduler?.stop();
    await Promise.all([closeServer(server), withTimeout(poller?.stop(), POLLER_STOP_GRACE_MS)]);
    clients?.destroy();
    await Promise.all(children.map((child) => child.stop(CHILD_STOP_GRACE_MS)));
    runtimeFile.remove();
    hubClock.reset();
    hubRunning = false;
  };

  try {
    const common = { hubPid: process.pid, quiet, onSpawn, ...(dataDir ? { dataDir } : {}) };
    const [dynamodb, fauxqs] = await allOrNothing([
      retryOnAnyPort(previous?.dynamodbPort, (p) => startDynamoDbLocal({ ...common, port: p })),
      retryOnAnyPort(previous?.fauxqsPort, (p) => startFauxqsChild({ ...common, port: p, region })),
    ]);
    const endpoints = {
      region,
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: fauxqs.endpoint,
      s3Endpoint: fauxqs.endpoint,
    };
    clients = createLocalClients(endpoints);
    const provisioned = await provision(clients, {
      sqsEndpoint: fauxqs.endpoint,
      ...(options.queueVisibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.queueVisibilityTimeoutSeconds }
        : {}),
    });
    for (const action of provisioned.actions) log.info(`provisioned: ${action}`);
    applyHandlerEnvironment(
      handlerEnvironment({
        ...endpoints,
        queues: provisioned.queues,
        issuer: processAuth.issuer,
        jwks: signingKey.jwks,
      }),
    );
    poller = new QueuePoller({ sqs: clients.sqs, queues: provisioned.queues, registry, region, log });
    poller.start();
    scheduler = new Scheduler({ schedules, registry, clock: hubClock, log });
    scheduler.start();
    running = { scheduler, poller };
    accepting = true;
    previous = { httpPort: port, dynamodbPort: dynamodb.port, fauxqsPort: fauxqs.port };
    log.info(`ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    return { url, basePath, port, ...endpoints, provisioningActions: provisioned.actions, stop: once(stop) };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Makes the data folder if need be and writes a file in it, or says why it cannot be used: otherwise the
 * emulators would fail later with their own, far less helpful, messages.
 */
/** `/prod` from `/prod`, `/prod/` or `prod`; '' for none or `/`. Refuses anything but plain segments. */
function normalBasePath(value: string | undefined): string {
  if (value === undefined) return '';
  const trimmed = value.trim().replace(/\/+$/, '');
  const basePath = trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (!isBasePath(basePath)) {
    throw new Error(
      `MASH_BASE_PATH is not a path such as /prod: ${JSON.stringify(value)} (use letters, digits, '.', '_', '~' and '-' between slashes)`,
    );
  }
  return basePath;
}

function requireWritableFolder(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    const probe = join(dataDir, `.mash-hub-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new Error(
      `The data folder ${dataDir} (MASH_DATA_DIR) cannot be used: ${whyNotWritable(error)}. Name a folder ` +
        'you may write to, or leave MASH_DATA_DIR unset to keep the data in memory.',
    );
  }
}

function whyNotWritable(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'it is on a read-only file system';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file is in the way (it must be a folder)';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return (error as Error).message;
  }
}

/** Listens on the preferred port when there is one and it is free, otherwise on `fallback`. */
async function listenPreferring(
  server: Server,
  preferred: number | undefined,
  fallback: number,
): Promise<void> {
  if (preferred !== undefined) {
    try {
      await listen(server, preferred);
      return;
    } catch {
      // Taken since; handlers loaded earlier keep the old issuer, which local tokens still carry.
    }
  }
  try {
    await listen(server, fallback);
  } catch (error) {
    throw portRefused(error, fallback);
  }
}

/** What to do when the hub's HTTP port cannot be had. (The emulators take any free port, so never fail so.) */
function portRefused(error: unknown, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new Error(
      `Port ${port} on ${LOOPBACK} is already in use, by another hub or another program. Stop it, or start ` +
        `the hub on another port with the PORT variable: PORT=${port < 65535 ? port + 1 : 3000} npm start ` +
        '(PORT=0 takes any free port).',
    );
  }
  if (code === 'EACCES') {
    return new Error(
      `Port ${port} needs privileges this user does not have. Choose a port above 1023 with the PORT ` +
        'variable: PORT=3000 npm start.',
    );
  }
  return error as Error;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK }, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
}

async function retryOnAnyPort<T>(
  preferred: number | undefined,
  startOn: (port: number) => Promise<T>,
): Promise<T> {
  if (preferred === undefined) return startOn(0);
  try {
    return await startOn(preferred);
  } catch {
    return startOn(0);
  }
}

/** Like Promise.all, but waits for every start to finish so none is left running unnoticed. */
async function allOrNothing<T extends unknown[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as T;
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
  await closed;
  clearTimeout(timer);
}

async function withTimeout(promise: Promise<void> | undefined, ms: number): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}
