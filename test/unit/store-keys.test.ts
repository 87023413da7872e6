/**
 * The key specification (src/store/keys.ts): composers give the keys docs/data-model.md promises
 * (written out by hand here), every key parses back to what it was composed from, the bounds the
 * queries use sort where they must, and no key of one kind of item can be read as another's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InformationProduct, InformationRequest } from '../../src/domain/case.ts';
import { caseTable } from '../../src/resources.ts';
import {
  allCasesPk,
  auditOf,
  caseIndexes,
  caseIndexKeys,
  entities,
  inboxShelfPk,
  type KeyShape,
  keyShape,
  keys,
  openCasesPk,
  overdueBefore,
  productInboxKeys,
  receiptMonthPk,
  requestInboxKeys,
  STORAGE_ATTRIBUTES,
  sightingsFrom,
  statusPk,
  undeliveredPk,
} from '../../src/store/keys.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A field value as the hub makes them: anything but '#', the separator. */
const fieldValue = fc.string({ minLength: 1, maxLength: 40 }).filter((value) => !value.includes('#'));
const instant = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Every shape of the specification, with where it is used. */
function everyShape(): Array<[string, KeyShape]> {
  const shapes: Array<[string, KeyShape]> = [];
  for (const [name, entity] of Object.entries(entities)) {
    shapes.push([`${name}.pk`, entity.pk], [`${name}.sk`, entity.sk]);
    for (const [state, index] of Object.entries('indexKeys' in entity ? entity.indexKeys : {}))
      shapes.push([`${name}.${state}.pk`, index.pk], [`${name}.${state}.sk`, index.sk]);
  }
  return shapes;
}

function valuesFor(shape: KeyShape) {
  return fc.record(
    Object.fromEntries(shape.fields.map((field) => [field, fieldValue])) as Record<
      string,
      fc.Arbitrary<string>
    >,
  );
}

