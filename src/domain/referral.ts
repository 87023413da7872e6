/**
 * The referral: what a referrer tells the hub. One zod schema serves the JSON API, the GOV.UK form
 * (which builds the same object from its pages) and the OpenAPI document. Messages follow the GOV.UK
 * Design System's error message style: they say what to do, in plain words.
 */
import * as z from 'zod';
import { CONCERN_CATEGORIES, isPublicSource, SOURCE_CODES, SUBJECT_TYPES } from './codes.ts';

const text = (max: number, required: string) =>
  z
    .string({ error: required })
    .trim()
    .min(1, { error: required })
    .max(max, { error: `Must be ${max} characters or fewer` });

const optionalText = (max: number) =>
  z
    .string({ error: 'Must be text' })
    .trim()
    .max(max, { error: `Must be ${max} characters or fewer` })
    .optional();

const isoDate = (message: string) =>
  z.iso.date({ error: message }).refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), {
    error: message,
  });

const yesNoUnknown = z.enum(['yes', 'no', 'unknown'], { error: 'Select yes, no or not known' });

export const addressSchema = z
  .object({
    line1: optionalText(200),
    line2: optionalText(200),
    town: optionalText(100),
    postcode: z
      .string({ error: 'Enter a real postcode' })
      .trim()
      .max(10, { error: 'Enter a real postcode' })
      .regex(/^$|^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$/, {
        error: 'Enter a real postcode, like AA1 1AA',
      })
      .optional(),
  })
  .meta({ id: 'Address' });

export const referrerSchema = z
  .object({
    source: z.enum(SOURCE_CODES, { error: 'Select who is making the referral (a CIN census source code)' }),
    name: optionalText(200),
    role: optionalText(200),
    organisation: optionalText(200),
    email: z
      .string({ error: 'Enter an email address in the correct format, like name@example.com' })
      .trim()
      .max(320, { error: 'Must be 320 characters or fewer' })
      .pipe(
        z.union([
          z.literal(''),
          z.email({ error: 'Enter an email address in the correct format, like name@example.com' }),
        ]),
      )
      .optional(),
    phone: z
      .string({ error: 'Enter a telephone number, like 01632 960 001 or 07700 900 982' })
      .trim()
      .max(30, { error: 'Must be 30 characters or fewer' })
      .regex(/^$|^\+?[\d\s()-]{7,}$/, {
        error: 'Enter a telephone number, like 01632 960 001 or 07700 900 982',
      })
      .optional(),
    relationship: optionalText(200),
  })
  .superRefine((referrer, ctx) => {
    // Professionals cannot be anonymous; a member of the public may be (source 9).
    if (referrer.source !== '9' && !referrer.name) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'Enter your name' });
    }
    if (!isPublicSource(referrer.source)) {
      if (!referrer.role) ctx.addIssue({ code: 'custom', path: ['role'], message: 'Enter your role' });
      if (!referrer.organisation) {
        ctx.addIssue({ code: 'custom', path: ['organisation'], message: 'Enter your organisation' });
      }
      if (!referrer.email && !referrer.phone) {
        ctx.addIssue({
          code: 'custom',
          path: ['email'],
          message: 'Enter a secure email address or a telephone number so the hub can contact you',
        });
      }
    }
  })
  .meta({ id: 'Referrer' });

export const s42Schema = z
  .object({
    careAndSupportNeeds: z.boolean({ error: 'Select whether the adult has care and support needs' }),
    atRiskOfAbuse: z.boolean({
      error: 'Select whether the adult is experiencing, or at risk of, abuse or neglect',
    }),
    unableToProtectSelf: z.boolean({
      error: 'Select whether their care and support needs make them unable to protect themselves',
    }),
  })
  .meta({ id: 'CareActS42', description: 'Care Act 2014 section 42 questions, for adults' });

export const subjectSchema = z
  .object({
    type: z.enum(SUBJECT_TYPES, { error: 'Select whether this person is a child or an adult' }),
    firstName: text(100, 'Enter their first name'),
    lastName: text(100, 'Enter their last name'),
    otherNames: optionalText(200),
    dateOfBirth: isoDate('Enter their date of birth as a real date, like 2015-03-27').optional(),
    expectedDueDate: isoDate('Enter the expected due date as a real date, like 2027-01-15').optional(),
    gender: optionalText(50),
    ethnicity: optionalText(100),
    language: optionalText(100),
    interpreterNeeded: z.boolean({ error: 'Select whether they need an interpreter' }).optional(),
    nhsNumber: z
      .string({ error: 'Enter a 10 digit NHS number, like 943 476 5919' })
      .trim()
      .regex(/^$|^\d{3}[\s-]?\d{3}[\s-]?\d{4}$/, { error: 'Enter a 10 digit NHS number, like 943 476 5919' })
      .optional(),
    schoolOrSetting: optionalText(200),
    address: addressSchema.optional(),
    disabilityOrSen: optionalText(2000),
    currentLocation: optionalText(500),
    s42: s42Schema.optional(),
  })
  .superRefine((subject, ctx) => {
    if (subject.type === 'child' && subject.s42) {
      ctx.addIssue({ code: 'custom', path: ['s42'], message: 'The Care Act questions are for adults only' });
    }
  })
  .meta({ id: 'Subject' });

