/**
 * Inlining: a call of a sub-flow becomes part of the caller's machine instead of a flow of its own.
 *
 * At run time a called flow is a flow record with its own checkpoint, start and end steps, and an event that hands
 * its result back: a trade calls about twenty library flows, so most of its steps and writes were that plumbing.
 * Here each `call X(...)` is replaced by X's states,
 * renamed `CALL/STATE` (`call_ReceiveTransaction/receive_stx`), running on a frame: X's variables live in one
 * object of the caller's context under the call's state name, created on entry from the arguments and dropped when
 * X returns or fails. X's action and guard code is reused as it is, applied to the frame (`((c, h) => code)(c[K],
 * H[X])`, `H` being every flow's host functions in the implementations module); X's own calls are inlined first.
 *
 * - A frame holds `$me` but not `$flowId`: host functions called from it get the flow's id from the step
 *   (`runtime/stepContext.ts`).
 * - Progress steps and calls emitted inside a frame carry `frames`, the `[call state, flow]` pairs from the
 *   caller down, so the runtime hangs the callee's steps under the caller's as a child tracker (as a sub-flow's).
 * - A callee that returns continues at the call's next state with the result stored; one that fails goes to the
 *   call's error edge with its message, as `subflow.failed` did.
 * - Waiting states inside a frame record what the checkpoint holds for upgrades (`meta.context`): the caller's
 *   variables at the call plus the frame, typed by a fingerprint of the callee's machine, so a frame moves to a new
 *   version only onto the same callee.
 * - Initiating flows are inlined too: `flow.open` effects carry their frames, so the runtime opens the session in
 *   the initiating flow's name (its responder starts); the session belongs to the caller's flow and ends with it.
 * - Recursive calls and calls inside `try` stay sub-flows (`flow.call`). The last because a host function that throws a FlowError ends the flow whose step it is (the
 *   runtime cannot resume a machine in the middle of a step): inlined, that would be the caller, past its `catch`.
 *   A call outside any `try` gives the same outcome either way: the failure reaches the first caller that catches
 *   it, or ends the top-level flow.
 *
 * Pure: artifacts in, artifacts out; the IR is only read (the graph views keep showing calls as calls).
 */
import { DONE, FAILED, type FlowIR } from './ir.js';
import type { ActionCode, JsonValue, MachineArtifact, MachineConfig } from './machine.js';

/** Separates a call state's name from the inlined state's in the caller's machine. */
export const FRAME_SEPARATOR = '/';

export interface InlineInput {
  ir: FlowIR;
  machine: MachineArtifact;
}

/** Every flow's machine with its inline sub-flows inlined, in the order given. */
export function inlineSubflows(flows: readonly InlineInput[]): MachineArtifact[] {
  const byName = new Map(flows.map((f) => [f.ir.name, f]));
  const done = new Map<string, MachineArtifact>();
  const active: string[] = [];

  const inlined = (name: string): MachineArtifact => {
    const cached = done.get(name);
    if (cached) return cached;
    const flow = byName.get(name)!;
    active.push(name);
    const result = inlineCalls(flow, (callee) => {
      if (active.includes(callee) || !byName.has(callee)) return undefined;
      return { ir: byName.get(callee)!.ir, machine: inlined(callee) };
    });
    active.pop();
    done.set(name, result);
    return result;
  };
  return flows.map((f) => inlined(f.ir.name));
}

