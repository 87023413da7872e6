import { describe, expect, it } from 'vitest';
import {
  reReferralWindowStartDate,
  subjectIdentityKey,
  subjectIdentityKeys,
} from '../../src/domain/identity.ts';
import { hashToken, newReference, REFERENCE_PATTERN, tokenMatches } from '../../src/domain/tokens.ts';

const child = { type: 'child' as const, firstName: 'Zoë', lastName: "O'Brien", dateOfBirth: '2016-04-05' };

describe('subject identity', () => {
  it('matches on the NHS number whatever its spacing', () => {
    expect(subjectIdentityKey({ ...child, nhsNumber: '943 476 5919' })).toBe(
      subjectIdentityKey({ ...child, firstName: 'Other', nhsNumber: '9434765919' }),
    );
  });

  it('matches on normalised name and date of birth without an NHS number', () => {
    expect(subjectIdentityKey(child)).toBe(
      subjectIdentityKey({ ...child, firstName: ' zoe ', lastName: 'OBRIEN' }),
    );
    expect(subjectIdentityKey(child)).not.toBe(subjectIdentityKey({ ...child, dateOfBirth: '2016-04-06' }));
  });

  it('cannot match without a date of birth or NHS number', () => {
    expect(subjectIdentityKey({ ...child, dateOfBirth: undefined })).toBeUndefined();
  });

  it('keys a subject with an NHS number by name and date of birth too, and never leaks either', () => {
    const keys = subjectIdentityKeys({ ...child, nhsNumber: '9434765919' });
    expect(keys).toHaveLength(2);
    expect(keys).toContain(subjectIdentityKey(child));
    for (const key of keys) expect(key).not.toMatch(/943|obrien|2016/i);
  });
});

describe('re-referral window (DOMAIN.md)', () => {
  it('2025-06-01 is inside the window of 2026-06-01, and outside that of 2026-06-02', () => {
    expect(reReferralWindowStartDate('2026-06-01', 12) <= '2025-06-01').toBe(true);
    expect(reReferralWindowStartDate('2026-06-02', 12) <= '2025-06-01').toBe(false);
  });

  it('handles leap days and year ends', () => {
    expect(reReferralWindowStartDate('2028-02-29', 12)).toBe('2027-02-28');
    expect(reReferralWindowStartDate('2027-01-15', 12)).toBe('2026-01-15');
    expect(reReferralWindowStartDate('2026-03-31', 1)).toBe('2026-02-28');
  });
});

describe('references and receipt tokens', () => {
  it('makes readable, well-formed references', () => {
    const references = new Set(Array.from({ length: 2000 }, newReference));
    expect(references.size).toBe(2000);
    for (const reference of references) expect(reference).toMatch(REFERENCE_PATTERN);
  });

  it('checks a token against its hash only', () => {
    const hash = hashToken('secret-token');
    expect(tokenMatches('secret-token', hash)).toBe(true);
    expect(tokenMatches('secret-tokeN', hash)).toBe(false);
    expect(tokenMatches('secret-token', undefined)).toBe(false);
    expect(hash).not.toContain('secret');
  });
});
