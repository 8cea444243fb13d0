/**
 * Drives compiled flow machines in tests, the way the runtime engine will: with XState's pure
 * `initialTransition()` / `transition()` only (never an actor), collecting the effects each step emits, and
 * persisting and restoring the snapshot (`getPersistedSnapshot` → JSON → `resolveState`) before every event, so
 * every test also proves that a snapshot at rest is a checkpoint.
 *
 * - `driveFlow(compiled, options)` runs one flow to the end, answering what it waits for from a `respond`
 *   callback or a scripted list of events; inline sub-flows may be run in-process (`subflows`).
 * - `explorePaths(compiled, options)` enumerates paths depth-first: at every suspension it branches over sample
 *   answers of the expected type and over the error and timeout events the state accepts, and reports exceptions,
 *   states no path reached, checkpoint sizes, and anything that breaks the machine contract (`anomalies`).
 * - `loadFlowFiles(paths)` checks, lowers and generates the machines of `.flow` files, with their host modules.
 *
 * The states a step passes through are read with XState's pure `getMicrosteps()` on the same snapshot and event
 * (guards and actions run a second time there, so host functions must be pure, as flows require them to be).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  getInitialMicrosteps,
  getMicrosteps,
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
} from 'xstate';
import type { FlowIR } from '../../compiler/ir.js';
import { lowerFile } from '../../compiler/lower.js';
import { generateMachine, type MachineArtifact } from '../../compiler/machine.js';
import type { Diagnostic, FileCheckResult } from '../../language/index.js';
import { loadWorkspace } from '../../language/node/files.js';
import { PRIMITIVE_TYPE_NAMES, typeToString, type Type } from '../../language/types.js';
import {
  compileImplementations,
  createFlowMachine,
  type CompiledFlow,
  type HostFunctions,
} from '../../runtime/machine.js';

// ---- events and effects ----------------------------------------------------------------------------------------

/** An effect a transition emits (`flow.send`, `flow.receive`, ...). */
export type FlowEffect = { type: string } & Record<string, unknown>;
/** An event for a flow; `at` (ms) is stamped by the driver when left out. */
export type FlowEvent = { type: string; at?: number } & Record<string, unknown>;
export type FlowOutput = { result?: unknown; error?: { message: string } };

/** The effects a suspension state emits on entry, by the `waitsFor` of its meta. */
export const WAIT_EFFECTS: Record<string, string> = {
  receive: 'flow.receive',
  open: 'flow.open',
  call: 'flow.call',
  input: 'flow.input',
  external: 'flow.external',
  sleep: 'flow.sleep',
};
const WAIT_EFFECT_TYPES = new Set(Object.values(WAIT_EFFECTS));

export function isWaitEffect(effect: FlowEffect): boolean {
  return WAIT_EFFECT_TYPES.has(effect.type);
}

/** 2025-01-01T00:00:00Z: when driven flows start. */
export const BASE_TIME = Date.UTC(2025, 0, 1);
export const DEFAULT_ME = 'O=Alice';

// ---- one step ----------------------------------------------------------------------------------------------------

export interface StepResult {
  snapshot: AnyMachineSnapshot;
  /** What the step emitted, in order. */
  effects: FlowEffect[];
  /** The states the step passed through (eventless ones included), in order. */
  states: string[];
}

export interface FlowInput {
  flowId: string;
  me: string;
  params: Record<string, unknown>;
  at: number;
}

export function stateName(snapshot: AnyMachineSnapshot): string {
  const value: unknown = snapshot.value;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function effectsOf(actions: readonly { type: string; params?: unknown }[]): FlowEffect[] {
  return actions
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => (a.params as { event: FlowEffect }).event);
}

function checkMicrosteps(
  microsteps: [AnyMachineSnapshot, unknown[]][],
  snapshot: AnyMachineSnapshot,
): string[] {
  const states = microsteps.map(([s]) => stateName(s));
  const last = states[states.length - 1];
  if (last !== undefined && last !== stateName(snapshot))
    throw new Error(`getMicrosteps ended in "${last}" but transition() in "${stateName(snapshot)}"`);
  return states;
}

/** The initial transition: runs the flow up to its first suspension (or its end). */
export function startFlow(machine: AnyStateMachine, input: FlowInput): StepResult {
  const [snapshot, actions] = initialTransition(machine, input);
  const states = checkMicrosteps(getInitialMicrosteps(machine, input), snapshot);
  return { snapshot, effects: effectsOf(actions), states };
}

