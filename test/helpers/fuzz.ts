/**
 * Fuzzing the API with fast-check: a raw HTTP client (so paths, header names and header values go out
 * exactly as generated, which fetch would normalise or refuse), arbitraries for hostile bodies, path
 * parameters and headers, the properties every answer must keep, and a direct count of stored cases.
 *
 * Runs: MASH_FUZZ_RUNS is the total number of generated requests across every endpoint (default 2000),
 * split by weight; MASH_FUZZ_SEED fixes fast-check's seed (fast-check prints the seed and path of any
 * failure, so a failure can be replayed with MASH_FUZZ_SEED=<seed>).
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { caseTable, limits } from '../../src/resources.ts';

// ---- Run settings -------------------------------------------------------------------------------

const DEFAULT_FUZZ_RUNS = 2000;

/** The total number of fuzz runs across endpoints (MASH_FUZZ_RUNS, default 2000). */
export function totalFuzzRuns(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.MASH_FUZZ_RUNS ?? DEFAULT_FUZZ_RUNS);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`MASH_FUZZ_RUNS=${env.MASH_FUZZ_RUNS} is not a count`);
  return value;
}

/** The fixed seed from MASH_FUZZ_SEED, if set. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (env.MASH_FUZZ_SEED === undefined || env.MASH_FUZZ_SEED === '') return undefined;
  const seed = Number(env.MASH_FUZZ_SEED);
  if (!Number.isInteger(seed)) throw new Error(`MASH_FUZZ_SEED=${env.MASH_FUZZ_SEED} is not an integer`);
  return seed;
}

/** Splits `total` runs between weighted parts, at least `minimum` each. */
export function splitRuns<K extends string>(
  total: number,
  weights: Record<K, number>,
  minimum = 5,
): Record<K, number> {
  const sum = Object.values<number>(weights).reduce((a, b) => a + b, 0);
  const result = {} as Record<K, number>;
  for (const [key, weight] of Object.entries<number>(weights))
    result[key as K] = Math.max(minimum, Math.round((total * weight) / sum));
  return result;
}

/** fast-check parameters for one property: its share of the runs and the fixed seed, if any. */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = fuzzSeed();
  return { numRuns, ...(seed !== undefined ? { seed } : {}) };
}

// ---- Raw HTTP -----------------------------------------------------------------------------------

export interface RawRequest {
  method: string;
  /** Sent as it is: the caller percent-encodes what must be encoded. */
  path: string;
  /** Name/value pairs, sent in this order and casing (so `__proto__` is a header name like any other). */
  headers: [string, string][];
  body?: string | Uint8Array;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: properties walk arbitrary response shapes.
  json: any;
}

export interface RawClient {
  send(request: RawRequest): Promise<RawResponse>;
  close(): void;
}

