/**
 * The referral form under /refer: one question (or one small group) per page, each a plain HTML form
 * that works without JavaScript. Answers are kept in a server-side draft keyed by an opaque session
 * cookie; every POST carries a CSRF token bound to that session. The last page sends the referral
 * through the same intake service as POST /api/referrals, with the draft's id as idempotency key.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  CONCERN_CATEGORIES,
  CONCERN_CATEGORY_LABELS,
  SOURCE_CODES,
  SOURCE_LABELS,
} from '../../domain/codes.ts';
import { parseReferral, type ReferralInput, type ValidationIssue } from '../../domain/referral.ts';
import { HttpError } from '../../http/errors.ts';
import { hubClock } from '../../platform/clock.ts';
import { functionMetrics } from '../../platform/powertools.ts';
import { type ReferralReceipt, submitReferral } from '../../services/intake.ts';
import { getDraft, putDraft } from '../../store/draft-store.ts';
import { csrfToken, isSessionId, isValidCsrfToken, newSessionId } from '../shared/csrf.ts';
import { errorPage, notFound } from '../shared/error-pages.ts';
import {
  errorView,
  type FieldError,
  type FormValues,
  postedValues,
  yesNo,
  yesNoValue,
} from '../shared/form.ts';
import { formatLondonDateTime, londonIsoDate } from '../shared/format.ts';
import { field, htmlResponse, type PageRequest, redirect, serializeCookie } from '../shared/http.ts';
import { renderPage } from '../shared/render.ts';
import {
  draftFromData,
  draftToData,
  firstUnansweredStep,
  issueLink,
  newDraft,
  newItemKey,
  type ReferralDraft,
  referralFromDraft,
  stepUrl,
  submittedDraft,
  withFrom,
  withoutToken,
} from './draft.ts';
import { dutyLines } from './duty-lines.ts';
import {
  careActValues,
  concernValues,
  consentValues,
  householdValues,
  readCareAct,
  readConcern,
  readConsent,
  readHouseholdMember,
  readImmediateDanger,
  readReferrer,
  readSocialWorker,
  readSubject,
  referrerValues,
  subjectValues,
} from './fields.ts';
import { checkAnswersSections, memberSummary, subjectName, subjectSummary } from './summary.ts';

export const REFERRAL_COOKIE = 'mash_referral';
const MAX_SUBJECTS = 20;
const MAX_HOUSEHOLD = 30;

/** Everything one request to /refer works with. */
class ReferSession {
  readonly request: PageRequest;
  readonly sessionId: string;
  readonly fromCheck: boolean;
  readonly today: string;
  private setCookie: string | undefined;
  draft: ReferralDraft | undefined;

  constructor(
    request: PageRequest,
    sessionId: string,
    setCookie: string | undefined,
    draft: ReferralDraft | undefined,
  ) {
    this.request = request;
    this.sessionId = sessionId;
    this.setCookie = setCookie;
    this.draft = draft;
    this.fromCheck = request.query.from === 'check';
    this.today = londonIsoDate(hubClock.now());
  }

  get form() {
    return this.request.form;
  }

  render(
    template: string,
    context: Record<string, unknown>,
    errors: FieldError[] = [],
  ): APIGatewayProxyResult {
    const html = renderPage(template, {
      cspNonce: this.request.cspNonce,
      csrfToken: csrfToken(this.sessionId, 'refer'),
      navCurrent: 'refer',
      action: withFrom(this.request.path, this.fromCheck),
      ...errorView(errors),
      ...context,
    });
    return htmlResponse(this.request, html, this.setCookie ? { setCookie: this.setCookie } : {});
  }

  redirect(location: string): APIGatewayProxyResult {
    return redirect(this.request, location, this.setCookie ? { setCookie: this.setCookie } : {});
  }

  /** Where a page that was opened from check answers, or not, goes next. */
  next(normalNext: string): APIGatewayProxyResult {
    return this.redirect(this.fromCheck ? stepUrl.checkAnswers : normalNext);
  }

  /** Carries `?from=check` along to another page of the same loop (people, household). */
  carry(url: string): string {
    return withFrom(url, this.fromCheck);
  }