/** One event: the flow runs up to its next suspension (or its end). */
export function feedEvent(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: FlowEvent,
): StepResult {
  const [next, actions] = transition(machine, snapshot, event);
  const states = next === snapshot ? [] : checkMicrosteps(getMicrosteps(machine, snapshot, event), next);
  return { snapshot: next, effects: effectsOf(actions), states };
}

export interface Checkpoint {
  /** The snapshot restored from the JSON text. */
  snapshot: AnyMachineSnapshot;
  json: string;
  bytes: number;
}

/**
 * Persists the snapshot as the runtime would (JSON text) and restores it. Throws when the snapshot holds
 * something JSON cannot carry, or when the restored snapshot does not persist to the same text.
 */
export function checkpoint(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): Checkpoint {
  const json = JSON.stringify(machine.getPersistedSnapshot(snapshot));
  const restored = machine.resolveState(JSON.parse(json) as Parameters<AnyStateMachine['resolveState']>[0]);
  const again = JSON.stringify(machine.getPersistedSnapshot(restored));
  if (again !== json) throw new Error(`checkpoint does not round-trip:\n${json}\n${again}`);
  // values that JSON drops or changes (undefined is fine: it is how variables are cleared)
  const lost = lossyValue(snapshot.context as Record<string, unknown>, '');
  if (lost) throw new Error(`context value "${lost}" does not survive JSON`);
  return { snapshot: restored, json, bytes: Buffer.byteLength(json) };
}

function lossyValue(value: unknown, at: string): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return at;
  if (typeof value === 'function' || typeof value === 'bigint' || typeof value === 'symbol') return at;
  if (value instanceof Date || value instanceof Map || value instanceof Set) return at;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      if (v === undefined) return `${at}[${i}]`;
      const lost = lossyValue(v, `${at}[${i}]`);
      if (lost) return lost;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const lost = lossyValue(v, at ? `${at}.${k}` : k);
      if (lost) return lost;
    }
  }
  return undefined;
}

/** The machine of a compiled flow, with host functions bound. */
export function flowMachine(compiled: CompiledFlow, host: HostFunctions = {}): AnyStateMachine {
  return createFlowMachine(compiled, compileImplementations(compiled, host));
}

// ---- driving one flow --------------------------------------------------------------------------------------------

export interface WaitingInfo {
  /** The flow waiting (a sub-flow's name when it runs inline). */
  flow: string;
  /** The state it waits in. */
  state: string;
  context: Record<string, unknown>;
  /** How many events the flow has received so far. */
  received: number;
  /** Every effect of the run so far (a conversation harness forwards the new sends from here). */
  effects: readonly FlowEffect[];
}

/** Answers what the flow waits for; `undefined` leaves it waiting. */
export type Respond = (waiting: FlowEffect, info: WaitingInfo) => FlowEvent | undefined;

export interface SubflowSpec {
  compiled: CompiledFlow;
  /** Parameter names in order, to bind the call's arguments. */
  params: string[];
  host?: HostFunctions;
}

export interface DriveOptions {
  params: Record<string, unknown>;
  me?: string;
  flowId?: string;
  host?: HostFunctions;
  /** A callback, or a list of events fed in order (each whatever the flow waits for). */
  respond?: Respond | readonly FlowEvent[];
  /** The most events fed before giving up (default 100). */
  maxSteps?: number;
  /** The time of the start (default `BASE_TIME`); each event comes `tick` ms later than the one before. */
  startAt?: number;
  tick?: number;
  /** Sub-flows to run in-process when the flow calls them: their effects and steps join this run's. */
  subflows?: Record<string, SubflowSpec>;
  /** Persist and restore the snapshot before every event (default true). */
  restore?: boolean;
}

export type DriveStatus = 'done' | 'failed' | 'waiting' | 'step-limit' | 'threw';

export interface DriveResult {
  /** `done` and `failed` reached a final state; `waiting` ran out of answers; `threw` is an exception. */
  status: DriveStatus;
  output?: FlowOutput;
  result?: unknown;
  /** The FlowError message when `failed`. */
  error?: string;
  exception?: unknown;
  /** Progress steps in order; a sub-flow run in-process contributes `Sub.Step`. */
  steps: string[];
  /** Every effect in order (those of sub-flows run in-process carry `flow`). */
  effects: FlowEffect[];
  /** The `flow.send` effects, in order. */
  sends: FlowEffect[];
  /** What each suspension waited for, in order. */
  waits: { flow: string; state: string; effect: FlowEffect }[];
  /** Every state entered, in order (eventless ones included). */
  states: string[];
  /** The persisted snapshot's size at each suspension, in bytes. */
  checkpoints: { flow: string; state: string; bytes: number }[];
  /** The events fed, stamped. */
  events: FlowEvent[];
  /** Events that changed nothing (no transition took them). */
  unhandled: FlowEvent[];
  snapshot?: AnyMachineSnapshot;
}

