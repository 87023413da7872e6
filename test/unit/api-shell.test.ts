/**
 * The API shell's token check is given to it by the functions that need it: a function with staff
 * routes cannot be built without a verifier (so no staff route is ever left unchecked), and the verifier
 * it is given decides every staff request.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import { createApiHandler } from '../../src/http/api.ts';
import { routes } from '../../src/routes.ts';

const reportRoutes = Object.fromEntries(
  routes
    .filter((route) => route.fn === 'reports')
    .map((route) => [
      `${route.method} ${route.resource}`,
      async () => ({ statusCode: 200, body: { ok: true } }),
    ]),
);

function event(token?: string, httpMethod = 'GET'): APIGatewayProxyEvent {
  return {
    httpMethod,
    resource: '/api/reports',
    path: '/api/reports',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  };
}

const context = { getRemainingTimeInMillis: () => 10_000, awsRequestId: 'test' } as unknown as Context;

describe('createApiHandler and token verification', () => {
  it('refuses to build a function with staff routes and no verifier', () => {
    expect(() => createApiHandler('reports', reportRoutes)).toThrow(
      /staff routes: pass createApiHandler a verifyToken/,
    );
  });

  it('builds a public-only function without one', () => {
    const intakeRoutes = Object.fromEntries(
      routes
        .filter((route) => route.fn === 'intake')
        .map((route) => [`${route.method} ${route.resource}`, async () => ({ statusCode: 200 })]),
    );
    expect(() => createApiHandler('intake', intakeRoutes)).not.toThrow();
  });

  it('asks the verifier it was given, and answers by its verdict', async () => {
    const seen: string[] = [];
    const verifyToken = async (token: string): Promise<Principal> => {
      seen.push(token);
      return { sub: 'board-1', roles: token === 'board-token' ? ['board'] : ['mash'] };
    };
    const handler = createApiHandler('reports', reportRoutes, { verifyToken });
    const ok = await handler(event('board-token'), context);
    const wrongRole = await handler(event('mash-token'), context);
    const none = await handler(event(), context);
    expect([ok.statusCode, wrongRole.statusCode, none.statusCode]).toEqual([200, 403, 401]);
    expect(seen).toEqual(['board-token', 'mash-token']);
  });

  it('answers a method its resource does not take with 405 and the Allow header of the route table', async () => {
    const handler = createApiHandler('reports', reportRoutes, {
      verifyToken: async () => ({ sub: 'b', roles: ['board'] }),
    });
    for (const method of ['POST', 'DELETE', 'OPTIONS']) {
      const response = await handler(event('board-token', method), context);
      expect(response.statusCode, method).toBe(405);
      expect(response.headers?.Allow, method).toBe('GET, HEAD');
      expect(JSON.parse(response.body).error.code).toBe('METHOD_NOT_ALLOWED');
    }
  });
});
