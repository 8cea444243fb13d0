/**
 * Folding pass-through states: a state that only goes on to another state, with actions and no guard (straight-line
 * code, entering or leaving an inlined sub-flow's frame), is skipped by every transition that led to it: the
 * transition goes straight to where the state would go, with the state's actions after its own. XState pays for
 * each state a step passes through (a microstep: exit and entry sets, a snapshot, the eventless transitions); the
 * trade's machines are three quarters such states.
 *
 * The result is the same computation: XState v5 runs a transition's actions in order, each assign seeing the
 * context the previous left, exactly as the two microsteps did. The states stay in the machine (the initial state
 * may be one, a trace or an upgrade may name one) and keep their names, and so do their actions: an action that
 * throws still names the state it belongs to (`runtime/cordapp.ts` tags it), so the hospital points at its line.
 * A guarded or branching state, a waiting state and a final state are never folded.
 */
import type { JsonValue, MachineArtifact, MachineConfig } from './machine.js';

type Transition = { target?: string; actions?: JsonValue[]; guard?: string } & MachineConfig;

export function foldPassThroughStates(machine: MachineArtifact): MachineArtifact {
  const states = machine.config['states'] as Record<string, MachineConfig>;
  const passThrough = new Map<string, Transition>();
  for (const [name, state] of Object.entries(states)) {
    const always = state['always'];
    if (
      always &&
      typeof always === 'object' &&
      !Array.isArray(always) &&
      typeof always['target'] === 'string' &&
      always['guard'] === undefined &&
      state['on'] === undefined &&
      state['entry'] === undefined &&
      state['exit'] === undefined &&
      state['type'] === undefined
    )
      passThrough.set(name, always as Transition);
  }
  if (passThrough.size === 0) return machine;

  // where a transition into `name` really ends, and the actions of the states it passes through on the way
  const resolved = new Map<string, { target: string; actions: JsonValue[] }>();
  const resolve = (name: string, visiting: Set<string>): { target: string; actions: JsonValue[] } => {
    const done = resolved.get(name);
    if (done) return done;
    const step = passThrough.get(name);
    // not a pass-through, or a loop of them (which XState would refuse to run anyway): stop here
    if (!step || visiting.has(name)) return { target: name, actions: [] };
    visiting.add(name);
    const next = resolve(step.target!, visiting);
    visiting.delete(name);
    const result = { target: next.target, actions: [...(step.actions ?? []), ...next.actions] };
    resolved.set(name, result);
    return result;
  };
  const fold = (t: JsonValue, source: string): JsonValue => {
    if (Array.isArray(t)) return t.map((item) => fold(item, source));
    if (t === null || typeof t !== 'object' || typeof t['target'] !== 'string') return t;
    const end = resolve(t['target'], new Set());
    // back to the state it leaves: XState would not enter it again (its entry actions would not run), so the
    // states in between stay
    if (end.target === t['target'] || end.target === source) return t;
    const actions = [...((t['actions'] as JsonValue[] | undefined) ?? []), ...end.actions];
    const folded: MachineConfig = { ...t, target: end.target };
    if (actions.length) folded['actions'] = actions;
    return folded;
  };

  const folded: Record<string, MachineConfig> = {};
  for (const [name, state] of Object.entries(states)) {
    const copy: MachineConfig = { ...state };
    if (copy['always'] !== undefined) copy['always'] = fold(copy['always'], name);
    const on = copy['on'];
    if (on && typeof on === 'object' && !Array.isArray(on))
      copy['on'] = Object.fromEntries(Object.entries(on).map(([event, t]) => [event, fold(t, name)]));
    folded[name] = copy;
  }
  return { ...machine, config: { ...machine.config, states: folded } };
}
