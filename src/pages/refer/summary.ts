/**
 * The check-answers page and the people/household lists as GOV.UK summary list rows. Every value a
 * person typed goes in as `text` (escaped by the macro) or through multilineHtml (escaped here).
 */
import { CONCERN_CATEGORY_LABELS, SOURCE_LABELS } from '../../domain/codes.ts';
import type { Subject } from '../../domain/referral.ts';
import { formatIsoDate } from '../shared/format.ts';
import { multilineHtml } from '../shared/render.ts';
import { type ReferralDraft, stepUrl, withFrom } from './draft.ts';
import type { HouseholdMember } from './fields.ts';

interface SummaryValue {
  text?: string;
  html?: string;
}
interface SummaryRow {
  key: { text: string };
  value: SummaryValue;
  actions?: { items: Array<{ href: string; text: string; visuallyHiddenText: string }> };
}

const NOT_GIVEN: SummaryValue = { text: 'Not given' };

function value(text: string | undefined, multiline = false): SummaryValue {
  if (text === undefined || text === '') return NOT_GIVEN;
  return multiline ? { html: `<span class="app-preserve-lines">${multilineHtml(text)}</span>` } : { text };
}

function yesNoText(answer: boolean | undefined): string | undefined {
  if (answer === undefined) return undefined;
  return answer ? 'Yes' : 'No';
}

function row(key: string, shown: SummaryValue, href?: string, hidden?: string): SummaryRow {
  return {
    key: { text: key },
    value: shown,
    ...(href
      ? { actions: { items: [{ href, text: 'Change', visuallyHiddenText: hidden ?? key.toLowerCase() }] } }
      : {}),
  };
}

export function subjectName(subject: Subject): string {
  return `${subject.firstName} ${subject.lastName}`;
}

/** One line under a person's name in the people list. */
export function subjectSummary(subject: Subject): string {
  const kind = subject.type === 'child' ? 'Child' : 'Adult';
  if (subject.dateOfBirth) return `${kind}, born ${formatIsoDate(subject.dateOfBirth)}`;
  if (subject.expectedDueDate) return `${kind}, due ${formatIsoDate(subject.expectedDueDate)}`;
  return kind;
}

export function memberSummary(member: HouseholdMember): string {
  const parts = [member.relationship ?? 'Relationship not given'];
  if (member.parentalResponsibility === true) parts.push('has parental responsibility');
  if (member.parentalResponsibility === false) parts.push('no parental responsibility');
  return parts.join(', ');
}

function address(subject: Subject): string | undefined {
  const lines = [
    subject.address?.line1,
    subject.address?.line2,
    subject.address?.town,
    subject.address?.postcode,
  ];
  const given = lines.filter((line): line is string => !!line);
  return given.length > 0 ? given.join('\n') : undefined;
}

function subjectRows(subject: Subject, href: string, careActHref: string): SummaryRow[] {
  const rows = [
    row('Child or adult', value(subject.type === 'child' ? 'Child' : 'Adult'), `${href}#type`),
    row('Name', value(subjectName(subject)), `${href}#firstName`),
    row('Other names', value(subject.otherNames), `${href}#otherNames`),
    row('Date of birth', value(formatIsoDate(subject.dateOfBirth)), `${href}#dateOfBirth-day`),
    row('Expected due date', value(formatIsoDate(subject.expectedDueDate)), `${href}#expectedDueDate-day`),
    row('Gender', value(subject.gender), `${href}#gender`),
    row('Ethnicity', value(subject.ethnicity), `${href}#ethnicity`),
    row('Main language', value(subject.language), `${href}#language`),
    row('Needs an interpreter', value(yesNoText(subject.interpreterNeeded)), `${href}#interpreterNeeded`),
    row('NHS number', value(subject.nhsNumber), `${href}#nhsNumber`),
    row('School or setting', value(subject.schoolOrSetting), `${href}#schoolOrSetting`),
    row('Home address', value(address(subject), true), `${href}#addressLine1`),
    row(
      'Disabilities or special educational needs',
      value(subject.disabilityOrSen, true),
      `${href}#disabilityOrSen`,
    ),
    row('Where they are now', value(subject.currentLocation, true), `${href}#currentLocation`),
  ];
  if (subject.type === 'adult') {
    rows.push(
      row(
        'Has care and support needs',
        value(yesNoText(subject.s42?.careAndSupportNeeds)),
        `${careActHref}#careAndSupportNeeds`,
      ),
      row(
        'Experiencing or at risk of abuse or neglect',
        value(yesNoText(subject.s42?.atRiskOfAbuse)),
        `${careActHref}#atRiskOfAbuse`,
      ),
      row(
        'Unable to protect themselves',
        value(yesNoText(subject.s42?.unableToProtectSelf)),
        `${careActHref}#unableToProtectSelf`,
      ),
    );
  }
  return rows;
}

const SOCIAL_WORKER_TEXT = { yes: 'Yes', no: 'No', unknown: 'I do not know' } as const;

export interface CheckSection {
  heading: string;
  rows?: SummaryRow[];
  cards?: unknown[];
}

