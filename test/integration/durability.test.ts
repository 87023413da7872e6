/**
 * Nothing answered is lost: with MASH_DATA_DIR, the whole hub (HTTP server, DynamoDB Local, fauxqs)
 * is killed with SIGKILL in the middle of a stream of submissions, started again on the same folder,
 * and every referral that was answered 201 is there, readable by its receipt token.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
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
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['local/start.ts'], {
      env: { ...process.env, PORT: String(port), MASH_DATA_DIR: dataDir },
      detached: true, // its own process group, so one SIGKILL reaches the hub and every child it started
      stdio: ['pipe', 'ignore', 'ignore'],
    });
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
    while (answered.length < 40) await sleep(20);
    process.kill(-child.pid!, 'SIGKILL');
    stop = true;
    await Promise.all(loops);
    const inFlight = started - answered.length;
    console.log(
      `durability: ${answered.length} answered 201 before SIGKILL, ${inFlight} in flight or refused`,
    );

    hub = await startTestHub({ dataDir });
    let found = 0;
    for (const { reference, receiptToken } of answered) {
      const status = await hub.api(
        'GET',
        `/api/referrals/${reference}/status?token=${encodeURIComponent(receiptToken)}`,
      );
      if (status.status === 200) found++;
    }
    expect(found).toBe(answered.length);
    expect(answered.length).toBeGreaterThanOrEqual(40);
  }, 180_000);
});
