/**
 * Pure helpers over flow records: a new record, its current state, its outcome. Kept apart from the modules that
 * change records so each of them can use these without importing the others.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { FlowOutcome } from '../node.js';
import type { FlowRecord, FlowStatus } from '../store.js';

export const TERMINAL: ReadonlySet<FlowStatus> = new Set(['done', 'failed', 'killed']);

export function newFlowRecord(p: {
  id: string;
  root: string;
  parent?: string;
  sessionOwner: string;
  bundle: string;
  flow: string;
  at: number;
  parentProgress?: number;
}): FlowRecord {
  const record: FlowRecord = {
    id: p.id,
    root: p.root,
    sessionOwner: p.sessionOwner,
    bundle: p.bundle,
    flow: p.flow,
    status: 'running',
    snapshot: null,
    seq: 0,
    progressCount: 0,
    createdAt: p.at,
    updatedAt: p.at,
  };
  if (p.parent !== undefined) record.parent = p.parent;
  if (p.parentProgress !== undefined) record.parentProgress = p.parentProgress;
  return record;
}

export function currentState(flow: FlowRecord): string {
  const value = (flow.snapshot as { value?: unknown } | null)?.value;
  return value === undefined ? 'start' : typeof value === 'string' ? value : JSON.stringify(value);
}

export function stateKey(snapshot: AnyMachineSnapshot): string {
  const value: unknown = snapshot.value;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function outcomeOf(flow: FlowRecord): FlowOutcome {
  const outcome: FlowOutcome = { id: flow.id, status: flow.status };
  if (flow.result !== undefined) outcome.result = flow.result;
  if (flow.error) outcome.error = flow.error.message;
  if (flow.hospital) outcome.error = flow.hospital.error;
  return outcome;
}
