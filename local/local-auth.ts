/**
 * The local stand-in for Cognito: a key pair made at start, its public half published to handlers as
 * AUTH_JWKS, and tokens carrying exactly the claims a Cognito ID token carries (`cognito:groups`,
 * `custom:agency`, `token_use: id`). Handlers check them with the same verifier as in AWS.
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { AGENCY_CLAIM, GROUPS_CLAIM, TOKEN_ALGORITHM } from '../src/auth/tokens.ts';
import { AGENCIES, type Agency, ROLES, type Role } from '../src/domain/codes.ts';
import type { ErrorDetail } from '../src/http/errors.ts';
import type { Clock } from '../src/platform/clock.ts';

export const LOCAL_AUDIENCE = 'mash-local-hub';
/** Local tokens outlive any clock shift a test makes, so a token taken before `PUT /_local/clock` still works. */
const TOKEN_LIFETIME_SECONDS = 366 * 24 * 60 * 60;

export interface LocalSigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwks: { keys: JWK[] };
}

export async function createSigningKey(): Promise<LocalSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const kid = `local-${randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TOKEN_ALGORITHM, use: 'sig' };
  return { kid, privateKey, jwks: { keys: [publicJwk] } };
}

export interface TokenRequest {
  role: Role;
  agency?: Agency;
  sub?: string;
}

/** Checks a token (or sign-in) request; returns the request or every problem with it. */
export function parseTokenRequest(
  input: unknown,
): { ok: true; value: TokenRequest } | { ok: false; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, details: [{ path: '', message: 'Send a JSON object.' }] };
  }
  const { role, agency, sub } = input as Record<string, unknown>;
  if (!ROLES.includes(role as Role)) {
    details.push({ path: 'role', message: `Role must be one of ${ROLES.join(', ')}.` });
  }
  if (role === 'agency' && (agency === undefined || agency === '')) {
    details.push({ path: 'agency', message: 'An agency user needs an agency.' });
  } else if (agency !== undefined && agency !== '' && !AGENCIES.includes(agency as Agency)) {
    details.push({ path: 'agency', message: `Agency must be one of ${AGENCIES.join(', ')}.` });
  } else if (agency !== undefined && agency !== '' && role !== 'agency' && ROLES.includes(role as Role)) {
    details.push({ path: 'agency', message: 'Only an agency user has an agency.' });
  }
  if (sub !== undefined && (typeof sub !== 'string' || sub.trim() === '' || sub.length > 128)) {
    details.push({ path: 'sub', message: 'sub must be a non-empty string of at most 128 characters.' });
  }
  if (details.length > 0) return { ok: false, details };
  return {
    ok: true,
    value: {
      role: role as Role,
      ...(role === 'agency' ? { agency: agency as Agency } : {}),
      ...(typeof sub === 'string' ? { sub } : {}),
    },
  };
}

export async function issueToken(
  key: LocalSigningKey,
  settings: { issuer: string; clock: Clock },
  request: TokenRequest,
): Promise<string> {
  const issuedAt = Math.floor(settings.clock.now().getTime() / 1000);
  const sub = request.sub ?? `local-${request.role}`;
  return new SignJWT({
    token_use: 'id',
    auth_time: issuedAt,
    'cognito:username': sub,
    [GROUPS_CLAIM]: [request.role],
    ...(request.agency ? { [AGENCY_CLAIM]: request.agency } : {}),
  })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(settings.issuer)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + TOKEN_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
