import { describe, expect, it } from 'vitest';
import { functionNames, functions, schedules } from '../../src/resources.ts';
import { findRoute, matchResource, routeRoles, routes } from '../../src/routes.ts';

describe('route table', () => {
  it('matches path parameters and greedy paths', () => {
    expect(matchResource('/api/cases/{id}', '/api/cases/abc')).toEqual({ id: 'abc' });
    expect(matchResource('/api/cases/{id}', '/api/cases/abc/extra')).toBeUndefined();
    expect(matchResource('/assets/{path+}', '/assets/fonts/a.woff2')).toEqual({ path: 'fonts/a.woff2' });
    expect(matchResource('/assets/{path+}', '/assets')).toBeUndefined();
    expect(matchResource('/api/referrals/{reference}/status', '/api/referrals/MASH%2D1/status')).toEqual({
      reference: 'MASH-1',
    });
  });

  it('prefers literal resources and tells a wrong method from an unknown path', () => {
    const found = findRoute('GET', '/api/openapi.json');
    expect(found && 'route' in found && found.route.resource).toBe('/api/openapi.json');
    expect(findRoute('DELETE', '/api/referrals')).toEqual({ methodNotAllowed: true, allow: 'POST' });
    expect(findRoute('PUT', '/refer/your-details')).toEqual({
      methodNotAllowed: true,
      allow: 'GET, HEAD, POST',
    });
    expect(findRoute('POST', '/board')).toEqual({ methodNotAllowed: true, allow: 'GET, HEAD' });
    expect(findRoute('GET', '/api/nothing-here')).toBeUndefined();
  });

  it('has no duplicate routes, and staff routes name roles', () => {
    const keys = routes.map((route) => `${route.method} ${route.resource}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of routes.filter((r) => r.resource.startsWith('/api/cases'))) {
      expect(route.access).not.toBe('public');
    }
  });

  it('gives every staff page the roles its session needs, and no public page any', () => {
    for (const route of routes.filter((r) => r.fn === 'staff-pages')) {
      expect(route.access, route.resource).toBe('public');
      expect(route.sessionRoles?.length, `${route.method} ${route.resource}`).toBeGreaterThan(0);
    }
    for (const route of routes.filter((r) => r.fn !== 'staff-pages')) {
      expect(route.sessionRoles, `${route.method} ${route.resource}`).toBeUndefined();
    }
    expect(routeRoles('GET', '/workbench')).toEqual(['mash', 'manager']);
    expect(routeRoles('POST', '/agency/{path+}')).toEqual(['agency']);
    expect(routeRoles('GET', '/board/{path+}')).toEqual(['board']);
    expect(routeRoles('POST', '/api/cases/{id}/consent-override')).toEqual(['manager']);
    expect(() => routeRoles('POST', '/board')).toThrow('no route POST /board');
    expect(() => routeRoles('GET', '/refer')).toThrow('open to anyone');
  });

  it('leaves no function without a way to be invoked: a route, the queue it consumes or a schedule', () => {
    const invoked = new Set([...routes.map((route) => route.fn), ...schedules.map((s) => s.target)]);
    const idle = functionNames.filter((name) => !invoked.has(name) && !functions[name].consumes);
    expect(idle).toEqual([]);
  });
});
