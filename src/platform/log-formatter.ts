/**
 * The shared logger's formatter: Powertools' standard JSON keys, with personal data taken out before a
 * line is written. Safeguarding records are about children, so redaction is the last line of defence
 * behind the rule that handlers log codes, ids and counts, never bodies or events:
 *
 * - any attribute whose key names personal data (PERSONAL_DATA_KEYS, or a key ending in one of
 *   PERSONAL_DATA_KEY_SUFFIXES), at any depth, becomes "[redacted]", whatever it holds;
 * - a Lambda event (an API Gateway, SQS or EventBridge event, or any attribute called `event`)
 *   is never written, so `POWERTOOLS_LOGGER_LOG_EVENT=true` cannot leak a request body;
 * - in every string (the message, attribute values, error messages and stacks), NHS numbers, email
 *   addresses, UK telephone numbers, UK postcodes, JWTs, bearer tokens and `key: value` or `key=value`
 *   pairs whose key names personal data are replaced with "[redacted]";
 * - a ten-digit whole number (an NHS number, or a UK phone number that lost its leading 0) is redacted;
 * - bytes (a Buffer or a typed array: a raw body) are never written.
 *
 * Free text is only caught by its key: a child's name typed into a message string cannot be recognised,
 * so messages must stay fixed text and data goes in attributes.
 */
import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

export const REDACTED = '[redacted]';
export const REDACTED_EVENT = '[redacted event]';

/** Keys whose values are personal data (or secrets), compared case- and separator-insensitively. */
const PERSONAL_DATA_KEYS: readonly string[] = [
  // People
  'firstName',
  'lastName',
  'otherNames',
  'name',
  'fullName',
  'givenName',
  'familyName',
  'surname',
  'forename',
  'dateOfBirth',
  'dob',
  'expectedDueDate',
  'nhsNumber',
  'gender',
  'ethnicity',
  'language',
  'disabilityOrSen',
  'schoolOrSetting',
  'currentLocation',
  'relationship',
  'organisation',
  'parentalResponsibility',
  'consentFrom',
  // Contact details
  'address',
  'line1',
  'line2',
  'town',
  'postcode',
  'email',
  'phone',
  'telephone',
  'mobile',
  // What was said about the child
  'details',
  'summary',
  'seen',
  'said',
  'information',
  'rationale',
  'reasonIfNot',
  'supportGiven',
  'incidentDate',
  'careAndSupportNeeds',
  'comment',
  'questions',
  'answer',
  'answers',
  'releasableAnswers',
  'narrative',
  'notes',
  // Whole records and bodies
  'body',
  'rawBody',
  'form',
  'payload',
  'input',
  'received',
  'referral',
  'subjects',
  'subject',
  'household',
  'referrer',
  'subjectIdentityKeys',
  'item',
  'items',
  'newImage',
  'oldImage',
  'event',
  'rawEvent',
  // Secrets
  'token',
  'receiptToken',
  'idToken',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'setCookie',
  'mashSession',
  'session',
  'csrf',
  'password',
  'secret',
];

/** A key ending in one of these is redacted too (referrerEmail, homeAddress, x-session-token). */
const PERSONAL_DATA_KEY_SUFFIXES: readonly string[] = [
  'firstname',
  'lastname',
  'surname',
  'dateofbirth',
  'nhsnumber',
  'address',
  'postcode',
  'email',
  'phone',
  'token',
  'authorization',
  'cookie',
  'password',
  'secret',
];

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const DENIED_KEYS = new Set(PERSONAL_DATA_KEYS.map(normaliseKey));

export function isPersonalDataKey(key: string): boolean {
  const normalised = normaliseKey(key);
  if (normalised === '') return false;
  if (DENIED_KEYS.has(normalised)) return true;
  return PERSONAL_DATA_KEY_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
}

// `firstName` matches first_name, first-name, FirstName and firstname inside a string.
const KEY_ALTERNATION = [...PERSONAL_DATA_KEYS]
  .sort((a, b) => b.length - a.length)
  .map((key) => key.replace(/[A-Z]/g, (letter) => `[_-]?${letter}`))
  .join('|');

/** The text patterns, in this order: bearer credentials, `key: value` pairs (each value whole), a JWT, then the rest. */
const TEXT_PATTERNS: ReadonlyArray<
  readonly [RegExp, string | ((match: string, ...groups: string[]) => string)]
> = [
  // A bearer credential in a header value (before `authorization: Basic ...` loses its scheme).
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, `$1 ${REDACTED}`],
  // `"firstName": "Alex"`, `firstName=Alex`, `token=...` in JSON text, query strings and messages.
  [
    new RegExp(
      `(?<![\\w-])(${KEY_ALTERNATION})(["']?\\s*[:=]\\s*)("(?:[^"\\\\]|\\\\.)*"?|'(?:[^'\\\\]|\\\\.)*'?|(?!\\[redacted)[^\\s,;&}\\]]+)`,
      'gi',
    ),
    (_match, key, separator, value) => {
      const quote = value?.startsWith('"') ? '"' : value?.startsWith("'") ? "'" : '';
      return `${key}${separator}${quote}${REDACTED}${quote}`;
    },
  ],
  // A JWT (signed, or unsigned with an empty third part): every JOSE header starts `{"` = eyJ.
  [/eyJ[\w-]*\.[\w-]*(?:\.[\w-]*)?/g, REDACTED],
  // An email address, also percent-encoded in a URL.
  [/[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi, REDACTED],
  // An NHS number: ten digits, optionally spaced or hyphenated 3-3-4.
  [/(?<![0-9A-Za-z])\d{3}[ -]?\d{3}[ -]?\d{4}(?![0-9A-Za-z])/g, REDACTED],
  // A UK telephone number: +44 / 0044 / 0, then 9 or 10 more digits, spaces, hyphens or brackets between.
  [/(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s-]?\)?[\s-]?\d){8,9}(?!\w)/g, REDACTED],
  // A UK postcode, any case, with or without its space (GIR 0AA included).
  [/\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}\b/gi, REDACTED],
];

