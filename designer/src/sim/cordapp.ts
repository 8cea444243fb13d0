/**
 * A CorDapp built in memory for the simulation: the checked files are lowered and their machines generated
 * (`compiler/lower.ts`, `compiler/machine.ts`, both pure), and the actions and guards compiled from their code
 * strings as `flows.js` would hold them, then loaded with the runtime's own `loadCordapp`. Host modules are
 * TypeScript on the server, so a flow that calls host functions cannot run here: `hostCalls` names them.
 */
import { lowerFile } from '../../../compiler/lower.js';
import { generateMachine, type MachineArtifact } from '../../../compiler/machine.js';
import type { FlowIR } from '../../../compiler/ir.js';
import { typeToString, type FileCheckResult, type Type } from '../../../language/index.js';
import {
  loadCordapp,
  type CordappModule,
  type LoadedCordapp,
  type TypeDefinition,
} from '../../../runtime/index.js';
import { LIBRARY_PREFIX } from '../model/checking.js';

export interface SimulationBuild {
  cordapp: LoadedCordapp;
  flows: FlowIR[];
  /** Host functions each flow calls, by flow name (those flows cannot be simulated in the browser). */
  hostCalls: Record<string, string[]>;
}

type Creators = Parameters<CordappModule['createImplementations']>[0];
type Helpers = Parameters<CordappModule['createImplementations']>[1];
type Args = { context: Record<string, unknown>; event: Record<string, unknown> };

/** The implementations module of `flows.js`, made from the generated code strings. */
function moduleOf(artifacts: { ir: FlowIR; machine: MachineArtifact }[]): CordappModule {
  return {
    createImplementations(x: Creators, rt: Helpers) {
      const base = (c: Record<string, unknown>) => ({ flowId: c['$flowId'], me: c['$me'] });
      const ctx = (c: Record<string, unknown>) => (rt.context ? rt.context(c) : base(c));
      const hosts = new Proxy(
        {},
        {
          get: (_target, name) => () => {
            throw new Error(`The host function "${String(name)}" runs only on a node, not in the designer.`);
          },
        },
      );
      const out: ReturnType<CordappModule['createImplementations']> = {};
      for (const { ir, machine } of artifacts) {
        const actions: Record<string, unknown> = {};
        for (const [name, action] of Object.entries(machine.actions)) {
          // the code comes from our own compiler, as in runtime/machine.ts
          const fn = new Function('c', 'e', 'h', 'rt', 'ctx', `"use strict"; return (${action.code});`) as (
            ...args: unknown[]
          ) => unknown;
          const run = ({ context, event }: Args): never => fn(context, event, hosts, rt, ctx) as never;
          actions[name] = action.kind === 'assign' ? x.assign(run as never) : x.emit(run as never);
        }
        const guards: Record<string, (args: Args) => boolean> = {};
        for (const [name, code] of Object.entries(machine.guards)) {
          const fn = new Function('c', 'e', 'h', 'rt', 'ctx', `"use strict"; return (${code});`) as (
            ...args: unknown[]
          ) => unknown;
          guards[name] = ({ context, event }: Args) => Boolean(fn(context, event, hosts, rt, ctx));
        }
        out[ir.name] = { actions, guards: guards as never };
      }
      return out;
    },
    external: {},
  };
}

function typeDefinition(type: Type): TypeDefinition {
  if (type.kind === 'enum') return { kind: 'enum', members: type.members };
  if (type.kind === 'record')
    return { kind: 'record', fields: type.fields.map((f) => ({ name: f.name, type: typeToString(f.type) })) };
  return { kind: 'opaque' };
}

