/**
 * The hub's workbench: the queue sorted by decision deadline, with RAG and time left, and the case
 * page with its forms (rate, ask agencies, consent override, decide) and, for managers, the audit
 * trail. Reads and changes go through the same audited services as the API, with the same role rules:
 * `mash` rates, asks and decides; `manager` overrides consent and reads the audit trail.
 *
 * Every form is a plain POST (no JavaScript) carrying the session-bound CSRF token; success is
 * post/redirect/get back to the case page with `?done=…` for the notification banner, and a problem
 * re-renders the case page with the error summary linked to the field (400, or 409 for a conflict).
 */

import type { APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import type { Principal } from '../../auth/tokens.ts';
import type { AuditRecord } from '../../domain/case.ts';
import {
  ADULT_OUTCOMES,
  AGENCIES,
  AGENCY_LABELS,
  type Agency,
  CASE_STATUSES,
  type CaseStatus,
  CHILD_OUTCOMES,
  CONCERN_CATEGORY_LABELS,
  type Outcome,
  RAG_RATINGS,
  type Rag,
  type Role,
  SOURCE_LABELS,
} from '../../domain/codes.ts';
import { describeOutcome, OUTCOME_DESCRIPTIONS } from '../../domain/outcomes.ts';
import { ID_PATTERN } from '../../domain/tokens.ts';
import { DEFAULT_QUESTIONS, WorkflowError } from '../../domain/workflow.ts';
import {
  consentOverrideSchema,
  decisionSchema,
  informationRequestsSchema,
  triageSchema,
} from '../../http/api-schemas.ts';
import { hubClock } from '../../platform/clock.ts';
import { routeRoles } from '../../routes.ts';
import { toAgencyView } from '../../services/agency.ts';
import { actorOf, type CaseListItem, type CaseView, listCases, viewCase } from '../../services/cases.ts';
import {
  caseAudit,
  decideCase,
  overrideCaseConsent,
  requestInformation,
  triageCase,
} from '../../services/workflow.ts';
import { InvalidCursorError } from '../../store/case-store.ts';
import { notFound } from '../shared/error-pages.ts';
import { errorView, type FieldError, type FormValues, optional, orderErrors } from '../shared/form.ts';
import { describeDuration, formatIsoDate, formatLondonDateTime } from '../shared/format.ts';
import { type FormBody, field, fields, htmlResponse, type PageRequest, redirect } from '../shared/http.ts';
import { renderPage } from '../shared/render.ts';
import {
  hasValidStaffCsrf,
  requireStaff,
  roleRefused,
  staffCsrfToken,
  staffFormRefused,
  staffView,
} from '../shared/staff-session.ts';

const PAGE_SIZE = 50;

const STATUS_LABELS: Record<CaseStatus, string> = {
  received: 'Not yet rated',
  triaged: 'Rated',
  gathering: 'Waiting for agencies',
  ready: 'Ready to decide',
  decided: 'Decided',
};

const RAG_TAGS: Record<Rag | 'unrated', { text: string; classes: string }> = {
  red: { text: 'Red', classes: 'govuk-tag--red' },
  amber: { text: 'Amber', classes: 'govuk-tag--orange' },
  green: { text: 'Green', classes: 'govuk-tag--green' },
  unrated: { text: 'Not rated', classes: 'govuk-tag--grey' },
};

const RAG_HINTS: Record<Rag, string> = {
  red: 'Decision within 4 hours of receipt, day or night. Agencies answer within 2 hours.',
  amber: 'Decision within 1 working day of receipt. Agencies answer within 6 working hours.',
  green: 'Decision within 3 working days of receipt. Agencies answer within 1 working day.',
};

function timeLeft(item: Pick<CaseListItem, 'status' | 'decisionDueAt' | 'overdue'>, now: Date) {
  if (item.status === 'decided') return { text: 'Decided', overdue: false };
  const remaining = Date.parse(item.decisionDueAt) - now.getTime();
  return item.overdue
    ? { text: `Overdue by ${describeDuration(remaining)}`, overdue: true }
    : { text: `${describeDuration(remaining)} left`, overdue: false };
}

function queueFilters(query: Record<string, string>) {
  const status = CASE_STATUSES.find((candidate) => candidate === query.status);
  const rag = RAG_RATINGS.find((candidate) => candidate === query.rag);
  const overdue = query.overdue === 'true';
  const cursor = query.cursor && /^[A-Za-z0-9_-]{1,2048}$/.test(query.cursor) ? query.cursor : undefined;
  return { status, rag, overdue, cursor };
}

export async function workbenchQueuePage(request: PageRequest): Promise<APIGatewayProxyResult> {
  const gate = await requireStaff(request);
  if ('response' in gate) return gate.response;
  const filters = queueFilters(request.query);
  const actor = actorOf(gate.principal, LIST_ROLES);
  let page: Awaited<ReturnType<typeof listCases>>;
  try {
    page = await listCases(actor, {
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.rag ? { rag: filters.rag } : {}),
      ...(filters.overdue ? { overdue: true } : {}),
      ...(filters.cursor ? { cursor: filters.cursor } : {}),
      limit: PAGE_SIZE,
    });
  } catch (error) {
    if (error instanceof InvalidCursorError) return notFound(request);
    throw error;
  }
  const now = hubClock.now();
  const rows = page.items.map((item) => ({
    ...item,
    ragTag: RAG_TAGS[item.rag ?? 'unrated'],
    statusLabel: STATUS_LABELS[item.status],
    receivedText: formatLondonDateTime(item.receivedAt),
    dueText: formatLondonDateTime(item.decisionDueAt),
    timeLeft: timeLeft(item, now),
  }));
  const nextQuery = page.nextCursor
    ? new URLSearchParams({
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.rag ? { rag: filters.rag } : {}),
        ...(filters.overdue ? { overdue: 'true' } : {}),
        cursor: page.nextCursor,
      }).toString()
    : undefined;
  const html = renderPage('workbench/queue.njk', {
    title: 'Referrals by decision deadline',
    cspNonce: request.cspNonce,
    navCurrent: 'workbench',
    staff: staffView(gate.principal, actor.role),
    rows,
    filters,
    statuses: CASE_STATUSES.map((value) => ({
      value,
      text: STATUS_LABELS[value],
      selected: value === filters.status,
    })),
    rags: RAG_RATINGS.map((value) => ({
      value,
      text: RAG_TAGS[value].text,
      selected: value === filters.rag,
    })),
    nextHref: nextQuery ? `/workbench?${nextQuery}` : undefined,
    nowText: formatLondonDateTime(now),
  });
  return htmlResponse(request, html);
}

