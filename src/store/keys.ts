/**
 * The case table's key specification, ElectroDB-style: every partition and sort key value, every index
 * key value and every key prefix the hub writes or queries is composed here from one template, and
 * nowhere else. Table, attribute and index names come from `caseTable` in src/resources.ts (reached
 * through `caseIndexes`, never retyped). The item and access-pattern tables of docs/data-model.md are
 * generated from `entities` and `accessPatterns` below (`npm run docs:data-model`), and
 * test/unit/data-model-doc.test.ts fails when the document and this file disagree.
 *
 * A template is literal text with `{field}` placeholders: `CASE#{caseId}`. Field values never contain
 * `#` (UUIDs, references, ISO instants, codes, hex or base64url hashes), so a key parses back.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AuditRecord, CaseRecord, InformationProduct, InformationRequest } from '../domain/case.ts';
import type { Agency, CaseStatus } from '../domain/codes.ts';
import { caseTable } from '../resources.ts';
import type { CaseStore, DeliveryKind, InboxShelf, SubjectSighting } from './case-store.ts';
import type { DraftStore } from './draft-store.ts';

// ---------------------------------------------------------------------------------------------------
// Indexes, by name, as src/resources.ts defines them.

type CaseIndexDefinition = (typeof caseTable.indexes)[number];
type CaseIndexName = CaseIndexDefinition['indexName'];
/** The case table's indexes by name: `caseIndexes.byDue.partitionKey.name` is `dueListPk`. */
export const caseIndexes = Object.fromEntries(caseTable.indexes.map((index) => [index.indexName, index])) as {
  readonly [I in CaseIndexDefinition as I['indexName']]: I;
};

// ---------------------------------------------------------------------------------------------------
// Key shapes.

type FieldsOf<T extends string> = T extends `${string}{${infer Field}}${infer Rest}`
  ? Field | FieldsOf<Rest>
  : never;
/** The values a template needs, by field name. */
type KeyValues<T extends string> = { readonly [F in FieldsOf<T>]: string };

export interface KeyShape<T extends string = string> {
  readonly template: T;
  readonly fields: readonly string[];
  compose(...values: [FieldsOf<T>] extends [never] ? [] : [KeyValues<T>]): string;
  /** The values a key was composed from, or undefined when the key does not have this shape. */
  parse(key: string): KeyValues<T> | undefined;
  /** The key up to the first field not given (for `begins_with` and range bounds): `AUDIT#`. */
  prefix(values: Partial<KeyValues<T>>): string;
}

type Segment = { literal: string } | { field: string };