interface Clock {
  now: number;
  tick: number;
}

/** Runs a flow from its start until it ends, runs out of answers, or reaches the step limit. */
export function driveFlow(compiled: CompiledFlow, options: DriveOptions): DriveResult {
  const clock: Clock = { now: options.startAt ?? BASE_TIME, tick: options.tick ?? 1000 };
  const script = Array.isArray(options.respond) ? [...(options.respond as readonly FlowEvent[])] : undefined;
  const respond: Respond =
    typeof options.respond === 'function' ? options.respond : () => (script ? script.shift() : undefined);
  const result: DriveResult = {
    status: 'waiting',
    steps: [],
    effects: [],
    sends: [],
    waits: [],
    states: [],
    checkpoints: [],
    events: [],
    unhandled: [],
  };
  run(compiled, options, respond, clock, result, flowName(compiled), 0);
  result.sends = result.effects.filter((e) => e.type === 'flow.send');
  return result;
}

function flowName(compiled: CompiledFlow): string {
  return String(compiled.config['id'] ?? 'flow');
}

function run(
  compiled: CompiledFlow,
  options: DriveOptions,
  respond: Respond,
  clock: Clock,
  out: DriveResult,
  name: string,
  depth: number,
): void {
  const nested = depth > 0;
  const machine = flowMachine(compiled, options.host);
  const maxSteps = options.maxSteps ?? 100;
  let waiting: FlowEffect | undefined;
  let received = 0;
  const record = (step: StepResult): void => {
    out.states.push(...step.states.map((s) => (nested ? `${name}.${s}` : s)));
    for (const effect of step.effects) {
      out.effects.push(nested ? { ...effect, flow: name } : effect);
      if (effect.type === 'flow.progress')
        out.steps.push(nested ? `${name}.${effect['step']}` : String(effect['step']));
      if (isWaitEffect(effect)) waiting = effect;
    }
  };
  let snapshot: AnyMachineSnapshot;
  try {
    const first = startFlow(machine, {
      flowId: options.flowId ?? 'flow-1',
      me: options.me ?? DEFAULT_ME,
      params: options.params,
      at: clock.now,
    });
    record(first);
    snapshot = first.snapshot;
    while (snapshot.status === 'active') {
      if (received >= maxSteps) {
        out.status = 'step-limit';
        break;
      }
      const state = stateName(snapshot);
      if (!waiting) throw new Error(`"${name}" rests in "${state}" without saying what it waits for`);
      out.waits.push({ flow: name, state, effect: waiting });
      const saved = checkpoint(machine, snapshot);
      out.checkpoints.push({ flow: name, state, bytes: saved.bytes });
      if (options.restore !== false) snapshot = saved.snapshot;
      let event: FlowEvent | undefined;
      const sub = waiting.type === 'flow.call' ? options.subflows?.[String(waiting['flow'])] : undefined;
      if (sub) {
        event = runSubflow(sub, waiting, options, respond, clock, out, depth);
        if (!event) break;
      } else {
        event = respond(waiting, {
          flow: name,
          state,
          context: snapshot.context,
          received,
          effects: out.effects,
        });
      }
      if (!event) {
        out.status = 'waiting';
        break;
      }
      clock.now += clock.tick;
      const stamped: FlowEvent = { ...event, at: event.at ?? clock.now };
      out.events.push(stamped);
      received++;
      const step = feedEvent(machine, snapshot, stamped);
      if (step.states.length === 0 && step.effects.length === 0) out.unhandled.push(stamped);
      record(step);
      snapshot = step.snapshot;
    }
  } catch (exception) {
    out.status = 'threw';
    out.exception = exception;
    return;
  }
  out.snapshot = snapshot;
  if (snapshot.status === 'done') {
    const output = snapshot.output as FlowOutput;
    out.output = output;
    if (output.error) {
      out.status = 'failed';
      out.error = output.error.message;
    } else {
      out.status = 'done';
      out.result = output.result;
    }
  }
}

