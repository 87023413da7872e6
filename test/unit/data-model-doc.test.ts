/**
 * docs/data-model.md cannot drift from the key specification: its item and access-pattern tables are
 * what scripts/data-model-doc.ts renders from src/store/keys.ts, and every store operation is written
 * down as serving an access pattern.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT, GENERATE_COMMAND, renderDocument, SECTIONS } from '../../scripts/data-model-doc.ts';
import { dynamoDraftStore } from '../../src/store/draft-store.ts';
import { DynamoCaseStore } from '../../src/store/dynamo-case-store.ts';
import { accessPatterns } from '../../src/store/keys.ts';

describe('docs/data-model.md', () => {
  it('holds the tables the key specification gives', () => {
    const current = readFileSync(DOCUMENT, 'utf8');
    expect(current, `docs/data-model.md is stale: run \`${GENERATE_COMMAND}\``).toBe(renderDocument(current));
  });

  it('keeps the prose around the generated tables', () => {
    const current = readFileSync(DOCUMENT, 'utf8');
    expect(Object.keys(SECTIONS)).toEqual(['items', 'access-patterns']);
    expect(current).toContain('Delivery is an outbox');
    expect(() => renderDocument('# no generated sections')).toThrow(/no generated section "items"/);
  });

  it('lists an access pattern for every operation of the case store and the draft store, and no other', () => {
    const operations = [
      ...Object.getOwnPropertyNames(DynamoCaseStore.prototype)
        .filter((name) => name !== 'constructor')
        .map((name) => `CaseStore.${name}`),
      ...Object.keys(dynamoDraftStore()).map((name) => `DraftStore.${name}`),
    ].sort();
    const written = [...new Set(accessPatterns.flatMap((pattern) => pattern.usedBy))].sort();
    expect(written).toEqual(operations);
  });
});
