/**
 * The workflow's pure transitions (src/domain/workflow.ts), one rule at a time: every transition, every
 * refusal and its code, and the timescales each one applies. Every expected instant is worked out by hand
 * from DOMAIN.md (the London wall time is in the comment beside it), never by calling the timescale engine.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, CaseRecord } from '../../src/domain/case.ts';
import type { Agency, Rag } from '../../src/domain/codes.ts';
import { reReferralWindowStartDate } from '../../src/domain/identity.ts';
import { londonIsoDate } from '../../src/domain/timescales.ts';
import {
  answerRequest,
  checkDecision,
  DEFAULT_QUESTIONS,
  decide,
  issueRequests,
  overrideConsent,
  rate,
  WorkflowError,
} from '../../src/domain/workflow.ts';
import { receivedCase } from '../helpers/referrals.ts';

const practitioner: Actor = { id: 'practitioner-1', role: 'mash' };
const manager: Actor = { id: 'manager-1', role: 'manager' };
const policeOfficer: Actor = { id: 'police-1', role: 'agency', agency: 'police' };

/** Runs a step that must refuse; returns the error after checking the record it was given is untouched. */
function refusal(record: CaseRecord, step: () => unknown): WorkflowError {
  const before = structuredClone(record);
  let caught: unknown;
  try {
    step();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WorkflowError);
  expect(record).toEqual(before);
  return caught as WorkflowError;
}

function ids(...values: string[]): () => string {
  const queue = [...values];
  return () => {
    const next = queue.shift();
    if (!next) throw new Error('the test ran out of ids');
    return next;
  };
}

// Monday 18 May 2026 10:00 London (BST).
const MONDAY_10 = '2026-05-18T09:00:00.000Z';

