/**
 * What a checkpoint holds and what a flow needs from it, per waiting state: `has` is every variable the flow may
 * have set when it rests there (with its type), `needs` every variable it may read from there on before setting
 * it (live variables). An upgrade can move a flow resting in a state to a new version when the new version's
 * state needs nothing the old checkpoint lacks (see `diff.ts`).
 */
import { successors, type FlowIR, type IRExpression, type IRNode } from './ir.js';

export interface CheckpointContext {
  has: Record<string, string>;
  needs: Record<string, string>;
}

const READ = /\bc(?:\.([A-Za-z_$][\w$]*)|\["([^"]+)"\])/g;

function reads(e: IRExpression | undefined, into: Set<string>): void {
  if (!e) return;
  for (const match of e.js.matchAll(READ)) into.add(match[1] ?? match[2]!);
}

/** Variables a node reads and writes, in that order of effect (reads happen before its writes). */
function useDef(node: IRNode): { use: Set<string>; def: Set<string> } {
  const use = new Set<string>();
  const def = new Set<string>();
  const read = (e: IRExpression | undefined): void => {
    const found = new Set<string>();
    reads(e, found);
    for (const v of found) if (!def.has(v)) use.add(v);
  };
  switch (node.kind) {
    case 'exec':
      for (const op of node.ops) {
        if (op.op === 'assign') {
          read(op.value);
          def.add(op.variable);
        } else if (op.op === 'evaluate') read(op.value);
        else if (op.op === 'send') {
          read(op.session);
          read(op.value);
        } else if (op.op === 'close') read(op.session);
      }
      break;
    case 'branch':
      read(node.condition);
      break;
    case 'suspend': {
      const s = node.suspend;
      for (const e of [
        s.session,
        s.party,
        s.prompt,
        s.within,
        s.duration,
        s.until,
        s.retry,
        s.backoff,
        ...(s.args ?? []),
      ])
        read(e);
      if (s.variable) def.add(s.variable);
      break;
    }
    case 'fail':
      read(node.message);
      break;
    case 'catch':
      if (node.variable) def.add(node.variable);
      break;
    case 'return':
      read(node.value);
      break;
    default:
      break;
  }
  return { use, def };
}

/** For every suspension state: what its checkpoint may hold and what the flow needs from it. */
export function checkpointContexts(ir: FlowIR): Record<string, CheckpointContext> {
  const byId = new Map(ir.nodes.map((n) => [n.id, n]));
  const types = new Map(ir.variables.map((v) => [v.name, v.type]));
  const facts = new Map(ir.nodes.map((n) => [n.id, useDef(n)]));

  // live variables: backward, to a fixed point
  const liveIn = new Map<string, Set<string>>(ir.nodes.map((n) => [n.id, new Set<string>()]));
  for (let changed = true; changed;) {
    changed = false;
    for (let i = ir.nodes.length - 1; i >= 0; i--) {
      const node = ir.nodes[i]!;
      const out = new Set<string>();
      for (const s of successors(node)) for (const v of liveIn.get(s) ?? []) out.add(v);
      const { use, def } = facts.get(node.id)!;
      const next = new Set(use);
      for (const v of out) if (!def.has(v)) next.add(v);
      if (next.size !== liveIn.get(node.id)!.size) {
        liveIn.set(node.id, next);
        changed = true;
      }
    }
  }

  // defined variables: forward, may-analysis from the entry (parameters are set by the start)
  const params = ir.params.map((p) => p.name);
  const definedIn = new Map<string, Set<string>>();
  const work: [string, Set<string>][] = [[ir.entry, new Set(params)]];
  while (work.length) {
    const [id, incoming] = work.pop()!;
    const node = byId.get(id);
    if (!node) continue;
    const known = definedIn.get(id);
    if (known && [...incoming].every((v) => known.has(v))) continue;
    const merged = new Set([...(known ?? []), ...incoming]);
    definedIn.set(id, merged);
    const out = new Set([...merged, ...facts.get(id)!.def]);
    for (const s of successors(node)) work.push([s, out]);
  }

  const result: Record<string, CheckpointContext> = {};
  for (const node of ir.nodes) {
    if (node.kind !== 'suspend') continue;
    const typed = (names: Iterable<string>): Record<string, string> =>
      Object.fromEntries(
        [...names]
          .filter(
            (v) =>
              !v.startsWith('$') || v.startsWith('$list') || v.startsWith('$index') || v.startsWith('$t'),
          )
          .sort()
          .map((v) => [v, types.get(v) ?? 'unknown']),
      );
    result[node.id] = { has: typed(definedIn.get(node.id) ?? []), needs: typed(liveIn.get(node.id) ?? []) };
  }
  return result;
}