// ---------------------------------------------------------------------------------------------------
// The case page and its forms

const CASE_ACTIONS = ['rate', 'request', 'consent-override', 'decide'] as const;
type CaseAction = (typeof CASE_ACTIONS)[number];

/**
 * Who may use each form, and read the case and its audit trail: the roles of the API routes that do the
 * same (src/routes.ts), so a page never lets a role do what the API refuses it. Who may open the
 * workbench at all is its page routes' `sessionRoles` (checked by requireStaff).
 */
const ACTION_ROLES: Record<CaseAction, readonly Role[]> = {
  rate: routeRoles('POST', '/api/cases/{id}/triage'),
  request: routeRoles('POST', '/api/cases/{id}/information-requests'),
  'consent-override': routeRoles('POST', '/api/cases/{id}/consent-override'),
  decide: routeRoles('POST', '/api/cases/{id}/decision'),
};
const LIST_ROLES = routeRoles('GET', '/api/cases');
const VIEW_ROLES = routeRoles('GET', '/api/cases/{id}');
const AUDIT_ROLES = routeRoles('GET', '/api/cases/{id}/audit');

const hasRole = (principal: Principal, roles: readonly Role[]) =>
  principal.roles.some((role) => roles.includes(role));

/** The section of the case page each form sits in: where an error links when its form is not shown. */
const ACTION_SECTION: Record<CaseAction, string> = {
  rate: 'rating',
  request: 'requests',
  'consent-override': 'consent',
  decide: 'decision',
};

/** Each form's fields in page order; schema paths map to these ids (unique on the page). */
const ACTION_FIELDS: Record<CaseAction, Record<string, string>> = {
  rate: { rag: 'rag', rationale: 'rateRationale' },
  request: { agencies: 'agencies', questions: 'questions' },
  'consent-override': { rationale: 'overrideRationale' },
  decide: { outcome: 'outcome', rationale: 'decisionRationale', recipientAgency: 'recipientAgency' },
};

const DONE: Record<CaseAction, string> = {
  rate: 'rated',
  request: 'requested',
  'consent-override': 'consent-overridden',
  decide: 'decided',
};

/** A Map, not an object: `?done=toString` (or `__proto__`) must find nothing, not Object.prototype's members. */
const DONE_MESSAGES: ReadonlyMap<string, string> = new Map([
  ['rated', 'Rating saved. The decision deadline has been worked out again from when the referral arrived.'],
  ['requested', 'Information requested. Each agency will see the request in its portal.'],
  [
    'consent-overridden',
    'Your authorisation is recorded. Practitioners can now ask agencies for information.',
  ],
  ['decided', 'Decision recorded.'],
]);