export function rawClient(baseUrl: string): RawClient {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  return {
    send(request) {
      return new Promise((resolve, reject) => {
        const body = request.body === undefined ? undefined : Buffer.from(request.body);
        const headers: string[] = ['Host', url.host];
        for (const [name, value] of request.headers) headers.push(name, value);
        if (body !== undefined) headers.push('Content-Length', String(body.length));
        const req = httpRequest(
          { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let json: unknown;
              try {
                json = text ? JSON.parse(text) : undefined;
              } catch {
                json = undefined;
              }
              resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
            });
          },
        );
        req.setTimeout(60_000, () =>
          req.destroy(new Error(`no answer to ${request.method} ${request.path}`)),
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** A short, printable account of a request for failure messages (bodies cut to 300 characters). */
export function describeRequest(request: RawRequest): string {
  const body =
    request.body === undefined
      ? ''
      : typeof request.body === 'string'
        ? ` body(${Buffer.byteLength(request.body)} B)=${JSON.stringify(request.body.slice(0, 300))}`
        : ` body(${request.body.length} B, binary)`;
  const headers = request.headers
    .map(
      ([name, value]) =>
        `${name}: ${/authorization/i.test(name) ? `${value.slice(0, 40)}…` : value.slice(0, 120)}`,
    )
    .join(' | ');
  return `${request.method} ${request.path.slice(0, 300)} [${headers}]${body}`;
}

// ---- The properties every answer keeps --------------------------------------------------------

/** A key a prototype-pollution payload sets; Object.prototype must never gain it (the hub runs in this process). */
const POLLUTION_MARKER = 'mashFuzzPolluted';

function prototypePolluted(): boolean {
  return (
    ({} as Record<string, unknown>)[POLLUTION_MARKER] !== undefined ||
    Object.keys(Object.prototype).length > 0 ||
    Object.keys(Array.prototype).length > 0
  );
}

/**
 * What is wrong with an answer, if anything: a 5xx; a 4xx from the API without CONTRACT's error shape
 * `{error:{code,message,details?}}`; a 400 to a request with a body without `details`; 413 not given
 * exactly to bodies over the limit; a 405 without `Allow`; a polluted Object.prototype.
 */
export function responseProblems(request: RawRequest, response: RawResponse): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`answered ${response.status}`);
  // Where the request really went (the hub resolves dot segments); pages answer HTML, not the API shape.
  const pathname = new URL(request.path, 'http://127.0.0.1').pathname;
  if (pathname.startsWith('/api/') && response.status >= 400 && response.status < 500) {
    const error = response.json?.error;
    if (typeof error?.code !== 'string' || typeof error?.message !== 'string') {
      problems.push(`a ${response.status} without {error:{code,message}}: ${response.text.slice(0, 200)}`);
    } else if (error.details !== undefined) {
      const valid =
        Array.isArray(error.details) &&
        error.details.every(
          (d: { path?: unknown; message?: unknown }) =>
            typeof d?.path === 'string' && typeof d?.message === 'string',
        );
      if (!valid) problems.push(`error.details is not [{path,message}]: ${JSON.stringify(error.details)}`);
    }
    if (
      response.status === 400 &&
      request.body !== undefined &&
      request.method === 'POST' &&
      !(Array.isArray(error?.details) && error.details.length > 0)
    ) {
      problems.push(`a 400 to a body without details: ${response.text.slice(0, 200)}`);
    }
  }
  const size = request.body === undefined ? 0 : Buffer.byteLength(request.body);
  if (size > limits.maxBodyBytes && ![404, 405, 413].includes(response.status))
    problems.push(`a ${size} B body answered ${response.status}, not 413`);
  if (size <= limits.maxBodyBytes && response.status === 413) problems.push(`a ${size} B body answered 413`);
  if (response.status === 405 && !/^[A-Z]+(, [A-Z]+)*$/.test(String(response.headers.allow ?? '')))
    problems.push(`a 405 without an Allow header naming the methods: ${String(response.headers.allow)}`);
  if (prototypePolluted()) problems.push('Object.prototype was polluted');
  return problems;
}

// ---- Stored cases -------------------------------------------------------------------------------

/** Every stored case, counted on the `byDue` index (dueListPk = 'CASES') with Select COUNT. */
export async function countCases(documents: DynamoDBDocumentClient): Promise<number> {
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: caseTable.localName,
        IndexName: 'byDue',
        KeyConditionExpression: 'dueListPk = :pk',
        ExpressionAttributeValues: { ':pk': 'CASES' },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    total += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
}

// ---- Strings and JSON values --------------------------------------------------------------------

/**
 * Known bug, reported to the lead: the local hub's API Gateway adapter (local/api-gateway-adapter.ts,
 * collectHeaders and collectQuery) answers 502 to any header or query parameter named like an
 * Object.prototype member (`constructor`, `__proto__`, `toString`...). While it is open, the general fuzz
 * leaves such names to the dedicated `it.fails` test in test/fuzz/api-fuzz.test.ts, so it can still find
 * other bugs. Once fixed: set this to false and turn that `it.fails` into `it`.
 */
const PROTOTYPE_NAME_BUG_OPEN = false;

/** Whether the fuzz may use this as a header or query parameter name (see PROTOTYPE_NAME_BUG_OPEN). */
function usableName(name: string): boolean {
  return !PROTOTYPE_NAME_BUG_OPEN || !(name in Object.prototype);
}

/** Keys that poison a naive merge or lookup. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** A value that would show up on every object if a handler merged it into a prototype. */
const pollutingValue = () => JSON.parse(`{"${POLLUTION_MARKER}":true,"isAdmin":true,"status":"decided"}`);

const awkwardStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\t\r\n',
  '\u202E\u0645\u0631\u062D\u0628\u0627',
  '\uD800',
  '\uDFFF\uD800',
  '😀👩‍👩‍👧‍👦',
  'Z\u0351\u0358\u0353a\u0353\u035C\u0358l\u0337g\u0334o',
  '%00',
  '%s%n%x',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as text.
  '${7*7}{{7*7}}',
  "'; DROP TABLE cases; --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  'null',
  'undefined',
  'NaN',
  '1e400',
  '-0',
  '2015-02-30',
  '0000-00-00',
  '2015-03-02T00:00:00Z',
  '99999-01-01',
  'NR1 1AA',
  '943 476 5919',
  'MASH-0000-0000',
  '00000000-0000-4000-8000-000000000000',
  '__proto__',
);

/** Text of every kind: any UTF-16 (lone surrogates included), graphemes, and known trouble-makers. */
const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: awkwardStrings },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** Strings around and far over the field and body limits (some over 256 KiB once encoded). */
const hugeString: fc.Arbitrary<string> = fc
  .record({
    length: fc.oneof(
      fc.constantFrom(101, 201, 501, 2001, 5001, 20_001),
      fc.integer({ min: 1_000, max: 100_000 }),
      fc.integer({ min: 200_000, max: 300_000 }),
    ),
    unit: fc.constantFrom('x', 'é', '😀', ' ', '\u0000'),
  })
  .map(({ length, unit }) => unit.repeat(Math.ceil(length / unit.length)));

