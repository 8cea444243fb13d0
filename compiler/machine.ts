/**
 * Machine generation: flow IR to an XState v5 machine config that is pure JSON, plus the code of the named
 * actions and guards it refers to (written into the implementations module by `node/emit.ts`).
 *
 * - Each IR node is a state; straight-line code and branches are eventless (`always`) transitions, so only
 *   suspension states are ever at rest, and a persisted snapshot is a checkpoint.
 * - A suspension state emits what it waits for on entry (`flow.receive`, `flow.call`, ...: the runtime's
 *   effects) and leaves on the event that answers it (`session.message`, `subflow.done`, ...).
 * - Effects of straight-line code (`flow.send`, `flow.close`, `flow.progress`) are `emit` actions, returned by
 *   XState's pure `transition()` to the runtime, which persists before it executes them.
 * - Variables live flat in `context`; system fields start with `$` (`$step`, `$result`, `$error`, `$me`).
 */
import type { SourceLocation } from '../language/index.js';
import { checkpointContexts } from './checkpoints.js';
import { suspendLabel } from './graph.js';
import { DONE, type FlowIR, type IRExpression, type IRNode, type Operation } from './ir.js';

export interface ActionCode {
  kind: 'assign' | 'emit';
  /** A JavaScript expression over `c` (context) and `e` (event): the context update, or the emitted event. */
  code: string;
  /** For an `emit` of a progress step or a suspension's effect: the effect's type (`flow.progress`, `flow.call`...). */
  effect?: string;
}

export interface TraceLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type MachineConfig = { [key: string]: JsonValue };

export interface MachineArtifact {
  name: string;
  config: MachineConfig;
  actions: Record<string, ActionCode>;
  guards: Record<string, string>;
  /** Every state to the `.flow` range it came from. */
  trace: Record<string, TraceLocation>;
}

/** Events the runtime sends to a flow, by what the flow waits for. */
export const FlowEvents = {
  SessionOpened: 'session.opened',
  SessionMessage: 'session.message',
  SessionError: 'session.error',
  TimerFired: 'timer.fired',
  InputAnswered: 'input.answered',
  SubflowDone: 'subflow.done',
  SubflowFailed: 'subflow.failed',
  ExternalDone: 'external.done',
  ExternalFailed: 'external.failed',
} as const;

/** Effects a flow's transitions emit for the runtime to carry out. */
export const FlowEffects = {
  Send: 'flow.send',
  Close: 'flow.close',
  Progress: 'flow.progress',
  Receive: 'flow.receive',
  Open: 'flow.open',
  Call: 'flow.call',
  Input: 'flow.input',
  External: 'flow.external',
  Sleep: 'flow.sleep',
} as const;

function traceLocation(file: string, loc: SourceLocation): TraceLocation {
  return { file, line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn };
}

function json(value: string): string {
  return JSON.stringify(value);
}

class MachineBuilder {
  readonly actions: Record<string, ActionCode> = {};
  readonly guards: Record<string, string> = {};

  constructor(private readonly ir: FlowIR) {}

  private action(name: string, kind: ActionCode['kind'], code: string, effect?: string): { type: string } {
    this.actions[name] = effect ? { kind, code, effect } : { kind, code };
    return { type: name };
  }

  private guard(name: string, code: string): string {
    this.guards[name] = code;
    return name;
  }

  private labelOf(step: string): string {
    return this.ir.progress.find((p) => p.name === step)?.label ?? step;
  }

  private operation(state: string, index: number, op: Operation): { type: string }[] {
    const name = `${state}.${index}`;
    switch (op.op) {
      case 'assign':
        return [this.action(name, 'assign', `({ ${json(op.variable)}: ${op.value.js} })`)];
      case 'evaluate':
        return [this.action(name, 'assign', `(void ${op.value.js}, {})`)];
      case 'clear':
        return [
          this.action(name, 'assign', `({ ${op.variables.map((v) => `${json(v)}: undefined`).join(', ')} })`),
        ];
      case 'send':
        return [
          this.action(
            name,
            'emit',
            `({ type: ${json(FlowEffects.Send)}, session: ${op.session.js}, messageType: ${json(op.messageType)}, value: ${op.value.js} })`,
          ),
        ];
      case 'close':
        return [
          this.action(name, 'emit', `({ type: ${json(FlowEffects.Close)}, session: ${op.session.js} })`),
        ];
      case 'step':
        return [
          this.action(`${name}.set`, 'assign', `({ $step: ${json(op.step)} })`),
          this.action(
            name,
            'emit',
            `({ type: ${json(FlowEffects.Progress)}, step: ${json(op.step)}, label: ${json(this.labelOf(op.step))} })`,
            FlowEffects.Progress,
          ),
        ];
    }
  }

