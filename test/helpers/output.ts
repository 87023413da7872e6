/**
 * Captures everything this process writes (stdout, stderr and the console, which the test runner may give
 * streams of its own) while the handlers run in it: what a log reader on AWS would see.
 */
import { format } from 'node:util';

export interface CapturedOutput {
  /** Every chunk written since capture began, in order. */
  readonly chunks: string[];
  /** Puts the streams and the console back. */
  restore(): void;
}

export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const restorers: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    restorers.push(() => {
      stream.write = original;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      chunks.push(`${format(...args)}\n`);
      original.apply(console, args);
    };
    restorers.push(() => {
      console[method] = original;
    });
  }
  return {
    chunks,
    restore: () => {
      for (const restore of restorers.reverse()) restore();
    },
  };
}