/** Arrays or objects nested far deeper than any schema. */
const deepNesting: fc.Arbitrary<unknown> = fc
  .record({ depth: fc.integer({ min: 10, max: 2_000 }), object: fc.boolean() })
  .map(({ depth, object }) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) value = object ? { a: value } : [value];
    return value;
  });

const edgeNumbers = fc.constantFrom(
  0,
  -0,
  -1,
  0.5,
  1.5,
  6,
  1e21,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_VALUE,
);

/** Any JSON value, weighted toward the values that break assumptions. */
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], [{}], { '': '' }) },
  { weight: 3, arbitrary: anyString },
  { weight: 2, arbitrary: fc.oneof(edgeNumbers, fc.integer(), fc.double({ noNaN: true })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constant(null).map(pollutingValue) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepNesting },
);

// ---- Near-valid bodies --------------------------------------------------------------------------

type Key = string | number;

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'wrongType'; at: number; value: unknown }
  | { op: 'addKey'; at: number; key: string; value: unknown }
  | { op: 'repeat'; at: number; times: number }
  | { op: 'edit'; at: number; text: string; how: 'append' | 'prepend' | 'set' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: junkValue }),
  fc.record({
    op: fc.constant('wrongType' as const),
    at: fc.nat(),
    value: fc.constantFrom(null, 0, 1, true, 'true', '1', [], {}, ['x'], { value: 1 }),
  }),
  fc.record({
    op: fc.constant('addKey' as const),
    at: fc.nat(),
    key: fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
      { weight: 1, arbitrary: anyString },
    ),
    value: fc.oneof(fc.constant(null).map(pollutingValue), junkValue),
  }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), times: fc.constantFrom(0, 2, 21, 31, 200) }),
  fc.record({
    op: fc.constant('edit' as const),
    at: fc.nat(),
    text: anyString,
    how: fc.constantFrom('append' as const, 'prepend' as const, 'set' as const),
  }),
);

/** Paths into a JSON value, the root (`[]`) first; at most MAX_PATHS of them (enough to pick from). */
const MAX_PATHS = 2_000;
function pathsOf(value: unknown, prefix: Key[] = [], out: Key[][] = []): Key[][] {
  if (out.length >= MAX_PATHS) return out;
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pathsOf(item, [...prefix, i], out);
  } else if (value !== null && typeof value === 'object')
    for (const key of Object.keys(value))
      pathsOf((value as Record<string, unknown>)[key], [...prefix, key], out);
  return out;
}

/** Roughly how much JSON a value makes, counting nodes and 100 characters of text as one; stops at `limit`. */
function weightOf(value: unknown, limit: number): number {
  let weight = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && weight < limit) {
    const item = stack.pop();
    weight += typeof item === 'string' ? 1 + Math.floor(item.length / 100) : 1;
    if (item !== null && typeof item === 'object') stack.push(...Object.values(item));
  }
  return weight;
}

