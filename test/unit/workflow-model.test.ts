/**
 * Model-based test of the workflow (src/domain/workflow.ts): fast-check drives random sequences of rate,
 * re-rate, consent override, information requests, answers, decisions and the passing of time against a
 * small reference model of one case written here from DOMAIN.md and CONTRACT.md, and checks every
 * invariant after every step:
 * - each command is accepted or refused exactly when the model says, with the model's refusal code;
 * - a refused command changes nothing (not even the record it was handed);
 * - an applied transition moves `version` up by exactly one and writes the model's audit entries, at now;
 * - the status follows CONTRACT.md's definition and only moves along the state machine's edges;
 * - the rating, its history, the decision deadline (hand-worked, from receipt) and every request's due time;
 * - a decided case keeps its decision, and accepts nothing but an agency's answer to an open request;
 * - the information product carries exactly the answers released before the decision.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AuditRecord,
  CaseRecord,
  InformationProduct,
  InformationRequest,
} from '../../src/domain/case.ts';
import type { Agency, CaseStatus, Outcome, Rag } from '../../src/domain/codes.ts';
import {
  answerRequest,
  decide,
  issueRequests,
  overrideConsent,
  rate,
  WorkflowError,
} from '../../src/domain/workflow.ts';
import { receivedCase } from '../helpers/referrals.ts';

// ---------------------------------------------------------------------------------------------------------
// Time: the case is received Mon 18 May 2026 10:00 BST; the clock only moves forward through these
// instants, and every deadline below is worked out by hand from DOMAIN.md's timescales.
// ---------------------------------------------------------------------------------------------------------
const TIMELINE = [
  '2026-05-18T09:00:00.000Z', // 0 Mon 10:00 (receipt)
  '2026-05-18T11:00:00.000Z', // 1 Mon 12:00: a red request issued at receipt is due
  '2026-05-18T12:30:00.000Z', // 2 Mon 13:30
  '2026-05-18T13:00:00.000Z', // 3 Mon 14:00: the red decision deadline, exactly
  '2026-05-18T13:00:00.001Z', // 4 one millisecond later
  '2026-05-18T15:00:00.000Z', // 5 Mon 16:00: an amber request issued at receipt is due
  '2026-05-19T09:00:00.000Z', // 6 Tue 10:00: the amber and unrated deadline; a green request from receipt is due
  '2026-05-19T14:00:00.000Z', // 7 Tue 15:00
  '2026-05-21T09:00:00.000Z', // 8 Thu 10:00: the green deadline
  '2026-05-22T15:00:00.000Z', // 9 Fri 16:00 (Monday 25 May is a bank holiday)
] as const;
type Instant = number; // an index into TIMELINE

const DECISION_DUE: Record<Rag | 'unrated', string> = {
  red: '2026-05-18T13:00:00.000Z', // four hours, wall-clock
  amber: '2026-05-19T09:00:00.000Z', // one working day
  green: '2026-05-21T09:00:00.000Z', // three working days
  unrated: '2026-05-19T09:00:00.000Z', // one working day
};

/** Agency response due, by rating and the instant the request is issued. */
const AGENCY_DUE: Record<Rag, readonly string[]> = {
  // Two hours, wall-clock.
  red: TIMELINE.map((iso) => new Date(Date.parse(iso) + 2 * 3600_000).toISOString()),
  // Six working hours (Mon–Thu 08:45–17:30, Fri 08:45–16:35).
  amber: [
    '2026-05-18T15:00:00.000Z', // Mon 10:00 → Mon 16:00
    '2026-05-19T08:15:00.000Z', // Mon 12:00 → 5½h Monday, ½h Tuesday → Tue 09:15
    '2026-05-19T09:45:00.000Z', // Mon 13:30 → 4h Monday, 2h Tuesday → Tue 10:45
    '2026-05-19T10:15:00.000Z', // Mon 14:00 → 3½h Monday, 2½h Tuesday → Tue 11:15
    '2026-05-19T10:15:00.001Z',
    '2026-05-19T12:15:00.000Z', // Mon 16:00 → 1½h Monday, 4½h Tuesday → Tue 13:15
    '2026-05-19T15:00:00.000Z', // Tue 10:00 → Tue 16:00
    '2026-05-20T11:15:00.000Z', // Tue 15:00 → Wed 12:15 (DOMAIN.md's example)
    '2026-05-21T15:00:00.000Z', // Thu 10:00 → Thu 16:00
    '2026-05-26T13:10:00.000Z', // Fri 16:00 → 35 min Friday, bank holiday, 5h25 Tuesday → Tue 14:10
  ],
  // One working day: the same time on the next working day.
  green: [
    '2026-05-19T09:00:00.000Z',
    '2026-05-19T11:00:00.000Z',
    '2026-05-19T12:30:00.000Z',
    '2026-05-19T13:00:00.000Z',
    '2026-05-19T13:00:00.001Z',
    '2026-05-19T15:00:00.000Z',
    '2026-05-20T09:00:00.000Z',
    '2026-05-20T14:00:00.000Z',
    '2026-05-22T09:00:00.000Z', // Thu → Fri, 10:00 is before Friday's close
    '2026-05-26T15:00:00.000Z', // Fri → Tue 26 May (Monday is a bank holiday) 16:00
  ],
};

