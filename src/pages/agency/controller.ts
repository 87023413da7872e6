/**
 * The agency portal: a partner agency's own information requests (soonest due first), one request
 * with its response form, and the information products sent to the agency. Everything goes through
 * src/services/agency.ts, which holds the firewall: an agency sees only what is addressed to it, and
 * of a request only the questions, the case reference and the subjects' search details. Another
 * agency's request is "not found", exactly as in the API.
 */

import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Principal } from '../../auth/tokens.ts';
import { AGENCY_LABELS } from '../../domain/codes.ts';
import { ID_PATTERN } from '../../domain/tokens.ts';
import { WorkflowError } from '../../domain/workflow.ts';
import { agencyResponseSchema } from '../../http/api-schemas.ts';
import { hubClock } from '../../platform/clock.ts';
import {
  type AgencyActor,
  type AgencyProductView,
  type AgencyRequestView,
  listAgencyProducts,
  listAgencyRequests,
  viewAgencyRequest,
} from '../../services/agency.ts';
import { answerAgencyRequest } from '../../services/workflow.ts';
import { InvalidCursorError } from '../../store/case-store.ts';
import { errorPage, notFound } from '../shared/error-pages.ts';
import { errorView, type FieldError, type FormValues, orderErrors, yesNo } from '../shared/form.ts';
import { describeDuration, formatIsoDate, formatLondonDateTime } from '../shared/format.ts';
import { field, htmlResponse, type PageRequest, redirect } from '../shared/http.ts';
import { renderPage } from '../shared/render.ts';
import {
  hasValidStaffCsrf,
  requireStaff,
  staffCsrfToken,
  staffFormRefused,
  staffView,
  switchUserUrl,
} from '../shared/staff-session.ts';

const PRODUCTS_ON_HOME = 3;
const ANSWERED_ON_HOME = 10;

type Gate = { principal: Principal; actor: AgencyActor } | { response: APIGatewayProxyResult };

async function requireAgency(request: PageRequest): Promise<Gate> {
  const gate = await requireStaff(request);
  if ('response' in gate) return gate;
  const agency = gate.principal.agency;
  // The verifier drops the agency role from a token without a known agency; this is the last line.
  if (!agency) {
    return {
      response: errorPage(request, 403, {
        title: 'Your account is not linked to an agency',
        paragraphs: ['Ask the hub to link your account to your agency, then sign in again.'],
        link: { href: switchUserUrl(), text: 'Sign in as someone else' },
      }),
    };
  }
  return { principal: gate.principal, actor: { id: gate.principal.sub, role: 'agency', agency } };
}

/** `/agency` and everything under it. */
export async function agencyPage(request: PageRequest): Promise<APIGatewayProxyResult> {
  const gate = await requireAgency(request);
  if ('response' in gate) return gate.response;
  const path = (request.resource === '/agency' ? '' : (request.pathParameters.path ?? '')).replace(
    /\/+$/,
    '',
  );

  if (path === '') return request.method === 'GET' ? requestsPage(request, gate) : notFound(request);
  if (path === 'products') return request.method === 'GET' ? productsPage(request, gate) : notFound(request);
  if (path === 'answered') return request.method === 'GET' ? answeredPage(request, gate) : notFound(request);

  const match = /^requests\/([^/]+)(?:\/(respond))?$/.exec(path);
  const id = match?.[1];
  if (!id || !ID_PATTERN.test(id)) return notFound(request);
  if (match?.[2] === 'respond') {
    if (request.method !== 'POST') return redirect(request, `/agency/requests/${id}`);
    return respond(request, gate, id);
  }
  if (request.method !== 'GET') return notFound(request);
  return requestPage(request, gate, id, { done: request.query.done });
}

type AgencyGate = { principal: Principal; actor: AgencyActor };