describe('rate', () => {
  it.each<[Rag, string]>([
    ['red', '2026-05-18T13:00:00.000Z'], // Mon 14:00: four hours on the clock
    ['amber', '2026-05-19T09:00:00.000Z'], // Tue 10:00: one working day
    ['green', '2026-05-21T09:00:00.000Z'], // Thu 10:00: three working days
  ])('first rating %s: triaged, due %s, history and one audit entry', (rag, due) => {
    const record = receivedCase(MONDAY_10);
    const now = new Date('2026-05-18T13:30:00.000Z');
    const { record: next, audit } = rate(record, { rag }, practitioner, now);
    expect(next).toEqual({
      ...record,
      status: 'triaged',
      rag,
      decisionDueAt: due,
      ratingHistory: [
        { rag, rationale: '', at: '2026-05-18T13:30:00.000Z', by: 'practitioner-1', decisionDueAt: due },
      ],
      version: 2,
    });
    expect(audit).toEqual([
      {
        caseId: 'case-1',
        at: '2026-05-18T13:30:00.000Z',
        actor: 'practitioner-1',
        role: 'mash',
        action: 'case.rated',
        detail: rag,
      },
    ]);
    expect(record.version).toBe(1); // the input is not changed
  });

  it('keeps a first rating’s rationale, trimmed', () => {
    const { record } = rate(
      receivedCase(MONDAY_10),
      { rag: 'green', rationale: '  Known to early help  ' },
      practitioner,
      new Date(MONDAY_10),
    );
    expect(record.ratingHistory[0]!.rationale).toBe('Known to early help');
  });

  it('re-rates from the original receipt time, not from now, and keeps the history', () => {
    const green = rate(receivedCase(MONDAY_10), { rag: 'green' }, practitioner, new Date(MONDAY_10)).record;
    // Wednesday 20 May 13:00 London: the amber deadline (Tuesday 10:00) is already behind us.
    const now = new Date('2026-05-20T12:00:00.000Z');
    const { record, audit } = rate(
      green,
      { rag: 'amber', rationale: 'Bruising seen today' },
      practitioner,
      now,
    );
    expect(record.decisionDueAt).toBe('2026-05-19T09:00:00.000Z');
    expect(record.status).toBe('triaged');
    expect(record.version).toBe(3);
    expect(
      record.ratingHistory.map((change) => [change.rag, change.rationale, change.decisionDueAt]),
    ).toEqual([
      ['green', '', '2026-05-21T09:00:00.000Z'],
      ['amber', 'Bruising seen today', '2026-05-19T09:00:00.000Z'],
    ]);
    expect(audit).toEqual([
      {
        caseId: 'case-1',
        at: '2026-05-20T12:00:00.000Z',
        actor: 'practitioner-1',
        role: 'mash',
        action: 'case.re-rated',
        detail: 'amber (was green)',
      },
    ]);
  });

  it('re-rating to the same rating is still a re-rating, recorded without a "was"', () => {
    const green = rate(receivedCase(MONDAY_10), { rag: 'green' }, practitioner, new Date(MONDAY_10)).record;
    const { audit } = rate(
      green,
      { rag: 'green', rationale: 'Checked again' },
      practitioner,
      new Date(MONDAY_10),
    );
    expect(audit[0]).toMatchObject({ action: 'case.re-rated', detail: 'green' });
  });

  it.each([undefined, '', '   \n\t'])(
    'refuses a re-rating whose rationale is %j (400, path rationale)',
    (rationale) => {
      const green = rate(receivedCase(MONDAY_10), { rag: 'green' }, practitioner, new Date(MONDAY_10)).record;
      const error = refusal(green, () =>
        rate(green, { rag: 'red', rationale }, practitioner, new Date(MONDAY_10)),
      );
      expect([error.status, error.code, error.path]).toEqual([400, 'VALIDATION_FAILED', 'rationale']);
    },
  );

  it('keeps the status of a case that is gathering or ready', () => {
    for (const status of ['gathering', 'ready'] as const) {
      const record = {
        ...rate(receivedCase(MONDAY_10), { rag: 'green' }, practitioner, new Date(MONDAY_10)).record,
        status,
      };
      expect(
        rate(record, { rag: 'red', rationale: 'Escalated' }, practitioner, new Date(MONDAY_10)).record.status,
      ).toBe(status);
    }
  });

  it('takes an immediate-danger case’s first practitioner rating as a rating (the red came from the form)', () => {
    const record = receivedCase(MONDAY_10, {
      immediateDanger: true,
      decisionDueAt: '2026-05-18T13:00:00.000Z',
    });
    const { record: next, audit } = rate(record, { rag: 'amber' }, practitioner, new Date(MONDAY_10));
    expect(next).toMatchObject({
      status: 'triaged',
      rag: 'amber',
      decisionDueAt: '2026-05-19T09:00:00.000Z',
    });
    expect(audit[0]).toMatchObject({ action: 'case.rated', detail: 'amber (was red)' });
  });

  it('refuses a decided case (409 CASE_DECIDED)', () => {
    const record: CaseRecord = { ...receivedCase(MONDAY_10), status: 'decided' };
    const error = refusal(record, () =>
      rate(record, { rag: 'red', rationale: 'x' }, practitioner, new Date(MONDAY_10)),
    );
    expect([error.status, error.code]).toEqual([409, 'CASE_DECIDED']);
  });

  describe('deadlines across London midnight and the clock changes', () => {
    it.each<[string, string, Rag, string]>([
      // Fri 23 Oct 2026 16:55 BST (after Friday's 16:35 close); the clocks go back on Sunday 25th, so the
      // clock starts Mon 26 Oct 08:45 GMT.
      [
        'after Friday close, over the autumn change',
        '2026-10-23T15:55:00.000Z',
        'amber',
        '2026-10-27T08:45:00.000Z',
      ],
      [
        'after Friday close, over the autumn change',
        '2026-10-23T15:55:00.000Z',
        'green',
        '2026-10-29T08:45:00.000Z',
      ],
      [
        'after Friday close, over the autumn change',
        '2026-10-23T15:55:00.000Z',
        'red',
        '2026-10-23T19:55:00.000Z',
      ],
      // Sun 25 Oct 00:30 BST: four elapsed hours later is 03:30 GMT, three hours later on the wall.
      ['red through the autumn change', '2026-10-24T23:30:00.000Z', 'red', '2026-10-25T03:30:00.000Z'],
      // Sat 28 Mar 23:30 GMT: four elapsed hours later is Sun 29 Mar 04:30 BST.
      ['red through the spring change', '2026-03-28T23:30:00.000Z', 'red', '2026-03-29T03:30:00.000Z'],
      // Fri 27 Mar 12:00 GMT → Mon 30 Mar 12:00 BST, the same wall time an hour earlier in UTC.
      ['amber over the spring change', '2026-03-27T12:00:00.000Z', 'amber', '2026-03-30T11:00:00.000Z'],
      // 23:30 UTC on Thu 4 June is Fri 5 June 00:30 in London: the clock starts Fri 08:45 BST.
      [
        'received just after London midnight',
        '2026-06-04T23:30:00.000Z',
        'amber',
        '2026-06-08T07:45:00.000Z',
      ],
      [
        'received just after London midnight',
        '2026-06-04T23:30:00.000Z',
        'green',
        '2026-06-10T07:45:00.000Z',
      ],
      // Mon 8 June 17:10 BST is inside working hours (close 17:30): due Tue 17:10 BST.
      ['received late in the London day', '2026-06-08T16:10:00.000Z', 'amber', '2026-06-09T16:10:00.000Z'],
    ])('%s: received %s, rated %s → due %s', (_label, receivedAt, rag, due) => {
      const { record } = rate(receivedCase(receivedAt), { rag }, practitioner, new Date(receivedAt));
      expect(record.decisionDueAt).toBe(due);
    });
  });
});