function runSubflow(
  sub: SubflowSpec,
  call: FlowEffect,
  options: DriveOptions,
  respond: Respond,
  clock: Clock,
  out: DriveResult,
  depth: number,
): FlowEvent | undefined {
  const args = (call['args'] as unknown[]) ?? [];
  const params = Object.fromEntries(sub.params.map((p, i) => [p, args[i]]));
  const child: DriveResult = { ...out, status: 'waiting' };
  const name = String(call['flow']);
  run(
    sub.compiled,
    { ...options, params, host: sub.host ?? options.host },
    respond,
    clock,
    child,
    name,
    depth + 1,
  );
  out.status = child.status;
  if (child.status === 'done') return { type: 'subflow.done', output: child.result };
  if (child.status === 'failed') return { type: 'subflow.failed', error: { message: child.error } };
  out.exception = child.exception;
  return undefined;
}

// ---- types and sample values -------------------------------------------------------------------------------------

/** Named types (messages, enums, host types) a file's flows use, by name, so a type written as text resolves. */
export type TypeTable = ReadonlyMap<string, Type>;

export function typeTableOf(result: FileCheckResult): TypeTable {
  const table = new Map<string, Type>();
  const add = (type: Type): void => {
    const name = typeToString(type);
    if (type.kind === 'list') add(type.element);
    if (table.has(name)) return;
    if (type.kind === 'record' || type.kind === 'enum' || type.kind === 'opaque' || type.kind === 'primitive')
      table.set(name, type);
    if (type.kind === 'record') for (const f of type.fields) add(f.type);
    if (type.kind === 'opaque') type.args.forEach(add);
  };
  for (const type of result.typeInfo.typeRefs.values()) add(type);
  for (const type of result.typeInfo.types.values()) add(type);
  return table;
}

/** A type written as text (`Amount`, `List<Leg>`), resolved against the table; undefined when unknown. */
export function resolveType(text: string, table: TypeTable): Type | undefined {
  const list = /^List<(.*)>$/.exec(text.trim());
  if (list) {
    const element = resolveType(list[1]!, table);
    return element && { kind: 'list', element };
  }
  const known = table.get(text.trim());
  if (known) return known;
  return (PRIMITIVE_TYPE_NAMES as readonly string[]).includes(text.trim())
    ? { kind: 'primitive', name: text.trim() as (typeof PRIMITIVE_TYPE_NAMES)[number] }
    : undefined;
}

export interface SampleOptions {
  me?: string;
  /** The time flows start at; Instants are sampled around it. */
  baseTime?: number;
  /** The most samples of one record type (default 48). */
  maxRecords?: number;
}

const DAY = 86_400_000;

/** Sample values of a type: the first is a typical one, the others reach edges (0, negative, empty). */
export function sampleValues(type: Type, options: SampleOptions = {}, depth = 0): unknown[] {
  const me = options.me ?? DEFAULT_ME;
  const base = options.baseTime ?? BASE_TIME;
  switch (type.kind) {
    case 'primitive':
      switch (type.name) {
        case 'Int':
          return [1, 0, -3, 12, 150];
        case 'Decimal':
          return [2.5, 0, -1.5, 20];
        case 'Bool':
          return [true, false];
        case 'String':
          return ['ok', '', 'fragile'];
        case 'Duration':
          return [1000, 0, 30 * DAY];
        case 'Instant':
          return [base - DAY, base + 30 * DAY];
        case 'Party':
          return ['O=Bob', me];
        case 'Session':
          return ['session-x'];
        case 'SecureHash':
          return ['5e1f'];
        case 'Amount':
          return [
            { quantity: 100, currency: 'USD' },
            { quantity: -50, currency: 'USD' },
            { quantity: 0, currency: 'USD' },
          ];
        case 'FlowError':
          return [{ message: 'a sample error' }];
      }
      break;
    case 'enum':
      return [...type.members];
    case 'list': {
      const elements =
        depth > 2
          ? sampleValues(type.element, options, depth + 1).slice(0, 1)
          : sampleValues(type.element, options, depth + 1);
      // one element, none, and a few different ones
      return [elements.slice(0, 1), [], elements.slice(0, 3)];
    }
    case 'record': {
      const fields = type.fields.map((f) => {
        const values = sampleValues(f.type, options, depth + 1);
        return depth > 2 ? values.slice(0, 1) : values;
      });
      return combinations(fields, options.maxRecords ?? 48).map((values) =>
        Object.fromEntries(type.fields.map((f, i) => [f.name, values[i]])),
      );
    }
    case 'opaque':
      return [{}];
    case 'unit':
    case 'nothing':
    case 'error':
      return [null];
  }
  return [null];
}

/**
 * Picks value combinations: the i-th of each together first (so the first few differ in every place), then all
 * the others when there are at most `limit` in all, otherwise each value varied alone from the first of each.
 */
