/**
 * The case record as the domain sees it. Storage keys and index attributes are the store's business
 * (src/store); nothing here knows about DynamoDB or Lambda.
 */
import type { Agency, CaseStatus, Outcome, Rag, Role } from './codes.ts';
import type { ReferralInput } from './referral.ts';

export interface RatingChange {
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
  decision?: Decision;
  version: number;
}

export interface Decision {
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

export interface CaseSummary {
  id: string;
  reference: string;
  status: CaseStatus;
  rag: Rag | null;
  receivedAt: string;
  decisionDueAt: string;
  overdue: boolean;
}
