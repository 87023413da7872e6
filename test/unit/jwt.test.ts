/**
 * The token verifier (src/auth/tokens.ts) against a JWKS made here with jose: a good RS256 ID token is
 * accepted; every classic forgery and every token that is not for us, not from our issuer, expired
 * by the clock passed in, or not an ID token is refused with InvalidTokenError.
 */
import { createHmac, createPublicKey } from 'node:crypto';
import {
  type CryptoKey,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importPKCS8,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AGENCY_CLAIM,
  createTokenVerifier,
  GROUPS_CLAIM,
  InvalidTokenError,
  type Principal,
} from '../../src/auth/tokens.ts';
import type { Clock } from '../../src/platform/clock.ts';

const ISSUER = 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_TEST';
const AUDIENCE = 'mash-test-client';
const KID = 'test-key-1';
const NOW = new Date('2026-06-01T09:00:00.000Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

const clockAt = (instant: Date): Clock => ({ now: () => instant });

let privateKey: CryptoKey;
let otherPrivateKey: CryptoKey;
/** Our own private key, imported for RSA-PSS. */
let pssPrivateKey: CryptoKey;
let publicJwk: JWK;
let publicPem: string;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  publicPem = await exportSPKI(pair.publicKey);
  pssPrivateKey = await importPKCS8(await exportPKCS8(pair.privateKey), 'PS256');
  otherPrivateKey = (await generateKeyPair('RS256', { extractable: true })).privateKey;
});

function verifier(clock: Clock = clockAt(NOW)) {
  return createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [publicJwk] } }, clock);
}

/** The claims a Cognito ID token for a MASH practitioner carries. */
function claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    sub: 'user-1',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: NOW_SECONDS - 60,
    exp: NOW_SECONDS + 3600,
    token_use: 'id',
    [GROUPS_CLAIM]: ['mash'],
    ...overrides,
  };
}