describe('overrideConsent', () => {
  it('records a manager’s authorisation, changes nothing else, and audits it without the rationale', () => {
    const record = receivedCase(MONDAY_10);
    const now = new Date('2026-05-18T10:00:00.000Z');
    const { record: next, audit } = overrideConsent(
      record,
      { rationale: 'Telling the parents would put the child at risk' },
      manager,
      now,
    );
    expect(next).toEqual({
      ...record,
      consentOverride: {
        rationale: 'Telling the parents would put the child at risk',
        at: '2026-05-18T10:00:00.000Z',
        by: 'manager-1',
      },
      version: 2,
    });
    expect(audit).toEqual([
      {
        caseId: 'case-1',
        at: '2026-05-18T10:00:00.000Z',
        actor: 'manager-1',
        role: 'manager',
        action: 'consent.overridden',
      },
    ]);
  });

  it('refuses when consent was given (409 CONSENT_GIVEN)', () => {
    const record = receivedCase(MONDAY_10, { consentGiven: true });
    const error = refusal(record, () =>
      overrideConsent(record, { rationale: 'x' }, manager, new Date(MONDAY_10)),
    );
    expect([error.status, error.code]).toEqual([409, 'CONSENT_GIVEN']);
  });

  it('refuses a second override (409 CONSENT_ALREADY_OVERRIDDEN) and keeps the first', () => {
    const once = overrideConsent(
      receivedCase(MONDAY_10),
      { rationale: 'first' },
      manager,
      new Date(MONDAY_10),
    ).record;
    const error = refusal(once, () =>
      overrideConsent(once, { rationale: 'second' }, manager, new Date(MONDAY_10)),
    );
    expect([error.status, error.code]).toEqual([409, 'CONSENT_ALREADY_OVERRIDDEN']);
    expect(once.consentOverride?.rationale).toBe('first');
  });

  it('refuses a decided case (409 CASE_DECIDED) before looking at consent', () => {
    const record: CaseRecord = { ...receivedCase(MONDAY_10, { consentGiven: true }), status: 'decided' };
    const error = refusal(record, () =>
      overrideConsent(record, { rationale: 'x' }, manager, new Date(MONDAY_10)),
    );
    expect(error.code).toBe('CASE_DECIDED');
  });
});

