/**
 * The port the domain uses to keep cases. The DynamoDB implementation is dynamo-case-store.ts (its
 * access patterns in ./dynamo/, its keys in keys.ts); the domain never sees keys, indexes or transactions.
 */
import type {
  AuditRecord,
  CaseRecord,
  InformationProduct,
  InformationRequest,
  QueueRow,
} from '../domain/case.ts';
import type { Agency, CaseStatus, Rag } from '../domain/codes.ts';
import type { FeedbackRecord, SubjectSighting } from '../domain/intake.ts';
import type { ReferralFacts } from '../domain/metrics/facts.ts';

export interface CaseQuery {
  status?: CaseStatus;
  rag?: Rag;
  /** Only undecided cases whose decision deadline is at or before `now`. */
  overdueAt?: string;
  limit: number;
  cursor?: string;
}

export interface CasePage {
  items: QueueRow[];
  nextCursor?: string;
}

/** A listing's cursor that the listing did not issue (made up, edited, or from another listing): a 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** The shelves of an agency's inbox. */
export type InboxShelf = 'open' | 'answered' | 'products';
export type ShelfItem<S extends InboxShelf> = S extends 'products' ? InformationProduct : InformationRequest;

export interface InboxPage<T> {
  items: T[];
  nextCursor?: string;
}

/** What checking a referrer's reference and receipt token needs: a small item, read whether or not the token is right. */
export interface ReceiptCheck {
  caseId: string;
  receiptTokenHash: string;
}

export interface CaseStore {
  /** Stores a new case with its sightings and audit record, all or nothing. Throws ReferenceTakenError if the reference exists. */
  createCase(record: CaseRecord, sightings: SubjectSighting[], audit: AuditRecord): Promise<void>;
  /** Earlier sightings of a subject on or after `fromDate` (London date). */
  findSightings(identityKey: string, fromDate: string): Promise<SubjectSighting[]>;
  getCase(id: string): Promise<CaseRecord | undefined>;
  /**
   * The case id and receipt token hash a reference names, and nothing else. Always the same reads, found
   * or not (the status and feedback routes take a reference and a token from anyone; a read fewer for an
   * unknown reference would tell a guesser which references are real by the time taken).
   */
  getReceiptByReference(reference: string): Promise<ReceiptCheck | undefined>;
  listCases(query: CaseQuery): Promise<CasePage>;
  appendAudit(records: AuditRecord[]): Promise<void>;
  listAudit(caseId: string): Promise<AuditRecord[]>;
  addFeedback(caseId: string, feedback: FeedbackRecord, audit: AuditRecord): Promise<void>;

  /** The metric facts of every referral received in [start, end), streamed page by page from the receipt index. */
  streamReceived(start: string, end: string): AsyncIterable<ReferralFacts>;
  /** Writes a workflow step all or nothing; throws ConcurrentChangeError if the case or request changed meanwhile. */
  commit(transition: StoredTransition): Promise<void>;
  getRequest(id: string): Promise<InformationRequest | undefined>;
  getRequests(ids: string[]): Promise<InformationRequest[]>;
  getProduct(id: string): Promise<InformationProduct | undefined>;
  /**
   * One page of a shelf of an agency's inbox: its open requests (soonest due first), its answered
   * requests or the products sent to it (both newest first). Throws InvalidCursorError for a cursor
   * this shelf did not issue.
   */
  listInbox<S extends InboxShelf>(
    shelf: S,
    agency: Agency,
    page: { limit: number; cursor?: string },
  ): Promise<InboxPage<ShelfItem<S>>>;
  /** Puts a request or product in its agency's inbox. False when it already was (a duplicate delivery). */
  markDelivered(kind: DeliveryKind, id: string, at: string): Promise<boolean>;
  /** Requests or products recorded before `before` whose queue message has not yet been handled. */
  listUndelivered<K extends DeliveryKind>(kind: K, before: string): Promise<Array<DeliveryItem<K>>>;
}

export type DeliveryKind = 'request' | 'product';
export type DeliveryItem<K extends DeliveryKind> = K extends 'request'
  ? InformationRequest
  : InformationProduct;

export interface StoredTransition {
  case?: { record: CaseRecord; expectedVersion: number };
  newRequests?: InformationRequest[];
  /** An answer: written only if the request is still open. */
  answeredRequest?: InformationRequest;
  newProduct?: InformationProduct;
  audit: AuditRecord[];
}

export class ConcurrentChangeError extends Error {
  constructor() {
    super('the case changed while this change was being made');
    this.name = 'ConcurrentChangeError';
  }
}

export class DeliveryTargetMissingError extends Error {
  constructor(kind: DeliveryKind, id: string) {
    super(`no ${kind} ${id} to deliver`);
    this.name = 'DeliveryTargetMissingError';
  }
}

export class ReferenceTakenError extends Error {
  constructor() {
    super('reference already in use');
    this.name = 'ReferenceTakenError';
  }
}

export type { FeedbackRecord, QueueRow, SubjectSighting };
