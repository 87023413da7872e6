/** Writing the hub's own responses: JSON, and errors in the API's one error shape (src/http/errors.ts). */
import type { ServerResponse } from 'node:http';
import { type ErrorDetail, HttpError } from '../src/http/errors.ts';
import { API_SECURITY_HEADERS } from '../src/http/security-headers.ts';

export function sendJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(statusCode, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    // The hub's own answers (unknown route, 413 before a handler runs) carry the API's headers too.
    ...API_SECURITY_HEADERS,
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : payload);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.statusCode, error.toBody(), error.headers ?? {});
}

/** Errors only the local runtime produces, in the same shape as the API's. */
export const hubErrors = {
  notFound: () => new HttpError(404, 'NOT_FOUND', 'There is nothing at this address.'),
  /** `allow`: the methods the address does take, for the `Allow` header every 405 must carry. */
  methodNotAllowed: (allow: string) =>
    new HttpError(405, 'METHOD_NOT_ALLOWED', 'This address does not accept that method.', {
      headers: { Allow: allow },
    }),
  starting: () => new HttpError(503, 'STARTING', 'The local hub is still starting; try again shortly.'),
  stopping: () => new HttpError(503, 'STOPPING', 'The local hub is stopping.'),
  handlerFailed: () =>
    new HttpError(
      502,
      'INTERNAL_ERROR',
      'Something went wrong on our side. Try again, or tell the team if it persists.',
    ),
  timedOut: () => new HttpError(504, 'GATEWAY_TIMEOUT', 'The request took too long to answer.'),
  invalidJson: () => new HttpError(400, 'VALIDATION_FAILED', 'The body is not valid JSON.'),
  validation: (message: string, details: ErrorDetail[]) =>
    new HttpError(400, 'VALIDATION_FAILED', message, { details }),
};
