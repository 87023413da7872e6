/**
 * Defence in depth for every form POST of the pages functions, behind the SameSite=Lax cookies and the
 * session-bound CSRF tokens: a POST that says it comes from another site is refused before any
 * controller runs.
 *
 * - `Origin`, when a browser sends one other than `null`, must be this site's own origin: the `Host`
 *   header with the scheme the request arrived on (`X-Forwarded-Proto`, which API Gateway sets; without
 *   it, http on 127.0.0.1 and localhost and https elsewhere, as `PageRequest.secure` decides).
 * - `Origin: null` is refused by nothing: browsers send it for a same-origin form post from a page with
 *   `Referrer-Policy: no-referrer`, which every page here carries. `Sec-Fetch-Site` decides then.
 * - `Sec-Fetch-Site`, when present, must be `same-origin` (or `none`: typed or bookmarked by the person).
 * Without either header (older browsers, scripts) the request goes on: the CSRF token and SameSite hold.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue, isLocalHost } from './http.ts';

function ownOrigin(headers: APIGatewayProxyEvent['headers']): string | undefined {
  const host = headerValue(headers, 'host');
  if (!host) return undefined;
  const forwarded = headerValue(headers, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme =
    forwarded === 'http' || forwarded === 'https' ? forwarded : isLocalHost(host) ? 'http' : 'https';
  return `${scheme}://${host.toLowerCase()}`;
}

/** Whether a state-changing request's headers say it was sent by a page of another site. */
export function isCrossSiteRequest(headers: APIGatewayProxyEvent['headers'] | null | undefined): boolean {
  const fetchSite = headerValue(headers ?? {}, 'sec-fetch-site')
    ?.trim()
    .toLowerCase();
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return true;
  const origin = headerValue(headers ?? {}, 'origin')
    ?.trim()
    .toLowerCase();
  if (origin === undefined || origin === 'null') return false;
  return origin !== ownOrigin(headers ?? {});
}
