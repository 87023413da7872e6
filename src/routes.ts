/**
 * Every HTTP route the hub serves, and who may call it. The CDK intake API builds its REST resources
 * and authorizers from this table, the local hub's adapter matches requests against it to build the
 * same API Gateway events, and the handlers check the same `access` list on every request.
 */
import type { Role } from './domain/codes.ts';
import type { FunctionName } from './resources.ts';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway resource path: `{name}` is a path parameter, `{proxy+}` a greedy one. */
  resource: string;
  fn: FunctionName;
  /**
   * `public`: anyone (intake, status, feedback, pages, which check their own session cookies).
   * Otherwise the roles allowed; on AWS these routes sit behind the Cognito authorizer.
   */
  access: 'public' | readonly Role[];
  /**
   * Staff pages only: the roles whose signed-in session may use the page. API Gateway lets page requests
   * through (`access` is public: a browser sends a session cookie, not a bearer token), and the page checks
   * the session's roles against this list itself (src/pages/shared/staff-session.ts).
   */
  sessionRoles?: readonly Role[];
}

const hub = ['mash', 'manager'] as const;
const agency = ['agency'] as const;
const board = ['board'] as const;

export const routes: readonly RouteDefinition[] = [
  // Intake: the public front door.
  { method: 'POST', resource: '/api/referrals', fn: 'intake', access: 'public' },
  { method: 'GET', resource: '/api/referrals/{reference}/status', fn: 'intake', access: 'public' },
  { method: 'POST', resource: '/api/feedback', fn: 'intake', access: 'public' },
  { method: 'GET', resource: '/api/openapi.json', fn: 'intake', access: 'public' },

  // The hub's read side.
  { method: 'GET', resource: '/api/cases', fn: 'cases', access: hub },
  { method: 'GET', resource: '/api/cases/{id}', fn: 'cases', access: hub },
  { method: 'POST', resource: '/api/cases/{id}/triage', fn: 'cases', access: ['mash'] },
  { method: 'POST', resource: '/api/cases/{id}/consent-override', fn: 'cases', access: ['manager'] },
  { method: 'POST', resource: '/api/cases/{id}/information-requests', fn: 'cases', access: ['mash'] },
  { method: 'POST', resource: '/api/cases/{id}/decision', fn: 'cases', access: ['mash'] },
  { method: 'GET', resource: '/api/cases/{id}/audit', fn: 'cases', access: ['manager'] },

  // Partner agencies: only their own agency's requests and products.
  { method: 'GET', resource: '/api/agency/requests', fn: 'agency', access: ['agency'] },
  { method: 'GET', resource: '/api/agency/requests/{id}', fn: 'agency', access: ['agency'] },
  { method: 'POST', resource: '/api/agency/requests/{id}/response', fn: 'agency', access: ['agency'] },
  { method: 'GET', resource: '/api/agency/products', fn: 'agency', access: ['agency'] },

  // The board's exports.
  { method: 'GET', resource: '/api/reports', fn: 'reports', access: ['board'] },
  { method: 'GET', resource: '/api/reports/{period}/{file}', fn: 'reports', access: ['board'] },

  // Pages (server-rendered; staff pages check the session cookie and its roles themselves).
  { method: 'GET', resource: '/', fn: 'pages', access: 'public' },
  { method: 'GET', resource: '/refer', fn: 'pages', access: 'public' },
  { method: 'POST', resource: '/refer', fn: 'pages', access: 'public' },
  { method: 'GET', resource: '/refer/{step+}', fn: 'pages', access: 'public' },
  { method: 'POST', resource: '/refer/{step+}', fn: 'pages', access: 'public' },
  { method: 'GET', resource: '/feedback', fn: 'pages', access: 'public' },
  { method: 'POST', resource: '/feedback', fn: 'pages', access: 'public' },
  { method: 'GET', resource: '/workbench', fn: 'staff-pages', access: 'public', sessionRoles: hub },
  { method: 'GET', resource: '/workbench/{path+}', fn: 'staff-pages', access: 'public', sessionRoles: hub },
  { method: 'POST', resource: '/workbench/{path+}', fn: 'staff-pages', access: 'public', sessionRoles: hub },
  { method: 'GET', resource: '/agency', fn: 'staff-pages', access: 'public', sessionRoles: agency },
  { method: 'GET', resource: '/agency/{path+}', fn: 'staff-pages', access: 'public', sessionRoles: agency },
  { method: 'POST', resource: '/agency/{path+}', fn: 'staff-pages', access: 'public', sessionRoles: agency },
  { method: 'GET', resource: '/board', fn: 'staff-pages', access: 'public', sessionRoles: board },
  { method: 'GET', resource: '/board/{path+}', fn: 'staff-pages', access: 'public', sessionRoles: board },
  { method: 'GET', resource: '/assets/{path+}', fn: 'pages', access: 'public' },
];

