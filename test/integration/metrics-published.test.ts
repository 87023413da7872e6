/**
 * Metrics are published by every invocation, and every log line carries its invocation's request id.
 * The handlers run in this process (the local hub), so what they write to stdout is what CloudWatch
 * Logs would receive on AWS: an EMF record (`_aws.CloudWatchMetrics`) becomes a metric there. The
 * record must be written by the invocation that counted it, before its response, not at process exit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestHub } from '../helpers/hub.ts';
import { type CapturedOutput, captureOutput } from '../helpers/output.ts';
import { FormClient, getPage } from '../helpers/pages.ts';
import { validReferral } from '../helpers/referrals.ts';

let output: CapturedOutput;
let hub: TestHub;

/** Every JSON object written since `from` (an index into `output.chunks`), one per line. */
function recordsSince(from: number): Array<Record<string, unknown>> {
  return output.chunks
    .slice(from)
    .join('')
    .split('\n')
    .flatMap((line) => {
      if (!line.trim().startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

interface EmfRecord {
  _aws: {
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }>;
  };
  [key: string]: unknown;
}

const isEmf = (record: Record<string, unknown>): record is EmfRecord =>
  Array.isArray((record._aws as EmfRecord['_aws'] | undefined)?.CloudWatchMetrics);

const metricNames = (record: EmfRecord) =>
  record._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));

const savedLogEvent = process.env.POWERTOOLS_LOGGER_LOG_EVENT;

beforeAll(async () => {
  // The pages write no line of their own on a good request; with the event logged (as the redacting
  // formatter writes it: "[redacted event]") every invocation writes one, under the logger's context.
  // Read by the logger when it is built, so before anything imports it.
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  output = captureOutput();
  const { startTestHub } = await import('../helpers/hub.ts');
  hub = await startTestHub({ quiet: false });
});

afterAll(async () => {
  await hub?.stop();
  output?.restore();
  if (savedLogEvent === undefined) delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
  else process.env.POWERTOOLS_LOGGER_LOG_EVENT = savedLogEvent;
});

describe('metrics published by every invocation', () => {
  it('writes the EMF record for ReferralReceived before the referral is answered', async () => {
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const from = output.chunks.length;
      const created = await hub.api('POST', '/api/referrals', { body: validReferral() });
      expect(created.status).toBe(201);

      const emf = recordsSince(from).filter(isEmf);
      const received = emf.filter((record) => metricNames(record).includes('ReferralReceived'));
      // Exactly one record per referral: each invocation flushes what it counted, and only that.
      expect(received, `attempt ${attempt}`).toHaveLength(1);
      const [record] = received as [EmfRecord];
      expect(record.ReferralReceived).toBe(1);
      expect(record.service).toBe('mash-intake');
      const [directive] = record._aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe('Mash');
      expect(directive?.Dimensions.flat()).toContain('service');

      // The first invocation of the function is its cold start, counted by function name.
      const coldStarts = emf.filter((item) => metricNames(item).includes('ColdStart'));
      if (attempt === 1) {
        expect(coldStarts).toHaveLength(1);
        expect(coldStarts[0]).toMatchObject({ function_name: 'mash-intake', service: 'mash-intake' });
      } else {
        expect(coldStarts).toHaveLength(0);
      }
    }
  });

  it('counts a referral sent through the form under the pages function', async () => {
    const form = new FormClient(hub.url);
    const steps: Array<[string, Record<string, string | string[]>]> = [
      ['/refer', { immediateDanger: 'no' }],
      ['/refer/social-worker', { existingSocialWorker: 'no' }],
      [
        '/refer/your-details',
        { source: '1A', name: 'Sam Jones', relationship: 'Aunt', phone: '01632 960000' },
      ],
      ['/refer/person/new', { type: 'child', firstName: 'Alex', lastName: 'Jones' }],
      ['/refer/people', { addAnother: 'no' }],
      ['/refer/household', { addMember: 'no' }],
      ['/refer/consent', { parentsAware: 'yes', consentGiven: 'yes', consentFrom: 'Mother' }],
      [
        '/refer/concern',
        { categories: ['missing'], summary: 'Not at school', details: 'Missing for a week' },
      ],
    ];
    for (const [path, fields] of steps) {
      const response = await form.submit(path, fields);
      expect(response.status, `POST ${path}`).toBe(303);
    }
    const check = await form.request('GET', '/refer/check-answers');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(check.text)![1]!;
    const from = output.chunks.length;
    expect((await form.request('POST', '/refer/check-answers', { _csrf: csrf })).status).toBe(303);
    const received = recordsSince(from)
      .filter(isEmf)
      .filter((record) => metricNames(record).includes('ReferralReceived'));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ ReferralReceived: 1, service: 'mash-pages' });
  });

  it('publishes nothing, and warns of nothing, for an invocation that counted nothing', async () => {
    await getPage(hub.url, '/'); // the pages function's cold start is behind us
    const from = output.chunks.length;
    const start = await getPage(hub.url, '/');
    expect(start.status).toBe(200);
    const records = recordsSince(from);
    expect(records.filter(isEmf)).toEqual([]);
    expect(output.chunks.slice(from).join('')).not.toContain('No application metrics to publish');
  });

  it("logs a page request's lines with the invocation's request id", async () => {
    const from = output.chunks.length;
    const page = await getPage(hub.url, '/refer');
    expect(page.status).toBeLessThan(400);
    const lines = recordsSince(from).filter((record) => record.function_name === 'mash-pages');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.function_request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((line) => line.event === '[redacted event]')).toBe(true);
    // One invocation, one request id.
    expect(new Set(lines.map((line) => line.function_request_id)).size).toBe(1);
  });
});
