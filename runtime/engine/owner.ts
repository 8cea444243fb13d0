/**
 * The node owner's operations on flows: listing and inspecting them, the hospital's report, and retrying,
 * pausing, resuming or killing a flow. Each validates first (a `FlowRequestError` changes nothing), then changes
 * the records in the batch and commits at once, since the owner expects the change to hold when the call returns.
 */
import type { FlowEventValue, FlowInspection, FlowOutcome, FlowSummary, HospitalReport } from '../node.js';
import { progressTreeOf } from '../progress.js';
import type { FlowQuery, FlowRecord, FlowStatus, FlowWait, QueuedEvent } from '../store.js';
import { valueProblem } from '../valueTypes.js';
import type { NodeCore } from './core.js';
import { FlowRequestError } from './errors.js';
import { runExternal } from './externals.js';
import { currentState, outcomeOf, TERMINAL } from './records.js';
import { deliverNext } from './sessions.js';
import { finish } from './steps.js';

export function listFlows(
  core: NodeCore,
  query: { status?: FlowStatus | FlowStatus[]; all?: boolean; limit?: number },
): FlowSummary[] {
  const q: FlowQuery = {};
  if (query.status !== undefined) q.status = query.status;
  if (!query.all) q.topLevel = true;
  if (query.limit !== undefined) q.limit = query.limit;
  return core.store.listFlows(q).map((f) => summary(core, core.noteUnreadable(f)!));
}

export function inspect(core: NodeCore, id: string): FlowInspection {
  const record = core.flow(id);
  if (!record) throw new FlowRequestError(`There is no flow "${id}" on ${core.name}.`);
  const inspection: FlowInspection = {
    summary: summary(core, record),
    record,
    history: core.store.historyOf(id),
    progress: progressTreeOf(core.store, id, core.declaredProgress),
  };
  if (record.hospital) inspection.hospital = record.hospital;
  return inspection;
}

export function hospitalReport(core: NodeCore): HospitalReport {
  const flows = core.store.listFlows({ status: 'hospitalized' });
  for (const id of core.unreadable) {
    const flow = core.store.getFlow(id);
    if (flow?.unreadable !== undefined && !flows.some((f) => f.id === id)) flows.push(flow);
  }
  return {
    flows: flows.map((f) => summary(core, f)),
    sessions: core.store.pendingInits().map((s) => ({
      session: s.id,
      from: s.peer,
      cordapp: s.pendingInit!.cordapp,
      flow: s.pendingInit!.flow,
      reason: s.pendingInit!.reason,
      at: s.pendingInit!.at,
    })),
  };
}

export function retry(core: NodeCore, id: string, options: { value?: unknown }): void {
  core.alive();
  const flow = core.getFlow(id);
  if (!flow) throw new FlowRequestError(`There is no flow "${id}" on ${core.name}.`);
  const hospital = flow.hospital;
  if (flow.unreadable !== undefined || hospital?.kind === 'checkpoint')
    throw new FlowRequestError(
      `Flow ${id} cannot be retried: its checkpoint cannot be read (${flow.unreadable ?? hospital?.error}). Kill it.`,
    );
  if (flow.status !== 'hospitalized' || !hospital)
    throw new FlowRequestError(`Flow ${flow.flow} (${id}) is not in the hospital (it is ${flow.status}).`);
  const hasValue = 'value' in options;
  const wait = flow.wait;
  let event: Omit<QueuedEvent, 'id'> | undefined;
  if (hospital.kind === 'external') {
    if (hasValue)
      event = {
        flow: id,
        token: wait!.token,
        event: { type: 'external.done', at: core.clock.now(), value: options.value },
      };
  } else if (hospital.event) {
    const failed = hospital.event;
    const replay: FlowEventValue = { ...failed.event, at: core.clock.now() };
    if (hasValue) {
      if (!('value' in failed.event))
        throw new FlowRequestError(
          `The step of ${flow.flow} that failed (${failed.event.type}) carries no value to edit; retry it without one.`,
        );
      if (failed.event.type === 'input.answered' || failed.event.type === 'session.message') {
        const type = wait?.messageType ?? 'String';
        const problem = valueProblem(options.value, type, core.cordapps.get(flow.bundle)?.types ?? {});
        if (problem) throw new FlowRequestError(`The value must be a ${type}: ${problem}.`);
      }
      replay['value'] = options.value;
    }
    event = { flow: id, event: replay };
    if (failed.token !== undefined) event.token = failed.token;
  } else if (hasValue) {
    throw new FlowRequestError(`Flow ${id} failed with no value to edit; retry it without one.`);
  }
  flow.status = flow.pausedFrom === 'waiting' || flow.wait ? 'waiting' : 'running';
  delete flow.pausedFrom;
  delete flow.hospital;
  core.recordHistory(flow, 'retry', core.clock.now(), hospital.state, hospital.state);
  core.putFlow(flow);
  if (event) core.enqueue(event);
  else core.batch.after.push(() => runExternal(core, flow));
  core.flushNow();
  core.requestDrain();
}

