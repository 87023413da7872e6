/**
 * The hub's workflow as pure transitions: rate, override consent, ask agencies, record an answer,
 * decide. Each takes the current record, the request and "now", and returns the new records and the
 * audit entries to write with them in one transaction. Nothing here reads or writes storage.
 */
import {
  type Actor,
  type AuditRecord,
  auditRecord,
  type CaseRecord,
  type InformationProduct,
  type InformationRequest,
  type SearchDetails,
} from './case.ts';
import { ADULT_OUTCOMES, type Agency, CHILD_OUTCOMES, type Outcome, type Rag } from './codes.ts';
import { OUTCOME_DESCRIPTIONS } from './outcomes.ts';
import { agencyResponseDueAt, decisionDueAt } from './timescales.ts';

export class WorkflowError extends Error {
  readonly status: 400 | 404 | 409;
  readonly code: string;
  readonly path: string | undefined;

  constructor(status: 400 | 404 | 409, code: string, message: string, path?: string) {
    super(message);
    this.name = 'WorkflowError';
    this.status = status;
    this.code = code;
    this.path = path;
  }
}

export const DEFAULT_QUESTIONS =
  'Please share what your agency holds about the people named that is relevant to this safeguarding concern, and say whether it may leave the hub.';

function assertNotDecided(record: CaseRecord): void {
  if (record.status === 'decided') {
    throw new WorkflowError(409, 'CASE_DECIDED', 'This case has been decided; it cannot be changed.');
  }
}

export interface Transition {
  record: CaseRecord;
  audit: AuditRecord[];
}

/** Rates (or re-rates) a case. A re-rating needs a rationale; the deadline is recomputed from receipt. */
export function rate(
  record: CaseRecord,
  input: { rag: Rag; rationale?: string | undefined },
  actor: Actor,
  now: Date,
): Transition {
  assertNotDecided(record);
  const isReRating = record.ratingHistory.length > 0;
  const rationale = input.rationale?.trim() ?? '';
  if (isReRating && !rationale) {
    throw new WorkflowError(
      400,
      'VALIDATION_FAILED',
      'Give a rationale for changing the rating.',
      'rationale',
    );
  }
  const at = now.toISOString();
  const due = decisionDueAt(new Date(record.receivedAt), input.rag).toISOString();
  const next: CaseRecord = {
    ...record,
    rag: input.rag,
    decisionDueAt: due,
    status: record.status === 'received' ? 'triaged' : record.status,
    ratingHistory: [
      ...record.ratingHistory,
      { rag: input.rag, rationale, at, by: actor.id, decisionDueAt: due },
    ],
    version: record.version + 1,
  };
  const change = record.rag && record.rag !== input.rag ? `${input.rag} (was ${record.rag})` : input.rag;
  return {
    record: next,
    audit: [auditRecord(actor, record.id, at, isReRating ? 'case.re-rated' : 'case.rated', change)],
  };
}

/** A manager's authorisation to check with agencies although consent was not given (AB & CD v Haringey). */
export function overrideConsent(
  record: CaseRecord,
  input: { rationale: string },
  actor: Actor,
  now: Date,
): Transition {
  assertNotDecided(record);
  if (record.referral.consent.consentGiven) {
    throw new WorkflowError(
      409,
      'CONSENT_GIVEN',
      'Consent was given for this referral; no override is needed.',
    );
  }
  if (record.consentOverride) {
    throw new WorkflowError(
      409,
      'CONSENT_ALREADY_OVERRIDDEN',
      'A manager has already authorised checks on this case.',
    );
  }
  const at = now.toISOString();
  return {
    record: {
      ...record,
      consentOverride: { rationale: input.rationale, at, by: actor.id },
      version: record.version + 1,
    },
    audit: [auditRecord(actor, record.id, at, 'consent.overridden')],
  };
}

function searchDetailsOf(record: CaseRecord): SearchDetails[] {
  return record.referral.subjects.map((subject) => ({
    type: subject.type,
    firstName: subject.firstName,
    lastName: subject.lastName,
    ...(subject.otherNames ? { otherNames: subject.otherNames } : {}),
    ...(subject.dateOfBirth ? { dateOfBirth: subject.dateOfBirth } : {}),
    ...(subject.address ? { address: subject.address } : {}),
  }));
}

export interface RequestsIssued extends Transition {
  requests: InformationRequest[];
}

/** One request per agency, due by the case's rating from now; refused without consent or its override. */
export function issueRequests(
  record: CaseRecord,
  input: { agencies: Agency[]; questions?: string | undefined },
  actor: Actor,
  now: Date,
  newId: () => string,
): RequestsIssued {
  assertNotDecided(record);
  if (!record.referral.consent.consentGiven && !record.consentOverride) {
    throw new WorkflowError(
      409,
      'CONSENT_REQUIRED',
      'Consent was not given: a manager must authorise agency checks (consent override) first.',
    );
  }
  if (!record.rag) {
    throw new WorkflowError(
      409,
      'NOT_RATED',
      'Rate the case first: the agencies’ deadlines follow from its rating.',
    );
  }
  const at = now.toISOString();
  const dueAt = agencyResponseDueAt(now, record.rag).toISOString();
  const subjects = searchDetailsOf(record);
  const requests = input.agencies.map(
    (agency): InformationRequest => ({
      id: newId(),
      caseId: record.id,
      caseReference: record.reference,
      agency,
      questions: input.questions?.trim() || DEFAULT_QUESTIONS,
      issuedAt: at,
      issuedBy: actor.id,
      dueAt,
      rag: record.rag!,
      status: 'open',
      subjects,
    }),
  );
  const next: CaseRecord = {
    ...record,
    status: 'gathering',
    outstandingRequests: (record.outstandingRequests ?? 0) + requests.length,
    requestIds: [...(record.requestIds ?? []), ...requests.map((request) => request.id)],
    requestSummaries: [
      ...(record.requestSummaries ?? []),
      ...requests.map(({ id, agency, issuedAt, dueAt }) => ({ id, agency, issuedAt, dueAt })),
    ],
    version: record.version + 1,
  };
  return {
    record: next,
    requests,
    audit: requests.map((request) =>
      auditRecord(actor, record.id, at, 'request.issued', `${request.agency}, due ${request.dueAt}`),
    ),
  };
}

