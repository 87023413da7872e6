/**
 * Sessions and CSRF for the public forms. The browser holds only an opaque random id in an HttpOnly
 * cookie; each form carries `_csrf` = HMAC-SHA256(secret, purpose + id). A cross-site page can make
 * the browser send the cookie (SameSite=Lax stops that for POSTs, this is the second lock) but cannot
 * read the token.
 *
 * Every Lambda instance must share one secret: on AWS it is read once per cold start from Secrets
 * Manager (the ARN in formSecret.envVar, set by the CDK stack). Without it (local runs and tests) a
 * random secret is made per process: tokens then stop working after a restart, which only sends a
 * person back to the start of the form.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { formSecret } from '../../resources.ts';

let sharedSecret: Buffer | undefined;
let loading: Promise<void> | undefined;

/** Loads the shared secret once per cold start; a no-op where none is configured. Call before any form work. */
export function loadCsrfSecret(): Promise<void> {
  const arn = process.env[formSecret.envVar];
  if (!arn || sharedSecret) return Promise.resolve();
  loading ??= (async () => {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({});
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!SecretString) throw new Error('the form secret is empty');
    sharedSecret = Buffer.from(SecretString, 'utf8');
  })().finally(() => {
    loading = undefined;
  });
  return loading;
}

let processSecret: Buffer | undefined;

function secret(): Buffer {
  if (sharedSecret) return sharedSecret;
  // Configured but not loaded would give each instance its own key and random 403s: fail instead.
  if (process.env[formSecret.envVar]) throw new Error('loadCsrfSecret() must finish before tokens are used');
  processSecret ??= randomBytes(32);
  return processSecret;
}

function sessionSignature(random: string): string {
  return createHmac('sha256', secret()).update(`session:${random}`).digest('base64url');
}

/**
 * A public form's session id: 32 random bytes and their HMAC under the form secret, base64url, joined
 * by a dot (87 characters). Only ids the hub issued are accepted (isSessionId), so a browser cannot
 * choose its own (a planted or guessed id, or one made up by a script without ever asking the hub).
 *
 * Why signed rather than looked up in the draft store: a form session has no draft until its first
 * answer is saved, so a store check could not tell an id the hub issued a moment ago from a made-up one
 * without writing a draft for every page view (storage anyone could fill); the signature decides with
 * no read at all, and the draft's own expiry still ends the session after 24 hours.
 */
export function newSessionId(): string {
  const random = randomBytes(32).toString('base64url');
  return `${random}.${sessionSignature(random)}`;
}

/** Whether a cookie value is a session id the hub issued (anything else is ignored, and a new one issued). */
export function isSessionId(value: string | undefined): value is string {
  if (value === undefined) return false;
  const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const expected = Buffer.from(sessionSignature(match[1]!), 'utf8');
  const actual = Buffer.from(match[2]!, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * `staff`: the workbench and agency portal forms. Their "session id" is the SHA-256 of the
 * `mash_session` cookie (src/pages/shared/staff-session.ts), so a token works only for the signed-in session it was
 * issued to, and stops working when the person signs in again or as someone else.
 */
export type CsrfPurpose = 'refer' | 'feedback' | 'staff';

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
