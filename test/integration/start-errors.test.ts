/**
 * A newcomer's first errors: `npm start` on a machine that cannot run the hub says what is missing and
 * how to put it right, not `spawn java ENOENT`. Each case runs the CLI (local/start.ts) as a child with
 * the machine made wrong for it alone: a PATH without Java or with an old one, a busy port, a data
 * folder that cannot be written.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../local/project.ts';

const scratch = mkdtempSync(join(tmpdir(), 'mash-start-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding only `node`, so that a PATH made of it has no java. */
const nodeOnly = dirname(process.execPath);

/** Runs `npm start`'s script to its end; it must fail, and what it printed is returned. */
async function startFails(env: NodeJS.ProcessEnv): Promise<string> {
  const cli = spawn(process.execPath, [join(projectRoot, 'local/start.ts')], {
    env: { ...process.env, PORT: '0', MASH_DATA_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  cli.stdout.on('data', (chunk) => (output += chunk));
  cli.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => cli.kill('SIGKILL'), 60_000);
  const [code] = await once(cli, 'exit');
  clearTimeout(timer);
  expect(code, output).toBe(1);
  return output;
}

describe('npm start explains what stops it', () => {
  it('no Java on PATH: names Java 17 and how to install it', async () => {
    const output = await startFails({ PATH: nodeOnly });
    expect(output).toContain('could not start: DynamoDB Local needs Java 17 or later');
    expect(output).toContain('there is no `java` on PATH');
    expect(output).toContain('apt-get install -y openjdk-17-jre-headless');
    expect(output).toContain('https://adoptium.net');
    expect(output).not.toContain('ENOENT');
  }, 60_000);

  it('a Java older than 17 on PATH: names the version found', async () => {
    const oldJava = join(scratch, 'old-java');
    mkdirSync(oldJava);
    const bin = join(oldJava, 'java');
    // What Java 11's `java -version` prints, on stderr as the real one does.
    writeFileSync(bin, `#!/bin/sh\necho 'openjdk version "11.0.22" 2024-01-16' >&2\n`);
    chmodSync(bin, 0o755);
    const output = await startFails({ PATH: `${oldJava}:${nodeOnly}` });
    expect(output).toContain('DynamoDB Local needs Java 17 or later, and the `java` on PATH is Java 11');
    expect(output).toContain('apt-get install -y openjdk-17-jre-headless');
  }, 60_000);

  it('a busy port: names the port and the PORT variable', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const { port } = busy.address() as { port: number };
    try {
      const output = await startFails({ PORT: String(port) });
      expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(output).toContain(`PORT=${port + 1} npm start`);
    } finally {
      busy.close();
    }
  }, 60_000);

  it('a MASH_DATA_DIR that cannot be written: names the folder and the reason', async () => {
    const file = join(scratch, 'not-a-folder');
    writeFileSync(file, 'a file where the data folder should be');
    const output = await startFails({ MASH_DATA_DIR: file });
    expect(output).toContain(`The data folder ${file} (MASH_DATA_DIR) cannot be used`);
    expect(output).toContain('a file is in the way (it must be a folder)');
    expect(output).toContain('leave MASH_DATA_DIR unset');
  }, 60_000);
});
