/**
 * The hub's HTTP front door on 127.0.0.1: local-only endpoints first, then the route table of
 * src/routes.ts, each request handed to its function as API Gateway would hand it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { payloadTooLarge } from '../src/http/errors.ts';
import type { Clock } from '../src/platform/clock.ts';
import { limits } from '../src/resources.ts';
import { findRoute } from '../src/routes.ts';
import {
  MalformedProxyResultError,
  readBody,
  toProxyEvent,
  writeProxyResult,
} from './api-gateway-adapter.ts';
import type { FunctionRegistry } from './function-registry.ts';
import { hubErrors, sendError } from './http-responses.ts';
import { InvocationTimeoutError, invokeHandler } from './lambda-context.ts';
import { handleLocalRequest, type LocalEndpointDependencies } from './local-endpoints.ts';
import type { HubLog } from './log.ts';

export interface RequestListenerDependencies {
  registry: FunctionRegistry;
  clock: Clock;
  region: string;
  log: HubLog;
  local: LocalEndpointDependencies;
  /** MASH_BASE_PATH: every route is served under it (`/prod`); '' serves them at the root. */
  basePath: string;
  /** False while starting and again once stopping. */
  accepting(): boolean;
}

export function createRequestListener(deps: RequestListenerDependencies) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    res.on('finish', () => {
      // Health checks poll; logging each would bury everything else.
      if (req.url === '/health') return;
      // Path only: query strings carry receipt tokens, and bodies carry personal data.
      const ms = (performance.now() - started).toFixed(0);
      deps.log.info(`${req.method} ${safePath(req.url)} ${res.statusCode} ${ms} ms`);
    });
    handle(req, res, deps).catch((error: unknown) => {
      deps.log.error(`${req.method} ${safePath(req.url)} failed inside the hub`, error);
      if (!res.headersSent) sendError(res, hubErrors.handlerFailed());
      else res.destroy();
    });
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  deps: RequestListenerDependencies,
): Promise<void> {
  const requested = new URL(req.url ?? '/', 'http://127.0.0.1');
  // `/health` and `/_local/…` stay at the root whatever the base path.
  if (await handleLocalRequest(req, res, requested, deps.local)) return;
  if (!deps.accepting())
    return sendError(res, deps.local.running() ? hubErrors.stopping() : hubErrors.starting());
  const url = underBase(requested, deps.basePath);
  if (!url) return sendError(res, hubErrors.notFound());

  const match = findRoute(req.method ?? 'GET', url.pathname);
  if (!match) return sendError(res, hubErrors.notFound());
  if ('methodNotAllowed' in match) return sendError(res, hubErrors.methodNotAllowed(match.allow));
  const { route, pathParameters } = match;

  const read = await readBody(req, limits.maxBodyBytes);
  if (read.tooLarge) return sendError(res, payloadTooLarge(limits.maxBodyBytes));

  const fn = deps.registry.definition(route.fn);
  const handler = await deps.registry.load(route.fn);
  const event = toProxyEvent({
    req,
    url,
    route,
    pathParameters,
    body: read.body,
    now: deps.clock.now(),
    basePath: deps.basePath,
  });
  let result: unknown;
  try {
    result = await invokeHandler(fn, handler, event, deps.region);
  } catch (error) {
    if (error instanceof InvocationTimeoutError) {
      deps.log.error(`${route.fn}: ${error.message}`);
      return sendError(res, hubErrors.timedOut());
    }
    deps.log.error(`${route.fn} threw on ${req.method} ${route.resource}`, error);
    return sendError(res, hubErrors.handlerFailed());
  }
  try {
    writeProxyResult(res, result);
  } catch (error) {
    if (!(error instanceof MalformedProxyResultError)) throw error;
    deps.log.error(`${route.fn}: ${error.message}`);
    sendError(res, hubErrors.handlerFailed());
  }
}

/**
 * The request's URL with the base path taken off, as API Gateway's stage URL takes off the stage
 * (`/prod/refer` → `/refer`, `/prod` → `/`); undefined for a path outside it.
 */
function underBase(url: URL, basePath: string): URL | undefined {
  if (!basePath) return url;
  const path = url.pathname;
  if (path !== basePath && !path.startsWith(`${basePath}/`)) return undefined;
  const stripped = new URL(url);
  stripped.pathname = path.slice(basePath.length) || '/';
  return stripped;
}

function safePath(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}
