/**
 * No personal data in any log line. The whole journey runs through the local hub (API, pages, queues,
 * schedules) with marker values for every kind of personal data, with the logger at DEBUG and the
 * Lambda event logged on every invocation (POWERTOOLS_LOGGER_LOG_EVENT), so every line the handlers
 * can produce is produced; everything written to stdout, stderr and the console is output.chunks, and no
 * marker (nor a token, a receipt token or a session cookie) may appear in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralInput } from '../../src/domain/referral.ts';
import type { TestHub } from '../helpers/hub.ts';
import { type CapturedOutput, captureOutput } from '../helpers/output.ts';
import { FormClient, signIn as signInAs } from '../helpers/pages.ts';
import { validReferral } from '../helpers/referrals.ts';

/** Each must never reach a log line. Unique enough not to turn up by chance. */
const MARKERS = {
  firstName: 'Markername-Qwx',
  lastName: 'Surnamemarker-Zvb',
  otherNames: 'Othername-Jkq',
  nhsNumber: '4857773456',
  nhsNumberSpaced: '485 777 3456',
  dateOfBirth: '2014-07-19',
  referrerName: 'Referrer-Markerqwx',
  referrerEmail: 'marker.referrer.qwx@school.example',
  referrerPhone: '01632 960417',
  addressLine: '17 Markerline-Qwx Road',
  postcode: 'NR9 4QX',
  householdName: 'Householdmarker-Pvd',
  summary: 'SUMMARY-MARKER-qwx',
  details: 'DETAILS-MARKER-qwx',
  seen: 'SEEN-MARKER-qwx',
  said: 'SAID-MARKER-qwx',
  triageRationale: 'TRIAGE-RATIONALE-MARKER-qwx',
  overrideRationale: 'OVERRIDE-RATIONALE-MARKER-qwx',
  questions: 'QUESTIONS-MARKER-qwx',
  policeAnswer: 'AGENCY-ANSWER-MARKER-police-qwx',
  healthAnswer: 'AGENCY-ANSWER-MARKER-health-qwx',
  decisionRationale: 'DECISION-RATIONALE-MARKER-qwx',
  feedbackComment: 'FEEDBACK-COMMENT-MARKER-qwx',
  formFirstName: 'Formchild-Markerqwx',
  formReferrer: 'Formreferrer-Markerqwx',
  formSummary: 'FORM-SUMMARY-MARKER-qwx',
} as const;

/** Secrets seen during the journey (bearer tokens, receipt tokens, session cookies): never logged either. */
const secrets = new Set<string>();

let output: CapturedOutput;
let hub: TestHub;

const savedEnv = {
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL,
  POWERTOOLS_LOGGER_LOG_EVENT: process.env.POWERTOOLS_LOGGER_LOG_EVENT,
};

beforeAll(async () => {
  // Before anything imports the logger: it reads these when it is built.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  output = captureOutput();
  const { startTestHub } = await import('../helpers/hub.ts');
  hub = await startTestHub({ quiet: false });
});

