/**
 * The local hub itself: emulators provisioned from src/resources.ts, the local-only endpoints, the
 * API Gateway adapter, the queue poller with its dead-letter queue, the scheduler, persistence, and
 * that nothing it starts outlives it or listens beyond 127.0.0.1.
 *
 * Handlers here are in-memory fakes passed to the hub, so this suite tests the hub, not the functions.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalClients } from '../../local/aws-clients.ts';
import { FunctionRegistry } from '../../local/function-registry.ts';
import { createRequestListener } from '../../local/http-server.ts';
import { InvocationTimeoutError, invokeHandler } from '../../local/lambda-context.ts';
import { createSigningKey } from '../../local/local-auth.ts';
import { createHubLog } from '../../local/log.ts';
import { projectRoot } from '../../local/project.ts';
import { provision } from '../../local/provision.ts';
import { reapOrphans } from '../../local/runtime-file.ts';
import { nextRunAfter, parseEventBridgeCron } from '../../local/scheduler.ts';
import { createTokenVerifier, verifierConfigFromEnv } from '../../src/auth/tokens.ts';
import { hubClock } from '../../src/platform/clock.ts';
import {
  caseTable,
  functions,
  informationRequestQueue,
  queues,
  reportsBucket,
  schedules,
  tables,
} from '../../src/resources.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

// ---- Fake handlers --------------------------------------------------------------------------------

/** Stands in for the intake function: echoes the event and context it was given. */
async function echoHandler(event: unknown, context: Context) {
  const request = event as APIGatewayProxyEvent;
  const reference = request.pathParameters?.reference;
  if (request.body?.includes('explode')) throw new Error('secret internal detail: table mash-cases');
  if (reference === 'malformed') return { statusCode: 'two hundred' };
  if (reference === 'binary') {
    return {
      statusCode: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    };
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'X-Single': 'one', 'Set-Cookie': 'lost=1' },
    multiValueHeaders: { 'Set-Cookie': ['first=1; Path=/', 'second=2; Path=/'] },
    body: JSON.stringify({
      event: request,
      context: {
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        awsRequestId: context.awsRequestId,
        logGroupName: context.logGroupName,
        remaining: context.getRemainingTimeInMillis(),
      },
    }),
  };
}

const consumed: SQSRecord[] = [];
/** Stands in for agency-inbox: fails the messages that ask to. */
async function fakeConsumer(event: unknown): Promise<SQSBatchResponse> {
  const { Records } = event as SQSEvent;
  consumed.push(...Records);
  const bodies = Records.map((record) => JSON.parse(record.body) as { fail?: boolean; throw?: boolean });
  if (bodies.some((body) => body.throw)) throw new Error('consumer crashed');
  return {
    batchItemFailures: Records.filter((_, i) => bodies[i]!.fail).map((record) => ({
      itemIdentifier: record.messageId,
    })),
  };
}

const metricsEvents: Array<Record<string, string>> = [];
async function fakeMetrics(event: unknown) {
  metricsEvents.push(event as Record<string, string>);
  return { exported: event };
}

// ---- Helpers -------------------------------------------------------------------------------------

/** Processes (other than this one) whose command line carries this process's hub marker. */
function hubChildrenOf(hubPid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.some((arg) => arg === `-Dmash.hub=${hubPid}` || arg === `--mash-hub=${hubPid}`))
        pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

