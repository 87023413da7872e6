/**
 * The one code path that checks a caller's token. On AWS it verifies Cognito ID tokens against the
 * user pool's published keys; in the local hub, against the key pair the hub made at start. Issuer,
 * audience, expiry and algorithm (RS256 only) are always checked, against the hub's clock.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { AGENCIES, type Agency, ROLES, type Role } from '../domain/codes.ts';
import type { Clock } from '../platform/clock.ts';
import { InvalidTokenError, type Principal } from './principal.ts';

export { InvalidTokenError, type Principal } from './principal.ts';

export const TOKEN_ALGORITHM = 'RS256';
export const GROUPS_CLAIM = 'cognito:groups';
export const AGENCY_CLAIM = 'custom:agency';

export interface TokenVerifierConfig {
  issuer: string;
  audience: string;
  /** AWS: the user pool's JWKS URL. */
  jwksUrl?: string;
  /** Local hub: the public keys as a JWKS document. */
  jwks?: { keys: object[] };
}

/** Reads the verifier's settings from the environment (AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL or AUTH_JWKS). */
export function verifierConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVerifierConfig {
  const issuer = env.AUTH_ISSUER;
  const audience = env.AUTH_AUDIENCE;
  if (!issuer || !audience) throw new Error('AUTH_ISSUER and AUTH_AUDIENCE must be set');
  if (env.AUTH_JWKS_URL) return { issuer, audience, jwksUrl: env.AUTH_JWKS_URL };
  if (env.AUTH_JWKS) return { issuer, audience, jwks: JSON.parse(env.AUTH_JWKS) };
  throw new Error('AUTH_JWKS_URL or AUTH_JWKS must be set');
}

export function createTokenVerifier(config: TokenVerifierConfig, clock: Clock) {
  const keys = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : createLocalJWKSet(config.jwks as Parameters<typeof createLocalJWKSet>[0]);

  return async function verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: [TOKEN_ALGORITHM],
        currentDate: clock.now(),
        clockTolerance: 5,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(error.code);
      throw new InvalidTokenError('ERR_TOKEN_MALFORMED');
    }
    return principalFromClaims(payload);
  };
}

function principalFromClaims(payload: JWTPayload): Principal {
  if (payload.token_use !== undefined && payload.token_use !== 'id')
    throw new InvalidTokenError('ERR_TOKEN_USE');
  const groups = payload[GROUPS_CLAIM];
  const roles = Array.isArray(groups) ? groups.filter((g): g is Role => ROLES.includes(g as Role)) : [];
  const agencyClaim = payload[AGENCY_CLAIM];
  const agency = AGENCIES.includes(agencyClaim as Agency) ? (agencyClaim as Agency) : undefined;
  // An agency user without a known agency can see nothing, so the role is dropped rather than guessed.
  const effectiveRoles = roles.filter((role) => role !== 'agency' || agency !== undefined);
  return { sub: String(payload.sub), roles: effectiveRoles, ...(agency ? { agency } : {}) };
}

/** The bearer token in an Authorization header, or undefined. */