export function keyShape<const T extends string>(template: T): KeyShape<T> {
  const segments: Segment[] = template
    .split(/(\{[^}]+\})/)
    .filter((part) => part !== '')
    .map((part) => (part.startsWith('{') ? { field: part.slice(1, -1) } : { literal: part }));
  segments.forEach((segment, at) => {
    if ('field' in segment && segments[at + 1] && 'field' in segments[at + 1]!)
      throw new Error(`key template ${template}: two fields need a separator between them`);
  });
  const fields = segments.flatMap((segment) => ('field' in segment ? [segment.field] : []));
  const pattern = new RegExp(
    `^${segments
      .map((segment) =>
        'field' in segment ? '([^#]*)' : segment.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
  );
  const build = (values: Record<string, string | undefined>, stopAtMissing: boolean): string => {
    let key = '';
    for (const segment of segments) {
      if ('literal' in segment) key += segment.literal;
      else {
        const value = values[segment.field];
        if (value === undefined) {
          if (stopAtMissing) return key;
          throw new Error(`key template ${template}: no value for ${segment.field}`);
        }
        key += value;
      }
    }
    return key;
  };
  return {
    template,
    fields,
    compose: (...values) => build((values[0] ?? {}) as Record<string, string>, false),
    parse(key) {
      const match = pattern.exec(key);
      if (!match) return undefined;
      return Object.fromEntries(fields.map((field, at) => [field, match[at + 1]!])) as KeyValues<T>;
    },
    prefix: (values) => build(values as Record<string, string | undefined>, true),
  };
}

// ---------------------------------------------------------------------------------------------------
// The specification: each kind of item with its table key and the index keys it carries.

export interface IndexKeys {
  index: CaseIndexName;
  pk: KeyShape;
  sk: KeyShape;
  /** The item's state while it carries these index keys, when they change with it. */
  when?: string;
  /** Said in the document after the keys. */
  note?: string;
}
export interface EntitySpec {
  /** The item's name in docs/data-model.md; its `type` attribute is the entity's name. */
  item: string;
  pk: KeyShape;
  sk: KeyShape;
  indexKeys?: Record<string, IndexKeys>;
  /** Said in the document beside the keys. */
  note?: string;
}

const casePk = keyShape('CASE#{caseId}');
const dueListSk = keyShape('{decisionDueAt}#{caseId}');

export const entities = {
  case: {
    item: 'case',
    pk: casePk,
    sk: keyShape('CASE'),
    indexKeys: {
      byDue: { index: 'byDue', pk: keyShape('CASES'), sk: dueListSk },
      byStatus: { index: 'byStatus', pk: keyShape('STATUS#{status}'), sk: dueListSk },
      openByDue: { index: 'openByDue', pk: keyShape('OPEN'), sk: dueListSk, note: 'removed on decision' },
      byReceiptMonth: {
        index: 'byReceiptMonth',
        pk: keyShape('RECEIVED#{month}'),
        sk: keyShape('{receivedAt}#{caseId}'),
        note: '`month`: the UTC `yyyy-mm` of receipt',
      },
    },
  },
  audit: { item: 'audit record', pk: casePk, sk: keyShape('AUDIT#{at}#{uuid}') },
  reference: {
    item: 'reference lookup',
    pk: keyShape('REF#{reference}'),
    sk: keyShape('REF'),
    note: 'its conditional put makes references unique; it carries the case id and the receipt token hash',
  },
  sighting: {
    item: 'subject sighting',
    pk: keyShape('SUBJECT#{identityKey}'),
    sk: keyShape('RECEIVED#{receivedAt}#{caseId}'),
  },
  feedback: { item: 'feedback', pk: casePk, sk: keyShape('FEEDBACK#{at}#{uuid}') },
  draft: {
    item: 'form draft',
    pk: keyShape('DRAFT#{sessionHash}'),
    sk: keyShape('DRAFT'),
    note: `\`sessionHash\`: SHA-256 of the session id; \`${caseTable.timeToLiveAttribute}\` is the TTL, also checked on read, as DynamoDB Local never expires items`,
  },
  request: {
    item: 'information request',
    pk: keyShape('REQUEST#{requestId}'),
    sk: keyShape('REQUEST'),
    indexKeys: {
      undelivered: {
        index: 'byInbox',
        pk: keyShape('UNDELIVERED#REQUEST'),
        sk: keyShape('{issuedAt}#{requestId}'),
        when: 'undelivered',
      },
      open: {
        index: 'byInbox',
        pk: keyShape('REQUESTS#{agency}'),
        sk: keyShape('{dueAt}#{requestId}'),
        when: 'delivered and open',
      },
      answered: {
        index: 'byInbox',
        pk: keyShape('ANSWERED#{agency}'),
        sk: keyShape('{answeredAt}#{requestId}'),
        when: 'answered (the answer moves it)',
      },
    },
  },
  product: {
    item: 'information product',
    pk: keyShape('PRODUCT#{productId}'),
    sk: keyShape('PRODUCT'),
    indexKeys: {
      undelivered: {
        index: 'byInbox',
        pk: keyShape('UNDELIVERED#PRODUCT'),
        sk: keyShape('{sentAt}#{productId}'),
        when: 'undelivered',
      },
      delivered: {
        index: 'byInbox',
        pk: keyShape('PRODUCTS#{agency}'),
        sk: keyShape('{sentAt}#{productId}'),
        when: 'delivered',
      },
    },
  },
} as const satisfies Record<string, EntitySpec>;