function common(request: PageRequest, gate: AgencyGate, navCurrent: string) {
  return {
    cspNonce: request.cspNonce,
    navCurrent,
    staff: staffView(gate.principal, 'agency'),
    agencyLabel: AGENCY_LABELS[gate.actor.agency],
  };
}

function requestRow(item: AgencyRequestView, now: Date) {
  const remaining = Date.parse(item.dueAt) - now.getTime();
  return {
    ...item,
    dueText: formatLondonDateTime(item.dueAt),
    issuedText: formatLondonDateTime(item.issuedAt),
    timeLeftText:
      item.status === 'answered'
        ? 'Answered'
        : item.overdue
          ? `Overdue by ${describeDuration(remaining)}`
          : `${describeDuration(remaining)} left`,
    statusText: item.status === 'answered' ? 'Answered' : 'Waiting for your answer',
  };
}

function productRow(product: AgencyProductView) {
  return {
    ...product,
    decidedText: formatLondonDateTime(product.decidedAt),
    answers: product.releasableAnswers.map((answer) => ({
      ...answer,
      agencyLabel: AGENCY_LABELS[answer.agency],
    })),
  };
}

/** A `?cursor=` the portal itself wrote into a Next page link; anything else is no page at all. */
function pageCursor(request: PageRequest): string | undefined | null {
  const cursor = request.query.cursor;
  if (cursor === undefined) return undefined;
  return /^[A-Za-z0-9_-]{1,2048}$/.test(cursor) ? cursor : null;
}

/** Runs a listing; a cursor the listing did not issue shows "Page not found", as a bad link should. */
async function listed<T>(list: () => Promise<T>): Promise<T | { notFound: true }> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof InvalidCursorError) return { notFound: true };
    throw error;
  }
}

const nextHref = (path: string, cursor: string | undefined) =>
  cursor ? `${path}?cursor=${encodeURIComponent(cursor)}` : undefined;

/** `/agency`: the requests waiting for an answer, page by page, the latest answered and the latest products. */
async function requestsPage(request: PageRequest, gate: AgencyGate): Promise<APIGatewayProxyResult> {
  const cursor = pageCursor(request);
  if (cursor === null) return notFound(request);
  const now = hubClock.now();
  const open = await listed(() =>
    listAgencyRequests(gate.actor, { status: 'open', ...(cursor ? { cursor } : {}) }),
  );
  if ('notFound' in open) return notFound(request);
  // The first page also shows what was answered last and the latest decisions; the Next pages only the open requests.
  const answered = cursor
    ? undefined
    : await listAgencyRequests(gate.actor, { status: 'answered', limit: ANSWERED_ON_HOME });
  const products = cursor ? undefined : await listAgencyProducts(gate.actor, { limit: PRODUCTS_ON_HOME });
  const html = renderPage('agency/requests.njk', {
    ...common(request, gate, 'agency-requests'),
    title: 'Information requests',
    nowText: formatLondonDateTime(now),
    firstPage: !cursor,
    open: open.items.map((item) => requestRow(item, now)),
    nextHref: nextHref('/agency', open.nextCursor),
    answered: answered?.items.map((item) => requestRow(item, now)) ?? [],
    moreAnswered: Boolean(answered?.nextCursor),
    products: products?.items.map(productRow) ?? [],
  });
  return htmlResponse(request, html);
}

/** `/agency/answered`: every answered request, newest first, page by page. */
async function answeredPage(request: PageRequest, gate: AgencyGate): Promise<APIGatewayProxyResult> {
  const cursor = pageCursor(request);
  if (cursor === null) return notFound(request);
  const now = hubClock.now();
  const answered = await listed(() =>
    listAgencyRequests(gate.actor, { status: 'answered', ...(cursor ? { cursor } : {}) }),
  );
  if ('notFound' in answered) return notFound(request);
  const html = renderPage('agency/answered.njk', {
    ...common(request, gate, 'agency-requests'),
    title: 'Answered requests',
    backLink: '/agency',
    answered: answered.items.map((item) => requestRow(item, now)),
    nextHref: nextHref('/agency/answered', answered.nextCursor),
  });
  return htmlResponse(request, html);
}

