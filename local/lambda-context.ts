/**
 * Invoking a handler the way the Lambda Node.js runtime does: one event, a context whose remaining
 * time counts down from the function's timeout, and the timeout enforced. A handler that runs over
 * cannot be stopped inside this process; its result is ignored, as Lambda ignores a frozen sandbox.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { defaultRegion, type FunctionDefinition, type FunctionName } from '../src/resources.ts';

/** The account id every local ARN carries (the same as fauxqs's). */
export const LOCAL_ACCOUNT_ID = '000000000000';

export type LambdaHandler = (event: unknown, context: Context) => unknown;

/** A function as an invocation sees it: its name, and the memory and timeout of its definition. */
export interface InvokedFunction extends Pick<FunctionDefinition, 'memoryMB' | 'timeoutSeconds'> {
  name: FunctionName;
}

export class InvocationTimeoutError extends Error {
  constructor(functionName: string, timeoutSeconds: number) {
    super(`${functionName} timed out after ${timeoutSeconds} s`);
    this.name = 'InvocationTimeoutError';
  }
}

function lambdaFunctionName(fn: Pick<InvokedFunction, 'name'>): string {
  return `mash-${fn.name}`;
}

interface Completion {
  succeed(result: unknown): void;
  fail(error: unknown): void;
}

function createLambdaContext(
  fn: Pick<InvokedFunction, 'name' | 'memoryMB'>,
  deadline: number,
  completion: Completion,
  region = defaultRegion,
): Context {
  const functionName = lambdaFunctionName(fn);
  const today = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(fn.memoryMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${today}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The runtime's old completion methods: they end the invocation like a returned promise would.
    done: (error?: Error, result?: unknown) => (error ? completion.fail(error) : completion.succeed(result)),
    fail: (error: Error | string) => completion.fail(typeof error === 'string' ? new Error(error) : error),
    succeed: (result: unknown) => completion.succeed(result),
  };
}

/** Runs a handler once; rejects with InvocationTimeoutError when it outlives the function's timeout. */
export function invokeHandler(
  fn: InvokedFunction,
  handler: LambdaHandler,
  event: unknown,
  region = defaultRegion,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timeoutMs = fn.timeoutSeconds * 1000;
    let finished = false;
    const completion: Completion = {
      succeed(result) {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        resolve(result);
      },
      fail(error) {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(`${fn.name} failed with a non-Error value`));
      },
    };
    const timer = setTimeout(
      () => completion.fail(new InvocationTimeoutError(fn.name, fn.timeoutSeconds)),
      timeoutMs,
    );
    const context = createLambdaContext(fn, Date.now() + timeoutMs, completion, region);
    try {
      const returned = handler(event, context);
      if (isPromiseLike(returned)) returned.then(completion.succeed, completion.fail);
      // Node.js 24 Lambdas have no callback style: a plain return value is the result.
      else completion.succeed(returned);
    } catch (error) {
      completion.fail(error);
    }
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