// ---------------------------------------------------------------------------------------------------
// Composers: what the store, the draft store, the bench and the seed scripts call.

type TableKey = Record<
  (typeof caseTable)['partitionKey']['name'] | (typeof caseTable)['sortKey']['name'],
  string
>;
type IndexKeyAttributes = Record<string, string>;

function tableKey(pk: string, sk: string): TableKey {
  return { [caseTable.partitionKey.name]: pk, [caseTable.sortKey.name]: sk } as TableKey;
}

function indexKey(keys: IndexKeys, pk: string, sk: string): IndexKeyAttributes {
  const index = caseIndexes[keys.index];
  return { [index.partitionKey.name]: pk, [index.sortKey.name]: sk };
}

/** The table key (`pk`, `sk`) of each kind of item. */
export const keys = {
  case: (caseId: string) => tableKey(entities.case.pk.compose({ caseId }), entities.case.sk.compose()),
  reference: (reference: string) =>
    tableKey(entities.reference.pk.compose({ reference }), entities.reference.sk.compose()),
  sighting: (sighting: Pick<SubjectSighting, 'identityKey' | 'receivedAt' | 'caseId'>) =>
    tableKey(
      entities.sighting.pk.compose({ identityKey: sighting.identityKey }),
      entities.sighting.sk.compose({ receivedAt: sighting.receivedAt, caseId: sighting.caseId }),
    ),
  /** A new audit record's key: records of the same instant are kept apart by a random suffix. */
  audit: (record: Pick<AuditRecord, 'caseId' | 'at'>) =>
    tableKey(
      entities.audit.pk.compose({ caseId: record.caseId }),
      entities.audit.sk.compose({ at: record.at, uuid: randomUUID() }),
    ),
  feedback: (caseId: string, at: string) =>
    tableKey(
      entities.feedback.pk.compose({ caseId }),
      entities.feedback.sk.compose({ at, uuid: randomUUID() }),
    ),
  request: (requestId: string) =>
    tableKey(entities.request.pk.compose({ requestId }), entities.request.sk.compose()),
  product: (productId: string) =>
    tableKey(entities.product.pk.compose({ productId }), entities.product.sk.compose()),
  /** Keyed by the SHA-256 of the session id, so the table never holds the id itself. */
  draft: (sessionId: string) =>
    tableKey(
      entities.draft.pk.compose({
        sessionHash: createHash('sha256').update(sessionId, 'utf8').digest('hex'),
      }),
      entities.draft.sk.compose(),
    ),
};

/** The index keys that place a case in the queue and receipt indexes; `openPk` is absent once decided (sparse index). */
export function caseIndexKeys(
  record: Pick<CaseRecord, 'id' | 'status' | 'decisionDueAt' | 'receivedAt'>,
): IndexKeyAttributes {
  const { byDue, byStatus, openByDue, byReceiptMonth } = entities.case.indexKeys;
  const due = { decisionDueAt: record.decisionDueAt, caseId: record.id };
  return {
    ...indexKey(byDue, byDue.pk.compose(), byDue.sk.compose(due)),
    ...indexKey(byStatus, byStatus.pk.compose({ status: record.status }), byStatus.sk.compose(due)),
    ...(record.status === 'decided'
      ? {}
      : indexKey(openByDue, openByDue.pk.compose(), openByDue.sk.compose(due))),
    ...indexKey(
      byReceiptMonth,
      receiptMonthPk(record.receivedAt),
      byReceiptMonth.sk.compose({ receivedAt: record.receivedAt, caseId: record.id }),
    ),
  };
}

/**
 * A request's place in the inbox index: under `UNDELIVERED#REQUEST` until the queue consumer delivers
 * it, then on its agency's open shelf by due time, and once answered on the answered shelf by when it
 * was answered, so reading what is waiting never pages through the agency's history.
 */