/** The whole draft as check-answers sections; every Change link returns to check answers. */
export function checkAnswersSections(draft: ReferralDraft): CheckSection[] {
  const from = (url: string) => withFrom(url, true);
  const referrer = draft.referrer;
  const consent = draft.consent;
  const concern = draft.concern;
  const details = from(stepUrl.yourDetails);
  const consentUrl = from(stepUrl.consent);
  const concernUrl = from(stepUrl.concern);

  const sections: CheckSection[] = [
    {
      heading: 'Safety',
      rows: [
        row(
          'Is anyone in immediate danger?',
          value(yesNoText(draft.immediateDanger)),
          `${from(stepUrl.immediateDanger)}#immediateDanger`,
          'whether anyone is in immediate danger',
        ),
        row(
          'Already has a social worker',
          value(draft.existingSocialWorker ? SOCIAL_WORKER_TEXT[draft.existingSocialWorker] : undefined),
          `${from(stepUrl.socialWorker)}#existingSocialWorker`,
          'whether they already have a social worker',
        ),
      ],
    },
    {
      heading: 'Your details',
      rows: [
        row(
          'Referring as',
          value(referrer ? SOURCE_LABELS[referrer.source] : undefined),
          `${details}#source`,
          'who you are referring as',
        ),
        row('Name', value(referrer?.name), `${details}#name`, 'your name'),
        row('Role', value(referrer?.role), `${details}#role`, 'your role'),
        row('Organisation', value(referrer?.organisation), `${details}#organisation`, 'your organisation'),
        row('Secure email', value(referrer?.email), `${details}#email`, 'your email address'),
        row('Telephone', value(referrer?.phone), `${details}#phone`, 'your telephone number'),
        row(
          'Relationship to the child or adult',
          value(referrer?.relationship),
          `${details}#relationship`,
          'your relationship',
        ),
      ],
    },
    {
      heading: 'People you are worried about',
      cards: draft.subjects.map((entry, index) => ({
        card: {
          title: { text: subjectName(entry.subject), headingLevel: 3 },
          actions: {
            items: [
              {
                href: from(stepUrl.person(index)),
                text: 'Change',
                visuallyHiddenText: subjectName(entry.subject),
              },
              {
                href: from(stepUrl.removePerson(index)),
                text: 'Remove',
                visuallyHiddenText: subjectName(entry.subject),
              },
            ],
          },
        },
        rows: subjectRows(entry.subject, from(stepUrl.person(index)), from(stepUrl.careAct(index))),
      })),
      rows: [
        row(
          'People',
          value(draft.subjects.length === 1 ? '1 person' : `${draft.subjects.length} people`),
          from(stepUrl.people),
          'the people you are worried about',
        ),
      ],
    },
    {
      heading: 'Household',
      cards: draft.household.map((entry, index) => ({
        card: {
          title: { text: entry.member.name, headingLevel: 3 },
          actions: {
            items: [
              {
                href: from(stepUrl.householdMember(index)),
                text: 'Change',
                visuallyHiddenText: entry.member.name,
              },
              {
                href: from(stepUrl.removeHouseholdMember(index)),
                text: 'Remove',
                visuallyHiddenText: entry.member.name,
              },
            ],
          },
        },
        rows: [
          row('Relationship', value(entry.member.relationship)),
          row('Parental responsibility', value(yesNoText(entry.member.parentalResponsibility))),
          row('Date of birth', value(formatIsoDate(entry.member.dateOfBirth))),
        ],
      })),
      rows: [
        row(
          'Household members',
          value(
            draft.household.length === 0
              ? 'None added'
              : draft.household.length === 1
                ? '1 person'
                : `${draft.household.length} people`,
          ),
          from(stepUrl.household),
          'household members',
        ),
      ],
    },
    {
      heading: 'Consent',
      rows: [
        row(
          'Parents, carers or the adult know',
          value(yesNoText(consent?.parentsAware)),
          `${consentUrl}#parentsAware`,
          'whether they know',
        ),
        row(
          'They consented',
          value(yesNoText(consent?.consentGiven)),
          `${consentUrl}#consentGiven`,
          'whether they consented',
        ),
        ...(consent?.consentGiven
          ? [
              row(
                'Who gave consent',
                value(consent.consentFrom),
                `${consentUrl}#consentFrom`,
                'who gave consent',
              ),
            ]
          : [
              row(
                'Why not',
                value(consent?.reasonIfNot, true),
                `${consentUrl}#reasonIfNot`,
                'why consent was not given',
              ),
            ]),
      ],
    },
    {
      heading: 'Your concern',
      rows: [
        row(
          'Types of concern',
          value(concern?.categories.map((category) => CONCERN_CATEGORY_LABELS[category]).join('\n'), true),
          `${concernUrl}#categories`,
          'types of concern',
        ),
        row('Summary', value(concern?.summary, true), `${concernUrl}#summary`, 'summary'),
        row(
          'What you saw or heard',
          value(concern?.seen, true),
          `${concernUrl}#seen`,
          'what you saw or heard',
        ),
        row('What you were told', value(concern?.said, true), `${concernUrl}#said`, 'what you were told'),
        row('Your concern', value(concern?.details, true), `${concernUrl}#details`, 'your concern'),
        row(
          'When it happened',
          value(formatIsoDate(concern?.incidentDate)),
          `${concernUrl}#incidentDate-day`,
          'when it happened',
        ),
        row(
          'Support already given',
          value(concern?.supportGiven, true),
          `${concernUrl}#supportGiven`,
          'support already given',
        ),
      ],
    },
  ];
  return sections;
}
