/**
 * One step of a flow: a queued event fed to the flow's checkpoint with XState's pure `initialTransition()` /
 * `transition()`, giving the next checkpoint and the effects the step emitted; then what follows from it (the
 * flow waits, finishes, or fails). Everything lands in the open batch: nothing here touches the store or the
 * network directly.
 */
import type { LedgerServices } from '../ledger/services.js';
import { withStepServices } from '../stepContext.js';
import { ledgerServices, releaseLocks } from './ledger.js';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { initialStep, persistedSnapshot, step } from './xstate.js';
import { failedState, type LoadedFlow } from '../cordapp.js';
import {
  backoffDelay,
  errorMessage,
  isFlowErrorLike,
  isTransientError,
  TRANSIENT_ATTEMPTS,
} from '../hospital.js';
import type { EngineProfile, FlowEventValue } from '../node.js';
import type { FlowRecord, FlowStatus, FlowWait, QueuedEvent } from '../store.js';
import type { NodeCore } from './core.js';
import { applyEffect, enterWait } from './effects.js';
import { hospitalize } from './hospitalize.js';
import { outcomeOf, stateKey, TERMINAL } from './records.js';
import { sendOnSession } from './sessions.js';
import { maybeUpgrade } from './upgrade.js';

export function processEvent(core: NodeCore, queued: QueuedEvent): void {
  core.consume(queued);
  const flow = core.getFlow(queued.flow);
  if (!flow || TERMINAL.has(flow.status)) return;
  // a paused flow's events, and those of a flow whose checkpoint cannot be read, stay pending in the store
  if (flow.status === 'paused' || flow.unreadable !== undefined) return core.unconsume(queued);
  if (flow.status === 'hospitalized') return;
  if (queued.token !== undefined && flow.wait?.token !== queued.token) return; // an answer to an earlier wait
  if (queued.token === undefined && queued.event.type !== 'flow.start') return;
  if (queued.event.type === '$external.failed') {
    const error = String(queued.event['error']);
    const attempts = Number(queued.event['attempts'] ?? 1);
    hospitalize(core, flow, 'external', error, { attempts, cause: 'external.failed' });
    return;
  }
  let cordapp = core.cordapps.get(flow.bundle);
  if (cordapp && queued.event.type !== 'flow.start') cordapp = maybeUpgrade(core, flow, cordapp);
  const loaded = cordapp?.flows.get(flow.flow);
  if (!cordapp || !loaded) {
    hospitalize(
      core,
      flow,
      'version',
      `The CorDapp version this flow runs on (${flow.bundle}) is not installed.`,
      {
        event: queued,
      },
    );
    return;
  }
  const machine = loaded.machine;
  const at = queued.event.at;
  let next: AnyMachineSnapshot;
  let actions: readonly { type: string; params?: unknown }[];
  let state = 'start';
  let previous: AnyMachineSnapshot | undefined;
  // host functions reach the node's ledger through their context, for this step only
  let ledger: LedgerServices | undefined;
  const services = {
    flowId: flow.id,
    get ledger(): LedgerServices {
      return (ledger ??= ledgerServices(core, flow));
    },
  };
  const profile = core.hooks.profile;
  try {
    const started = profile ? startTransition(profile) : 0;
    try {
      if (queued.event.type === 'flow.start') {
        const input = { flowId: flow.id, me: core.name, params: queued.event['params'], at };
        [next, actions] = withStepServices(services, () => initialStep(machine, input));
      } else {
        const restored = machine.resolveState(flow.snapshot as never);
        previous = restored;
        state = stateKey(restored);
        [next, actions] = withStepServices(services, () => step(machine, restored, queued.event));
      }
    } finally {
      if (profile) endTransition(profile, started);
    }
    // XState reports an action or guard that threw as a snapshot in error, not as an exception
    if (next.status === 'error') throw next.error;
  } catch (error) {
    stepFailed(
      core,
      flow,
      queued,
      error,
      state,
      loaded,
      previous === undefined && queued.event.type !== 'flow.start',
    );
    return;
  }
  core.stepAttempts.delete(queued.id);
  if (queued.event.type === 'timer.fired') core.timersQueued.delete(`${flow.id}#${queued.token}`);
  // no transition took the event: the routing above prevents it, but it must not corrupt the flow
  if (next === previous) return;
  core.recordHistory(flow, queued.event.type, at, state, stateKey(next));
  afterStep(core, flow, machine, next, actions, at);
}

function startTransition(profile: EngineProfile): number {
  profile.inTransition = true;
  return performance.now();
}

function endTransition(profile: EngineProfile, started: number): void {
  profile.transition += performance.now() - started;
  profile.transitions++;
  profile.inTransition = false;
}

/**
 * A step threw. A transient failure is tried again from the same checkpoint after a backoff (the event stays
 * pending in the store meanwhile); anything else, or a transient failure that outlasts its attempts, parks the
 * flow in the hospital at the state it was in, with the event to feed again when the owner retries.
 */