export function requestInboxKeys(
  request: Pick<InformationRequest, 'id' | 'agency' | 'issuedAt' | 'dueAt' | 'deliveredAt' | 'answer'>,
): IndexKeyAttributes {
  const { undelivered, open, answered } = entities.request.indexKeys;
  const requestId = request.id;
  if (!request.deliveredAt)
    return indexKey(
      undelivered,
      undelivered.pk.compose(),
      undelivered.sk.compose({ issuedAt: request.issuedAt, requestId }),
    );
  if (request.answer)
    return indexKey(
      answered,
      answered.pk.compose({ agency: request.agency }),
      answered.sk.compose({ answeredAt: request.answer.answeredAt, requestId }),
    );
  return indexKey(
    open,
    open.pk.compose({ agency: request.agency }),
    open.sk.compose({ dueAt: request.dueAt, requestId }),
  );
}

/** A product's place in the inbox index: `UNDELIVERED#PRODUCT` until delivered, then its agency's shelf. */
export function productInboxKeys(
  product: Pick<InformationProduct, 'id' | 'recipientAgency' | 'sentAt' | 'deliveredAt'>,
): IndexKeyAttributes {
  const { undelivered, delivered } = entities.product.indexKeys;
  const sk = { sentAt: product.sentAt, productId: product.id };
  return product.deliveredAt
    ? indexKey(delivered, delivered.pk.compose({ agency: product.recipientAgency }), delivered.sk.compose(sk))
    : indexKey(undelivered, undelivered.pk.compose(), undelivered.sk.compose(sk));
}

// ---------------------------------------------------------------------------------------------------
// Query keys: the partitions and bounds the store reads.

/** The `byDue` partition holding every case. */
export const allCasesPk = (): string => entities.case.indexKeys.byDue.pk.compose();
/** The `byStatus` partition of one status. */
export const statusPk = (status: CaseStatus): string =>
  entities.case.indexKeys.byStatus.pk.compose({ status });
/** The sparse `openByDue` partition of undecided cases. */
export const openCasesPk = (): string => entities.case.indexKeys.openByDue.pk.compose();
/**
 * The exclusive upper bound of overdue cases' `dueListSk`: `<due>#<id>` < `<now>#~` exactly when
 * due <= now, as ISO instants sort as text and '~' follows every id character.
 */
export const overdueBefore = (now: string): string =>
  entities.case.indexKeys.openByDue.sk.compose({ decisionDueAt: now, caseId: '~' });

/** The receipt index partitions by UTC month of receipt: `RECEIVED#2026-03` for an instant or a `yyyy-mm`. */
export function receiptMonthPk(instantOrMonth: string): string {
  return entities.case.indexKeys.byReceiptMonth.pk.compose({ month: instantOrMonth.slice(0, 7) });
}

/** The audit records of a case: its partition and their sort-key prefix. */
export const auditOf = (caseId: string) => ({
  pk: entities.audit.pk.compose({ caseId }),
  skPrefix: entities.audit.sk.prefix({}),
});

/** A subject's sightings received at or after the instant `from`: its partition and the sort key's lower bound. */
export const sightingsFrom = (identityKey: string, from: string) => ({
  pk: entities.sighting.pk.compose({ identityKey }),
  skFrom: entities.sighting.sk.prefix({ receivedAt: from }),
});

const SHELVES = {
  open: entities.request.indexKeys.open,
  answered: entities.request.indexKeys.answered,
  products: entities.product.indexKeys.delivered,
} as const satisfies Record<InboxShelf, IndexKeys>;

/** The inbox partition of one shelf of an agency. */
export const inboxShelfPk = (shelf: InboxShelf, agency: Agency): string =>
  SHELVES[shelf].pk.compose({ agency });
/** The inbox partition of requests or products whose queue message has not been handled. */
export const undeliveredPk = (kind: DeliveryKind): string =>
  entities[kind].indexKeys.undelivered.pk.compose();

/**
 * Every attribute the store adds to what the domain hands it: the table's and indexes' keys, the item
 * type, the TTL and the receipt index's facts. Removed again on every read.
 */
export const STORAGE_ATTRIBUTES: readonly string[] = [
  ...new Set([
    caseTable.partitionKey.name,
    caseTable.sortKey.name,
    caseTable.timeToLiveAttribute,
    ...caseTable.indexes.flatMap((index) => [index.partitionKey.name, index.sortKey.name]),
    'type',
    'facts',
  ]),
];