interface FormState {
  action: CaseAction;
  values: FormValues;
  errors: FieldError[];
  statusCode: number;
}

type Submission = { ok: true; run: () => Promise<unknown> } | { ok: false; errors: FieldError[] };

function zodErrors(action: CaseAction, error: z.ZodError): FieldError[] {
  const map = ACTION_FIELDS[action];
  const primary = Object.values(map)[0]!;
  return orderErrors(
    error.issues.map((issue) => ({
      field: map[String(issue.path[0] ?? '')] ?? primary,
      message: issue.message,
    })),
    Object.values(map),
  );
}

/** Reads a form, validates it with the API's schema, and returns the service call to make. */
function readSubmission(
  action: CaseAction,
  form: FormBody,
  actorFor: (roles: readonly Role[]) => ReturnType<typeof actorOf>,
  caseId: string,
): Submission {
  const actor = actorFor(ACTION_ROLES[action]);
  switch (action) {
    case 'rate': {
      const parsed = triageSchema.safeParse({
        rag: optional(form, 'rag'),
        rationale: optional(form, 'rateRationale'),
      });
      if (!parsed.success) return { ok: false, errors: zodErrors(action, parsed.error) };
      return { ok: true, run: () => triageCase(actor, caseId, parsed.data) };
    }
    case 'request': {
      const parsed = informationRequestsSchema.safeParse({
        agencies: fields(form, 'agencies'),
        questions: optional(form, 'questions'),
      });
      if (!parsed.success) return { ok: false, errors: zodErrors(action, parsed.error) };
      return { ok: true, run: () => requestInformation(actor, caseId, parsed.data) };
    }
    case 'consent-override': {
      const parsed = consentOverrideSchema.safeParse({ rationale: field(form, 'overrideRationale') });
      if (!parsed.success) return { ok: false, errors: zodErrors(action, parsed.error) };
      return { ok: true, run: () => overrideCaseConsent(actor, caseId, parsed.data) };
    }
    case 'decide': {
      const parsed = decisionSchema.safeParse({
        outcome: optional(form, 'outcome'),
        rationale: field(form, 'decisionRationale'),
        recipientAgency: optional(form, 'recipientAgency'),
      });
      if (!parsed.success) {
        const errors = zodErrors(action, parsed.error).map((error) =>
          error.field === 'outcome'
            ? { ...error, message: 'Choose the outcome' }
            : error.field === 'recipientAgency'
              ? { ...error, message: 'Choose an agency from the list, or None' }
              : error,
        );
        return { ok: false, errors };
      }
      return { ok: true, run: () => decideCase(actor, caseId, parsed.data) };
    }
  }
}

/** The posted values a form shows again when it comes back with errors. */
function postedValues(action: CaseAction, form: FormBody): FormValues {
  const values: FormValues = {};
  for (const id of Object.values(ACTION_FIELDS[action])) {
    values[id] = id === 'agencies' ? fields(form, id) : field(form, id);
  }
  return values;
}

export async function workbenchCasePage(request: PageRequest): Promise<APIGatewayProxyResult> {
  const gate = await requireStaff(request);
  if ('response' in gate) return gate.response;
  const match = /^cases\/([^/]+)(?:\/([a-z-]+))?$/.exec(request.pathParameters.path ?? '');
  const id = match?.[1];
  const sub = match?.[2];
  if (!id || !ID_PATTERN.test(id)) return notFound(request);
  const principal = gate.principal;

  if (sub === 'audit') {
    if (request.method !== 'GET') return notFound(request);
    return auditPage(request, principal, id);
  }

  if (sub === undefined) {
    if (request.method !== 'GET') return notFound(request);
    return renderCase(request, principal, id, { done: request.query.done });
  }

  const action = CASE_ACTIONS.find((candidate) => candidate === sub);
  if (!action) return notFound(request);
  // The forms' addresses only take POSTs; opening one (a bookmark, a refresh after an error) shows the case.
  if (request.method !== 'POST') return redirect(request, `/workbench/cases/${id}`);
  if (!hasValidStaffCsrf(request)) {
    return staffFormRefused(request, { href: `/workbench/cases/${id}`, text: 'Go back to the case' });
  }
  if (!hasRole(principal, ACTION_ROLES[action])) return roleRefused(request);

  const submission = readSubmission(action, request.form, (roles) => actorOf(principal, roles), id);
  if (!submission.ok) {
    return renderCase(request, principal, id, {
      form: {
        action,
        values: postedValues(action, request.form),
        errors: submission.errors,
        statusCode: 400,
      },
    });
  }
  try {
    await submission.run();
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    if (error.status === 404) return notFound(request);
    const map = ACTION_FIELDS[action];
    const fieldId = (error.path && map[error.path]) || Object.values(map)[0]!;
    return renderCase(request, principal, id, {
      form: {
        action,
        values: postedValues(action, request.form),
        errors: [{ field: fieldId, message: error.message }],
        statusCode: error.status,
      },
    });
  }
  return redirect(request, `/workbench/cases/${id}?done=${DONE[action]}`);
}

