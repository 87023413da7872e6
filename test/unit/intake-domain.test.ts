/**
 * The pure intake rules (src/domain/intake.ts): what a referral becomes, with every expectation
 * worked out by hand from DOMAIN.md (working hours 08:45-17:30, Fridays to 16:35, England bank
 * holidays; 25 May 2026 is the spring bank holiday). No store, no clock: the inputs are the arguments.
 */
import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src/domain/case.ts';
import { subjectIdentityKeys } from '../../src/domain/identity.ts';
import {
  type NewCaseIdentifiers,
  type OpenCaseInput,
  openCase,
  referrerFeedback,
  referrerStatusView,
  type SubjectSighting,
  sightingLookup,
} from '../../src/domain/intake.ts';
import type { ReferralInput } from '../../src/domain/referral.ts';
import { hashToken, tokenMatches } from '../../src/domain/tokens.ts';
import { validReferral } from '../helpers/referrals.ts';

const identifiers: NewCaseIdentifiers = {
  caseId: '0b7f4c1e-5d8a-4f7e-9a51-3c2d1e0f9a8b',
  reference: 'MASH-7K3Q-9XBD',
  receiptToken: 'receipt-token-for-tests',
};

function open(referral: ReferralInput, receivedAt: string, overrides: Partial<OpenCaseInput> = {}) {
  return openCase({
    referral,
    received: new Date(receivedAt),
    earlierSightings: [],
    reReferralWindowMonths: 12,
    identifiers,
    ...overrides,
  });
}

/** A referral of one child known by name and date of birth only: one identity key. */
function referralOf(firstName: string, immediateDanger = false): ReferralInput {
  const referral = validReferral({ immediateDanger });
  referral.subjects = [{ type: 'child', firstName, lastName: 'Example', dateOfBirth: '2014-01-09' }];
  return referral;
}

/** The sightings an earlier referral of the same people left, as intake made them. */
function earlierReferral(referral: ReferralInput, receivedAt: string, reference: string): SubjectSighting[] {
  return open(referral, receivedAt, {
    identifiers: { ...identifiers, caseId: `case-${reference}`, reference },
  }).sightings;
}

describe('openCase: the case record and receipt', () => {
  it('carries the given identifiers, keeps only the hash of the receipt token, and starts at version 1', () => {
    const referral = validReferral();
    const opened = open(referral, '2026-05-26T09:00:00.000Z');
    expect(opened.record).toMatchObject({
      id: identifiers.caseId,
      reference: identifiers.reference,
      status: 'received',
      receivedAt: '2026-05-26T09:00:00.000Z',
      immediateDanger: false,
      referral,
      ratingHistory: [],
      version: 1,
    });
    expect(opened.record.receiptTokenHash).toBe(hashToken(identifiers.receiptToken));
    expect(opened.record.receiptTokenHash).not.toContain(identifiers.receiptToken);
    expect(JSON.stringify(opened.record)).not.toContain(identifiers.receiptToken);
    expect(tokenMatches(opened.receipt.receiptToken, opened.record.receiptTokenHash)).toBe(true);
    expect(opened.receipt).toEqual({
      reference: identifiers.reference,
      receiptToken: identifiers.receiptToken,
      status: 'received',
      receivedAt: '2026-05-26T09:00:00.000Z',
      decisionDueAt: opened.record.decisionDueAt,
    });
  });

  it('is a function of its arguments: the same input gives the same case, and the input is untouched', () => {
    const referral = referralOf('Robin');
    const earlier = Object.freeze(
      earlierReferral(referral, '2026-01-05T10:00:00.000Z', 'MASH-0000-0001').map((s) => Object.freeze(s)),
    );
    const input: OpenCaseInput = {
      referral,
      received: new Date('2026-05-26T09:00:00.000Z'),
      earlierSightings: earlier,
      reReferralWindowMonths: 12,
      identifiers,
    };
    expect(openCase(input)).toEqual(openCase(input));
    expect(earlier).toHaveLength(1);
  });
});

