/**
 * Endpoints only the local runtime serves (CONTRACT.md, "Local-only endpoints"): health, tokens,
 * the clock, settling the queues, running schedules, and the sign-in page. They never reach a
 * handler and are never part of the CDK stack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, payloadTooLarge } from '../src/http/errors.ts';
import type { ShiftableClock } from '../src/platform/clock.ts';
import { limits } from '../src/resources.ts';
import { allowHeader, matchResource } from '../src/routes.ts';
import { readBody } from './api-gateway-adapter.ts';
import { hubErrors, sendError, sendJson } from './http-responses.ts';
import { InvocationTimeoutError } from './lambda-context.ts';
import { issueToken, type LocalSigningKey, parseTokenRequest } from './local-auth.ts';
import type { HubLog } from './log.ts';
import type { Scheduler } from './scheduler.ts';
import { ROLE_HOMES, renderSignInPage, sessionCookie } from './sign-in-page.ts';
import type { QueuePoller } from './sqs-poller.ts';

const JWKS_PATH = '/_local/issuer/.well-known/jwks.json';

export interface LocalEndpointDependencies {
  clock: ShiftableClock;
  signingKey: LocalSigningKey;
  issuer: string;
  log: HubLog;
  settleTimeoutMs: number;
  /** MASH_BASE_PATH ('' at the root): the sign-in page sends people to their home under it. */
  basePath: string;
  /** Set once the emulators are provisioned and the poller and scheduler run. */
  running(): { scheduler: Scheduler; poller: QueuePoller } | undefined;
}

interface LocalRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

type LocalRoute = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  resource: string;
  handle: (request: LocalRequest, deps: LocalEndpointDependencies) => Promise<void>;
};

const SETTLE_POLL_MS = 100;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

const localRoutes: LocalRoute[] = [
  {
    method: 'GET',
    resource: '/health',
    async handle({ res }, deps) {
      if (deps.running()) sendJson(res, 200, { status: 'ok' });
      else sendJson(res, 503, { status: 'starting' });
    },
  },
  {
    method: 'POST',
    resource: '/_local/token',
    async handle({ req, res }, deps) {
      const body = await readJson(req);
      const parsed = parseTokenRequest(body);
      if (!parsed.ok) throw hubErrors.validation('The token request is not valid.', parsed.details);
      const token = await issueToken(
        deps.signingKey,
        { issuer: deps.issuer, clock: deps.clock },
        parsed.value,
      );
      sendJson(res, 200, { token });
    },
  },
  {
    method: 'GET',
    resource: JWKS_PATH,
    async handle({ res }, deps) {
      sendJson(res, 200, deps.signingKey.jwks);
    },
  },
  {
    method: 'GET',
    resource: '/_local/clock',
    async handle({ res }, deps) {
      sendJson(res, 200, { now: deps.clock.now().toISOString() });
    },
  },
  {
    method: 'PUT',
    resource: '/_local/clock',
    async handle({ req, res }, deps) {
      const body = (await readJson(req)) as { now?: unknown } | null;
      const now = body?.now;
      if (typeof now !== 'string' || !ISO_8601.test(now) || Number.isNaN(Date.parse(now))) {
        throw hubErrors.validation('The clock needs an instant.', [
          { path: 'now', message: 'now must be an ISO-8601 date, or date and time with Z or an offset.' },
        ]);
      }
      deps.clock.set(new Date(now));
      deps.running()?.scheduler.clockChanged();
      sendJson(res, 200, { now: deps.clock.now().toISOString() });
    },
  },
  {
    method: 'DELETE',
    resource: '/_local/clock',
    async handle({ res }, deps) {
      deps.clock.reset();
      deps.running()?.scheduler.clockChanged();
      sendJson(res, 200, { now: deps.clock.now().toISOString() });
    },
  },
  {
    method: 'POST',
    resource: '/_local/settle',
    async handle({ res }, deps) {
      const poller = deps.running()?.poller;
      if (poller && (await settled(poller, deps.settleTimeoutMs))) {
        sendJson(res, 200, { settled: true });
        return;
      }
      throw new HttpError(
        503,
        'NOT_SETTLED',
        `Messages were still queued or in flight after ${deps.settleTimeoutMs / 1000} s.`,
      );
    },
  },
  {
    method: 'POST',
    resource: '/_local/schedules/{name}/run',
    async handle({ res, url, params }, deps) {
      const scheduler = deps.running()?.scheduler;
      const periodId = url.searchParams.get('periodId') ?? undefined;
      if (periodId !== undefined && !/^[\w-]{1,32}$/.test(periodId)) {
        throw hubErrors.validation('The period is not valid.', [
          { path: 'periodId', message: 'periodId looks like 2026-10, 2026-W44 or 2026-10-31.' },
        ]);
      }
      if (!scheduler) throw hubErrors.starting();
      let run: Awaited<ReturnType<Scheduler['runNow']>>;
      try {
        run = await scheduler.runNow(params.name!, periodId);
      } catch (error) {
        if (error instanceof InvocationTimeoutError) throw hubErrors.timedOut();
        // The job refused its input (a period id that is not a real day, week or month): the caller's mistake.
        const name = (error as Error | undefined)?.name;
        if (name === 'PeriodError' || name === 'ZodError') {
          throw hubErrors.validation('The period is not valid.', [
            { path: 'periodId', message: (error as Error).message },
          ]);
        }
        deps.log.error(`schedule ${params.name} failed when run by hand`, error);
        throw hubErrors.handlerFailed();
      }
      if (run.outcome === 'unknown-schedule')
        throw new HttpError(404, 'NOT_FOUND', 'There is no such schedule.');
      sendJson(res, 200, { schedule: params.name, result: run.result ?? null });
    },
  },
  {
    method: 'GET',
    resource: '/_local/sign-in',
    async handle({ res }) {
      sendHtml(res, 200, renderSignInPage());
    },
  },
  {
    method: 'POST',
    resource: '/_local/sign-in',
    async handle({ req, res }, deps) {
      const read = await readBody(req, limits.maxBodyBytes);
      if (read.tooLarge) throw payloadTooLarge(limits.maxBodyBytes);
      const form = new URLSearchParams(read.body.toString('utf8'));
      const role = form.get('role') ?? undefined;
      // The agency list is always on the form; it only counts for agency users.
      const agency = role === 'agency' ? (form.get('agency') ?? undefined) : undefined;
      const parsed = parseTokenRequest({ role, agency });
      if (!parsed.ok) {
        sendHtml(res, 400, renderSignInPage({ errors: parsed.details, role, agency }));
        return;
      }
      const token = await issueToken(
        deps.signingKey,
        { issuer: deps.issuer, clock: deps.clock },
        parsed.value,
      );
      res.writeHead(303, {
        Location: `${deps.basePath}${ROLE_HOMES[parsed.value.role]}`,
        'Set-Cookie': sessionCookie(token, deps.basePath || '/'),
        'Cache-Control': 'no-store',
        'Content-Length': 0,
      });
      res.end();
    },
  },
];

