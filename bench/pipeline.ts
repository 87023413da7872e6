/**
 * pipeline.p95Seconds: an information request issued (POST /api/cases/{id}/information-requests, timed
 * from the moment it is sent) until it is visible in the agency's inbox (GET /api/agency/requests?status=open
 * as that agency, polled every 50 ms: the first page, soonest due first), at 50 requests a second.
 * The agency answers each request once it has seen it, as a working agency does, so the open shelf
 * holds the requests in flight rather than every request of the run.
 *
 * A request never seen within 30 s of the last one issued, or whose issue failed (never visible to the
 * agency), is not left out: it counts at 30 s in the percentiles and is reported as lost beside them.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { caseTable } from '../src/resources.ts';
import { keys } from '../src/store/keys.ts';
import type { TestHub } from '../test/helpers/hub.ts';
import { benchReferral } from './referrals.ts';
import { log, median, percentile, round } from './stats.ts';

const RATE_PER_SECOND = 50;
const POLL_MS = 50;
const AGENCY = 'police';
/** How long the poller keeps looking after the last request is issued; a request not seen by then counts at this. */
const UNSEEN_SECONDS = 30;

/** Triaged cases with consent, ready for information requests. */
export async function ratedCases(hub: TestHub, mash: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const created = await hub.api('POST', '/api/referrals', {
        body: benchReferral({ consentGiven: true }),
      });
      if (created.status !== 201) throw new Error(`POST /api/referrals answered ${created.status}`);
      const ref = await hub.documents.send(
        new GetCommand({
          TableName: caseTable.localName,
          Key: keys.reference(created.json.reference),
        }),
      );
      const id = String(ref.Item?.caseId);
      const triaged = await hub.api('POST', `/api/cases/${id}/triage`, {
        token: mash,
        body: { rag: 'green' },
      });
      if (triaged.status !== 200) throw new Error(`triage answered ${triaged.status}: ${triaged.text}`);
      ids.push(id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

interface RunOutcome {
  /** Seconds from issue to visible, one per request; lost requests count at UNSEEN_SECONDS. */
  latencies: number[];
  /** Issued (202) but not seen in the inbox within UNSEEN_SECONDS. */
  unseen: number;
  /** Not issued: the POST did not answer 202. */
  issueFailures: number;
  /** Seen, then the agency's answer was refused. Does not change the latency. */
  answerFailures: number;
}

async function pipelineRun(
  hub: TestHub,
  mash: string,
  agency: string,
  caseIds: string[],
): Promise<RunOutcome> {
  const issuedAt = new Map<string, number>();
  const latencies: number[] = [];
  const answers: Array<Promise<void>> = [];
  let issuing = true;
  let failures = 0;
  let answerFailures = 0;
  const answer = (id: string) =>
    hub
      .api('POST', `/api/agency/requests/${id}/response`, {
        token: agency,
        body: { information: 'Nothing known to this agency.', releasable: true },
      })
      .then((answered) => {
        if (answered.status !== 200) answerFailures++;
      });
  const poll = async () => {
    const deadline = () =>
      !issuing && (issuedAt.size === 0 || performance.now() > lastIssue + UNSEEN_SECONDS * 1000);
    while (!deadline()) {
      const started = performance.now();
      const inbox = await hub.api('GET', '/api/agency/requests?status=open', { token: agency });
      const seen = performance.now();
      for (const item of (inbox.json?.items ?? []) as Array<{ id: string }>) {
        const at = issuedAt.get(item.id);
        if (at !== undefined) {
          latencies.push((seen - at) / 1000);
          issuedAt.delete(item.id);
          answers.push(answer(item.id));
        }
      }
      const wait = POLL_MS - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  let lastIssue = performance.now();
  const pending: Array<Promise<void>> = [];
  const poller = poll();
  const start = performance.now();
  for (let i = 0; i < caseIds.length; i++) {
    const due = start + (i * 1000) / RATE_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = performance.now();
    lastIssue = sentAt;
    pending.push(
      hub
        .api('POST', `/api/cases/${caseIds[i]}/information-requests`, {
          token: mash,
          body: { agencies: [AGENCY] },
        })
        .then((issued) => {
          if (issued.status !== 202) {
            failures++;
            return;
          }
          // Register unless the inbox poll already raced ahead (it cannot see an id it was not told of).
          issuedAt.set(issued.json.requests[0].id, sentAt);
        }),
    );
  }
  await Promise.all(pending);
  issuing = false;
  await poller;
  await Promise.all(answers);
  const unseen = issuedAt.size;
  // Lost requests are the slowest of all: left out, they would flatter the percentiles.
  for (let i = 0; i < unseen + failures; i++) latencies.push(UNSEEN_SECONDS);
  if (failures > 0 || unseen > 0 || answerFailures > 0)
    log(
      `pipeline: ${failures} issue failures, ${unseen} requests never seen within ${UNSEEN_SECONDS} s ` +
        `(both counted at ${UNSEEN_SECONDS} s), ${answerFailures} answers refused`,
    );
  return { latencies, unseen, issueFailures: failures, answerFailures };
}

export interface PipelineResult {
  /** The median of the runs' p95s; lost requests count at UNSEEN_SECONDS. */
  p95Seconds: number;
  /** Requests never seen (or never issued) in all runs together: each is in the p95 at UNSEEN_SECONDS. */
  lostRequests: number;
  runs: Array<{
    requests: number;
    unseen: number;
    issueFailures: number;
    answerFailures: number;
    p50Seconds: number;
    p95Seconds: number;
    maxSeconds: number;
  }>;
  ratePerSecond: number;
  unseenSeconds: number;
}

export async function benchPipeline(hub: TestHub, runs: number, perRun: number): Promise<PipelineResult> {
  const mash = await hub.token('mash');
  const agency = await hub.token('agency', AGENCY);
  log(`pipeline: preparing ${runs * perRun} triaged cases`);
  const ids = await ratedCases(hub, mash, runs * perRun);
  const results: PipelineResult['runs'] = [];
  for (let run = 0; run < runs; run++) {
    const outcome = await pipelineRun(hub, mash, agency, ids.slice(run * perRun, (run + 1) * perRun));
    const { latencies, unseen, issueFailures, answerFailures } = outcome;
    const summary = {
      requests: latencies.length,
      unseen,
      issueFailures,
      answerFailures,
      p50Seconds: round(percentile(latencies, 50)),
      p95Seconds: round(percentile(latencies, 95)),
      maxSeconds: round(Math.max(...latencies)),
    };
    results.push(summary);
    log(`pipeline run ${run + 1}/${runs}: ${JSON.stringify(summary)}`);
  }
  return {
    p95Seconds: median(results.map((r) => r.p95Seconds)),
    lostRequests: results.reduce((total, r) => total + r.unseen + r.issueFailures, 0),
    runs: results,
    ratePerSecond: RATE_PER_SECOND,
    unseenSeconds: UNSEEN_SECONDS,
  };
}
