/**
 * The small HTTP layer of the pages: an API Gateway REST proxy event turned into a PageRequest, and
 * page responses with the security headers every page carries. Forms are read as
 * application/x-www-form-urlencoded; repeated names (checkboxes) keep every value.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { requestPaths } from '../../http/base-path.ts';
import { limits } from '../../resources.ts';

export type FormBody = Record<string, string[]>;

export interface PageRequest {
  method: 'GET' | 'POST';
  /** The API Gateway resource that matched, e.g. `/refer/{step+}`. */
  resource: string;
  /** The path under the base path, as src/routes.ts knows it: `/refer/person`. */
  path: string;
  /**
   * The path the site is served under (`/prod` on API Gateway's stage URL, '' at a domain's root).
   * Controllers write root-relative URLs; src/pages/shared/base-path.ts puts this in front of them.
   */
  basePath: string;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  cookies: Record<string, string>;
  /** False on 127.0.0.1 and localhost (plain HTTP in the local hub), true everywhere else. */
  secure: boolean;
  form: FormBody;
  /** A fresh nonce for this response's Content-Security-Policy. */
  cspNonce: string;
}

export class RequestTooLargeError extends Error {
  constructor() {
    super('Request body too large');
    this.name = 'RequestTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends Error {
  constructor() {
    super('Form bodies must be application/x-www-form-urlencoded');
    this.name = 'UnsupportedMediaTypeError';
  }
}

export function headerValue(
  headers: APIGatewayProxyEvent['headers'] | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** `a=1; b=2` → {a: '1', b: '2'}; the first occurrence of a name wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (name && !(name in cookies)) cookies[name] = value;
  }
  return cookies;
}

/** Parses an urlencoded form body; every name maps to all its values, in order. */
export function parseFormBody(body: string): FormBody {
  const form: FormBody = Object.create(null);
  for (const [name, value] of new URLSearchParams(body)) {
    const values = form[name] ?? [];
    values.push(value);
    form[name] = values;
  }
  return form;
}

/** The first value of a form field, or '' when it was not sent. */
export function field(form: FormBody, name: string): string {
  return form[name]?.[0] ?? '';
}

/** Every value of a repeated field (checkboxes), without empty ones. */
export function fields(form: FormBody, name: string): string[] {
  return (form[name] ?? []).filter((value) => value !== '');
}

export function isLocalHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

export function toPageRequest(event: APIGatewayProxyEvent): PageRequest {
  const method = event.httpMethod === 'POST' ? 'POST' : 'GET';
  let form: FormBody = Object.create(null);
  if (method === 'POST' && event.body) {
    const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    if (raw.byteLength > limits.maxBodyBytes) throw new RequestTooLargeError();
    const contentType = (headerValue(event.headers, 'content-type') ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') throw new UnsupportedMediaTypeError();
    form = parseFormBody(raw.toString('utf8'));
  }
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[key] = value;
  }
  const pathParameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) pathParameters[key] = value;
  }
  const { basePath, path } = requestPaths(event);
  return {
    method,
    resource: event.resource,
    path,
    basePath,
    pathParameters,
    query,
    cookies: parseCookies(headerValue(event.headers, 'cookie')),
    secure: !isLocalHost(headerValue(event.headers, 'host')),
    form,
    cspNonce: randomBytes(16).toString('base64'),
  };
}

/** Headers every response of the pages functions (public and staff) carries. */
export function securityHeaders(cspNonce: string): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      `script-src 'self' 'nonce-${cspNonce}'`,
      "style-src 'self'",
      "img-src 'self'",
      "font-src 'self'",
      "connect-src 'self'",
      "manifest-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}

export interface PageResponseOptions {
  statusCode?: number;
  setCookie?: string;
}

export function htmlResponse(
  request: PageRequest,
  html: string,
  options: PageResponseOptions = {},
): APIGatewayProxyResult {
  return {
    statusCode: options.statusCode ?? 200,
    headers: {
      ...securityHeaders(request.cspNonce),
      'Content-Type': 'text/html; charset=utf-8',
      // Every page: most show personal data, and each carries its own CSP nonce.
      'Cache-Control': 'no-store',
      ...(options.setCookie ? { 'Set-Cookie': options.setCookie } : {}),
    },
    body: html,
  };
}

/** 303 See Other: the answer to every successful form POST (post/redirect/get). */
export function redirect(
  request: PageRequest,
  location: string,
  options: { setCookie?: string } = {},
): APIGatewayProxyResult {
  return {
    statusCode: 303,
    headers: {
      ...securityHeaders(request.cspNonce),
      Location: location,
      'Cache-Control': 'no-store',
      ...(options.setCookie ? { 'Set-Cookie': options.setCookie } : {}),
    },
    body: '',
  };
}

export interface CookieOptions {
  path: string;
  secure: boolean;
  /** Omitted: a session cookie, gone when the browser closes. 0 deletes it. */
  maxAgeSeconds?: number;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
