/**
 * The OpenAPI 3.1 document at GET /api/openapi.json, generated from the route table (src/routes.ts),
 * the request schemas (api-schemas.ts) and the response schemas (response-schemas.ts) with zod's own
 * JSON Schema (2020-12, the dialect OpenAPI 3.1 uses). `operations` below adds only what those cannot
 * say: a summary, which schema answers, and the errors a route can give beyond the ones every route of
 * its kind can (400/413/415 with a body, 401/403 for staff, 429 and 500 for all). Built on first request.
 */
import * as z from 'zod';
import { PERIOD_KINDS } from '../domain/metrics/periods.ts';
import { limits } from '../resources.ts';
import { type RouteDefinition, routes } from '../routes.ts';
import {
  agencyProductListQuerySchema,
  agencyRequestListQuerySchema,
  agencyResponseSchema,
  caseListQuerySchema,
  consentOverrideSchema,
  decisionSchema,
  feedbackSchema,
  idempotencyKeySchema,
  informationRequestsSchema,
  referralSchema,
  triageSchema,
} from './api-schemas.ts';
import {
  agencyProductPageSchema,
  agencyRequestPageSchema,
  agencyRequestSchema,
  auditTrailSchema,
  boardExportSchema,
  caseListSchema,
  caseViewSchema,
  consentOverriddenSchema,
  decidedCaseSchema,
  errorSchema,
  feedbackRecordedSchema,
  openApiDocumentSchema,
  queuedRequestsSchema,
  ratedCaseSchema,
  referralReceiptSchema,
  referralStatusSchema,
  reportListSchema,
} from './response-schemas.ts';

/** The error statuses an operation can answer, each in the shape of src/http/errors.ts. */
export type ErrorStatus = '400' | '401' | '403' | '404' | '409' | '413' | '415' | '429' | '500';

export interface OperationSpec {
  operationId: string;
  summary: string;
  /** The JSON request body, for POST routes. */
  request?: z.ZodObject;
  /** The query string, validated by the handler with this schema. */
  query?: z.ZodObject;
  /** Page size when `limit` is absent, for list routes. */
  defaultLimit?: number;
  /** Request headers the route reads. */
  headers?: Record<string, { schema: z.ZodType; required: boolean }>;
  /** Per-route wording of a path parameter (the schema is the shared one below). */
  pathParameters?: Record<string, string>;
  success: {
    status: '200' | '201' | '202';
    description: string;
    schema: z.ZodType;
    /** Another representation of the same resource (the CSV export). */
    text?: { mediaType: string; description: string };
    headers?: Record<string, string>;
  };
  /** Errors this route can give beyond those of every route of its kind, and what they mean here. */
  errors?: Partial<Record<ErrorStatus, string>>;
}

const caseNotFound = 'There is no case with that id';
const requestNotFound = 'No such request, or another agency’s';
const concurrentChange = 'CONCURRENT_CHANGE: the case changed under this request; read it again and retry';