afterAll(async () => {
  await hub?.stop();
  output?.restore();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function markerReferral(): ReferralInput {
  const base = validReferral();
  return {
    ...base,
    referrer: {
      ...base.referrer,
      name: MARKERS.referrerName,
      email: MARKERS.referrerEmail,
      phone: MARKERS.referrerPhone,
    },
    subjects: [
      {
        type: 'child',
        firstName: MARKERS.firstName,
        lastName: MARKERS.lastName,
        otherNames: MARKERS.otherNames,
        dateOfBirth: MARKERS.dateOfBirth,
        nhsNumber: MARKERS.nhsNumber,
        address: { line1: MARKERS.addressLine, town: 'Norwich', postcode: MARKERS.postcode },
      },
    ],
    household: [{ name: MARKERS.householdName, relationship: 'Mother', parentalResponsibility: true }],
    consent: {
      parentsAware: false,
      consentGiven: false,
      reasonIfNot: 'Telling them would put the child at risk',
    },
    concern: {
      categories: ['neglect'],
      summary: MARKERS.summary,
      details: MARKERS.details,
      seen: MARKERS.seen,
      said: MARKERS.said,
    },
  } as ReferralInput;
}

async function token(role: Parameters<TestHub['token']>[0], agency?: Parameters<TestHub['token']>[1]) {
  const value = await hub.token(role, agency);
  secrets.add(value);
  return value;
}

async function settle(): Promise<void> {
  expect((await hub.api('POST', '/_local/settle')).status).toBe(200);
}

/** Signs in on the local sign-in page; the session token is one of the secrets no log line may hold. */
async function signIn(role: string, agency?: string): Promise<string> {
  const cookie = await signInAs(hub.url, role, agency);
  secrets.add(cookie.slice('mash_session='.length));
  return cookie;
}

/** An unsigned token that carries personal data in its claims: refused, and never logged. */
function forgedToken(): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: MARKERS.firstName, email: MARKERS.referrerEmail })}.`;
}

describe('the whole journey, logged at DEBUG with every event', () => {
  let caseId: string;
  let reference: string;
  let receiptToken: string;

  it('runs intake, including invalid, malformed and replayed submissions', async () => {
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-06-08T08:00:00.000Z' } }); // Monday 09:00 London

    const invalid = markerReferral() as unknown as Record<string, unknown>;
    const invalidBody = {
      ...invalid,
      referrer: { ...(invalid.referrer as object), email: `not-an-email ${MARKERS.referrerEmail}x` },
      subjects: [{ type: 'child', firstName: MARKERS.firstName, nhsNumber: `${MARKERS.nhsNumber}99` }],
    };
    const refused = await hub.api('POST', '/api/referrals', { body: invalidBody });
    expect(refused.status).toBe(400);

    const malformed = await hub.api('POST', '/api/referrals', {
      rawBody: `{"subjects":[{"firstName":"${MARKERS.firstName}","nhsNumber":"${MARKERS.nhsNumber}"`,
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);

    const notJson = await hub.api('POST', '/api/referrals', {
      rawBody: `firstName=${MARKERS.firstName}&postcode=${MARKERS.postcode}`,
      headers: { 'content-type': 'text/plain' },
    });
    expect(notJson.status).toBe(415);

    const tooLarge = await hub.api('POST', '/api/referrals', {
      body: { ...markerReferral(), padding: `${MARKERS.details} `.repeat(20_000) },
    });
    expect(tooLarge.status).toBe(413);

    const body = markerReferral();
    const created = await hub.api('POST', '/api/referrals', {
      body,
      headers: { 'Idempotency-Key': 'no-personal-data-in-logs-1' },
    });
    expect(created.status).toBe(201);
    reference = created.json.reference;
    receiptToken = created.json.receiptToken;
    secrets.add(receiptToken);

    const replayed = await hub.api('POST', '/api/referrals', {
      body,
      headers: { 'Idempotency-Key': 'no-personal-data-in-logs-1' },
    });
    expect(replayed.status).toBe(201);
    expect(replayed.json.reference).toBe(reference);

    // The same key with another body: the idempotency layer's error path.
    const reused = await hub.api('POST', '/api/referrals', {
      body: { ...body, concern: { ...body.concern, summary: `${MARKERS.summary} changed` } },
      headers: { 'Idempotency-Key': 'no-personal-data-in-logs-1' },
    });
    expect(reused.status).toBe(409);
  });

  it('runs triage, the consent override, requests, answers and the decision', async () => {
    const mash = await token('mash');
    const manager = await token('manager');
    const police = await token('agency', 'police');
    const health = await token('agency', 'health');
    const csc = await token('agency', 'childrens-social-care');

    // A token with personal data in its claims, refused.
    const forged = forgedToken();
    secrets.add(forged);
    expect((await hub.api('GET', '/api/cases', { token: forged })).status).toBe(401);

    const list = await hub.api('GET', '/api/cases?limit=500', { token: mash });
    caseId = list.json.items.find((item: { reference: string }) => item.reference === reference).id;
    expect((await hub.api('GET', `/api/cases/${caseId}`, { token: mash })).status).toBe(200);

    const rated = await hub.api('POST', `/api/cases/${caseId}/triage`, {
      token: mash,
      body: { rag: 'amber', rationale: MARKERS.triageRationale },
    });
    expect(rated.status).toBe(200);

    const blocked = await hub.api('POST', `/api/cases/${caseId}/information-requests`, {
      token: mash,
      body: { agencies: ['police', 'health'], questions: MARKERS.questions },
    });
    expect(blocked.status).toBe(409);
    const override = await hub.api('POST', `/api/cases/${caseId}/consent-override`, {
      token: manager,
      body: { rationale: MARKERS.overrideRationale },
    });
    expect(override.status).toBe(200);

    const issued = await hub.api('POST', `/api/cases/${caseId}/information-requests`, {
      token: mash,
      body: { agencies: ['police', 'health'], questions: MARKERS.questions },
    });
    expect(issued.status).toBe(202);
    await settle();
    const requestOf = (agency: string) =>
      issued.json.requests.find((request: { agency: string }) => request.agency === agency).id as string;

    expect((await hub.api('GET', '/api/agency/requests', { token: police })).status).toBe(200);
    expect(
      (await hub.api('GET', `/api/agency/requests/${requestOf('police')}`, { token: police })).status,
    ).toBe(200);
    const policeAnswer = await hub.api('POST', `/api/agency/requests/${requestOf('police')}/response`, {
      token: police,
      body: { information: MARKERS.policeAnswer, releasable: true },
    });
    expect(policeAnswer.status).toBe(200);
    const healthAnswer = await hub.api('POST', `/api/agency/requests/${requestOf('health')}/response`, {
      token: health,
      body: { information: MARKERS.healthAnswer, releasable: false },
    });
    expect(healthAnswer.status).toBe(200);

    const decided = await hub.api('POST', `/api/cases/${caseId}/decision`, {
      token: mash,
      body: {
        outcome: 'S17_ASSESSMENT',
        rationale: MARKERS.decisionRationale,
        recipientAgency: 'childrens-social-care',
      },
    });
    expect(decided.status).toBe(200);
    await settle();
    const products = await hub.api('GET', '/api/agency/products', { token: csc });
    expect(JSON.stringify(products.json)).toContain(MARKERS.policeAnswer); // the data did flow
    expect((await hub.api('GET', `/api/cases/${caseId}/audit`, { token: manager })).status).toBe(200);
  });

  it('runs the referrer side: status check and feedback, right and wrong', async () => {
    const status = await hub.api('GET', `/api/referrals/${reference}/status?token=${receiptToken}`);
    expect(status.status).toBe(200);
    expect(status.json.status).toBe('decided');
    const feedback = await hub.api('POST', '/api/feedback', {
      body: { reference, receiptToken, helpful: true, rating: 4, comment: MARKERS.feedbackComment },
    });
    expect(feedback.status).toBe(201);
    const wrong = await hub.api('POST', '/api/feedback', {
      body: {
        reference,
        receiptToken: `${receiptToken}x`,
        helpful: false,
        comment: `${MARKERS.feedbackComment} ${MARKERS.referrerEmail}`,
      },
    });
    expect(wrong.status).toBe(404);
  });

  it('hits the error paths: a forged cursor, and a poison message carrying personal data', async () => {
    const mash = await token('mash');
    const cursor = Buffer.from(
      JSON.stringify({ dueListPk: 'CASES', firstName: MARKERS.firstName, nhsNumber: MARKERS.nhsNumber }),
    ).toString('base64url');
    const response = await hub.api('GET', `/api/cases?cursor=${cursor}`, { token: mash });
    expect(response.status).toBe(400);
    expect(response.text).not.toContain(MARKERS.firstName);

    // A message the consumer cannot process fails alone and is logged as a failure: without its body.
    const { GetQueueUrlCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const { informationRequestQueue } = await import('../../src/resources.ts');
    const { QueueUrl } = await hub.sqs.send(
      new GetQueueUrlCommand({ QueueName: informationRequestQueue.localName }),
    );
    await hub.sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify({ kind: 'request', id: MARKERS.firstName, nhsNumber: MARKERS.nhsNumber }),
      }),
    );
    await expect
      .poll(() => capturedLines().some((line) => line.includes('"message":"records not delivered"')), {
        timeout: 10_000,
        interval: 100,
      })
      .toBe(true);
  });

  it('renders the staff pages and runs the referral and feedback forms', async () => {
    const mashCookie = await signIn('mash');
    for (const path of ['/workbench', `/workbench/cases/${caseId}`]) {
      const response = await fetch(`${hub.url}${path}`, {
        headers: { cookie: mashCookie },
        redirect: 'manual',
      });
      expect(response.status, path).toBe(200);
      const html = await response.text();
      if (path !== '/workbench') expect(html).toContain(MARKERS.firstName); // the page did show it
    }
    const policeCookie = await signIn('agency', 'police');
    const portal = await fetch(`${hub.url}/agency`, {
      headers: { cookie: policeCookie },
      redirect: 'manual',
    });
    expect(portal.status).toBe(200);

    const form = new FormClient(hub.url, (_name, value) => secrets.add(value));
    expect((await form.request('POST', '/refer', { immediateDanger: 'no' })).status).toBe(403); // no CSRF token
    const steps: Array<[string, Record<string, string | string[]>]> = [
      ['/refer', { immediateDanger: 'no' }],
      ['/refer/social-worker', { existingSocialWorker: 'no' }],
      [
        '/refer/your-details',
        { source: '1A', name: MARKERS.formReferrer, relationship: 'Aunt', phone: MARKERS.referrerPhone },
      ],
      [
        '/refer/person/new',
        {
          type: 'child',
          firstName: MARKERS.formFirstName,
          lastName: MARKERS.lastName,
          nhsNumber: MARKERS.nhsNumberSpaced,
        },
      ],
      ['/refer/people', { addAnother: 'no' }],
      ['/refer/household', { addMember: 'no' }],
      ['/refer/consent', { parentsAware: 'yes', consentGiven: 'yes', consentFrom: MARKERS.householdName }],
      ['/refer/concern', { categories: ['missing'], summary: MARKERS.formSummary, details: MARKERS.details }],
    ];
    for (const [path, fields] of steps) {
      const response = await form.submit(path, fields);
      expect(response.status, `POST ${path}`).toBe(303);
    }
    const check = await form.request('GET', '/refer/check-answers');
    expect(check.status).toBe(200);
    expect(check.text).toContain(MARKERS.formFirstName);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(check.text)![1]!;
    expect((await form.request('POST', '/refer/check-answers', { _csrf: csrf })).status).toBe(303);
    // Too large a form: the 413 page.
    const huge = await form.request('POST', '/refer/concern', {
      _csrf: csrf,
      details: `${MARKERS.details} `.repeat(20_000),
    });
    expect(huge.status).toBe(413);

    const feedbackForm = new FormClient(hub.url, (_name, value) => secrets.add(value));
    const sent = await feedbackForm.submit('/feedback', {
      reference,
      receiptToken: `${receiptToken}-wrong`,
      helpful: 'no',
      comment: `${MARKERS.feedbackComment} ${MARKERS.postcode}`,
    });
    expect(sent.status).toBe(200); // shown again with "no referral matches"
  });

  it('runs the monthly export, the delivery sweeper, and a refused export', async () => {
    const monthly = await hub.api('POST', '/_local/schedules/metrics-monthly/run?periodId=2026-06');
    expect(monthly.status).toBe(200);
    expect((await hub.api('POST', '/_local/schedules/delivery-sweeper/run')).status).toBe(200);
    expect((await hub.api('POST', '/_local/schedules/metrics-monthly/run?periodId=2026-13')).status).toBe(
      400,
    );
    const board = await token('board');
    expect((await hub.api('GET', '/api/reports', { token: board })).status).toBe(200);
  });

  const capturedLines = () =>
    output.chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');

  it('wrote no personal data, token or cookie to any line', () => {
    const forbidden = [...Object.values(MARKERS), ...secrets];
    const leaks: string[] = [];
    for (const line of capturedLines()) {
      const lower = line.toLowerCase();
      for (const marker of forbidden) {
        if (lower.includes(marker.toLowerCase()))
          leaks.push(`${marker.slice(0, 24)}… in: ${line.slice(0, 400)}`);
      }
      // The NHS number re-spaced or split by escaping would still be personal data.
      if (/4\D?8\D?5\D?7\D?7\D?7\D?3\D?4\D?5\D?6/.test(line))
        leaks.push(`NHS number in: ${line.slice(0, 400)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('did write log lines (the check above is not vacuous)', () => {
    const lines = capturedLines();
    const powertools = lines.filter((line) => line.includes('"service":"mash"'));
    expect(lines.length).toBeGreaterThan(50);
    expect(powertools.length).toBeGreaterThan(20);
    // Every API and queue invocation offered its event to the logger, which wrote it redacted.
    const events = powertools.filter((line) => line.includes('"message":"Lambda invocation event"'));
    expect(events.length).toBeGreaterThan(20);
    for (const line of events) expect(JSON.parse(line).event).toBe('[redacted event]');
    // The failure path was taken and logged.
    expect(powertools.some((line) => /"level":"(ERROR|WARN)"/.test(line))).toBe(true);
    expect(powertools.some((line) => line.includes('"message":"export written"'))).toBe(true);
    expect(lines.some((line) => line.startsWith('[hub] POST /api/referrals'))).toBe(true);
  });
});