/** `/agency/products`: the decisions sent to the agency, newest first, page by page. */
async function productsPage(request: PageRequest, gate: AgencyGate): Promise<APIGatewayProxyResult> {
  const cursor = pageCursor(request);
  if (cursor === null) return notFound(request);
  const products = await listed(() => listAgencyProducts(gate.actor, cursor ? { cursor } : {}));
  if ('notFound' in products) return notFound(request);
  const html = renderPage('agency/products.njk', {
    ...common(request, gate, 'agency-products'),
    title: 'Information products',
    products: products.items.map(productRow),
    nextHref: nextHref('/agency/products', products.nextCursor),
  });
  return htmlResponse(request, html);
}

/** A Map, not an object: `?done=toString` (or `__proto__`) must find nothing, not Object.prototype's members. */
const DONE_MESSAGES: ReadonlyMap<string, string> = new Map([
  ['answered', 'Your answer has been sent to the hub.'],
]);

async function requestPage(
  request: PageRequest,
  gate: AgencyGate,
  id: string,
  options: { done?: string | undefined; values?: FormValues; errors?: FieldError[]; statusCode?: number },
): Promise<APIGatewayProxyResult> {
  const view = await viewAgencyRequest(gate.actor, id);
  if (!view) return notFound(request);
  const now = hubClock.now();
  const errors = options.errors ?? [];
  const open = view.status === 'open';
  const html = renderPage('agency/request.njk', {
    ...common(request, gate, 'agency-requests'),
    title: `Request about ${view.caseReference}`,
    backLink: '/agency',
    csrfToken: open ? staffCsrfToken(request) : '',
    ...errorView(errors),
    successMessage: errors.length === 0 && options.done ? DONE_MESSAGES.get(options.done) : undefined,
    item: requestRow(view, now),
    subjects: view.subjects.map((subject) => ({
      name: [subject.firstName, subject.lastName].join(' '),
      otherNames: subject.otherNames,
      dateOfBirthText: formatIsoDate(subject.dateOfBirth),
      addressText: subject.address
        ? [subject.address.line1, subject.address.line2, subject.address.town, subject.address.postcode]
            .filter(Boolean)
            .join(', ')
        : '',
    })),
    answeredText: view.answer ? formatLondonDateTime(view.answer.answeredAt) : undefined,
    values: options.values ?? {},
  });
  return htmlResponse(request, html, { statusCode: errors.length ? (options.statusCode ?? 400) : 200 });
}

async function respond(request: PageRequest, gate: AgencyGate, id: string): Promise<APIGatewayProxyResult> {
  if (!hasValidStaffCsrf(request)) {
    return staffFormRefused(request, { href: `/agency/requests/${id}`, text: 'Go back to the request' });
  }
  const values: FormValues = {
    information: field(request.form, 'information'),
    releasable: field(request.form, 'releasable'),
  };
  const releasable = yesNo(request.form, 'releasable');
  const parsed = agencyResponseSchema.safeParse({ information: values.information, releasable });
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) =>
      issue.path[0] === 'releasable'
        ? { field: 'releasable', message: 'Select yes if this information may leave the hub' }
        : { field: 'information', message: issue.message },
    );
    return requestPage(request, gate, id, {
      values,
      errors: orderErrors(errors, ['information', 'releasable']),
      statusCode: 400,
    });
  }
  try {
    await answerAgencyRequest(gate.actor, id, parsed.data);
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    if (error.status === 404) return notFound(request);
    return requestPage(request, gate, id, {
      values,
      errors: [{ field: error.status === 409 ? 'answer' : 'information', message: error.message }],
      statusCode: error.status,
    });
  }
  return redirect(request, `/agency/requests/${id}?done=answered`);
}
