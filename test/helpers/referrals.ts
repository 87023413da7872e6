/** Referral bodies for tests: valid by default, with made-up people only. */
import type { CaseRecord } from '../../src/domain/case.ts';
import type { ReferralInput } from '../../src/domain/referral.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function validReferral(overrides: Partial<ReferralInput> = {}): Mutable<ReferralInput> {
  return {
    immediateDanger: false,
    referrer: {
      name: 'Sam Teacher',
      role: 'Designated safeguarding lead',
      organisation: 'Example Primary School',
      email: 'dsl@school.example',
      phone: '01632 960001',
      source: '2A',
      relationship: 'Class teacher',
    },
    subjects: [
      {
        type: 'child',
        firstName: 'Alex',
        lastName: 'Example',
        dateOfBirth: '2015-03-02',
        nhsNumber: '943 476 5919',
        address: { line1: '1 Example Road', town: 'Norwich', postcode: 'NR1 1AA' },
      },
    ],
    consent: {
      parentsAware: true,
      consentGiven: false,
      reasonIfNot: 'Telling the parents could put the child at risk',
    },
    concern: {
      categories: ['neglect'],
      summary: 'Child often arrives hungry and in unwashed clothes',
      details: 'Seen: arrives without breakfast most days. Said: "there is no food at home".',
    },
    ...overrides,
  };
}

/** A case as intake leaves it: received, unrated (unless in immediate danger), version 1. */
export function receivedCase(
  receivedAt: string,
  options: {
    consentGiven?: boolean;
    immediateDanger?: boolean;
    subjectTypes?: Array<'child' | 'adult'>;
    decisionDueAt?: string;
  } = {},
): CaseRecord {
  const referral = validReferral({ immediateDanger: options.immediateDanger ?? false });
  if (options.consentGiven) referral.consent = { parentsAware: true, consentGiven: true };
  if (options.subjectTypes) {
    referral.subjects = options.subjectTypes.map((type, index) => ({
      type,
      firstName: `Person${index}`,
      lastName: 'Example',
      dateOfBirth: type === 'child' ? '2015-03-02' : '1980-01-01',
    }));
  }
  return {
    id: 'case-1',
    reference: 'MASH-AAAA-BBBB',
    status: 'received',
    rag: options.immediateDanger ? 'red' : null,
    receivedAt,
    decisionDueAt: options.decisionDueAt ?? receivedAt,
    immediateDanger: options.immediateDanger ?? false,
    referral,
    receiptTokenHash: 'hash',
    subjectIdentityKeys: [],
    reReferral: false,
    reReferralOf: [],
    ratingHistory: [],
    version: 1,
  };
}