// ---------------------------------------------------------------------------------------------------
// Access patterns, written down with the keys that serve them (docs/data-model.md is generated from this).

/** A store operation that serves an access pattern. */
type StoreOperation = `CaseStore.${keyof CaseStore}` | `DraftStore.${keyof DraftStore}`;

export interface AccessPattern {
  /** What the hub needs. */
  pattern: string;
  /** How the table serves it (Markdown), written with the key shapes above. */
  servedBy: string;
  index?: CaseIndexName;
  usedBy: readonly StoreOperation[];
}

/** A key shape as the document writes it: `` `CASE#<caseId>` ``. */
export function shapeText(shape: KeyShape | string): string {
  const template = typeof shape === 'string' ? shape : shape.template;
  return `\`${template.replace(/\{([^}]+)\}/g, '<$1>')}\``;
}
/** `` `pk = CASE#<caseId>` ``: a table key condition as the document writes it. */
function tableCondition(part: 'pk' | 'sk', text: string): string {
  const attribute = part === 'pk' ? caseTable.partitionKey.name : caseTable.sortKey.name;
  return `\`${attribute} ${shapeText(text).slice(1, -1)}\``;
}
/** `` `dueListPk = CASES` ``: an index key condition as the document writes it. */
function condition(keys: IndexKeys, part: 'pk' | 'sk' = 'pk', operator = '=', value?: string): string {
  const index = caseIndexes[keys.index];
  const attribute = part === 'pk' ? index.partitionKey.name : index.sortKey.name;
  return `\`${attribute} ${operator} ${shapeText(value ?? keys[part]).slice(1, -1)}\``;
}

const E = entities;
const { byDue, byStatus, openByDue, byReceiptMonth } = E.case.indexKeys;

