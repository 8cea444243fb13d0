/**
 * What a step's emitted effects do: progress recorded, messages queued on sessions, and the suspensions that make
 * a flow wait (a receive, a session to open, a sub-flow to call, an answer, an external operation, a deadline).
 * Each becomes writes in the open batch or work to run after its commit, so a replay after a crash does the same.
 */
import type { FlowEventValue } from '../node.js';
import type { FlowRecord, FlowWait, ProgressRecord } from '../store.js';
import type { NodeCore } from './core.js';
import { runExternal } from './externals.js';
import { hospitalize } from './hospitalize.js';
import { newFlowRecord } from './records.js';
import { deliverNext, openSession, sendOnSession } from './sessions.js';

/** Applies one emitted effect; returns the wait when it is a suspension's. */
export function applyEffect(
  core: NodeCore,
  flow: FlowRecord,
  effect: FlowEventValue,
  at: number,
  lastToken: number,
): FlowWait | undefined {
  const wait = (extra: Partial<FlowWait>): FlowWait => ({
    type: effect.type,
    token: lastToken + 1,
    since: at,
    ...extra,
  });
  switch (effect.type) {
    case 'flow.progress': {
      const record: ProgressRecord = {
        flow: flow.id,
        index: flow.progressCount++,
        step: String(effect['step']),
        label: String(effect['label'] ?? effect['step']),
        at,
      };
      const frames = framesOf(effect);
      if (frames) record.frames = frames;
      else flow.step = record.step;
      core.batch.writes.progress.push(record);
      core.batch.after.push(() => core.publishProgress(flow, record));
      return undefined;
    }
    case 'flow.send':
      sendOnSession(core, flow, String(effect['session']), (session) => ({
        kind: 'data',
        session: session.peerSession,
        seq: session.sendSeq,
        messageType: String(effect['messageType']),
        value: effect['value'],
      }));
      return undefined;
    case 'flow.close': {
      const session = core.getSession(String(effect['session']));
      if (session && !session.closed) {
        sendOnSession(core, flow, session.id, (s) => ({
          kind: 'end',
          session: s.peerSession,
          seq: s.sendSeq,
        }));
        session.closed = true;
        core.putSession(session);
      }
      return undefined;
    }
    case 'flow.receive': {
      const w = wait({ session: String(effect['session']), messageType: String(effect['messageType']) });
      if (typeof effect['timeoutMs'] === 'number') w.deadline = at + effect['timeoutMs'];
      return w;
    }
    case 'flow.open': {
      const w = wait({ party: String(effect['party']) });
      const frames = framesOf(effect);
      if (frames) w.frames = frames;
      return w;
    }
    case 'flow.call': {
      const w = wait({
        callee: String(effect['flow']),
        calleeKind: String(effect['flowKind']),
        args: effect['args'] as unknown[],
      });
      const frames = framesOf(effect);
      if (frames) w.frames = frames;
      return w;
    }
    case 'flow.input': {
      const w = wait({ messageType: String(effect['messageType']), prompt: String(effect['prompt']) });
      if (typeof effect['timeoutMs'] === 'number') w.deadline = at + effect['timeoutMs'];
      return w;
    }
    case 'flow.external': {
      const w = wait({ fn: String(effect['fn']), args: effect['args'] as unknown[] });
      if (typeof effect['retry'] === 'number') w.retry = effect['retry'];
      if (typeof effect['backoffMs'] === 'number') w.backoffMs = effect['backoffMs'];
      return w;
    }
    case 'flow.sleep':
      return wait({
        deadline: typeof effect['until'] === 'number' ? effect['until'] : at + Number(effect['durationMs']),
      });
    default:
      return undefined;
  }
}

/** What happens as a flow starts waiting: a session opened, a child started, a queued message delivered. */
export function enterWait(core: NodeCore, flow: FlowRecord, wait: FlowWait): void {
  const at = wait.since;
  switch (wait.type) {
    case 'flow.receive': {
      core.batch.receiving.set(wait.session!, flow.id);
      const session = core.getSession(wait.session!);
      if (session) deliverNext(core, session, flow);
      else
        core.enqueue({
          flow: flow.id,
          token: wait.token,
          event: {
            type: 'session.error',
            at,
            session: wait.session,
            error: { message: `There is no session ${wait.session}.` },
          },
        });
      break;
    }
    case 'flow.open':
      openSession(core, flow, wait.party!, wait, at);
      break;
    case 'flow.call':
      startChild(core, flow, wait, at);
      break;
    case 'flow.external':
      core.batch.after.push(() => runExternal(core, flow));
      break;
  }
}

function startChild(core: NodeCore, parent: FlowRecord, wait: FlowWait, at: number): void {
  const cordapp = core.cordapps.get(parent.bundle)!;
  const name = wait.callee!;
  const loaded = cordapp.flows.get(name);
  if (!loaded) {
    hospitalize(
      core,
      parent,
      'version',
      `The flow "${name}" that ${parent.flow} calls is not in its CorDapp.`,
      {},
    );
    return;
  }
  parent.seq++;
  const id = `${parent.id}.${parent.seq}`;
  wait.child = id;
  core.putFlow(parent);
  const inline = wait.calleeKind === 'inline';
  const childRecord = newFlowRecord({
    id,
    root: parent.root,
    parent: parent.id,
    sessionOwner: inline ? parent.sessionOwner : id,
    bundle: parent.bundle,
    flow: name,
    at,
    ...trackingStep(core, parent, name, wait.frames),
  });
  core.putFlow(childRecord);
  const args = wait.args ?? [];
  const params = Object.fromEntries(loaded.manifest.params.map((p, i) => [p.name, args[i]]));
  core.enqueue({ flow: id, event: { type: 'flow.start', at, params } });
}

/**
 * The parent's progress record a sub-flow's tracker hangs under: the last one of the step declared to track it
 * (`Offering "..." tracks Haggle`, Corda's child progress tracker), else the current step. Called from inside an
 * inlined sub-flow (`frames`), the declaration and the steps are that sub-flow's.
 */
function trackingStep(
  core: NodeCore,
  parent: FlowRecord,
  child: string,
  frames: [string, string][] | undefined,
): { parentProgress?: number } {
  const caller = frames?.length ? frames[frames.length - 1]![1] : parent.flow;
  const declared = core.cordapps
    .get(parent.bundle)
    ?.flows.get(caller)
    ?.manifest.progress.find((p) => p.tracks === child)?.name;
  if (declared !== undefined) {
    const path = framePath(frames);
    const tracking = (r: ProgressRecord): boolean =>
      r.flow === parent.id && r.step === declared && framePath(r.frames) === path;
    // usually the step was just taken, in this batch: the store is read only when it was not
    const last =
      lastOf(core.batch.writes.progress, tracking) ?? lastOf(core.store.progressOf(parent.id), tracking);
    if (last) return { parentProgress: last.index };
  }
  return parent.progressCount > 0 ? { parentProgress: parent.progressCount - 1 } : {};
}

/** The frames of an effect emitted inside an inlined sub-flow (compiler/inline.ts), if it was. */
function framesOf(effect: FlowEventValue): [string, string][] | undefined {
  const frames = effect['frames'] as [string, string][] | undefined;
  return frames?.length ? frames : undefined;
}

function lastOf<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i];
  return undefined;
}

function framePath(frames: [string, string][] | undefined): string {
  return frames?.map((f) => f[0]).join('/') ?? '';
}