  private errorAssign(name: string, code: string): { type: string } {
    return this.action(name, 'assign', `({ $error: { message: ${code} } })`);
  }

  state(node: IRNode): MachineConfig {
    const meta: { [key: string]: JsonValue } = { loc: { ...traceLocation(this.ir.file, node.loc) } };
    const state: MachineConfig = {};
    if (node.step) {
      meta['step'] = node.step;
      meta['label'] = this.labelOf(node.step);
      state['tags'] = [node.step];
    }
    switch (node.kind) {
      case 'exec':
        state['always'] = {
          target: node.next,
          actions: node.ops.flatMap((op, i) => this.operation(node.id, i, op)),
        };
        break;
      case 'branch':
        meta['branch'] = node.label;
        meta['text'] = node.condition.text;
        state['always'] = [
          { guard: this.guard(node.id, node.condition.js), target: node.then },
          { target: node.else },
        ];
        break;
      case 'fail':
        state['always'] = {
          target: node.onError,
          actions: [
            this.action(`${node.id}.error`, 'assign', `({ $error: { message: ${node.message.js} } })`),
          ],
        };
        break;
      case 'catch': {
        const bind = node.variable ? `${json(node.variable)}: c.$error, ` : '';
        state['always'] = {
          target: node.next,
          actions: [this.action(`${node.id}.catch`, 'assign', `({ ${bind}$error: undefined })`)],
        };
        break;
      }
      case 'return':
        state['always'] = {
          target: DONE,
          actions: node.value
            ? [this.action(`${node.id}.result`, 'assign', `({ $result: ${node.value.js} })`)]
            : [],
        };
        break;
      case 'done':
      case 'failed':
        state['type'] = 'final';
        break;
      case 'suspend':
        Object.assign(state, this.suspend(node, meta));
        break;
    }
    state['meta'] = meta;
    return state;
  }