/** Every API route of src/routes.ts, by `METHOD resource`. The tests hold the two tables together. */
export const operations: Record<string, OperationSpec> = {
  'POST /api/referrals': {
    operationId: 'submitReferral',
    summary: 'Submit a safeguarding referral',
    request: referralSchema,
    headers: { 'Idempotency-Key': { schema: idempotencyKeySchema, required: false } },
    success: {
      status: '201',
      description: 'Received: the reference and the receipt token (shown once)',
      schema: referralReceiptSchema,
      headers: { Location: 'The status URL of the referral' },
    },
    errors: {
      '409':
        'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used with another body; ' +
        'IDEMPOTENCY_IN_PROGRESS: the first request with this key is still running (Retry-After)',
    },
  },
  'GET /api/referrals/{reference}/status': {
    operationId: 'getReferralStatus',
    summary: "A referral's status, for the referrer: no personal data, no agency information",
    query: z.object({
      token: z.string().meta({ description: 'The receipt token given with the reference' }),
    }),
    success: {
      status: '200',
      description: 'The status, and the outcome once decided',
      schema: referralStatusSchema,
    },
    errors: {
      '400': 'No receipt token',
      '404': 'No referral matches that reference and receipt token',
    },
  },
  'POST /api/feedback': {
    operationId: 'submitFeedback',
    summary: "A referrer's feedback on the service",
    request: feedbackSchema,
    success: { status: '201', description: 'Recorded', schema: feedbackRecordedSchema },
    errors: { '404': 'No referral matches that reference and receipt token' },
  },
  'GET /api/openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    success: { status: '200', description: 'The OpenAPI 3.1 document', schema: openApiDocumentSchema },
  },
  'GET /api/cases': {
    operationId: 'listCases',
    summary: 'The hub queue, a page at a time, sorted by decision deadline (soonest first)',
    query: caseListQuerySchema,
    defaultLimit: limits.defaultPageSize,
    success: { status: '200', description: 'A page of cases', schema: caseListSchema },
    errors: {
      '400': 'A query parameter is not valid (every one is named in `details`), or the cursor is not ours',
    },
  },
  'GET /api/cases/{id}': {
    operationId: 'getCase',
    summary: 'The whole case: subjects, consent, history, information requests and responses (audited)',
    success: { status: '200', description: 'The case', schema: caseViewSchema },
    errors: { '404': caseNotFound },
  },
  'POST /api/cases/{id}/triage': {
    operationId: 'triageCase',
    summary: 'Rate (or re-rate, with a rationale) a case; the decision deadline is recomputed from receipt',
    request: triageSchema,
    success: { status: '200', description: 'Rated, with the new decisionDueAt', schema: ratedCaseSchema },
    errors: {
      '400': 'A re-rating without a rationale is refused here too',
      '404': caseNotFound,
      '409': `CASE_DECIDED: a decided case cannot be re-rated; ${concurrentChange}`,
    },
  },
  'POST /api/cases/{id}/consent-override': {
    operationId: 'overrideConsent',
    summary: "A manager's authorisation of agency checks on a case whose consent was not given",
    request: consentOverrideSchema,
    success: { status: '200', description: 'Authorised', schema: consentOverriddenSchema },
    errors: {
      '404': caseNotFound,
      '409':
        'CONSENT_GIVEN: consent was given, nothing to override; CONSENT_ALREADY_OVERRIDDEN; ' +
        `CASE_DECIDED; ${concurrentChange}`,
    },
  },
  'POST /api/cases/{id}/information-requests': {
    operationId: 'requestInformation',
    summary: 'Ask agencies for what they hold: one queued request per agency',
    request: informationRequestsSchema,
    success: {
      status: '202',
      description: 'Queued, with each request’s due time',
      schema: queuedRequestsSchema,
    },
    errors: {
      '404': caseNotFound,
      '409':
        'CONSENT_REQUIRED: consent not given and no override yet; NOT_RATED: rate the case first; ' +
        `CASE_DECIDED; ${concurrentChange}`,
    },
  },
  'POST /api/cases/{id}/decision': {
    operationId: 'decideCase',
    summary: 'Record the decision; the information product goes to the recipient agency',
    request: decisionSchema,
    success: { status: '200', description: 'Decided', schema: decidedCaseSchema },
    errors: {
      '400': 'An outcome of the wrong family for the subjects, or no further action without a real reason',
      '404': caseNotFound,
      '409': `ALREADY_DECIDED; ${concurrentChange}`,
    },
  },
  'GET /api/cases/{id}/audit': {
    operationId: 'getCaseAudit',
    summary: 'Every access to and change of the case (managers)',
    success: { status: '200', description: 'The audit trail', schema: auditTrailSchema },
    errors: { '404': caseNotFound },
  },
  'GET /api/agency/requests': {
    operationId: 'listAgencyRequests',
    summary:
      "A page of the caller's agency's information requests: open ones soonest due first, then answered " +
      'ones newest first (or only one kind, with status)',
    query: agencyRequestListQuerySchema,
    defaultLimit: limits.defaultInboxPageSize,
    success: { status: '200', description: 'A page of requests', schema: agencyRequestPageSchema },
    errors: { '400': 'A query parameter is not valid, or the cursor is not one this listing issued' },
  },
  'GET /api/agency/requests/{id}': {
    operationId: 'getAgencyRequest',
    summary: 'One of the agency’s requests',
    pathParameters: { id: 'The request id' },
    success: { status: '200', description: 'The request', schema: agencyRequestSchema },
    errors: { '404': requestNotFound },
  },
  'POST /api/agency/requests/{id}/response': {
    operationId: 'answerAgencyRequest',
    summary: 'Answer a request, saying whether the information may leave the hub',
    request: agencyResponseSchema,
    pathParameters: { id: 'The request id' },
    success: {
      status: '200',
      description: 'Answered: the request as the agency now sees it',
      schema: agencyRequestSchema,
    },
    errors: { '404': requestNotFound, '409': `ALREADY_ANSWERED; ${concurrentChange}` },
  },
  'GET /api/agency/products': {
    operationId: 'listAgencyProducts',
    summary: "A page of the information products sent to the caller's agency, newest first",
    query: agencyProductListQuerySchema,
    defaultLimit: limits.defaultInboxPageSize,
    success: { status: '200', description: 'A page of products', schema: agencyProductPageSchema },
    errors: { '400': 'A query parameter is not valid, or the cursor is not ours' },
  },
  'GET /api/reports': {
    operationId: 'listReports',
    summary: 'The board’s exports: key, period, period id and when each was generated',
    success: { status: '200', description: 'The exports', schema: reportListSchema },
  },
  'GET /api/reports/{period}/{file}': {
    operationId: 'getReport',
    summary: 'One export, as JSON (schemaVersion 1) or CSV (measure,breakdown,value)',
    success: {
      status: '200',
      description: 'The export: JSON for PERIOD_ID.json, CSV for PERIOD_ID.csv',
      schema: boardExportSchema,
      text: {
        mediaType: 'text/csv',
        description: 'measure,breakdown,value: a header row, then one row a figure',
      },
    },
    errors: { '404': 'No such export' },
  },
};

