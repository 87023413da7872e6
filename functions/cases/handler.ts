/**
 * The hub's side of a case: the queue, the case, and the workflow (triage, consent override,
 * information requests, decision) with its audit trail. Every read and change is audited.
 */

import { verifyToken } from '../../src/auth/caller.ts';
import type { Principal } from '../../src/auth/tokens.ts';
import type { CaseRecord } from '../../src/domain/case.ts';
import { ID_PATTERN } from '../../src/domain/tokens.ts';
import { createApiHandler, validate } from '../../src/http/api.ts';
import {
  caseListQuerySchema,
  consentOverrideSchema,
  decisionSchema,
  informationRequestsSchema,
  triageSchema,
} from '../../src/http/api-schemas.ts';
import { notFound } from '../../src/http/errors.ts';
import type {
  AuditTrailBody,
  CaseListBody,
  CaseViewBody,
  QueuedRequestsBody,
} from '../../src/http/response-schemas.ts';
import { translateWorkflowError } from '../../src/http/workflow-errors.ts';
import { documents } from '../../src/platform/clients.ts';
import { functionMetrics } from '../../src/platform/powertools.ts';
import type { RouteDefinition } from '../../src/routes.ts';
import { actorOf, listCases, viewCase } from '../../src/services/cases.ts';
import {
  caseAudit,
  decideCase,
  overrideCaseConsent,
  requestInformation,
  triageCase,
} from '../../src/services/workflow.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

const metrics = functionMetrics('cases');

function caseId(pathParameters: Record<string, string>): string {
  const id = pathParameters.id ?? '';
  if (!ID_PATTERN.test(id)) throw notFound('There is no case with that id.');
  return id;
}

const actor = (principal: Principal | undefined, route: RouteDefinition) =>
  actorOf(principal!, route.access === 'public' ? [] : route.access);

export const handler = createApiHandler(
  'cases',
  {
    'GET /api/cases': async ({ query, principal, route }) => {
      const filters = validate(caseListQuerySchema, query, 'The query has invalid parameters.');
      const page = await listCases(actor(principal, route), {
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.rag ? { rag: filters.rag } : {}),
        ...(filters.overdue ? { overdue: filters.overdue === 'true' } : {}),
        ...(filters.limit ? { limit: filters.limit } : {}),
        ...(filters.cursor ? { cursor: filters.cursor } : {}),
      });
      return { statusCode: 200, body: page satisfies CaseListBody };
    },

    'GET /api/cases/{id}': async ({ pathParameters, principal, route }) => {
      const view = await viewCase(actor(principal, route), caseId(pathParameters));
      if (!view) throw notFound('There is no case with that id.');
      return { statusCode: 200, body: view satisfies CaseViewBody };
    },

    'POST /api/cases/{id}/triage': async ({ pathParameters, principal, route, body }) => {
      const input = validate(triageSchema, body, 'The rating has invalid fields.');
      const record = await triageCase(actor(principal, route), caseId(pathParameters), input);
      return {
        statusCode: 200,
        body: {
          ...headline(record),
          rag: record.rag,
          decisionDueAt: record.decisionDueAt,
        },
      };
    },

    'POST /api/cases/{id}/consent-override': async ({ pathParameters, principal, route, body }) => {
      const input = validate(consentOverrideSchema, body, 'The override has invalid fields.');
      const record = await overrideCaseConsent(actor(principal, route), caseId(pathParameters), input);
      return { statusCode: 200, body: { id: record.id, consentOverride: record.consentOverride } };
    },

    'POST /api/cases/{id}/information-requests': async ({ pathParameters, principal, route, body }) => {
      const input = validate(
        informationRequestsSchema,
        body,
        'The information requests have invalid fields.',
      );
      const requests = await requestInformation(actor(principal, route), caseId(pathParameters), input);
      metrics.addMetric('InformationRequested', 'Count', requests.length);
      return {
        statusCode: 202,
        body: {
          requests: requests.map(({ id, agency, dueAt }) => ({ id, agency, dueAt })),
        } satisfies QueuedRequestsBody,
      };
    },

    'POST /api/cases/{id}/decision': async ({ pathParameters, principal, route, body }) => {
      const input = validate(decisionSchema, body, 'The decision has invalid fields.');
      const { record, product } = await decideCase(actor(principal, route), caseId(pathParameters), input);
      metrics.addMetric('CaseDecided', 'Count', 1);
      return {
        statusCode: 200,
        body: {
          ...headline(record),
          decision: record.decision,
          ...(product ? { productId: product.id } : {}),
        },
      };
    },

    'GET /api/cases/{id}/audit': async ({ pathParameters, principal, route }) => {
      const items = await caseAudit(actor(principal, route), caseId(pathParameters));
      if (!items) throw notFound('There is no case with that id.');
      return {
        statusCode: 200,
        body: {
          items: items.map((item) => ({
            at: item.at,
            actor: item.actor,
            role: item.role,
            ...(item.agency ? { agency: item.agency } : {}),
            action: item.action,
            ...(item.detail ? { detail: item.detail } : {}),
          })),
        } satisfies AuditTrailBody,
      };
    },
  },
  { translateError: translateWorkflowError, verifyToken },
);

/** What every reply about a changed case starts with. */
function headline({ id, reference, status }: Pick<CaseRecord, 'id' | 'reference' | 'status'>) {
  return { id, reference, status };
}
