/**
 * The process's token verifier, built once per cold start from the environment and reading the hub
 * clock. The API shell (bearer tokens) and the staff pages (session cookie) both call it, so there is
 * one code path for every token.
 */
import { hubClock } from '../platform/clock.ts';
import { createTokenVerifier, type Principal, verifierConfigFromEnv } from './tokens.ts';

let verifier: ((token: string) => Promise<Principal>) | undefined;

export function verifyToken(token: string): Promise<Principal> {
  verifier ??= createTokenVerifier(verifierConfigFromEnv(), hubClock);
  return verifier(token);
}

/** The cookie that carries a signed-in member of staff's ID token on the staff pages. */
export const SESSION_COOKIE = 'mash_session';
