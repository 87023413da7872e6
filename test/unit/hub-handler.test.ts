/**
 * hubHandler publishes what an invocation counted at its end, whether the handler answered or threw,
 * and only what that invocation counted.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hubHandler } from '../../src/platform/hub-handler.ts';
import { functionMetrics } from '../../src/platform/powertools.ts';

const context = {
  functionName: 'mash-metrics',
  awsRequestId: 'c0ffee00-0000-4000-8000-000000000000',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:mash-metrics',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** The EMF records written to stdout while `run` runs. */
async function emfWrittenBy(run: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run().catch(() => undefined);
  } finally {
    write.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe('hubHandler', () => {
  it('publishes the metrics of an invocation that answered, under its function', async () => {
    const handler = hubHandler('metrics', async () => {
      functionMetrics('metrics').addMetric('ExportWritten', 'Count', 1);
      return 'done';
    });
    const records = await emfWrittenBy(() => handler(undefined, context));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ ExportWritten: 1, service: 'mash-metrics' });
  });

  it('publishes them when the handler throws, and passes the error on', async () => {
    const handler = hubHandler('metrics', async () => {
      functionMetrics('metrics').addMetric('ExportWritten', 'Count', 2);
      throw new Error('export failed');
    });
    let thrown: unknown;
    const records = await emfWrittenBy(() =>
      handler(undefined, context).catch((error: unknown) => {
        thrown = error;
      }),
    );
    expect((thrown as Error).message).toBe('export failed');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ ExportWritten: 2, service: 'mash-metrics' });
  });

  it('writes nothing for an invocation that counted nothing', async () => {
    const handler = hubHandler('metrics', async () => 'nothing counted');
    expect(await emfWrittenBy(() => handler(undefined, context))).toEqual([]);
  });

  it('keeps each function to its own metrics', () => {
    expect(functionMetrics('intake')).toBe(functionMetrics('intake'));
    expect(functionMetrics('intake')).not.toBe(functionMetrics('pages'));
  });
});
