/**
 * What the web ACL (lib/hub-api.ts) needs to know about the hub's front door, as plain data: which
 * requests are submissions, which networks are listed partners, and what a refused referrer reads.
 * The limits themselves, and why, are API_LIMITS in src/resources.ts and docs/operations.md.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { HttpError } from '../src/http/errors.ts';
import { stepUrl } from '../src/pages/refer/draft.ts';
import { dutyLines } from '../src/pages/refer/duty-lines.ts';
import type { RouteDefinition } from '../src/routes.ts';

/**
 * The requests that send something: the API's two writes and the two pages' final POSTs (the referral
 * form's "Send referral" on check answers, and the feedback form). Only these count toward the
 * per-address submission limit: a referral through the form is about 19 requests (pages, steps,
 * assets), but only one of them is a submission.
 */
export const SUBMISSION_ROUTES = [
  { method: 'POST', path: '/api/referrals', answer: 'json' },
  { method: 'POST', path: '/api/feedback', answer: 'json' },
  { method: 'POST', path: stepUrl.checkAnswers, answer: 'page' },
  { method: 'POST', path: '/feedback', answer: 'page' },
] as const;

/** Each submission route, checked to reach a public route of src/routes.ts (a renamed route fails the synthesis). */
export function checkedSubmissionRoutes(routes: readonly RouteDefinition[]): typeof SUBMISSION_ROUTES {
  for (const submission of SUBMISSION_ROUTES) {
    const reached = routes.some(
      (route) =>
        route.access === 'public' &&
        route.method === submission.method &&
        (route.resource === submission.path ||
          (route.resource.endsWith('+}') &&
            submission.path.startsWith(route.resource.slice(0, route.resource.lastIndexOf('/') + 1)))),
    );
    if (!reached)
      throw new Error(
        `Submission route ${submission.method} ${submission.path} reaches no public route in src/routes.ts`,
      );
  }
  return SUBMISSION_ROUTES;
}

/**
 * WAF's text transformations before a path is matched: percent-decoded (API Gateway decodes
 * `{step+}`, so `/refer/check%2Danswers` sends a referral too), `//` and `/./` collapsed, lower-cased.
 * A path that only becomes a submission path this way is counted, never let through uncounted.
 */
export const PATH_TRANSFORMATIONS = ['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'] as const;

/**
 * A WAF regular expression matching exactly the given paths, with or without the stage prefix (the
 * execute-api URL carries `/prod`, a custom domain does not) and trailing slashes (the form's
 * controller ignores them). Top-level alternatives only: WAF's PCRE refuses capturing groups.
 */
export function exactPathsPattern(paths: readonly string[], stageName: string): string {
  const escaped = (text: string) => text.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return paths
    .flatMap((path) => [path, `/${stageName}${path}`])
    .map((path) => `^${escaped(path)}/*$`)
    .join('|');
}

/** Every API path, with or without the stage prefix: refused API calls are answered in JSON. */
export function apiPathPattern(stageName: string): string {
  return `^/api/|^/${stageName.toLowerCase()}/api/`;
}

/** Listed partner networks, by IP version (WAF keeps one IP set per version). */
export interface PartnerNetworks {
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
}

/**
 * The `partnerCidrs` context value: a comma-separated string (`-c partnerCidrs=203.0.113.0/24,2001:db8::/32`)
 * or, in cdk.json, a list of strings. Absent or empty: no partner is listed. A bad range fails here.
 */
export function partnerCidrsFromContext(value: unknown): readonly string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string'))
    throw new Error(
      'Context partnerCidrs must be a comma-separated string of CIDR ranges (203.0.113.0/24,2001:db8::/32) or a list of them.',
    );
  const cidrs = (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
  // Checked now, before anything is built or bundled, so a typo fails the synthesis at once.
  partnerNetworks(cidrs);
  return cidrs;
}

/**
 * Each range checked and sorted by version. A mistake fails the synthesis naming the range and what is
 * wrong: an address without a prefix length, a prefix out of range, `/0` (the whole internet, which
 * would switch the limit off), or bits set beyond the prefix (203.0.113.7/24 is probably a typo).
 */