  back(normalBack: string): string {
    return this.fromCheck ? stepUrl.checkAnswers : normalBack;
  }

  async save(draft: ReferralDraft): Promise<void> {
    this.draft = draft;
    await putDraft(this.sessionId, draftToData(draft));
  }
}

function cookieFor(request: PageRequest, sessionId: string): string {
  return serializeCookie(REFERRAL_COOKIE, sessionId, { path: '/refer', secure: request.secure });
}

/** The page for GET or POST /refer and /refer/{step+}. */
export async function referPage(request: PageRequest): Promise<APIGatewayProxyResult> {
  const step = request.resource === '/refer' ? '' : (request.pathParameters.step ?? '').replace(/\/+$/, '');
  const cookie = request.cookies[REFERRAL_COOKIE];
  let sessionId = isSessionId(cookie) ? cookie : undefined;

  if (request.method === 'POST') {
    if (!isValidCsrfToken(sessionId, 'refer', field(request.form, '_csrf'))) return forbiddenPage(request);
  }

  // A fresh start: a new session (and so a new draft), e.g. "Make another referral".
  if (step === 'new' && request.method === 'GET') {
    const fresh = newSessionId();
    return redirect(request, stepUrl.immediateDanger, { setCookie: cookieFor(request, fresh) });
  }

  let setCookie: string | undefined;
  let draft: ReferralDraft | undefined;
  if (sessionId) draft = draftFromData(await getDraft(sessionId));
  if (!sessionId || (step === '' && request.method === 'GET' && draft?.receipt)) {
    // No session yet, or starting again after sending: a new id, so nothing of the last referral shows.
    sessionId = newSessionId();
    setCookie = cookieFor(request, sessionId);
    draft = undefined;
  }
  const session = new ReferSession(request, sessionId, setCookie, draft);

  if (step === 'confirmation') return confirmation(session);
  if (draft?.receipt) return session.redirect(stepUrl.confirmation);

  if (step === '') return immediateDanger(session);
  if (step === 'in-danger') return inDanger(session);
  // Every later page needs the draft the first answer creates; without one (expired), start again.
  if (!session.draft) return session.redirect(stepUrl.immediateDanger);
  const current = session.draft;

  switch (step) {
    case 'social-worker':
      return socialWorker(session, current);
    case 'your-details':
      return yourDetails(session, current);
    case 'people':
      return people(session, current);
    case 'household':
      return household(session, current);
    case 'consent':
      return consent(session, current);
    case 'concern':
      return concern(session, current);
    case 'check-answers':
      return checkAnswers(session, current);
  }

  const item = /^(person|household)\/(new|[1-9]\d{0,2})(?:\/(care-act|remove))?$/.exec(step);
  if (item) {
    const [, list, which, action] = item as unknown as [
      string,
      'person' | 'household',
      string,
      string | undefined,
    ];
    const index = which === 'new' ? undefined : Number(which) - 1;
    const length = list === 'person' ? current.subjects.length : current.household.length;
    if (index !== undefined && index >= length)
      return session.redirect(session.carry(list === 'person' ? stepUrl.people : stepUrl.household));
    if (index === undefined && action) return notFoundPage(request);
    if (list === 'person') {
      if (action === 'care-act') return careAct(session, current, index!);
      if (action === 'remove') return removePerson(session, current, index!);
      return person(session, current, index);
    }
    if (action === 'remove') return removeHouseholdMember(session, current, index!);
    if (action === 'care-act') return notFoundPage(request);
    return householdMember(session, current, index);
  }
  return notFoundPage(request);
}

// ---------------------------------------------------------------------------------------------------
// The gates

async function immediateDanger(session: ReferSession) {
  const title = 'Is anyone in immediate danger right now?';
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render(
      'refer/immediate-danger.njk',
      { title, values, backLink: session.fromCheck ? stepUrl.checkAnswers : '/' },
      errors,
    );
  if (session.request.method === 'GET')
    return show({ immediateDanger: yesNoValue(session.draft?.immediateDanger) });

  const outcome = readImmediateDanger(session.form);
  if (!outcome.ok) return show(postedValues(session.form), outcome.errors);
  if (outcome.value) return session.redirect(session.carry(stepUrl.inDanger));
  await session.save({ ...(session.draft ?? newDraft()), immediateDanger: false });
  return session.next(stepUrl.socialWorker);
}