describe('issueRequests', () => {
  const rated = (rag: Rag, options: { consentGiven?: boolean } = { consentGiven: true }) =>
    rate(receivedCase(MONDAY_10, options), { rag }, practitioner, new Date(MONDAY_10)).record;

  it('refuses without consent or an override (409 CONSENT_REQUIRED), even before rating', () => {
    for (const record of [receivedCase(MONDAY_10), rated('amber', { consentGiven: false })]) {
      const error = refusal(record, () =>
        issueRequests(record, { agencies: ['police'] }, practitioner, new Date(MONDAY_10), ids('r1')),
      );
      expect([error.status, error.code]).toEqual([409, 'CONSENT_REQUIRED']);
    }
  });

  it('refuses an unrated case once consent is settled (409 NOT_RATED)', () => {
    for (const record of [
      receivedCase(MONDAY_10, { consentGiven: true }),
      overrideConsent(receivedCase(MONDAY_10), { rationale: 'risk' }, manager, new Date(MONDAY_10)).record,
    ]) {
      const error = refusal(record, () =>
        issueRequests(record, { agencies: ['police'] }, practitioner, new Date(MONDAY_10), ids('r1')),
      );
      expect([error.status, error.code]).toEqual([409, 'NOT_RATED']);
    }
  });

  it('refuses a decided case (409 CASE_DECIDED)', () => {
    const record: CaseRecord = { ...rated('amber'), status: 'decided' };
    const error = refusal(record, () =>
      issueRequests(record, { agencies: ['police'] }, practitioner, new Date(MONDAY_10), ids('r1')),
    );
    expect(error.code).toBe('CASE_DECIDED');
  });

  it('after a manager’s override: one request per agency, due 6 working hours later (amber), the case gathering', () => {
    const overridden = overrideConsent(
      rated('amber', { consentGiven: false }),
      { rationale: 'risk' },
      manager,
      new Date(MONDAY_10),
    ).record;
    // Tue 19 May 15:00 BST: 2½ hours left on Tuesday, 3½ more from Wednesday 08:45 → Wed 12:15 BST.
    const now = new Date('2026-05-19T14:00:00.000Z');
    const step = issueRequests(
      overridden,
      { agencies: ['police', 'health'], questions: '  Any contact with the family?  ' },
      practitioner,
      now,
      ids('r1', 'r2'),
    );
    const subjects = [
      {
        type: 'child',
        firstName: 'Alex',
        lastName: 'Example',
        dateOfBirth: '2015-03-02',
        address: { line1: '1 Example Road', town: 'Norwich', postcode: 'NR1 1AA' },
      },
    ];
    const common = {
      caseId: 'case-1',
      caseReference: 'MASH-AAAA-BBBB',
      questions: 'Any contact with the family?',
      issuedAt: '2026-05-19T14:00:00.000Z',
      issuedBy: 'practitioner-1',
      dueAt: '2026-05-20T11:15:00.000Z',
      rag: 'amber',
      status: 'open',
      subjects,
    };
    expect(step.requests).toEqual([
      { id: 'r1', agency: 'police', ...common },
      { id: 'r2', agency: 'health', ...common },
    ]);
    expect(step.record).toEqual({
      ...overridden,
      status: 'gathering',
      outstandingRequests: 2,
      requestIds: ['r1', 'r2'],
      requestSummaries: [
        {
          id: 'r1',
          agency: 'police',
          issuedAt: '2026-05-19T14:00:00.000Z',
          dueAt: '2026-05-20T11:15:00.000Z',
        },
        {
          id: 'r2',
          agency: 'health',
          issuedAt: '2026-05-19T14:00:00.000Z',
          dueAt: '2026-05-20T11:15:00.000Z',
        },
      ],
      version: overridden.version + 1,
    });
    expect(step.audit).toEqual(
      (['police', 'health'] as const).map((agency) => ({
        caseId: 'case-1',
        at: '2026-05-19T14:00:00.000Z',
        actor: 'practitioner-1',
        role: 'mash',
        action: 'request.issued',
        detail: `${agency}, due 2026-05-20T11:15:00.000Z`,
      })),
    );
  });

  it('gives agencies only what they need to search: no NHS number, no concern, no referrer', () => {
    const step = issueRequests(
      rated('green'),
      { agencies: ['police'] },
      practitioner,
      new Date(MONDAY_10),
      ids('r1'),
    );
    const text = JSON.stringify(step.requests);
    for (const secret of ['943 476 5919', 'hungry', 'Sam Teacher', 'dsl@school.example']) {
      expect(text).not.toContain(secret);
    }
  });

  it('asks the default questions when none (or only spaces) are given', () => {
    for (const questions of [undefined, '   ']) {
      const step = issueRequests(
        rated('green'),
        { agencies: ['police'], questions },
        practitioner,
        new Date(MONDAY_10),
        ids('r1'),
      );
      expect(step.requests[0]!.questions).toBe(DEFAULT_QUESTIONS);
    }
  });

  it.each<[string, Rag, string, string]>([
    // Red: two elapsed hours, through the autumn change (01:30 BST → 02:30 GMT).
    ['red through the autumn change', 'red', '2026-10-25T00:30:00.000Z', '2026-10-25T02:30:00.000Z'],
    // Green: one working day from Fri 23 Oct 16:00 BST → Mon 26 Oct 16:00 GMT.
    ['green over the autumn change', 'green', '2026-10-23T15:00:00.000Z', '2026-10-26T16:00:00.000Z'],
    // Amber from Tue 9 June 00:30 BST (23:30 UTC on the 8th): starts 08:45, six hours → 14:45 BST.
    [
      'amber issued just after London midnight',
      'amber',
      '2026-06-08T23:30:00.000Z',
      '2026-06-09T13:45:00.000Z',
    ],
    // Amber from Mon 8 June 16:30 BST: one hour on Monday, five on Tuesday from 08:45 → 13:45 BST.
    ['amber issued late in the day', 'amber', '2026-06-08T15:30:00.000Z', '2026-06-09T12:45:00.000Z'],
    // Amber from Fri 22 May 16:00 BST: 35 minutes on Friday; Monday 25th is a bank holiday; 5h25 on
    // Tuesday 26th from 08:45 → 14:10 BST.
    ['amber over a bank holiday weekend', 'amber', '2026-05-22T15:00:00.000Z', '2026-05-26T13:10:00.000Z'],
  ])('%s: a %s request issued %s is due %s', (_label, rag, issuedAt, due) => {
    const step = issueRequests(
      rated(rag),
      { agencies: ['police'] },
      practitioner,
      new Date(issuedAt),
      ids('r1'),
    );
    expect(step.requests[0]!.dueAt).toBe(due);
    expect(step.requests[0]!.rag).toBe(rag);
  });

  it('asking again from a ready case makes it gather again and counts the new requests', () => {
    const ready: CaseRecord = {
      ...rated('green'),
      status: 'ready',
      outstandingRequests: 0,
      requestIds: ['r1'],
      requestSummaries: [
        { id: 'r1', agency: 'police', issuedAt: MONDAY_10, dueAt: MONDAY_10, answeredAt: MONDAY_10 },
      ],
    };
    const step = issueRequests(
      ready,
      { agencies: ['housing'] },
      practitioner,
      new Date(MONDAY_10),
      ids('r2'),
    );
    expect(step.record).toMatchObject({
      status: 'gathering',
      outstandingRequests: 1,
      requestIds: ['r1', 'r2'],
    });
    expect(step.record.requestSummaries!.map((summary) => summary.id)).toEqual(['r1', 'r2']);
  });
});