/**
 * Serves the request if it is for a local-only path. Returns false for every other path, which then
 * goes to the route table.
 */
export async function handleLocalRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: LocalEndpointDependencies,
): Promise<boolean> {
  const path = url.pathname;
  if (path !== '/health' && path !== '/_local' && !path.startsWith('/_local/')) return false;
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const matches = localRoutes
    .map((route) => ({ route, params: matchResource(route.resource, path) }))
    .filter(
      (match): match is { route: LocalRoute; params: Record<string, string> } => match.params !== undefined,
    );
  const match = matches.find(({ route }) => route.method === method);
  try {
    if (!match) {
      throw matches.length > 0
        ? hubErrors.methodNotAllowed(allowHeader(matches.map(({ route }) => route.method)))
        : hubErrors.notFound();
    }
    if (match.route.resource !== '/health' && !deps.running()) throw hubErrors.starting();
    await match.route.handle({ req, res, url, params: match.params }, deps);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (!res.headersSent) sendError(res, error);
  }
  return true;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const read = await readBody(req, limits.maxBodyBytes);
  if (read.tooLarge) throw payloadTooLarge(limits.maxBodyBytes);
  try {
    return JSON.parse(read.body.toString('utf8') || 'null');
  } catch {
    throw hubErrors.invalidJson();
  }
}

async function settled(poller: QueuePoller, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let drainedInARow = 0;
  // Two drained readings in a row: the queues are read one after another, and a second reading costs
  // little against a test acting on a half-settled hub.
  while (Date.now() < deadline) {
    drainedInARow = (await poller.isDrained()) ? drainedInARow + 1 : 0;
    if (drainedInARow >= 2) return true;
    await sleep(SETTLE_POLL_MS);
  }
  return false;
}

function sendHtml(res: ServerResponse, statusCode: number, html: string): void {
  res.writeHead(statusCode, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : html);
}
