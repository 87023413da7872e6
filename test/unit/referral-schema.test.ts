import { describe, expect, it } from 'vitest';
import { parseReferral } from '../../src/domain/referral.ts';
import { validReferral } from '../helpers/referrals.ts';

const today = '2026-11-27';

describe('referral schema', () => {
  it('accepts the body CONTRACT.md shows', () => {
    const result = parseReferral(validReferral(), today);
    expect(result.ok).toBe(true);
  });

  it('names every invalid field with a dotted path', () => {
    const result = parseReferral(
      {
        immediateDanger: 'no',
        referrer: { source: '2A' },
        subjects: [
          { type: 'child', firstName: 'A', lastName: 'B', dateOfBirth: '2015-02-31', nhsNumber: '12' },
        ],
        consent: { parentsAware: true, consentGiven: false },
        concern: { categories: ['neglect', 'made-up'], summary: '', details: 'x' },
      },
      today,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'immediateDanger',
        'referrer.name',
        'referrer.role',
        'referrer.organisation',
        'referrer.email',
        'subjects.0.dateOfBirth',
        'subjects.0.nhsNumber',
        'consent.reasonIfNot',
        'concern.categories.1',
        'concern.summary',
      ]),
    );
    for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(5);
  });

  it('lets the public be anonymous but not professionals', () => {
    const anonymous = validReferral();
    anonymous.referrer = { source: '9' };
    expect(parseReferral(anonymous, today).ok).toBe(true);

    const professional = validReferral();
    professional.referrer = { source: '6', name: 'PC Example' };
    const result = parseReferral(professional, today);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((i) => i.path)).toEqual([
        'referrer.role',
        'referrer.organisation',
        'referrer.email',
      ]);
  });

  it('requires a reason when consent was not given, and not otherwise', () => {
    const withConsent = validReferral();
    withConsent.consent = { parentsAware: true, consentGiven: true };
    expect(parseReferral(withConsent, today).ok).toBe(true);
    const without = validReferral();
    without.consent = { parentsAware: false, consentGiven: false, reasonIfNot: '   ' };
    const result = parseReferral(without, today);
    expect(!result.ok && result.issues[0]?.path).toBe('consent.reasonIfNot');
  });

  it('refuses birth dates in the future and children of 18 or over, counted on the London date', () => {
    const future = validReferral();
    future.subjects[0]!.dateOfBirth = '2026-11-28';
    expect(parseReferral(future, today)).toMatchObject({
      ok: false,
      issues: [{ path: 'subjects.0.dateOfBirth' }],
    });

    const eighteenToday = validReferral();
    eighteenToday.subjects[0]!.dateOfBirth = '2008-11-27';
    expect(parseReferral(eighteenToday, today).ok).toBe(false);
    eighteenToday.subjects[0]!.dateOfBirth = '2008-11-28';
    expect(parseReferral(eighteenToday, today).ok).toBe(true);
  });

  it('takes Care Act s42 answers for adults only', () => {
    const adult = validReferral();
    adult.subjects[0] = {
      type: 'adult',
      firstName: 'Ada',
      lastName: 'Example',
      dateOfBirth: '1950-01-01',
      s42: { careAndSupportNeeds: true, atRiskOfAbuse: true, unableToProtectSelf: false },
    };
    expect(parseReferral(adult, today).ok).toBe(true);
    const child = validReferral();
    child.subjects[0]!.s42 = { careAndSupportNeeds: true, atRiskOfAbuse: true, unableToProtectSelf: true };
    expect(parseReferral(child, today)).toMatchObject({ ok: false, issues: [{ path: 'subjects.0.s42' }] });
  });

  it('keeps hostile text as data', () => {
    const hostile = validReferral();
    hostile.subjects[0]!.firstName = '<script>alert(1)</script>';
    const result = parseReferral(hostile, today);
    expect(result.ok && result.referral.subjects[0]!.firstName).toBe('<script>alert(1)</script>');
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, 42, 'text', []]) {
      const result = parseReferral(body, today);
      expect(result.ok).toBe(false);
    }
  });
});
