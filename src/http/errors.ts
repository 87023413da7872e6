/**
 * The one error shape of the API (CONTRACT.md):
 * {"error":{"code","message","details"?:[{"path","message"}]}}. Domain code throws HttpError (or a
 * subclass); the error middleware turns it into a response. Anything else becomes a 500 that says
 * nothing about the internals.
 */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  toBody(): { error: { code: string; message: string; details?: ErrorDetail[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new HttpError(400, 'VALIDATION_FAILED', message, details ? { details } : {});
export const unauthorized = (message = 'Sign in to use this service: send a valid bearer token.') =>
  new HttpError(401, 'UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': 'Bearer' } });
export const forbidden = (message = 'Your role does not allow this.') =>
  new HttpError(403, 'FORBIDDEN', message);
export const notFound = (message = 'Not found.') => new HttpError(404, 'NOT_FOUND', message);
/** `allow`: the methods the resource does take; every 405 carries them in `Allow` (RFC 9110 §15.5.6). */
export const methodNotAllowed = (allow: string) =>
  new HttpError(405, 'METHOD_NOT_ALLOWED', 'This address does not accept that method.', {
    headers: { Allow: allow },
  });
export const conflict = (code: string, message: string) => new HttpError(409, code, message);
export const payloadTooLarge = (limitBytes: number) =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limitBytes / 1024} KiB.`);

export const internalError = () =>
  new HttpError(
    500,
    'INTERNAL_ERROR',
    'Something went wrong on our side. Nothing you sent was stored twice; try again.',
  );
