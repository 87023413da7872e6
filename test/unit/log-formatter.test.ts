/**
 * The redacting log formatter, through a real Powertools Logger: personal data never reaches the
 * written JSON, whether it comes by key (at any depth), by pattern (in messages, values, error
 * messages and stacks) or as a whole Lambda event; the standard keys and the useful fields stay.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  isPersonalDataKey,
  REDACTED,
  REDACTED_EVENT,
  RedactingLogFormatter,
  redactText,
} from '../../src/platform/log-formatter.ts';
import { logger as sharedLogger } from '../../src/platform/powertools.ts';
import { validReferral } from '../helpers/referrals.ts';

let written: string[];

beforeEach(() => {
  written = [];
  const capture = (chunk: unknown) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function newLogger(): Logger {
  return new Logger({
    serviceName: 'mash-test',
    logLevel: 'DEBUG',
    logFormatter: new RedactingLogFormatter(),
  });
}

/** Every JSON line written since the test began. */
function lines(): Record<string, unknown>[] {
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function onlyLine(): Record<string, unknown> {
  const all = lines();
  expect(all).toHaveLength(1);
  return all[0]!;
}

const allText = () => written.join('');

const context = {
  functionName: 'mash-intake',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:mash-intake',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/mash-intake',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} as unknown as Context;

function apiGatewayEvent(body: unknown) {
  return {
    resource: '/api/referrals',
    path: '/api/referrals',
    httpMethod: 'POST',
    headers: {
      Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      Cookie: 'mash_session=abc',
    },
    queryStringParameters: { token: 'receipt-token-value' },
    pathParameters: null,
    requestContext: { requestId: 'r-1' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

describe('the written line', () => {
  it('keeps the standard Powertools keys, JSON shape and harmless attributes', () => {
    newLogger().info('export written', { period: 'monthly', periodId: '2026-05', referrals: 42 });
    const line = onlyLine();
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'export written',
      service: 'mash-test',
      period: 'monthly',
      periodId: '2026-05',
      referrals: 42,
    });
    expect(line.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(line.sampling_rate).toBe(0);
  });

  it('keeps ids, references, timestamps, codes and counts a support engineer needs', () => {
    const kept = {
      caseId: '0a1b2c3d-1234-4567-89ab-0123456789ab',
      reference: 'MASH-7K3Q-9XBD',
      messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
      at: '2026-05-18T09:00:00.000Z',
      errorName: 'ConditionalCheckFailedException',
      code: 'CONSENT_REQUIRED',
      kind: 'request',
      count: 1234567,
      failed: 0,
      resource: '/workbench/{path+}',
      key: 'monthly/2026-05/summary.json',
    };
    newLogger().warn('records not delivered', kept);
    expect(onlyLine()).toMatchObject(kept);
  });

  it('adds the Lambda context keys under the middleware', async () => {
    const log = newLogger();
    const handler = middy(async () => {
      log.info('handled');
    }).use(injectLambdaContext(log, { resetKeys: true }));
    await handler({}, context);
    expect(onlyLine()).toMatchObject({
      message: 'handled',
      function_name: 'mash-intake',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      cold_start: expect.any(Boolean),
    });
  });

  it('is the formatter of the shared logger', () => {
    sharedLogger.info('shared', { firstName: 'Markername-Qwx', detail: 'call 07700 900123' });
    const line = onlyLine();
    expect(line).toMatchObject({ message: 'shared', firstName: REDACTED, detail: `call ${REDACTED}` });
    expect(line.level).toBe('INFO');
    expect(line.timestamp).toBeDefined();
  });
});

describe('redaction by key', () => {
  it('redacts every personal-data field of a whole referral, at any depth', () => {
    const referral = validReferral();
    newLogger().info('oops', { context: { attempt: { input: { ...referral } } }, wrapped: [{ referral }] });
    const line = onlyLine();
    expect(line).toMatchObject({
      context: { attempt: { input: REDACTED } },
      wrapped: [{ referral: REDACTED }],
    });
    for (const value of ['Alex', 'Example', 'Sam Teacher', 'dsl@school.example', 'NR1 1AA', 'hungry'])
      expect(allText()).not.toContain(value);
  });

  it('redacts the fields themselves wherever they are nested', () => {
    newLogger().info('nested', {
      outer: {
        person: {
          firstName: 'Markername-Qwx',
          lastName: 'Surname-Zyx',
          otherNames: ['Nick'],
          dateOfBirth: '2015-03-02',
          gender: 'female',
          age: 11,
          home: { line1: '12 Marker Street', town: 'Norwich', postcode: 'NR1 1AA' },
        },
        concern: { summary: 'S', details: 'D', seen: 'bruise', said: 'hit me', categories: ['neglect'] },
        answer: { information: 'GP notes', releasable: false },
        decision: { outcome: 'NFA', rationale: 'Family known' },
        feedback: { comment: 'Slow', rating: 4 },
      },
    });
    expect(onlyLine().outer).toEqual({
      person: {
        firstName: REDACTED,
        lastName: REDACTED,
        otherNames: REDACTED,
        dateOfBirth: REDACTED,
        gender: REDACTED,
        age: 11,
        home: { line1: REDACTED, town: REDACTED, postcode: REDACTED },
      },
      concern: {
        summary: REDACTED,
        details: REDACTED,
        seen: REDACTED,
        said: REDACTED,
        categories: ['neglect'],
      },
      answer: REDACTED,
      decision: { outcome: 'NFA', rationale: REDACTED },
      feedback: { comment: REDACTED, rating: 4 },
    });
  });

  it.each([
    ['first_name'],
    ['FirstName'],
    ['FIRST-NAME'],
    ['nhs_number'],
    ['referrerEmail'],
    ['homeAddress'],
    ['subjectPostcode'],
    ['Authorization'],
    ['cookie'],
    ['Set-Cookie'],
    ['x-session-token'],
    ['receiptToken'],
    ['idToken'],
    ['mash_session'],
    ['body'],
    ['household'],
    ['subjects'],
    ['questions'],
  ])('treats %s as personal data', (key) => {
    expect(isPersonalDataKey(key)).toBe(true);
    newLogger().info('k', { holder: { [key]: 'Markername-Qwx' } });
    expect(onlyLine().holder).toEqual({ [key]: REDACTED });
  });

  it.each([
    ['errorName'],
    ['functionName'],
    ['reference'],
    ['caseId'],
    ['status'],
    ['outcome'],
    ['rag'],
    ['agency'],
    ['count'],
    ['period'],
  ])('leaves %s alone', (key) => {
    expect(isPersonalDataKey(key)).toBe(false);
  });

  it('redacts whatever a denied key holds: objects, arrays, numbers', () => {
    newLogger().info('k', { phone: 7700900123, subjects: [{ x: 1 }], address: { a: 1 } });
    expect(onlyLine()).toMatchObject({ phone: REDACTED, subjects: REDACTED, address: REDACTED });
  });
});

describe('redaction by pattern', () => {
  it.each([
    ['an NHS number', 'nhs 4857773456 on file', 'nhs [redacted] on file'],
    ['a spaced NHS number', 'NHS: 485 777 3456.', 'NHS: [redacted].'],
    ['a hyphenated NHS number', 'id 485-777-3456', 'id [redacted]'],
    ['an email', 'from jo.bloggs+mash@school.example today', 'from [redacted] today'],
    ['a percent-encoded email', '/x?e=jo%40school.example', '/x?e=[redacted]'],
    ['a landline', 'ring 01632 960001', 'ring [redacted]'],
    ['a London number', 'ring 020 7946 0958', 'ring [redacted]'],
    ['a mobile', 'ring 07700900123', 'ring [redacted]'],
    ['an international mobile', 'ring +44 7700 900123', 'ring [redacted]'],
    ['a bracketed landline', 'ring (01632) 960001', 'ring [redacted]'],
    ['a postcode', 'lives at NR1 1AA', 'lives at [redacted]'],
    ['a London postcode', 'near SW1A 1AA.', 'near [redacted].'],
    ['a lower-case postcode without its space', 'at nr11aa', 'at [redacted]'],
    [
      'a JWT',
      'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl rejected',
      'token [redacted] rejected',
    ],
    ['an unsigned JWT', 'got eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'got [redacted]'],
    ['a bearer header', 'authorization header Bearer abc.def-ghi', 'authorization header Bearer [redacted]'],
    [
      'a JSON field',
      'Unexpected token in {"firstName":"Alex","age":3}',
      'Unexpected token in {"firstName":"[redacted]","age":3}',
    ],
    [
      'a query-string token',
      '/api/referrals/MASH-7K3Q-9XBD/status?token=s3cr3t&x=1',
      '/api/referrals/MASH-7K3Q-9XBD/status?token=[redacted]&x=1',
    ],
    ['a cookie', 'cookie mash_session=abc123; other=1', 'cookie mash_session=[redacted]; other=1'],
  ])('redacts %s', (_what, text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it.each([
    ['a UUID', '0a1b2c3d-1234-4567-89ab-0123456789ab'],
    ['an ISO instant', '2026-05-18T09:00:00.000Z'],
    ['a reference', 'MASH-7K3Q-9XBD'],
    ['an ARN', 'arn:aws:lambda:eu-west-2:123456789012:function:mash-intake'],
    ['a count sentence', 'sent 12 of 1234 messages in 35 ms'],
    ['a stack frame', 'at handle (file:///work/main/src/http/api.ts:207:14)'],
    ['an X-Ray trace id', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'],
    ['an S3 key', 'monthly/2026-05/summary.json'],
  ])('leaves %s alone', (_what, text) => {
    expect(redactText(text)).toBe(text);
  });

  it('redacts the message and the extra string', () => {
    newLogger().info('referral from jo@school.example about 4857773456', 'call 07700 900123');
    const line = onlyLine();
    expect(line.message).toBe(`referral from ${REDACTED} about ${REDACTED}`);
    expect(line.extra).toBe(`call ${REDACTED}`);
  });

  it('redacts attribute values, in arrays and nested objects', () => {
    newLogger().info('values', { notes2: ['NR1 1AA', 'ok'], nested: { text: 'email jo@school.example' } });
    const line = onlyLine();
    expect(line.notes2).toEqual([REDACTED, 'ok']);
    expect(line.nested).toEqual({ text: `email ${REDACTED}` });
  });

  it('redacts a ten-digit number (an NHS number, or a phone number without its 0), and keeps other numbers', () => {
    newLogger().info('n', { nhs: 4857773456, mobile: 7700900123, ms: 1779000000123, small: 12, ratio: 0.25 });
    expect(onlyLine()).toMatchObject({
      nhs: REDACTED,
      mobile: REDACTED,
      ms: 1779000000123,
      small: 12,
      ratio: 0.25,
    });
  });
});

describe('errors', () => {
  it('redacts the message and the stack, keeps the name and location', () => {
    const error = new Error('No subject with NHS number 4857773456 or email jo@school.example');
    newLogger().error('failed', error);
    const logged = onlyLine().error as Record<string, unknown>;
    expect(logged.name).toBe('Error');
    expect(logged.message).toBe(`No subject with NHS number ${REDACTED} or email ${REDACTED}`);
    expect(logged.stack).toContain(`No subject with NHS number ${REDACTED}`);
    expect(logged.stack).toContain('log-formatter.test.ts');
    expect(typeof logged.location).toBe('string');
    expect(allText()).not.toContain('4857773456');
    expect(allText()).not.toContain('jo@school.example');
  });

  it('redacts causes and the fields an SDK error carries (a returned item, say)', () => {
    const cause = new Error('postcode NR1 1AA rejected');
    const error = Object.assign(new Error('The conditional request failed', { cause }), {
      name: 'ConditionalCheckFailedException',
      $metadata: { httpStatusCode: 400, requestId: 'ABC' },
      Item: { subjects: { L: [{ M: { firstName: { S: 'Markername-Qwx' } } }] } },
      details: { firstName: 'Markername-Qwx' },
    });
    newLogger().error('write failed', { error });
    const logged = onlyLine().error as Record<string, unknown>;
    expect(logged).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400, requestId: 'ABC' },
      Item: REDACTED,
      details: REDACTED,
      cause: { name: 'Error', message: `postcode ${REDACTED} rejected` },
    });
    expect(allText()).not.toContain('Markername-Qwx');
    expect(allText()).not.toContain('NR1 1AA');
  });

  it('redacts a JSON.parse error that quotes the body', () => {
    let parseError: unknown;
    try {
      JSON.parse('{"firstName": "Markername-Qwx", "nhsNumber": "4857773456", ');
    } catch (error) {
      parseError = error;
    }
    newLogger().error('bad body', parseError as Error);
    expect(allText()).not.toContain('Markername-Qwx');
    expect(allText()).not.toContain('4857773456');
  });

  it('is the same when the error is formatted by the JSON replacer (formatError)', () => {
    const formatter = new RedactingLogFormatter();
    const formatted = formatter.formatError(new Error('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'));
    expect(formatted.message).toBe(`token ${REDACTED}`);
    expect(String(formatted.stack)).not.toContain('eyJ');
  });
});

describe('the raw event', () => {
  const event = apiGatewayEvent({ subjects: [{ firstName: 'Markername-Qwx', nhsNumber: '4857773456' }] });

  it('is never written when the middleware logs the event', async () => {
    const log = newLogger();
    const handler = middy(async () => ({ statusCode: 200 })).use(
      injectLambdaContext(log, { logEvent: true, resetKeys: true }),
    );
    await handler(event, context);
    const line = onlyLine();
    expect(line.message).toBe('Lambda invocation event');
    expect(line.event).toBe(REDACTED_EVENT);
    for (const secret of ['Markername-Qwx', '4857773456', 'receipt-token-value', 'eyJ', 'mash_session=abc'])
      expect(allText()).not.toContain(secret);
  });

  it('is never written under another key either, nor an SQS event', () => {
    newLogger().info('debugging', {
      incoming: event,
      batch: { Records: [{ messageId: 'm-1', body: '{"kind":"request","id":"x"}' }] },
    });
    expect(onlyLine()).toMatchObject({ incoming: REDACTED_EVENT, batch: REDACTED_EVENT });
    expect(allText()).not.toContain('Markername-Qwx');
  });
});

describe('awkward values', () => {
  it('survives circular references, bytes, Maps, Sets, dates and bigints', () => {
    const loop: Record<string, unknown> = { id: 'x' };
    loop.self = loop;
    newLogger().info('awkward', {
      loop,
      bytes: Buffer.from('{"firstName":"Markername-Qwx"}'),
      map: new Map([['email', 'jo@school.example']]),
      set: new Set(['NR1 1AA']),
      when: new Date('2026-05-18T09:00:00.000Z'),
      big: 4857773456n,
    });
    const line = onlyLine();
    expect(line).toMatchObject({
      loop: { id: 'x', self: '[circular]' },
      bytes: '[binary]',
      map: { email: REDACTED },
      set: [REDACTED],
      when: '2026-05-18T09:00:00.000Z',
      big: REDACTED,
    });
    expect(allText()).not.toContain('Markername-Qwx');
  });

  it('writes the same object twice when it is not a cycle', () => {
    const shared = { kind: 'request' };
    newLogger().info('twice', { a: shared, b: shared });
    expect(onlyLine()).toMatchObject({ a: { kind: 'request' }, b: { kind: 'request' } });
  });

  it('redacts appended (persistent) keys too', () => {
    const log = newLogger();
    log.appendKeys({ referrer: { name: 'Sam Teacher' }, caseId: 'abc' });
    log.debug('with keys');
    expect(onlyLine()).toMatchObject({ referrer: REDACTED, caseId: 'abc' });
  });
});
