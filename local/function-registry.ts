/**
 * The handlers the hub can run: every function listed in src/resources.ts whose module exists, loaded
 * lazily (the first request pays the cold start, as in Lambda) and once per process.
 *
 * Tests may pass in-memory handlers; they take the place of a module, and a function not yet listed
 * in resources.ts gets a default definition so that a queue consumer or schedule target can be faked.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FunctionDefinition, type FunctionName, functions } from '../src/resources.ts';
import type { LambdaHandler } from './lambda-context.ts';
import { projectRoot } from './project.ts';

export type HandlerOverrides = Partial<Record<FunctionName, LambdaHandler>>;

const IN_MEMORY_DEFAULTS = { memoryMB: 128, timeoutSeconds: 10, tables: [], queues: [] } as const;

/** Modules are imported once per process, whichever hub asks: Node caches them anyway. */
const loadedModules = new Map<string, Promise<LambdaHandler>>();

export class FunctionRegistry {
  private readonly overrides: HandlerOverrides;

  constructor(overrides: HandlerOverrides = {}) {
    this.overrides = overrides;
  }

  /** The function's definition, or undefined when it is not built yet (no entry in resources.ts). */
  definition(name: FunctionName): FunctionDefinition | undefined {
    const listed = functions.find((fn) => fn.name === name);
    if (listed) return listed;
    if (this.overrides[name]) return { name, entry: `(in-memory ${name})`, ...IN_MEMORY_DEFAULTS };
    return undefined;
  }

  /** True when the function is listed and its module (or an in-memory handler) exists. */
  isBuilt(name: FunctionName): boolean {
    const fn = this.definition(name);
    return fn !== undefined && (this.overrides[name] !== undefined || existsSync(entryPath(fn)));
  }

  /** The handler, or undefined when the function is not built yet. Import errors propagate. */
  async load(name: FunctionName): Promise<LambdaHandler | undefined> {
    const override = this.overrides[name];
    if (override) return override;
    const fn = this.definition(name);
    if (!fn || !existsSync(entryPath(fn))) return undefined;
    let loading = loadedModules.get(fn.entry);
    if (!loading) {
      loading = importHandler(fn);
      loadedModules.set(fn.entry, loading);
      // A module that failed to load is asked for again next time (Node itself may remember a failed
      // evaluation until the hub restarts).
      loading.catch(() => loadedModules.delete(fn.entry));
    }
    return loading;
  }
}

function entryPath(fn: FunctionDefinition): string {
  return join(projectRoot, fn.entry);
}

async function importHandler(fn: FunctionDefinition): Promise<LambdaHandler> {
  const module = (await import(pathToFileURL(entryPath(fn)).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') {
    throw new Error(`${fn.entry} does not export a function named handler`);
  }
  return module.handler as LambdaHandler;
}