export const accessPatterns: readonly AccessPattern[] = [
  {
    pattern:
      'create a case, its reference lookup, its subject sightings and its audit record, all or nothing',
    servedBy: `\`TransactWriteItems\` on the table; the reference lookup is put on \`attribute_not_exists(${caseTable.partitionKey.name})\``,
    usedBy: ['CaseStore.createCase'],
  },
  {
    pattern:
      'check a reference and receipt token (status, feedback): one small read, the same for an unknown reference',
    servedBy: `GetItem ${shapeText(E.reference.pk)} (it carries \`receiptTokenHash\`; lookups older than that: then GetItem ${shapeText(E.case.pk)} projecting it)`,
    usedBy: ['CaseStore.getReceiptByReference'],
  },
  {
    pattern: 'read a case',
    servedBy: `GetItem ${shapeText(E.case.pk)} ${shapeText(E.case.sk)}`,
    usedBy: ['CaseStore.getCase'],
  },
  {
    pattern: "a case's audit trail (managers)",
    servedBy: `Query ${tableCondition('pk', `= ${E.audit.pk.template}`)}, \`begins_with(${caseTable.sortKey.name}, ${E.audit.sk.prefix({})})\``,
    usedBy: ['CaseStore.listAudit'],
  },
  {
    pattern: 'audit records of reads (a case, the queue, the audit trail, an agency view, a status check)',
    servedBy: 'BatchWriteItem, 25 at a time, unprocessed items retried',
    usedBy: ['CaseStore.appendAudit'],
  },
  {
    pattern: "the hub's queue, all cases by decision deadline",
    servedBy: `Query index \`byDue\`, ${condition(byDue)}`,
    index: 'byDue',
    usedBy: ['CaseStore.listCases'],
  },
  {
    pattern: 'the queue filtered by status',
    servedBy: `Query index \`byStatus\`, ${condition(byStatus)}`,
    index: 'byStatus',
    usedBy: ['CaseStore.listCases'],
  },
  {
    pattern: 'overdue cases (now ≥ due, not decided)',
    servedBy: `Query sparse index \`openByDue\`, ${condition(openByDue)}, ${condition(openByDue, 'sk', '<', overdueBefore('{now}'))}`,
    index: 'openByDue',
    usedBy: ['CaseStore.listCases'],
  },
  {
    pattern: 'earlier referrals of a subject within 12 months',
    servedBy: `Query ${tableCondition('pk', `= ${E.sighting.pk.template}`)}, ${tableCondition('sk', `>= ${E.sighting.sk.prefix({ receivedAt: '{from}' })}`)} (\`from\`: a day before the window's first London date; the exact date test is applied to the results)`,
    usedBy: ['CaseStore.findSightings'],
  },
  {
    pattern: 'referrer feedback on a case, with the counters the board reads',
    servedBy: `\`TransactWriteItems\`: put ${shapeText(E.feedback.sk)} under ${shapeText(E.feedback.pk)}, \`ADD\` the counters on the case, put the audit record`,
    usedBy: ['CaseStore.addFeedback'],
  },
  {
    pattern: "one receipt month's cases for the board's exports (issue #4)",
    servedBy: `Query index \`byReceiptMonth\`, ${condition(byReceiptMonth)}, \`${caseIndexes.byReceiptMonth.sortKey.name} BETWEEN <start> AND <end>\` (bare instants: \`<end>#<caseId>\` sorts after \`<end>\`, so the range is [start, end)), month by month`,
    index: 'byReceiptMonth',
    usedBy: ['CaseStore.streamReceived'],
  },
  {
    pattern:
      'a workflow step (rating, consent override, requests issued, an answer, the decision with its product)',
    servedBy: `\`TransactWriteItems\`: the case on its \`version\`, new requests and products on \`attribute_not_exists(${caseTable.partitionKey.name})\`, an answer on the request still being \`open\`, and the audit records`,
    usedBy: ['CaseStore.commit'],
  },
  {
    pattern:
      "a page of one agency's open requests (soonest due first), then its answered ones (newest first), or its products (newest first)",
    servedBy: `Query index \`byInbox\`, ${condition(E.request.indexKeys.open)}, then ${condition(E.request.indexKeys.answered)} (backwards), or ${condition(E.product.indexKeys.delivered)} (backwards), \`Limit\` = the page; the cursor names the shelf and its last key. A listing never reads more than its page, however long the agency's history`,
    index: 'byInbox',
    usedBy: ['CaseStore.listInbox'],
  },
  {
    pattern: 'a request by id (agency answers it)',
    servedBy: `GetItem ${shapeText(E.request.pk)}; the agency is checked against the item`,
    usedBy: ['CaseStore.getRequest'],
  },
  {
    pattern: "a case's requests (case page, decision)",
    servedBy: `the case lists \`requestIds\`; BatchGetItem of ${shapeText(E.request.pk)}`,
    usedBy: ['CaseStore.getRequests'],
  },
  {
    pattern: 'a product by id (product dispatch, delivery sweeper)',
    servedBy: `GetItem ${shapeText(E.product.pk)}`,
    usedBy: ['CaseStore.getProduct'],
  },
  {
    pattern: "deliver a request or product into its agency's inbox, once however often its message arrives",
    servedBy: `UpdateItem ${shapeText(E.request.pk)} or ${shapeText(E.product.pk)} on \`attribute_not_exists(deliveredAt)\`, moving its inbox keys onto the agency's shelf`,
    usedBy: ['CaseStore.markDelivered'],
  },
  {
    pattern: 'requests and products whose queue message was never handled (delivery sweeper)',
    servedBy: `Query index \`byInbox\`, ${condition(E.request.indexKeys.undelivered)} or ${condition(E.product.indexKeys.undelivered)}, \`${caseIndexes.byInbox.sortKey.name} < <now − 1 min>\``,
    index: 'byInbox',
    usedBy: ['CaseStore.listUndelivered'],
  },
  {
    pattern: 'a form draft by session: read, save, delete',
    servedBy: `GetItem (consistent), PutItem, DeleteItem ${shapeText(E.draft.pk)} ${shapeText(E.draft.sk)}`,
    usedBy: ['DraftStore.get', 'DraftStore.put', 'DraftStore.delete'],
  },
];
