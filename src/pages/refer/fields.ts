/**
 * The referral form's fields and the referral object they build. Each page reads its fields, builds
 * its part of the referral exactly as the API receives it, and validates that part with the matching
 * schema from src/domain/referral.ts; zod's dotted paths are mapped back to the page's field ids so
 * each message sits on its field. Nothing here does I/O: the controller (controller.ts) owns the draft.
 */
import type { z } from 'zod';
import { CONCERN_CATEGORIES, SOURCE_CODES } from '../../domain/codes.ts';
import {
  checkDates,
  concernSchema,
  consentSchema,
  householdMemberSchema,
  type ReferralInput,
  referrerSchema,
  type Subject,
  s42Schema,
  subjectSchema,
} from '../../domain/referral.ts';
import {
  type DatePart,
  type FieldError,
  type FormValues,
  optional,
  orderErrors,
  yesNo,
  yesNoValue,
} from '../shared/form.ts';
import { type FormBody, field, fields } from '../shared/http.ts';

export type Referrer = z.output<typeof referrerSchema>;
export type HouseholdMember = z.output<typeof householdMemberSchema>;
export type Consent = z.output<typeof consentSchema>;
export type Concern = z.output<typeof concernSchema>;
export type CareActAnswers = z.output<typeof s42Schema>;

export type PageOutcome<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

// ---------------------------------------------------------------------------------------------------
// Date inputs

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function monthNumber(raw: string): number | undefined {
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const lower = raw.toLowerCase();
  if (lower.length < 3) return undefined;
  const index = MONTH_NAMES.findIndex((name) => name.startsWith(lower) || lower === name.slice(0, 3));
  return index === -1 ? undefined : index + 1;
}

export type DateResult =
  | { value: string | undefined; error?: undefined }
  | { value?: undefined; error: FieldError };

/**
 * A GOV.UK date input (`<prefix>-day`, `-month`, `-year`) to an ISO date, with the Design System's
 * messages: "… must include a month", "… must be a real date", "Year must include 4 numbers".
 * All three blank is no date at all (undefined), which the schema treats as "not given".
 */
