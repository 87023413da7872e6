/**
 * How a template names another. GOV.UK Frontend's templates import and include by relative path
 * (`./template.njk`, `../../macros/attributes.njk`); nunjucks' base loader resolves those against the
 * file system, which precompiled templates do not live in. Here they resolve against the naming
 * template's own name: `govuk/components/button/macro.njk` + `./template.njk` →
 * `govuk/components/button/template.njk`.
 */
import { posix } from 'node:path';

function isRelativeTemplateName(name: string): boolean {
  return name.startsWith('./') || name.startsWith('../');
}

export function resolveTemplateName(from: string, to: string): string {
  return posix.normalize(posix.join(posix.dirname(from), to));
}

/** The templates a template's source names in `extends`, `include`, `import` and `from`. */
export function referencedTemplates(name: string, source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']/g)) {
    const target = match[1]!;
    found.push(isRelativeTemplateName(target) ? resolveTemplateName(name, target) : target);
  }
  return found;
}