function inlineCalls(
  flow: InlineInput,
  calleeOf: (name: string) => { ir: FlowIR; machine: MachineArtifact } | undefined,
): MachineArtifact {
  const { ir, machine } = flow;
  const calls = ir.nodes.filter(
    (n) =>
      n.kind === 'suspend' &&
      n.suspend.kind === 'call' &&
      n.suspend.flowKind !== 'responder' &&
      n.suspend.flow !== undefined &&
      // a call inside `try` stays a sub-flow: its host functions may throw a FlowError, which ends the step's
      // flow; as a sub-flow, that flow is the callee, and the caller's `catch` sees it fail
      n.onError === FAILED,
  );
  if (calls.length === 0) return machine;
  const states = { ...(machine.config['states'] as MachineConfig) };
  const actions: Record<string, ActionCode> = { ...machine.actions };
  const guards: Record<string, string> = { ...machine.guards };
  const trace = { ...machine.trace };
  let changed = false;
  for (const node of calls) {
    if (node.kind !== 'suspend') continue;
    const s = node.suspend;
    const callee = calleeOf(s.flow!);
    if (!callee) continue;
    changed = true;
    const K = node.id;
    const key = JSON.stringify(K);
    const name = JSON.stringify(callee.ir.name);
    const prefix = `${K}${FRAME_SEPARATOR}`;
    const rename = (state: string): string => `${prefix}${state}`;
    const onFrame = (code: string): string => `((c, h) => ${code})(c[${key}], H[${name}])`;
    const call = states[K] as MachineConfig;
    const callMeta = { ...(call['meta'] as MachineConfig) };
    const callContext = callMeta['context'] as
      { has: Record<string, string>; needs: Record<string, string> } | undefined;
    const frameType = `frame ${callee.ir.name} ${fingerprint(callee.machine)}`;
    const has: Record<string, string> = { ...(callContext?.has ?? {}), [K]: frameType };
    const needs: Record<string, string> = { ...(callContext?.needs ?? {}), [K]: frameType };

    // the callee's actions and guards, applied to the frame
    for (const [actionName, action] of Object.entries(callee.machine.actions)) {
      if (actionName === '$init') continue;
      const code = onFrame(action.code);
      const composed: ActionCode =
        action.kind === 'assign'
          ? {
              kind: 'assign',
              code: onFrame(`({ [${key}]: Object.assign({}, c, ${action.code}) })`),
            }
          : {
              kind: 'emit',
              code:
                action.effect === 'flow.progress' ||
                action.effect === 'flow.call' ||
                action.effect === 'flow.open'
                  ? `((ev) => Object.assign({}, ev, { frames: [[${key}, ${name}]].concat(ev.frames || []) }))(${code})`
                  : code,
            };
      if (action.effect) composed.effect = action.effect;
      actions[rename(actionName)] = composed;
    }
    for (const [guardName, code] of Object.entries(callee.machine.guards))
      guards[rename(guardName)] = onFrame(code);

    // the callee's states, renamed; its final states continue the caller
    for (const [state, config] of Object.entries(callee.machine.config['states'] as MachineConfig)) {
      if (state === DONE || state === FAILED) continue;
      const copy = renameState(config as MachineConfig, rename);
      const meta = { ...((copy['meta'] as MachineConfig | undefined) ?? {}) };
      if (meta['context']) meta['context'] = { has, needs };
      meta['frame'] = callee.ir.name;
      copy['meta'] = meta;
      states[rename(state)] = copy;
      const where = callee.machine.trace[state];
      if (where) trace[rename(state)] = where;
    }
    const params = callee.ir.params.map(
      (p, i) => `, ${JSON.stringify(p.name)}: ${s.args?.[i]?.js ?? 'undefined'}`,
    );
    actions[`${K}.enter`] = {
      kind: 'assign',
      code: `({ [${key}]: { $me: c.$me${params.join('')} } })`,
    };
    const result = s.variable ? `${JSON.stringify(s.variable)}: c[${key}].$result, ` : '';
    actions[`${rename(DONE)}.exit`] = { kind: 'assign', code: `({ ${result}[${key}]: undefined })` };
    actions[`${rename(FAILED)}.exit`] = {
      kind: 'assign',
      code: `({ $error: { message: String(c[${key}].$error && c[${key}].$error.message !== undefined ? c[${key}].$error.message : c[${key}].$error) }, [${key}]: undefined })`,
    };
    const callLoc = callMeta['loc'] as MachineConfig;
    states[rename(DONE)] = {
      always: { target: node.next, actions: [{ type: `${rename(DONE)}.exit` }] },
      meta: { loc: callLoc, frame: callee.ir.name },
    };
    states[rename(FAILED)] = {
      always: { target: node.onError, actions: [{ type: `${rename(FAILED)}.exit` }] },
      meta: { loc: callLoc, frame: callee.ir.name },
    };
    trace[rename(DONE)] = machine.trace[K]!;
    trace[rename(FAILED)] = machine.trace[K]!;

    // the call state now enters the frame
    delete callMeta['waitsFor'];
    delete callMeta['context'];
    callMeta['inlines'] = callee.ir.name;
    const entered: MachineConfig = {
      always: {
        target: rename(callee.machine.config['initial'] as string),
        actions: [{ type: `${K}.enter` }],
      },
      meta: callMeta,
    };
    if (call['tags']) entered['tags'] = call['tags'];
    states[K] = entered;
    for (const name of Object.keys(actions))
      if (name.startsWith(`${K}.`) && name !== `${K}.enter`) delete actions[name];
    for (const name of Object.keys(guards)) if (name.startsWith(`${K}.`)) delete guards[name];
  }
  if (!changed) return machine;
  return { name: machine.name, config: { ...machine.config, states }, actions, guards, trace };
}

/** A state's config with its targets, actions and guards renamed. */
function renameState(config: MachineConfig, rename: (name: string) => string): MachineConfig {
  const copy: MachineConfig = { ...config };
  const transition = (t: JsonValue): JsonValue => {
    if (Array.isArray(t)) return t.map(transition);
    if (t === null || typeof t !== 'object') return t;
    const out: MachineConfig = { ...t };
    if (typeof out['target'] === 'string') out['target'] = rename(out['target']);
    if (typeof out['guard'] === 'string') out['guard'] = rename(out['guard']);
    if (Array.isArray(out['actions'])) out['actions'] = out['actions'].map(action);
    return out;
  };
  const action = (a: JsonValue): JsonValue =>
    a !== null && typeof a === 'object' && !Array.isArray(a) && typeof a['type'] === 'string'
      ? { ...a, type: rename(a['type']) }
      : a;
  if (Array.isArray(copy['entry'])) copy['entry'] = copy['entry'].map(action);
  if (copy['always'] !== undefined) copy['always'] = transition(copy['always']);
  if (copy['on'] && typeof copy['on'] === 'object' && !Array.isArray(copy['on']))
    copy['on'] = Object.fromEntries(Object.entries(copy['on']).map(([event, t]) => [event, transition(t)]));
  return copy;
}

/** A short hash of a machine's states and code: equal for the same callee, different for a changed one. */
function fingerprint(machine: MachineArtifact): string {
  const text = JSON.stringify([machine.config['states'], machine.actions, machine.guards]);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
  }
  return ((a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')).slice(0, 16);
}