export function parseDateInput(form: FormBody, prefix: string, label: string): DateResult {
  const raw = {
    day: field(form, `${prefix}-day`).trim(),
    month: field(form, `${prefix}-month`).trim(),
    year: field(form, `${prefix}-year`).trim(),
  };
  const missing = (['day', 'month', 'year'] as const).filter((part) => raw[part] === '');
  if (missing.length === 3) return { value: undefined };
  const fail = (message: string, dateParts: DatePart[]): DateResult => ({
    error: { field: `${prefix}-${dateParts[0] ?? 'day'}`, message, dateParts },
  });
  if (missing.length > 0)
    return fail(`${label} must include ${naturalList(missing.map((part) => `a ${part}`))}`, missing);

  const day = /^\d{1,2}$/.test(raw.day) ? Number(raw.day) : Number.NaN;
  const month = monthNumber(raw.month) ?? Number.NaN;
  const wrong: DatePart[] = [];
  if (!(day >= 1 && day <= 31)) wrong.push('day');
  if (!(month >= 1 && month <= 12)) wrong.push('month');
  if (wrong.length === 0 && !/^\d{4}$/.test(raw.year)) return fail('Year must include 4 numbers', ['year']);
  if (!/^\d{4}$/.test(raw.year)) wrong.push('year');
  if (wrong.length > 0) return fail(`${label} must be a real date`, wrong);

  const year = Number(raw.year);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || year < 1900) {
    return fail(`${label} must be a real date`, ['day', 'month', 'year']);
  }
  return { value: `${raw.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

function naturalList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** ISO date → the three inputs' values, for showing a saved answer again. */
function dateInputValues(prefix: string, isoDate: string | undefined): FormValues {
  const match = isoDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate) : null;
  return {
    [`${prefix}-day`]: match ? String(Number(match[3])) : '',
    [`${prefix}-month`]: match ? String(Number(match[2])) : '',
    [`${prefix}-year`]: match ? match[1]! : '',
  };
}

// ---------------------------------------------------------------------------------------------------
// Validation plumbing

/**
 * Runs a part's schema and maps its issues to fields. `before` holds errors found while reading the
 * form (dates); a field keeps only its first message. Errors are listed in the page's field order, as
 * the error summary must follow the order of the page.
 */
function validatePart<T>(
  schema: z.ZodType<T>,
  candidate: unknown,
  fieldFor: (path: string) => string,
  before: FieldError[],
  order: readonly string[],
): PageOutcome<T> {
  const errors = [...before];
  const result = schema.safeParse(candidate);
  if (!result.success) {
    for (const issue of result.error.issues) {
      errors.push({ field: fieldFor(issue.path.map(String).join('.')), message: issue.message });
    }
  }
  if (errors.length === 0 && result.success) return { ok: true, value: result.data };
  return { ok: false, errors: orderErrors(errors, order) };
}

/** A date's schema or date-check issue, pointed at the day input. */
function dateField(prefix: string): string {
  return `${prefix}-day`;
}

/** Issues from checkDates (future birth dates, over-18 children…) for one part of a referral. */
function dateChecks(
  partial: Partial<ReferralInput>,
  today: string,
): Array<{ path: string; message: string }> {
  const stub = { subjects: [], concern: {}, ...partial } as unknown as ReferralInput;
  return checkDates(stub, today);
}

// ---------------------------------------------------------------------------------------------------
// Gates

const SOCIAL_WORKER_ANSWERS = ['yes', 'no', 'unknown'] as const;
export type SocialWorkerAnswer = (typeof SOCIAL_WORKER_ANSWERS)[number];

export function readImmediateDanger(form: FormBody): PageOutcome<boolean> {
  const value = yesNo(form, 'immediateDanger');
  if (value === undefined) {
    return {
      ok: false,
      errors: [{ field: 'immediateDanger', message: 'Select yes if anyone is in immediate danger' }],
    };
  }
  return { ok: true, value };
}

export function readSocialWorker(form: FormBody): PageOutcome<SocialWorkerAnswer> {
  const value = field(form, 'existingSocialWorker');
  if (!(SOCIAL_WORKER_ANSWERS as readonly string[]).includes(value)) {
    return {
      ok: false,
      errors: [{ field: 'existingSocialWorker', message: 'Select yes, no or not known' }],
    };
  }
  return { ok: true, value: value as SocialWorkerAnswer };
}

// ---------------------------------------------------------------------------------------------------
// Your details (referrer)

const REFERRER_FIELDS = ['source', 'name', 'role', 'organisation', 'email', 'phone', 'relationship'] as const;

function referrerCandidate(form: FormBody): Record<string, unknown> {
  const source = field(form, 'source');
  return {
    source: (SOURCE_CODES as readonly string[]).includes(source) ? source : undefined,
    name: optional(form, 'name'),
    role: optional(form, 'role'),
    organisation: optional(form, 'organisation'),
    email: optional(form, 'email'),
    phone: optional(form, 'phone'),
    relationship: optional(form, 'relationship'),
  };
}

export function readReferrer(form: FormBody): PageOutcome<Referrer> {
  return validatePart(
    referrerSchema,
    referrerCandidate(form),
    (path) => path.split('.')[0] ?? path,
    [],
    REFERRER_FIELDS,
  );
}

export function referrerValues(referrer: Referrer | undefined): FormValues {
  const values: FormValues = {};
  for (const name of REFERRER_FIELDS) values[name] = (referrer?.[name] as string | undefined) ?? '';
  return values;
}

// ---------------------------------------------------------------------------------------------------
// A person the referral is about (subject)

const SUBJECT_FIELDS = [
  'type',
  'firstName',
  'lastName',
  'otherNames',
  'dateOfBirth',
  'expectedDueDate',
  'gender',
  'ethnicity',
  'language',
  'interpreterNeeded',
  'nhsNumber',
  'schoolOrSetting',
  'addressLine1',
  'addressLine2',
  'addressTown',
  'addressPostcode',
  'disabilityOrSen',
  'currentLocation',
] as const;

const SUBJECT_TEXT_FIELDS = [
  'firstName',
  'lastName',
  'otherNames',
  'gender',
  'ethnicity',
  'language',
  'nhsNumber',
  'schoolOrSetting',
  'disabilityOrSen',
  'currentLocation',
] as const;

const ADDRESS_FIELDS = {
  line1: 'addressLine1',
  line2: 'addressLine2',
  town: 'addressTown',
  postcode: 'addressPostcode',
} as const;

/** zod path within a subject → the field id on the person page. */
export function subjectField(path: string): string {
  const [head, tail] = path.split('.');
  if (head === 'address' && tail && tail in ADDRESS_FIELDS)
    return ADDRESS_FIELDS[tail as keyof typeof ADDRESS_FIELDS];
  if (head === 'dateOfBirth' || head === 'expectedDueDate') return dateField(head);
  return head ?? path;
}

/**
 * The person page → a Subject. The Care Act answers are asked on their own page for adults; an
 * existing adult's answers are kept, and dropped if the person is now a child (the schema forbids them).
 */
export function readSubject(
  form: FormBody,
  today: string,
  existingS42?: CareActAnswers,
): PageOutcome<Subject> {
  const before: FieldError[] = [];
  const dateOfBirth = parseDateInput(form, 'dateOfBirth', 'Date of birth');
  const expectedDueDate = parseDateInput(form, 'expectedDueDate', 'Expected due date');
  if (dateOfBirth.error) before.push(dateOfBirth.error);
  if (expectedDueDate.error) before.push(expectedDueDate.error);

  const type = field(form, 'type');
  const candidate: Record<string, unknown> = {
    type: type === 'child' || type === 'adult' ? type : undefined,
  };
  for (const name of SUBJECT_TEXT_FIELDS) candidate[name] = optional(form, name);
  candidate.dateOfBirth = dateOfBirth.value;
  candidate.expectedDueDate = expectedDueDate.value;
  candidate.interpreterNeeded = yesNo(form, 'interpreterNeeded');
  const address: Record<string, string | undefined> = {};
  for (const [key, name] of Object.entries(ADDRESS_FIELDS)) address[key] = optional(form, name);
  if (Object.values(address).some((value) => value !== undefined)) candidate.address = address;
  if (type === 'adult' && existingS42) candidate.s42 = existingS42;

  const outcome = validatePart(subjectSchema, candidate, subjectField, before, SUBJECT_FIELDS);
  if (!outcome.ok) return outcome;
  const dateErrors = dateChecks({ subjects: [outcome.value] }, today).map((issue) => ({
    field: subjectField(issue.path.replace(/^subjects\.0\./, '')),
    message: issue.message,
  }));
  return dateErrors.length > 0 ? { ok: false, errors: orderErrors(dateErrors, SUBJECT_FIELDS) } : outcome;
}

export function subjectValues(subject: Subject | undefined): FormValues {
  const values: FormValues = { type: subject?.type ?? '' };
  for (const name of SUBJECT_TEXT_FIELDS) values[name] = subject?.[name] ?? '';
  for (const [key, name] of Object.entries(ADDRESS_FIELDS)) {
    values[name] = subject?.address?.[key as keyof typeof ADDRESS_FIELDS] ?? '';
  }
  values.interpreterNeeded = yesNoValue(subject?.interpreterNeeded);
  Object.assign(values, dateInputValues('dateOfBirth', subject?.dateOfBirth));
  Object.assign(values, dateInputValues('expectedDueDate', subject?.expectedDueDate));
  return values;
}

const CARE_ACT_FIELDS = ['careAndSupportNeeds', 'atRiskOfAbuse', 'unableToProtectSelf'] as const;

export function readCareAct(form: FormBody): PageOutcome<CareActAnswers> {
  const candidate = Object.fromEntries(CARE_ACT_FIELDS.map((name) => [name, yesNo(form, name)]));
  return validatePart(s42Schema, candidate, (path) => path, [], CARE_ACT_FIELDS);
}

export function careActValues(s42: CareActAnswers | undefined): FormValues {
  return Object.fromEntries(CARE_ACT_FIELDS.map((name) => [name, yesNoValue(s42?.[name])]));
}

// ---------------------------------------------------------------------------------------------------
// Household members

const HOUSEHOLD_FIELDS = ['name', 'relationship', 'parentalResponsibility', 'dateOfBirth'] as const;

export function householdField(path: string): string {
  const head = path.split('.')[0] ?? path;
  return head === 'dateOfBirth' ? dateField(head) : head;
}

export function readHouseholdMember(form: FormBody, today: string): PageOutcome<HouseholdMember> {
  const dateOfBirth = parseDateInput(form, 'dateOfBirth', 'Date of birth');
  const before = dateOfBirth.error ? [dateOfBirth.error] : [];
  const candidate = {
    name: optional(form, 'name'),
    relationship: optional(form, 'relationship'),
    parentalResponsibility: yesNo(form, 'parentalResponsibility'),
    dateOfBirth: dateOfBirth.value,
  };
  const outcome = validatePart(householdMemberSchema, candidate, householdField, before, HOUSEHOLD_FIELDS);
  if (!outcome.ok) return outcome;
  const dateErrors = dateChecks({ household: [outcome.value] }, today).map((issue) => ({
    field: householdField(issue.path.replace(/^household\.0\./, '')),
    message: issue.message,
  }));
  return dateErrors.length > 0 ? { ok: false, errors: dateErrors } : outcome;
}

export function householdValues(member: HouseholdMember | undefined): FormValues {
  return {
    name: member?.name ?? '',
    relationship: member?.relationship ?? '',
    parentalResponsibility: yesNoValue(member?.parentalResponsibility),
    ...dateInputValues('dateOfBirth', member?.dateOfBirth),
  };
}

// ---------------------------------------------------------------------------------------------------
// Consent

const CONSENT_FIELDS = ['parentsAware', 'consentGiven', 'consentFrom', 'reasonIfNot'] as const;

export function readConsent(form: FormBody): PageOutcome<Consent> {
  const consentGiven = yesNo(form, 'consentGiven');
  const candidate = {
    parentsAware: yesNo(form, 'parentsAware'),
    consentGiven,
    // Without JavaScript both conditional questions are on show; keep only the one that applies.
    consentFrom: consentGiven === true ? optional(form, 'consentFrom') : undefined,
    reasonIfNot: consentGiven === false ? optional(form, 'reasonIfNot') : undefined,
  };
  const outcome = validatePart(consentSchema, candidate, (path) => path, [], CONSENT_FIELDS);
  if (!outcome.ok && candidate.consentGiven === undefined) {
    // The reason is required only when consent is "no"; until that is answered, ask that first.
    return { ok: false, errors: outcome.errors.filter((error) => error.field !== 'reasonIfNot') };
  }
  return outcome;
}

export function consentValues(consent: Consent | undefined): FormValues {
  return {
    parentsAware: yesNoValue(consent?.parentsAware),
    consentGiven: yesNoValue(consent?.consentGiven),
    consentFrom: consent?.consentFrom ?? '',
    reasonIfNot: consent?.reasonIfNot ?? '',
  };
}

// ---------------------------------------------------------------------------------------------------
// The concern

const CONCERN_FIELDS = [
  'categories',
  'summary',
  'seen',
  'said',
  'details',
  'incidentDate',
  'supportGiven',
] as const;

export function concernField(path: string): string {
  const head = path.split('.')[0] ?? path;
  return head === 'incidentDate' ? dateField(head) : head;
}

export function readConcern(form: FormBody, today: string): PageOutcome<Concern> {
  const incidentDate = parseDateInput(form, 'incidentDate', 'Date of the incident');
  const before = incidentDate.error ? [incidentDate.error] : [];
  // Unknown checkbox values are dropped rather than reported: only a tampered form sends them.
  const categories = [...new Set(fields(form, 'categories'))].filter((value) =>
    (CONCERN_CATEGORIES as readonly string[]).includes(value),
  );
  const candidate = {
    categories,
    summary: optional(form, 'summary'),
    seen: optional(form, 'seen'),
    said: optional(form, 'said'),
    details: optional(form, 'details'),
    incidentDate: incidentDate.value,
    supportGiven: optional(form, 'supportGiven'),
  };
  const outcome = validatePart(concernSchema, candidate, concernField, before, CONCERN_FIELDS);
  if (!outcome.ok) return outcome;
  const dateErrors = dateChecks({ concern: outcome.value }, today).map((issue) => ({
    field: concernField(issue.path.replace(/^concern\./, '')),
    message: issue.message,
  }));
  return dateErrors.length > 0 ? { ok: false, errors: dateErrors } : outcome;
}

export function concernValues(concern: Concern | undefined): FormValues {
  return {
    categories: concern?.categories ?? [],
    summary: concern?.summary ?? '',
    seen: concern?.seen ?? '',
    said: concern?.said ?? '',
    details: concern?.details ?? '',
    supportGiven: concern?.supportGiven ?? '',
    ...dateInputValues('incidentDate', concern?.incidentDate),
  };
}
