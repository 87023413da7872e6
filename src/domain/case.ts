/**
 * The case record as the domain sees it. Storage keys and index attributes are the store's business
 * (src/store); nothing here knows about DynamoDB or Lambda.
 */
import type { Agency, CaseStatus, Outcome, Rag, Role } from './codes.ts';
import type { ReferralInput } from './referral.ts';

interface RatingChange {
  rag: Rag;
  rationale: string;
  at: string;
  by: string;
  decisionDueAt: string;
}

export interface CaseRecord {
  id: string;
  reference: string;
  status: CaseStatus;
  rag: Rag | null;
  receivedAt: string;
  decisionDueAt: string;
  immediateDanger: boolean;
  referral: ReferralInput;
  /** SHA-256 of the receipt token; the token itself is given to the referrer once and never stored. */
  receiptTokenHash: string;
  /** Normalised-identity keys of the subjects (hashes), for re-referral detection. */
  subjectIdentityKeys: string[];
  /** True when at least one subject was referred within the 12 months before this referral. */
  reReferral: boolean;
  /** The earlier references that made it a re-referral. */
  reReferralOf: string[];
  ratingHistory: RatingChange[];
  consentOverride?: ConsentOverride;
  /** Requests issued and not yet answered: the case is `gathering` while any are. */
  outstandingRequests?: number;
  requestIds?: string[];
  /** What the board's measures need of each request, kept on the case so exports read one item per referral. */
  requestSummaries?: RequestSummary[];
  /** Feedback counters, added to atomically as feedback arrives. */
  feedbackResponses?: number;
  feedbackHelpful?: number;
  feedbackRatingSum?: number;
  feedbackRatingCount?: number;
  decision?: Decision;
  productId?: string;
  version: number;
}

interface Decision {
  outcome: Outcome;
  rationale: string;
  decidedAt: string;
  decidedBy: string;
  recipientAgency?: Agency;
  /** Within the deadline in force when it was made. */
  withinTimescale: boolean;
}

export interface Actor {
  /** The token's subject, or `referrer` / `system` for unauthenticated and scheduled work. */
  id: string;
  role: Role | 'referrer' | 'system';
  agency?: Agency;
}

export interface AuditRecord {
  caseId: string;
  at: string;
  actor: string;
  role: Actor['role'];
  agency?: Agency;
  /** What happened, e.g. `referral.received`, `case.viewed`, `case.listed`. */
  action: string;
  /** Why, or what changed; never personal data. */
  detail?: string;
}

/** Builds the audit record of one thing an actor did to (or saw of) a case. */
export function auditRecord(
  actor: Actor,
  caseId: string,
  at: string,
  action: string,
  detail?: string,
): AuditRecord {
  return {
    caseId,
    at,
    actor: actor.id,
    role: actor.role,
    ...(actor.agency ? { agency: actor.agency } : {}),
    action,
    ...(detail ? { detail } : {}),
  };
}

/** The referrer, who is never signed in: the actor of intake, status views and feedback. */
export const REFERRER: Actor = { id: 'referrer', role: 'referrer' };

/** A row of the hub's queue: what the queue indexes project (src/resources.ts QUEUE_ROW_ATTRIBUTES). */
export type QueueRow = Pick<
  CaseRecord,
  'id' | 'reference' | 'status' | 'rag' | 'receivedAt' | 'decisionDueAt' | 'reReferral'
>;

/** A queue row as GET /api/cases and the workbench show it. */
export interface CaseListItem extends QueueRow {
  overdue: boolean;
}

interface RequestSummary {
  id: string;
  agency: Agency;
  issuedAt: string;
  dueAt: string;
  answeredAt?: string;
}

interface ConsentOverride {
  rationale: string;
  at: string;
  by: string;
}

/** The subject details an agency needs to search its own records, and nothing more. */
export interface SearchDetails {
  type: 'child' | 'adult';
  firstName: string;
  lastName: string;
  otherNames?: string;
  dateOfBirth?: string;
  address?: { line1?: string; line2?: string; town?: string; postcode?: string };
}

type RequestStatus = 'open' | 'answered';

interface AgencyAnswer {
  information: string;
  releasable: boolean;
  answeredAt: string;
  answeredBy: string;
  late: boolean;
}

export interface InformationRequest {
  id: string;
  caseId: string;
  caseReference: string;
  agency: Agency;
  questions: string;
  issuedAt: string;
  issuedBy: string;
  dueAt: string;
  /** The case's rating when the request was issued: its due time follows from it. */
  rag: Rag;
  status: RequestStatus;
  /** Set when the queue consumer has put the request in the agency's inbox. */
  deliveredAt?: string;
  subjects: SearchDetails[];
  answer?: AgencyAnswer;
}

interface ProductAnswer {
  agency: Agency;
  information: string;
}

/** What leaves the hub: the decision, its rationale, and only the answers their agencies released. */
export interface InformationProduct {
  id: string;
  caseId: string;
  caseReference: string;
  recipientAgency: Agency;
  outcome: Outcome;
  outcomeDescription: string;
  rationale: string;
  decidedAt: string;
  subjects: SearchDetails[];
  releasableAnswers: ProductAnswer[];
  sentAt: string;
  deliveredAt?: string;
}
