/**
 * The two pages functions serve exactly the page routes src/routes.ts gives them: a route with no
 * controller would answer "Page not found", and a controller with no route would carry code (and, for
 * the public site, rights) that nothing reaches.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { publicPages, routePublicPage } from '../../src/pages/public-site.ts';
import { routeStaffPage, staffPages } from '../../src/pages/staff-site.ts';
import { routes } from '../../src/routes.ts';

const resourcesOf = (fn: string) =>
  [...new Set(routes.filter((r) => r.fn === fn).map((r) => r.resource))].sort();

describe('page sites', () => {
  it('the public site (pages) has a controller for each of its routes and no other', () => {
    expect(Object.keys(publicPages).sort()).toEqual(resourcesOf('pages'));
  });

  it('the staff site (staff-pages) has a controller for each of its routes and no other', () => {
    expect(Object.keys(staffPages).sort()).toEqual(resourcesOf('staff-pages'));
  });

  it('no staff page is served by the public function', () => {
    for (const resource of resourcesOf('pages')) {
      expect(resource).not.toMatch(/^\/(workbench|agency|board)(\/|$)/);
    }
  });

  it('answers a method the route table does not give a page with 405 and Allow, before any controller runs', async () => {
    const event = (httpMethod: string, resource: string, path: string) =>
      ({
        httpMethod,
        resource,
        path,
        headers: { Host: '127.0.0.1:3000' },
        multiValueHeaders: {},
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        body: null,
        isBase64Encoded: false,
        requestContext: {},
      }) as unknown as APIGatewayProxyEvent;
    const cases = [
      [routePublicPage, 'PUT', '/refer', '/refer', 'GET, HEAD, POST'],
      [routePublicPage, 'POST', '/', '/', 'GET, HEAD'],
      [routePublicPage, 'DELETE', '/feedback', '/feedback', 'GET, HEAD, POST'],
      [routeStaffPage, 'POST', '/board', '/board', 'GET, HEAD'],
      [routeStaffPage, 'PATCH', '/workbench/{path+}', '/workbench/cases', 'GET, HEAD, POST'],
    ] as const;
    for (const [route, method, resource, path, allow] of cases) {
      const response = await route(event(method, resource, path));
      expect(response.statusCode, `${method} ${path}`).toBe(405);
      expect(response.headers?.Allow, `${method} ${path}`).toBe(allow);
    }
  });
});
