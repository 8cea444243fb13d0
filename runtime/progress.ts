/**
 * Progress as Corda's progress tracker shows it, built from what the store keeps: each flow's step records, and
 * each sub-flow hung under the parent's step during which it was called (its child tracker). Late subscribers
 * replay this history in order before they get live steps, so no step is ever missed.
 */
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

export function progressTreeOf(store: ProgressSource, flowId: string): ProgressTree | undefined {
  const flow = store.getFlow(flowId);
  return flow ? treeOf(store, flow) : undefined;
}

function treeOf(store: ProgressSource, flow: FlowRecord): ProgressTree {
  const steps: ProgressStep[] = store
    .progressOf(flow.id)
    .map((r) => ({ step: r.step, label: r.label, at: r.at, children: [] }));
  const tree: ProgressTree = { flowId: flow.id, flow: flow.flow, status: flow.status, steps, children: [] };
  if (flow.step !== undefined) tree.current = flow.step;
  for (const child of store.childrenOf(flow.id)) {
    const subtree = treeOf(store, child);
    const under = child.parentProgress === undefined ? undefined : steps[child.parentProgress];
    (under ? under.children : tree.children).push(subtree);
  }
  return tree;
}

/** The history of a flow's progress as the events a live subscriber would have seen, in order. */
export function progressEventsOf(store: ProgressSource, flowId: string): ProgressEvent[] {
  const tree = progressTreeOf(store, flowId);
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