export function combinations(lists: readonly (readonly unknown[])[], limit: number): unknown[][] {
  const seen = new Set<string>();
  const out: unknown[][] = [];
  const push = (combo: unknown[]): void => {
    const key = JSON.stringify(combo);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(combo);
  };
  const longest = Math.max(1, ...lists.map((l) => l.length));
  for (let k = 0; k < longest; k++) push(lists.map((l) => l[k % l.length]));
  const total = lists.reduce((n, l) => n * Math.max(l.length, 1), 1);
  if (total <= limit) {
    let all: unknown[][] = [[]];
    for (const list of lists) all = all.flatMap((prefix) => list.map((v) => [...prefix, v]));
    all.forEach(push);
    return out;
  }
  const base = lists.map((l) => l[0]);
  lists.forEach((list, i) =>
    list.slice(1).forEach((v) => {
      const combo = [...base];
      combo[i] = v;
      push(combo);
    }),
  );
  return out;
}

/** Parameter sets for a flow: sample values of each parameter's type; each Session parameter its own session. */
export function sampleParams(
  ir: FlowIR,
  options: SampleOptions & { limit?: number } = {},
): Record<string, unknown>[] {
  const lists = ir.params.map((p) =>
    p.type.kind === 'primitive' && p.type.name === 'Session'
      ? [`session-${p.name}`]
      : sampleValues(p.type, options),
  );
  return combinations(lists, options.limit ?? 200).map((values) =>
    Object.fromEntries(ir.params.map((p, i) => [p.name, values[i]])),
  );
}

// ---- the explorer ------------------------------------------------------------------------------------------------

export interface ExploreOptions {
  /** The flow's IR: the types of what suspensions store, and parameter samples. */
  ir?: FlowIR;
  types?: TypeTable;
  /** Host functions; several maps explore each (host variants reach branches that depend on host results). */
  host?: HostFunctions | HostFunctions[];
  /** Parameter sets to start with (default: `sampleParams(ir)`). */
  params?: Record<string, unknown>[];
  me?: string;
  /** The most events on one path (default 16). */
  maxDepth?: number;
  /** The most paths explored before giving up (default 50,000). */
  maxPaths?: number;
}

export type PathEnding = 'done' | 'failed' | 'bound' | 'merged' | 'stuck' | 'threw';

export interface ExplorePath {
  params: Record<string, unknown>;
  host: number;
  events: FlowEvent[];
}

export interface ExploreReport {
  flow: string;
  /** Paths explored (each ends in one of `endings`). */
  paths: number;
  endings: Record<PathEnding, number>;
  states: string[];
  visited: string[];
  /** States some transition leads to that no explored path reached. */
  unvisited: string[];
  /** States no transition of the machine leads to. */
  unreachable: string[];
  exceptions: (ExplorePath & { error: string })[];
  /** Breaches of the machine contract, each once. */
  anomalies: string[];
  /** The largest checkpoint (persisted snapshot, bytes) seen at rest in each waiting state. */
  checkpoints: Record<string, number>;
  /** Results and FlowError messages seen at the ends. */
  results: unknown[];
  errors: string[];
  truncated: boolean;
}

type StateConfig = {
  always?: unknown;
  on?: Record<string, unknown>;
  type?: string;
  tags?: string[];
  meta?: Record<string, unknown>;
};

function statesOf(compiled: CompiledFlow): Record<string, StateConfig> {
  return compiled.config['states'] as Record<string, StateConfig>;
}

function targetsOf(transitions: unknown): string[] {
  if (transitions === undefined) return [];
  const list = Array.isArray(transitions) ? transitions : [transitions];
  return list.flatMap((t) => {
    if (typeof t === 'string') return [t];
    const target = (t as { target?: string | string[] }).target;
    if (target === undefined) return [];
    return (Array.isArray(target) ? target : [target]).map((x) => x.replace(/^\./, ''));
  });
}

/** The states some chain of transitions leads to from the initial state. */
export function reachableStates(compiled: CompiledFlow): Set<string> {
  const states = statesOf(compiled);
  const seen = new Set<string>();
  const work = [String(compiled.config['initial'])];
  while (work.length) {
    const id = work.pop()!;
    if (seen.has(id) || !states[id]) continue;
    seen.add(id);
    const config = states[id];
    work.push(...targetsOf(config.always));
    for (const t of Object.values(config.on ?? {})) work.push(...targetsOf(t));
  }
  return seen;
}

