/**
 * Compatibility of two versions of a CorDapp, as `flowc diff` reports it and the runtime will use it to move
 * in-flight flows to a new version:
 *
 * - checkpoint compatibility, per flow and per waiting state of OLD: the state is *kept* (NEW has a state of the
 *   same name waiting for the same thing), *mapped* (NEW waits for the same thing under another name, found by
 *   what it waits for), or *lost*; a kept or mapped state is compatible when everything NEW needs from the
 *   checkpoint there is in OLD's checkpoint with a type that fits;
 * - protocol compatibility, per initiating flow: NEW against a counterpart still on OLD, both ways round, run
 *   through the protocol checker.
 *
 * Pure: it reads the bundle files (`manifest.json`, `machines/*.json`, `protocol.json`) as parsed JSON.
 */
import { checkPair, type ProtocolFault, type ProtocolProgram } from '../language/index.js';

export interface CordappModel {
  name: string;
  version: string;
  flows: Map<string, { kind: string; version: number; respondsTo?: string; states: Map<string, StateInfo> }>;
  programs: Map<string, ProtocolProgram>;
}

export interface StateInfo {
  waitsFor?: string;
  text?: string;
  /** The flow whose call this state enters, compiled into the machine (`compiler/inline.ts`). */
  inlines?: string;
  final: boolean;
  has: Record<string, string>;
  needs: Record<string, string>;
}

export interface StateVerdict {
  state: string;
  to?: string;
  /** Why a state cannot move: missing or incompatible context, or no counterpart. */
  problems: string[];
}

export interface FlowDiff {
  flow: string;
  status: 'changed' | 'unchanged' | 'added' | 'removed';
  kept: StateVerdict[];
  mapped: StateVerdict[];
  lost: StateVerdict[];
  protocol: { compatible: boolean; against: string; faults: string[] }[];
}

export interface DiffReport {
  old: { name: string; version: string };
  new: { name: string; version: string };
  flows: FlowDiff[];
  checkpointsCompatible: boolean;
  protocolCompatible: boolean;
}

interface MachineJson {
  meta?: { kind?: string; version?: number; respondsTo?: string };
  states?: Record<
    string,
    {
      type?: string;
      meta?: {
        waitsFor?: string;
        text?: string;
        inlines?: string;
        context?: { has?: Record<string, string>; needs?: Record<string, string> };
      };
    }
  >;
}

interface ManifestJson {
  name: string;
  version: string;
  flows: { name: string; kind: string; protocolVersion: number; respondsTo?: string; machine: string }[];
}

/** Builds the model from a bundle's files (the `.cordapp` container's `files`, or an unpacked view). */
export function cordappModel(files: Record<string, string>): CordappModel {
  const manifest = JSON.parse(files['manifest.json'] ?? 'null') as ManifestJson | null;
  if (!manifest) throw new Error('manifest.json is missing');
  const programs = new Map<string, ProtocolProgram>(
    Object.entries(JSON.parse(files['protocol.json'] ?? '{}') as Record<string, ProtocolProgram>),
  );
  const flows: CordappModel['flows'] = new Map();
  for (const flow of manifest.flows) {
    const machine = JSON.parse(files[flow.machine] ?? '{}') as MachineJson;
    const states = new Map<string, StateInfo>();
    for (const [id, state] of Object.entries(machine.states ?? {})) {
      const info: StateInfo = {
        final: state.type === 'final',
        has: state.meta?.context?.has ?? {},
        needs: state.meta?.context?.needs ?? {},
      };
      if (state.meta?.waitsFor) info.waitsFor = state.meta.waitsFor;
      if (state.meta?.text) info.text = state.meta.text;
      if (state.meta?.inlines) info.inlines = state.meta.inlines;
      states.set(id, info);
    }
    const entry: CordappModel['flows'] extends Map<string, infer V> ? V : never = {
      kind: flow.kind,
      version: flow.protocolVersion,
      states,
    };
    if (flow.respondsTo) entry.respondsTo = flow.respondsTo;
    flows.set(flow.name, entry);
  }
  return { name: manifest.name, version: manifest.version, flows, programs };
}

/** Type names that fit: the same, an Int where a Decimal is needed, or an empty list for any list. */
function fits(from: string, to: string): boolean {
  return (
    from === to ||
    (from === 'Int' && to === 'Decimal') ||
    (from === 'List<Nothing>' && to.startsWith('List<'))
  );
}

function contextProblems(old: StateInfo, next: StateInfo): string[] {
  const problems: string[] = [];
  for (const [variable, type] of Object.entries(next.needs)) {
    const had = old.has[variable];
    if (had === undefined)
      problems.push(`needs "${variable}" (${type}), which the old checkpoint does not hold`);
    else if (!fits(had, type))
      problems.push(`needs "${variable}" as ${type}, but the old checkpoint holds ${had}`);
  }
  return problems;
}

