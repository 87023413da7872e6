/**
 * Staff pages sit behind a session: the `mash_session` cookie holds the member of staff's ID token,
 * checked on every request by the same verifier as the API's bearer tokens. Locally the hub's
 * `/_local/sign-in` sets it; on AWS the Cognito hosted sign-in does (see docs/operations.md).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { SESSION_COOKIE, verifyToken } from '../auth/caller.ts';
import { InvalidTokenError, type Principal } from '../auth/tokens.ts';
import type { Role } from '../domain/codes.ts';
import { type PageRequest, redirect } from './http.ts';
import { errorPage } from './pages-common.ts';

/** Where staff sign in: the hosted sign-in on AWS (MASH_SIGN_IN_URL), the hub's own page locally. */
export function signInUrl(next: string): string {
  const base = process.env.MASH_SIGN_IN_URL ?? '/_local/sign-in';
  return `${base}${base.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`;
}

export type StaffGate = { principal: Principal } | { response: APIGatewayProxyResult };

/** The signed-in member of staff if their role may see the page; otherwise the response to send instead. */
export async function requireStaff(request: PageRequest, allowed: readonly Role[]): Promise<StaffGate> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return { response: redirect(request, signInUrl(request.path)) };
  let principal: Principal;
  try {
    principal = await verifyToken(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) return { response: redirect(request, signInUrl(request.path)) };
    throw error;
  }
  if (!principal.roles.some((role) => allowed.includes(role))) {
    return {
      response: errorPage(request, 403, {
        title: 'You do not have access to this page',
        paragraphs: [
          'Your role does not allow you to see this page. Sign in with another account if you have one.',
        ],
        link: { href: signInUrl(request.path), text: 'Sign in as someone else' },
      }),
    };
  }
  return { principal };
}
