/**
 * Sessions and CSRF for the public forms. The browser holds only an opaque random id in an HttpOnly
 * cookie; each form carries `_csrf` = HMAC-SHA256(secret, purpose + id). A cross-site page can make
 * the browser send the cookie (SameSite=Lax stops that for POSTs, this is the second lock) but cannot
 * read the token.
 *
 * The secret comes from MASH_CSRF_SECRET. Without it (local runs and tests) a random secret is made
 * per process: tokens then stop working after a restart, which only sends a person back to the start
 * of the form. Every Lambda instance must share one secret, so a deployed stack must set it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

let processSecret: Buffer | undefined;

function secret(): Buffer {
  const configured = process.env.MASH_CSRF_SECRET;
  if (configured) return Buffer.from(configured, 'utf8');
  processSecret ??= randomBytes(32);
  return processSecret;
}

/** 32 random bytes, base64url: 43 characters. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a cookie value looks like one of our session ids (anything else is ignored). */
export function isSessionId(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);
}

export type CsrfPurpose = 'refer' | 'feedback';

export function csrfToken(sessionId: string, purpose: CsrfPurpose): string {
  return createHmac('sha256', secret()).update(`${purpose}:${sessionId}`).digest('base64url');
}

/** Constant-time check of a submitted token against the session's. */
export function isValidCsrfToken(
  sessionId: string | undefined,
  purpose: CsrfPurpose,
  submitted: string | undefined,
): boolean {
  if (!sessionId || !submitted) return false;
  const expected = Buffer.from(csrfToken(sessionId, purpose), 'utf8');
  const actual = Buffer.from(submitted, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
