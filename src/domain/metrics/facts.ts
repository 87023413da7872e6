/**
 * What the board's measures are computed from: one record per referral, read from the case item
 * alone (the case keeps summaries of its requests and feedback for this), so an export reads only
 * the period's cases through the receipt index. No personal data: codes, instants and flags only.
 */
import type { Agency, ConcernCategory, Outcome, Rag, SourceCode, SubjectType } from '../codes.ts';

export interface RequestFacts {
  agency: Agency;
  issuedAt: string;
  dueAt: string;
  answeredAt?: string;
}

export interface ReferralFacts {
  /** The case id: used only to break ties deterministically, never exported. */
  id: string;
  receivedAt: string;
  source: SourceCode;
  /** The rating in force now; null when never rated. */
  rag: Rag | null;
  categories: ConcernCategory[];
  subjectTypes: SubjectType[];
  /** The decision deadline in force (recomputed on re-rating). */
  decisionDueAt: string;
  decision?: { outcome: Outcome; decidedAt: string; withinTimescale: boolean };
  reReferral: boolean;
  /** Rated more than once by practitioners. */
  reRated: boolean;
  requests: RequestFacts[];
  feedback: { responses: number; helpful: number; ratingSum: number; ratingCount: number };
}
