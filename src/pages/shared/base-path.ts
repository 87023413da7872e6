/**
 * The pages are written as if served at a domain's root: templates and controllers say `/refer`,
 * `/assets/…`, `/workbench/cases/ID`. On API Gateway's stage URL the site lives under `/prod`, so every
 * response of a pages function passes through here once, on its way out, and every root-relative URL
 * it names is put under the request's base path (src/http/base-path.ts):
 *
 * - the `Location` of a redirect;
 * - the `Path` of every cookie it sets (a cookie for `/refer` becomes one for `/prod/refer`);
 * - in an HTML body, every `href`, `src`, `action`, `formaction` and `content` attribute value that
 *   starts with one `/`. Our templates autoescape what people type (`"` becomes `&quot;`), so text a
 *   person typed can never look like an attribute here.
 *
 * The local hub's own pages (`/_local/…`) stay at the root, outside any base path, as CONTRACT.md says.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { underBasePath } from '../../http/base-path.ts';

function isOutsideSite(url: string): boolean {
  return url === '/_local' || url.startsWith('/_local/') || url.startsWith('/_local?');
}

/** A root-relative URL a page emits, under the base path (the local hub's pages excepted). */
function siteUrl(basePath: string, url: string): string {
  return isOutsideSite(url) ? url : underBasePath(basePath, url);
}

const URL_ATTRIBUTE = /(\s(?:href|src|action|formaction|content)=")(\/[^"]*)"/g;

export function htmlUnderBasePath(basePath: string, html: string): string {
  return html.replace(URL_ATTRIBUTE, (_match, attribute: string, url: string) => {
    return `${attribute}${siteUrl(basePath, url)}"`;
  });
}

export function cookieUnderBasePath(basePath: string, cookie: string): string {
  return cookie.replace(/(;\s*Path=)([^;]*)/i, (_match, attribute: string, path: string) =>
    path.startsWith('/') ? `${attribute}${path === '/' ? basePath : underBasePath(basePath, path)}` : _match,
  );
}

function isHtml(headers: APIGatewayProxyResult['headers']): boolean {
  const type = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  return typeof type === 'string' && type.toLowerCase().startsWith('text/html');
}

/** The response with every URL it names under `basePath`; unchanged at the root. */
export function responseUnderBasePath(
  basePath: string,
  response: APIGatewayProxyResult,
): APIGatewayProxyResult {
  if (!basePath) return response;
  const headers = { ...(response.headers ?? {}) };
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') continue;
    if (name.toLowerCase() === 'location') headers[name] = siteUrl(basePath, value);
    if (name.toLowerCase() === 'set-cookie') headers[name] = cookieUnderBasePath(basePath, value);
  }
  const multiValueHeaders = response.multiValueHeaders && { ...response.multiValueHeaders };
  for (const [name, values] of Object.entries(multiValueHeaders ?? {})) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    multiValueHeaders![name] = values.map((value) =>
      typeof value === 'string' ? cookieUnderBasePath(basePath, value) : value,
    );
  }
  const body =
    !response.isBase64Encoded && isHtml(response.headers)
      ? htmlUnderBasePath(basePath, response.body)
      : response.body;
  return { ...response, headers, ...(multiValueHeaders ? { multiValueHeaders } : {}), body };
}
