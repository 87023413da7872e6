/** The hub's read side: GET /api/cases (the queue) and GET /api/cases/{id} (the case), each read audited. */

import { createApiHandler, validate } from '../../src/http/api.ts';
import { caseListQuerySchema } from '../../src/http/api-schemas.ts';
import { badRequest, notFound } from '../../src/http/errors.ts';
import { actorOf, listCases, viewCase } from '../../src/services/cases.ts';
import { InvalidCursorError } from '../../src/store/dynamo-case-store.ts';

const CASE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const handler = createApiHandler(
  'cases',
  {
    'GET /api/cases': async ({ query, principal, route }) => {
      const filters = validate(caseListQuerySchema, query, 'The query has invalid parameters.');
      const actor = actorOf(principal!, route.access === 'public' ? [] : route.access);
      const page = await listCases(actor, {
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.rag ? { rag: filters.rag } : {}),
        ...(filters.overdue ? { overdue: filters.overdue === 'true' } : {}),
        ...(filters.limit ? { limit: filters.limit } : {}),
        ...(filters.cursor ? { cursor: filters.cursor } : {}),
      });
      return { statusCode: 200, body: page };
    },

    'GET /api/cases/{id}': async ({ pathParameters, principal, route }) => {
      const id = pathParameters.id ?? '';
      const actor = actorOf(principal!, route.access === 'public' ? [] : route.access);
      const view = CASE_ID_PATTERN.test(id) ? await viewCase(actor, id) : undefined;
      if (!view) throw notFound('There is no case with that id.');
      return { statusCode: 200, body: view };
    },
  },
  {
    translateError: (error) =>
      error instanceof InvalidCursorError
        ? badRequest('The cursor is not valid.', [
            { path: 'query.cursor', message: 'Use the nextCursor of the previous page' },
          ])
        : undefined,
  },
);