const AGENCIES: readonly Agency[] = ['police', 'health', 'education', 'housing'];
const NFA_REASON = 'Family already supported by early help; no new risk';

// ---------------------------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------------------------
interface ModelRequest {
  id: string;
  agency: Agency;
  dueAt: string;
  answer?: { releasable: boolean; information: string; late: boolean; at: string };
}

interface Model {
  now: Instant;
  consentGiven: boolean;
  overridden: boolean;
  /** The rating in force (immediate danger: red from the start). */
  rag: Rag | null;
  /** Ratings made by practitioners. */
  ratings: Rag[];
  requests: ModelRequest[];
  decision?: { outcome: Outcome; withinTimescale: boolean; recipient?: Agency; released: string[] };
  /** Transitions applied: the record's version is 1 + this. */
  applied: number;
  /** The audit entries the applied transitions must have written, in order. */
  audit: Array<{ action: string; at: string }>;
  nextId: number;
}

/** CONTRACT.md: received (not yet rated), triaged, gathering (requests outstanding), ready (all answered), decided. */
function expectedStatus(model: Model): CaseStatus {
  if (model.decision) return 'decided';
  if (model.requests.length > 0) return model.requests.some((r) => !r.answer) ? 'gathering' : 'ready';
  return model.ratings.length > 0 ? 'triaged' : 'received';
}

function decisionDue(model: Model): string {
  return DECISION_DUE[model.rag ?? 'unrated'];
}

const EDGES: Record<CaseStatus, readonly CaseStatus[]> = {
  received: ['received', 'triaged', 'gathering', 'decided'],
  triaged: ['triaged', 'gathering', 'decided'],
  gathering: ['gathering', 'ready', 'decided'],
  ready: ['ready', 'gathering', 'decided'],
  decided: ['decided'],
};

// ---------------------------------------------------------------------------------------------------------
// The system under test: the pure transitions, kept in memory as the store would keep them
// ---------------------------------------------------------------------------------------------------------
interface Real {
  record: CaseRecord;
  requests: InformationRequest[];
  audit: AuditRecord[];
  product?: InformationProduct;
  now: Date;
  nextId: number;
}

function newId(real: Real) {
  return () => `id-${++real.nextId}`;
}

/**
 * Applies one step to the real case: on success it stores what the step returned, on refusal it stores
 * nothing. Returns the refusal code, or undefined when applied. Checks that the step never changed the
 * record (or request) it was handed.
 */
function apply(
  real: Real,
  step: () => { record: CaseRecord; audit: AuditRecord[] } & {
    requests?: InformationRequest[];
    request?: InformationRequest;
    product?: InformationProduct;
  },
): string | undefined {
  const before = structuredClone({ record: real.record, requests: real.requests });
  let result: ReturnType<typeof step>;
  try {
    result = step();
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    expect({ record: real.record, requests: real.requests }).toEqual(before);
    return error.code;
  }
  expect({ record: real.record, requests: real.requests }).toEqual(before);
  real.record = result.record;
  real.audit.push(...result.audit);
  if (result.requests) real.requests.push(...result.requests);
  if (result.request) {
    const answered = result.request;
    real.requests = real.requests.map((request) => (request.id === answered.id ? answered : request));
  }
  if (result.product) real.product = result.product;
  return undefined;
}