const REQUEST_STATUS_TAGS = {
  open: { text: 'Waiting', classes: 'govuk-tag--blue' },
  answered: { text: 'Answered', classes: 'govuk-tag--green' },
} as const;

/** The outcomes a case's subjects allow: children's, adults', or both for a mixed referral. */
function outcomeItems(view: CaseView, selected: string) {
  const types = new Set(view.referral.subjects.map((subject) => subject.type));
  const item = (outcome: Outcome) => ({
    value: outcome,
    text: OUTCOME_DESCRIPTIONS[outcome],
    hint: { text: outcome },
    checked: outcome === selected,
  });
  const children = types.has('child') ? CHILD_OUTCOMES.map(item) : [];
  const adults = types.has('adult') ? ADULT_OUTCOMES.map(item) : [];
  return children.length && adults.length
    ? [...children, { divider: 'or, for the adult' }, ...adults]
    : [...children, ...adults];
}

async function renderCase(
  request: PageRequest,
  principal: Principal,
  id: string,
  options: { done?: string | undefined; form?: FormState },
): Promise<APIGatewayProxyResult> {
  const actor = actorOf(principal, VIEW_ROLES);
  const view = await viewCase(actor, id);
  if (!view) return notFound(request);
  const now = hubClock.now();
  const referral = view.referral;
  const may = (action: CaseAction) => hasRole(principal, ACTION_ROLES[action]);
  const decided = view.status === 'decided';
  const consentGiven = referral.consent.consentGiven;
  const checksAllowed = consentGiven || Boolean(view.consentOverride);

  const show = {
    rate: may('rate') && !decided,
    request: may('request') && !decided && checksAllowed && view.rag !== null,
    'consent-override': may('consent-override') && !decided && !consentGiven && !view.consentOverride,
    decide: may('decide') && !decided,
  } satisfies Record<CaseAction, boolean>;

  const form = options.form;
  // An error whose form is no longer shown (the case changed) links to its section instead.
  const errors = (form?.errors ?? []).map((error) =>
    form && !show[form.action] ? { ...error, field: ACTION_SECTION[form.action] } : error,
  );
  const valuesFor = (action: CaseAction): FormValues => (form?.action === action ? form.values : {});
  const rateValues = valuesFor('rate');
  const requestValues = valuesFor('request');
  const decideValues = valuesFor('decide');
  const chosenAgencies = (requestValues.agencies as string[] | undefined) ?? [];
  const recipient = String(decideValues.recipientAgency ?? '');

  const requests = view.requests
    .map((item) => ({ ...toAgencyView(item, now), agency: item.agency }))
    .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.agency.localeCompare(b.agency))
    .map((item) => ({
      ...item,
      agencyLabel: AGENCY_LABELS[item.agency],
      issuedText: formatLondonDateTime(item.issuedAt),
      dueText: formatLondonDateTime(item.dueAt),
      statusTag: REQUEST_STATUS_TAGS[item.status],
      answeredText: item.answer ? formatLondonDateTime(item.answer.answeredAt) : undefined,
    }));
  const outstanding = requests.filter((item) => item.status === 'open').length;

  const html = renderPage('workbench/case.njk', {
    title: `Referral ${view.reference}`,
    cspNonce: request.cspNonce,
    navCurrent: 'workbench',
    backLink: '/workbench',
    staff: staffView(principal, actor.role),
    csrfToken:
      show.rate || show.request || show['consent-override'] || show.decide ? staffCsrfToken(request) : '',
    ...errorView(errors),
    successMessage: errors.length === 0 && options.done ? DONE_MESSAGES.get(options.done) : undefined,
    kase: view,
    show,
    mayReadAudit: hasRole(principal, AUDIT_ROLES),
    mayRequest: may('request'),
    ragTag: RAG_TAGS[view.rag ?? 'unrated'],
    statusLabel: STATUS_LABELS[view.status],
    receivedText: formatLondonDateTime(view.receivedAt),
    dueText: formatLondonDateTime(view.decisionDueAt),
    timeLeft: timeLeft(view, now),
    sourceLabel: SOURCE_LABELS[referral.referrer.source],
    categories: referral.concern.categories.map((category) => CONCERN_CATEGORY_LABELS[category]),
    subjects: referral.subjects.map((subject) => ({
      ...subject,
      dateOfBirthText: formatIsoDate(subject.dateOfBirth),
      expectedDueDateText: formatIsoDate(subject.expectedDueDate),
    })),
    ratings: view.ratingHistory.map((rating) => ({
      ...rating,
      atText: formatLondonDateTime(rating.at),
      ragText: RAG_TAGS[rating.rag].text,
    })),
    outcomeText: view.decision ? describeOutcome(view.decision.outcome) : undefined,
    consentOverride: view.consentOverride
      ? { ...view.consentOverride, atText: formatLondonDateTime(view.consentOverride.at) }
      : undefined,
    decision: view.decision
      ? {
          ...view.decision,
          decidedText: formatLondonDateTime(view.decision.decidedAt),
          recipientLabel: view.decision.recipientAgency
            ? AGENCY_LABELS[view.decision.recipientAgency]
            : undefined,
        }
      : undefined,
    requests,
    outstanding,
    defaultQuestions: DEFAULT_QUESTIONS,
    rateValues,
    rateItems: RAG_RATINGS.map((rag) => ({
      value: rag,
      text: RAG_TAGS[rag].text,
      hint: { text: RAG_HINTS[rag] },
      checked: form?.action === 'rate' ? rateValues.rag === rag : view.rag === rag,
    })),
    requestValues,
    agencyItems: AGENCIES.map((agency) => {
      const asked = requests.filter((item) => item.agency === agency).length;
      return {
        value: agency,
        text: AGENCY_LABELS[agency],
        checked: chosenAgencies.includes(agency),
        ...(asked ? { hint: { text: `Already asked${asked > 1 ? ` ${asked} times` : ''}` } } : {}),
      };
    }),
    overrideValues: valuesFor('consent-override'),
    decideValues,
    outcomeItems: outcomeItems(view, String(decideValues.outcome ?? '')),
    recipientItems: [
      { value: '', text: 'None', selected: recipient === '' },
      ...AGENCIES.map((agency: Agency) => ({
        value: agency,
        text: AGENCY_LABELS[agency],
        selected: recipient === agency,
      })),
    ],
  });
  return htmlResponse(request, html, { statusCode: form && errors.length ? form.statusCode : 200 });
}