export function partnerNetworks(cidrs: readonly string[]): PartnerNetworks {
  const ipv4 = new Set<string>();
  const ipv6 = new Set<string>();
  for (const cidr of cidrs) {
    const problem = (what: string) =>
      new Error(
        `Context partnerCidrs: "${cidr}" ${what}. Give CIDR ranges such as 203.0.113.0/24 or 2001:db8::/32.`,
      );
    const match = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
    if (!match)
      throw problem('is not a CIDR range (an address, "/" and a prefix length; /32 for one IPv4 address)');
    const [, address, prefixText] = match as unknown as [string, string, string];
    const prefix = Number(prefixText);
    const version = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
    if (!version) throw problem(`does not start with an IPv4 or IPv6 address`);
    const bits = version === 4 ? 32 : 128;
    if (prefix < 1 || prefix > bits) throw problem(`has a prefix length outside 1 to ${bits}`);
    const value = version === 4 ? ipv4Value(address) : ipv6Value(address);
    const hostBits = (1n << BigInt(bits - prefix)) - 1n;
    if ((value & hostBits) !== 0n)
      throw problem(
        `has address bits set beyond its /${prefix} prefix (its network is ${formatAddress(value & ~hostBits, version)}/${prefix})`,
      );
    (version === 4 ? ipv4 : ipv6).add(`${formatAddress(value, version)}/${prefix}`);
  }
  return { ipv4: [...ipv4].sort(), ipv6: [...ipv6].sort() };
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Value(address: string): bigint {
  let text = address.toLowerCase();
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (embedded) {
    const value = ipv4Value(embedded);
    text = `${text.slice(0, -embedded.length)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

/** IPv4 dotted; IPv6 in RFC 5952's short form (the longest run of zero groups as `::`). */
function formatAddress(value: bigint, version: 4 | 6): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, index) => (value >> BigInt(112 - index * 16)) & 0xffffn);
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0n) length++;
    if (length > best.length && length > 1) best = { start, length };
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** The API's answer to a limited caller, in the CONTRACT's error shape. */
export function rateLimitedJson(): string {
  const lines = dutyLines;
  return JSON.stringify(
    new HttpError(
      429,
      'RATE_LIMITED',
      'Too many referrals or requests have come from your network in the last few minutes: nothing was ' +
        'received; try again in 5 minutes. If you are worried about someone now, call the MASH duty line ' +
        `(children ${lines.childrenDutyLine}, adults ${lines.adultDutyLine}, out of hours ` +
        `${lines.outOfHoursLine}). If someone is in immediate danger, call 999.`,
    ).toBody(),
  );
}

/**
 * The page a limited referrer reads: GOV.UK's look in a few lines of inline CSS (WAF serves it on its
 * own, so no stylesheet, font or image can be fetched), ASCII only, well under WAF's 4 KB.
 */
export function rateLimitedPage(kind: 'referrals' | 'requests'): string {
  const tel = (number: string) => `<a href="tel:${number.replaceAll(' ', '')}">${number}</a>`;
  const heading = `Sorry, there have been too many ${kind} from your network`;
  const explanation =
    kind === 'referrals'
      ? '<p>So many referrals have come from your organisation&#39;s network in the last few minutes that we cannot take any more from it just now. What you just sent has not been received.</p>' +
        '<p>Your answers to the referral form are kept for 24 hours: go back and send them again in 5 minutes.</p>'
      : '<p>So many requests have come from your organisation&#39;s network in the last few minutes that we cannot answer any more from it just now.</p>' +
        '<p>Try again in 5 minutes. Answers you have already saved in the referral form are kept for 24 hours.</p>';
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>Too many ${kind} - Safeguarding referrals</title><style>` +
    'body{margin:0;font:19px/1.32 arial,sans-serif;color:#0b0c0c}' +
    'header{background:#0b0c0c;color:#fff;font-weight:700;padding:12px 15px;border-bottom:10px solid #1d70b8}' +
    'main{max-width:960px;margin:0 auto;padding:30px 15px}h1{font-size:32px;margin:0 0 30px}h2{font-size:24px;margin:30px 0 15px}' +
    'a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}' +
    '.w{font-weight:700;border-left:5px solid #0b0c0c;padding-left:15px}' +
    '</style></head><body><header>Safeguarding referrals</header><main>' +
    `<h1>${heading}</h1>${explanation}` +
    '<h2>If you are worried about someone now</h2><p>Call the MASH duty line:</p><ul>' +
    `<li>children&#39;s services duty line: <strong>${tel(dutyLines.childrenDutyLine)}</strong></li>` +
    `<li>adult social care duty line: <strong>${tel(dutyLines.adultDutyLine)}</strong></li>` +
    `<li>out of hours (evenings, weekends and bank holidays): <strong>${tel(dutyLines.outOfHoursLine)}</strong></li>` +
    '</ul><p class="w">If someone is in immediate danger, call 999.</p></main></body></html>'
  );
}
