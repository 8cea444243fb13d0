/**
 * What the checker needs to know about host TypeScript modules (`import { f } from "./host.ts"`).
 *
 * The checker is pure: it asks this interface. The node implementation (`language/node/tsHostModules.ts`) reads
 * the `.ts` file with ts-morph; tests and the designer can pass a plain object.
 */
import type { Type } from './types.js';

export interface HostFunction {
  name: string;
  params: { name: string; type: Type; optional: boolean }[];
  /** The resolved result type (for `async` functions: what the promise resolves to). */
  result: Type;
  /** Returns a promise: it must be called with `await` (an external operation). */
  async: boolean;
  /** Takes the implicit `ctx: FlowContext` first parameter, which the generated code passes. */
  context?: boolean;
}

export interface HostModule {
  /** Normalised path of the module, for messages. */
  path: string;
  functions: ReadonlyMap<string, HostFunction>;
  /** Exported interfaces and type aliases, already mapped to DSL types. */
  types: ReadonlyMap<string, Type>;
}

export type HostModuleResult = { ok: true; module: HostModule } | { ok: false; error: string };

export interface HostModules {
  /**
   * Resolves `specifier` (as written in the import) relative to the `.flow` file `fromFile`. A module that does
   * not exist or cannot be read gives `{ ok: false, error }` with a sentence saying why.
   */
  load(fromFile: string, specifier: string): HostModuleResult;
}

/** A HostModules over modules described in memory, keyed by the specifier as written. */
export function staticHostModules(modules: Record<string, Omit<HostModule, 'path'>>): HostModules {
  return {
    load(_fromFile, specifier) {
      const module = modules[specifier];
      if (!module) return { ok: false, error: `Cannot find host module "${specifier}".` };
      return { ok: true, module: { path: specifier, ...module } };
    },
  };
}
