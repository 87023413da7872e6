/**
 * `node scripts/data-model-doc.ts` (`npm run docs:data-model`): rewrites the generated tables of
 * docs/data-model.md (the items with their keys, and the access patterns) from the key specification in
 * src/store/keys.ts and the index names in src/resources.ts. The prose around them is kept as written.
 *
 * test/unit/data-model-doc.test.ts fails while the document differs from what this script writes.
 * `--check` writes nothing and exits 1 when the document is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { caseTable } from '../src/resources.ts';
import {
  accessPatterns,
  caseIndexes,
  type EntitySpec,
  entities,
  type IndexKeys,
  shapeText,
} from '../src/store/keys.ts';

export const GENERATE_COMMAND = 'npm run docs:data-model';
export const DOCUMENT = fileURLToPath(new URL('../docs/data-model.md', import.meta.url));

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** `dueListPk=CASES`, once per attribute and value, with the state that carries them and any note. */
function indexAttributes(indexKeys: Record<string, IndexKeys> | undefined, note: string | undefined): string {
  if (!indexKeys) return note ? `none (${note})` : 'none';
  const specs = Object.values(indexKeys);
  const seen = new Set<string>();
  const groups = specs.map((spec) => {
    const index = caseIndexes[spec.index];
    const pairs = [
      [index.partitionKey.name, spec.pk],
      [index.sortKey.name, spec.sk],
    ] as const;
    const text = pairs
      .map(([attribute, shape]) => `\`${attribute}=${shapeText(shape).slice(1, -1)}\``)
      .filter((pair) => !seen.has(pair) && seen.add(pair))
      .join(', ');
    return `${spec.when ? `${spec.when}: ` : ''}${text}${spec.note ? ` (${spec.note})` : ''}`;
  });
  const joined = groups.join(specs.some((spec) => spec.when) ? '; ' : ', ');
  return note ? `${joined}; ${note}` : joined;
}

function itemsTable(): string {
  const { partitionKey, sortKey } = caseTable;
  const rows = Object.values(entities).map((entity) => {
    const spec: EntitySpec = entity;
    return `| ${[spec.item, shapeText(spec.pk), shapeText(spec.sk), indexAttributes(spec.indexKeys, spec.note)].map(cell).join(' | ')} |`;
  });
  return [
    `| item | ${partitionKey.name} | ${sortKey.name} | index attributes |`,
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function accessPatternsTable(): string {
  const rows = accessPatterns.map(
    (pattern, at) =>
      `| ${[String(at + 1), pattern.pattern, pattern.servedBy, pattern.usedBy.map((name) => `\`${name}\``).join(', ')].map(cell).join(' | ')} |`,
  );
  return ['| # | pattern | served by | store operation |', '|---|---|---|---|', ...rows].join('\n');
}

/** The generated sections by name, as they stand between their markers. */
export const SECTIONS: Record<string, () => string> = {
  items: itemsTable,
  'access-patterns': accessPatternsTable,
};

const begin = (name: string) =>
  `<!-- generated: ${name}. Edit src/store/keys.ts and run \`${GENERATE_COMMAND}\`, not this table. -->`;
const end = (name: string) => `<!-- end generated: ${name} -->`;

/** The document with every generated section rewritten; throws when a section's markers are missing. */
export function renderDocument(current: string): string {
  let text = current;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const from = text.indexOf(begin(name));
    const to = text.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`docs/data-model.md has no generated section "${name}"`);
    text = `${text.slice(0, from)}${begin(name)}\n${render()}\n${text.slice(to)}`;
  }
  return text;
}

function main(argv: readonly string[]): number {
  const current = readFileSync(DOCUMENT, 'utf8');
  const text = renderDocument(current);
  if (argv.includes('--check')) {
    if (current === text) return 0;
    console.error(`${DOCUMENT} is out of date: run \`${GENERATE_COMMAND}\``);
    return 1;
  }
  if (current === text) {
    console.log(`${DOCUMENT} is up to date`);
    return 0;
  }
  writeFileSync(DOCUMENT, text);
  console.log(`wrote ${DOCUMENT}`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