export const householdMemberSchema = z
  .object({
    name: text(200, 'Enter the household member’s name'),
    relationship: optionalText(200),
    parentalResponsibility: z
      .boolean({ error: 'Select whether they have parental responsibility' })
      .optional(),
    dateOfBirth: isoDate('Enter their date of birth as a real date, like 1985-07-14').optional(),
  })
  .meta({ id: 'HouseholdMember' });

export const consentSchema = z
  .object({
    parentsAware: z.boolean({
      error: 'Select whether the parents, carers or the adult know about this referral',
    }),
    consentGiven: z.boolean({ error: 'Select whether they consented to the referral' }),
    consentFrom: optionalText(200),
    reasonIfNot: optionalText(2000),
  })
  .superRefine((consent, ctx) => {
    if (!consent.consentGiven && !consent.reasonIfNot) {
      ctx.addIssue({
        code: 'custom',
        path: ['reasonIfNot'],
        message: 'Explain why consent was not given or not sought',
      });
    }
  })
  .meta({ id: 'Consent' });

export const concernSchema = z
  .object({
    categories: z
      .array(z.enum(CONCERN_CATEGORIES, { error: 'Select a concern category from the list' }), {
        error: 'Select at least one type of concern',
      })
      .min(1, { error: 'Select at least one type of concern' })
      .max(CONCERN_CATEGORIES.length, { error: 'Select each type of concern once' })
      .refine((categories) => new Set(categories).size === categories.length, {
        error: 'Select each type of concern once',
      }),
    summary: text(500, 'Summarise your concern'),
    details: text(20000, 'Describe your concern: what you saw, and what you were told'),
    seen: optionalText(20000),
    said: optionalText(20000),
    incidentDate: isoDate('Enter the date as a real date, like 2026-11-20').optional(),
    supportGiven: optionalText(5000),
  })
  .meta({ id: 'Concern' });

export const referralSchema = z
  .object({
    immediateDanger: z.boolean({ error: 'Select yes if anyone is in immediate danger' }),
    existingSocialWorker: yesNoUnknown.optional(),
    referrer: referrerSchema,
    subjects: z
      .array(subjectSchema, { error: 'Add the child or adult you are worried about' })
      .min(1, { error: 'Add the child or adult you are worried about' })
      .max(20, { error: 'A referral can name up to 20 people; make another referral for the rest' }),
    household: z
      .array(householdMemberSchema, { error: 'Household must be a list' })
      .max(30, { error: 'List up to 30 household members' })
      .optional(),
    consent: consentSchema,
    concern: concernSchema,
  })
  .meta({ id: 'Referral', description: 'A safeguarding concern about one or more children or adults' });

export type ReferralInput = z.infer<typeof referralSchema>;
export type Subject = z.infer<typeof subjectSchema>;

export interface ValidationIssue {
  path: string;
  message: string;
}

/** zod issues in CONTRACT's `details` form: dotted paths, one entry per invalid field. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(body)';
    if (seen.has(path)) continue;
    seen.add(path);
    issues.push({ path, message: issue.message });
  }
  return issues;
}

/** Checks that depend on "now": no birth dates in the future, children under 18, sensible due dates. */
export function checkDates(referral: ReferralInput, today: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  referral.subjects.forEach((subject, index) => {
    if (subject.dateOfBirth && subject.dateOfBirth > today) {
      issues.push({
        path: `subjects.${index}.dateOfBirth`,
        message: 'Date of birth must be today or in the past',
      });
    }
    if (subject.type === 'child' && subject.dateOfBirth && ageOn(subject.dateOfBirth, today) >= 18) {
      issues.push({
        path: `subjects.${index}.dateOfBirth`,
        message: 'This person is 18 or over: refer them as an adult',
      });
    }
    if (subject.expectedDueDate && subject.expectedDueDate < today && !subject.dateOfBirth) {
      issues.push({
        path: `subjects.${index}.expectedDueDate`,
        message: 'Expected due date must be in the future',
      });
    }
  });
  referral.household?.forEach((member, index) => {
    if (member.dateOfBirth && member.dateOfBirth > today) {
      issues.push({
        path: `household.${index}.dateOfBirth`,
        message: 'Date of birth must be today or in the past',
      });
    }
  });
  if (referral.concern.incidentDate && referral.concern.incidentDate > today) {
    issues.push({ path: 'concern.incidentDate', message: 'The date must be today or in the past' });
  }
  return issues;
}

function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export type ParseResult = { ok: true; referral: ReferralInput } | { ok: false; issues: ValidationIssue[] };

/** Validates an untrusted body: the schema, then the checks that depend on today's date (London). */
export function parseReferral(body: unknown, today: string): ParseResult {
  const result = referralSchema.safeParse(body);
  if (!result.success) return { ok: false, issues: toValidationIssues(result.error) };
  const dateIssues = checkDates(result.data, today);
  if (dateIssues.length > 0) return { ok: false, issues: dateIssues };
  return { ok: true, referral: result.data };
}
