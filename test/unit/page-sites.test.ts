/**
 * The two pages functions serve exactly the page routes src/routes.ts gives them: a route with no
 * controller would answer "Page not found", and a controller with no route would carry code (and, for
 * the public site, rights) that nothing reaches.
 */
import { describe, expect, it } from 'vitest';
import { publicPages } from '../../src/pages/public-site.ts';
import { staffPages } from '../../src/pages/staff-site.ts';
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
});
