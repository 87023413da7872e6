/**
 * On Lambda the pages render from templates precompiled into the bundle (scripts/precompile-views.ts,
 * src/pages/shared/view-compiler.ts); locally and in every other test they are read from disk. Both ways must
 * give the same HTML for every page template, GOV.UK Frontend's relative imports included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { afterAll, describe, expect, it } from 'vitest';
import { pagePaths } from '../../src/pages/shared/paths.ts';
import {
  BundledTemplates,
  configureEnvironment,
  ENVIRONMENT_OPTIONS,
} from '../../src/pages/shared/render.ts';
import { precompileViews, viewTemplates } from '../../src/pages/shared/view-compiler.ts';

const paths = pagePaths({});
const dir = mkdtempSync(join(tmpdir(), 'mash-views-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'templates.cjs');
writeFileSync(file, precompileViews(paths.views, paths.govuk));
const bundled = configureEnvironment(
  new nunjucks.Environment(new BundledTemplates(createRequire(import.meta.url)(file)), ENVIRONMENT_OPTIONS),
);
const fromDisk = configureEnvironment(
  new nunjucks.Environment(
    new nunjucks.FileSystemLoader([paths.views, paths.govukParent]),
    ENVIRONMENT_OPTIONS,
  ),
);

/** Enough for every page to render its main paths: a title, a nonce, errors, a list with one row. */
const CONTEXT = {
  title: 'A page <title>',
  cspNonce: 'nonce-123',
  errorList: [{ text: 'Enter a name', href: '#name' }],
  errors: { name: { text: 'Enter a name' } },
  values: { name: 'Ann <b>Example</b>' },
  staff: { name: 'mash-1', roleLabel: 'MASH practitioner', signOutHref: '/_local/sign-in' },
  open: [{ id: '00000000-0000-4000-8000-000000000000', caseReference: 'MASH-AAAA-BBBB', dueText: 'soon' }],
  products: [],
  firstPage: true,
  kase: {
    id: '00000000-0000-4000-8000-000000000001',
    reReferral: true,
    reReferralOf: ['MASH-CCCC-DDDD'],
    referral: {
      concern: { summary: 'Bruising', details: 'Seen at school\non Monday' },
      consent: { parentsAware: true, consentGiven: false, reasonIfNot: 'Risk of harm' },
      referrer: { name: 'Teacher', role: 'Teacher', organisation: 'School', email: 't@example.org' },
    },
  },
  subjects: [],
  requests: [],
  ratings: [],
  categories: ['Physical abuse', 'Neglect'],
};

function render(env: nunjucks.Environment, name: string): string {
  try {
    return env.render(name, CONTEXT);
  } catch (error) {
    return `ERROR ${(error as Error).message.replace(/\(.*?\)/g, '').trim()}`;
  }
}

const pages = viewTemplates(paths.views, paths.govuk)
  .map((template) => template.name)
  .filter((name) => !name.startsWith('govuk/') && !/(^|\/)macros\.njk$/.test(name));

describe('precompiled templates', () => {
  it('include every page template and the GOV.UK templates they reach, and no others', () => {
    const names = viewTemplates(paths.views, paths.govuk).map((template) => template.name);
    expect(pages.length).toBeGreaterThan(25);
    expect(names).toContain('govuk/template.njk');
    expect(names).toContain('govuk/components/button/template.njk');
    expect(names).toContain('govuk/macros/attributes.njk');
    // No page of ours uses the GOV.UK file upload component.
    expect(names).not.toContain('govuk/components/file-upload/macro.njk');
  });

  it.each(pages)('render %s exactly as the templates on disk do', (name) => {
    const html = render(bundled, name);
    expect(html).toBe(render(fromDisk, name));
    expect(html.startsWith('ERROR'), html.slice(0, 300)).toBe(false);
  });
});