describe('answerRequest', () => {
  // Red, issued Mon 18 May 10:00 BST → due 12:00 BST (11:00 UTC).
  function gathering(agencies: Agency[]) {
    const record = rate(
      receivedCase(MONDAY_10, { consentGiven: true }),
      { rag: 'red' },
      practitioner,
      new Date(MONDAY_10),
    ).record;
    return issueRequests(record, { agencies }, practitioner, new Date(MONDAY_10), ids('r1', 'r2', 'r3'));
  }

  it('records an answer on time at exactly the due instant, and the last answer makes the case ready', () => {
    const issued = gathering(['police']);
    expect(issued.requests[0]!.dueAt).toBe('2026-05-18T11:00:00.000Z');
    const now = new Date('2026-05-18T11:00:00.000Z');
    const step = answerRequest(
      issued.requests[0]!,
      issued.record,
      { information: 'Known to police', releasable: true },
      policeOfficer,
      now,
    );
    expect(step.request).toEqual({
      ...issued.requests[0],
      status: 'answered',
      answer: {
        information: 'Known to police',
        releasable: true,
        answeredAt: '2026-05-18T11:00:00.000Z',
        answeredBy: 'police-1',
        late: false,
      },
    });
    expect(step.record).toEqual({
      ...issued.record,
      status: 'ready',
      outstandingRequests: 0,
      requestSummaries: [{ ...issued.record.requestSummaries![0], answeredAt: '2026-05-18T11:00:00.000Z' }],
      version: issued.record.version + 1,
    });
    expect(step.audit).toEqual([
      {
        caseId: 'case-1',
        at: '2026-05-18T11:00:00.000Z',
        actor: 'police-1',
        role: 'agency',
        agency: 'police',
        action: 'request.answered',
        detail: 'police, releasable',
      },
    ]);
  });

  it('flags an answer one millisecond after the due instant as late', () => {
    const issued = gathering(['police']);
    const step = answerRequest(
      issued.requests[0]!,
      issued.record,
      { information: 'GP notes', releasable: false },
      policeOfficer,
      new Date('2026-05-18T11:00:00.001Z'),
    );
    expect(step.request.answer!.late).toBe(true);
    expect(step.audit[0]!.detail).toBe('police, late, not releasable');
  });

  it('keeps the case gathering while other requests are open', () => {
    const issued = gathering(['police', 'health']);
    const first = answerRequest(
      issued.requests[0]!,
      issued.record,
      { information: 'a', releasable: true },
      policeOfficer,
      new Date(MONDAY_10),
    );
    expect(first.record).toMatchObject({ status: 'gathering', outstandingRequests: 1 });
    expect(first.record.requestSummaries!.map((summary) => summary.answeredAt)).toEqual([
      MONDAY_10,
      undefined,
    ]);
    const second = answerRequest(
      issued.requests[1]!,
      first.record,
      { information: 'b', releasable: false },
      { id: 'health-1', role: 'agency', agency: 'health' },
      new Date(MONDAY_10),
    );
    expect(second.record).toMatchObject({
      status: 'ready',
      outstandingRequests: 0,
      version: issued.record.version + 2,
    });
  });

  it('refuses a second answer (409 ALREADY_ANSWERED)', () => {
    const issued = gathering(['police']);
    const answered = answerRequest(
      issued.requests[0]!,
      issued.record,
      { information: 'a', releasable: true },
      policeOfficer,
      new Date(MONDAY_10),
    );
    const error = refusal(answered.record, () =>
      answerRequest(
        answered.request,
        answered.record,
        { information: 'b', releasable: true },
        policeOfficer,
        new Date(MONDAY_10),
      ),
    );
    expect([error.status, error.code]).toEqual([409, 'ALREADY_ANSWERED']);
  });

  it('still records an answer that arrives after the decision; the case stays decided', () => {
    const issued = gathering(['police']);
    const decided = decide(
      issued.record,
      issued.requests,
      { outcome: 'EARLY_HELP', rationale: 'Family agreed to early help' },
      practitioner,
      new Date(MONDAY_10),
      ids('p1'),
    ).record;
    const step = answerRequest(
      issued.requests[0]!,
      decided,
      { information: 'late news', releasable: true },
      policeOfficer,
      new Date('2026-05-18T12:00:00.000Z'),
    );
    expect(step.record).toMatchObject({
      status: 'decided',
      outstandingRequests: 0,
      version: decided.version + 1,
    });
    expect(step.record.decision).toEqual(decided.decision);
  });
});