/** Every invariant, after every step. */
function checkInvariants(model: Model, real: Real, previous: { status: CaseStatus; record: CaseRecord }) {
  const { record } = real;
  const nowIso = TIMELINE[model.now]!;
  expect(record.version).toBe(1 + model.applied);
  expect(record.status).toBe(expectedStatus(model));
  expect(EDGES[previous.status]).toContain(record.status);
  expect(record.rag).toBe(model.rag);
  expect(record.decisionDueAt).toBe(decisionDue(model));
  expect(record.ratingHistory.map((change) => change.rag)).toEqual(model.ratings);
  expect(record.ratingHistory.map((change) => change.decisionDueAt)).toEqual(
    model.ratings.map((rag) => DECISION_DUE[rag]),
  );
  expect(Boolean(record.consentOverride)).toBe(model.overridden);

  // Audit: exactly the model's entries, in order, on this case.
  expect(real.audit.map((entry) => ({ action: entry.action, at: entry.at }))).toEqual(model.audit);
  for (const entry of real.audit) expect(entry.caseId).toBe(record.id);

  // Requests: one per agency asked, each due by the rating in force when it was issued.
  expect(record.requestIds ?? []).toEqual(model.requests.map((request) => request.id));
  expect(record.outstandingRequests ?? 0).toBe(model.requests.filter((request) => !request.answer).length);
  expect(
    real.requests.map((request) => ({
      id: request.id,
      agency: request.agency,
      dueAt: request.dueAt,
      status: request.status,
      answer: request.answer && {
        releasable: request.answer.releasable,
        information: request.answer.information,
        late: request.answer.late,
        at: request.answer.answeredAt,
      },
    })),
  ).toEqual(
    model.requests.map((request) => ({
      id: request.id,
      agency: request.agency,
      dueAt: request.dueAt,
      status: request.answer ? 'answered' : 'open',
      answer: request.answer,
    })),
  );
  expect(
    (record.requestSummaries ?? []).map((summary) => [summary.id, summary.dueAt, summary.answeredAt]),
  ).toEqual(model.requests.map((request) => [request.id, request.dueAt, request.answer?.at]));

  // The decision, once made, stays as it was made; the product went to the recipient with what was released.
  if (model.decision) {
    expect(record.decision).toMatchObject({
      outcome: model.decision.outcome,
      withinTimescale: model.decision.withinTimescale,
    });
    if (previous.record.decision) expect(record.decision).toEqual(previous.record.decision);
    if (model.decision.recipient) {
      expect(real.product?.recipientAgency).toBe(model.decision.recipient);
      expect(record.productId).toBe(real.product?.id);
      expect(real.product?.releasableAnswers.map((answer) => answer.information)).toEqual(
        model.decision.released,
      );
    } else {
      expect(real.product).toBeUndefined();
      expect(record.productId).toBeUndefined();
    }
  } else {
    expect(record.decision).toBeUndefined();
  }
  expect(nowIso).toBe(real.now.toISOString());
}

// ---------------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------------
type Command = fc.Command<Model, Real>;

/** Runs a command: the model says what must happen, the real case does it, then every invariant is checked. */
function runStep(
  model: Model,
  real: Real,
  expectedRefusal: string | undefined,
  step: () => ReturnType<Parameters<typeof apply>[1]>,
  onApplied: () => void,
) {
  const previous = { status: real.record.status, record: structuredClone(real.record) };
  const refusal = apply(real, step);
  expect(refusal).toBe(expectedRefusal);
  if (refusal === undefined) onApplied();
  checkInvariants(model, real, previous);
}

class AdvanceClock implements Command {
  readonly steps: number;
  constructor(steps: number) {
    this.steps = steps;
  }
  check(model: Readonly<Model>) {
    return model.now < TIMELINE.length - 1;
  }
  run(model: Model, real: Real) {
    model.now = Math.min(TIMELINE.length - 1, model.now + this.steps);
    real.now = new Date(TIMELINE[model.now]!);
  }
  toString() {
    return `advance(${this.steps})`;
  }
}

