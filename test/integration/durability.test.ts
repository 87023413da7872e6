/**
 * Nothing answered is lost: with MASH_DATA_DIR, the whole hub (HTTP server, DynamoDB Local, fauxqs)
 * is killed with SIGKILL in the middle of a stream of submissions, started again on the same folder,
 * and every referral that was answered 201 is there, readable by its receipt token.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { validReferral } from '../helpers/referrals.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'mash-durability-'));
let child: ChildProcess | undefined;
let hub: TestHub | undefined;

afterAll(async () => {
  if (child?.pid && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await hub?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * The URL the hub prints once it listens. It is started on port 0, so the OS picks a free port and the
 * hub keeps it: no port is closed and bound again by someone else in between.
 */
async function listeningUrl(hubProcess: ChildProcess, timeoutMs: number): Promise<string> {
  const stdout = hubProcess.stdout!;
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        fail(new Error(`the hub printed no URL within ${timeoutMs} ms; it printed: ${seen.slice(0, 2000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /MASH local hub at (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) done(() => resolve(match[1]!));
    };
    const onExit = (code: number | null) =>
      fail(new Error(`the hub exited (${code}) before listening; it printed: ${seen.slice(0, 2000)}`));
    const done = (settle: () => void) => {
      clearTimeout(timer);
      stdout.off('data', onData);
      hubProcess.off('exit', onExit);
      stdout.resume(); // keep draining its log lines so it never blocks on a full pipe
      settle();
    };
    const fail = (error: Error) => done(() => reject(error));
    stdout.on('data', onData);
    hubProcess.once('exit', onExit);
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  while (Date.now() < giveUp) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the hub at ${url} did not become healthy`);
}

describe('a hub killed with SIGKILL mid-stream', () => {
  it('keeps every referral it answered 201', async () => {
    child = spawn(process.execPath, ['local/start.ts'], {
      env: { ...process.env, PORT: '0', MASH_DATA_DIR: dataDir },
      detached: true, // its own process group, so one SIGKILL reaches the hub and every child it started
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const url = await listeningUrl(child, 60_000);
    await waitForHealth(url, 60_000);

    const answered: Array<{ reference: string; receiptToken: string }> = [];
    let started = 0;
    let stop = false;
    const submitLoop = async () => {
      while (!stop) {
        started++;
        try {
          const response = await fetch(`${url}/api/referrals`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(validReferral()),
          });
          if (response.status === 201)
            answered.push((await response.json()) as { reference: string; receiptToken: string });
        } catch {
          return; // the hub is gone
        }
      }
    };
    const loops = Array.from({ length: 6 }, submitLoop);
    // Kill once a good number are in, while others are in flight.
    const giveUp = Date.now() + 60_000;
    while (answered.length < 40) {
      if (Date.now() > giveUp) {
        stop = true;
        throw new Error(
          `only ${answered.length} of 40 referrals were answered 201 within 60 s (${started} sent)`,
        );
      }
      await sleep(20);
    }
    process.kill(-child.pid!, 'SIGKILL');
    stop = true;
    await Promise.all(loops);
    const inFlight = started - answered.length;
    console.log(
      `durability: ${answered.length} answered 201 before SIGKILL, ${inFlight} in flight or refused`,
    );

    hub = await startTestHub({ dataDir });
    const lost: string[] = [];
    for (const { reference, receiptToken } of answered) {
      const status = await hub.api(
        'GET',
        `/api/referrals/${reference}/status?token=${encodeURIComponent(receiptToken)}`,
      );
      if (status.status !== 200) lost.push(`${reference} (${status.status})`);
    }
    expect(lost).toEqual([]);
  }, 180_000);
});
