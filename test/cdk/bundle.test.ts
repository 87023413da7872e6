/**
 * A real bundling synthesis: esbuild from node_modules, never Docker. Checks every bundle stays
 * small (cold starts) and that the pages bundles carry GOV.UK Frontend and their templates, precompiled.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import nunjucks from 'nunjucks';
import { afterAll, describe, expect, it } from 'vitest';
import { HubFunction } from '../../lib/hub-function.ts';
import { LogKey } from '../../lib/log-key.ts';
import { projectRoot } from '../../lib/mash-stack.ts';
import { PRECOMPILED_TEMPLATES_FILE } from '../../src/pages/shared/paths.ts';
import {
  BundledTemplates,
  configureEnvironment,
  ENVIRONMENT_OPTIONS,
} from '../../src/pages/shared/render.ts';
import { type FunctionName, functionNames, functions } from '../../src/resources.ts';
import { cdkContext } from './support.ts';

// Issue #6's budget for every function (coldStart.maxBundleKB in `npm run bench`). History, all measured
// here: intake 2,047 KB with date-holidays (moment-timezone, astronomia) at run time; 613 KB once the bank
// holidays were generated; 264 KB once zod was imported as a namespace (`import * as z`), which lets esbuild
// drop the 263 KB of locales that `import { z }` drags in; pages 798 KB -> 350 KB with that and the staff
// pages moved into a function of their own.
const MAX_BUNDLE_BYTES = 400 * 1024;
// esbuild takes well under a second per function; the margin is for two cores shared with other suites.
const TIMEOUT_MS = 60_000;
const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

/** Bundles one function as the stack does and returns its asset folder. */
function bundle(name: FunctionName) {
  const outdir = mkdtempSync(join(tmpdir(), 'mash-bundle-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: cdkContext });
  const stack = new Stack(app, 'BundleTest');
  new HubFunction(stack, 'Fn', {
    name,
    definition: functions[name],
    projectRoot,
    logKey: new LogKey(stack, 'LogKey'),
  });
  app.synth();
  const assets = readdirSync(outdir).filter((entry) => entry.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  return join(outdir, assets[0]!);
}

describe('bundling (esbuild, no Docker)', () => {
  it.each(functionNames)(
    `keeps the %s bundle under ${MAX_BUNDLE_BYTES / 1024} KB minified, with its source map`,
    (name) => {
      const asset = bundle(name);
      const size = statSync(join(asset, 'index.mjs')).size;
      expect(existsSync(join(asset, 'index.mjs.map'))).toBe(true);
      expect(size, `index.mjs is ${(size / 1024).toFixed(0)} KB`).toBeLessThan(MAX_BUNDLE_BYTES);
    },
    TIMEOUT_MS,
  );

  it.each(['pages', 'staff-pages'] as const)(
    'puts GOV.UK Frontend, our assets and the precompiled templates into the %s bundle',
    (name) => {
      const asset = bundle(name);
      expect(existsSync(join(asset, 'index.mjs'))).toBe(true);
      expect(existsSync(join(asset, 'govuk', 'govuk-frontend.min.css'))).toBe(true);
      expect(existsSync(join(asset, 'views', 'assets'))).toBe(true);
      // The templates as the function loads them on Lambda: rendered from templates.cjs, no parsing.
      const templates = createRequire(import.meta.url)(join(asset, PRECOMPILED_TEMPLATES_FILE));
      const env = configureEnvironment(
        new nunjucks.Environment(new BundledTemplates(templates), ENVIRONMENT_OPTIONS),
      );
      const html = env.render('start.njk', { cspNonce: 'nonce' });
      expect(html).toContain('govuk-template');
      expect(html).toContain('nonce="nonce"');
    },
    TIMEOUT_MS,
  );
});