  private suspend(
    node: Extract<IRNode, { kind: 'suspend' }>,
    meta: { [key: string]: JsonValue },
  ): MachineConfig {
    const s = node.suspend;
    const id = node.id;
    meta['waitsFor'] = s.kind;
    meta['text'] = suspendLabel(node);
    const store = (value: string): { type: string }[] =>
      s.variable ? [this.action(`${id}.store`, 'assign', `({ ${json(s.variable)}: ${value} })`)] : [];
    const fail = (code: string, why: 'error' | 'timeout' = 'error') => ({
      target: node.onError,
      actions: [this.errorAssign(`${id}.${why}`, code)],
    });
    const fromEvent = 'String(e.error && e.error.message !== undefined ? e.error.message : e.error)';
    const optional = (key: string, e: IRExpression | undefined): string => (e ? `, ${key}: ${e.js}` : '');
    const on: MachineConfig = {};
    let effect: string;
    switch (s.kind) {
      case 'receive': {
        const session = s.session!.js;
        meta['messageType'] = s.type!;
        effect = `({ type: ${json(FlowEffects.Receive)}, session: ${session}, messageType: ${json(s.type!)}${optional('timeoutMs', s.within)} })`;
        const same = this.guard(`${id}.session`, `e.session === ${session}`);
        on[FlowEvents.SessionMessage] = { guard: same, target: node.next, actions: store('e.value') };
        on[FlowEvents.SessionError] = { guard: same, ...fail(fromEvent) };
        if (s.within)
          on[FlowEvents.TimerFired] = fail(
            json(`Timed out waiting for ${s.type} from ${s.session!.text} (within ${s.within.text}).`),
            'timeout',
          );
        break;
      }
      case 'open':
        effect = `({ type: ${json(FlowEffects.Open)}, party: ${s.party!.js} })`;
        on[FlowEvents.SessionOpened] = { target: node.next, actions: store('e.session') };
        on[FlowEvents.SessionError] = fail(fromEvent);
        break;
      case 'call':
        meta['flow'] = s.flow!;
        effect = `({ type: ${json(FlowEffects.Call)}, flow: ${json(s.flow!)}, flowKind: ${json(s.flowKind ?? 'inline')}, args: [${(s.args ?? []).map((a) => a.js).join(', ')}] })`;
        on[FlowEvents.SubflowDone] = { target: node.next, actions: store('e.output') };
        on[FlowEvents.SubflowFailed] = fail(fromEvent);
        break;
      case 'input':
        meta['messageType'] = s.type!;
        effect = `({ type: ${json(FlowEffects.Input)}, messageType: ${json(s.type!)}, prompt: ${s.prompt!.js}${optional('timeoutMs', s.within)} })`;
        on[FlowEvents.InputAnswered] = { target: node.next, actions: store('e.value') };
        if (s.within)
          on[FlowEvents.TimerFired] = fail(
            json(`Timed out waiting for an answer (within ${s.within.text}).`),
            'timeout',
          );
        break;
      case 'external':
        meta['fn'] = s.fn!;
        effect = `({ type: ${json(FlowEffects.External)}, fn: ${json(s.fn!)}, args: [${(s.args ?? []).map((a) => a.js).join(', ')}]${optional('retry', s.retry)}${optional('backoffMs', s.backoff)} })`;
        on[FlowEvents.ExternalDone] = { target: node.next, actions: store('e.value') };
        on[FlowEvents.ExternalFailed] = fail(fromEvent);
        break;
      case 'sleep':
        effect = s.until
          ? `({ type: ${json(FlowEffects.Sleep)}, until: ${s.until.js} })`
          : `({ type: ${json(FlowEffects.Sleep)}, durationMs: ${s.duration!.js} })`;
        on[FlowEvents.TimerFired] = { target: node.next };
        break;
    }
    const kinds = {
      receive: 'Receive',
      open: 'Open',
      call: 'Call',
      input: 'Input',
      external: 'External',
      sleep: 'Sleep',
    } as const;
    return { entry: [this.action(`${id}.wait`, 'emit', effect, FlowEffects[kinds[s.kind]])], on };
  }
}

export function generateMachine(ir: FlowIR): MachineArtifact {
  const builder = new MachineBuilder(ir);
  const states: MachineConfig = {};
  const trace: Record<string, TraceLocation> = {};
  const contexts = checkpointContexts(ir);
  for (const node of ir.nodes) {
    const state = builder.state(node);
    const context = contexts[node.id];
    // what a checkpoint here holds and what the flow needs from it: upgrades decide with this (compiler/diff.ts)
    if (context) (state['meta'] as MachineConfig)['context'] = { has: context.has, needs: context.needs };
    states[node.id] = state;
    trace[node.id] = traceLocation(ir.file, node.loc);
  }
  const params = ir.params.map((p) => p.name);
  builder.actions['$init'] = {
    kind: 'assign',
    code: `({ $flowId: e.input.flowId, $me: e.input.me${params.map((p) => `, ${json(p)}: e.input.params[${json(p)}]`).join('')} })`,
  };
  const meta: { [key: string]: JsonValue } = {
    flow: ir.name,
    kind: ir.kind,
    file: ir.file,
    version: ir.version,
    startable: ir.startable,
    progress: ir.progress.map((p) => (p.tracks ? { ...p, tracks: p.tracks } : { ...p })),
    loc: { ...traceLocation(ir.file, ir.loc) },
  };
  if (ir.respondsTo) meta['respondsTo'] = ir.respondsTo;
  const config: MachineConfig = {
    id: ir.name,
    context: {},
    entry: [{ type: '$init' }],
    initial: ir.entry,
    meta,
    states,
  };
  return { name: ir.name, config, actions: builder.actions, guards: builder.guards, trace };
}
