/**
 * The referral form's draft: the answers given so far, saved server-side between pages. Each answer is
 * stored already validated, in the referral's own shape, so the final referral is just the parts put
 * together. After the referral is sent the draft keeps only the receipt.
 */
import { randomUUID } from 'node:crypto';
import type { ReferralInput, Subject, ValidationIssue } from '../../domain/referral.ts';
import type { ReferralReceipt } from '../../services/intake.ts';
import type { DraftData } from '../../store/draft-store.ts';
import type { Concern, Consent, HouseholdMember, Referrer, SocialWorkerAnswer } from './fields.ts';
import { concernField, householdField, subjectField } from './fields.ts';

/** Each listed person has a key that is stable while the draft lives, so a double-submitted add page adds once. */
interface DraftSubject {
  key: string;
  subject: Subject;
}
interface DraftHouseholdMember {
  key: string;
  member: HouseholdMember;
}

export interface ReferralDraft {
  /** Random, and the idempotency key of the submission: a double-submitted check-answers page makes one case. */
  id: string;
  immediateDanger?: boolean;
  existingSocialWorker?: SocialWorkerAnswer;
  referrer?: Referrer;
  subjects: DraftSubject[];
  /** The person answered "no" to "add another person?". */
  subjectsComplete?: boolean;
  household: DraftHouseholdMember[];
  /** The person answered "no" to "add a household member?". */
  householdComplete?: boolean;
  consent?: Consent;
  concern?: Concern;
  /** Set once sent; the personal data above is then gone. */
  receipt?: SentReceipt;
}

/** A receipt as a draft keeps it: the token only until the confirmation page has shown it once. */
export type SentReceipt = Omit<ReferralReceipt, 'receiptToken'> & { receiptToken?: string };

export function withoutToken(receipt: SentReceipt): SentReceipt {
  const { receiptToken: _shown, ...rest } = receipt;
  return rest;
}

export function newDraft(): ReferralDraft {
  return { id: randomUUID(), subjects: [], household: [] };
}

/** A stored draft back in shape (older or partial items get the lists they lack). */
export function draftFromData(data: DraftData | undefined): ReferralDraft | undefined {
  if (!data || typeof data.id !== 'string') return undefined;
  const draft = data as unknown as ReferralDraft;
  return { ...draft, subjects: draft.subjects ?? [], household: draft.household ?? [] };
}

export function draftToData(draft: ReferralDraft): DraftData {
  return JSON.parse(JSON.stringify(draft)) as DraftData;
}

/** After sending: only the receipt stays, so the confirmation (without the token) can be shown again on refresh. */
export function submittedDraft(draft: ReferralDraft, receipt: SentReceipt): ReferralDraft {
  return { id: draft.id, subjects: [], household: [], receipt };
}

/** The referral body, exactly as POST /api/referrals takes it; parseReferral decides if it is complete. */
export function referralFromDraft(draft: ReferralDraft): Partial<ReferralInput> {
  return {
    immediateDanger: draft.immediateDanger,
    ...(draft.existingSocialWorker ? { existingSocialWorker: draft.existingSocialWorker } : {}),
    referrer: draft.referrer,
    subjects: draft.subjects.map((entry) => entry.subject),
    ...(draft.household.length > 0 ? { household: draft.household.map((entry) => entry.member) } : {}),
    consent: draft.consent,
    concern: draft.concern,
  } as Partial<ReferralInput>;
}

export function newItemKey(): string {
  return randomUUID();
}

// ---------------------------------------------------------------------------------------------------
// Where each answer lives

const REFER = '/refer';
export const stepUrl = {
  immediateDanger: REFER,
  inDanger: `${REFER}/in-danger`,
  socialWorker: `${REFER}/social-worker`,
  yourDetails: `${REFER}/your-details`,
  people: `${REFER}/people`,
  newPerson: `${REFER}/person/new`,
  person: (index: number) => `${REFER}/person/${index + 1}`,
  careAct: (index: number) => `${REFER}/person/${index + 1}/care-act`,
  removePerson: (index: number) => `${REFER}/person/${index + 1}/remove`,
  household: `${REFER}/household`,
  newHouseholdMember: `${REFER}/household/new`,
  householdMember: (index: number) => `${REFER}/household/${index + 1}`,
  removeHouseholdMember: (index: number) => `${REFER}/household/${index + 1}/remove`,
  consent: `${REFER}/consent`,
  concern: `${REFER}/concern`,
  checkAnswers: `${REFER}/check-answers`,
  confirmation: `${REFER}/confirmation`,
} as const;

/** `?from=check`: the page was opened from check answers and returns there once answered. */
export function withFrom(url: string, fromCheck: boolean): string {
  if (!fromCheck) return url;
  const [path, hash] = url.split('#');
  return `${path}${path!.includes('?') ? '&' : '?'}from=check${hash ? `#${hash}` : ''}`;
}

/** The first page whose answer is still missing, or undefined when every question is answered. */
export function firstUnansweredStep(draft: ReferralDraft): string | undefined {
  if (draft.immediateDanger === undefined) return stepUrl.immediateDanger;
  if (draft.existingSocialWorker === undefined) return stepUrl.socialWorker;
  if (!draft.referrer) return stepUrl.yourDetails;
  if (draft.subjects.length === 0) return stepUrl.newPerson;
  const adultWithoutAnswers = draft.subjects.findIndex(
    (entry) => entry.subject.type === 'adult' && !entry.subject.s42,
  );
  if (adultWithoutAnswers !== -1) return stepUrl.careAct(adultWithoutAnswers);
  if (!draft.subjectsComplete) return stepUrl.people;
  if (!draft.householdComplete) return stepUrl.household;
  if (!draft.consent) return stepUrl.consent;
  if (!draft.concern) return stepUrl.concern;
  return undefined;
}

/** A parseReferral issue → the page (opened from check answers) and field where it can be put right. */
export function issueLink(issue: ValidationIssue): string {
  const [section, second, ...rest] = issue.path.split('.');
  const tail = rest.join('.');
  const at = (url: string, fieldId: string) => `${withFrom(url, true)}#${fieldId}`;
  switch (section) {
    case 'immediateDanger':
      return at(stepUrl.immediateDanger, 'immediateDanger');
    case 'existingSocialWorker':
      return at(stepUrl.socialWorker, 'existingSocialWorker');
    case 'referrer':
      return at(stepUrl.yourDetails, second ?? 'source');
    case 'subjects': {
      const index = Number(second);
      if (!Number.isInteger(index)) return at(stepUrl.people, 'addAnother');
      if (rest[0] === 's42') return at(stepUrl.careAct(index), rest[1] ?? 'careAndSupportNeeds');
      return at(stepUrl.person(index), tail ? subjectField(tail) : 'type');
    }
    case 'household': {
      const index = Number(second);
      if (!Number.isInteger(index)) return at(stepUrl.household, 'addMember');
      return at(stepUrl.householdMember(index), tail ? householdField(tail) : 'name');
    }
    case 'consent':
      return at(stepUrl.consent, second ?? 'parentsAware');
    case 'concern':
      return at(stepUrl.concern, second ? concernField([second, ...rest].join('.')) : 'categories');
    default:
      return stepUrl.checkAnswers;
  }
}