async function inDanger(session: ReferSession) {
  if (session.request.method === 'GET') {
    return session.render('refer/in-danger.njk', {
      title: 'Call 999 now',
      contacts: dutyLines,
      backLink: session.carry(stepUrl.immediateDanger),
    });
  }
  await session.save({ ...(session.draft ?? newDraft()), immediateDanger: true });
  return session.next(stepUrl.socialWorker);
}

async function socialWorker(session: ReferSession, draft: ReferralDraft) {
  const title = 'Does the child or adult already have a social worker?';
  const backLink = session.back(draft.immediateDanger ? stepUrl.inDanger : stepUrl.immediateDanger);
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render('refer/social-worker.njk', { title, values, backLink }, errors);
  if (session.request.method === 'GET')
    return show({ existingSocialWorker: draft.existingSocialWorker ?? '' });

  const outcome = readSocialWorker(session.form);
  if (!outcome.ok) return show(postedValues(session.form), outcome.errors);
  await session.save({ ...draft, existingSocialWorker: outcome.value });
  return session.next(stepUrl.yourDetails);
}

// ---------------------------------------------------------------------------------------------------
// Your details

const sourceItems = (selected: string) => [
  { value: '', text: 'Choose an option', selected: selected === '' },
  ...SOURCE_CODES.map((code) => ({ value: code, text: SOURCE_LABELS[code], selected: selected === code })),
];

async function yourDetails(session: ReferSession, draft: ReferralDraft) {
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render(
      'refer/your-details.njk',
      {
        title: 'Your details',
        values,
        sourceItems: sourceItems(String(values.source ?? '')),
        backLink: session.back(stepUrl.socialWorker),
      },
      errors,
    );
  if (session.request.method === 'GET') return show(referrerValues(draft.referrer));

  const outcome = readReferrer(session.form);
  if (!outcome.ok) return show(postedValues(session.form), outcome.errors);
  await session.save({ ...draft, referrer: outcome.value });
  return session.next(draft.subjects.length > 0 ? stepUrl.people : stepUrl.newPerson);
}

// ---------------------------------------------------------------------------------------------------
// People the referral is about

const isItemKey = (value: string) => /^[0-9a-f-]{36}$/.test(value);

async function person(session: ReferSession, draft: ReferralDraft, index: number | undefined) {
  const existing = index === undefined ? undefined : draft.subjects[index];
  const title = existing ? 'Change their details' : 'Add a child or adult you are worried about';
  const backLink = session.back(existing || draft.subjects.length > 0 ? stepUrl.people : stepUrl.yourDetails);
  const show = (values: FormValues, itemKey: string | undefined, errors: FieldError[] = []) =>
    session.render('refer/person.njk', { title, values, itemKey, backLink }, errors);

  if (session.request.method === 'GET') {
    if (index === undefined && draft.subjects.length >= MAX_SUBJECTS)
      return session.redirect(session.carry(stepUrl.people));
    return show(subjectValues(existing?.subject), existing ? undefined : newItemKey());
  }

  const postedKey = field(session.form, 'itemKey');
  const outcome = readSubject(session.form, session.today, existing?.subject.s42);
  if (!outcome.ok) return show(postedValues(session.form), existing ? undefined : postedKey, outcome.errors);

  const subjects = [...draft.subjects];
  let at = index;
  if (at === undefined) {
    // A double-submitted "add" page carries the same key: update the person it added, do not add twice.
    const key = isItemKey(postedKey) ? postedKey : newItemKey();
    const already = subjects.findIndex((entry) => entry.key === key);
    if (already !== -1) at = already;
    else if (subjects.length >= MAX_SUBJECTS) return session.redirect(session.carry(stepUrl.people));
    else {
      subjects.push({ key, subject: outcome.value });
      at = subjects.length - 1;
    }
  }
  const previous = subjects[at]!;
  // The Care Act answers of an adult are kept when other details change.
  const s42 = outcome.value.type === 'adult' ? (outcome.value.s42 ?? previous.subject.s42) : undefined;
  subjects[at] = { key: previous.key, subject: { ...outcome.value, ...(s42 ? { s42 } : {}) } };
  if (outcome.value.type === 'child') delete subjects[at]!.subject.s42;
  await session.save({
    ...draft,
    subjects,
    subjectsComplete: session.fromCheck ? draft.subjectsComplete : false,
  });

  if (outcome.value.type === 'adult') return session.redirect(session.carry(stepUrl.careAct(at)));
  return session.next(stepUrl.people);
}

