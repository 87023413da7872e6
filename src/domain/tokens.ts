/** Opaque, unguessable values the hub hands out: case ids, references, receipt tokens. */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** Crockford base32 without I, L, O, U: easy to read out over the phone. */
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A referral reference like `MASH-7K3Q-9XBD` (40 bits of randomness; uniqueness is enforced on write). */
export function newReference(): string {
  const bytes = randomBytes(8);
  let body = '';
  for (const byte of bytes) body += REFERENCE_ALPHABET[byte % 32];
  return `MASH-${body.slice(0, 4)}-${body.slice(4, 8)}`;
}

export const REFERENCE_PATTERN = /^MASH-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** The ids the hub gives cases, requests and products (lower-case UUIDs): anything else names nothing. */
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function newCaseId(): string {
  return randomUUID();
}

export function newReceiptToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The hash of random bytes never handed out: what a token is compared with when there is no case. */
const NO_TOKEN_HASH = hashToken(randomBytes(32).toString('base64url'));

/**
 * Whether a token is the one whose hash is stored. With no hash (no case has that reference) the token
 * is still hashed and compared, with a hash nothing matches, so a guesser cannot tell a real reference
 * with a wrong token from an unknown one by the time taken.
 */
export function tokenMatches(token: string, expectedHash: string | undefined): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash ?? NO_TOKEN_HASH, 'hex');
  const same = actual.length === expected.length && timingSafeEqual(actual, expected);
  return same && expectedHash !== undefined;
}
