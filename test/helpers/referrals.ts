/** Referral bodies for tests: valid by default, with made-up people only. */
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