/** Repeats stay under about 5 MB of JSON, so mutations cannot multiply a body into gigabytes. */
const MAX_REPEAT_WEIGHT = 50_000;

/** A fresh copy of a generated value: constants from the arbitraries are shared between runs. */
function fresh(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Sets an own property, so `__proto__` and friends are data, as JSON.parse makes them. */
function setOwn(target: object, key: Key, value: unknown): void {
  if (Array.isArray(target) && typeof key === 'number') target[key] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function get(root: unknown, path: Key[]): unknown {
  let value = root;
  for (const key of path) value = (value as Record<Key, unknown>)[key];
  return value;
}

function changeAt(
  root: unknown,
  path: Key[],
  change: (current: unknown) => unknown | typeof REMOVE,
): unknown {
  if (path.length === 0) {
    const next = change(root);
    return next === REMOVE ? undefined : next;
  }
  const parent = get(root, path.slice(0, -1)) as Record<Key, unknown>;
  const key = path[path.length - 1]!;
  const next = change(parent[key]);
  if (next === REMOVE) {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete parent[key];
  } else setOwn(parent, key, next);
  return root;
}

const REMOVE = Symbol('remove');

/** Applies mutations in order to a copy of a valid value; each picks its target among the value's paths. */
function applyMutations(valid: unknown, mutations: readonly Mutation[]): unknown {
  // A JSON copy: own `__proto__` keys survive as data both ways.
  let value: unknown = JSON.parse(JSON.stringify(valid));
  for (const m of mutations) {
    if (value === undefined) break;
    const paths = pathsOf(value);
    const path = paths[m.at % paths.length]!;
    switch (m.op) {
      case 'delete':
        value = changeAt(value, path, () => REMOVE);
        break;
      case 'replace':
      case 'wrongType':
        value = changeAt(value, path, () => fresh(m.value));
        break;
      case 'addKey':
        value = changeAt(value, path, (current) => {
          if (Array.isArray(current)) return [...current, fresh(m.value)];
          if (current !== null && typeof current === 'object') {
            setOwn(current, m.key, fresh(m.value));
            return current;
          }
          const wrapper = {};
          setOwn(wrapper, m.key, fresh(m.value));
          return wrapper;
        });
        break;
      case 'repeat':
        value = changeAt(value, path, (current) => {
          const item = Array.isArray(current) ? (current[0] ?? null) : current;
          const wanted = Array.isArray(current) ? m.times : Math.min(m.times, 3);
          const times = wanted * weightOf(item, MAX_REPEAT_WEIGHT) <= MAX_REPEAT_WEIGHT ? wanted : 2;
          return Array.from({ length: times }, () => fresh(item));
        });
        break;
      case 'edit':
        value = changeAt(value, path, (current) =>
          typeof current === 'string'
            ? m.how === 'append'
              ? current + m.text
              : m.how === 'prepend'
                ? m.text + current
                : m.text
            : m.text,
        );
        break;
    }
  }
  return value;
}

/** A valid body (one of `bases`) with zero to four mutations: missing fields, wrong types, junk. */
function nearValid(bases: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .record({
      base: fc.constantFrom(...bases),
      // A quarter unmutated, so the success paths (and what they store) are fuzzed too.
      mutations: fc.oneof(
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }) },
      ),
    })
    .map(({ base, mutations }) => applyMutations(base, mutations));
}

/** A request body as it goes on the wire. */
export type BodySpec =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'none' };

/** Bodies for a POST: mostly near-valid, then any JSON, broken JSON, bytes, nothing. */
export function bodyFor(bases: readonly unknown[]): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    { weight: 10, arbitrary: nearValid(bases).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 3, arbitrary: junkValue.map((value) => ({ kind: 'json' as const, value })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          anyString,
          fc.constantFrom('{', '{"a":', '[1,]', "{'a':1}", '{"a":1}}', 'true false', '\uFEFF{}', '{"a":NaN}'),
          fc.json().map((json) => json.slice(0, Math.max(1, json.length - 1))),
        )
        .map((text) => ({ kind: 'text' as const, text })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
}

/** Bodies sent to a GET (rarely: most clients send none). */
export const getBody: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: junkValue.map((value) => ({ kind: 'json' as const, value })) },
);