/** Replaces every recognisable piece of personal data (or credential) in a string with "[redacted]". */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) {
    result =
      typeof replacement === 'string'
        ? result.replace(pattern, replacement)
        : result.replace(pattern, replacement as (match: string, ...groups: string[]) => string);
  }
  return result;
}

/** A Lambda event of the kinds this service receives, wherever it turns up in a log line. */
function looksLikeLambdaEvent(value: object): boolean {
  const record = value as Record<string, unknown>;
  if ('httpMethod' in record && ('requestContext' in record || 'body' in record || 'headers' in record))
    return true;
  if ('routeKey' in record && 'rawPath' in record) return true;
  if (Array.isArray(record.Records)) return true;
  return 'detail-type' in record && 'detail' in record;
}

const MAX_DEPTH = 12;

/**
 * A formatter for the shared logger: Powertools' standard keys and JSON shape, every attribute and
 * error redacted as the module comment describes.
 */
export class RedactingLogFormatter extends LogFormatter {
  public formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    const baseAttributes: LogAttributes = {
      level: attributes.logLevel,
      message: this.redact(attributes.message, 'message', new WeakSet(), 0),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
      tenant_id: attributes.lambdaContext?.tenantId,
    };
    return new LogItem({ attributes: baseAttributes }).addAttributes(
      this.redactAttributes(additionalLogAttributes, new WeakSet(), 0),
    );
  }

  /** Powertools' error shape (name, location, message, stack, cause, own fields), redacted. */
  public override formatError(error: Error): LogAttributes {
    return this.redactError(error, new WeakSet([error]), 0);
  }

  private redactError(error: Error, seen: WeakSet<object>, depth: number): LogAttributes {
    const formatted: LogAttributes = {
      name: typeof error.name === 'string' ? redactText(error.name) : 'Error',
      location: this.getCodeLocation(typeof error.stack === 'string' ? error.stack : undefined),
      message: typeof error.message === 'string' ? redactText(error.message) : undefined,
      stack: typeof error.stack === 'string' ? redactText(error.stack) : undefined,
      cause: error.cause === undefined ? undefined : this.redact(error.cause, 'cause', seen, depth + 1),
    };
    if (error instanceof AggregateError && Array.isArray(error.errors)) {
      formatted.errors = this.redact(error.errors, 'errors', seen, depth + 1);
    }
    for (const key of Object.keys(error)) {
      if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
      formatted[key] = this.redact((error as unknown as Record<string, unknown>)[key], key, seen, depth + 1);
    }
    return formatted;
  }

  private redactAttributes(attributes: LogAttributes, seen: WeakSet<object>, depth: number): LogAttributes {
    const result: LogAttributes = {};
    for (const [key, value] of Object.entries(attributes)) result[key] = this.redact(value, key, seen, depth);
    return result;
  }

  private redact(value: unknown, key: string | undefined, seen: WeakSet<object>, depth: number): unknown {
    if (value === undefined || value === null) return value;
    if (key !== undefined && isPersonalDataKey(key)) {
      if (normaliseKey(key) === 'event' && typeof value === 'object') return REDACTED_EVENT;
      return REDACTED;
    }
    switch (typeof value) {
      case 'string':
        return redactText(value);
      case 'number':
        return Number.isInteger(value) && Math.abs(value) >= 1e9 && Math.abs(value) < 1e10 ? REDACTED : value;
      case 'bigint':
        return redactText(value.toString());
      case 'boolean':
        return value;
      case 'function':
      case 'symbol':
        return undefined;
    }
    const object = value as object;
    if (seen.has(object)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
    if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return '[binary]';
    if (object instanceof URL) return redactText(object.href);
    if (object instanceof RegExp) return redactText(String(object));
    seen.add(object);
    try {
      if (object instanceof Error) return this.redactError(object, seen, depth);
      if (Array.isArray(object)) return object.map((item) => this.redact(item, undefined, seen, depth + 1));
      if (object instanceof Set)
        return [...object].map((item) => this.redact(item, undefined, seen, depth + 1));
      if (object instanceof Map) {
        const entries: LogAttributes = {};
        for (const [mapKey, mapValue] of object)
          entries[String(mapKey)] = this.redact(mapValue, String(mapKey), seen, depth + 1);
        return entries;
      }
      if (looksLikeLambdaEvent(object)) return REDACTED_EVENT;
      const toJSON = (object as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        return this.redact(toJSON.call(object), undefined, seen, depth + 1);
      }
      return this.redactAttributes(object as LogAttributes, seen, depth + 1);
    } finally {
      seen.delete(object);
    }
  }
}