function stepFailed(
  core: NodeCore,
  flow: FlowRecord,
  queued: QueuedEvent,
  error: unknown,
  state: string,
  loaded: LoadedFlow,
  unreadable: boolean,
): void {
  if (unreadable) {
    hospitalize(
      core,
      flow,
      'checkpoint',
      `The checkpoint of ${flow.flow} cannot be restored: ${errorMessage(error)}`,
      {
        event: queued,
        state,
      },
    );
    return;
  }
  // a host function that throws an error named FlowError ends the flow with that FlowError, as `fail` would
  // (it cannot be caught: the step never happened), and its counterparties get the message
  if (isFlowErrorLike(error)) {
    core.stepAttempts.delete(queued.id);
    const message = errorMessage(error);
    core.recordHistory(flow, queued.event.type, queued.event.at, state, '$failed', message);
    flow.snapshot = null;
    finish(core, flow, 'failed', { error: { message } });
    return;
  }
  const attempts = (core.stepAttempts.get(queued.id) ?? 0) + 1;
  if (isTransientError(error) && attempts < TRANSIENT_ATTEMPTS) {
    core.stepAttempts.set(queued.id, attempts);
    core.unconsume(queued);
    const delay = backoffDelay(attempts - 1, undefined, core.random);
    core.clock.wakeAt(core.clock.now() + delay, () => {
      if (core.dead) return;
      core.queue.push(queued);
      core.requestDrain();
    });
    return;
  }
  core.stepAttempts.delete(queued.id);
  hospitalize(core, flow, 'transition', errorMessage(error), {
    event: queued,
    state: failedState(error) ?? state,
    loaded,
    attempts,
  });
}

function afterStep(
  core: NodeCore,
  flow: FlowRecord,
  machine: AnyStateMachine,
  next: AnyMachineSnapshot,
  actions: readonly { type: string; params?: unknown }[],
  at: number,
): void {
  const previousWait = flow.wait;
  if (previousWait?.type === 'flow.receive' && previousWait.session)
    core.batch.receiving.set(previousWait.session, null);
  delete flow.wait;
  flow.status = 'running';
  const waits: FlowWait[] = [];
  for (const action of actions) {
    if (action.type !== 'xstate.emit') continue;
    const effect = (action.params as { event: FlowEventValue }).event;
    const wait = applyEffect(core, flow, effect, at, previousWait?.token ?? 0);
    if (wait) waits.push(wait);
  }
  if (next.status === 'done') {
    const output = (next.output ?? {}) as { result?: unknown; error?: { message: string } };
    flow.snapshot = null;
    finish(core, flow, output.error ? 'failed' : 'done', output);
    return;
  }
  flow.snapshot = persistedSnapshot(machine, next);
  const wait = waits[waits.length - 1];
  if (wait) {
    flow.wait = wait;
    flow.status = 'waiting';
  }
  core.putFlow(flow);
  if (wait) enterWait(core, flow, wait);
}

export function finish(
  core: NodeCore,
  flow: FlowRecord,
  status: FlowStatus,
  output: { result?: unknown; error?: { message: string } },
  killed = false,
): void {
  flow.status = status;
  delete flow.wait;
  if (flow.root === flow.id) releaseLocks(core, flow.id);
  if (output.error) flow.error = { message: output.error.message };
  else if (output.result !== undefined) flow.result = output.result;
  core.putFlow(flow);
  if (flow.sessionOwner === flow.id) {
    for (const session of core.sessionsOwnedBy(flow.id)) {
      if (session.closed) continue;
      const message = flow.error?.message;
      sendOnSession(core, flow, session.id, (s) =>
        message !== undefined
          ? { kind: 'error', session: s.peerSession, seq: s.sendSeq, message }
          : { kind: 'end', session: s.peerSession, seq: s.sendSeq },
      );
      session.closed = true;
      session.inbox = [];
      core.putSession(session);
    }
  }
  const at = core.clock.now();
  if (flow.parent && !killed) {
    const parent = core.getFlow(flow.parent);
    if (parent?.wait?.type === 'flow.call' && parent.wait.child === flow.id) {
      core.enqueue({
        flow: parent.id,
        token: parent.wait.token,
        event:
          status === 'done'
            ? { type: 'subflow.done', at, output: flow.result }
            : {
                type: 'subflow.failed',
                at,
                error: { message: flow.error?.message ?? `${flow.flow} ${status}` },
              },
      });
    }
  }
  const outcome = outcomeOf(flow);
  core.batch.after.push(() => {
    const list = core.waiters.get(flow.id);
    core.waiters.delete(flow.id);
    for (const resolve of list ?? []) resolve(outcome);
    core.notify({ type: 'flow.ended', outcome });
  });
}
