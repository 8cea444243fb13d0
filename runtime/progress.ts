/**
 * Progress as Corda's progress tracker shows it, built from what the store keeps: each flow's step records, and
 * each sub-flow hung under the parent's step during which it was called (its child tracker). Late subscribers
 * replay this history in order before they get live steps, so no step is ever missed.
 */
import { TERMINAL } from './engine/records.js';
import type { CheckpointStore, FlowRecord, FlowStatus } from './store.js';

export interface ProgressEvent {
  flowId: string;
  /** The flow the step belongs to. */
  flow: string;
  /** Flow names from the top-level flow down to this one. */
  path: string[];
  /** How deep under the subscribed flow (0: its own step). */
  depth: number;
  step: string;
  label: string;
  at: number;
}

export interface ProgressStep {
  step: string;
  label: string;
  at: number;
  /** Sub-flows called while this step was current. */
  children: ProgressTree[];
}

export interface ProgressTree {
  flowId: string;
  flow: string;
  status: FlowStatus;
  /** The current step's name. */
  current?: string;
  steps: ProgressStep[];
  /** Sub-flows called before the flow's first step. */
  children: ProgressTree[];
}

type ProgressSource = Pick<CheckpointStore, 'getFlow' | 'progressOf' | 'childrenOf'>;

/** A flow's declared progress steps (with what each tracks), by its CorDapp version and name, when installed. */
export type DeclaredProgress = (
  bundle: string,
  flow: string,
) => readonly { name: string; tracks?: string }[] | undefined;

export function progressTreeOf(
  store: ProgressSource,
  flowId: string,
  declared?: DeclaredProgress,
): ProgressTree | undefined {
  const flow = store.getFlow(flowId);
  return flow ? treeOf(store, flow, declared) : undefined;
}

function treeOf(
  store: ProgressSource,
  flow: FlowRecord,
  declared: DeclaredProgress | undefined,
): ProgressTree {
  const tree: ProgressTree = {
    flowId: flow.id,
    flow: flow.flow,
    status: flow.status,
    steps: [],
    children: [],
  };
  if (flow.step !== undefined) tree.current = flow.step;
  // steps by their index in the flow's records: sub-flows hang under them
  const byIndex: ProgressStep[] = [];
  // the inlined sub-flows (frames) open at the record being read, outermost first, with their state path
  const open: { path: string; tree: ProgressTree }[] = [];
  for (const record of store.progressOf(flow.id)) {
    const frames = record.frames ?? [];
    let same = 0;
    let path = '';
    while (same < open.length && same < frames.length) {
      path += `${frames[same]![0]}/`;
      if (open[same]!.path !== path) break;
      same++;
    }
    open.length = same;
    for (let i = same; i < frames.length; i++) {
      const parent = i === 0 ? tree : open[i - 1]!.tree;
      const child: ProgressTree = {
        flowId: flow.id,
        flow: frames[i]![1],
        status: 'done',
        steps: [],
        children: [],
      };
      hang(parent, child, declared?.(flow.bundle, parent.flow));
      open.push({ path: `${i === 0 ? '' : open[i - 1]!.path}${frames[i]![0]}/`, tree: child });
    }
    const step: ProgressStep = { step: record.step, label: record.label, at: record.at, children: [] };
    (frames.length ? open[frames.length - 1]!.tree : tree).steps.push(step);
    byIndex[record.index] = step;
  }
  // a frame the flow is still in (its state is inside it) shares the flow's status and is at its last step
  const state = (flow.snapshot as { value?: unknown } | null)?.value;
  for (const { path, tree: frame } of open) {
    const inside = typeof state === 'string' && state.startsWith(path);
    if (inside || TERMINAL.has(flow.status)) frame.status = flow.status;
    if (inside) frame.current = frame.steps[frame.steps.length - 1]?.step;
    if (frame.current === undefined) delete frame.current;
  }
  for (const child of store.childrenOf(flow.id)) {
    const subtree = treeOf(store, child, declared);
    const under = child.parentProgress === undefined ? undefined : byIndex[child.parentProgress];
    (under ? under.children : tree.children).push(subtree);
  }
  return tree;
}

/**
 * Hangs an inlined sub-flow's tracker under its caller's: at the last step declared to track it, else the current
 * step, else before the caller's first step.
 */
function hang(
  parent: ProgressTree,
  child: ProgressTree,
  declared: readonly { name: string; tracks?: string }[] | undefined,
): void {
  const tracking = declared?.find((p) => p.tracks === child.flow)?.name;
  const steps = parent.steps;
  let under: ProgressStep | undefined;
  if (tracking !== undefined)
    for (let i = steps.length - 1; i >= 0 && !under; i--) if (steps[i]!.step === tracking) under = steps[i];
  under ??= steps[steps.length - 1];
  (under ? under.children : parent.children).push(child);
}

/** The history of a flow's progress as the events a live subscriber would have seen, in order. */
export function progressEventsOf(
  store: ProgressSource,
  flowId: string,
  declared?: DeclaredProgress,
): ProgressEvent[] {
  const tree = progressTreeOf(store, flowId, declared);
  if (!tree) return [];
  const root = store.getFlow(flowId)!;
  const prefix: string[] = [];
  for (
    let f = root.parent ? store.getFlow(root.parent) : undefined;
    f;
    f = f.parent ? store.getFlow(f.parent) : undefined
  )
    prefix.unshift(f.flow);
  const events: ProgressEvent[] = [];
  const walk = (node: ProgressTree, path: string[], depth: number): void => {
    const here = [...path, node.flow];
    for (const child of node.children) walk(child, here, depth + 1);
    for (const step of node.steps) {
      events.push({
        flowId: node.flowId,
        flow: node.flow,
        path: here,
        depth,
        step: step.step,
        label: step.label,
        at: step.at,
      });
      for (const child of step.children) walk(child, here, depth + 1);
    }
  };
  walk(tree, prefix, 0);
  return events;
}

/** The tree as indented text, Corda-shell style: done steps ✓, the current one ▶, sub-flows nested. */
export function renderProgressTree(tree: ProgressTree, indent = ''): string[] {
  const lines: string[] = [];
  for (const child of tree.children) lines.push(...renderProgressTree(child, `${indent}  `));
  tree.steps.forEach((step, i) => {
    const current = i === tree.steps.length - 1 && !['done', 'failed', 'killed'].includes(tree.status);
    lines.push(`${indent}${current ? '▶' : '✓'} ${step.label}`);
    for (const child of step.children) lines.push(...renderProgressTree(child, `${indent}    `));
  });
  return lines;
}