describe('checkDecision', () => {
  const children = receivedCase(MONDAY_10);
  const adults = receivedCase(MONDAY_10, { subjectTypes: ['adult'] });
  const both = receivedCase(MONDAY_10, { subjectTypes: ['child', 'adult'] });

  it('refuses an adult outcome for children and a children’s outcome for adults (400, path outcome)', () => {
    for (const [record, outcome] of [
      [children, 'S42_ENQUIRY'],
      [children, 'ADULT_ADVICE'],
      [adults, 'EARLY_HELP'],
      [adults, 'NFA'],
    ] as const) {
      const error = refusal(record, () =>
        checkDecision(record, { outcome, rationale: 'A reason that is long enough here' }),
      );
      expect([error.status, error.code, error.path]).toEqual([400, 'VALIDATION_FAILED', 'outcome']);
    }
  });

  it('accepts either family when the referral names a child and an adult', () => {
    expect(() =>
      checkDecision(both, { outcome: 'S42_ENQUIRY', rationale: 'Care Act enquiry' }),
    ).not.toThrow();
    expect(() =>
      checkDecision(both, { outcome: 'S17_ASSESSMENT', rationale: 'Needs assessment' }),
    ).not.toThrow();
  });

  it.each([
    ['n/a'],
    ['None'],
    ['---'],
    ['No reason'],
    ['Nothing to do here.'], // 19 characters
    ['Insufficientevidenceofharmatall'], // long enough, but one word
    ['Seen by the GP'], // four words, 14 characters
  ])('refuses no further action with the reason %j (400, path rationale)', (rationale) => {
    for (const [record, outcome] of [
      [children, 'NFA'],
      [adults, 'ADULT_NFA'],
    ] as const) {
      const error = refusal(record, () => checkDecision(record, { outcome, rationale }));
      expect([error.status, error.code, error.path]).toEqual([400, 'VALIDATION_FAILED', 'rationale']);
    }
  });

  it('accepts a real reason of exactly 20 characters and four words, spaces around it ignored', () => {
    expect('Known to early help.'.length).toBe(20);
    expect(() =>
      checkDecision(children, { outcome: 'NFA', rationale: '   Known to early help.   ' }),
    ).not.toThrow();
    expect(() =>
      checkDecision(adults, { outcome: 'ADULT_NFA', rationale: 'Known to early help.' }),
    ).not.toThrow();
  });

  it('asks no particular length of the rationale of other outcomes', () => {
    expect(() => checkDecision(children, { outcome: 'LADO', rationale: 'n/a' })).not.toThrow();
  });
});