async function careAct(session: ReferSession, draft: ReferralDraft, index: number) {
  const entry = draft.subjects[index]!;
  if (entry.subject.type !== 'adult') return session.redirect(session.carry(stepUrl.person(index)));
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render(
      'refer/care-act.njk',
      {
        title: 'About their care and support needs',
        personName: subjectName(entry.subject),
        values,
        backLink: session.carry(stepUrl.person(index)),
      },
      errors,
    );
  if (session.request.method === 'GET') return show(careActValues(entry.subject.s42));

  const outcome = readCareAct(session.form);
  if (!outcome.ok) return show(postedValues(session.form), outcome.errors);
  const subjects = [...draft.subjects];
  subjects[index] = { key: entry.key, subject: { ...entry.subject, s42: outcome.value } };
  await session.save({ ...draft, subjects });
  return session.next(stepUrl.people);
}

async function people(session: ReferSession, draft: ReferralDraft) {
  if (draft.subjects.length === 0) return session.redirect(session.carry(stepUrl.newPerson));
  const rows = draft.subjects.map((entry, index) => ({
    key: { text: subjectName(entry.subject) },
    value: { text: subjectSummary(entry.subject) },
    actions: {
      items: [
        {
          href: session.carry(stepUrl.person(index)),
          text: 'Change',
          visuallyHiddenText: subjectName(entry.subject),
        },
        {
          href: session.carry(stepUrl.removePerson(index)),
          text: 'Remove',
          visuallyHiddenText: subjectName(entry.subject),
        },
      ],
    },
  }));
  const full = draft.subjects.length >= MAX_SUBJECTS;
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render(
      'refer/people.njk',
      {
        title: 'People you are worried about',
        rows,
        questionName: 'addAnother',
        question: 'Do you need to add another person?',
        hint: full
          ? 'You have added 20 people, the most one referral can name. Make another referral for anyone else.'
          : 'Add each child or adult this concern is about, including brothers and sisters at risk.',
        values,
        backLink: session.back(stepUrl.person(draft.subjects.length - 1)),
      },
      errors,
    );
  if (session.request.method === 'GET') return show({ addAnother: '' });

  const addAnother = yesNo(session.form, 'addAnother');
  if (addAnother === undefined) {
    return show({}, [{ field: 'addAnother', message: 'Select yes if you need to add another person' }]);
  }
  if (addAnother) {
    if (full) {
      return show(postedValues(session.form), [
        {
          field: 'addAnother',
          message: 'A referral can name up to 20 people; make another referral for the rest',
        },
      ]);
    }
    return session.redirect(session.carry(stepUrl.newPerson));
  }
  await session.save({ ...draft, subjectsComplete: true });
  return session.next(stepUrl.household);
}

async function removePerson(session: ReferSession, draft: ReferralDraft, index: number) {
  const entry = draft.subjects[index]!;
  return removeItem(
    session,
    `Are you sure you want to remove ${subjectName(entry.subject)}?`,
    stepUrl.people,
    async () => {
      await session.save({ ...draft, subjects: draft.subjects.filter((_, at) => at !== index) });
    },
  );
}

async function removeItem(
  session: ReferSession,
  title: string,
  listUrl: string,
  remove: () => Promise<void>,
) {
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render('refer/remove.njk', { title, values, backLink: session.carry(listUrl) }, errors);
  if (session.request.method === 'GET') return show({});
  const confirmed = yesNo(session.form, 'confirmRemove');
  if (confirmed === undefined)
    return show({}, [{ field: 'confirmRemove', message: 'Select yes if you want to remove them' }]);
  if (confirmed) await remove();
  return session.redirect(session.carry(listUrl));
}

