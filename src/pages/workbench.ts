/**
 * The hub's workbench: the queue sorted by decision deadline, with RAG and time left, and the case
 * page. Reads go through the same audited services as the API.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  CASE_STATUSES,
  type CaseStatus,
  CONCERN_CATEGORY_LABELS,
  RAG_RATINGS,
  type Rag,
  SOURCE_LABELS,
} from '../domain/codes.ts';
import { describeOutcome } from '../domain/outcomes.ts';
import { hubClock } from '../platform/clock.ts';
import { actorOf, type CaseListItem, listCases, viewCase } from '../services/cases.ts';
import { formatIsoDate, formatLondonDateTime } from './format.ts';
import { htmlResponse, type PageRequest } from './http.ts';
import { notFound } from './pages-common.ts';
import { renderPage } from './render.ts';
import { requireStaff } from './staff.ts';

const HUB_ROLES = ['mash', 'manager'] as const;
const PAGE_SIZE = 50;
const CASE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const STATUS_LABELS: Record<CaseStatus, string> = {
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

/** "3 hours 20 minutes", "2 days 1 hour", "45 minutes", "less than a minute". */
export function describeDuration(milliseconds: number): string {
  const minutes = Math.floor(Math.abs(milliseconds) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const mins = minutes % 60;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days > 0) return [plural(days, 'day'), hours ? plural(hours, 'hour') : ''].filter(Boolean).join(' ');
  return [hours ? plural(hours, 'hour') : '', mins ? plural(mins, 'minute') : ''].filter(Boolean).join(' ');
}

export function timeLeft(item: Pick<CaseListItem, 'status' | 'decisionDueAt' | 'overdue'>, now: Date) {
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
  const gate = await requireStaff(request, HUB_ROLES);
  if ('response' in gate) return gate.response;
  const filters = queueFilters(request.query);
  const actor = actorOf(gate.principal, HUB_ROLES);
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
    if (error instanceof Error && error.name === 'InvalidCursorError') return notFound(request);
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
    staff: { sub: gate.principal.sub, role: actor.role },
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

export async function workbenchCasePage(request: PageRequest): Promise<APIGatewayProxyResult> {
  const gate = await requireStaff(request, HUB_ROLES);
  if ('response' in gate) return gate.response;
  // Forms on the case page (rate, request, decide) arrive with issue #3; until then only GET is served.
  if (request.method !== 'GET') return notFound(request);
  const match = /^cases\/([^/]+)$/.exec(request.pathParameters.path ?? '');
  const id = match?.[1];
  if (!id || !CASE_ID_PATTERN.test(id)) return notFound(request);
  const actor = actorOf(gate.principal, HUB_ROLES);
  const view = await viewCase(actor, id);
  if (!view) return notFound(request);
  const now = hubClock.now();
  const referral = view.referral;
  const html = renderPage('workbench/case.njk', {
    title: `Referral ${view.reference}`,
    cspNonce: request.cspNonce,
    navCurrent: 'workbench',
    backLink: '/workbench',
    staff: { sub: gate.principal.sub, role: actor.role },
    kase: view,
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
    ratings: view.ratingHistory.map((rating) => ({ ...rating, atText: formatLondonDateTime(rating.at) })),
    outcomeText: view.decision ? describeOutcome(view.decision.outcome) : undefined,
  });
  return htmlResponse(request, html);
}