/** Signs exactly these claims (undefined ones left out) with RS256 and our kid, unless told otherwise. */
async function sign(
  payload: JWTPayload,
  options: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string | null } = {},
): Promise<string> {
  const body = Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
  const kid = options.kid === null ? {} : { kid: options.kid ?? KID };
  return new SignJWT(body)
    .setProtectedHeader({ alg: options.alg ?? 'RS256', typ: 'JWT', ...kid })
    .sign(options.key ?? privateKey);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `alg: none`: a header, the claims, and an empty signature, built by hand. */
function unsignedToken(payload: JWTPayload): string {
  return `${b64url({ alg: 'none', typ: 'JWT', kid: KID })}.${b64url(payload)}.`;
}

/** HS256 with the RSA public key (as PEM text) for the HMAC secret: the algorithm-confusion attack. */
function hmacWithPublicKey(payload: JWTPayload, secret: string | Buffer): string {
  const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: KID })}.${b64url(payload)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** The same token with bytes of its signature changed. */
function flipSignature(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  for (const index of [0, Math.floor(bytes.length / 2), bytes.length - 1])
    bytes[index] = bytes[index]! ^ 0xff;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/** The same signature over claims changed after signing (a raised role). */
function swapPayload(token: string, payload: JWTPayload): string {
  const [header, , signature] = token.split('.') as [string, string, string];
  return `${header}.${b64url(payload)}.${signature}`;
}

describe('a good token', () => {
  it('is accepted, with the roles from cognito:groups', async () => {
    const principal = await verifier()(await sign(claims()));
    expect(principal).toEqual<Principal>({ sub: 'user-1', roles: ['mash'] });
  });

  it('is accepted until its expiry (within the 5 s tolerance) by the clock passed in', async () => {
    const token = await sign(claims({ exp: NOW_SECONDS + 60 }));
    await expect(verifier(clockAt(new Date(NOW.getTime() + 59_000)))(token)).resolves.toMatchObject({
      sub: 'user-1',
    });
    await expect(verifier(clockAt(new Date(NOW.getTime() + 64_000)))(token)).resolves.toMatchObject({
      sub: 'user-1',
    });
  });

  it('is accepted without token_use (it is checked only when present)', async () => {
    await expect(verifier()(await sign(claims({ token_use: undefined })))).resolves.toMatchObject({
      roles: ['mash'],
    });
  });
});

interface RefusedCase {
  name: string;
  token: () => Promise<string> | string;
  clock?: Clock;
  /** The jose error code (or the verifier's own) InvalidTokenError carries. */
  code: string;
}

const refused: RefusedCase[] = [
  {
    name: 'alg: none (unsigned, built by hand)',
    token: () => unsignedToken(claims()),
    code: 'ERR_JOSE_ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 signed with the public key (PEM) as the secret',
    token: () => hmacWithPublicKey(claims(), publicPem),
    code: 'ERR_JOSE_ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 signed with the public key (DER) as the secret',
    token: () =>
      hmacWithPublicKey(
        claims(),
        createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'der' }),
      ),
    code: 'ERR_JOSE_ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 signed with jose and the public key bytes',
    token: async () => sign(claims(), { alg: 'HS256', key: new TextEncoder().encode(publicPem) }),
    code: 'ERR_JOSE_ALG_NOT_ALLOWED',
  },
  {
    name: 'PS256 signed by our own private key (the algorithm is pinned to RS256)',
    token: async () => sign(claims(), { alg: 'PS256', key: pssPrivateKey }),
    code: 'ERR_JOSE_ALG_NOT_ALLOWED',
  },
  {
    name: 'a forged signature (bytes flipped)',
    token: async () => flipSignature(await sign(claims())),
    code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  },
  {
    name: 'claims changed after signing (mash raised to manager)',
    token: async () => swapPayload(await sign(claims()), claims({ [GROUPS_CLAIM]: ['manager'] })),
    code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  },
  {
    name: 'an empty signature on an RS256 header',
    token: async () => `${(await sign(claims())).split('.').slice(0, 2).join('.')}.`,
    code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  },
  {
    name: 'another key, claiming our kid',
    token: async () => sign(claims(), { key: otherPrivateKey }),
    code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  },
  {
    name: 'another key, with an unknown kid',
    token: async () => sign(claims(), { key: otherPrivateKey, kid: 'attacker-key' }),
    code: 'ERR_JWKS_NO_MATCHING_KEY',
  },
  {
    name: 'another key, with no kid',
    token: async () => sign(claims(), { key: otherPrivateKey, kid: null }),
    code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  },
  {
    name: 'a wrong issuer',
    token: async () => sign(claims({ iss: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_OTHER' })),
    code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  {
    name: 'no issuer',
    token: async () => sign(claims({ iss: undefined })),
    code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  {
    name: 'a wrong audience',
    token: async () => sign(claims({ aud: 'another-app-client' })),
    code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  {
    name: 'no audience',
    token: async () => sign(claims({ aud: undefined })),
    code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  {
    name: 'expired by the clock passed in (beyond the 5 s tolerance)',
    token: async () => sign(claims({ exp: NOW_SECONDS + 60 })),
    clock: clockAt(new Date(NOW.getTime() + 66_000)),
    code: 'ERR_JWT_EXPIRED',
  },
  {
    name: 'expired long ago, although the system clock is irrelevant',
    token: async () => sign(claims({ iat: NOW_SECONDS - 7200, exp: NOW_SECONDS - 3600 })),
    code: 'ERR_JWT_EXPIRED',
  },
  {
    name: 'not yet valid (nbf in the future of the clock)',
    token: async () => sign(claims({ nbf: NOW_SECONDS + 600 })),
    code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  {
    name: 'missing exp',
    token: async () => sign(claims({ exp: undefined })),
    code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  {
    name: 'missing sub',
    token: async () => sign(claims({ sub: undefined })),
    code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  {
    name: 'token_use: access (an access token, not an ID token)',
    token: async () => sign(claims({ token_use: 'access' })),
    code: 'ERR_TOKEN_USE',
  },
  { name: 'not a JWT at all', token: () => 'not-a-token', code: 'ERR_JWS_INVALID' },
  { name: 'an empty string', token: () => '', code: 'ERR_JWS_INVALID' },
  {
    name: 'a JWE-shaped token (five parts)',
    token: async () => `${await sign(claims())}.extra.parts`,
    code: 'ERR_JWS_INVALID',
  },
];

describe('refused tokens', () => {
  it.each(refused.map((c) => [c.name, c] as const))('refuses %s', async (_name, testCase) => {
    const token = await testCase.token();
    const error = await verifier(testCase.clock)(token).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, 'the token was accepted').toBeInstanceOf(InvalidTokenError);
    expect((error as Error).message).toBe(testCase.code);
  });
});

describe('roles and the agency claim', () => {
  const cases: Array<{ name: string; extra: JWTPayload; expected: Omit<Principal, 'sub'> }> = [
    {
      name: 'an agency user with a known agency keeps the role and the agency',
      extra: { [GROUPS_CLAIM]: ['agency'], [AGENCY_CLAIM]: 'police' },
      expected: { roles: ['agency'], agency: 'police' },
    },
    {
      name: 'an agency user with an unknown agency loses the agency role',
      extra: { [GROUPS_CLAIM]: ['agency'], [AGENCY_CLAIM]: 'mi5' },
      expected: { roles: [] },
    },
    {
      name: 'an agency user with no agency claim loses the agency role',
      extra: { [GROUPS_CLAIM]: ['agency'] },
      expected: { roles: [] },
    },
    {
      name: 'an agency user with a non-string agency claim loses the agency role',
      extra: { [GROUPS_CLAIM]: ['agency'], [AGENCY_CLAIM]: ['police'] },
      expected: { roles: [] },
    },
    {
      name: 'an unknown agency drops only the agency role, not the others',
      extra: { [GROUPS_CLAIM]: ['agency', 'mash'], [AGENCY_CLAIM]: 'nowhere' },
      expected: { roles: ['mash'] },
    },
    {
      name: 'unknown groups are ignored',
      extra: { [GROUPS_CLAIM]: ['admin', 'manager', 'root'] },
      expected: { roles: ['manager'] },
    },
    {
      name: 'groups that are not a list give no role',
      extra: { [GROUPS_CLAIM]: 'manager' },
      expected: { roles: [] },
    },
    { name: 'no groups give no role', extra: { [GROUPS_CLAIM]: undefined }, expected: { roles: [] } },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const principal = await verifier()(await sign(claims(testCase.extra)));
    expect(principal).toEqual({ sub: 'user-1', ...testCase.expected });
  });
});
