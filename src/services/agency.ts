/**
 * What a partner agency sees: the requests addressed to it and the products sent to it, nothing else.
 * The firewall is here: an agency's view carries the questions, the case reference and the subjects'
 * search details, never the referral, other agencies' answers or anything not released.
 */
import type { Actor, InformationProduct, InformationRequest } from '../domain/case.ts';
import type { Agency } from '../domain/codes.ts';
import { isOverdue } from '../domain/timescales.ts';
import { hubClock } from '../platform/clock.ts';
import { caseStore } from './cases.ts';

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
    [...new Set(caseIds)].map((caseId) => ({
      caseId,
      at,
      actor: actor.id,
      role: actor.role,
      agency: actor.agency,
      action,
    })),
  );
}

/** The agency's requests, soonest due first, overdue marked. Every case shown is recorded as seen. */
export async function listAgencyRequests(actor: AgencyActor): Promise<AgencyRequestView[]> {
  const requests = await caseStore().listInbox('request', actor.agency);
  await auditViews(
    actor,
    requests.map((request) => request.caseId),
    'request.listed',
  );
  const now = hubClock.now();
  return requests.map((request) => toAgencyView(request, now));
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

/** Products sent to the agency, newest first; they hold only released answers by construction. */
export async function listAgencyProducts(actor: AgencyActor): Promise<AgencyProductView[]> {
  const products = await caseStore().listInbox('product', actor.agency);
  await auditViews(
    actor,
    products.map((product) => product.caseId),
    'product.listed',
  );
  return products.reverse().map(({ caseId: _caseId, deliveredAt: _deliveredAt, ...view }) => view);
}