export function pause(core: NodeCore, id: string): void {
  core.alive();
  const flow = core.getFlow(id);
  if (!flow) throw new FlowRequestError(`There is no flow "${id}" on ${core.name}.`);
  if (flow.status !== 'waiting' && flow.status !== 'running')
    throw new FlowRequestError(`Flow ${flow.flow} (${id}) cannot be paused: it is ${flow.status}.`);
  flow.pausedFrom = flow.status;
  flow.status = 'paused';
  if (flow.wait?.type === 'flow.receive' && flow.wait.session)
    core.batch.receiving.set(flow.wait.session, null);
  core.recordHistory(flow, 'pause', core.clock.now(), currentState(flow), currentState(flow));
  core.putFlow(flow);
  core.flushNow();
}

export function resume(core: NodeCore, id: string): void {
  core.alive();
  const flow = core.getFlow(id);
  if (!flow) throw new FlowRequestError(`There is no flow "${id}" on ${core.name}.`);
  if (flow.status !== 'paused')
    throw new FlowRequestError(`Flow ${flow.flow} (${id}) is not paused (it is ${flow.status}).`);
  flow.status = flow.pausedFrom ?? 'waiting';
  delete flow.pausedFrom;
  core.recordHistory(flow, 'resume', core.clock.now(), currentState(flow), currentState(flow));
  core.putFlow(flow);
  const queued = new Set(core.queue.map((e) => e.id));
  for (const event of core.store.pendingEvents())
    if (event.flow === id && !queued.has(event.id)) core.queue.push(event);
  const wait = flow.wait;
  if (flow.status === 'waiting' && wait?.type === 'flow.receive' && wait.session) {
    core.batch.receiving.set(wait.session, flow.id);
    const session = core.getSession(wait.session);
    if (session) deliverNext(core, session, flow);
  }
  if (flow.status === 'waiting' && wait?.type === 'flow.external')
    core.batch.after.push(() => runExternal(core, flow));
  core.flushNow();
  core.requestDrain();
}

export function kill(core: NodeCore, id: string, reason: string): FlowOutcome {
  core.alive();
  const target = core.getFlow(id);
  if (!target) throw new FlowRequestError(`There is no flow "${id}" on ${core.name}.`);
  const root = target.root === target.id ? target : (core.getFlow(target.root) ?? target);
  if (TERMINAL.has(root.status))
    throw new FlowRequestError(`Flow ${root.flow} (${root.id}) has already ended (${root.status}).`);
  const tree: FlowRecord[] = [];
  const collect = (flow: FlowRecord): void => {
    tree.push(flow);
    for (const child of core.store.childrenOf(flow.id)) collect(core.getFlow(child.id) ?? child);
  };
  collect(root);
  const message = `${root.flow} on ${core.name} was ${reason}.`;
  for (const flow of tree.reverse()) {
    if (TERMINAL.has(flow.status)) continue;
    if (flow.wait?.type === 'flow.receive' && flow.wait.session)
      core.batch.receiving.set(flow.wait.session, null);
    core.recordHistory(flow, 'kill', core.clock.now(), currentState(flow), 'killed');
    flow.snapshot = null;
    finish(core, flow, 'killed', { error: { message } }, true);
  }
  core.flushNow();
  return outcomeOf(core.flow(root.id)!);
}

function summary(core: NodeCore, flow: FlowRecord): FlowSummary {
  const cordapp = core.cordapps.get(flow.bundle);
  const summary: FlowSummary = {
    id: flow.id,
    flow: flow.flow,
    status: flow.status,
    cordapp: cordapp ? `${cordapp.name} ${cordapp.version}` : flow.bundle,
  };
  if (flow.step !== undefined) summary.step = flow.step;
  if (flow.parent !== undefined) summary.parent = flow.parent;
  const waiting = describeWait(flow.wait);
  if (waiting && (flow.status === 'waiting' || flow.status === 'paused' || flow.status === 'hospitalized'))
    summary.waitingFor = waiting;
  const error = flow.unreadable ?? flow.hospital?.error ?? flow.error?.message;
  if (error !== undefined) summary.error = error;
  return summary;
}

/** What a wait is for, in words (`receive Offer on session ...`). */
export function describeWait(wait: FlowWait | undefined): string | undefined {
  if (!wait) return undefined;
  const until = wait.deadline !== undefined ? ` until ${new Date(wait.deadline).toISOString()}` : '';
  switch (wait.type) {
    case 'flow.receive':
      return `a ${wait.messageType} on session ${wait.session}${until}`;
    case 'flow.open':
      return `a session with ${wait.party}`;
    case 'flow.call':
      return `sub-flow ${wait.callee}${wait.child ? ` (${wait.child})` : ''}`;
    case 'flow.input':
      return `an answer (${wait.messageType}) to "${wait.prompt}"${until}`;
    case 'flow.external':
      return `external operation ${wait.fn}`;
    case 'flow.sleep':
      return `the time${until}`;
    default:
      return wait.type;
  }
}
