/**
 * The hub's workflow through the local hub and its real queues: triage, the consent gate, information
 * requests delivered over SQS to the agency's inbox, answers, the decision and its information product,
 * the referrer's view, and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezeHubClock, startTestHub, submitCase, type TestHub } from '../helpers/hub.ts';

let hub: TestHub;
let mash: string;
let manager: string;
let police: string;
let health: string;
let csc: string;

beforeAll(async () => {
  hub = await startTestHub();
  [mash, manager, police, health, csc] = await Promise.all([
    hub.token('mash'),
    hub.token('manager'),
    hub.token('agency', 'police'),
    hub.token('agency', 'health'),
    hub.token('agency', 'childrens-social-care'),
  ]);
});
afterAll(async () => {
  await hub?.stop();
});

async function settle() {
  const response = await hub.api('POST', '/_local/settle');
  expect(response.status).toBe(200);
}

async function newCase(options: { consentGiven?: boolean; immediateDanger?: boolean; at?: string } = {}) {
  if (options.at) await hub.api('PUT', '/_local/clock', { body: { now: options.at } });
  return submitCase(hub, mash, options);
}

describe('triage', () => {
  it('rates, recomputes the deadline from receipt, keeps the history, and needs a rationale to re-rate', async () => {
    const kase = await newCase({ at: '2026-05-18T09:00:00.000Z' }); // Monday 10:00 London
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-05-18T13:00:00.000Z' } });
    const green = await hub.api('POST', `/api/cases/${kase.id}/triage`, {
      token: mash,
      body: { rag: 'green' },
    });
    expect(green.status).toBe(200);
    expect(green.json).toMatchObject({ rag: 'green', status: 'triaged' });
    // The hub's clock runs on from the instant set, so receipt is 10:00 plus however long the calls took.
    const receivedAt = Date.parse(
      (await hub.api('GET', `/api/cases/${kase.id}`, { token: mash })).json.receivedAt,
    );
    const DAY = 24 * 3600 * 1000;
    expect(Date.parse(green.json.decisionDueAt) - receivedAt).toBe(3 * DAY); // Thursday, same time

    const noReason = await hub.api('POST', `/api/cases/${kase.id}/triage`, {
      token: mash,
      body: { rag: 'amber' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.details[0].path).toBe('rationale');

    const amber = await hub.api('POST', `/api/cases/${kase.id}/triage`, {
      token: mash,
      body: { rag: 'amber', rationale: 'School reports bruising seen today' },
    });
    expect(amber.status).toBe(200);
    expect(Date.parse(amber.json.decisionDueAt) - receivedAt).toBe(DAY); // from receipt, not from now

    const detail = await hub.api('GET', `/api/cases/${kase.id}`, { token: mash });
    expect(detail.json.ratingHistory.map((r: { rag: string }) => r.rag)).toEqual(['green', 'amber']);
  });

  it('is for practitioners only, validates the body, and 404s an unknown case', async () => {
    const kase = await newCase();
    expect(
      (await hub.api('POST', `/api/cases/${kase.id}/triage`, { token: manager, body: { rag: 'red' } }))
        .status,
    ).toBe(403);
    expect((await hub.api('POST', `/api/cases/${kase.id}/triage`, { body: { rag: 'red' } })).status).toBe(
      401,
    );
    const bad = await hub.api('POST', `/api/cases/${kase.id}/triage`, {
      token: mash,
      body: { rag: 'purple' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].path).toBe('rag');
    const unknown = await hub.api('POST', '/api/cases/00000000-0000-4000-8000-000000000000/triage', {
      token: mash,
      body: { rag: 'red' },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('consent gate and information requests', () => {
  it('refuses requests without consent until a manager overrides, then delivers one request per agency', async () => {
    const kase = await newCase({ at: '2026-05-19T14:00:00.000Z' }); // Tuesday 15:00 London, consent not given
    await hub.api('POST', `/api/cases/${kase.id}/triage`, { token: mash, body: { rag: 'amber' } });

    const refused = await hub.api('POST', `/api/cases/${kase.id}/information-requests`, {
      token: mash,
      body: { agencies: ['police', 'health'] },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('CONSENT_REQUIRED');

    expect(
      (
        await hub.api('POST', `/api/cases/${kase.id}/consent-override`, {
          token: mash,
          body: { rationale: 'x' },
        })
      ).status,
    ).toBe(403);
    const noRationale = await hub.api('POST', `/api/cases/${kase.id}/consent-override`, {
      token: manager,
      body: {},
    });
    expect(noRationale.status).toBe(400);
    const override = await hub.api('POST', `/api/cases/${kase.id}/consent-override`, {
      token: manager,
      body: { rationale: 'Telling the parents would put the child at risk of significant harm' },
    });
    expect(override.status).toBe(200);

    const thaw = freezeHubClock('2026-05-19T14:00:00.000Z'); // Tuesday 15:00
    const issued = await hub
      .api('POST', `/api/cases/${kase.id}/information-requests`, {
        token: mash,
        body: { agencies: ['police', 'health'], questions: 'Any contact with the family?' },
      })
      .finally(thaw);
    expect(issued.status).toBe(202);
    expect(issued.json.requests).toHaveLength(2);
    // Amber: 6 working hours from Tuesday 15:00 → Wednesday 12:15.
    for (const request of issued.json.requests) expect(request.dueAt).toBe('2026-05-20T11:15:00.000Z');

    await settle();
    const policeInbox = await hub.api('GET', '/api/agency/requests', { token: police });
    const mine = policeInbox.json.items.filter(
      (item: { caseReference: string }) => item.caseReference === kase.reference,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'open', questions: 'Any contact with the family?' });
    expect(mine[0].subjects[0]).toMatchObject({
      firstName: 'Alex',
      lastName: 'Example',
      dateOfBirth: '2015-03-02',
    });
    expect(JSON.stringify(mine[0])).not.toContain('arrives hungry'); // nothing of the concern itself

    const detail = await hub.api('GET', `/api/cases/${kase.id}`, { token: mash });
    expect(detail.json.status).toBe('gathering');
  });

  it('refuses an unrated case, unknown agencies and duplicates with a clear 4xx', async () => {
    const kase = await newCase({ consentGiven: true });
    const unrated = await hub.api('POST', `/api/cases/${kase.id}/information-requests`, {
      token: mash,
      body: { agencies: ['police'] },
    });
    expect(unrated.status).toBe(409);
    expect(unrated.json.error.code).toBe('NOT_RATED');
    const bad = await hub.api('POST', `/api/cases/${kase.id}/information-requests`, {
      token: mash,
      body: { agencies: ['police', 'police', 'mi5'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toContain('agencies.2');
  });
});

describe('agency answers, decision and the information product', () => {
  it('walks the whole pipeline and keeps the firewall', async () => {
    const kase = await newCase({ consentGiven: true, immediateDanger: true, at: '2026-06-01T09:00:00.000Z' });
    const thaw = freezeHubClock('2026-06-01T09:00:05.000Z');
    const issued = await hub
      .api('POST', `/api/cases/${kase.id}/information-requests`, {
        token: mash,
        body: { agencies: ['police', 'health'] },
      })
      .finally(thaw);
    expect(issued.status).toBe(202);
    // Red: two hours wall-clock from issue.
    for (const request of issued.json.requests) expect(request.dueAt).toBe('2026-06-01T11:00:05.000Z');
    await settle();
    const policeRequest = issued.json.requests.find((r: { agency: string }) => r.agency === 'police');
    const healthRequest = issued.json.requests.find((r: { agency: string }) => r.agency === 'health');

    // Another agency's request is a 404, whether read or answered.
    expect((await hub.api('GET', `/api/agency/requests/${policeRequest.id}`, { token: health })).status).toBe(
      404,
    );
    const wrongAgency = await hub.api('POST', `/api/agency/requests/${policeRequest.id}/response`, {
      token: health,
      body: { information: 'x', releasable: true },
    });
    expect(wrongAgency.status).toBe(404);
    expect((await hub.api('GET', '/api/agency/requests', { token: mash })).status).toBe(403);

    const policeAnswer = await hub.api('POST', `/api/agency/requests/${policeRequest.id}/response`, {
      token: police,
      body: { information: 'Police attended a domestic incident at the address in March.', releasable: true },
    });
    expect(policeAnswer.status).toBe(200);
    expect(policeAnswer.json).toMatchObject({
      status: 'answered',
      answer: { late: false, releasable: true },
    });
    const again = await hub.api('POST', `/api/agency/requests/${policeRequest.id}/response`, {
      token: police,
      body: { information: 'Again', releasable: true },
    });
    expect(again.status).toBe(409);
    expect((await hub.api('GET', `/api/cases/${kase.id}`, { token: mash })).json.status).toBe('gathering');

    // Health answers after the two-hour deadline: recorded as late.
    await hub.api('PUT', '/_local/clock', { body: { now: '2026-06-01T11:30:00.000Z' } });
    const healthAnswer = await hub.api('POST', `/api/agency/requests/${healthRequest.id}/response`, {
      token: health,
      body: { information: 'CONFIDENTIAL-HEALTH-MARKER: GP notes not for release.', releasable: false },
    });
    expect(healthAnswer.json.answer).toMatchObject({ late: true, releasable: false });
    const ready = await hub.api('GET', `/api/cases/${kase.id}`, { token: mash });
    expect(ready.json.status).toBe('ready');
    expect(ready.json.requests.map((r: { status: string }) => r.status)).toEqual(['answered', 'answered']);

    // Police see their own answered request, never health's answer.
    const policeInbox = await hub.api('GET', '/api/agency/requests', { token: police });
    expect(JSON.stringify(policeInbox.json)).not.toContain('CONFIDENTIAL-HEALTH-MARKER');

    const badOutcome = await hub.api('POST', `/api/cases/${kase.id}/decision`, {
      token: mash,
      body: {
        outcome: 'S42_ENQUIRY',
        rationale: 'Adult outcome for a child',
        recipientAgency: 'childrens-social-care',
      },
    });
    expect(badOutcome.status).toBe(400);
    const decided = await hub.api('POST', `/api/cases/${kase.id}/decision`, {
      token: mash,
      body: {
        outcome: 'STRATEGY_DISCUSSION_S47',
        rationale: 'Police information shows a risk of significant harm',
        recipientAgency: 'childrens-social-care',
      },
    });
    expect(decided.status).toBe(200);
    expect(decided.json.decision).toMatchObject({
      outcome: 'STRATEGY_DISCUSSION_S47',
      withinTimescale: true,
    });
    const twice = await hub.api('POST', `/api/cases/${kase.id}/decision`, {
      token: mash,
      body: {
        outcome: 'NFA',
        rationale: 'Nothing further is needed after the strategy discussion',
        recipientAgency: 'police',
      },
    });
    expect(twice.status).toBe(409);

    await settle();
    const products = await hub.api('GET', '/api/agency/products', { token: csc });
    const product = products.json.items.find(
      (item: { caseReference: string }) => item.caseReference === kase.reference,
    );
    expect(product).toMatchObject({
      outcome: 'STRATEGY_DISCUSSION_S47',
      recipientAgency: 'childrens-social-care',
    });
    expect(product.releasableAnswers).toEqual([
      { agency: 'police', information: 'Police attended a domestic incident at the address in March.' },
    ]);
    expect(JSON.stringify(products.json)).not.toContain('CONFIDENTIAL-HEALTH-MARKER');
    expect((await hub.api('GET', '/api/agency/products', { token: police })).json.items).toEqual([]);

    // The referrer sees the outcome in plain words, and nothing from the agencies.
    const status = await hub.api('GET', `/api/referrals/${kase.reference}/status?token=${kase.receiptToken}`);
    expect(status.json).toEqual({
      reference: kase.reference,
      status: 'decided',
      outcome: 'STRATEGY_DISCUSSION_S47',
      outcomeDescription: expect.stringContaining('strategy discussion'),
    });

    // The audit trail has every view and change, for managers only.
    expect((await hub.api('GET', `/api/cases/${kase.id}/audit`, { token: mash })).status).toBe(403);
    const trail = await hub.api('GET', `/api/cases/${kase.id}/audit`, { token: manager });
    expect(trail.status).toBe(200);
    const actions = trail.json.items.map((item: { action: string }) => item.action);
    for (const action of [
      'referral.received',
      'request.issued',
      'request.listed',
      'request.answered',
      'case.viewed',
      'case.decided',
      'product.listed',
      'status.viewed',
      'audit.viewed',
    ]) {
      expect(actions).toContain(action);
    }
    for (const item of trail.json.items)
      expect(Object.keys(item)).toEqual(expect.arrayContaining(['at', 'actor', 'role', 'action']));
    const ats = trail.json.items.map((item: { at: string }) => item.at);
    expect(ats).toEqual([...ats].sort());
  });

  it('needs a real reason for no further action', async () => {
    const kase = await newCase({ consentGiven: true });
    const lazy = await hub.api('POST', `/api/cases/${kase.id}/decision`, {
      token: mash,
      body: { outcome: 'NFA', rationale: 'n/a' },
    });
    expect(lazy.status).toBe(400);
    expect(lazy.json.error.details[0].path).toBe('rationale');
    const real = await hub.api('POST', `/api/cases/${kase.id}/decision`, {
      token: mash,
      body: { outcome: 'NFA', rationale: 'Family already supported by early help; no new risk identified' },
    });
    expect(real.status).toBe(200);
    expect(
      (await hub.api('POST', `/api/cases/${kase.id}/triage`, { token: mash, body: { rag: 'red' } })).status,
    ).toBe(409);
  });
});