describe('openCase: the decision deadline', () => {
  it('an unrated referral on a Tuesday morning is due at the same time the next working day', () => {
    const opened = open(validReferral(), '2026-05-26T09:00:00.000Z'); // Tue 10:00 London
    expect(opened.record.rag).toBeNull();
    expect(opened.record.decisionDueAt).toBe('2026-05-27T09:00:00.000Z'); // Wed 10:00 London
  });

  it('an unrated referral on a Friday afternoon skips the weekend and the bank holiday Monday', () => {
    const opened = open(validReferral(), '2026-05-22T15:00:00.000Z'); // Fri 16:00 London
    expect(opened.record.decisionDueAt).toBe('2026-05-26T15:00:00.000Z'); // Tue 16:00 London
  });

  it('an unrated referral on a Saturday night starts its clock at the next opening', () => {
    const opened = open(validReferral(), '2026-05-23T21:30:00.000Z'); // Sat 22:30 London
    // The clock starts Tue 08:45 (Monday is a bank holiday); one working day later is Wed 08:45.
    expect(opened.record.decisionDueAt).toBe('2026-05-27T07:45:00.000Z');
  });

  it('immediate danger is rated red at once and due four hours later, round the clock', () => {
    const opened = open(validReferral({ immediateDanger: true }), '2026-05-23T21:30:00.000Z');
    expect(opened.record.rag).toBe('red');
    expect(opened.record.immediateDanger).toBe(true);
    expect(opened.record.decisionDueAt).toBe('2026-05-24T01:30:00.000Z');
    expect(opened.receipt.decisionDueAt).toBe('2026-05-24T01:30:00.000Z');
  });
});

describe('openCase: re-referrals', () => {
  const received = '2026-06-01T08:00:00.000Z'; // 09:00 London, 1 June 2026: the window opens 1 June 2025

  it('is a re-referral of an earlier referral of the same person on the first day of the window', () => {
    const referral = referralOf('Robin');
    const earlier = earlierReferral(referral, '2025-06-01T11:00:00.000Z', 'MASH-0000-0001');
    const opened = open(referral, received, { earlierSightings: earlier });
    expect(opened.record.reReferral).toBe(true);
    expect(opened.record.reReferralOf).toEqual(['MASH-0000-0001']);
  });

  it('counts the window in London dates: 23:30 UTC on 31 May 2025 is 1 June in London, so inside', () => {
    const referral = referralOf('Robin');
    const earlier = earlierReferral(referral, '2025-05-31T23:30:00.000Z', 'MASH-0000-0002');
    expect(earlier[0]!.receivedDate).toBe('2025-06-01');
    expect(open(referral, received, { earlierSightings: earlier }).record.reReferralOf).toEqual([
      'MASH-0000-0002',
    ]);
  });

  it('is not a re-referral of one on the day before the window opens', () => {
    const referral = referralOf('Robin');
    const earlier = earlierReferral(referral, '2025-05-31T11:00:00.000Z', 'MASH-0000-0003');
    const opened = open(referral, received, { earlierSightings: earlier });
    expect(opened.record.reReferral).toBe(false);
    expect(opened.record.reReferralOf).toEqual([]);
  });

  it('ignores a sighting received after this referral (a later concurrent one) and other people', () => {
    const referral = referralOf('Robin');
    const later = earlierReferral(referral, '2026-06-01T08:00:00.001Z', 'MASH-0000-0004');
    const someoneElse = earlierReferral(referralOf('Sky'), '2026-03-01T10:00:00.000Z', 'MASH-0000-0005');
    const opened = open(referral, received, { earlierSightings: [...later, ...someoneElse] });
    expect(opened.record.reReferral).toBe(false);
  });

  it('names each earlier reference once, however many of the subjects it matched on', () => {
    const referral = validReferral(); // one child with an NHS number: two identity keys
    const earlier = earlierReferral(referral, '2026-02-02T10:00:00.000Z', 'MASH-0000-0006');
    expect(earlier).toHaveLength(2);
    const opened = open(referral, received, {
      earlierSightings: [
        ...earlier,
        ...earlierReferral(referral, '2026-03-03T10:00:00.000Z', 'MASH-0000-0007'),
      ],
    });
    expect(opened.record.reReferralOf).toEqual(['MASH-0000-0006', 'MASH-0000-0007']);
  });

  it('uses the window length it is given (six months from 1 June opens on 1 December)', () => {
    const referral = referralOf('Robin');
    const earlier = earlierReferral(referral, '2025-11-30T11:00:00.000Z', 'MASH-0000-0008');
    expect(open(referral, received, { earlierSightings: earlier }).record.reReferral).toBe(true);
    expect(
      open(referral, received, { earlierSightings: earlier, reReferralWindowMonths: 6 }).record.reReferral,
    ).toBe(false);
  });
});