describe('decide', () => {
  function ratedGreen() {
    return rate(
      receivedCase(MONDAY_10, { consentGiven: true }),
      { rag: 'green' },
      practitioner,
      new Date(MONDAY_10),
    ).record;
  }

  it('records the decision within the timescale at exactly the deadline, and audits it', () => {
    const record = ratedGreen(); // due Thu 21 May 10:00 BST
    const {
      record: next,
      audit,
      product,
    } = decide(
      record,
      [],
      { outcome: 'EARLY_HELP', rationale: 'Family agreed to early help' },
      practitioner,
      new Date('2026-05-21T09:00:00.000Z'),
      ids(),
    );
    expect(product).toBeUndefined();
    expect(next).toEqual({
      ...record,
      status: 'decided',
      decision: {
        outcome: 'EARLY_HELP',
        rationale: 'Family agreed to early help',
        decidedAt: '2026-05-21T09:00:00.000Z',
        decidedBy: 'practitioner-1',
        withinTimescale: true,
      },
      version: record.version + 1,
    });
    expect(next.productId).toBeUndefined();
    expect(audit).toEqual([
      {
        caseId: 'case-1',
        at: '2026-05-21T09:00:00.000Z',
        actor: 'practitioner-1',
        role: 'mash',
        action: 'case.decided',
        detail: 'EARLY_HELP',
      },
    ]);
  });

  it('flags a decision one millisecond after the deadline as late, in the record and the audit', () => {
    const { record, audit } = decide(
      ratedGreen(),
      [],
      { outcome: 'EARLY_HELP', rationale: 'Family agreed to early help' },
      practitioner,
      new Date('2026-05-21T09:00:00.001Z'),
      ids(),
    );
    expect(record.decision!.withinTimescale).toBe(false);
    expect(audit[0]!.detail).toBe('EARLY_HELP, after the deadline');
  });

  it('judges timeliness by the deadline in force at the decision, after a re-rating either way', () => {
    const wednesday = new Date('2026-05-20T09:00:00.000Z'); // Wed 20 May 10:00 BST
    const decideAt = (record: CaseRecord) =>
      decide(
        record,
        [],
        { outcome: 'S17_ASSESSMENT', rationale: 'Needs assessing' },
        practitioner,
        wednesday,
        ids(),
      ).record.decision!.withinTimescale;
    // Green (due Thursday) re-rated amber (due Tuesday): Wednesday is late, though the green deadline is not past.
    const toAmber = rate(
      ratedGreen(),
      { rag: 'amber', rationale: 'Worse' },
      practitioner,
      new Date(MONDAY_10),
    ).record;
    expect(decideAt(toAmber)).toBe(false);
    // Amber re-rated green: Wednesday is within the green deadline.
    const toGreen = rate(
      toAmber,
      { rag: 'green', rationale: 'Better' },
      practitioner,
      new Date(MONDAY_10),
    ).record;
    expect(decideAt(toGreen)).toBe(true);
  });

  it('judges an unrated case by one working day from receipt', () => {
    const record = {
      ...receivedCase(MONDAY_10, { consentGiven: true }),
      decisionDueAt: '2026-05-19T09:00:00.000Z',
    };
    const at = (iso: string) =>
      decide(
        record,
        [],
        { outcome: 'LADO', rationale: 'Allegation about a teacher' },
        practitioner,
        new Date(iso),
        ids(),
      ).record.decision!.withinTimescale;
    expect(at('2026-05-19T08:59:59.999Z')).toBe(true);
    expect(at('2026-05-19T09:00:00.001Z')).toBe(false);
  });

  it('builds the information product from the decision and only the answers released', () => {
    const record = ratedGreen();
    const issued = issueRequests(
      record,
      { agencies: ['police', 'health', 'education'] },
      practitioner,
      new Date(MONDAY_10),
      ids('r1', 'r2', 'r3'),
    );
    const police = answerRequest(
      issued.requests[0]!,
      issued.record,
      { information: 'POLICE-RELEASED', releasable: true },
      policeOfficer,
      new Date(MONDAY_10),
    );
    const health = answerRequest(
      issued.requests[1]!,
      police.record,
      { information: 'HEALTH-WITHHELD', releasable: false },
      { id: 'health-1', role: 'agency', agency: 'health' },
      new Date(MONDAY_10),
    );
    const now = new Date('2026-05-19T10:00:00.000Z');
    const step = decide(
      health.record,
      [police.request, health.request, issued.requests[2]!],
      {
        outcome: 'STRATEGY_DISCUSSION_S47',
        rationale: 'Risk of significant harm',
        recipientAgency: 'childrens-social-care',
      },
      practitioner,
      now,
      ids('p1'),
    );
    expect(step.product).toEqual({
      id: 'p1',
      caseId: 'case-1',
      caseReference: 'MASH-AAAA-BBBB',
      recipientAgency: 'childrens-social-care',
      outcome: 'STRATEGY_DISCUSSION_S47',
      outcomeDescription: 'A strategy discussion about the child’s safety (section 47)',
      rationale: 'Risk of significant harm',
      decidedAt: '2026-05-19T10:00:00.000Z',
      subjects: issued.requests[0]!.subjects,
      releasableAnswers: [{ agency: 'police', information: 'POLICE-RELEASED' }],
      sentAt: '2026-05-19T10:00:00.000Z',
    });
    expect(JSON.stringify(step.product)).not.toContain('HEALTH-WITHHELD');
    // Decided while education's request is still open: allowed, and the count is left as it was.
    expect(step.record).toMatchObject({
      status: 'decided',
      productId: 'p1',
      outstandingRequests: 1,
      decision: { recipientAgency: 'childrens-social-care', withinTimescale: true },
    });
    expect(step.audit[0]!.detail).toBe('STRATEGY_DISCUSSION_S47, product to childrens-social-care');
  });

  it('decides a case that was never rated, in immediate danger, by its four-hour deadline', () => {
    const record = receivedCase(MONDAY_10, {
      immediateDanger: true,
      decisionDueAt: '2026-05-18T13:00:00.000Z',
    });
    const step = decide(
      record,
      [],
      { outcome: 'IMMEDIATE_PROTECTION', rationale: 'Police protection', recipientAgency: 'police' },
      practitioner,
      new Date('2026-05-18T13:00:00.001Z'), // Mon 14:00:00.001 BST, just past four hours
      ids('p1'),
    );
    expect(step.record.decision!.withinTimescale).toBe(false);
    expect(step.audit[0]!.detail).toBe('IMMEDIATE_PROTECTION, after the deadline, product to police');
  });

  it('refuses a second decision (409 ALREADY_DECIDED)', () => {
    const decided = decide(
      ratedGreen(),
      [],
      { outcome: 'EARLY_HELP', rationale: 'Agreed' },
      practitioner,
      new Date(MONDAY_10),
      ids(),
    ).record;
    const error = refusal(decided, () =>
      decide(
        decided,
        [],
        { outcome: 'LADO', rationale: 'Changed mind' },
        practitioner,
        new Date(MONDAY_10),
        ids('p1'),
      ),
    );
    expect([error.status, error.code]).toEqual([409, 'ALREADY_DECIDED']);
  });

  it('refuses an outcome that does not fit before deciding anything', () => {
    const record = ratedGreen();
    const error = refusal(record, () =>
      decide(record, [], { outcome: 'NFA', rationale: 'n/a' }, practitioner, new Date(MONDAY_10), ids('p1')),
    );
    expect(error.path).toBe('rationale');
  });

  it('leaves every later change refused once decided, except an agency’s answer', () => {
    const issued = issueRequests(
      ratedGreen(),
      { agencies: ['police'] },
      practitioner,
      new Date(MONDAY_10),
      ids('r1'),
    );
    const decided = decide(
      issued.record,
      issued.requests,
      { outcome: 'EARLY_HELP', rationale: 'Agreed' },
      practitioner,
      new Date(MONDAY_10),
      ids(),
    ).record;
    const now = new Date(MONDAY_10);
    const codes = [
      () => rate(decided, { rag: 'red', rationale: 'x' }, practitioner, now),
      () =>
        overrideConsent(
          {
            ...decided,
            referral: {
              ...decided.referral,
              consent: { parentsAware: false, consentGiven: false, reasonIfNot: 'x' },
            },
          },
          { rationale: 'x' },
          manager,
          now,
        ),
      () => issueRequests(decided, { agencies: ['health'] }, practitioner, now, ids('r2')),
      () => decide(decided, [], { outcome: 'LADO', rationale: 'x' }, practitioner, now, ids()),
    ].map((step) => refusal(decided, step).code);
    expect(codes).toEqual(['CASE_DECIDED', 'CASE_DECIDED', 'CASE_DECIDED', 'ALREADY_DECIDED']);
    expect(() =>
      answerRequest(issued.requests[0]!, decided, { information: 'x', releasable: true }, policeOfficer, now),
    ).not.toThrow();
  });
});

