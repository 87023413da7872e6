/**
 * The case store on DynamoDB, keyed as src/store/keys.ts specifies (docs/data-model.md is generated
 * from it). Each access pattern lives in its module under ./dynamo/: cases and their queue, audit and
 * feedback (cases.ts); requests, products, the agency inbox and delivery (inbox.ts); the board's
 * receipt-month reads (metrics-stream.ts); what they share (table.ts). This class puts them behind
 * the CaseStore port.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, CaseRecord, InformationProduct, InformationRequest } from '../domain/case.ts';
import type { Agency } from '../domain/codes.ts';
import type { ReferralFacts } from '../domain/metrics/facts.ts';
import type {
  CasePage,
  CaseQuery,
  CaseStore,
  DeliveryItem,
  DeliveryKind,
  FeedbackRecord,
  InboxPage,
  InboxShelf,
  ReceiptCheck,
  ShelfItem,
  StoredTransition,
  SubjectSighting,
} from './case-store.ts';
import * as cases from './dynamo/cases.ts';
import * as inbox from './dynamo/inbox.ts';
import { streamReceived } from './dynamo/metrics-stream.ts';
import type { CaseTableHandle } from './dynamo/table.ts';

export class DynamoCaseStore implements CaseStore {
  private readonly table: CaseTableHandle;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.table = { client, tableName };
  }

  createCase(record: CaseRecord, sightings: SubjectSighting[], audit: AuditRecord): Promise<void> {
    return cases.createCase(this.table, record, sightings, audit);
  }

  findSightings(identityKey: string, fromDate: string): Promise<SubjectSighting[]> {
    return cases.findSightings(this.table, identityKey, fromDate);
  }

  getCase(id: string): Promise<CaseRecord | undefined> {
    return cases.getCase(this.table, id);
  }

  getReceiptByReference(reference: string): Promise<ReceiptCheck | undefined> {
    return cases.getReceiptByReference(this.table, reference);
  }

  listCases(query: CaseQuery): Promise<CasePage> {
    return cases.listCases(this.table, query);
  }

  appendAudit(records: AuditRecord[]): Promise<void> {
    return cases.appendAudit(this.table, records);
  }

  listAudit(caseId: string): Promise<AuditRecord[]> {
    return cases.listAudit(this.table, caseId);
  }

  addFeedback(caseId: string, feedback: FeedbackRecord, audit: AuditRecord): Promise<void> {
    return cases.addFeedback(this.table, caseId, feedback, audit);
  }

  streamReceived(start: string, end: string): AsyncGenerator<ReferralFacts> {
    return streamReceived(this.table, start, end);
  }

  commit(transition: StoredTransition): Promise<void> {
    return cases.commit(this.table, transition);
  }

  getRequest(id: string): Promise<InformationRequest | undefined> {
    return inbox.getRequest(this.table, id);
  }

  getRequests(ids: string[]): Promise<InformationRequest[]> {
    return inbox.getRequests(this.table, ids);
  }

  getProduct(id: string): Promise<InformationProduct | undefined> {
    return inbox.getProduct(this.table, id);
  }

  listInbox<S extends InboxShelf>(
    shelf: S,
    agency: Agency,
    page: { limit: number; cursor?: string },
  ): Promise<InboxPage<ShelfItem<S>>> {
    return inbox.listInbox(this.table, shelf, agency, page);
  }

  markDelivered(kind: DeliveryKind, id: string, at: string): Promise<boolean> {
    return inbox.markDelivered(this.table, kind, id, at);
  }

  listUndelivered<K extends DeliveryKind>(kind: K, before: string): Promise<Array<DeliveryItem<K>>> {
    return inbox.listUndelivered(this.table, kind, before);
  }
}
