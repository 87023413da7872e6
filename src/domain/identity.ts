/**
 * Subject identity for re-referral detection (DOMAIN.md): the NHS number where given, otherwise the
 * name and date of birth, normalised and hashed so that the key carries no personal data.
 */
import { createHash } from 'node:crypto';
import type { Subject } from './referral.ts';

function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** The subject's identity key, or undefined when there is too little to match on (no NHS number, no date of birth). */
export function subjectIdentityKey(subject: Subject): string | undefined {
  const nhsNumber = subject.nhsNumber?.replace(/\D/g, '');
  if (nhsNumber && nhsNumber.length === 10) return hash(`nhs:${nhsNumber}`);
  if (!subject.dateOfBirth) return undefined;
  const first = normaliseName(subject.firstName);
  const last = normaliseName(subject.lastName);
  if (!first || !last) return undefined;
  return hash(`name-dob:${first}|${last}|${subject.dateOfBirth}`);
}

/**
 * A subject with an NHS number is also keyed by name and date of birth, so that an earlier referral
 * made without the NHS number still matches. Both keys are recorded and both are searched.
 */
export function subjectIdentityKeys(subject: Subject): string[] {
  const keys = new Set<string>();
  const primary = subjectIdentityKey(subject);
  if (primary) keys.add(primary);
  if (subject.dateOfBirth) {
    const byName = subjectIdentityKey({ ...subject, nhsNumber: undefined });
    if (byName) keys.add(byName);
  }
  return [...keys];
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * The first London calendar date of the re-referral window: the same date `months` months before
 * (2026-06-01 → 2025-06-01, so a referral on 2025-06-01 counts and one on 2025-05-31 does not).
 * A date that does not exist that many months before (29 February) falls back to the month's last day.
 */
export function reReferralWindowStartDate(receivedDate: string, months: number): string {
  const [year, month, day] = receivedDate.split('-').map(Number) as [number, number, number];
  const totalMonths = year * 12 + (month - 1) - months;
  const startYear = Math.floor(totalMonths / 12);
  const startMonth = (totalMonths % 12) + 1;
  const lastDay = new Date(Date.UTC(startYear, startMonth, 0)).getUTCDate();
  const startDay = Math.min(day, lastDay);
  return `${String(startYear).padStart(4, '0')}-${String(startMonth).padStart(2, '0')}-${String(startDay).padStart(2, '0')}`;
}
