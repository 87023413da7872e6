/**
 * What a partner agency sees: the requests addressed to it and the products sent to it, nothing else.
 * The firewall is here: an agency's view carries the questions, the case reference and the subjects'
 * search details, never the referral, other agencies' answers or anything not released.
 */
import { type Actor, auditRecord, type InformationProduct, type InformationRequest } from '../domain/case.ts';
import type { Agency } from '../domain/codes.ts';
import { isOverdue } from '../domain/timescales.ts';
import { hubClock } from '../platform/clock.ts';
import { limits } from '../resources.ts';
import { type InboxShelf, InvalidCursorError } from '../store/case-store.ts';
import { caseStore } from './store.ts';

export type AgencyActor = Actor & { agency: Agency };

export interface AgencyRequestView {
  id: string;
  caseReference: string;
  issuedAt: string;
  dueAt: string;
  status: InformationRequest['status'];
  overdue: boolean;
  questions: string;
  subjects: InformationRequest['subjects'];
  answer?: { information: string; releasable: boolean; answeredAt: string; late: boolean };
}

export function toAgencyView(request: InformationRequest, now: Date): AgencyRequestView {
  return {
    id: request.id,
    caseReference: request.caseReference,
    issuedAt: request.issuedAt,
    dueAt: request.dueAt,
    status: request.status,
    overdue: request.status === 'open' && isOverdue(new Date(request.dueAt), now),
    questions: request.questions,
    subjects: request.subjects,
    ...(request.answer
      ? {
          answer: {
            information: request.answer.information,
            releasable: request.answer.releasable,
            answeredAt: request.answer.answeredAt,
            late: request.answer.late,
          },
        }
      : {}),
  };
}

async function auditViews(actor: AgencyActor, caseIds: string[], action: string): Promise<void> {
  const at = hubClock.now().toISOString();
  await caseStore().appendAudit(
    [...new Set(caseIds)].map((caseId) => auditRecord(actor, caseId, at, action)),
  );
}

export interface AgencyListQuery {
  /** Only open or only answered requests; both (open first) when absent. */
  status?: InformationRequest['status'];
  limit?: number;
  cursor?: string;
}

export interface AgencyPage<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * One page of the agency's requests: open ones, soonest due first, then answered ones, newest first;
 * overdue marked. Only the requests on the page are audited (one record per case), so a listing costs
 * the same however long the agency's history grows.
 */
export async function listAgencyRequests(
  actor: AgencyActor,
  query: AgencyListQuery = {},
): Promise<AgencyPage<AgencyRequestView>> {
  const shelves: RequestShelf[] = query.status ? [query.status] : ['open', 'answered'];
  const limit = query.limit ?? limits.defaultInboxPageSize;
  let position = query.cursor ? decodeShelfCursor(query.cursor, shelves) : { shelf: shelves[0]! };
  const requests: InformationRequest[] = [];
  let nextCursor: string | undefined;
  for (;;) {
    const page = await caseStore().listInbox(position.shelf, actor.agency, {
      limit: limit - requests.length,
      ...(position.cursor ? { cursor: position.cursor } : {}),
    });
    requests.push(...page.items);
    // The store fills the page it is asked for, so more on this shelf means this page is full.
    if (page.nextCursor) {
      nextCursor = encodeShelfCursor({ shelf: position.shelf, cursor: page.nextCursor });
      break;
    }
    const following = shelves[shelves.indexOf(position.shelf) + 1];
    if (!following) break;
    if (requests.length >= limit) {
      nextCursor = encodeShelfCursor({ shelf: following });
      break;
    }
    position = { shelf: following };
  }
  await auditViews(
    actor,
    requests.map((request) => request.caseId),
    'request.listed',
  );
  const now = hubClock.now();
  return {
    items: requests.map((request) => toAgencyView(request, now)),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

type RequestShelf = Extract<InboxShelf, 'open' | 'answered'>;

interface ShelfPosition {
  shelf: RequestShelf;
  cursor?: string;
}

function encodeShelfCursor(position: ShelfPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** A listing's cursor names its shelf; one from another listing (or made up) is InvalidCursorError. */
function decodeShelfCursor(cursor: string, shelves: readonly RequestShelf[]): ShelfPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { shelf, cursor: inner, ...rest } = parsed as Record<string, unknown>;
      if (
        Object.keys(rest).length === 0 &&
        shelves.includes(shelf as RequestShelf) &&
        (inner === undefined || typeof inner === 'string')
      ) {
        return { shelf: shelf as RequestShelf, ...(inner ? { cursor: inner } : {}) };
      }
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError('cursor is not one this API issued');
}

export async function viewAgencyRequest(
  actor: AgencyActor,
  id: string,
): Promise<AgencyRequestView | undefined> {
  const request = await caseStore().getRequest(id);
  if (!request || request.agency !== actor.agency || !request.deliveredAt) return undefined;
  await auditViews(actor, [request.caseId], 'request.viewed');
  return toAgencyView(request, hubClock.now());
}

export type AgencyProductView = Omit<InformationProduct, 'caseId' | 'deliveredAt'>;

/** One page of the products sent to the agency, newest first; they hold only released answers by construction. */
export async function listAgencyProducts(
  actor: AgencyActor,
  query: Omit<AgencyListQuery, 'status'> = {},
): Promise<AgencyPage<AgencyProductView>> {
  const page = await caseStore().listInbox('products', actor.agency, {
    limit: query.limit ?? limits.defaultInboxPageSize,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  await auditViews(
    actor,
    page.items.map((product) => product.caseId),
    'product.listed',
  );
  return {
    items: page.items.map(({ caseId: _caseId, deliveredAt: _deliveredAt, ...view }) => view),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