/**
 * Who may use a route: an API route's `access` roles, or a staff page's `sessionRoles`. The workbench's
 * forms take their roles from the API routes they mirror, so a page and the API cannot disagree. A route
 * that is not in the table, or that anyone may use, is a programming error.
 */
export function routeRoles(method: HttpMethod, resource: string): readonly Role[] {
  const route = routes.find((candidate) => candidate.method === method && candidate.resource === resource);
  if (!route) throw new Error(`no route ${method} ${resource}`);
  const roles = route.access === 'public' ? route.sessionRoles : route.access;
  if (!roles) throw new Error(`${method} ${resource} is open to anyone: it has no roles`);
  return roles;
}

/** Matches a concrete path against a resource pattern; returns the path parameters or undefined. */
export function matchResource(resource: string, path: string): Record<string, string> | undefined {
  const patternParts = resource.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < patternParts.length; i++) {
    const pattern = patternParts[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(pattern);
    if (greedy) {
      if (i !== patternParts.length - 1 || pathParts.length <= i) return undefined;
      params[greedy[1]!] = pathParts.slice(i).map(decodeSegment).join('/');
      return params;
    }
    const part = pathParts[i];
    if (part === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(pattern);
    if (param) params[param[1]!] = decodeSegment(part);
    else if (pattern !== part) return undefined;
  }
  return pathParts.length === patternParts.length ? params : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;

/** A 405's `Allow` header value: the methods of these routes, HEAD wherever GET is (RFC 9110 §15.5.6). */
export function allowHeader(methods: Iterable<string>): string {
  const allowed = new Set(methods);
  if (allowed.has('GET')) allowed.add('HEAD');
  return METHOD_ORDER.filter((method) => allowed.has(method)).join(', ');
}

/** The `Allow` value for an API Gateway resource, or undefined when the route table has no such resource. */
export function allowForResource(resource: string): string | undefined {
  const methods = routes.filter((route) => route.resource === resource).map((route) => route.method);
  return methods.length > 0 ? allowHeader(methods) : undefined;
}

/** Whether the route table takes this method on this resource (HEAD wherever GET is). */
export function resourceAllows(resource: string, method: string): boolean {
  const wanted = method === 'HEAD' ? 'GET' : method;
  return routes.some((route) => route.resource === resource && route.method === wanted);
}

/**
 * The route for a method and path, and its path parameters; `methodNotAllowed` with the `Allow` value
 * (every method of the routes matching the path) when only the method is wrong.
 */
export function findRoute(
  method: string,
  path: string,
):
  | { route: RouteDefinition; pathParameters: Record<string, string> }
  | { methodNotAllowed: true; allow: string }
  | undefined {
  const pathMethods: string[] = [];
  // Literal resources win over parameterised ones, as in API Gateway.
  const ordered = [...routes].sort((a, b) => specificity(b.resource) - specificity(a.resource));
  for (const route of ordered) {
    const pathParameters = matchResource(route.resource, path);
    if (!pathParameters) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET'))
      return { route, pathParameters };
    pathMethods.push(route.method);
  }
  return pathMethods.length > 0 ? { methodNotAllowed: true, allow: allowHeader(pathMethods) } : undefined;
}

function specificity(resource: string): number {
  return resource
    .split('/')
    .filter(Boolean)
    .reduce((score, part) => score * 3 + (part.endsWith('+}') ? 0 : part.startsWith('{') ? 1 : 2), 1);
}
