/**
 * The path a request arrived under, read from its API Gateway REST (v1) proxy event, so the same code
 * emits the right links on API Gateway's stage URL, on a custom domain and in the local hub.
 *
 * - The execute-api URL (`https://ID.execute-api.REGION.amazonaws.com/prod/refer`): `path` is `/refer`
 *   (no stage) and `requestContext.path` is `/prod/refer` (the path in the address bar). The base path
 *   is what `requestContext.path` has in front of `path`: `/prod`.
 * - A custom domain: `path` and `requestContext.path` are both the path in the address bar, and carry
 *   the mapping's base path when it has one (`/mash/refer` for a mapping `mash` → stage). The base path
 *   is what comes before the resource: `path` has as many segments after it as the resource (with its
 *   greedy `{name+}` parameter's segments) has. At the domain's root that is nothing.
 * - The local hub builds its events as API Gateway does on the stage URL (local/api-gateway-adapter.ts).
 *
 * Anything else, or a prefix that is not plain path segments, gives no base path: a link at the root is
 * better than a header or page built from a path nobody checked.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { matchResource } from '../routes.ts';

/** `/prod`, `/mash/v1`: segments of letters, digits, `.`, `_`, `~` and `-`; or '' for the root. */
const BASE_PATH = /^(\/[A-Za-z0-9._~-]+)*$/;

export function isBasePath(value: string): boolean {
  return BASE_PATH.test(value) && !/\/\.{1,2}(\/|$)/.test(value);
}

export interface RequestPaths {
  /** What every URL the response names starts with: `/prod`, or '' at the root. */
  basePath: string;
  /** The path under it, as the routes of src/routes.ts know it: `/refer/person`. */
  path: string;
}

type PathEvent = Pick<APIGatewayProxyEvent, 'path' | 'resource' | 'pathParameters'> & {
  requestContext?: { path?: string } | null;
};

export function requestPaths(event: PathEvent): RequestPaths {
  const path = event.path || '/';
  const stagePath = event.requestContext?.path;
  // `/prod` for the stage's root, whose `path` is `/`.
  const full = stagePath && path === '/' && !stagePath.endsWith('/') ? `${stagePath}/` : stagePath;
  if (full && full !== path) {
    if (!full.endsWith(path)) return { basePath: '', path };
    const basePath = full.slice(0, full.length - path.length);
    return isBasePath(basePath) ? { basePath, path } : { basePath: '', path };
  }
  // A custom domain: `path` itself may start with the mapping's base path.
  const resourceSegments = resourceSegmentCount(event);
  const segments = path.split('/').filter(Boolean);
  if (resourceSegments === undefined || segments.length <= resourceSegments) return { basePath: '', path };
  const basePath = `/${segments.slice(0, segments.length - resourceSegments).join('/')}`;
  const rest = path.slice(basePath.length) || '/';
  if (!isBasePath(basePath) || !matchResource(event.resource, rest)) return { basePath: '', path };
  return { basePath, path: rest };
}

/** How many path segments the matched resource took, its greedy parameter's included. */
function resourceSegmentCount(event: PathEvent): number | undefined {
  if (!event.resource) return undefined;
  let count = 0;
  for (const part of event.resource.split('/').filter(Boolean)) {
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (!greedy) {
      count += 1;
      continue;
    }
    const value = event.pathParameters?.[greedy[1]!];
    if (value === undefined) return undefined;
    count += value.split('/').filter(Boolean).length;
  }
  return count;
}

/** A root-relative URL (`/api/…`, `/refer`) under the base path; anything else as it is. */
export function underBasePath(basePath: string, url: string): string {
  if (!basePath || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return url;
  return `${basePath}${url}`;
}
