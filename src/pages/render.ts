/**
 * The nunjucks environment, configured once per cold start: autoescape on (every value a person typed
 * is escaped wherever it is shown), templates from `views/` and govuk-frontend's folder.
 */
import nunjucks from 'nunjucks';
import { assetUrl } from './assets.ts';
import { pagePaths } from './paths.ts';
import type { FieldError } from './refer-form.ts';

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

export function pagesEnvironment(): nunjucks.Environment {
  if (environment) return environment;
  const paths = pagePaths();
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([paths.views, paths.govukParent]), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('multiline', (value: unknown) => new nunjucks.runtime.SafeString(multilineHtml(value)));
  env.addGlobal('assetUrl', assetUrl);
  env.addGlobal('serviceName', 'Safeguarding referrals');
  environment = env;
  return env;
}

/** A page's errors in the two shapes the GOV.UK macros take: the summary's list and one message per field. */
export function errorView(errors: FieldError[] = []) {
  const byField: Record<string, { text: string }> = {};
  const parts: Record<string, string[]> = {};
  for (const error of errors) {
    const group = error.field.replace(/-(day|month|year)$/, '');
    byField[group] ??= { text: error.message };
    if (error.dateParts) parts[group] = error.dateParts;
  }
  return {
    errorList: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
    errors: byField,
    dateErrorParts: parts,
  };
}

export function renderPage(template: string, context: Record<string, unknown>): string {
  return pagesEnvironment().render(template, context);
}
