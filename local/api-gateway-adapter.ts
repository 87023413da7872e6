/**
 * Turns a node:http request into the API Gateway REST (v1) proxy event the handlers receive on AWS,
 * and their proxy result back into a response, so a handler cannot tell the local hub from API Gateway.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteDefinition } from '../src/routes.ts';
import { LOCAL_ACCOUNT_ID } from './lambda-context.ts';

const LOCAL_STAGE = 'local';

// ---- Request body -------------------------------------------------------------------------------

export type BodyRead = { tooLarge: false; body: Buffer } | { tooLarge: true };

/**
 * Reads the body up to `limitBytes`. A declared Content-Length over the limit is refused before a
 * byte is read; a body that grows past it stops being collected at once. The rest is discarded
 * unread (never buffered), so the client can still receive the 413.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    discardRest(req);
    return Promise.resolve({ tooLarge: true });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        chunks.length = 0;
        discardRest(req);
        resolve({ tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ tooLarge: false, body: Buffer.concat(chunks) });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function discardRest(req: IncomingMessage): void {
  req.on('error', () => {});
  req.resume();
}

// ---- Event --------------------------------------------------------------------------------------

const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql)\b/,
  /^application\/[\w.-]+\+(json|xml)\b/,
];

/** API Gateway passes text bodies as strings and everything else base64-encoded. */
function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.toLowerCase().trim();
  return TEXT_TYPES.some((pattern) => pattern.test(type));
}

export interface ProxyEventInput {
  req: IncomingMessage;
  url: URL;
  route: RouteDefinition;
  pathParameters: Record<string, string>;
  body: Buffer;
  /** The hub's clock, so handlers that read the request time see the shifted instant. */
  now: Date;
  /**
   * The path the hub is served under (MASH_BASE_PATH, `/prod`), already taken off `url`; '' at the root.
   * As on API Gateway's stage URL, `path` is without it and `requestContext.path` with it.
   */
  basePath?: string;
}

export function toProxyEvent({
  req,
  url,
  route,
  pathParameters,
  body,
  now,
  basePath = '',
}: ProxyEventInput): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = collectHeaders(req.rawHeaders);
  const { single: queryStringParameters, multi: multiValueQueryStringParameters } = collectQuery(
    url.searchParams,
  );
  const method = req.method ?? 'GET';
  const text = isTextContentType(req.headers['content-type']);
  const requestId = randomUUID();
  return {
    resource: route.resource,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: Object.keys(pathParameters).length > 0 ? { ...pathParameters } : null,
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      resourceId: 'local',
      resourcePath: route.resource,
      httpMethod: method,
      requestId,
      extendedRequestId: requestId,
      requestTime: apiGatewayRequestTime(now),
      requestTimeEpoch: now.getTime(),
      path: `${basePath}${url.pathname}`,
      stage: basePath ? basePath.slice(basePath.lastIndexOf('/') + 1) : LOCAL_STAGE,
      protocol: `HTTP/${req.httpVersion}`,
      domainName: req.headers.host ?? '127.0.0.1',
      domainPrefix: (req.headers.host ?? '127.0.0.1').split('.')[0] ?? '127',
      identity: {
        sourceIp: sourceIp(req),
        userAgent: req.headers['user-agent'] ?? null,
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
      authorizer: null,
    },
    body: body.length === 0 ? null : text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !text,
  };
}

/** API Gateway keeps the client's header casing; the single-value map holds the last value of each. */
function collectHeaders(rawHeaders: string[]) {
  // Maps, then plain objects: a header named `constructor` or `__proto__` is just a name here.
  const multi = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    multi.set(name, [...(multi.get(name) ?? []), rawHeaders[i + 1]!]);
  }
  return {
    headers: ownObject([...multi].map(([name, values]) => [name, values.at(-1)!])),
    multiValueHeaders: ownObject([...multi]),
  };
}

/** A plain object with exactly these own keys, whatever they are called (no prototype setter runs). */
function ownObject<V>(entries: Array<[string, V]>): Record<string, V> {
  const object: Record<string, V> = {};
  for (const [key, value] of entries)
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Both query maps are null, not empty, when there is no query string (as API Gateway sends them). */
function collectQuery(params: URLSearchParams) {
  if ([...params.keys()].length === 0) return { single: null, multi: null };
  const multi = new Map<string, string[]>();
  for (const [name, value] of params) multi.set(name, [...(multi.get(name) ?? []), value]);
  return {
    single: ownObject([...multi].map(([name, values]) => [name, values.at(-1)!])),
    multi: ownObject([...multi]),
  };
}

function sourceIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's CLF-style request time: 27/May/2026:07:45:00 +0000. */
function apiGatewayRequestTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

// ---- Result -------------------------------------------------------------------------------------

interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export class MalformedProxyResultError extends Error {
  constructor(reason: string) {
    super(`Malformed Lambda proxy response: ${reason}`);
    this.name = 'MalformedProxyResultError';
  }
}

/** Headers the hub sets itself; a handler's values for them would be wrong after decoding. */
const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Writes a proxy result. As API Gateway does, `multiValueHeaders` wins over `headers` for the same
 * name, so several Set-Cookie values survive; a result without Content-Type is sent as JSON.
 */
export function writeProxyResult(res: ServerResponse, result: unknown): void {
  const valid = validateProxyResult(result);
  const headers: Record<string, string | string[]> = {};
  const seen = new Set<string>();
  for (const [name, values] of Object.entries(valid.multiValueHeaders ?? {})) {
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    headers[name] = values.map(String);
    seen.add(name.toLowerCase());
  }
  for (const [name, value] of Object.entries(valid.headers ?? {})) {
    if (HOP_BY_HOP.has(name.toLowerCase()) || seen.has(name.toLowerCase())) continue;
    headers[name] = String(value);
    seen.add(name.toLowerCase());
  }
  if (!seen.has('content-type')) headers['Content-Type'] = 'application/json';
  const body =
    valid.body === undefined || valid.body === null
      ? Buffer.alloc(0)
      : valid.isBase64Encoded
        ? Buffer.from(valid.body, 'base64')
        : Buffer.from(valid.body, 'utf8');
  headers['Content-Length'] = String(body.length);
  res.writeHead(valid.statusCode, headers);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function validateProxyResult(result: unknown): ProxyResult {
  if (result === null || typeof result !== 'object') throw new MalformedProxyResultError('not an object');
  const candidate = result as Record<string, unknown>;
  const status = candidate.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new MalformedProxyResultError('statusCode must be an integer HTTP status');
  }
  if (candidate.body !== undefined && candidate.body !== null && typeof candidate.body !== 'string') {
    throw new MalformedProxyResultError('body must be a string');
  }
  for (const key of ['headers', 'multiValueHeaders'] as const) {
    const value = candidate[key];
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new MalformedProxyResultError(`${key} must be an object`);
    }
  }
  const multi = (candidate.multiValueHeaders ?? {}) as Record<string, unknown>;
  if (Object.values(multi).some((values) => !Array.isArray(values))) {
    throw new MalformedProxyResultError('every multiValueHeaders value must be an array');
  }
  return candidate as unknown as ProxyResult;
}
