/** The referral form's fields → the referral object, and zod's paths → the fields that show each error. */
import { describe, expect, it } from 'vitest';
import { parseReferral } from '../../src/domain/referral.ts';
import {
  firstUnansweredStep,
  issueLink,
  newDraft,
  type ReferralDraft,
  referralFromDraft,
} from '../../src/pages/refer/draft.ts';
import {
  parseDateInput,
  readConcern,
  readConsent,
  readHouseholdMember,
  readReferrer,
  readSubject,
  subjectValues,
} from '../../src/pages/refer/fields.ts';
import { parseFormBody } from '../../src/pages/shared/http.ts';

const TODAY = '2026-05-26';
const form = (body: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(body))
    for (const one of [value].flat()) params.append(name, one);
  return parseFormBody(params.toString());
};
const date = (prefix: string, day: string, month: string, year: string) => ({
  [`${prefix}-day`]: day,
  [`${prefix}-month`]: month,
  [`${prefix}-year`]: year,
});

describe('form bodies', () => {
  it('keeps every value of a repeated name, decodes + and percent escapes', () => {
    expect(parseFormBody('categories=neglect&categories=cse&name=Jo+O%27Neil&empty=')).toEqual({
      categories: ['neglect', 'cse'],
      name: ["Jo O'Neil"],
      empty: [''],
    });
  });
});

describe('GOV.UK date inputs', () => {
  it('turns day, month and year into an ISO date, accepting month names', () => {
    expect(parseDateInput(form(date('d', '2', '3', '2015')), 'd', 'Date')).toEqual({ value: '2015-03-02' });
    expect(parseDateInput(form(date('d', '02', 'Mar', '2015')), 'd', 'Date')).toEqual({
      value: '2015-03-02',
    });
    expect(parseDateInput(form(date('d', ' 29 ', 'february', '2024')), 'd', 'Date')).toEqual({
      value: '2024-02-29',
    });
  });

  it('treats an empty date as not given', () => {
    expect(parseDateInput(form(date('d', '', '', '')), 'd', 'Date')).toEqual({ value: undefined });
    expect(parseDateInput(form({}), 'd', 'Date')).toEqual({ value: undefined });
  });

  it('says which part is missing or wrong, and points at it', () => {
    expect(parseDateInput(form(date('d', '2', '', '2015')), 'd', 'Date of birth').error).toEqual({
      field: 'd-month',
      message: 'Date of birth must include a month',
      dateParts: ['month'],
    });
    expect(parseDateInput(form(date('d', '', '', '2015')), 'd', 'Date of birth').error?.message).toBe(
      'Date of birth must include a day and a month',
    );
    expect(parseDateInput(form(date('d', '31', '2', '2015')), 'd', 'Date of birth').error).toEqual({
      field: 'd-day',
      message: 'Date of birth must be a real date',
      dateParts: ['day', 'month', 'year'],
    });
    expect(parseDateInput(form(date('d', '2', '13', '2015')), 'd', 'Date').error?.dateParts).toEqual([
      'month',
    ]);
    expect(parseDateInput(form(date('d', '2', '3', '15')), 'd', 'Date').error).toMatchObject({
      field: 'd-year',
      message: 'Year must include 4 numbers',
    });
    expect(parseDateInput(form(date('d', 'x', '3', '2015')), 'd', 'Date').error?.field).toBe('d-day');
  });
});

describe('your details', () => {
  it('lets only the public (source 9) be anonymous', () => {
    expect(readReferrer(form({ source: '9' }))).toEqual({ ok: true, value: { source: '9' } });
    const professional = readReferrer(form({ source: '3A', name: '' }));
    expect(professional.ok).toBe(false);
    if (!professional.ok) {
      expect(professional.errors.map((e) => e.field)).toEqual(['name', 'role', 'organisation', 'email']);
      expect(professional.errors[0]!.message).toBe('Enter your name');
    }
  });

  it('asks for the source first, then shows the rest in page order', () => {
    const outcome = readReferrer(form({ source: 'ZZ', email: 'not-an-email' }));
    expect(!outcome.ok && outcome.errors.map((e) => e.field)).toEqual(['source', 'email']);
  });
});