export function encodeBody(body: BodySpec): string | Uint8Array | undefined {
  switch (body.kind) {
    case 'json': {
      const text = JSON.stringify(body.value);
      return text === undefined ? undefined : text;
    }
    case 'text':
      return body.text;
    case 'bytes':
      return body.bytes;
    case 'none':
      return undefined;
  }
}

// ---- Paths and queries --------------------------------------------------------------------------

/** Percent-encodes every byte of the UTF-8 form outside the unreserved set (never throws on lone surrogates). */
function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Visible ASCII that Node's HTTP parser accepts raw in a request target, bar the path and query delimiters. */
const RAW_PATH_CHARS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
  String.fromCharCode(0x21 + i),
).filter((char) => !'/?#'.includes(char));

/**
 * A path parameter as sent: a valid value, an id-like value, any text percent-encoded, raw ASCII junk,
 * traversal and encoding tricks, or a very long segment.
 */
export function pathParam(valid: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom(...valid).map((v) => v.toUpperCase()) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: anyString.map(percentEncode) },
    {
      weight: 2,
      arbitrary: fc.string({ unit: fc.constantFrom(...RAW_PATH_CHARS), minLength: 1, maxLength: 40 }),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '..%2f..%2f..%2fetc%2fpasswd',
        '..%5c..%5c',
        '%2F',
        '%2f%2f',
        '%00',
        '%',
        '%zz',
        '%E0%A4%A',
        '%C0%AE%C0%AE',
        '%F0%9F%98%80',
        '%EF%BB%BF',
        '%5F%5Fproto%5F%5F',
        '__proto__',
        'constructor',
        'prototype',
        'hasOwnProperty',
        '%20',
        '+',
        ';',
        '..;',
        '*',
        '~',
        'null',
        'undefined',
        'CON',
        '2026-10.json',
        '2026-W44.csv',
        '2026-10-31.json',
        '2026-13.json',
        '2026-W54.json',
        '2026-02-30.json',
        '0000-00.json',
        'monthly',
        'weekly',
        'daily',
      ),
    },
    // Long, but with the rest of the request under Node's 16 KiB header limit (past it Node answers a bare 431).
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 3_000 }).map((n) => 'a'.repeat(n)) },
  );
}

/** A query string (with its `?`, or empty) from name/value pairs, percent-encoded. */
export function queryString(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return '';
  return `?${pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&')}`;
}

/** Query parameters: the known names (and prototype keys) with valid or junk values. */
export function queryPairs(
  known: Record<string, readonly string[]>,
): fc.Arbitrary<(readonly [string, string])[]> {
  const names = Object.keys(known);
  const pair = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...names)
        .chain((name) =>
          fc.tuple(
            fc.constant(name),
            known[name]!.length > 0
              ? fc.oneof(
                  { weight: 3, arbitrary: fc.constantFrom(...known[name]!) },
                  { weight: 2, arbitrary: anyString },
                )
              : anyString,
          ),
        ),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS), anyString) },
    { weight: 1, arbitrary: fc.tuple(anyString, anyString) },
  );
  return fc.array(
    pair.filter(([name]) => usableName(name)),
    { maxLength: 5 },
  );
}

/**
 * Known bug, reported to the lead: GET /api/cases answers 500 to a cursor that has exactly the listing's
 * four key attributes (src/store/dynamo/table.ts checks that) but that DynamoDB still refuses as
 * ExclusiveStartKey: an empty key value (`{"dueListPk":"CASES","dueListSk":"","pk":"CASE#x","sk":"CASE"}`),
 * or, on the overdue listing, a sort key past the key condition (`"dueListSk":"undefined"`). Its
 * ValidationException is not translated. While it is open, forged cursors with the listing's keys have
 * non-empty values and an overdue sort key inside the range; the `it.fails` test in
 * test/fuzz/api-fuzz.test.ts keeps the exact requests. Once fixed: set this to false and flip that test.
 */
const CURSOR_BUG_OPEN = false;

/** One GET /api/cases listing: its query and the key its cursors must continue. */
export interface Listing {
  query: (readonly [string, string])[];
  indexName: 'byDue' | 'byStatus' | 'openByDue';
  partitionValue: string;
}

function indexKeys(indexName: Listing['indexName']): { pk: string; sk: string } {
  const index = caseTable.indexes.find((candidate) => candidate.indexName === indexName)!;
  return { pk: index.partitionKey.name, sk: index.sortKey!.name };
}