/** The schema of each path parameter, wherever it appears. */
const pathParameters: Record<string, { description: string; schema: object }> = {
  id: { description: 'The case id', schema: { type: 'string', format: 'uuid' } },
  reference: {
    description: 'The referral reference, in any case (an unknown one is a 404)',
    schema: { type: 'string', examples: ['MASH-7K3Q-9XBD'] },
  },
  period: { description: 'The kind of period', schema: { type: 'string', enum: [...PERIOD_KINDS] } },
  file: {
    description:
      'PERIOD_ID.json or PERIOD_ID.csv: 2026-11-25 (daily), 2026-W48 (weekly) or 2026-11 (monthly)',
    schema: { type: 'string', pattern: '^[0-9]{4}-(?:[0-9]{2}-[0-9]{2}|W[0-9]{2}|[0-9]{2})\\.(?:json|csv)$' },
  },
};

const errorDescriptions: Record<ErrorStatus, string> = {
  '400': 'Invalid request: every invalid field is named in `details` (path in dot form)',
  '401': 'Missing or invalid bearer token',
  '403': 'A valid token of a role this route does not allow',
  '404': 'Not found',
  '409': 'Conflict',
  '413': `The request body is larger than ${limits.maxBodyBytes / 1024} KiB`,
  '415': 'The body is not sent as JSON (Content-Type: application/json)',
  '429':
    'Too many requests: the stage is throttled (code `TOO_MANY_REQUESTS`), or WAF refused the address for ' +
    'sending too many referrals and feedback, or too many requests, in 5 minutes (code `RATE_LIMITED`)',
  '500': 'Something went wrong on our side; nothing sent was stored twice, so it is safe to retry',
};

/** Every error status the route can answer: those of its kind, then its own. */
export function errorStatuses(route: RouteDefinition, spec: OperationSpec): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>(Object.keys(spec.errors ?? {}) as ErrorStatus[]);
  if (spec.request) for (const status of ['400', '413', '415'] as const) statuses.add(status);
  if (route.access !== 'public') for (const status of ['401', '403'] as const) statuses.add(status);
  statuses.add('429');
  statuses.add('500');
  return [...statuses].sort();
}

const componentRef = (id: string) => `#/components/schemas/${id}`;

/** A body schema, by `$ref` to its component: every request and response body has an `id`. */
function schemaOf(schema: z.ZodType): object {
  const id = z.globalRegistry.get(schema)?.id;
  if (typeof id !== 'string') throw new Error('every API body schema needs an id in its metadata');
  return { $ref: componentRef(id) };
}

/**
 * A query or header field as OpenAPI parameter: the schema of what the handler accepts once parsed
 * (`limit` is a whole number 1–500, not the string it arrives as), its description beside it.
 */
function parameter(name: string, location: 'query' | 'header', field: z.ZodType, defaultValue?: number) {
  const { description, ...schema } = withoutDialect(
    z.toJSONSchema(field, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }),
  ) as { description?: string };
  return {
    name,
    in: location,
    required: !(field instanceof z.ZodOptional),
    ...(description ? { description } : {}),
    schema: { ...schema, ...(defaultValue !== undefined ? { default: defaultValue } : {}) },
  };
}

function withoutDialect(schema: object): object {
  const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
  return rest;
}