class Rate implements Command {
  readonly rag: Rag;
  readonly rationale: string | undefined;
  constructor(rag: Rag, rationale: string | undefined) {
    this.rag = rag;
    this.rationale = rationale;
  }
  check() {
    return true;
  }
  run(model: Model, real: Real) {
    const isReRating = model.ratings.length > 0;
    const expected = model.decision
      ? 'CASE_DECIDED'
      : isReRating && !this.rationale?.trim()
        ? 'VALIDATION_FAILED'
        : undefined;
    const at = TIMELINE[model.now]!;
    runStep(
      model,
      real,
      expected,
      () =>
        rate(
          real.record,
          { rag: this.rag, rationale: this.rationale },
          { id: 'mash-1', role: 'mash' },
          real.now,
        ),
      () => {
        model.rag = this.rag;
        model.ratings.push(this.rag);
        model.applied += 1;
        model.audit.push({ action: isReRating ? 'case.re-rated' : 'case.rated', at });
      },
    );
  }
  toString() {
    return `rate(${this.rag}, ${JSON.stringify(this.rationale)})`;
  }
}

class OverrideConsent implements Command {
  check() {
    return true;
  }
  run(model: Model, real: Real) {
    const expected = model.decision
      ? 'CASE_DECIDED'
      : model.consentGiven
        ? 'CONSENT_GIVEN'
        : model.overridden
          ? 'CONSENT_ALREADY_OVERRIDDEN'
          : undefined;
    const at = TIMELINE[model.now]!;
    runStep(
      model,
      real,
      expected,
      () =>
        overrideConsent(
          real.record,
          { rationale: 'Risk of significant harm' },
          { id: 'manager-1', role: 'manager' },
          real.now,
        ),
      () => {
        model.overridden = true;
        model.applied += 1;
        model.audit.push({ action: 'consent.overridden', at });
      },
    );
  }
  toString() {
    return 'overrideConsent';
  }
}

class RequestInformation implements Command {
  readonly agencies: Agency[];
  constructor(agencies: Agency[]) {
    this.agencies = agencies;
  }
  check() {
    return true;
  }
  run(model: Model, real: Real) {
    const expected = model.decision
      ? 'CASE_DECIDED'
      : !model.consentGiven && !model.overridden
        ? 'CONSENT_REQUIRED'
        : !model.rag
          ? 'NOT_RATED'
          : undefined;
    const at = TIMELINE[model.now]!;
    runStep(
      model,
      real,
      expected,
      () =>
        issueRequests(
          real.record,
          { agencies: this.agencies },
          { id: 'mash-1', role: 'mash' },
          real.now,
          newId(real),
        ),
      () => {
        for (const agency of this.agencies) {
          model.requests.push({
            id: `id-${++model.nextId}`,
            agency,
            dueAt: AGENCY_DUE[model.rag!][model.now]!,
          });
          model.audit.push({ action: 'request.issued', at });
        }
        model.applied += 1;
      },
    );
  }
  toString() {
    return `request(${this.agencies.join(',')})`;
  }
}

class Answer implements Command {
  readonly pick: number;
  readonly releasable: boolean;
  constructor(pick: number, releasable: boolean) {
    this.pick = pick;
    this.releasable = releasable;
  }
  check(model: Readonly<Model>) {
    return model.requests.length > 0;
  }
  run(model: Model, real: Real) {
    const target = model.requests[this.pick % model.requests.length]!;
    const expected = target.answer ? 'ALREADY_ANSWERED' : undefined;
    const at = TIMELINE[model.now]!;
    const information = `${target.agency} answer ${this.releasable ? 'RELEASED' : 'WITHHELD'} ${at}`;
    const request = real.requests.find((candidate) => candidate.id === target.id)!;
    runStep(
      model,
      real,
      expected,
      () =>
        answerRequest(
          request,
          real.record,
          { information, releasable: this.releasable },
          { id: `${target.agency}-1`, role: 'agency', agency: target.agency },
          real.now,
        ),
      () => {
        // Late means answered after the due instant; at the due instant it is on time.
        target.answer = { releasable: this.releasable, information, late: at > target.dueAt, at };
        model.applied += 1;
        model.audit.push({ action: 'request.answered', at });
      },
    );
  }
  toString() {
    return `answer(${this.pick}, ${this.releasable})`;
  }
}

