/**
 * An installed CorDapp version: its manifest, one XState machine per flow, the host functions flows await, and
 * the record and enum definitions values are checked against. Pure: the node adapter (`runtime/node/bundles.ts`)
 * verifies the `.cordapp` container and imports its `flows.js`; the designer builds the same from memory.
 */
import { assign, emit, type AnyStateMachine } from 'xstate';
import { createFlowMachine, type Implementations } from './machine.js';
import { stepContext } from './stepContext.js';
import { runtimeHelpers } from './values.js';

export interface ManifestFlow {
  name: string;
  kind: string;
  startable: boolean;
  protocolVersion: number;
  respondsTo?: string;
  responder?: string;
  file: string;
  params: { name: string; type: string }[];
  returns?: string;
  progress: { name: string; label: string; tracks?: string }[];
  machine: string;
}

export interface CordappManifest {
  format: string;
  name: string;
  version: string;
  flows: ManifestFlow[];
  files: Record<string, string>;
}

export type TypeDefinition =
  | { kind: 'record'; fields: { name: string; type: string }[] }
  | { kind: 'enum'; members: string[] }
  | { kind: 'opaque' };

/** An async host function a flow awaits; `context` ones get `{ flowId, me, operationId }` first. */
export interface ExternalFunction {
  fn: (...args: unknown[]) => unknown;
  context: boolean;
}

/** What a bundle's `flows.js` exports. */
export interface CordappModule {
  createImplementations(
    creators: { assign: typeof assign; emit: typeof emit },
    rt: typeof runtimeHelpers & { context?: typeof stepContext },
  ): Record<string, Implementations>;
  external: Record<string, Record<string, ExternalFunction>>;
}

export interface TraceLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface LoadedFlow {
  manifest: ManifestFlow;
  machine: AnyStateMachine;
  /** Each state's `.flow` range. */
  trace: Record<string, TraceLocation>;
  external: Record<string, ExternalFunction>;
}

export interface LoadedCordapp {
  /** sha256 of the manifest: the identity of this exact version. */
  hash: string;
  name: string;
  version: string;
  manifest: CordappManifest;
  flows: Map<string, LoadedFlow>;
  types: Record<string, TypeDefinition>;
  /** The bundle's files (the container's `files`), for comparing versions. */
  files: Record<string, string>;
  /** The `.cordapp` container text, kept by the node so it can reload the version after a restart. */
  text: string;
}

export class CordappError extends Error {
  override name = 'CordappError';
}

/** Builds the machines of a verified bundle's files; `module` is its `flows.js`, already evaluated. */
export function loadCordapp(options: {
  hash: string;
  files: Record<string, string>;
  module: CordappModule;
  text: string;
}): LoadedCordapp {
  const { hash, files, module, text } = options;
  const manifest = parseJson<CordappManifest>(files, 'manifest.json');
  const trace = parseJson<Record<string, Record<string, TraceLocation>>>(files, 'trace.json');
  const types = files['types.json'] ? parseJson<Record<string, TypeDefinition>>(files, 'types.json') : {};
  const implementations = tagFailures(module);
  const flows = new Map<string, LoadedFlow>();
  for (const flow of manifest.flows) {
    const config = parseJson<Record<string, unknown>>(files, flow.machine);
    const impl = implementations[flow.name];
    if (!impl) throw new CordappError(`flows.js has no implementations for the flow "${flow.name}".`);
    flows.set(flow.name, {
      manifest: flow,
      machine: createFlowMachine({ config }, impl),
      trace: trace[flow.name] ?? {},
      external: module.external[flow.name] ?? {},
    });
  }
  return { hash, name: manifest.name, version: manifest.version, manifest, flows, types, files, text };
}

/**
 * The implementations, with every action and guard wrapped so that an exception it throws carries the state it
 * belongs to (`flowState`): generated names are `STATE.what`. The hospital then points at the `.flow` line that
 * failed, even in the middle of a chain of eventless states.
 */
function tagFailures(module: CordappModule): Record<string, Implementations> {
  const names = new WeakMap<object, string>();
  const tagging =
    <F extends (fn: never) => object>(creator: F) =>
    (fn: (args: unknown) => unknown): object => {
      const holder: { self?: object } = {};
      const wrapped = (args: unknown): unknown => {
        try {
          return fn(args);
        } catch (error) {
          throw withState(error, holder.self ? names.get(holder.self) : undefined);
        }
      };
      holder.self = (creator as unknown as (f: typeof wrapped) => object)(wrapped);
      return holder.self;
    };
  const implementations = module.createImplementations(
    { assign: tagging(assign) as unknown as typeof assign, emit: tagging(emit) as unknown as typeof emit },
    { ...runtimeHelpers, context: stepContext },
  );
  for (const impl of Object.values(implementations)) {
    for (const [name, action] of Object.entries(impl.actions)) {
      if (typeof action === 'object' || typeof action === 'function') names.set(action as object, name);
    }
    for (const [name, guard] of Object.entries(impl.guards)) {
      impl.guards[name] = (args) => {
        try {
          return guard(args);
        } catch (error) {
          throw withState(error, name);
        }
      };
    }
  }
  return implementations;
}

function withState(error: unknown, name: string | undefined): unknown {
  if (name === undefined || typeof error !== 'object' || error === null) return error;
  const tagged = error as { flowState?: string };
  if (tagged.flowState === undefined) tagged.flowState = name.slice(0, name.lastIndexOf('.'));
  return error;
}

/** The state a step failed in, when the failing action or guard said so. */
export function failedState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null
    ? (error as { flowState?: string }).flowState
    : undefined;
}

function parseJson<T>(files: Record<string, string>, name: string): T {
  const content = files[name];
  if (content === undefined) throw new CordappError(`The bundle has no ${name}.`);
  try {
    return JSON.parse(content) as T;
  } catch {
    throw new CordappError(`${name} in the bundle is not valid JSON.`);
  }
}
