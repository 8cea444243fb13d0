/**
 * Parking a flow in the hospital. Both a failed step and an effect that cannot go on (a sub-flow missing from the
 * CorDapp) park flows, so this sits apart from both.
 */
import type { LoadedFlow } from '../cordapp.js';
import type { FlowRecord, HospitalRecord, QueuedEvent } from '../store.js';
import type { NodeCore } from './core.js';
import { currentState } from './records.js';

/** Parks a flow: it keeps its checkpoint and its wait, and waits for its owner to retry or kill it. */
export function hospitalize(
  core: NodeCore,
  flow: FlowRecord,
  kind: HospitalRecord['kind'],
  error: string,
  options: { event?: QueuedEvent; state?: string; loaded?: LoadedFlow; attempts?: number; cause?: string },
): void {
  const at = core.clock.now();
  const state = options.state ?? currentState(flow);
  const loaded = options.loaded ?? core.cordapps.get(flow.bundle)?.flows.get(flow.flow);
  const hospital: HospitalRecord = { error, kind, state, at, attempts: options.attempts ?? 1 };
  const location = loaded?.trace[state];
  if (location) hospital.location = location;
  if (options.event) hospital.event = options.event;
  if (flow.step !== undefined) hospital.step = flow.step;
  flow.hospital = hospital;
  if (flow.status !== 'hospitalized') flow.pausedFrom = flow.status;
  flow.status = 'hospitalized';
  core.recordHistory(flow, options.cause ?? options.event?.event.type ?? kind, at, state, state, error);
  core.putFlow(flow);
  core.batch.after.push(() => core.notify({ type: 'flow.hospitalized', flowId: flow.id, error }));
}
