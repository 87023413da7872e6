/**
 * The base path of a request, read from API Gateway REST proxy events as AWS sends them (the
 * execute-api stage URL, a custom domain at its root and with a base path mapping) and as the local
 * hub builds them; and a pages response put under it.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { requestPaths, underBasePath } from '../../src/http/base-path.ts';
import {
  cookieUnderBasePath,
  htmlUnderBasePath,
  responseUnderBasePath,
} from '../../src/pages/shared/base-path.ts';

type Event = Parameters<typeof requestPaths>[0];

function event(
  resource: string,
  path: string,
  contextPath: string,
  pathParameters: Record<string, string> | null = null,
): Event {
  return { resource, path, pathParameters, requestContext: { path: contextPath } };
}

describe('the base path of a request', () => {
  it('is the stage on the execute-api URL: requestContext.path has it, path does not', () => {
    expect(requestPaths(event('/refer', '/refer', '/prod/refer'))).toEqual({
      basePath: '/prod',
      path: '/refer',
    });
    expect(
      requestPaths(
        event('/refer/{step+}', '/refer/person/new', '/prod/refer/person/new', { step: 'person/new' }),
      ),
    ).toEqual({ basePath: '/prod', path: '/refer/person/new' });
    expect(requestPaths(event('/api/referrals', '/api/referrals', '/test/api/referrals')).basePath).toBe(
      '/test',
    );
  });

  it("is the stage at the stage's root, with or without the trailing slash", () => {
    expect(requestPaths(event('/', '/', '/prod/'))).toEqual({ basePath: '/prod', path: '/' });
    expect(requestPaths(event('/', '/', '/prod'))).toEqual({ basePath: '/prod', path: '/' });
  });

  it('is nothing on a custom domain mapped at its root: both paths are the address bar', () => {
    expect(requestPaths(event('/refer', '/refer', '/refer'))).toEqual({ basePath: '', path: '/refer' });
    expect(requestPaths(event('/', '/', '/'))).toEqual({ basePath: '', path: '/' });
    expect(
      requestPaths(
        event('/workbench/{path+}', '/workbench/cases/C1', '/workbench/cases/C1', { path: 'cases/C1' }),
      ),
    ).toEqual({ basePath: '', path: '/workbench/cases/C1' });
  });

  it("is the mapping's path on a custom domain with a base path mapping (both paths carry it)", () => {
    expect(requestPaths(event('/refer', '/mash/refer', '/mash/refer'))).toEqual({
      basePath: '/mash',
      path: '/refer',
    });
    expect(
      requestPaths(
        event('/workbench/{path+}', '/mash/v1/workbench/cases/C1', '/mash/v1/workbench/cases/C1', {
          path: 'cases/C1',
        }),
      ),
    ).toEqual({ basePath: '/mash/v1', path: '/workbench/cases/C1' });
  });

  it('is what the local hub sends: none at the root, MASH_BASE_PATH under it', () => {
    expect(requestPaths(event('/board', '/board', '/board')).basePath).toBe('');
    expect(requestPaths(event('/board', '/board', '/prod/board')).basePath).toBe('/prod');
  });

  it('is nothing when the event is odd or the prefix is not plain path segments', () => {
    expect(requestPaths({ resource: '/refer', path: '/refer', pathParameters: null }).basePath).toBe('');
    expect(requestPaths(event('/refer', '/refer', '/other/path')).basePath).toBe('');
    expect(requestPaths(event('/refer', '/refer', '/p"><script>/refer')).basePath).toBe('');
    expect(requestPaths(event('/refer', '/refer', '/../refer')).basePath).toBe('');
    expect(requestPaths(event('/refer', '/refer', '//evil.example/refer')).basePath).toBe('');
    expect(requestPaths(event('/refer', '/x/refer/more', '/x/refer/more')).basePath).toBe('');
  });
});

describe('URLs under the base path', () => {
  it('prefixes root-relative URLs only', () => {
    expect(underBasePath('/prod', '/api/referrals/MASH-1/status')).toBe('/prod/api/referrals/MASH-1/status');
    expect(underBasePath('', '/refer')).toBe('/refer');
    expect(underBasePath('/prod', 'https://www.gov.uk/')).toBe('https://www.gov.uk/');
    expect(underBasePath('/prod', '//evil.example/')).toBe('//evil.example/');
    expect(underBasePath('/prod', '#main-content')).toBe('#main-content');
  });

  it('rewrites href, src, action and content attributes, leaving the local pages, fragments and other sites', () => {
    const html = [
      '<a href="/refer">',
      '<a href="#main-content">',
      '<a href="https://www.gov.uk/">',
      '<link rel="stylesheet" href="/assets/govuk-frontend.min.css?v=1">',
      '<script type="module" src="/assets/app/app.js"></script>',
      '<form method="post" action="/refer/person/new">',
      '<meta property="og:image" content="/assets/images/govuk-opengraph-image.png">',
      '<meta name="viewport" content="width=device-width">',
      '<a href="/_local/sign-in?next=%2Fprod%2Fworkbench">',
      '<p>You typed href=&quot;/x&quot;</p>',
    ].join('\n');
    expect(htmlUnderBasePath('/prod', html).split('\n')).toEqual([
      '<a href="/prod/refer">',
      '<a href="#main-content">',
      '<a href="https://www.gov.uk/">',
      '<link rel="stylesheet" href="/prod/assets/govuk-frontend.min.css?v=1">',
      '<script type="module" src="/prod/assets/app/app.js"></script>',
      '<form method="post" action="/prod/refer/person/new">',
      '<meta property="og:image" content="/prod/assets/images/govuk-opengraph-image.png">',
      '<meta name="viewport" content="width=device-width">',
      '<a href="/_local/sign-in?next=%2Fprod%2Fworkbench">',
      '<p>You typed href=&quot;/x&quot;</p>',
    ]);
  });

  it('scopes cookies to their path under the base path, and `/` to the base path itself', () => {
    expect(cookieUnderBasePath('/prod', 'mash_refer=abc; Path=/refer; HttpOnly; SameSite=Lax')).toBe(
      'mash_refer=abc; Path=/prod/refer; HttpOnly; SameSite=Lax',
    );
    expect(cookieUnderBasePath('/prod', 'a=b; Path=/; HttpOnly')).toBe('a=b; Path=/prod; HttpOnly');
  });

  it('leaves a response at the root alone, and puts Location, Set-Cookie and HTML under a base path', () => {
    const response: APIGatewayProxyResult = {
      statusCode: 303,
      headers: { Location: '/refer/confirmation', 'Set-Cookie': 'mash_refer=x; Path=/refer' },
      body: '',
    };
    expect(responseUnderBasePath('', response)).toBe(response);
    expect(responseUnderBasePath('/prod', response).headers).toEqual({
      Location: '/prod/refer/confirmation',
      'Set-Cookie': 'mash_refer=x; Path=/prod/refer',
    });
    const page = {
      statusCode: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: '<a href="/">',
    };
    expect(responseUnderBasePath('/prod', page).body).toBe('<a href="/prod/">');
    const css = { statusCode: 200, headers: { 'Content-Type': 'text/css' }, body: 'a{href="/x"}' };
    expect(responseUnderBasePath('/prod', css).body).toBe('a{href="/x"}');
  });
});