/** Local addresses listening on a port, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) addresses.push(local.split(':')[0]!);
    }
  }
  return addresses;
}
const IPV4_LOOPBACK = '0100007F';
const IPV6_LOOPBACKS = new Set(['00000000000000000000000001000000', '0000000000000000FFFF00000100007F']);

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

// ---- The shared hub ------------------------------------------------------------------------------

const VISIBILITY_FOR_TESTS = 1;
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({
    handlers: { intake: echoHandler, 'agency-inbox': fakeConsumer, metrics: fakeMetrics },
    queueVisibilityTimeoutSeconds: VISIBILITY_FOR_TESTS,
    // Shorter than the retries of a failing message (3 receives, 1 s apart), so a 503 is observable.
    settleTimeoutMs: 2000,
  });
});
afterAll(async () => {
  await hub?.stop();
});

describe('starting', () => {
  it('answers /health with 200 once ready', async () => {
    const response = await hub.api('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
  });

  it('listens on 127.0.0.1 only: the HTTP server, DynamoDB Local and fauxqs', () => {
    for (const url of [hub.url, hub.dynamodbEndpoint, hub.sqsEndpoint]) {
      const addresses = listeningAddresses(Number(new URL(url).port));
      expect(addresses.length, url).toBeGreaterThan(0);
      for (const address of addresses) {
        expect(address === IPV4_LOOPBACK || IPV6_LOOPBACKS.has(address), `${url} listens on ${address}`).toBe(
          true,
        );
      }
    }
  });

  it('creates every table with its keys, indexes and TTL', async () => {
    for (const table of tables) {
      const { Table } = await hub.dynamodb.send(new DescribeTableCommand({ TableName: table.localName }));
      expect(Table?.KeySchema?.[0]).toEqual({ AttributeName: table.partitionKey.name, KeyType: 'HASH' });
      const indexNames = (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort();
      expect(indexNames).toEqual(table.indexes.map((index) => index.indexName).sort());
      const ttl = await hub.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: table.localName }));
      expect(ttl.TimeToLiveDescription).toMatchObject({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: table.timeToLiveAttribute,
      });
    }
  });

  it('creates every queue with its dead-letter queue, redrive policy, and the reports bucket', async () => {
    for (const queue of queues) {
      const { QueueUrl } = await hub.sqs.send(new GetQueueUrlCommand({ QueueName: queue.localName }));
      const { QueueUrl: dlqUrl } = await hub.sqs.send(
        new GetQueueUrlCommand({ QueueName: queue.deadLetter.localName }),
      );
      const dlq = await hub.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['All'] }),
      );
      const main = await hub.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
      expect(JSON.parse(main.Attributes!.RedrivePolicy!)).toMatchObject({
        deadLetterTargetArn: dlq.Attributes!.QueueArn,
        maxReceiveCount: queue.maxReceiveCount,
      });
      expect(main.Attributes!.VisibilityTimeout).toBe(String(VISIBILITY_FOR_TESTS));
      expect(dlq.Attributes!.MessageRetentionPeriod).toBe(String(queue.deadLetter.retentionDays * 86400));
      expect(process.env[queue.envVar]).toBe(`${hub.sqsEndpoint}/000000000000/${queue.localName}`);
    }
    await hub.s3.send(new HeadBucketCommand({ Bucket: reportsBucket.localName }));
  });

  it('sets the handler environment from src/resources.ts', () => {
    for (const table of tables) expect(process.env[table.envVar]).toBe(table.localName);
    expect(process.env[reportsBucket.envVar]).toBe(reportsBucket.localName);
    expect(process.env).toMatchObject({
      AWS_REGION: 'eu-west-2',
      AWS_ENDPOINT_URL_DYNAMODB: hub.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: hub.sqsEndpoint,
      AWS_ENDPOINT_URL_S3: hub.s3Endpoint,
      POWERTOOLS_SERVICE_NAME: 'mash',
      POWERTOOLS_METRICS_NAMESPACE: 'Mash',
      MASH_RUNTIME: 'local',
      AUTH_AUDIENCE: 'mash-local-hub',
    });
    expect(process.env.POWERTOOLS_DEV).toBeUndefined();
    expect(process.env.AUTH_ISSUER).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_local\/issuer$/);
  });

  it('provisioning again is a no-op', async () => {
    const clients = createLocalClients({
      region: 'eu-west-2',
      dynamodbEndpoint: hub.dynamodbEndpoint,
      sqsEndpoint: hub.sqsEndpoint,
      s3Endpoint: hub.s3Endpoint,
    });
    try {
      const again = await provision(clients, {
        sqsEndpoint: hub.sqsEndpoint,
        visibilityTimeoutSeconds: VISIBILITY_FOR_TESTS,
      });
      expect(again.actions).toEqual([]);
    } finally {
      clients.destroy();
    }
  });
});

describe('POST /_local/token', () => {
  it('issues a token the handlers’ verifier accepts, with the right principal', async () => {
    const verify = createTokenVerifier(verifierConfigFromEnv(), hubClock);
    expect(await verify(await hub.token('agency', 'police'))).toEqual({
      sub: 'local-agency',
      roles: ['agency'],
      agency: 'police',
    });
    expect(await verify(await hub.token('manager', undefined, 'jo.bloggs'))).toEqual({
      sub: 'jo.bloggs',
      roles: ['manager'],
    });
  });

  it('publishes the public key where a Cognito issuer would', async () => {
    const jwks = await hub.api('GET', '/_local/issuer/.well-known/jwks.json');
    expect(jwks.json).toEqual(JSON.parse(process.env.AUTH_JWKS!));
    expect(jwks.json.keys[0]).toMatchObject({ kty: 'RSA', kid: expect.any(String) });
    expect(jwks.json.keys[0].d).toBeUndefined();
  });

  it('carries kid, issuer, audience and Cognito claims, and outlives a clock shift of months', async () => {
    const token = await hub.token('mash');
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(payload).toMatchObject({
      iss: process.env.AUTH_ISSUER,
      aud: 'mash-local-hub',
      sub: 'local-mash',
      token_use: 'id',
      'cognito:groups': ['mash'],
    });
    expect(payload.exp - payload.iat).toBe(366 * 24 * 60 * 60);
    await hub.api('PUT', '/_local/clock', {
      body: { now: new Date(Date.now() + 200 * 86400_000).toISOString() },
    });
    try {
      const verify = createTokenVerifier(verifierConfigFromEnv(), hubClock);
      await expect(verify(token)).resolves.toMatchObject({ roles: ['mash'] });
    } finally {
      await hub.api('DELETE', '/_local/clock');
    }
  });

  it('answers 400 with details for a bad role, a missing or unknown agency', async () => {
    const badRole = await hub.api('POST', '/_local/token', { body: { role: 'admin' } });
    expect(badRole.status).toBe(400);
    expect(badRole.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'role' }] });
    const noAgency = await hub.api('POST', '/_local/token', { body: { role: 'agency' } });
    expect(noAgency.json.error.details).toEqual([expect.objectContaining({ path: 'agency' })]);
    const unknownAgency = await hub.api('POST', '/_local/token', { body: { role: 'agency', agency: 'mi5' } });
    expect(unknownAgency.status).toBe(400);
    const notJson = await hub.api('POST', '/_local/token', { rawBody: '{"role":' });
    expect(notJson.status).toBe(400);
  });
});

describe('the clock', () => {
  it('is set for handlers, runs on from there, and resets to real time', async () => {
    // The clock runs on from the instant set: every reading is that instant plus at most the real time
    // that has passed since the request was sent (however slow the machine), never less.
    const instant = Date.parse('2026-11-02T06:00:00.000Z');
    const sent = Date.now();
    const set = await hub.api('PUT', '/_local/clock', { body: { now: '2026-11-02T06:00:00.000Z' } });
    expect(set.status).toBe(200);
    const ranOn = (reading: string | Date) => new Date(reading).getTime() - instant;
    expect(ranOn(set.json.now)).toBeGreaterThanOrEqual(0);
    expect(ranOn(set.json.now)).toBeLessThanOrEqual(Date.now() - sent);
    const read = await hub.api('GET', '/_local/clock');
    expect(ranOn(read.json.now)).toBeGreaterThanOrEqual(ranOn(set.json.now));
    expect(ranOn(read.json.now)).toBeLessThanOrEqual(Date.now() - sent);
    expect(ranOn(hubClock.now())).toBeGreaterThanOrEqual(ranOn(read.json.now));
    expect(ranOn(hubClock.now())).toBeLessThanOrEqual(Date.now() - sent);

    const before = Date.now();
    const reset = await hub.api('DELETE', '/_local/clock');
    expect(reset.status).toBe(200);
    expect(Date.parse(reset.json.now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(reset.json.now)).toBeLessThanOrEqual(Date.now());
  });

  it('answers 400 for something that is not an instant', async () => {
    for (const now of ['yesterday', '2026-13-45T00:00:00Z', '2026-11-02T06:00:00', 42]) {
      const response = await hub.api('PUT', '/_local/clock', { body: { now } });
      expect(response.status, String(now)).toBe(400);
      expect(response.json.error.details[0].path).toBe('now');
    }
  });
});

describe('routing and the API Gateway adapter', () => {
  it('answers 404 in the error shape for unknown routes, and 405 for a wrong method', async () => {
    for (const path of ['/api/nothing-here', '/no-such-page', '/_local/nothing']) {
      const response = await hub.api('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.json.error.code).toBe('NOT_FOUND');
    }
    const wrongMethod = await hub.api('DELETE', '/api/referrals');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    for (const [method, path, allow] of [
      ['PUT', '/refer/your-details', 'GET, HEAD, POST'],
      ['POST', '/board', 'GET, HEAD'],
      ['DELETE', '/api/cases/x', 'GET, HEAD'],
      ['GET', '/_local/settle', 'POST'],
    ] as const) {
      const response = await hub.api(method, path);
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
  });

  it('answers 413 for a body over 256 KiB, declared or streamed', async () => {
    const big = JSON.stringify({ concern: 'x'.repeat(300 * 1024) });
    const declared = await hub.api('POST', '/api/referrals', {
      rawBody: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    expect(declared.json.error.code).toBe('PAYLOAD_TOO_LARGE');

    const chunks = Array.from({ length: 30 }, () => new TextEncoder().encode('y'.repeat(10 * 1024)));
    const streamed = await fetch(`${hub.url}/api/referrals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);

    const local = await hub.api('POST', '/_local/token', { rawBody: big });
    expect(local.status).toBe(413);
    expect((await hub.api('GET', '/health')).status).toBe(200);
  });

  it('builds the REST proxy event API Gateway would', async () => {
    const response = await hub.api('GET', '/api/referrals/MASH-2026-0001/status?token=abc&x=1&x=2', {
      headers: { 'X-Custom-Header': 'kept' },
    });
    expect(response.status).toBe(200);
    const { event, context } = response.json;
    expect(event).toMatchObject({
      resource: '/api/referrals/{reference}/status',
      path: '/api/referrals/MASH-2026-0001/status',
      httpMethod: 'GET',
      queryStringParameters: { token: 'abc', x: '2' },
      multiValueQueryStringParameters: { token: ['abc'], x: ['1', '2'] },
      pathParameters: { reference: 'MASH-2026-0001' },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: {
        resourcePath: '/api/referrals/{reference}/status',
        httpMethod: 'GET',
        stage: 'local',
        identity: { sourceIp: '127.0.0.1' },
        authorizer: null,
      },
    });
    expect(event.headers['X-Custom-Header'] ?? event.headers['x-custom-header']).toBe('kept');
    expect(event.multiValueHeaders['X-Custom-Header'] ?? event.multiValueHeaders['x-custom-header']).toEqual([
      'kept',
    ]);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(event.requestContext.requestTimeEpoch - Date.now())).toBeLessThan(5000);
    expect(context).toMatchObject({
      functionName: 'mash-intake',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:mash-intake',
      memoryLimitInMB: String(functions.intake.memoryMB),
      logGroupName: '/aws/lambda/mash-intake',
    });
    expect(context.remaining).toBeGreaterThan(0);
    expect(context.remaining).toBeLessThanOrEqual(10_000);
  });

  it('passes text bodies as strings and other bodies base64-encoded', async () => {
    const json = await hub.api('POST', '/api/referrals', { body: { hello: 'world' } });
    expect(json.json.event).toMatchObject({ body: '{"hello":"world"}', isBase64Encoded: false });
    const binary = await hub.api('POST', '/api/referrals', {
      rawBody: new Uint8Array([0, 159, 146, 150]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(binary.json.event).toMatchObject({ body: 'AJ+Slg==', isBase64Encoded: true });
  });

  it('writes headers, every Set-Cookie of multiValueHeaders, and decodes base64 bodies', async () => {
    const response = await hub.api('GET', '/api/referrals/MASH-1/status');
    expect(response.headers.get('x-single')).toBe('one');
    expect(response.headers.getSetCookie()).toEqual(['first=1; Path=/', 'second=2; Path=/']);
    const binary = await fetch(`${hub.url}/api/referrals/binary/status`);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('answers 502 without internals when a handler throws or returns nonsense', async () => {
    const thrown = await hub.api('POST', '/api/referrals', { body: { please: 'explode' } });
    expect(thrown.status).toBe(502);
    expect(thrown.json.error.code).toBe('INTERNAL_ERROR');
    expect(thrown.text).not.toContain('secret');
    expect(thrown.text).not.toContain('mash-cases');
    const malformed = await hub.api('GET', '/api/referrals/malformed/status');
    expect(malformed.status).toBe(502);
    expect(malformed.json.error.code).toBe('INTERNAL_ERROR');
  });

  it('enforces the function timeout', async () => {
    const fn = { name: 'intake', memoryMB: 128, timeoutSeconds: 0.2 } as const;
    await expect(invokeHandler(fn, () => new Promise(() => {}), {})).rejects.toBeInstanceOf(
      InvocationTimeoutError,
    );
    await expect(
      invokeHandler(
        fn,
        (_event, context) => {
          context.succeed({ statusCode: 204 });
        },
        {},
      ),
    ).resolves.toEqual({ statusCode: 204 });
  });
});

describe('GET and POST /_local/sign-in', () => {
  it('renders a form and signs a person in with a session cookie', async () => {
    const page = await hub.api('GET', '/_local/sign-in');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<form method="post" action="/_local/sign-in"');
    expect(page.text).toContain('<label class="govuk-label" for="agency">');

    const signIn = await hub.api('POST', '/_local/sign-in', {
      rawBody: 'role=agency&agency=housing',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/agency');
    const cookie = signIn.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^mash_session=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; SameSite=Lax; Path=\/$/);
    const token = cookie.slice('mash_session='.length).split(';')[0]!;
    const verify = createTokenVerifier(verifierConfigFromEnv(), hubClock);
    expect(await verify(token)).toMatchObject({ roles: ['agency'], agency: 'housing' });

    const board = await hub.api('POST', '/_local/sign-in', {
      rawBody: 'role=board&agency=police',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(board.headers.get('location')).toBe('/board');
  });

  it('shows the form again with errors when no role is picked', async () => {
    const response = await hub.api('POST', '/_local/sign-in', {
      rawBody: 'agency=',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('There is a problem');
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('the queue poller', () => {
  const queueUrl = () => process.env[informationRequestQueue.envVar]!;
  const sent = async (body: object) =>
    (
      await hub.sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl(),
          MessageBody: JSON.stringify(body),
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
        }),
      )
    ).MessageId!;
  const deliveriesOf = (messageId: string) => consumed.filter((record) => record.messageId === messageId);

  it('delivers a message to its consumer in Lambda’s event shape and deletes it', async () => {
    const messageId = await sent({ hello: 'agency' });
    expect((await hub.api('POST', '/_local/settle')).json).toEqual({ settled: true });
    const [record] = deliveriesOf(messageId);
    expect(record).toMatchObject({
      body: '{"hello":"agency"}',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:eu-west-2:000000000000:${informationRequestQueue.localName}`,
      awsRegion: 'eu-west-2',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.any(String) },
      messageAttributes: {
        kind: { stringValue: 'test', dataType: 'String', stringListValues: [], binaryListValues: [] },
      },
      md5OfBody: expect.any(String),
      receiptHandle: expect.any(String),
    });
    const { Attributes } = await hub.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl(),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('moves a message that keeps failing (reported or thrown) to the DLQ after maxReceiveCount receives', async () => {
    const reported = await sent({ fail: true });
    const thrown = await sent({ throw: true });
    const { QueueUrl: dlqUrl } = await hub.sqs.send(
      new GetQueueUrlCommand({ QueueName: informationRequestQueue.deadLetter.localName }),
    );
    const arrived = new Set<string>();
    await waitFor('both messages in the DLQ', async () => {
      const { Messages = [] } = await hub.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) arrived.add(message.MessageId!);
      return arrived.has(reported) && arrived.has(thrown) ? true : undefined;
    });
    for (const messageId of [reported, thrown]) {
      const receiveCounts = deliveriesOf(messageId).map(
        (record) => record.attributes.ApproximateReceiveCount,
      );
      expect(receiveCounts).toEqual(['1', '2', '3'].slice(0, informationRequestQueue.maxReceiveCount));
    }
    expect((await hub.api('POST', '/_local/settle')).status).toBe(200);
  });

  it('answers 503 from /_local/settle while a message is still being retried', async () => {
    await sent({ fail: true });
    const response = await hub.api('POST', '/_local/settle');
    expect(response.status).toBe(503);
    expect(response.json.error.code).toBe('NOT_SETTLED');
    await waitFor('the failing message to reach the DLQ', async () =>
      (await hub.api('POST', '/_local/settle')).status === 200 ? true : undefined,
    );
  });
});

describe('schedules', () => {
  it('converts EventBridge cron and computes London runs across DST', () => {
    expect(parseEventBridgeCron('cron(15 6 * * ? *)').expression).toBe('15 6 * * *');
    expect(parseEventBridgeCron('cron(30 6 ? * MON *)').expression).toBe('30 6 * * MON');
    expect(parseEventBridgeCron('cron(0 9 ? * 2-6 *)').expression).toBe('0 9 * * 1-5');
    expect(() => parseEventBridgeCron('15 6 * * *')).toThrow();
    const daily = schedules.find((s) => s.name === 'metrics-daily')!;
    expect(nextRunAfter(daily, new Date('2026-07-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-07-02T05:15:00.000Z',
    );
    expect(nextRunAfter(daily, new Date('2026-12-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-12-02T06:15:00.000Z',
    );
    const monthly = schedules.find((s) => s.name === 'metrics-monthly')!;
    expect(nextRunAfter(monthly, new Date('2026-10-15T00:00:00Z'))?.toISOString()).toBe(
      '2026-11-01T06:45:00.000Z',
    );
  });

  it('runs a schedule now with its input (and periodId), and 404s an unknown one', async () => {
    const run = await hub.api('POST', '/_local/schedules/metrics-monthly/run?periodId=2026-10');
    expect(run.status).toBe(200);
    expect(run.json).toEqual({
      schedule: 'metrics-monthly',
      result: { exported: { period: 'monthly', periodId: '2026-10' } },
    });
    const plain = await hub.api('POST', '/_local/schedules/metrics-weekly/run');
    expect(plain.json.result).toEqual({ exported: { period: 'weekly' } });
    expect((await hub.api('POST', '/_local/schedules/no-such-job/run')).status).toBe(404);
  });

  it('fires when due on the shifted clock, without a backlog for the time jumped over', async () => {
    metricsEvents.length = 0;
    // A Monday in GMT: the daily export is due at 06:15, the weekly one not until 06:30.
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-11-02T06:14:58.500Z' } });
    try {
      await waitFor(
        'the daily schedule to fire',
        async () => (metricsEvents.length > 0 ? true : undefined),
        6000,
      );
      // A backlog would have fired at the shift, before the daily run; a second daily run would need
      // another tick of the scheduler (one a second). Wait until the hub's clock shows two more ticks
      // have passed since the run was due, then there must still be exactly the one run.
      await waitFor('two scheduler ticks after 06:15', async () => {
        const now = (await hub.api('GET', '/_local/clock')).json.now as string;
        return now >= '2026-11-02T06:15:02.000Z' ? true : undefined;
      });
      expect(metricsEvents).toEqual([{ period: 'daily' }]);
    } finally {
      await hub.api('DELETE', '/_local/clock');
    }
  });
});

describe('before it is ready', () => {
  it('answers 503 on /health and everywhere else', async () => {
    const log = createHubLog(true);
    const local = {
      clock: hubClock,
      signingKey: await createSigningKey(),
      issuer: 'http://127.0.0.1/_local/issuer',
      log,
      settleTimeoutMs: 1000,
      basePath: '',
      running: () => undefined,
    };
    const registry = new FunctionRegistry();
    const listener = createRequestListener({
      registry,
      clock: hubClock,
      region: 'eu-west-2',
      log,
      local,
      basePath: '',
      accepting: () => false,
    });
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'starting' });
      for (const [method, path] of [
        ['GET', '/api/cases'],
        ['POST', '/_local/token'],
        ['POST', '/_local/settle'],
      ]) {
        const response = await fetch(`${url}${path}`, { method });
        expect(response.status, path).toBe(503);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('STARTING');
      }
    } finally {
      server.close();
    }
  });
});

describe('orphans of a hub killed with -9', () => {
  it('are ended by the next hub, but only processes that carry our marker', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mash-hub-runtime-'));
    const deadHub = spawn(process.execPath, ['-e', '']);
    await once(deadHub, 'exit');
    const deadPid = deadHub.pid!;
    const idle = ['-e', 'setInterval(() => {}, 1000)', '--'];
    const orphan = spawn(process.execPath, [...idle, `--mash-hub=${deadPid}`], { stdio: 'ignore' });
    const stranger = spawn(process.execPath, idle, { stdio: 'ignore' });
    try {
      // Both children are running with their arguments in place before the runtime file names them.
      for (const child of [orphan, stranger]) {
        await waitFor(`process ${child.pid} to start`, async () => {
          try {
            return readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').includes('setInterval')
              ? true
              : undefined;
          } catch {
            return undefined;
          }
        });
      }
      writeFileSync(
        join(directory, `hub-${deadPid}-3000.json`),
        JSON.stringify({
          hubPid: deadPid,
          port: 3000,
          dataDir: null,
          startedAt: new Date().toISOString(),
          children: [
            { name: 'fauxqs', pid: orphan.pid, marker: `--mash-hub=${deadPid}` },
            { name: 'dynamodb', pid: stranger.pid, marker: `-Dmash.hub=${deadPid}` },
          ],
        }),
      );
      const orphanExited = once(orphan, 'exit');
      expect(await reapOrphans(directory)).toEqual([orphan.pid]);
      await orphanExited;
      expect(stranger.exitCode).toBeNull();
      expect(readdirSync(directory)).toEqual([]);
    } finally {
      orphan.kill('SIGKILL');
      stranger.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('persistence and stopping', () => {
  it('keeps data in MASH_DATA_DIR across a restart, provisions nothing twice, and leaves no child running', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mash-hub-test-'));
    // The shared hub must stop first: one hub per process.
    await hub.stop();
    try {
      const first = await startTestHub({ dataDir });
      const firstChildren = hubChildrenOf(process.pid);
      expect(firstChildren).toHaveLength(2);
      await first.documents.send(
        new PutCommand({
          TableName: caseTable.localName,
          Item: { pk: 'CASE#kept', sk: 'CASE', note: 'survives' },
        }),
      );
      const { QueueUrl } = await first.sqs.send(
        new GetQueueUrlCommand({ QueueName: informationRequestQueue.localName }),
      );
      const { Attributes } = await first.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout'] }),
      );
      expect(Attributes?.VisibilityTimeout).toBe(String(informationRequestQueue.visibilityTimeoutSeconds));
      await first.stop();
      expect(hubChildrenOf(process.pid)).toEqual([]);

      const second = await startTestHub({ dataDir });
      try {
        expect(second.provisioningActions).toEqual([]);
        const { Item } = await second.documents.send(
          new GetCommand({ TableName: caseTable.localName, Key: { pk: 'CASE#kept', sk: 'CASE' } }),
        );
        expect(Item).toMatchObject({ note: 'survives' });
      } finally {
        await second.stop();
      }
      expect(hubChildrenOf(process.pid)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('npm start stops everything on SIGTERM, and its children die with it on SIGKILL', async () => {
    const startCli = async () => {
      const cli = spawn(process.execPath, [join(projectRoot, 'local/start.ts')], {
        env: { ...process.env, PORT: '0', MASH_DATA_DIR: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      cli.stdout.on('data', (chunk) => (output += chunk));
      cli.stderr.on('data', () => {});
      const url = await waitFor(
        'the CLI to print its address',
        async () => /MASH local hub at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1],
      );
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect(hubChildrenOf(cli.pid!)).toHaveLength(2);
      return cli;
    };

    const graceful = await startCli();
    const stoppedAt = Date.now();
    graceful.kill('SIGTERM');
    const [code] = await once(graceful, 'exit');
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(hubChildrenOf(graceful.pid!)).toEqual([]);

    const killed = await startCli();
    killed.kill('SIGKILL');
    await waitFor('the children of a killed hub to exit', async () =>
      hubChildrenOf(killed.pid!).length === 0 ? true : undefined,
    );
  }, 60_000);
});
