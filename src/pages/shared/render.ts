/**
 * The nunjucks environment, configured once per cold start: autoescape on (every value a person typed
 * is escaped wherever it is shown), templates from `views/` and govuk-frontend's folder. On Lambda the
 * templates come precompiled in the bundle (`templates.cjs`, see src/pages/shared/view-compiler.ts), so no
 * request ever parses one; locally they are read from disk, so an edited template shows at once.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';
import { assetUrl } from './assets.ts';
import { pagePaths } from './paths.ts';
import { resolveTemplateName } from './template-names.ts';

let environment: nunjucks.Environment | undefined;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** Text a person typed, escaped, with its line breaks kept: for summary list values built as HTML. */
export function multilineHtml(value: unknown): string {
  return escapeHtml(value).replace(/\r?\n/g, '<br>');
}

/** How the templates are parsed and rendered; view-compiler.ts precompiles with the same options. */
export const ENVIRONMENT_OPTIONS: nunjucks.ConfigureOptions = {
  autoescape: true,
  throwOnUndefined: false,
  trimBlocks: true,
  lstripBlocks: true,
};

function pagesEnvironment(): nunjucks.Environment {
  if (environment) return environment;
  const paths = pagePaths();
  const precompiled = paths.precompiledTemplates;
  const loader =
    precompiled && existsSync(precompiled)
      ? new BundledTemplates(createRequire(import.meta.url)(precompiled))
      : new nunjucks.FileSystemLoader([paths.views, paths.govukParent]);
  environment = configureEnvironment(new nunjucks.Environment(loader, ENVIRONMENT_OPTIONS));
  return environment;
}

/** The precompiled templates, with GOV.UK Frontend's relative names resolved against template names. */
export class BundledTemplates extends nunjucks.PrecompiledLoader {
  override resolve(from: string, to: string): string {
    return resolveTemplateName(from, to);
  }
}

/** The filters and globals every template may use, on whichever loader. */
export function configureEnvironment(env: nunjucks.Environment): nunjucks.Environment {
  env.addFilter('multiline', (value: unknown) => new nunjucks.runtime.SafeString(multilineHtml(value)));
  env.addGlobal('assetUrl', assetUrl);
  env.addGlobal('serviceName', 'Safeguarding referrals');
  return env;
}

export function renderPage(template: string, context: Record<string, unknown>): string {
  return pagesEnvironment().render(template, context);
}
