/** The metric facts of a case (src/domain/metrics/facts.ts), derived from the record and stored beside it. */
import type { CaseRecord } from './case.ts';
import type { ReferralFacts } from './metrics/facts.ts';

export type StoredFacts = Omit<ReferralFacts, 'feedback'>;

export function factsOf(record: CaseRecord): StoredFacts {
  return {
    id: record.id,
    receivedAt: record.receivedAt,
    source: record.referral.referrer.source,
    rag: record.rag,
    categories: record.referral.concern.categories,
    subjectTypes: [...new Set(record.referral.subjects.map((subject) => subject.type))],
    decisionDueAt: record.decisionDueAt,
    ...(record.decision
      ? {
          decision: {
            outcome: record.decision.outcome,
            decidedAt: record.decision.decidedAt,
            withinTimescale: record.decision.withinTimescale,
          },
        }
      : {}),
    reReferral: record.reReferral,
    reRated: record.ratingHistory.length > 1,
    requests: (record.requestSummaries ?? []).map(({ agency, issuedAt, dueAt, answeredAt }) => ({
      agency,
      issuedAt,
      dueAt,
      ...(answeredAt ? { answeredAt } : {}),
    })),
  };
}

/** Joins the stored facts with the case's feedback counters. */
export function referralFacts(
  facts: StoredFacts,
  counters: {
    feedbackResponses?: number;
    feedbackHelpful?: number;
    feedbackRatingSum?: number;
    feedbackRatingCount?: number;
  },
): ReferralFacts {
  return {
    ...facts,
    feedback: {
      responses: counters.feedbackResponses ?? 0,
      helpful: counters.feedbackHelpful ?? 0,
      ratingSum: counters.feedbackRatingSum ?? 0,
      ratingCount: counters.feedbackRatingCount ?? 0,
    },
  };
}