export function explorePaths(
  compiled: MachineArtifact | CompiledFlow,
  options: ExploreOptions = {},
): ExploreReport {
  const name = flowName(compiled);
  const states = statesOf(compiled);
  const ir = options.ir;
  const types = options.types ?? new Map<string, Type>();
  const me = options.me ?? DEFAULT_ME;
  const maxDepth = options.maxDepth ?? 16;
  const maxPaths = options.maxPaths ?? 50_000;
  const hosts = Array.isArray(options.host) ? options.host : [options.host ?? {}];
  const paramSets = options.params ?? (ir ? sampleParams(ir, { me }) : [{}]);
  const meta = compiled.config['meta'] as { progress?: { name: string }[] } | undefined;
  const progressNames = new Set((meta?.progress ?? []).map((p) => p.name));

  const report: ExploreReport = {
    flow: name,
    paths: 0,
    endings: { done: 0, failed: 0, bound: 0, merged: 0, stuck: 0, threw: 0 },
    states: Object.keys(states),
    visited: [],
    unvisited: [],
    unreachable: [],
    exceptions: [],
    anomalies: [],
    checkpoints: {},
    results: [],
    errors: [],
    truncated: false,
  };
  const visited = new Set<string>();
  const anomalies = new Set<string>();
  const results = new Map<string, unknown>();
  const errors = new Set<string>();
  const anomaly = (text: string): void => void anomalies.add(text);

  const sampleOf = (typeText: string | undefined): unknown[] => {
    if (typeText === undefined) return [null];
    const type = resolveType(typeText, types);
    if (!type) {
      anomaly(`no sample values for type "${typeText}"`);
      return [null];
    }
    return sampleValues(type, { me });
  };
  const variableType = (state: string): string | undefined => {
    const node = ir?.nodes.find((n) => n.id === state);
    const variable = node?.kind === 'suspend' ? node.suspend.variable : undefined;
    return variable === undefined ? undefined : ir?.variables.find((v) => v.name === variable)?.type;
  };

  /** The events that answer the suspension, one per branch. */
  const candidates = (state: string, waiting: FlowEffect, depth: number): FlowEvent[] => {
    const on = Object.keys(states[state]?.on ?? {});
    const events: FlowEvent[] = [];
    for (const type of on) {
      switch (type) {
        case 'session.message':
          for (const value of sampleOf(waiting['messageType'] as string))
            events.push({ type, session: waiting['session'], messageType: waiting['messageType'], value });
          break;
        case 'session.opened':
          events.push({ type, session: `session-${depth}` });
          break;
        case 'session.error':
          events.push({ type, session: waiting['session'], error: { message: 'The counterparty failed' } });
          break;
        case 'timer.fired':
          events.push({ type });
          break;
        case 'input.answered':
          for (const value of sampleOf(waiting['messageType'] as string)) events.push({ type, value });
          break;
        case 'subflow.done':
          for (const output of sampleOf(variableType(state))) events.push({ type, output });
          break;
        case 'subflow.failed':
          events.push({ type, error: { message: 'The sub-flow failed' } });
          break;
        case 'external.done':
          for (const value of sampleOf(variableType(state))) events.push({ type, value });
          break;
        case 'external.failed':
          events.push({ type, error: { message: 'The external operation failed' } });
          break;
        default:
          anomaly(`state "${state}" accepts an unknown event "${type}"`);
          events.push({ type });
      }
    }
    return events;
  };

  /** Checks one step's effects and where it rests against the machine contract. */
  const checkStep = (step: StepResult): FlowEffect | undefined => {
    step.states.forEach((s) => visited.add(s));
    let waiting: FlowEffect | undefined;
    for (const effect of step.effects) {
      if (effect.type === 'flow.progress' && !progressNames.has(String(effect['step'])))
        anomaly(`progress step "${String(effect['step'])}" is not declared`);
      if (isWaitEffect(effect)) waiting = effect;
    }
    const snapshot = step.snapshot;
    const state = stateName(snapshot);
    const config = states[state];
    const context = snapshot.context as Record<string, unknown>;
    const expectedStep = config?.meta?.['step'];
    if (expectedStep !== undefined) {
      if (context['$step'] !== expectedStep)
        anomaly(
          `state "${state}" says step "${String(expectedStep)}" but the flow is in "${String(context['$step'])}"`,
        );
      if (!snapshot.hasTag(String(expectedStep)))
        anomaly(`state "${state}" lacks the tag of its step "${String(expectedStep)}"`);
    }
    if (snapshot.status === 'active') {
      const waitsFor = config?.meta?.['waitsFor'];
      if (waitsFor === undefined) anomaly(`the flow rests in "${state}", which is no suspension`);
      else if (waiting?.type !== WAIT_EFFECTS[String(waitsFor)])
        anomaly(
          `"${state}" waits for ${String(waitsFor)} but the step emitted ${waiting?.type ?? 'no wait effect'}`,
        );
    } else if (snapshot.status === 'done') {
      const output = snapshot.output as FlowOutput;
      if (state === '$failed' && !output.error) anomaly('"$failed" ended without an error');
      if (state === '$done' && output.error) anomaly(`"$done" ended with an error: ${output.error.message}`);
      if (state === '$done' && ir?.returnTypeText && output.result === undefined)
        anomaly(`a flow returning ${ir.returnTypeText} ended without a result`);
      if (
        state === '$done' &&
        ir?.returnType &&
        output.result !== undefined &&
        !conforms(output.result, ir.returnType)
      )
        anomaly(`result ${JSON.stringify(output.result)} is no ${ir.returnTypeText}`);
    } else {
      anomaly(`the flow's status is "${snapshot.status}" in "${state}"`);
    }
    return waiting;
  };

  const explore = (
    machine: AnyStateMachine,
    snapshot: AnyMachineSnapshot,
    waiting: FlowEffect | undefined,
    path: ExplorePath,
    seen: Set<string>,
    clock: number,
  ): void => {
    if (report.paths >= maxPaths) {
      report.truncated = true;
      return;
    }
    const end = (ending: PathEnding): void => {
      report.paths++;
      report.endings[ending]++;
    };
    if (snapshot.status === 'done') {
      const output = snapshot.output as FlowOutput;
      if (output.error) errors.add(output.error.message);
      else results.set(JSON.stringify(output.result) ?? 'undefined', output.result);
      end(output.error ? 'failed' : 'done');
      return;
    }
    if (snapshot.status !== 'active' || !waiting) return end('stuck');
    const state = stateName(snapshot);
    let saved: Checkpoint;
    try {
      saved = checkpoint(machine, snapshot);
    } catch (error) {
      report.exceptions.push({ ...path, error: String(error) });
      return end('threw');
    }
    report.checkpoints[state] = Math.max(report.checkpoints[state] ?? 0, saved.bytes);
    if (seen.has(saved.json)) return end('merged');
    seen.add(saved.json);
    if (path.events.length >= maxDepth) return end('bound');
    const events = candidates(state, waiting, path.events.length);
    if (events.length === 0) return end('stuck');
    if (waiting.type === 'flow.receive') {
      // a message on another session is not for this state: nothing happens
      const other = feedEvent(machine, saved.snapshot, {
        type: 'session.message',
        session: 'another-session',
        messageType: waiting['messageType'],
        value: null,
        at: clock,
      });
      if (other.snapshot !== saved.snapshot) anomaly(`"${state}" took a message from another session`);
    }
    for (const event of events) {
      const stamped = { ...event, at: clock + 1000 };
      const next: ExplorePath = { ...path, events: [...path.events, stamped] };
      let step: StepResult;
      try {
        step = feedEvent(machine, saved.snapshot, stamped);
      } catch (error) {
        report.exceptions.push({ ...next, error: describe(error) });
        end('threw');
        continue;
      }
      if (step.snapshot === saved.snapshot) {
        anomaly(`"${state}" ignored ${event.type}, which it lists`);
        end('stuck');
        continue;
      }
      const nextWaiting = checkStep(step);
      explore(machine, step.snapshot, nextWaiting, next, seen, clock + 1000);
    }
  };

  hosts.forEach((host, hostIndex) => {
    const machine = flowMachine(compiled, host);
    const seen = new Set<string>();
    for (const params of paramSets) {
      const path: ExplorePath = { params, host: hostIndex, events: [] };
      let first: StepResult;
      try {
        first = startFlow(machine, { flowId: 'flow-1', me, params, at: BASE_TIME });
      } catch (error) {
        report.exceptions.push({ ...path, error: describe(error) });
        report.paths++;
        report.endings.threw++;
        continue;
      }
      const waiting = checkStep(first);
      explore(machine, first.snapshot, waiting, path, seen, BASE_TIME);
    }
  });

  const reachable = reachableStates(compiled);
  report.visited = report.states.filter((s) => visited.has(s));
  report.unvisited = report.states.filter((s) => !visited.has(s) && reachable.has(s));
  report.unreachable = report.states.filter((s) => !reachable.has(s));
  report.anomalies = [...anomalies];
  report.results = [...results.values()];
  report.errors = [...errors];
  return report;
}

