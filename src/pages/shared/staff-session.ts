/**
 * Staff pages sit behind a session: the `mash_session` cookie holds the member of staff's ID token,
 * checked on every request by the same verifier as the API's bearer tokens. Locally the hub's
 * `/_local/sign-in` sets it; on AWS the Cognito hosted sign-in does (see docs/operations.md).
 *
 * Every staff form carries a CSRF token bound to that session: HMAC(secret, `staff:` + SHA-256 of the
 * cookie value) (src/pages/shared/csrf.ts). A page from another site cannot read it, and a token taken from
 * one session is worthless in another (signing in again, or as someone else, changes the cookie).
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { SESSION_COOKIE, verifyToken } from '../../auth/caller.ts';
import { InvalidTokenError, type Principal } from '../../auth/tokens.ts';
import { AGENCY_LABELS } from '../../domain/codes.ts';
import { routeRoles } from '../../routes.ts';
import { csrfToken, isValidCsrfToken } from './csrf.ts';
import { errorPage } from './error-pages.ts';
import { field, type PageRequest, redirect } from './http.ts';

/**
 * Where staff sign in: the hosted sign-in on AWS (MASH_SIGN_IN_URL), the hub's own page locally. `next`
 * is the page asked for as the address bar shows it, base path included (the sign-in page is outside it).
 */
function signInUrl(request: PageRequest): string {
  const base = process.env.MASH_SIGN_IN_URL ?? '/_local/sign-in';
  const next = `${request.basePath}${request.path}`;
  return `${base}${base.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`;
}

/**
 * Where "Sign out or switch user" goes. Locally it is the hub's own `/_local/sign-in` page (pick a
 * role again, which replaces the session cookie); on AWS it is the Cognito hosted sign-in
 * (MASH_SIGN_IN_URL), which signs the person in again.
 */
export function switchUserUrl(): string {
  return process.env.MASH_SIGN_IN_URL ?? '/_local/sign-in';
}

export type StaffGate = { principal: Principal } | { response: APIGatewayProxyResult };

/**
 * The signed-in member of staff if their role may see the page; otherwise the response to send instead.
 * Who may see it is the page route's `sessionRoles` in src/routes.ts.
 */
export async function requireStaff(request: PageRequest): Promise<StaffGate> {
  const allowed = routeRoles(request.method, request.resource);
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return { response: redirect(request, signInUrl(request)) };
  let principal: Principal;
  try {
    principal = await verifyToken(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) return { response: redirect(request, signInUrl(request)) };
    throw error;
  }
  if (!principal.roles.some((role) => allowed.includes(role))) {
    return {
      response: errorPage(request, 403, {
        title: 'You do not have access to this page',
        paragraphs: [
          'Your role does not allow you to see this page. Sign in with another account if you have one.',
        ],
        link: { href: signInUrl(request), text: 'Sign in as someone else' },
      }),
    };
  }
  return { principal };
}

/** The key a staff session's CSRF tokens are bound to: the cookie's SHA-256, never the token itself. */
function sessionKey(request: PageRequest): string | undefined {
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? createHash('sha256').update(cookie, 'utf8').digest('base64url') : undefined;
}

/** The `_csrf` value for a form on a staff page; only the signed-in session it was issued to can send it. */
export function staffCsrfToken(request: PageRequest): string {
  const key = sessionKey(request);
  if (!key) throw new Error('staff forms need a signed-in session');
  return csrfToken(key, 'staff');
}

/** Whether a staff POST carries the CSRF token of the session that sent it. */
export function hasValidStaffCsrf(request: PageRequest): boolean {
  return isValidCsrfToken(sessionKey(request), 'staff', field(request.form, '_csrf'));
}

/** The answer to a staff form without its session's CSRF token: nothing is changed. */
export function staffFormRefused(request: PageRequest, back: { href: string; text: string }) {
  return errorPage(request, 403, {
    title: 'Sorry, we could not accept that form',
    paragraphs: [
      'The page you sent it from had expired, belonged to another sign-in, or did not come from this service. Nothing was changed.',
      'Go back, reload the page and try again.',
    ],
    link: back,
  });
}

/** The answer to a form the signed-in role may not use (the page did not offer it to them). */
export function roleRefused(request: PageRequest) {
  return errorPage(request, 403, {
    title: 'You cannot do that',
    paragraphs: ['Your role does not allow this action. Nothing was changed.'],
    link: { href: switchUserUrl(), text: 'Sign in as someone else' },
  });
}

/** Who is signed in, as the staff layout shows it (and which navigation it gives them). */
export function staffView(principal: Principal, role: string) {
  return {
    sub: principal.sub,
    role,
    ...(principal.agency ? { agency: principal.agency, agencyLabel: AGENCY_LABELS[principal.agency] } : {}),
    switchHref: switchUserUrl(),
  };
}
