/**
 * The handlers the hub runs: every function of src/resources.ts, its module loaded lazily (the first
 * request pays the cold start, as in Lambda) and once per process. Tests may pass in-memory handlers,
 * which take the place of a function's module.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FunctionName, functions } from '../src/resources.ts';
import type { InvokedFunction, LambdaHandler } from './lambda-context.ts';
import { projectRoot } from './project.ts';

export type HandlerOverrides = Partial<Record<FunctionName, LambdaHandler>>;

/** Modules are imported once per process, whichever hub asks: Node caches them anyway. */
const loadedModules = new Map<string, Promise<LambdaHandler>>();

export class FunctionRegistry {
  private readonly overrides: HandlerOverrides;

  constructor(overrides: HandlerOverrides = {}) {
    this.overrides = overrides;
  }

  /** What an invocation of the function needs to know: its name, memory and timeout. */
  definition(name: FunctionName): InvokedFunction {
    return { name, ...functions[name] };
  }

  /** The handler: the test's in-memory one, or the module's. Import errors propagate. */
  async load(name: FunctionName): Promise<LambdaHandler> {
    const override = this.overrides[name];
    if (override) return override;
    const { entry } = functions[name];
    let loading = loadedModules.get(entry);
    if (!loading) {
      loading = importHandler(entry);
      loadedModules.set(entry, loading);
      // A module that failed to load is asked for again next time (Node itself may remember a failed
      // evaluation until the hub restarts).
      loading.catch(() => loadedModules.delete(entry));
    }
    return loading;
  }
}

async function importHandler(entry: string): Promise<LambdaHandler> {
  const module = (await import(pathToFileURL(join(projectRoot, entry)).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') {
    throw new Error(`${entry} does not export a function named handler`);
  }
  return module.handler as LambdaHandler;
}
