/** Partner agencies: their own requests (and answering them) and the products sent to them. */

import { verifyToken } from '../../src/auth/caller.ts';
import type { Principal } from '../../src/auth/tokens.ts';
import { ID_PATTERN } from '../../src/domain/tokens.ts';
import { createApiHandler, validate } from '../../src/http/api.ts';
import {
  agencyProductListQuerySchema,
  agencyRequestListQuerySchema,
  agencyResponseSchema,
} from '../../src/http/api-schemas.ts';
import { forbidden, notFound } from '../../src/http/errors.ts';
import { translateWorkflowError } from '../../src/http/workflow-errors.ts';
import { documents } from '../../src/platform/clients.ts';
import { hubClock } from '../../src/platform/clock.ts';
import {
  type AgencyActor,
  listAgencyProducts,
  listAgencyRequests,
  toAgencyView,
  viewAgencyRequest,
} from '../../src/services/agency.ts';
import { answerAgencyRequest } from '../../src/services/workflow.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();

function agencyActor(principal: Principal | undefined): AgencyActor {
  // The verifier drops the agency role from a token without a known agency, so this cannot happen
  // through the route's role check; it stays as the firewall's last line.
  if (!principal?.agency) throw forbidden('Your account is not linked to an agency.');
  return { id: principal.sub, role: 'agency', agency: principal.agency };
}

function requestId(pathParameters: Record<string, string>): string {
  const id = pathParameters.id ?? '';
  if (!ID_PATTERN.test(id)) throw notFound('There is no such request for your agency.');
  return id;
}

export const handler = createApiHandler(
  'agency',
  {
    'GET /api/agency/requests': async ({ principal, query }) => {
      const actor = agencyActor(principal);
      const page = validate(agencyRequestListQuerySchema, query, 'The query has invalid parameters.');
      return { statusCode: 200, body: await listAgencyRequests(actor, page) };
    },

    'GET /api/agency/requests/{id}': async ({ principal, pathParameters }) => {
      const view = await viewAgencyRequest(agencyActor(principal), requestId(pathParameters));
      if (!view) throw notFound('There is no such request for your agency.');
      return { statusCode: 200, body: view };
    },

    'POST /api/agency/requests/{id}/response': async ({ principal, pathParameters, body }) => {
      const actor = agencyActor(principal);
      const id = requestId(pathParameters);
      const input = validate(agencyResponseSchema, body, 'The response has invalid fields.');
      const answered = await answerAgencyRequest(actor, id, input);
      return { statusCode: 200, body: toAgencyView(answered, hubClock.now()) };
    },

    'GET /api/agency/products': async ({ principal, query }) => {
      const actor = agencyActor(principal);
      const page = validate(agencyProductListQuerySchema, query, 'The query has invalid parameters.');
      return { statusCode: 200, body: await listAgencyProducts(actor, page) };
    },
  },
  { translateError: translateWorkflowError, verifyToken },
);