/**
 * What is wrong with an exploration, as sentences (empty when every path ended in a final state or at the bound,
 * nothing threw, the machine kept its contract, and every state some transition leads to was reached). States
 * no transition leads to are allowed for the final states only (a flow that cannot fail, or cannot end well).
 */
export function problemsOf(report: ExploreReport, allowUnvisited: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const x of report.exceptions.slice(0, 3))
    problems.push(
      `${x.error} after ${JSON.stringify(x.events.map((e) => e.type))} with ${JSON.stringify(x.params)}`,
    );
  if (report.exceptions.length > 3) problems.push(`... and ${report.exceptions.length - 3} more exceptions`);
  problems.push(...report.anomalies);
  if (report.endings.stuck) problems.push(`${report.endings.stuck} paths got stuck`);
  if (report.truncated) problems.push('the path budget ran out');
  const unvisited = report.unvisited.filter((s) => !allowUnvisited.includes(s));
  if (unvisited.length) problems.push(`no path reached ${unvisited.join(', ')}`);
  const unreachable = report.unreachable.filter((s) => s !== '$done' && s !== '$failed');
  if (unreachable.length) problems.push(`no transition leads to ${unreachable.join(', ')}`);
  return problems;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Whether a JSON value fits a type (shallowly for host types the checker cannot look into). */