// ---------------------------------------------------------------------------------------------------
// Household

async function household(session: ReferSession, draft: ReferralDraft) {
  const empty = draft.household.length === 0;
  const full = draft.household.length >= MAX_HOUSEHOLD;
  const rows = draft.household.map((entry, index) => ({
    key: { text: entry.member.name },
    value: { text: memberSummary(entry.member) },
    actions: {
      items: [
        {
          href: session.carry(stepUrl.householdMember(index)),
          text: 'Change',
          visuallyHiddenText: entry.member.name,
        },
        {
          href: session.carry(stepUrl.removeHouseholdMember(index)),
          text: 'Remove',
          visuallyHiddenText: entry.member.name,
        },
      ],
    },
  }));
  const question = empty
    ? 'Do you want to add someone who lives with them?'
    : 'Do you need to add another household member?';
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render(
      'refer/people.njk',
      {
        title: 'Household members',
        rows,
        questionName: 'addMember',
        question,
        hint: empty
          ? 'For example, parents, carers, brothers and sisters, partners and lodgers. This is optional: answer no if you do not know.'
          : full
            ? 'You have added 30 household members, the most one referral can list.'
            : 'Include anyone with parental responsibility, even if they live elsewhere.',
        values,
        backLink: session.back(stepUrl.people),
      },
      errors,
    );
  if (session.request.method === 'GET') return show({ addMember: '' });

  const addMember = yesNo(session.form, 'addMember');
  if (addMember === undefined) {
    return show({}, [
      {
        field: 'addMember',
        message: empty
          ? 'Select yes if you want to add someone who lives with them'
          : 'Select yes if you need to add another household member',
      },
    ]);
  }
  if (addMember) {
    if (full)
      return show(postedValues(session.form), [
        { field: 'addMember', message: 'List up to 30 household members' },
      ]);
    return session.redirect(session.carry(stepUrl.newHouseholdMember));
  }
  await session.save({ ...draft, householdComplete: true });
  return session.next(stepUrl.consent);
}

async function householdMember(session: ReferSession, draft: ReferralDraft, index: number | undefined) {
  const existing = index === undefined ? undefined : draft.household[index];
  const title = existing ? 'Change household member details' : 'Add a household member';
  const show = (values: FormValues, itemKey: string | undefined, errors: FieldError[] = []) =>
    session.render(
      'refer/household-member.njk',
      { title, values, itemKey, backLink: session.carry(stepUrl.household) },
      errors,
    );
  if (session.request.method === 'GET') {
    if (index === undefined && draft.household.length >= MAX_HOUSEHOLD)
      return session.redirect(session.carry(stepUrl.household));
    return show(householdValues(existing?.member), existing ? undefined : newItemKey());
  }

  const postedKey = field(session.form, 'itemKey');
  const outcome = readHouseholdMember(session.form, session.today);
  if (!outcome.ok) return show(postedValues(session.form), existing ? undefined : postedKey, outcome.errors);
  const members = [...draft.household];
  if (existing) members[index!] = { key: existing.key, member: outcome.value };
  else {
    const key = isItemKey(postedKey) ? postedKey : newItemKey();
    const already = members.findIndex((entry) => entry.key === key);
    if (already !== -1) members[already] = { key, member: outcome.value };
    else if (members.length < MAX_HOUSEHOLD) members.push({ key, member: outcome.value });
  }
  await session.save({ ...draft, household: members });
  return session.redirect(session.carry(stepUrl.household));
}