describe('a person', () => {
  it('builds the subject the API takes: dates, booleans, an address only when given', () => {
    const outcome = readSubject(
      form({
        type: 'adult',
        firstName: ' Alex ',
        lastName: 'Example',
        ...date('dateOfBirth', '2', '3', '1950'),
        ...date('expectedDueDate', '', '', ''),
        interpreterNeeded: 'yes',
        nhsNumber: '943 476 5919',
        addressLine1: '',
        addressPostcode: '',
        gender: '',
      }),
      TODAY,
      { careAndSupportNeeds: true, atRiskOfAbuse: true, unableToProtectSelf: false },
    );
    expect(outcome).toEqual({
      ok: true,
      value: {
        type: 'adult',
        firstName: 'Alex',
        lastName: 'Example',
        dateOfBirth: '1950-03-02',
        interpreterNeeded: true,
        nhsNumber: '943 476 5919',
        s42: { careAndSupportNeeds: true, atRiskOfAbuse: true, unableToProtectSelf: false },
      },
    });
  });

  it('maps nested schema paths to their fields and applies the date checks', () => {
    const outcome = readSubject(
      form({
        type: 'child',
        firstName: '',
        lastName: 'E',
        addressPostcode: 'nope',
        ...date('dateOfBirth', '1', '1', '2000'),
      }),
      TODAY,
    );
    expect(!outcome.ok && outcome.errors).toEqual([
      { field: 'firstName', message: 'Enter their first name' },
      { field: 'addressPostcode', message: 'Enter a real postcode, like AA1 1AA' },
    ]);
    const adultChild = readSubject(
      form({ type: 'child', firstName: 'A', lastName: 'E', ...date('dateOfBirth', '1', '1', '2000') }),
      TODAY,
    );
    expect(!adultChild.ok && adultChild.errors).toEqual([
      { field: 'dateOfBirth-day', message: 'This person is 18 or over: refer them as an adult' },
    ]);
    const future = readSubject(
      form({ type: 'child', firstName: 'A', lastName: 'E', ...date('dateOfBirth', '1', '1', '2027') }),
      TODAY,
    );
    expect(!future.ok && future.errors[0]!.message).toBe('Date of birth must be today or in the past');
  });

  it('shows a saved person back in the inputs', () => {
    const values = subjectValues({
      type: 'child',
      firstName: 'A',
      lastName: 'E',
      dateOfBirth: '2015-03-02',
      interpreterNeeded: false,
    });
    expect(values).toMatchObject({
      'dateOfBirth-day': '2',
      'dateOfBirth-month': '3',
      'dateOfBirth-year': '2015',
      interpreterNeeded: 'no',
    });
  });
});

describe('household, consent and concern', () => {
  it('reads a household member with parental responsibility', () => {
    expect(readHouseholdMember(form({ name: 'Jo', parentalResponsibility: 'no' }), TODAY)).toEqual({
      ok: true,
      value: { name: 'Jo', parentalResponsibility: false },
    });
  });

  it('requires a reason only when consent is no, and ignores the other conditional answer', () => {
    expect(
      readConsent(
        form({ parentsAware: 'yes', consentGiven: 'yes', consentFrom: 'Mother', reasonIfNot: 'x' }),
      ),
    ).toEqual({
      ok: true,
      value: { parentsAware: true, consentGiven: true, consentFrom: 'Mother' },
    });
    const no = readConsent(form({ parentsAware: 'no', consentGiven: 'no', consentFrom: 'Mother' }));
    expect(!no.ok && no.errors).toEqual([
      { field: 'reasonIfNot', message: 'Explain why consent was not given or not sought' },
    ]);
    const unanswered = readConsent(form({}));
    expect(!unanswered.ok && unanswered.errors.map((e) => e.field)).toEqual(['parentsAware', 'consentGiven']);
  });

  it('reads checkboxes as a list, dropping unknown and repeated values', () => {
    const outcome = readConcern(
      form({
        categories: ['neglect', 'neglect', 'made-up', 'cse'],
        summary: 's',
        details: 'd',
        ...date('incidentDate', '20', '5', '2026'),
      }),
      TODAY,
    );
    expect(outcome).toEqual({
      ok: true,
      value: { categories: ['neglect', 'cse'], summary: 's', details: 'd', incidentDate: '2026-05-20' },
    });
    const none = readConcern(form({ summary: 's', details: 'd' }), TODAY);
    expect(!none.ok && none.errors).toEqual([
      { field: 'categories', message: 'Select at least one type of concern' },
    ]);
    const future = readConcern(
      form({ categories: 'cse', summary: 's', details: 'd', ...date('incidentDate', '1', '1', '2027') }),
      TODAY,
    );
    expect(!future.ok && future.errors).toEqual([
      { field: 'incidentDate-day', message: 'The date must be today or in the past' },
    ]);
  });
});