describe('re-referral dates are London dates (DOMAIN.md: by London date)', () => {
  it.each([
    // BST: 23:30 UTC is already tomorrow in London.
    ['2026-05-31T23:30:00.000Z', '2026-06-01'],
    ['2026-06-01T22:59:59.999Z', '2026-06-01'],
    ['2026-06-01T23:00:00.000Z', '2026-06-02'],
    // GMT: London is UTC.
    ['2026-01-15T23:30:00.000Z', '2026-01-15'],
    // The night the clocks go forward (Sun 29 Mar 2026, 01:00 UTC) and back (Sun 25 Oct 2026, 01:00 UTC).
    ['2026-03-29T00:30:00.000Z', '2026-03-29'],
    ['2026-03-29T23:30:00.000Z', '2026-03-30'],
    ['2026-10-24T23:30:00.000Z', '2026-10-25'],
    ['2026-10-25T23:30:00.000Z', '2026-10-25'],
  ])('%s falls on London date %s', (instant, date) => {
    expect(londonIsoDate(new Date(instant))).toBe(date);
  });

  it('a referral at 00:30 BST on 1 June is inside the window of one at 23:30 BST on 1 June a year later', () => {
    const earlier = londonIsoDate(new Date('2025-05-31T23:30:00.000Z')); // Sun 1 June 2025 00:30 BST
    const later = londonIsoDate(new Date('2026-06-01T22:30:00.000Z')); // Mon 1 June 2026 23:30 BST
    expect([earlier, later]).toEqual(['2025-06-01', '2026-06-01']);
    expect(reReferralWindowStartDate(later, 12)).toBe('2025-06-01');
  });

  it('a referral at 00:30 BST on 2 June is a day too late for one on 1 June the year before', () => {
    const later = londonIsoDate(new Date('2026-06-01T23:30:00.000Z')); // Tue 2 June 2026 00:30 BST
    expect(reReferralWindowStartDate(later, 12)).toBe('2025-06-02');
    expect(reReferralWindowStartDate(later, 12) <= '2025-06-01').toBe(false);
  });
});
