/**
 * The hub's read side: the queue and the case page. Every read is audited before data is returned,
 * so no case is ever shown without a record of who saw it.
 */
import type { Principal } from '../auth/tokens.ts';
import {
  type Actor,
  auditRecord,
  type CaseListItem,
  type CaseRecord,
  type InformationRequest,
} from '../domain/case.ts';
import type { CaseStatus, Rag, Role } from '../domain/codes.ts';
import { isOverdue } from '../domain/timescales.ts';
import { hubClock } from '../platform/clock.ts';
import { limits } from '../resources.ts';
import { caseStore } from './store.ts';

export function actorOf(principal: Principal, allowed: readonly Role[]): Actor {
  const role =
    principal.roles.find((candidate) => allowed.includes(candidate)) ?? principal.roles[0] ?? 'mash';
  return { id: principal.sub, role, ...(principal.agency ? { agency: principal.agency } : {}) };
}

export type { CaseListItem };

function isCaseOverdue(record: Pick<CaseRecord, 'status' | 'decisionDueAt'>, now: Date): boolean {
  return record.status !== 'decided' && isOverdue(new Date(record.decisionDueAt), now);
}

export async function listCases(
  actor: Actor,
  query: { status?: CaseStatus; rag?: Rag; overdue?: boolean; limit?: number; cursor?: string },
): Promise<{ items: CaseListItem[]; nextCursor?: string }> {
  const now = hubClock.now();
  const page = await caseStore().listCases({
    ...(query.status ? { status: query.status } : {}),
    ...(query.rag ? { rag: query.rag } : {}),
    ...(query.overdue ? { overdueAt: now.toISOString() } : {}),
    limit: query.limit ?? limits.defaultPageSize,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  const at = now.toISOString();
  await caseStore().appendAudit(page.items.map((record) => auditRecord(actor, record.id, at, 'case.listed')));
  const items = page.items
    .map((record) => ({
      id: record.id,
      reference: record.reference,
      status: record.status,
      rag: record.rag,
      receivedAt: record.receivedAt,
      decisionDueAt: record.decisionDueAt,
      overdue: isCaseOverdue(record, now),
      reReferral: record.reReferral,
    }))
    // overdue=false means "not overdue"; the index cannot express that, so it is a filter here.
    .filter((item) => query.overdue !== false || !item.overdue);
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export type CaseView = Omit<CaseRecord, 'receiptTokenHash' | 'subjectIdentityKeys' | 'version'> & {
  overdue: boolean;
  requests: InformationRequest[];
};

export async function viewCase(actor: Actor, id: string): Promise<CaseView | undefined> {
  const record = await caseStore().getCase(id);
  if (!record) return undefined;
  const now = hubClock.now();
  await caseStore().appendAudit([auditRecord(actor, id, now.toISOString(), 'case.viewed')]);
  const requests = await caseStore().getRequests(record.requestIds ?? []);
  const { receiptTokenHash: _hash, subjectIdentityKeys: _keys, version: _version, ...view } = record;
  return { ...view, overdue: isCaseOverdue(record, now), requests };
}