function diffStates(
  old: Map<string, StateInfo>,
  next: Map<string, StateInfo>,
): Pick<FlowDiff, 'kept' | 'mapped' | 'lost'> {
  const kept: StateVerdict[] = [];
  const mapped: StateVerdict[] = [];
  const lost: StateVerdict[] = [];
  const claimed = new Set<string>();
  const waiting = [...old].filter(([, s]) => s.waitsFor);
  for (const [id, state] of waiting) {
    const same = next.get(id);
    if (same && same.waitsFor === state.waitsFor && same.text === state.text) {
      claimed.add(id);
      kept.push({ state: id, problems: contextProblems(state, same) });
    }
  }
  for (const [id, state] of waiting) {
    if (kept.some((k) => k.state === id)) continue;
    const candidates = [...next].filter(
      ([nid, s]) => !claimed.has(nid) && s.waitsFor === state.waitsFor && s.text === state.text,
    );
    const [match] = candidates;
    if (candidates.length === 1 && match) {
      claimed.add(match[0]);
      mapped.push({ state: id, to: match[0], problems: contextProblems(state, match[1]) });
      continue;
    }
    const same = next.get(id);
    lost.push({
      state: id,
      problems: [
        candidates.length > 1
          ? `several new states wait for "${state.text}": ${candidates.map(([n]) => n).join(', ')}`
          : same?.inlines
            ? `the new "${id}" does not wait: its call of ${same.inlines} is compiled into the flow (a checkpoint waiting for the call cannot resume inside it)`
            : same
              ? `the new "${id}" waits for "${same.text ?? same.waitsFor ?? 'nothing'}" instead of "${state.text}"`
              : `no new state waits for "${state.text}"`,
      ],
    });
  }
  return { kept, mapped, lost };
}

/** A program as JSON without source places, so moving code around is no change. */
function withoutPlaces(program: ProtocolProgram | undefined): string {
  return JSON.stringify(program ?? null, (key, value: unknown) =>
    key === 'at' || key === 'site' ? undefined : value,
  );
}

function faultText(fault: ProtocolFault): string {
  return `${fault.code}: ${fault.message}`;
}

export function diffCordapps(old: CordappModel, next: CordappModel): DiffReport {
  const flows: FlowDiff[] = [];
  const names = [...new Set([...old.flows.keys(), ...next.flows.keys()])].sort();
  for (const name of names) {
    const before = old.flows.get(name);
    const after = next.flows.get(name);
    const diff: FlowDiff = { flow: name, status: 'changed', kept: [], mapped: [], lost: [], protocol: [] };
    if (!before) diff.status = 'added';
    else if (!after) {
      diff.status = 'removed';
      diff.lost = [...before.states]
        .filter(([, s]) => s.waitsFor)
        .map(([state]) => ({ state, problems: ['the flow no longer exists'] }));
    } else {
      Object.assign(diff, diffStates(before.states, after.states));
      const unchanged =
        withoutPlaces(old.programs.get(name)) === withoutPlaces(next.programs.get(name)) &&
        diff.lost.length === 0 &&
        diff.mapped.length === 0 &&
        diff.kept.every((k) => k.problems.length === 0);
      if (unchanged) diff.status = 'unchanged';
    }
    if (after?.kind === 'initiating' && before?.kind === 'initiating') {
      const pairs: [
        string,
        ProtocolProgram | undefined,
        ProtocolProgram | undefined,
        CordappModel,
        CordappModel,
      ][] = [
        [
          `new ${name} with a counterpart on ${old.version}`,
          next.programs.get(name),
          responderOf(old, name),
          next,
          old,
        ],
        [
          `old ${name} (${old.version}) with the new responder`,
          old.programs.get(name),
          responderOf(next, name),
          old,
          next,
        ],
      ];
      for (const [against, initiator, responder, initiatorSide, responderSide] of pairs) {
        if (!initiator || !responder) {
          diff.protocol.push({ compatible: false, against, faults: ['no responder on the other side'] });
          continue;
        }
        // each side runs the sub-flows of its own version
        const faults = checkPair(initiator, responder, (flow) => initiatorSide.programs.get(flow), {
          initiatorVersion: initiator.version,
          responderLookup: (flow) => responderSide.programs.get(flow),
        });
        diff.protocol.push({ compatible: faults.length === 0, against, faults: faults.map(faultText) });
      }
    }
    flows.push(diff);
  }
  const checkpointsCompatible = flows.every(
    (f) => f.lost.length === 0 && [...f.kept, ...f.mapped].every((v) => v.problems.length === 0),
  );
  const protocolCompatible = flows.every((f) => f.protocol.every((p) => p.compatible));
  return {
    old: { name: old.name, version: old.version },
    new: { name: next.name, version: next.version },
    flows,
    checkpointsCompatible,
    protocolCompatible,
  };
}

function responderOf(model: CordappModel, initiator: string): ProtocolProgram | undefined {
  for (const [name, flow] of model.flows) if (flow.respondsTo === initiator) return model.programs.get(name);
  return undefined;
}

export function formatDiff(report: DiffReport): string {
  const out = [`${report.old.name} ${report.old.version} → ${report.new.name} ${report.new.version}`];
  for (const flow of report.flows) {
    out.push(`  ${flow.flow} (${flow.status})`);
    const verdict = (v: StateVerdict): string =>
      `${v.state}${v.to ? ` → ${v.to}` : ''}${v.problems.length ? `: ${v.problems.join('; ')}` : ''}`;
    if (flow.kept.length) out.push(`    kept: ${flow.kept.map(verdict).join(', ')}`);
    if (flow.mapped.length) out.push(`    mapped: ${flow.mapped.map(verdict).join(', ')}`);
    if (flow.lost.length) out.push(`    lost: ${flow.lost.map(verdict).join(', ')}`);
    for (const p of flow.protocol) {
      out.push(`    protocol, ${p.against}: ${p.compatible ? 'compatible' : 'INCOMPATIBLE'}`);
      for (const fault of p.faults) out.push(`      ${fault}`);
    }
  }
  out.push(
    `checkpoints: ${report.checkpointsCompatible ? 'compatible' : 'INCOMPATIBLE'}; protocol: ${report.protocolCompatible ? 'compatible' : 'INCOMPATIBLE'}`,
  );
  return out.join('\n') + '\n';
}