describe('openCase: sightings and the audit record', () => {
  it('writes one sighting per distinct identity key of its subjects, none for a subject it cannot match', () => {
    const referral = validReferral();
    const withNhs = referral.subjects[0]!;
    const byName = { type: 'child' as const, firstName: 'Sky', lastName: 'Once', dateOfBirth: '2013-02-10' };
    const unmatchable = { type: 'child' as const, firstName: 'No', lastName: 'Birthday' };
    referral.subjects = [withNhs, byName, unmatchable, { ...byName }];
    const opened = open(referral, '2026-05-31T23:30:00.000Z');

    const keys = [...subjectIdentityKeys(withNhs), ...subjectIdentityKeys(byName)];
    expect(keys).toHaveLength(3);
    expect(opened.record.subjectIdentityKeys).toEqual(keys);
    expect(opened.sightings).toEqual(
      keys.map((identityKey) => ({
        identityKey,
        caseId: identifiers.caseId,
        reference: identifiers.reference,
        receivedAt: '2026-05-31T23:30:00.000Z',
        receivedDate: '2026-06-01',
      })),
    );
  });

  it('audits the receipt as the referrer, naming the source and what intake decided', () => {
    const plain = open(referralOf('Robin'), '2026-05-26T09:00:00.000Z');
    expect(plain.audit).toEqual({
      caseId: identifiers.caseId,
      at: '2026-05-26T09:00:00.000Z',
      actor: 'referrer',
      role: 'referrer',
      action: 'referral.received',
      detail: 'source 2A',
    });

    const danger = referralOf('Robin', true);
    const earlier = earlierReferral(danger, '2026-01-05T10:00:00.000Z', 'MASH-0000-0009');
    expect(open(danger, '2026-05-26T09:00:00.000Z').audit.detail).toBe(
      'source 2A, immediate danger: rated red',
    );
    expect(
      open(referralOf('Robin'), '2026-05-26T09:00:00.000Z', { earlierSightings: earlier }).audit.detail,
    ).toBe('source 2A, re-referral');
    expect(open(danger, '2026-05-26T09:00:00.000Z', { earlierSightings: earlier }).audit.detail).toBe(
      'source 2A, immediate danger: rated red, re-referral',
    );
  });
});

describe('sightingLookup', () => {
  it('reads every identity key of the referral from the first London date of the window', () => {
    const referral = validReferral();
    expect(sightingLookup(referral, new Date('2026-05-31T23:30:00.000Z'), 12)).toEqual({
      identityKeys: subjectIdentityKeys(referral.subjects[0]!),
      fromDate: '2025-06-01',
    });
  });
});

describe('what a referrer may see and say with their receipt token', () => {
  const now = new Date('2026-06-02T10:00:00.000Z');
  const opened = open(validReferral(), '2026-05-26T09:00:00.000Z');
  const decided: CaseRecord = {
    ...opened.record,
    status: 'decided',
    decision: {
      outcome: 'NFA',
      rationale: 'Universal services are enough',
      decidedAt: '2026-05-27T08:00:00.000Z',
      decidedBy: 'practitioner-1',
      withinTimescale: true,
    },
  };

  it('shows the status (and the outcome once decided) with the case’s own token, and audits the view', () => {
    expect(referrerStatusView(opened.record, identifiers.receiptToken, now)).toEqual({
      view: { reference: identifiers.reference, status: 'received' },
      audit: {
        caseId: identifiers.caseId,
        at: '2026-06-02T10:00:00.000Z',
        actor: 'referrer',
        role: 'referrer',
        action: 'status.viewed',
      },
    });
    expect(referrerStatusView(decided, identifiers.receiptToken, now)?.view).toEqual({
      reference: identifiers.reference,
      status: 'decided',
      outcome: 'NFA',
    });
  });

  it('shows nothing with another token or without a case', () => {
    expect(referrerStatusView(opened.record, 'someone-elses-token', now)).toBeUndefined();
    expect(referrerStatusView(undefined, identifiers.receiptToken, now)).toBeUndefined();
  });

  it('records feedback with the case’s receipt date, only what was given, and audits it', () => {
    const input = { reference: identifiers.reference, receiptToken: identifiers.receiptToken };
    expect(
      referrerFeedback(opened.record, { ...input, helpful: true, rating: 4, comment: 'Quick' }, now),
    ).toEqual({
      caseId: identifiers.caseId,
      feedback: {
        at: '2026-06-02T10:00:00.000Z',
        helpful: true,
        rating: 4,
        comment: 'Quick',
        caseReceivedAt: '2026-05-26T09:00:00.000Z',
      },
      audit: {
        caseId: identifiers.caseId,
        at: '2026-06-02T10:00:00.000Z',
        actor: 'referrer',
        role: 'referrer',
        action: 'feedback.received',
      },
    });
    expect(referrerFeedback(opened.record, { ...input, helpful: false, comment: '' }, now)?.feedback).toEqual(
      {
        at: '2026-06-02T10:00:00.000Z',
        helpful: false,
        caseReceivedAt: '2026-05-26T09:00:00.000Z',
      },
    );
    expect(
      referrerFeedback(opened.record, { ...input, receiptToken: 'wrong', helpful: true }, now),
    ).toBeUndefined();
    expect(referrerFeedback(undefined, { ...input, helpful: true }, now)).toBeUndefined();
  });
});