async function removeHouseholdMember(session: ReferSession, draft: ReferralDraft, index: number) {
  const entry = draft.household[index]!;
  return removeItem(
    session,
    `Are you sure you want to remove ${entry.member.name}?`,
    stepUrl.household,
    async () => {
      await session.save({ ...draft, household: draft.household.filter((_, at) => at !== index) });
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// Consent and the concern

async function consent(session: ReferSession, draft: ReferralDraft) {
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render(
      'refer/consent.njk',
      { title: 'Telling the family, and consent', values, backLink: session.back(stepUrl.household) },
      errors,
    );
  if (session.request.method === 'GET') return show(consentValues(draft.consent));
  const outcome = readConsent(session.form);
  if (!outcome.ok) return show(postedValues(session.form), outcome.errors);
  await session.save({ ...draft, consent: outcome.value });
  return session.next(stepUrl.concern);
}

const categoryItems = (selected: string[]) =>
  CONCERN_CATEGORIES.map((category) => ({
    value: category,
    text: CONCERN_CATEGORY_LABELS[category],
    checked: selected.includes(category),
  }));

async function concern(session: ReferSession, draft: ReferralDraft) {
  const show = (values: FormValues, errors: FieldError[] = []) =>
    session.render(
      'refer/concern.njk',
      {
        title: 'Your concern',
        values,
        categoryItems: categoryItems((values.categories as string[] | undefined) ?? []),
        backLink: session.back(stepUrl.consent),
      },
      errors,
    );
  if (session.request.method === 'GET') return show(concernValues(draft.concern));
  const outcome = readConcern(session.form, session.today);
  if (!outcome.ok) return show(postedValues(session.form, ['categories']), outcome.errors);
  await session.save({ ...draft, concern: outcome.value });
  return session.next(stepUrl.checkAnswers);
}

// ---------------------------------------------------------------------------------------------------
// Check answers, send, confirmation

async function checkAnswers(session: ReferSession, draft: ReferralDraft) {
  const unanswered = firstUnansweredStep(draft);
  if (unanswered) return session.redirect(unanswered);
  const show = (issues: ValidationIssue[] = []) =>
    session.render('refer/check-answers.njk', {
      title: 'Check your answers before sending your referral',
      sections: checkAnswersSections(draft),
      backLink: stepUrl.concern,
      errorList: issues.map((issue) => ({ text: issue.message, href: issueLink(issue) })),
    });
  if (session.request.method === 'GET') return show();

  // The whole referral is checked again, exactly as the API would check it.
  const parsed = parseReferral(referralFromDraft(draft), session.today);
  if (!parsed.ok) return show(parsed.issues);
  let receipt: ReferralReceipt;
  try {
    // A double-click: the service waits for the first request sending this draft and gives its receipt.
    receipt = await submitReferral(parsed.referral as ReferralInput, { idempotencyKey: draft.id });
    functionMetrics('pages').addMetric('ReferralReceived', 'Count', 1);
  } catch (error) {
    if (error instanceof HttpError && error.statusCode === 400 && error.details) return show(error.details);
    throw error;
  }
  // The receipt goes to a new session id: whoever else knew the old one (a shared computer, a planted
  // cookie) never sees the token. The old session keeps the receipt without it, so a second click on
  // "Send" finds the referral sent rather than the start of the form.
  const sentSessionId = newSessionId();
  await putDraft(sentSessionId, draftToData(submittedDraft(draft, receipt)));
  await session.save(submittedDraft(draft, withoutToken(receipt)));
  return redirect(session.request, stepUrl.confirmation, {
    setCookie: cookieFor(session.request, sentSessionId),
  });
}

async function confirmation(session: ReferSession) {
  const receipt = session.draft?.receipt;
  if (!receipt) return session.redirect(stepUrl.immediateDanger);
  if (session.request.method === 'POST') return session.redirect(stepUrl.confirmation);
  // Shown once, as the page promises: the token leaves the draft before the page showing it is sent.
  if (receipt.receiptToken) await session.save({ ...session.draft!, receipt: withoutToken(receipt) });
  return session.render('refer/confirmation.njk', {
    title: 'Referral sent',
    receipt,
    decisionDue: receipt.decisionDueAt ? formatLondonDateTime(receipt.decisionDueAt) : undefined,
  });
}

// ---------------------------------------------------------------------------------------------------

function forbiddenPage(request: PageRequest) {
  return errorPage(request, 403, {
    title: 'Sorry, we could not accept that form',
    paragraphs: [
      'The page you sent it from had expired, or it did not come from this service. Nothing you entered on that page has been saved.',
      'Your earlier answers are kept for 24 hours.',
    ],
    link: { href: '/refer', text: 'Go back to the referral form' },
  });
}

const notFoundPage = notFound;