describe('key shapes', () => {
  it('parse back every key they compose, for every shape of the specification', () => {
    for (const [name, shape] of everyShape()) {
      fc.assert(
        fc.property(valuesFor(shape), (values) => {
          const key = (shape.compose as (values: Record<string, string>) => string)(values);
          expect(shape.parse(key), `${name}: ${key}`).toEqual(values);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('refuse keys of another shape', () => {
    const casePk = keyShape('CASE#{caseId}');
    expect(casePk.parse('CASE#abc')).toEqual({ caseId: 'abc' });
    expect(casePk.parse('REF#abc')).toBeUndefined();
    expect(casePk.parse('CASE#a#b')).toBeUndefined();
    expect(keyShape('CASE').parse('CASES')).toBeUndefined();
  });

  it('compose a prefix up to the first field not given', () => {
    const sk = keyShape('AUDIT#{at}#{uuid}');
    expect(sk.prefix({})).toBe('AUDIT#');
    expect(sk.prefix({ at: '2026-01-01T00:00:00.000Z' })).toBe('AUDIT#2026-01-01T00:00:00.000Z#');
    expect(sk.prefix({ at: 'a', uuid: 'b' })).toBe('AUDIT#a#b');
  });

  it('refuse a template whose fields cannot be told apart, and a missing value', () => {
    expect(() => keyShape('{a}{b}')).toThrow(/separator/);
    const shape = keyShape('X#{a}');
    expect(() => (shape.compose as (values: object) => string)({})).toThrow(/no value for a/);
  });

  it('read no key of one kind of item as a key of another kind', () => {
    const tableKeys = Object.entries(entities).map(([name, entity]) => ({
      name,
      pk: entity.pk,
      sk: entity.sk,
    }));
    for (const a of tableKeys) {
      const values = Object.fromEntries([...a.pk.fields, ...a.sk.fields].map((field) => [field, 'x']));
      const pk = (a.pk.compose as (values: object) => string)(values);
      const sk = (a.sk.compose as (values: object) => string)(values);
      for (const b of tableKeys) {
        if (b.name === a.name) continue;
        expect(Boolean(b.pk.parse(pk) && b.sk.parse(sk)), `${a.name} read as ${b.name}`).toBe(false);
      }
    }
  });
});

describe('table keys', () => {
  it('are the ones docs/data-model.md lists', () => {
    expect(keys.case('c1')).toEqual({ pk: 'CASE#c1', sk: 'CASE' });
    expect(keys.reference('MASH-7K3Q-9XBD')).toEqual({ pk: 'REF#MASH-7K3Q-9XBD', sk: 'REF' });
    expect(
      keys.sighting({ identityKey: 'idk', receivedAt: '2026-03-02T10:00:00.000Z', caseId: 'c1' }),
    ).toEqual({ pk: 'SUBJECT#idk', sk: 'RECEIVED#2026-03-02T10:00:00.000Z#c1' });
    expect(keys.request('r1')).toEqual({ pk: 'REQUEST#r1', sk: 'REQUEST' });
    expect(keys.product('p1')).toEqual({ pk: 'PRODUCT#p1', sk: 'PRODUCT' });
  });

  it('keep audit records and feedback of the same instant apart', () => {
    const at = '2026-03-02T10:00:00.000Z';
    const first = keys.audit({ caseId: 'c1', at });
    const second = keys.audit({ caseId: 'c1', at });
    expect(first.pk).toBe('CASE#c1');
    expect(first.sk).not.toBe(second.sk);
    expect(entities.audit.sk.parse(first.sk)).toEqual({ at, uuid: expect.stringMatching(UUID) });
    const feedback = keys.feedback('c1', at);
    expect(feedback.pk).toBe('CASE#c1');
    expect(entities.feedback.sk.parse(feedback.sk)).toEqual({ at, uuid: expect.stringMatching(UUID) });
    expect(first.sk.startsWith(auditOf('c1').skPrefix)).toBe(true);
    expect(feedback.sk.startsWith(auditOf('c1').skPrefix)).toBe(false);
    expect(auditOf('c1').pk).toBe('CASE#c1');
  });

  it('key a draft by the SHA-256 of its session id, never the id itself', () => {
    // sha256('session-1'), computed independently with `printf session-1 | sha256sum`.
    expect(keys.draft('session-1')).toEqual({
      pk: 'DRAFT#84097828fc31a8c8d29210df48901a85de7fd013f686b17be77d1be29cb7a98b',
      sk: 'DRAFT',
    });
  });

  it('use the attribute names of src/resources.ts', () => {
    expect(Object.keys(keys.case('c1'))).toEqual([caseTable.partitionKey.name, caseTable.sortKey.name]);
  });
});

describe('index keys', () => {
  const record = {
    id: 'c1',
    status: 'triaged' as const,
    decisionDueAt: '2026-03-03T10:00:00.000Z',
    receivedAt: '2026-03-31T23:30:00.000Z',
  };

  it('place an undecided case in every queue index and its UTC receipt month', () => {
    expect(caseIndexKeys(record)).toEqual({
      dueListPk: 'CASES',
      dueListSk: '2026-03-03T10:00:00.000Z#c1',
      statusPk: 'STATUS#triaged',
      openPk: 'OPEN',
      receiptMonthPk: 'RECEIVED#2026-03',
      receiptSk: '2026-03-31T23:30:00.000Z#c1',
    });
  });

  it('take a decided case out of the sparse overdue index', () => {
    const keysOfDecided = caseIndexKeys({ ...record, status: 'decided' });
    expect(keysOfDecided).not.toHaveProperty('openPk');
    expect(keysOfDecided.statusPk).toBe('STATUS#decided');
  });

  it('name the partitions the queue listings read', () => {
    expect([allCasesPk(), statusPk('ready'), openCasesPk()]).toEqual(['CASES', 'STATUS#ready', 'OPEN']);
    expect(receiptMonthPk('2026-11-05T00:00:00.000Z')).toBe('RECEIVED#2026-11');
    expect(receiptMonthPk('2026-11')).toBe('RECEIVED#2026-11');
  });

  it('bound overdue cases: a case is below the bound exactly when it is due at or before now', () => {
    fc.assert(
      fc.property(instant, instant, fc.uuid(), (due, now, id) => {
        const sk = caseIndexKeys({ ...record, id, decisionDueAt: due }).dueListSk!;
        expect(sk < overdueBefore(now)).toBe(due <= now);
      }),
    );
  });

  it('bound sightings: a sighting is at or above the bound exactly when received at or after it', () => {
    fc.assert(
      fc.property(instant, instant, fc.uuid(), (receivedAt, from, caseId) => {
        const range = sightingsFrom('idk', from);
        const key = keys.sighting({ identityKey: 'idk', receivedAt, caseId });
        expect(key.pk).toBe(range.pk);
        expect(key.sk >= range.skFrom).toBe(receivedAt >= from);
      }),
    );
  });

  const request = {
    id: 'r1',
    agency: 'police',
    issuedAt: '2026-03-02T10:00:00.000Z',
    dueAt: '2026-03-04T10:00:00.000Z',
  } as InformationRequest;

  it('move a request from undelivered to its agency open shelf, then to the answered shelf', () => {
    expect(requestInboxKeys(request)).toEqual({
      inboxPk: 'UNDELIVERED#REQUEST',
      inboxSk: '2026-03-02T10:00:00.000Z#r1',
    });
    const delivered = { ...request, deliveredAt: '2026-03-02T10:00:01.000Z' };
    expect(requestInboxKeys(delivered)).toEqual({
      inboxPk: 'REQUESTS#police',
      inboxSk: '2026-03-04T10:00:00.000Z#r1',
    });
    const answered = {
      ...delivered,
      answer: { answeredAt: '2026-03-03T09:00:00.000Z' },
    } as InformationRequest;
    expect(requestInboxKeys(answered)).toEqual({
      inboxPk: 'ANSWERED#police',
      inboxSk: '2026-03-03T09:00:00.000Z#r1',
    });
    expect(inboxShelfPk('open', 'police')).toBe('REQUESTS#police');
    expect(inboxShelfPk('answered', 'police')).toBe('ANSWERED#police');
    expect(undeliveredPk('request')).toBe('UNDELIVERED#REQUEST');
  });

  it('move a product from undelivered to its agency products shelf', () => {
    const product = {
      id: 'p1',
      recipientAgency: 'health',
      sentAt: '2026-03-05T10:00:00.000Z',
    } as InformationProduct;
    expect(productInboxKeys(product)).toEqual({
      inboxPk: 'UNDELIVERED#PRODUCT',
      inboxSk: '2026-03-05T10:00:00.000Z#p1',
    });
    expect(productInboxKeys({ ...product, deliveredAt: '2026-03-05T10:00:01.000Z' })).toEqual({
      inboxPk: 'PRODUCTS#health',
      inboxSk: '2026-03-05T10:00:00.000Z#p1',
    });
    expect(inboxShelfPk('products', 'health')).toBe('PRODUCTS#health');
    expect(undeliveredPk('product')).toBe('UNDELIVERED#PRODUCT');
  });

  it('reach every index of src/resources.ts by name, and strip every key attribute on read', () => {
    expect(Object.keys(caseIndexes).sort()).toEqual(caseTable.indexes.map((index) => index.indexName).sort());
    for (const index of caseTable.indexes) {
      expect(caseIndexes[index.indexName as keyof typeof caseIndexes]).toBe(index);
      expect(STORAGE_ATTRIBUTES).toEqual(
        expect.arrayContaining([index.partitionKey.name, index.sortKey.name]),
      );
    }
    expect(STORAGE_ATTRIBUTES).toEqual(
      expect.arrayContaining([
        caseTable.partitionKey.name,
        caseTable.sortKey.name,
        caseTable.timeToLiveAttribute,
      ]),
    );
  });
});