class Decide implements Command {
  readonly outcome: Outcome;
  readonly rationale: string;
  readonly recipient: Agency | undefined;
  constructor(outcome: Outcome, rationale: string, recipient: Agency | undefined) {
    this.outcome = outcome;
    this.rationale = rationale;
    this.recipient = recipient;
  }
  check() {
    return true;
  }
  run(model: Model, real: Real) {
    const adultOutcome = ['S42_ENQUIRY', 'OTHER_ENQUIRY', 'ADULT_ADVICE', 'ADULT_NFA'].includes(this.outcome);
    const expected = model.decision
      ? 'ALREADY_DECIDED'
      : adultOutcome || (this.outcome === 'NFA' && this.rationale !== NFA_REASON)
        ? 'VALIDATION_FAILED' // the case is about a child; NFA needs a real reason
        : undefined;
    const at = TIMELINE[model.now]!;
    const due = decisionDue(model);
    runStep(
      model,
      real,
      expected,
      () =>
        decide(
          real.record,
          real.requests,
          { outcome: this.outcome, rationale: this.rationale, recipientAgency: this.recipient },
          { id: 'mash-1', role: 'mash' },
          real.now,
          newId(real),
        ),
      () => {
        if (this.recipient) model.nextId += 1;
        model.decision = {
          outcome: this.outcome,
          withinTimescale: at <= due,
          ...(this.recipient ? { recipient: this.recipient } : {}),
          released: model.requests
            .filter((request) => request.answer?.releasable)
            .map((request) => request.answer!.information),
        };
        model.applied += 1;
        model.audit.push({ action: 'case.decided', at });
      },
    );
  }
  toString() {
    return `decide(${this.outcome}, ${JSON.stringify(this.rationale)}, ${this.recipient})`;
  }
}

const commands = [
  fc.integer({ min: 1, max: 2 }).map((steps) => new AdvanceClock(steps)),
  fc
    .tuple(
      fc.constantFrom<Rag>('red', 'amber', 'green'),
      fc.constantFrom(undefined, '', '  ', 'New information'),
    )
    .map(([rag, rationale]) => new Rate(rag, rationale)),
  fc.constant(new OverrideConsent()),
  fc.subarray([...AGENCIES], { minLength: 1 }).map((agencies) => new RequestInformation(agencies)),
  fc.tuple(fc.nat(10), fc.boolean()).map(([pick, releasable]) => new Answer(pick, releasable)),
  fc
    .tuple(
      fc.constantFrom<Outcome>('NFA', 'EARLY_HELP', 'S17_ASSESSMENT', 'S42_ENQUIRY'),
      fc.constantFrom(NFA_REASON, 'n/a'),
      fc.constantFrom<Agency | undefined>(undefined, 'childrens-social-care', 'police'),
    )
    .map(([outcome, rationale, recipient]) => new Decide(outcome, rationale, recipient)),
];

function setup(consentGiven: boolean, immediateDanger: boolean): { model: Model; real: Real } {
  const rag: Rag | null = immediateDanger ? 'red' : null;
  const record = receivedCase(TIMELINE[0], {
    consentGiven,
    immediateDanger,
    decisionDueAt: DECISION_DUE[rag ?? 'unrated'],
  });
  return {
    model: {
      now: 0,
      consentGiven,
      overridden: false,
      rag,
      ratings: [],
      requests: [],
      applied: 0,
      audit: [],
      nextId: 0,
    },
    real: { record, requests: [], audit: [], now: new Date(TIMELINE[0]), nextId: 0 },
  };
}

describe('the workflow against its reference model', () => {
  it('has a hand-worked deadline for every instant of its timeline', () => {
    for (const rag of ['red', 'amber', 'green'] as const)
      expect(AGENCY_DUE[rag]).toHaveLength(TIMELINE.length);
  });

  it('keeps every invariant through random sequences of commands', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.commands(commands, { maxCommands: 40 }),
        (consent, danger, cmds) => {
          fc.modelRun(() => setup(consent, danger), cmds);
        },
      ),
      { numRuns: Number(process.env.MASH_MODEL_RUNS ?? 500) },
    );
  });
});