describe('the draft as a referral', () => {
  const complete = (): ReferralDraft => ({
    ...newDraft(),
    immediateDanger: true,
    existingSocialWorker: 'no',
    referrer: { source: '9' },
    subjects: [{ key: 'k', subject: { type: 'child', firstName: 'A', lastName: 'E' } }],
    subjectsComplete: true,
    householdComplete: true,
    consent: { parentsAware: false, consentGiven: false, reasonIfNot: 'Risk of harm' },
    concern: { categories: ['neglect'], summary: 's', details: 'd' },
  });

  it('is exactly the body parseReferral accepts', () => {
    const referral = referralFromDraft(complete());
    expect(referral).not.toHaveProperty('household');
    const parsed = parseReferral(referral, TODAY);
    expect(parsed.ok).toBe(true);
    expect(firstUnansweredStep(complete())).toBeUndefined();
  });

  it('finds the first unanswered question', () => {
    expect(firstUnansweredStep(newDraft())).toBe('/refer');
    const adult = complete();
    adult.subjects = [{ key: 'k', subject: { type: 'adult', firstName: 'A', lastName: 'E' } }];
    expect(firstUnansweredStep(adult)).toBe('/refer/person/1/care-act');
    expect(firstUnansweredStep({ ...complete(), consent: undefined })).toBe('/refer/consent');
  });

  it('links every parseReferral issue to the page and field that fixes it', () => {
    expect(issueLink({ path: 'referrer.email', message: '' })).toBe('/refer/your-details?from=check#email');
    expect(issueLink({ path: 'subjects.1.dateOfBirth', message: '' })).toBe(
      '/refer/person/2?from=check#dateOfBirth-day',
    );
    expect(issueLink({ path: 'subjects.0.address.postcode', message: '' })).toBe(
      '/refer/person/1?from=check#addressPostcode',
    );
    expect(issueLink({ path: 'subjects.0.s42.atRiskOfAbuse', message: '' })).toBe(
      '/refer/person/1/care-act?from=check#atRiskOfAbuse',
    );
    expect(issueLink({ path: 'subjects', message: '' })).toBe('/refer/people?from=check#addAnother');
    expect(issueLink({ path: 'household.0.dateOfBirth', message: '' })).toBe(
      '/refer/household/1?from=check#dateOfBirth-day',
    );
    expect(issueLink({ path: 'consent.reasonIfNot', message: '' })).toBe(
      '/refer/consent?from=check#reasonIfNot',
    );
    expect(issueLink({ path: 'concern.categories.0', message: '' })).toBe(
      '/refer/concern?from=check#categories',
    );
    expect(issueLink({ path: 'concern.incidentDate', message: '' })).toBe(
      '/refer/concern?from=check#incidentDate-day',
    );
    expect(issueLink({ path: 'immediateDanger', message: '' })).toBe('/refer?from=check#immediateDanger');
  });
});
