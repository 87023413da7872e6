/**
 * The JSON API's handler shell: one handler per function (route group), built by hubHandler, that finds the route,
 * enforces the body limit, checks the caller's token and role, parses JSON, runs the route, and
 * answers every failure in CONTRACT's error shape. Route handlers only see validated requests.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { bearerToken, InvalidTokenError, type Principal } from '../auth/principal.ts';
import { toValidationIssues } from '../domain/referral.ts';
import { hubHandler } from '../platform/hub-handler.ts';
import { logger } from '../platform/powertools.ts';
import { type FunctionName, limits } from '../resources.ts';
import { allowForResource, type RouteDefinition, routes } from '../routes.ts';
import { requestPaths, underBasePath } from './base-path.ts';
import {
  badRequest,
  forbidden,
  HttpError,
  internalError,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
  unauthorized,
} from './errors.ts';
import { API_SECURITY_HEADERS } from './security-headers.ts';

interface ApiRequest {
  event: APIGatewayProxyEvent;
  context: Context;
  route: RouteDefinition;
  /** Present on every non-public route. */
  principal: Principal | undefined;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  /** The parsed JSON body (POST and PUT), not yet validated. */
  body: unknown;
}

interface ApiResult {
  statusCode: number;
  body?: unknown;
  /** A body sent as it is (e.g. CSV), instead of `body` as JSON. */
  raw?: string;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResult>;

function withLocationUnder(basePath: string, headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      name.toLowerCase() === 'location' ? underBasePath(basePath, value) : value,
    ]),
  );
}

function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...API_SECURITY_HEADERS, ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

function errorResponse(error: HttpError): APIGatewayProxyResult {
  return jsonResponse(error.statusCode, error.toBody(), error.headers);
}

function lowerCaseHeaders(
  headers: APIGatewayProxyEvent['headers'] | null | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
}

/** Checks a token; src/auth/caller.ts's verifyToken, which a function with staff routes passes in. */
export type TokenVerifier = (token: string) => Promise<Principal>;

async function authenticate(
  route: RouteDefinition,
  headers: Record<string, string>,
  verifyToken: TokenVerifier | undefined,
): Promise<Principal | undefined> {
  if (route.access === 'public') return undefined;
  // createApiHandler refuses to build a function with staff routes and no verifier; this is the last line.
  if (!verifyToken) throw new Error(`no token verifier for ${route.method} ${route.resource}`);
  const token = bearerToken(headers.authorization);
  if (!token) throw unauthorized();
  let principal: Principal;
  try {
    principal = await verifyToken(token);
  } catch (error) {
    if (error instanceof InvalidTokenError)
      throw unauthorized('Your token is not valid or has expired: sign in again.');
    throw error;
  }
  const allowed = route.access;
  if (!principal.roles.some((role) => allowed.includes(role))) throw forbidden();
  return principal;
}

function rawBody(event: APIGatewayProxyEvent): string | undefined {
  if (event.body === null || event.body === undefined) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function parseJson(event: APIGatewayProxyEvent, headers: Record<string, string>): unknown {
  const body = rawBody(event);
  if (body === undefined || body === '') {
    throw new HttpError(400, 'BODY_REQUIRED', 'Send a JSON request body.', {
      details: [{ path: '(body)', message: 'Send a JSON request body' }],
    });
  }
  const contentType = headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as JSON with Content-Type: application/json.',
    );
  }
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'The request body is not valid JSON.', {
      details: [{ path: '(body)', message: 'The request body is not valid JSON' }],
    });
  }
}

/** Validates with a zod schema; a failure names every invalid field in `details`. */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  message = 'The request has invalid fields.',
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(message, toValidationIssues(result.error));
  return result.data;
}

/** Errors other modules may raise that have a well-defined client meaning. */
export type ErrorTranslator = (error: unknown) => HttpError | undefined;

export function createApiHandler(
  fn: FunctionName,
  handlers: Record<string, RouteHandler>,
  options: {
    translateError?: ErrorTranslator;
    onContext?: (context: Context) => void;
    /** Required when any of the function's routes is for staff; a public-only function never loads jose. */
    verifyToken?: TokenVerifier;
  } = {},
) {
  const ownRoutes = routes.filter((route) => route.fn === fn);
  if (!options.verifyToken && ownRoutes.some((route) => route.access !== 'public')) {
    throw new Error(`function ${fn} has staff routes: pass createApiHandler a verifyToken`);
  }
  // Fail at cold start, not at the first request, if a route of this function has no handler.
  for (const route of ownRoutes) {
    if (!handlers[`${route.method} ${route.resource}`]) {
      throw new Error(`function ${fn} has no handler for ${route.method} ${route.resource}`);
    }
  }

  const core = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    options.onContext?.(context);
    try {
      const method = event.httpMethod === 'HEAD' ? 'GET' : event.httpMethod;
      const route = ownRoutes.find(
        (candidate) => candidate.method === method && candidate.resource === event.resource,
      );
      const handle = route && handlers[`${route.method} ${route.resource}`];
      if (!route || !handle) {
        // The resource exists with other methods: 405 naming them (API Gateway answers these itself on AWS).
        const allow = allowForResource(event.resource);
        if (allow) throw methodNotAllowed(allow);
        throw notFound('There is no such route.');
      }

      const body = rawBody(event);
      if (body !== undefined && Buffer.byteLength(body, 'utf8') > limits.maxBodyBytes) {
        throw payloadTooLarge(limits.maxBodyBytes);
      }
      const headers = lowerCaseHeaders(event.headers);
      const principal = await authenticate(route, headers, options.verifyToken);
      const parsedBody =
        route.method === 'POST' || route.method === 'PUT' ? parseJson(event, headers) : undefined;

      const result = await handle({
        event,
        context,
        route,
        principal,
        headers,
        pathParameters: Object.fromEntries(
          Object.entries(event.pathParameters ?? {}).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          ),
        ),
        query: Object.fromEntries(
          Object.entries(event.queryStringParameters ?? {}).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          ),
        ),
        body: parsedBody,
      });
      // Handlers name URLs from the API's root; the caller reached it under the base path (the stage).
      const resultHeaders = result.headers && withLocationUnder(requestPaths(event).basePath, result.headers);
      if (result.raw !== undefined) {
        const response = jsonResponse(result.statusCode, undefined, resultHeaders);
        return { ...response, body: result.raw };
      }
      return jsonResponse(result.statusCode, result.body, resultHeaders);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error);
      const translated = options.translateError?.(error);
      if (translated) return errorResponse(translated);
      // Name and message only: our errors never carry request data, and the event is never logged.
      logger.error('unhandled error', {
        errorName: (error as Error)?.name,
        errorMessage: (error as Error)?.message,
      });
      return errorResponse(internalError());
    }
  };

  return hubHandler(fn, core);
}