export function conforms(value: unknown, type: Type): boolean {
  switch (type.kind) {
    case 'primitive':
      switch (type.name) {
        case 'Int':
          return Number.isInteger(value);
        case 'Decimal':
        case 'Duration':
        case 'Instant':
          return typeof value === 'number' && Number.isFinite(value);
        case 'Bool':
          return typeof value === 'boolean';
        case 'String':
        case 'Party':
        case 'Session':
        case 'SecureHash':
          return typeof value === 'string';
        case 'Amount':
          return (
            typeof value === 'object' &&
            value !== null &&
            typeof (value as { quantity?: unknown }).quantity === 'number' &&
            typeof (value as { currency?: unknown }).currency === 'string'
          );
        case 'FlowError':
          return typeof value === 'object' && value !== null && 'message' in value;
      }
      return false;
    case 'list':
      return Array.isArray(value) && value.every((v) => conforms(v, type.element));
    case 'enum':
      return typeof value === 'string' && type.members.includes(value);
    case 'record':
      return (
        typeof value === 'object' &&
        value !== null &&
        type.fields.every((f) => conforms((value as Record<string, unknown>)[f.name], f.type))
      );
    default:
      return true;
  }
}

// ---- loading fixtures ----------------------------------------------------------------------------------------------

export interface LoadedFlow {
  /** The `.flow` file, as given. */
  file: string;
  name: string;
  ir: FlowIR;
  compiled: MachineArtifact;
  types: TypeTable;
  /** The host functions the flow calls, from its host modules. */
  host: HostFunctions;
}

export interface LoadedFile {
  path: string;
  diagnostics: Diagnostic[];
  flows: LoadedFlow[];
}

/** Checks the `.flow` files (with the rest of their CorDapps), lowers them and generates their machines. */
export async function loadFlowFiles(paths: readonly string[]): Promise<LoadedFile[]> {
  const { workspace, requested } = await loadWorkspace(paths);
  const modules = new Map<string, Record<string, unknown>>();
  const files: LoadedFile[] = [];
  for (const result of workspace.check(requested)) {
    const diagnostics = result.diagnostics;
    if (diagnostics.some((d) => d.severity === 'error')) {
      files.push({ path: result.path, diagnostics, flows: [] });
      continue;
    }
    const types = typeTableOf(result);
    const flows: LoadedFlow[] = [];
    for (const ir of lowerFile(result, path.basename(result.path))) {
      const host: HostFunctions = {};
      for (const fn of ir.hostFunctions) {
        const file = path.resolve(path.dirname(result.path), fn.module);
        let module = modules.get(file);
        if (!module) {
          if (!existsSync(file)) throw new Error(`host module "${fn.module}" of ${result.path} not found`);
          module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
          modules.set(file, module);
        }
        const impl = module[fn.name];
        if (typeof impl !== 'function')
          throw new Error(`host function "${fn.name}" not exported by ${fn.module}`);
        host[fn.name] = impl as HostFunctions[string];
      }
      flows.push({ file: result.path, name: ir.name, ir, compiled: generateMachine(ir), types, host });
    }
    files.push({ path: result.path, diagnostics, flows });
  }
  return files;
}