// ---------------------------------------------------------------------------------------------------
// The audit trail (managers only)

const AUDIT_ACTIONS: Record<string, string> = {
  'referral.received': 'Referral received',
  'case.listed': 'Listed in the queue',
  'case.viewed': 'Case opened',
  'case.rated': 'Rated',
  'case.re-rated': 'Re-rated',
  'consent.overridden': 'Consent override recorded',
  'request.issued': 'Information requested',
  'request.listed': 'Request listed by the agency',
  'request.viewed': 'Request opened by the agency',
  'request.answered': 'Agency answered',
  'case.decided': 'Decided',
  'product.listed': 'Information product listed by the agency',
  'audit.viewed': 'Audit trail opened',
};

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z\b/g;

async function auditPage(
  request: PageRequest,
  principal: Principal,
  id: string,
): Promise<APIGatewayProxyResult> {
  if (!hasRole(principal, AUDIT_ROLES)) return roleRefused(request);
  const actor = actorOf(principal, AUDIT_ROLES);
  // Opening the case (for its reference) is recorded first, so the trail shown includes it.
  const view = await viewCase(actor, id);
  if (!view) return notFound(request);
  const records = await caseAudit(actor, id);
  if (!records) return notFound(request);
  const rows = records.map((record: AuditRecord) => ({
    atText: formatLondonDateTime(record.at),
    actor: record.actor,
    role: record.role,
    agencyLabel: record.agency ? AGENCY_LABELS[record.agency] : '',
    actionText: AUDIT_ACTIONS[record.action] ?? record.action,
    action: record.action,
    // Details may carry instants (a request's due time): shown in London time like every other.
    detail: (record.detail ?? '').replace(ISO_INSTANT, (instant) => formatLondonDateTime(instant) || instant),
  }));
  const html = renderPage('workbench/audit.njk', {
    title: `Audit trail for ${view.reference}`,
    cspNonce: request.cspNonce,
    navCurrent: 'workbench',
    backLink: `/workbench/cases/${id}`,
    staff: staffView(principal, actor.role),
    kase: view,
    rows,
  });
  return htmlResponse(request, html);
}
