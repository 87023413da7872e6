/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas (JSON Schema 2020-12,
 * which OpenAPI 3.1 uses as is). Built once per cold start.
 */
import * as z from 'zod';
import { routes } from '../routes.ts';
import {
  agencyProductListQuerySchema,
  agencyRequestListQuerySchema,
  agencyResponseSchema,
  caseListQuerySchema,
  caseListSchema,
  consentOverrideSchema,
  decisionSchema,
  errorSchema,
  feedbackSchema,
  informationRequestsSchema,
  referralReceiptSchema,
  referralSchema,
  referralStatusSchema,
  triageSchema,
} from './api-schemas.ts';

interface Operation {
  summary: string;
  request?: z.ZodType;
  responses: Record<string, { description: string; schema?: z.ZodType }>;
  parameters?: object[];
}

const errors = {
  '400': { description: 'Invalid request: every invalid field is named in `details`', schema: errorSchema },
  '413': { description: 'Body over 256 KiB', schema: errorSchema },
};
const staffErrors = {
  '401': { description: 'Missing or invalid token', schema: errorSchema },
  '403': { description: 'Role not allowed', schema: errorSchema },
};

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const caseErrors = {
  '404': { description: 'Not found (or another agency’s)', schema: errorSchema },
  '409': { description: 'A transition that makes no sense now, or consent required', schema: errorSchema },
};

const operations: Record<string, Operation> = {
  'POST /api/referrals': {
    summary: 'Submit a safeguarding referral',
    request: referralSchema,
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Same key and same body: the same reference, no second case. Same key, other body: 409.',
        schema: { type: 'string', maxLength: 128 },
      },
    ],
    responses: {
      '201': { description: 'Received', schema: referralReceiptSchema },
      ...errors,
      '409': { description: 'Idempotency-Key reused with another body', schema: errorSchema },
    },
  },
  'GET /api/referrals/{reference}/status': {
    summary: "A referral's status, for the referrer",
    parameters: [
      { name: 'reference', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'token', in: 'query', required: true, schema: { type: 'string' } },
    ],
    responses: {
      '200': { description: 'Status', schema: referralStatusSchema },
      '404': { description: 'No such reference, or wrong token', schema: errorSchema },
    },
  },
  'POST /api/feedback': {
    summary: "A referrer's feedback on the service",
    request: feedbackSchema,
    responses: {
      '201': { description: 'Recorded' },
      ...errors,
      '404': { description: 'No such reference, or wrong token', schema: errorSchema },
    },
  },
  'GET /api/openapi.json': { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
  'GET /api/cases': {
    summary: 'The hub queue, sorted by decision deadline',
    parameters: queryParameters(caseListQuerySchema),
    responses: { '200': { description: 'Cases', schema: caseListSchema }, ...errors, ...staffErrors },
  },
  'GET /api/cases/{id}': {
    summary: 'A whole case (audited)',
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    responses: {
      '200': { description: 'The case' },
      ...staffErrors,
      '404': { description: 'Not found', schema: errorSchema },
    },
  },
  'POST /api/cases/{id}/triage': {
    summary: 'Rate (or re-rate, with a rationale) a case; the decision deadline is recomputed from receipt',
    request: triageSchema,
    parameters: [idParameter],
    responses: { '200': { description: 'Rated' }, ...errors, ...staffErrors, ...caseErrors },
  },
  'POST /api/cases/{id}/consent-override': {
    summary: "A manager's authorisation of agency checks without consent",
    request: consentOverrideSchema,
    parameters: [idParameter],
    responses: { '200': { description: 'Authorised' }, ...errors, ...staffErrors, ...caseErrors },
  },
  'POST /api/cases/{id}/information-requests': {
    summary: 'Ask agencies for what they hold: one queued request per agency',
    request: informationRequestsSchema,
    parameters: [idParameter],
    responses: {
      '202': { description: 'Queued, with each request’s due time' },
      ...errors,
      ...staffErrors,
      ...caseErrors,
    },
  },
  'POST /api/cases/{id}/decision': {
    summary: 'Record the decision; the information product goes to the recipient agency',
    request: decisionSchema,
    parameters: [idParameter],
    responses: { '200': { description: 'Decided' }, ...errors, ...staffErrors, ...caseErrors },
  },
  'GET /api/cases/{id}/audit': {
    summary: 'Every access to and change of the case (managers)',
    parameters: [idParameter],
    responses: { '200': { description: 'The audit trail' }, ...staffErrors, ...caseErrors },
  },
  'GET /api/agency/requests': {
    summary:
      "A page of the caller's agency's information requests: open ones soonest due first, then answered " +
      'ones newest first (or only one kind, with status); nextCursor leads to the next page',
    parameters: queryParameters(agencyRequestListQuerySchema),
    responses: { '200': { description: 'Requests' }, ...errors, ...staffErrors },
  },
  'GET /api/agency/requests/{id}': {
    summary: 'One of the agency’s requests',
    parameters: [idParameter],
    responses: { '200': { description: 'The request' }, ...staffErrors, ...caseErrors },
  },
  'POST /api/agency/requests/{id}/response': {
    summary: 'Answer a request; say whether the information may leave the hub',
    request: agencyResponseSchema,
    parameters: [idParameter],
    responses: { '200': { description: 'Answered' }, ...errors, ...staffErrors, ...caseErrors },
  },
  'GET /api/reports': {
    summary: 'The board’s exports: key, period, period id and when each was generated',
    responses: { '200': { description: 'Exports' }, ...staffErrors },
  },
  'GET /api/reports/{period}/{file}': {
    summary: 'One export, as JSON (schemaVersion 1) or CSV (measure,breakdown,value)',
    parameters: [
      { name: 'period', in: 'path', required: true, schema: { enum: ['daily', 'weekly', 'monthly'] } },
      {
        name: 'file',
        in: 'path',
        required: true,
        description: 'PERIOD_ID.json or PERIOD_ID.csv: 2026-11-25, 2026-W48 or 2026-11',
        schema: { type: 'string' },
      },
    ],
    responses: {
      '200': { description: 'The export' },
      ...staffErrors,
      '404': { description: 'No such export', schema: errorSchema },
    },
  },
  'GET /api/agency/products': {
    summary: "A page of the information products sent to the caller's agency, newest first",
    parameters: queryParameters(agencyProductListQuerySchema),
    responses: { '200': { description: 'Products' }, ...errors, ...staffErrors },
  },
};