const encodeCursor = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
const cursorKeyNames = fc.oneof(
  fc.constantFrom('pk', 'sk', 'dueListPk', 'dueListSk', 'statusPk', 'openPk', '__proto__'),
  anyString,
);
const cursorKeyValues = fc.oneof(
  fc.constantFrom('CASES', 'OPEN', 'STATUS#received', 'CASE#x', 'CASE', '', '2026-10-13T09:00:00.000Z#x'),
  anyString,
);

/**
 * Cursors for a listing: this API's form (base64url JSON of string key values) forged with the
 * listing's partition and the other key attributes made up, loose key sets, and plain junk.
 */
export function cursorFor(listing: Listing): fc.Arbitrary<string> {
  const { pk, sk } = indexKeys(listing.indexName);
  const expected = new Set(['pk', 'sk', pk, sk]);
  /** While CURSOR_BUG_OPEN: a cursor with exactly the listing's keys gets non-empty values and an in-range overdue sort key. */
  const steer = (key: Record<string, string>): Record<string, string> => {
    const names = Object.keys(key);
    if (!CURSOR_BUG_OPEN || names.length !== expected.size || !names.every((name) => expected.has(name)))
      return key;
    for (const name of names) if (key[name] === '') setOwn(key, name, 'x');
    if (listing.indexName === 'openByDue') setOwn(key, sk, `2000-01-01T00:00:00.000Z#${key[sk]}`);
    return key;
  };
  const complete = fc.record({ a: anyString, b: anyString, c: anyString }).map(({ a, b, c }) => {
    const key: Record<string, string> = { pk: `CASE#${a}`, sk: b };
    setOwn(key, pk, listing.partitionValue);
    setOwn(key, sk, c);
    return encodeCursor(steer(key));
  });
  const loose = (withPartition: boolean) =>
    fc.array(fc.tuple(cursorKeyNames, cursorKeyValues), { minLength: 1, maxLength: 4 }).map((entries) => {
      const key: Record<string, string> = {};
      for (const [name, value] of entries) setOwn(key, name, value);
      if (withPartition) setOwn(key, pk, listing.partitionValue);
      else if (key[pk] === listing.partitionValue) setOwn(key, pk, `${listing.partitionValue}-other`);
      return encodeCursor(steer(key));
    });
  return fc.oneof(
    { weight: 3, arbitrary: complete },
    { weight: 3, arbitrary: loose(true) },
    { weight: 2, arbitrary: loose(false) },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 80 }) },
    { weight: 1, arbitrary: anyString },
    { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 3_000 }).map((n) => 'e'.repeat(n)) },
  );
}

/**
 * Cursors for an agency's inbox (GET /api/agency/requests and /products): keys on the inbox index,
 * sometimes in the agency's own partition and complete, sometimes not; for requests, wrapped as the
 * service does ({shelf, cursor}) with a real or made-up shelf; and junk.
 */
export function inboxCursor(kind: 'requests' | 'products', agency: string): fc.Arbitrary<string> {
  const inboxKey = fc
    .record({
      partition: fc.constantFrom(
        `REQUESTS#${agency}`,
        `ANSWERED#${agency}`,
        `PRODUCTS#${agency}`,
        'REQUESTS#other',
        '',
      ),
      sortKey: fc.oneof(fc.constant('2026-10-13T09:00:00.000Z#x'), anyString),
      id: anyString,
      complete: fc.boolean(),
      extra: fc.option(fc.tuple(cursorKeyNames, cursorKeyValues), { nil: undefined }),
    })
    .map(({ partition, sortKey, id, complete, extra }) => {
      const key: Record<string, string> = { inboxPk: partition, inboxSk: sortKey };
      if (complete) Object.assign(key, { pk: `REQUEST#${id}`, sk: 'REQUEST' });
      if (extra) setOwn(key, extra[0], extra[1]);
      return encodeCursor(key);
    });
  const wrapped = fc
    .record({
      shelf: fc.oneof(fc.constantFrom('open', 'answered', 'products', '__proto__'), anyString),
      inner: fc.option(fc.oneof(inboxKey, anyString), { nil: undefined }),
    })
    .map(({ shelf, inner }) => encodeCursor(inner === undefined ? { shelf } : { shelf, cursor: inner }));
  return fc.oneof(
    { weight: 3, arbitrary: kind === 'requests' ? wrapped : inboxKey },
    { weight: 1, arbitrary: kind === 'requests' ? inboxKey : wrapped },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 80 }) },
    { weight: 1, arbitrary: anyString },
  );
}

