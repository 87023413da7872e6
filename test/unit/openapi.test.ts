/**
 * The OpenAPI document (GET /api/openapi.json): valid OpenAPI 3.1, every API route of src/routes.ts in it
 * with its request, responses, parameters and security, and its schemas the ones the code uses: the
 * query limits it publishes are the ones the handlers enforce, and the types the services return are the
 * types of the response schemas (checked by tsc through expectTypeOf).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type { InformationRequest } from '../../src/domain/case.ts';
import { CASE_STATUSES, RAG_RATINGS } from '../../src/domain/codes.ts';
import { applyDisclosureControl } from '../../src/domain/metrics/disclosure.ts';
import { toJson } from '../../src/domain/metrics/export-format.ts';
import { createAccumulator } from '../../src/domain/metrics/measures.ts';
import { periodBounds } from '../../src/domain/metrics/periods.ts';
import { errorStatuses, openApiDocument, operations } from '../../src/http/openapi.ts';
import {
  type AgencyProductPageBody,
  type AgencyRequestBody,
  type AgencyRequestPageBody,
  boardExportSchema,
  type CaseListBody,
  type CaseViewBody,
  type informationRequestRecordSchema,
  type ReferralReceiptBody,
  type ReportListBody,
} from '../../src/http/response-schemas.ts';
import { limits } from '../../src/resources.ts';
import { routes } from '../../src/routes.ts';
import type { AgencyPage, AgencyProductView, AgencyRequestView } from '../../src/services/agency.ts';
import type { CaseListItem, CaseView } from '../../src/services/cases.ts';
import type { ReferralReceipt } from '../../src/services/intake.ts';
import type { ReportListing } from '../../src/store/report-store.ts';

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: {
    type?: string;
    enum?: string[];
    minimum?: number;
    maximum?: number;
    default?: number;
    maxLength?: number;
  };
}
interface Response {
  description: string;
  content?: Record<string, { schema: { $ref?: string } }>;
}
interface Operation {
  operationId: string;
  security: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, Response>;
}
interface Document {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    securitySchemes: Record<string, { type: string; scheme: string }>;
  };
}

const document = openApiDocument() as Document;
const apiRoutes = routes.filter((route) => route.resource.startsWith('/api/'));
const operationOf = (method: string, resource: string) => document.paths[resource]?.[method.toLowerCase()];
const parameterOf = (method: string, resource: string, name: string) =>
  operationOf(method, resource)?.parameters?.find((parameter) => parameter.name === name);

/** Every value of `key` anywhere in the document, with where it was found. */
function collect(node: unknown, key: string, at = '#'): { at: string; value: unknown }[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => collect(item, key, `${at}/${index}`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([name, value]) => [
    ...(name === key ? [{ at, value }] : []),
    ...collect(value, key, `${at}/${name}`),
  ]);
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(
      structuredClone(openApiDocument()) as Record<string, unknown>,
    );
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('carries no $id or $schema in its schemas (JSON Schema 2020-12 refuses a fragment $id), and every $ref resolves', () => {
    expect(collect(document, '$id')).toEqual([]);
    expect(collect(document, '$schema')).toEqual([]);
    expect(collect(document, '$defs')).toEqual([]);
    const refs = collect(document, '$ref').map(({ value }) => value as string);
    expect(refs.length).toBeGreaterThan(apiRoutes.length);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\/components\/schemas\/\w+$/);
      expect(document.components.schemas[ref.split('/').at(-1)!], ref).toBeDefined();
    }
    // Every component is reached from an operation.
    expect(Object.keys(document.components.schemas).sort()).toEqual(
      [...new Set(refs.map((ref) => ref.split('/').at(-1)!))].sort(),
    );
  });

  it('names a relative server, as the API is served under whatever base path the document is', () => {
    expect(document.servers.length).toBeGreaterThan(0);
    for (const server of document.servers) expect(server.url).toMatch(/^\//);
  });

  it('has every API route of src/routes.ts with the same method, and nothing else', () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(apiRoutes.map((route) => `${route.method} ${route.resource}`).sort());
    expect(Object.keys(operations).sort()).toEqual(documented.sort());
    const ids = documented.map((key) => {
      const [method, path] = key.split(' ') as [string, string];
      return operationOf(method, path)!.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe.each(apiRoutes.map((route) => [`${route.method} ${route.resource}`, route] as const))(
    '%s',
    (_, route) => {
      const operation = () => operationOf(route.method, route.resource)!;

      it('answers one 2xx with a JSON schema', () => {
        const successes = Object.keys(operation().responses).filter((status) => status.startsWith('2'));
        expect(successes).toHaveLength(1);
        const success = operation().responses[successes[0]!]!;
        expect(success.content?.['application/json']?.schema.$ref).toMatch(/^#\/components\/schemas\//);
      });

      it('answers every error it can in the error shape of src/http/errors.ts', () => {
        const statuses = Object.keys(operation().responses).filter((status) => !status.startsWith('2'));
        expect(statuses).toEqual(errorStatuses(route, operations[`${route.method} ${route.resource}`]!));
        expect(statuses).toEqual(expect.arrayContaining(['429', '500']));
        if (route.access !== 'public') expect(statuses).toEqual(expect.arrayContaining(['401', '403']));
        if (route.method === 'POST') expect(statuses).toEqual(expect.arrayContaining(['400', '413', '415']));
        if (route.resource.includes('{')) expect(statuses).toContain('404');
        for (const status of statuses) {
          expect(operation().responses[status]!.content?.['application/json']?.schema.$ref, status).toBe(
            '#/components/schemas/Error',
          );
        }
      });

      it('takes a JSON body on POST, and its path parameters', () => {
        if (route.method === 'POST') {
          expect(operation().requestBody?.required).toBe(true);
          expect(operation().requestBody?.content['application/json']?.schema.$ref).toMatch(
            /^#\/components\//,
          );
        } else expect(operation().requestBody).toBeUndefined();
        const names = [...route.resource.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const pathParameters = (operation().parameters ?? []).filter((parameter) => parameter.in === 'path');
        expect(pathParameters.map((parameter) => parameter.name)).toEqual(names);
        for (const parameter of pathParameters) expect(parameter.required).toBe(true);
      });

      it('asks staff for the Cognito bearer token and nobody else', () => {
        if (route.access === 'public') expect(operation().security).toEqual([]);
        else {
          expect(operation().security).toEqual([{ cognito: [] }]);
          expect(document.components.securitySchemes.cognito).toMatchObject({
            type: 'http',
            scheme: 'bearer',
          });
        }
      });
    },
  );

  it('gives the list routes their enums, limits, defaults and cursor', () => {
    const lists = [
      ['/api/cases', limits.defaultPageSize],
      ['/api/agency/requests', limits.defaultInboxPageSize],
      ['/api/agency/products', limits.defaultInboxPageSize],
    ] as const;
    for (const [resource, defaultLimit] of lists) {
      expect(parameterOf('GET', resource, 'limit')?.schema).toEqual({
        type: 'integer',
        minimum: 1,
        maximum: limits.maxPageSize,
        default: defaultLimit,
      });
      expect(parameterOf('GET', resource, 'cursor')?.schema).toEqual({ type: 'string', maxLength: 2048 });
    }
    expect(parameterOf('GET', '/api/cases', 'status')?.schema.enum).toEqual([...CASE_STATUSES]);
    expect(parameterOf('GET', '/api/cases', 'rag')?.schema.enum).toEqual([...RAG_RATINGS]);
    expect(parameterOf('GET', '/api/cases', 'overdue')?.schema.enum).toEqual(['true', 'false']);
    expect(parameterOf('GET', '/api/agency/requests', 'status')?.schema.enum).toEqual(['open', 'answered']);
    expect(parameterOf('GET', '/api/referrals/{reference}/status', 'token')?.required).toBe(true);
    expect(parameterOf('GET', '/api/reports/{period}/{file}', 'period')?.schema.enum).toEqual([
      'daily',
      'weekly',
      'monthly',
    ]);
    for (const parameter of Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).flatMap((operation) => operation.parameters ?? []),
    )) {
      if (parameter.in === 'query')
        expect(parameter.required, parameter.name).toBe(parameter.name === 'token');
    }
  });

  it('publishes the query limits and enums the handlers enforce', () => {
    for (const [key, spec] of Object.entries(operations)) {
      if (!spec.query) continue;
      const [method, resource] = key.split(' ') as [string, string];
      const accepts = (query: Record<string, string>) => spec.query!.safeParse(query).success;
      for (const parameter of operationOf(method, resource)!.parameters ?? []) {
        if (parameter.in !== 'query') continue;
        const { minimum, maximum } = parameter.schema;
        if (minimum !== undefined && maximum !== undefined) {
          expect(accepts({ [parameter.name]: String(minimum) }), `${key} ${parameter.name}`).toBe(true);
          expect(accepts({ [parameter.name]: String(maximum) }), `${key} ${parameter.name}`).toBe(true);
          expect(accepts({ [parameter.name]: String(minimum - 1) }), `${key} ${parameter.name}`).toBe(false);
          expect(accepts({ [parameter.name]: String(maximum + 1) }), `${key} ${parameter.name}`).toBe(false);
        }
        for (const value of parameter.schema.enum ?? [])
          expect(accepts({ [parameter.name]: value }), `${key} ${parameter.name}=${value}`).toBe(true);
        if (parameter.schema.enum)
          expect(accepts({ [parameter.name]: 'nonsense' }), `${key} ${parameter.name}`).toBe(false);
      }
    }
  });

  it('describes the board export the writer produces', () => {
    const month = { period: 'monthly' as const, periodId: '2026-11', ...periodBounds('monthly', '2026-11') };
    const published = applyDisclosureControl(createAccumulator(month).finish());
    const exported = JSON.parse(toJson(published, '2026-12-01T02:00:00.000Z'));
    // Parsing drops members the schema does not know, so equality means it names every figure.
    expect(boardExportSchema.parse(exported)).toEqual(exported);
    expect(
      boardExportSchema.safeParse({ ...exported, volume: { ...exported.volume, referrals: 'x' } }).success,
    ).toBe(false);
  });

  // Checked by tsc (npm test typechecks the tests): a field added to a service type or a schema alone fails.
  /** One object type from an intersection (CaseView is written as one), for expectTypeOf's equality. */
  type Flat<T> = { [K in keyof T]: T[K] };
  it('types the bodies the services return by the response schemas', () => {
    expectTypeOf<ReferralReceipt>().toEqualTypeOf<ReferralReceiptBody>();
    expectTypeOf<{ items: CaseListItem[]; nextCursor?: string }>().toEqualTypeOf<CaseListBody>();
    expectTypeOf<Flat<CaseView>>().toEqualTypeOf<CaseViewBody>();
    expectTypeOf<InformationRequest>().toEqualTypeOf<z.infer<typeof informationRequestRecordSchema>>();
    expectTypeOf<AgencyRequestView>().toEqualTypeOf<AgencyRequestBody>();
    expectTypeOf<AgencyPage<AgencyRequestView>>().toEqualTypeOf<AgencyRequestPageBody>();
    expectTypeOf<AgencyPage<AgencyProductView>>().toEqualTypeOf<AgencyProductPageBody>();
    expectTypeOf<{ items: ReportListing[] }>().toEqualTypeOf<ReportListBody>();
  });
});
