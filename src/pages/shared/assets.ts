/**
 * Static files under /assets: GOV.UK Frontend's compiled CSS and JS, its fonts and images, and our own
 * small stylesheet and script (views/assets). Only names on the allow-list of folders and extensions
 * are served, and a resolved path must stay inside its folder: `..`, encoded slashes and absolute paths
 * never reach the file system. Files are read once per cold start.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { type PageRequest, securityHeaders } from './http.ts';
import { pagePaths } from './paths.ts';

const CONTENT_TYPES: Record<string, { type: string; binary: boolean }> = {
  css: { type: 'text/css; charset=utf-8', binary: false },
  js: { type: 'text/javascript; charset=utf-8', binary: false },
  mjs: { type: 'text/javascript; charset=utf-8', binary: false },
  map: { type: 'application/json; charset=utf-8', binary: false },
  json: { type: 'application/manifest+json; charset=utf-8', binary: false },
  // Binary like every image/* type: API Gateway's binaryMediaTypes lists image/* and font/*.
  svg: { type: 'image/svg+xml', binary: true },
  png: { type: 'image/png', binary: true },
  ico: { type: 'image/x-icon', binary: true },
  woff: { type: 'font/woff', binary: true },
  woff2: { type: 'font/woff2', binary: true },
};

interface AssetRoot {
  folder: () => string;
  /** The names allowed directly under this root (a leading folder, or a file name). */
  allows: (segments: string[]) => boolean;
}

/** `/assets/<path>` → where the file lives. First match wins. */
const ROOTS: Array<{ prefix: string; root: AssetRoot }> = [
  { prefix: 'app/', root: { folder: () => pagePaths().appAssets, allows: (s) => s.length === 1 } },
  {
    prefix: 'fonts/',
    root: { folder: () => join(pagePaths().govuk, 'assets', 'fonts'), allows: (s) => s.length === 1 },
  },
  {
    prefix: 'images/',
    root: { folder: () => join(pagePaths().govuk, 'assets', 'images'), allows: (s) => s.length === 1 },
  },
  {
    prefix: '',
    root: {
      folder: () => pagePaths().govuk,
      allows: (s) => s.length === 1 && /^govuk-frontend\.min\.(css|js)(\.map)?$/.test(s[0]!),
    },
  },
  {
    prefix: '',
    root: {
      folder: () => join(pagePaths().govuk, 'assets'),
      allows: (s) => s.length === 1 && s[0] === 'manifest.json',
    },
  },
];

export interface Asset {
  body: Buffer;
  contentType: string;
  binary: boolean;
  /** Short content hash, for cache-busting URLs. */
  version: string;
}

/** Only files that exist are remembered, so requests for made-up names cannot grow it. */
const cache = new Map<string, Asset>();

/** A safe asset path: plain names separated by single slashes, no dot-segments, a known extension. */
export function isSafeAssetPath(assetPath: string): boolean {
  if (assetPath.length === 0 || assetPath.length > 200) return false;
  const segments = assetPath.split('/');
  return segments.every((segment) => /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/.test(segment));
}

/** The file behind `/assets/<assetPath>`, or undefined when it is not one we serve. */
export function findAsset(assetPath: string): Asset | undefined {
  const cached = cache.get(assetPath);
  if (cached) return cached;
  const asset = loadAsset(assetPath);
  if (asset) cache.set(assetPath, asset);
  return asset;
}

function loadAsset(assetPath: string): Asset | undefined {
  if (!isSafeAssetPath(assetPath)) return undefined;
  const extension = assetPath.slice(assetPath.lastIndexOf('.') + 1).toLowerCase();
  const kind = Object.hasOwn(CONTENT_TYPES, extension) ? CONTENT_TYPES[extension] : undefined;
  if (!kind) return undefined;
  for (const { prefix, root } of ROOTS) {
    if (!assetPath.startsWith(prefix)) continue;
    const rest = assetPath.slice(prefix.length);
    const segments = rest.split('/');
    if (!root.allows(segments)) continue;
    const folder = resolve(root.folder());
    const file = resolve(folder, ...segments);
    const inside = relative(folder, file);
    if (inside.startsWith('..') || inside.includes(`..${sep}`) || resolve(folder, inside) !== file)
      return undefined;
    try {
      const body = relativeAssetUrls(extension, readFileSync(file));
      return {
        body,
        contentType: kind.type,
        binary: kind.binary,
        version: createHash('sha256').update(body).digest('hex').slice(0, 12),
      };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * GOV.UK Frontend's stylesheet names its fonts and images from the root (`url(/assets/fonts/…)`); made
 * relative to the stylesheet (`url(fonts/…)`, which is served from `/assets/` too) they load under any
 * base path (src/pages/shared/base-path.ts), the stage URL's `/prod/assets/fonts/…` included.
 */
function relativeAssetUrls(extension: string, body: Buffer): Buffer {
  if (extension !== 'css') return body;
  return Buffer.from(body.toString('utf8').replaceAll('url(/assets/', 'url('), 'utf8');
}

/** `/assets/<path>?v=<hash>`: the hash changes when the file does, so the year-long cache is safe. */
export function assetUrl(assetPath: string): string {
  const asset = findAsset(assetPath);
  return asset ? `/assets/${assetPath}?v=${asset.version}` : `/assets/${assetPath}`;
}

function assetResponse(
  assetPath: string,
  securityHeaders: Record<string, string>,
): APIGatewayProxyResult | undefined {
  const asset = findAsset(assetPath);
  if (!asset) return undefined;
  return {
    statusCode: 200,
    headers: {
      ...securityHeaders,
      'Content-Type': asset.contentType,
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${asset.version}"`,
    },
    body: asset.binary ? asset.body.toString('base64') : asset.body.toString('utf8'),
    isBase64Encoded: asset.binary,
  };
}

/** The `/assets/{path+}` controller: the file, or a plain-text 404 (never an HTML page for a missing file). */
export function assetPage(request: PageRequest): APIGatewayProxyResult {
  const headers = securityHeaders(request.cspNonce);
  return (
    assetResponse(request.pathParameters.path ?? '', headers) ?? {
      statusCode: 404,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      body: 'Not found',
    }
  );
}