export interface RequestAnswered extends Transition {
  request: InformationRequest;
}

/** An agency's answer; a late answer is recorded as late. The case is `ready` once every request is answered. */
export function answerRequest(
  request: InformationRequest,
  record: CaseRecord,
  input: { information: string; releasable: boolean },
  actor: Actor,
  now: Date,
): RequestAnswered {
  if (request.status === 'answered') {
    throw new WorkflowError(409, 'ALREADY_ANSWERED', 'This request has already been answered.');
  }
  const at = now.toISOString();
  const late = at > request.dueAt;
  const answered: InformationRequest = {
    ...request,
    status: 'answered',
    answer: {
      information: input.information,
      releasable: input.releasable,
      answeredAt: at,
      answeredBy: actor.id,
      late,
    },
  };
  const outstanding = Math.max(0, (record.outstandingRequests ?? 1) - 1);
  const next: CaseRecord = {
    ...record,
    outstandingRequests: outstanding,
    status: record.status === 'gathering' && outstanding === 0 ? 'ready' : record.status,
    requestSummaries: (record.requestSummaries ?? []).map((summary) =>
      summary.id === request.id ? { ...summary, answeredAt: at } : summary,
    ),
    version: record.version + 1,
  };
  return {
    request: answered,
    record: next,
    audit: [
      auditRecord(
        actor,
        record.id,
        at,
        'request.answered',
        `${request.agency}${late ? ', late' : ''}${input.releasable ? ', releasable' : ', not releasable'}`,
      ),
    ],
  };
}

const PLACEHOLDER_REASONS = /^(n\/?a|none|nfa|no|nothing|no reason|not applicable|-+|\.+)$/i;
const MIN_NFA_REASON = 20;

/** Checks a decision fits the case: the outcome's family matches the subjects, NFA carries a real reason. */
export function checkDecision(record: CaseRecord, input: { outcome: Outcome; rationale: string }): void {
  const types = new Set(record.referral.subjects.map((subject) => subject.type));
  const isChildOutcome = (CHILD_OUTCOMES as readonly string[]).includes(input.outcome);
  const isAdultOutcome = (ADULT_OUTCOMES as readonly string[]).includes(input.outcome);
  if (isChildOutcome && !types.has('child')) {
    throw new WorkflowError(
      400,
      'VALIDATION_FAILED',
      'This referral is about adults: choose an adult outcome.',
      'outcome',
    );
  }
  if (isAdultOutcome && !types.has('adult')) {
    throw new WorkflowError(
      400,
      'VALIDATION_FAILED',
      'This referral is about children: choose a children’s outcome.',
      'outcome',
    );
  }
  if (input.outcome === 'NFA' || input.outcome === 'ADULT_NFA') {
    const reason = input.rationale.trim();
    if (
      reason.length < MIN_NFA_REASON ||
      PLACEHOLDER_REASONS.test(reason) ||
      reason.split(/\s+/).length < 4
    ) {
      throw new WorkflowError(
        400,
        'VALIDATION_FAILED',
        `No further action needs a real reason: explain in at least ${MIN_NFA_REASON} characters why nothing more is needed.`,
        'rationale',
      );
    }
  }
}

export interface Decided extends Transition {
  product?: InformationProduct;
}

/**
 * Records the decision. With a recipient agency, the information product carries the decision, its
 * rationale and only the answers their agencies marked releasable.
 */
export function decide(
  record: CaseRecord,
  requests: InformationRequest[],
  input: { outcome: Outcome; rationale: string; recipientAgency?: Agency | undefined },
  actor: Actor,
  now: Date,
  newId: () => string,
): Decided {
  if (record.status === 'decided') {
    throw new WorkflowError(409, 'ALREADY_DECIDED', 'This case has already been decided.');
  }
  checkDecision(record, input);
  const at = now.toISOString();
  const withinTimescale = at <= record.decisionDueAt;
  const product: InformationProduct | undefined = input.recipientAgency
    ? {
        id: newId(),
        caseId: record.id,
        caseReference: record.reference,
        recipientAgency: input.recipientAgency,
        outcome: input.outcome,
        outcomeDescription: OUTCOME_DESCRIPTIONS[input.outcome],
        rationale: input.rationale,
        decidedAt: at,
        subjects: searchDetailsOf(record),
        releasableAnswers: requests
          .filter((request) => request.answer?.releasable)
          .map((request) => ({ agency: request.agency, information: request.answer!.information })),
        sentAt: at,
      }
    : undefined;
  const next: CaseRecord = {
    ...record,
    status: 'decided',
    decision: {
      outcome: input.outcome,
      rationale: input.rationale,
      decidedAt: at,
      decidedBy: actor.id,
      withinTimescale,
      ...(input.recipientAgency ? { recipientAgency: input.recipientAgency } : {}),
    },
    ...(product ? { productId: product.id } : {}),
    version: record.version + 1,
  };
  return {
    record: next,
    ...(product ? { product } : {}),
    audit: [
      auditRecord(
        actor,
        record.id,
        at,
        'case.decided',
        `${input.outcome}${withinTimescale ? '' : ', after the deadline'}${product ? `, product to ${product.recipientAgency}` : ''}`,
      ),
    ],
  };
}
