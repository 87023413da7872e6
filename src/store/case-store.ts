/**
 * The port the domain uses to keep cases. The DynamoDB implementation is in dynamo-case-store.ts;
 * the domain never sees keys, indexes or transactions.
 */
import type { AuditRecord, CaseRecord, CaseSummary } from '../domain/case.ts';
import type { CaseStatus, Rag } from '../domain/codes.ts';

export interface SubjectSighting {
  identityKey: string;
  caseId: string;
  reference: string;
  receivedAt: string;
  /** London calendar date of receipt: the re-referral window is counted in dates. */
  receivedDate: string;
}

export interface CaseQuery {
  status?: CaseStatus;
  rag?: Rag;
  /** Only undecided cases whose decision deadline is at or before `now`. */
  overdueAt?: string;
  limit: number;
  cursor?: string;
}

export interface CasePage {
  items: CaseRecord[];
  nextCursor?: string;
}

export interface CaseStore {
  /** Stores a new case with its sightings and audit record, all or nothing. Throws ReferenceTakenError if the reference exists. */
  createCase(record: CaseRecord, sightings: SubjectSighting[], audit: AuditRecord): Promise<void>;
  /** Earlier sightings of a subject on or after `fromDate` (London date). */
  findSightings(identityKey: string, fromDate: string): Promise<SubjectSighting[]>;
  getCase(id: string): Promise<CaseRecord | undefined>;
  getCaseByReference(reference: string): Promise<CaseRecord | undefined>;
  listCases(query: CaseQuery): Promise<CasePage>;
  appendAudit(records: AuditRecord[]): Promise<void>;
  listAudit(caseId: string): Promise<AuditRecord[]>;
  addFeedback(caseId: string, feedback: FeedbackRecord, audit: AuditRecord): Promise<void>;
}

export interface FeedbackRecord {
  at: string;
  helpful: boolean;
  rating?: number;
  comment?: string;
  /** Receipt date of the case, so the board's confidence measure counts it in the referral's period. */
  caseReceivedAt: string;
}

export class ReferenceTakenError extends Error {
  constructor() {
    super('reference already in use');
    this.name = 'ReferenceTakenError';
  }
}

export type { CaseSummary };