/** Every field of a query schema as an optional query parameter (the schema says what each accepts). */
function queryParameters(schema: z.ZodObject) {
  return Object.keys(schema.shape).map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: { type: 'string' },
  }));
}

let document: object | undefined;

export function openApiDocument(): object {
  document ??= build();
  return document;
}

function build(): object {
  // Every schema with an `id` in its metadata becomes a component; operations refer to them by $ref.
  const { schemas: components } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const schemaRef = (schema: z.ZodType) => {
    const id = z.globalRegistry.get(schema)?.id;
    if (typeof id !== 'string') throw new Error('every API schema needs an id in its metadata');
    return { $ref: `#/components/schemas/${id}` };
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (!route.resource.startsWith('/api/')) continue;
    const operation = operations[`${route.method} ${route.resource}`];
    if (!operation) continue;
    paths[route.resource] ??= {};
    paths[route.resource]![route.method.toLowerCase()] = {
      summary: operation.summary,
      ...(route.access === 'public'
        ? { security: [] }
        : { security: [{ cognito: [] }], 'x-roles': route.access }),
      ...(operation.parameters ? { parameters: operation.parameters } : {}),
      ...(operation.request
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaRef(operation.request) } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(operation.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? { content: { 'application/json': { schema: schemaRef(response.schema) } } }
              : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'MASH referral hub',
      version: '1',
      description:
        'Multi-Agency Safeguarding Hub: intake, triage, agency requests, decisions and board exports.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID token' },
      },
    },
  };
}