/** The listings of GET /api/cases: everything, one status, overdue (with or without a status). */
export const listings: fc.Arbitrary<Listing> = fc.oneof(
  fc.constant<Listing>({ query: [], indexName: 'byDue', partitionValue: 'CASES' }),
  fc.constantFrom('received', 'triaged', 'gathering', 'ready', 'decided').map<Listing>((status) => ({
    query: [['status', status]],
    indexName: 'byStatus',
    partitionValue: `STATUS#${status}`,
  })),
  fc
    .option(fc.constantFrom('received', 'triaged', 'gathering', 'ready', 'decided'), { nil: undefined })
    .map<Listing>((status) => ({
      query: [['overdue', 'true'], ...(status ? ([['status', status]] as const) : [])],
      indexName: 'openByDue',
      partitionValue: 'OPEN',
    })),
);

// ---- Headers ------------------------------------------------------------------------------------

/** Header values Node will send: tab, visible ASCII, space and Latin-1 (never CR, LF or NUL). */
const HEADER_CHARS = [
  '\t',
  ...Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i)),
  ...Array.from({ length: 0xff - 0x80 + 1 }, (_, i) => String.fromCharCode(0x80 + i)),
];
const headerValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...HEADER_CHARS), maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', 'null', 'undefined', '__proto__', 'é', 'ÿÿÿÿ') },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 2_000 }).map((n) => 'h'.repeat(n)) },
);

export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 20, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'Application/Json ; charset="UTF-8"',
      'application/vnd.api+json',
      'application/problem+json',
      'application/json-patch+json',
      'application/jsonp',
      'application/json;;;charset=',
      'text/json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----fuzz',
      'application/octet-stream',
      'application/xml',
      'image/png',
      '*/*',
      ';',
      '',
      ' application/json',
    ),
  },
  { weight: 1, arbitrary: headerValue },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

export const idempotencyKey: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/) },
  { weight: 3, arbitrary: fc.constantFrom('fuzz-reused-key-1', 'fuzz-reused-key-2') },
  {
    weight: 2,
    arbitrary: fc.oneof(
      headerValue,
      fc.constantFrom('', ' ', 'a b', 'ké', 'x'.repeat(128), 'x'.repeat(129), '../../', '__proto__'),
    ),
  },
);

/** Authorization values: the given good tokens mostly, then other roles, forged, junk and none. */
export function authorization(
  good: readonly string[],
  bad: readonly string[],
): fc.Arbitrary<string | undefined> {
  const pick = (tokens: readonly string[]) =>
    tokens.length > 0 ? fc.constantFrom(...tokens) : fc.constant('x');
  return fc.oneof(
    { weight: good.length > 0 ? 8 : 0, arbitrary: pick(good).map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: pick(good).map((t) => `bEaReR    ${t}  `) },
    { weight: 2, arbitrary: pick(bad).map((t) => `Bearer ${t}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        headerValue,
        headerValue.map((v) => `Bearer ${v}`),
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNz',
          'Bearer a.b.c',
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
          'Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo',
          'Bearer ....',
          'Bearer é',
        ),
        pick(good).map((t) => `Bearer ${t.slice(0, -3)}abc`),
        pick(good).map((t) => `Bearer ${t}.extra`),
      ),
    },
    { weight: 2, arbitrary: fc.constant(undefined) },
  );
}

/** Header names beyond the ones each property sets: prototype keys and random tokens. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'content-type',
  'authorization',
  'idempotency-key',
]);
export const extraHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.tuple(
    fc
      .oneof(
        fc.constantFrom(
          ...PROTOTYPE_KEYS,
          'x-forwarded-for',
          'x-forwarded-proto',
          'cookie',
          'accept',
          'accept-encoding',
          'origin',
          'x-amzn-trace-id',
          'x-api-key',
        ),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      )
      .filter((name) => !RESERVED_HEADERS.has(name.toLowerCase()) && usableName(name)),
    headerValue,
  ),
  { maxLength: 3 },
);