function operationObject(route: RouteDefinition, spec: OperationSpec) {
  const pathNames = [...route.resource.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const parameters = [
    ...pathNames.map((name) => {
      const shared = pathParameters[name];
      if (!shared) throw new Error(`no schema for path parameter ${name} of ${route.resource}`);
      return {
        name,
        in: 'path',
        required: true,
        description: spec.pathParameters?.[name] ?? shared.description,
        schema: shared.schema,
      };
    }),
    ...Object.entries(spec.query?.shape ?? {}).map(([name, field]) =>
      parameter(name, 'query', field as z.ZodType, name === 'limit' ? spec.defaultLimit : undefined),
    ),
    ...Object.entries(spec.headers ?? {}).map(([name, header]) =>
      parameter(name, 'header', header.required ? header.schema : header.schema.optional()),
    ),
  ];
  const json = (schema: z.ZodType) => ({ 'application/json': { schema: schemaOf(schema) } });
  const { success } = spec;
  const responses: Record<string, object> = {
    [success.status]: {
      description: success.description,
      ...(success.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(success.headers).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
      content: {
        ...json(success.schema),
        ...(success.text
          ? {
              [success.text.mediaType]: { schema: { type: 'string', description: success.text.description } },
            }
          : {}),
      },
    },
  };
  for (const status of errorStatuses(route, spec)) {
    const own = spec.errors?.[status];
    responses[status] = {
      description: own
        ? status === '400'
          ? `${errorDescriptions['400']}. ${own}`
          : own
        : errorDescriptions[status],
      ...(status === '401'
        ? { headers: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } } } }
        : {}),
      ...(status === '409' && route.resource === '/api/referrals'
        ? {
            headers: {
              'Retry-After': { description: 'With IDEMPOTENCY_IN_PROGRESS', schema: { type: 'integer' } },
            },
          }
        : {}),
      content: json(errorSchema),
    };
  }
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [route.fn],
    ...(route.access === 'public'
      ? { security: [] }
      : {
          description: `Roles: ${route.access.join(', ')} (the token's cognito:groups).`,
          security: [{ cognito: [] }],
          'x-roles': route.access,
        }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.request ? { requestBody: { required: true, content: json(spec.request) } } : {}),
    responses,
  };
}

let document: object | undefined;

export function openApiDocument(): object {
  document ??= build();
  return document;
}

function build(): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    if (!route.resource.startsWith('/api/')) continue;
    const key = `${route.method} ${route.resource}`;
    const spec = operations[key];
    if (!spec) throw new Error(`the OpenAPI document has no operation for ${key}`);
    paths[route.resource] ??= {};
    paths[route.resource]![route.method.toLowerCase()] = operationObject(route, spec);
  }

  // Every schema with an `id` is a component; operations refer to them by $ref. Only the components
  // the paths reach are kept (other modules may register schemas of their own).
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: componentRef,
  });
  const components: Record<string, object> = {};
  const reach = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(reach);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith(componentRef(''))) {
          const id = value.slice(componentRef('').length);
          if (components[id]) continue;
          const schema = schemas[id];
          if (!schema) throw new Error(`no component ${id}`);
          components[id] = withoutDialect(schema);
          reach(components[id]);
        } else reach(value);
      }
    }
  };
  reach(paths);

  return {
    openapi: '3.1.0',
    info: {
      title: 'MASH referral hub',
      version: '1',
      description:
        'Multi-Agency Safeguarding Hub: intake, triage, agency requests, decisions and board exports. ' +
        'Every timestamp is ISO-8601 in UTC with a Z. Lists come a page at a time: `limit` (1–500) and ' +
        'the `nextCursor` of the previous page as `cursor`. An unknown route answers 404.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [
      { url: '/', description: 'The local hub (npm start), or the API on a domain of its own' },
      {
        url: '/{stage}',
        description: "API Gateway's stage URL (and the local hub started with MASH_BASE_PATH=/STAGE)",
        variables: { stage: { default: 'prod' } },
      },
    ],
    tags: [
      { name: 'intake', description: 'The public front door: referrals, their status and feedback' },
      { name: 'cases', description: 'The hub: the queue, the case and its workflow (mash, manager)' },
      { name: 'agency', description: 'Partner agencies: their own requests and products' },
      { name: 'reports', description: "The board's exports" },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito ID token (locally, POST /_local/token): roles in cognito:groups, an agency in custom:agency',
        },
      },
    },
  };
}