/** The record and enum types values are checked against (as `types.json` of a bundle). */
function collectTypes(
  results: readonly FileCheckResult[],
  irs: readonly FlowIR[],
): Record<string, TypeDefinition> {
  const types = new Map<string, Type>();
  const add = (type: Type | undefined): void => {
    if (!type) return;
    if (type.kind === 'list') return add(type.element);
    if ((type.kind === 'record' || type.kind === 'enum') && !types.has(type.name)) {
      types.set(type.name, type);
      if (type.kind === 'record') for (const f of type.fields) add(f.type);
    }
  };
  for (const result of results)
    for (const symbol of result.unit.globals.values())
      if (symbol.kind === 'message' || symbol.kind === 'enum') add(symbol.type);
  for (const ir of irs) {
    for (const p of ir.params) add(p.type);
    add(ir.returnType);
  }
  return Object.fromEntries([...types.values()].map((t) => [typeToString(t), typeDefinition(t)]));
}

function hash(text: string): string {
  // FNV-1a, twice with different seeds: an identity for this build in the simulated network, not a security hash
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ text.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Builds the CorDapp of checked files (the CorDapp's and, when it uses them, the library's). */
export function buildSimulation(results: readonly FileCheckResult[], name: string): SimulationBuild {
  const own = results.filter((r) => !r.path.startsWith(LIBRARY_PREFIX));
  const usesLibrary = own.some((r) =>
    r.document.items.some((i) => i.kind === 'ImportDecl' && i.source === 'flows:std'),
  );
  const checked = usesLibrary ? results : own;
  const ownNames = new Set(
    own.flatMap((r) => r.document.items.flatMap((i) => (i.kind === 'FlowDecl' ? [i.name.name] : []))),
  );
  const flows = checked
    .flatMap((r) => lowerFile(r, r.path))
    .filter((ir) => !ir.file.startsWith(LIBRARY_PREFIX) || !ownNames.has(ir.name));
  const artifacts = flows.map((ir) => ({ ir, machine: generateMachine(ir) }));
  const files: Record<string, string> = {};
  for (const { machine } of artifacts)
    files[`machines/${machine.name}.json`] = JSON.stringify(machine.config);
  files['trace.json'] = JSON.stringify(
    Object.fromEntries(artifacts.map(({ machine }) => [machine.name, machine.trace])),
  );
  files['types.json'] = JSON.stringify(collectTypes(checked, flows));
  const responderOf = new Map(flows.filter((f) => f.respondsTo).map((f) => [f.respondsTo!, f.name]));
  const unit = own[0]?.unit;
  const manifest = {
    format: 'flows-cordapp/1',
    name: unit?.name ?? name,
    version: unit?.version ?? '0.0.0',
    flows: flows.map((ir) => ({
      name: ir.name,
      kind: ir.kind,
      startable: ir.startable,
      protocolVersion: ir.version,
      file: ir.file,
      params: ir.params.map((p) => ({ name: p.name, type: p.typeText })),
      progress: ir.progress,
      machine: `machines/${ir.name}.json`,
      ...(ir.returnType ? { returns: typeToString(ir.returnType) } : {}),
      ...(ir.respondsTo ? { respondsTo: ir.respondsTo } : {}),
      ...(responderOf.get(ir.name) ? { responder: responderOf.get(ir.name) } : {}),
    })),
    files: {},
  };
  files['manifest.json'] = JSON.stringify(manifest);
  const text = JSON.stringify(files);
  const cordapp = loadCordapp({ hash: hash(text), files, module: moduleOf(artifacts), text });
  const hostCalls: Record<string, string[]> = {};
  for (const ir of flows)
    if (ir.hostFunctions.length) hostCalls[ir.name] = ir.hostFunctions.map((f) => f.name);
  return { cordapp, flows, hostCalls };
}

/** The flows a run of `flow` may reach: its sub-flows and responders, transitively. */
export function reachableFlows(flows: readonly FlowIR[], flow: string): Set<string> {
  const byName = new Map(flows.map((f) => [f.name, f]));
  const responderOf = new Map(flows.filter((f) => f.respondsTo).map((f) => [f.respondsTo!, f.name]));
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    const ir = byName.get(name);
    if (!ir) return;
    seen.add(name);
    const responder = responderOf.get(name);
    if (responder) visit(responder);
    for (const node of ir.nodes)
      if (node.kind === 'suspend' && node.suspend.kind === 'call' && node.suspend.flow)
        visit(node.suspend.flow);
  };
  visit(flow);
  return seen;
}
