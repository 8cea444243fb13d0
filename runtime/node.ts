/**
 * A node: it runs the flows of the CorDapps installed on it, durably. Isomorphic: the store, the clock, the
 * transport and the scheduler are injected (SQLite and a real clock in a node process; the memory store, a
 * simulated clock and the mock network in tests and in the designer).
 *
 * Each flow is an XState machine driven with the pure `initialTransition()` / `transition()`: an event (a start,
 * a message, a timer, an answer, a sub-flow's result) is fed to the flow's checkpoint, which yields the next
 * checkpoint and the effects the step emitted. A drain processes queued events and incoming messages into one
 * `WriteSet` (group commit: many steps, one transaction), **commits it, then executes** what must happen outside:
 * sending the outbox, calling external operations, arming the next deadline, telling observers. A crash anywhere
 * loses nothing committed, and everything to do after a crash is derivable from the store (see `open`).
 */
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { failedState, type LoadedCordapp, type LoadedFlow } from './cordapp.js';
import {
  isAck,
  responderSessionId,
  type Envelope,
  type SessionBody,
  type Transport,
  type WireMessage,
} from './messages.js';
import {
  emptyWriteSet,
  isEmptyWriteSet,
  type CheckpointStore,
  type FlowRecord,
  type FlowQuery,
  type FlowStatus,
  type FlowWait,
  type HistoryRecord,
  type HospitalRecord,
  type InboxMessage,
  type ProgressRecord,
  type QueuedEvent,
  type SessionRecord,
  type WriteSet,
} from './store.js';
import { typeFits, valueProblem } from './valueTypes.js';
import {
  backoffDelay,
  errorMessage,
  isFlowErrorLike,
  isTransientError,
  MAX_BACKOFF_MS,
  TRANSIENT_ATTEMPTS,
} from './hospital.js';
import { UpgradePlanner, type UpgradeVerdict } from './upgrades.js';
import { progressEventsOf, progressTreeOf, type ProgressEvent, type ProgressTree } from './progress.js';

export type FlowEventValue = { type: string; at: number } & Record<string, unknown>;

export interface FlowOutcome {
  id: string;
  status: FlowStatus;
  result?: unknown;
  error?: string;
}

export interface FlowHandle {
  id: string;
  /** Settles when the start is committed: from then on the flow survives a crash. */
  started: Promise<void>;
  /** Settles when the flow ends (done, failed or killed). */
  result: Promise<FlowOutcome>;
}

export interface InputRequest {
  flowId: string;
  flow: string;
  prompt: string;
  type: string;
  deadline?: number;
  since: number;
}

/** A flow as the node's owner sees it in a listing. */
export interface FlowSummary {
  id: string;
  flow: string;
  status: FlowStatus;
  /** The CorDapp version it runs on. */
  cordapp: string;
  step?: string;
  /** What it waits for, in words. */
  waitingFor?: string;
  error?: string;
  parent?: string;
}

export interface FlowInspection {
  summary: FlowSummary;
  record: FlowRecord;
  history: HistoryRecord[];
  progress: ProgressTree | undefined;
  hospital?: HospitalRecord;
}

/** What the hospital holds: parked flows, and initial messages for flows this node does not have. */
export interface HospitalReport {
  flows: FlowSummary[];
  sessions: { session: string; from: string; cordapp: string; flow: string; reason: string; at: number }[];
}

/** Observes the node: a flow hospitalized, a commit made. */
export type NodeEvent =
  | { type: 'flow.hospitalized'; flowId: string; error: string }
  | { type: 'flow.upgraded'; flowId: string; from: string; to: string }
  | { type: 'flow.ended'; outcome: FlowOutcome }
  | { type: 'committed'; commit: number; steps: number };

/** Test hooks: return `'crash'` to crash the node at that point (its memory lost, its store kept). */
export interface NodeHooks {
  /** After the n-th commit (from 1), before its effects are executed. */
  afterCommit?(commit: number): 'crash' | void;
  /** After the n-th commit's effects were executed. */
  afterExecute?(commit: number): 'crash' | void;
}

export interface NodeOptions {
  name: string;
  store: CheckpointStore;
  transport: Transport;
  clock?: Clock;
  /** Runs a drain later (default: `setImmediate`, or `setTimeout(0)` in a browser). */
  schedule?: (task: () => void) => void;
  /** The most steps one commit holds (default 256). 1 commits every step alone. */
  maxBatchSteps?: number;
  /** New flow ids (default: `crypto.randomUUID()`). */
  newId?: () => string;
  /** Loads an installed bundle again when the node reopens. */
  loadBundle?: (text: string) => Promise<LoadedCordapp>;
  hooks?: NodeHooks;
  /** Sends unacknowledged messages again after this long (real time, default 1000 ms); 0 turns it off. */
  resendAfterMs?: number;
  /** Random numbers for backoff jitter (default `Math.random`). */
  random?: () => number;
}

export class NodeCrashed extends Error {
  override name = 'NodeCrashed';
}

/** A bad request to the node (an unknown flow, wrong parameters, an answer of the wrong type): nothing changed. */
export class FlowRequestError extends Error {
  override name = 'FlowRequestError';
}

const TERMINAL: ReadonlySet<FlowStatus> = new Set(['done', 'failed', 'killed']);
/** How many times a commit refused with a busy or locked store is tried again before the node stops. */
const COMMIT_ATTEMPTS = 20;

interface Batch {
  writes: WriteSet;
  /** Flows read or changed in this batch (changed ones are also in `writes.flows`). */
  flows: Map<string, FlowRecord>;
  sessions: Map<string, SessionRecord>;
  /** Who waits to receive on a session, as changed in this batch (null: nobody any more). */
  receiving: Map<string, string | null>;
  steps: number;
  /** Done after the commit, in order. */
  after: (() => void)[];
  acks: WireMessage[];
  sends: Envelope[];
  started: (() => void)[];
}

function newBatch(): Batch {
  return {
    writes: emptyWriteSet(),
    flows: new Map(),
    sessions: new Map(),
    receiving: new Map(),
    steps: 0,
    after: [],
    acks: [],
    sends: [],
    started: [],
  };
}

const defaultSchedule = (task: () => void): void => {
  const g = globalThis as { setImmediate?: (fn: () => void) => void };
  if (g.setImmediate) g.setImmediate(task);
  else setTimeout(task, 0);
};

export class FlowNode {
  readonly name: string;
  readonly store: CheckpointStore;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly schedule: (task: () => void) => void;
  private readonly maxBatchSteps: number;
  private readonly newId: () => string;
  private readonly hooks: NodeHooks;
  private readonly resendAfterMs: number;
  private readonly cordapps = new Map<string, LoadedCordapp>();
  private queue: QueuedEvent[] = [];
  private inbound: WireMessage[] = [];
  private batch: Batch = newBatch();
  private nextEventId = 1;
  private commits = 0;
  private drainScheduled = false;
  private draining = false;
  private dead = false;
  private waiters = new Map<string, ((outcome: FlowOutcome) => void)[]>();
  private progressObservers = new Map<string, Set<(event: ProgressEvent) => void>>();
  private nodeObservers = new Set<(event: NodeEvent) => void>();
  private cancelTimer?: () => void;
  private timerAt?: number;
  private timersQueued = new Set<string>();
  private externalsRunning = new Set<string>();
  /** Host calls whose promise has not settled yet (a backoff wait on the clock does not count). */
  private externalCalls = 0;
  /** Flows whose stored checkpoint could not be read, as met so far (they are reported by `hospital()`). */
  private unreadable = new Set<string>();
  private resendTimer?: ReturnType<typeof setTimeout>;
  private readonly random: () => number;
  private readonly upgrades = new UpgradePlanner();
  /** A commit the store refused as busy, waiting to be tried again: nothing else runs meanwhile. */
  private blocked = false;
  /** Events held back after a transient failure of their step, by id: the attempts made so far. */
  private stepAttempts = new Map<number, number>();

  private constructor(options: NodeOptions) {
    this.name = options.name;
    this.store = options.store;
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.schedule = options.schedule ?? defaultSchedule;
    this.maxBatchSteps = Math.max(1, options.maxBatchSteps ?? 256);
    this.newId = options.newId ?? (() => globalThis.crypto.randomUUID());
    this.hooks = options.hooks ?? {};
    this.resendAfterMs = options.resendAfterMs ?? 1000;
    this.random = options.random ?? Math.random;
  }

  /**
   * Opens a node on its store: reloads the installed bundles, re-queues the events not yet consumed, sends the
   * outbox again, calls again the external operations flows wait for, and arms the earliest deadline.
   */
  static async open(options: NodeOptions): Promise<FlowNode> {
    const node = new FlowNode(options);
    for (const bundle of options.store.bundles()) {
      if (!options.loadBundle)
        throw new Error(
          `The store holds CorDapp ${bundle.name} ${bundle.version}; give the node a loadBundle.`,
        );
      const cordapp = await options.loadBundle(bundle.text);
      if (cordapp.hash !== bundle.hash)
        throw new Error(
          `The stored bundle of ${bundle.name} ${bundle.version} no longer matches its hash ${bundle.hash}.`,
        );
      node.cordapps.set(cordapp.hash, cordapp);
    }
    node.queue = options.store.pendingEvents();
    node.nextEventId = Math.max(
      Number(options.store.getMeta('nextEventId') ?? 1),
      ...node.queue.map((e) => e.id + 1),
    );
    for (const flow of options.store.listFlows({ waiting: 'flow.external' })) node.runExternal(flow);
    node.resend();
    node.armTimer();
    if (node.queue.length) node.requestDrain();
    return node;
  }

  // ---- CorDapps --------------------------------------------------------------------------------------------------

  /** Installs a verified CorDapp version (kept in the store, so the node has it again after a restart). */
  install(cordapp: LoadedCordapp): void {
    this.alive();
    if (this.cordapps.has(cordapp.hash)) return;
    this.cordapps.set(cordapp.hash, cordapp);
    this.batch.writes.bundles.push({
      hash: cordapp.hash,
      name: cordapp.name,
      version: cordapp.version,
      text: cordapp.text,
      installedAt: this.clock.now(),
    });
    // initial messages kept in the hospital for want of this CorDapp: their responders start now
    for (const session of this.store.pendingInits()) {
      const init = session.pendingInit!;
      if (init.cordapp !== cordapp.name) continue;
      this.acceptInit(session, init.flow, init.cordapp);
    }
    this.flushNow();
    this.requestDrain();
  }

  /**
   * Removes an installed version. Refused, with the list of them, while flows still run on it: they would have
   * nothing to run on.
   */
  uninstall(hash: string): void {
    this.alive();
    const cordapp = this.cordapps.get(hash);
    if (!cordapp)
      throw new FlowRequestError(`No CorDapp version with hash ${hash} is installed on ${this.name}.`);
    const active = this.store
      .listFlows({ bundle: hash })
      .concat([...this.batch.flows.values()].filter((f) => f.bundle === hash))
      .filter((f, i, all) => !TERMINAL.has(f.status) && all.findIndex((g) => g.id === f.id) === i);
    if (active.length) {
      const list = active.map((f) => `${f.flow} ${f.id} (${f.status}${f.step ? `, at ${f.step}` : ''})`);
      throw new FlowRequestError(
        `${cordapp.name} ${cordapp.version} cannot be uninstalled: ${active.length} flow${active.length === 1 ? '' : 's'} still run${active.length === 1 ? 's' : ''} on it: ${list.join(', ')}.`,
      );
    }
    this.cordapps.delete(hash);
    this.batch.writes.bundlesRemoved.add(hash);
    this.flushNow();
  }

  installed(): LoadedCordapp[] {
    return [...this.cordapps.values()];
  }

  // ---- starting flows --------------------------------------------------------------------------------------------

  /** Starts a flow by name. Unknown flows and wrong parameters throw a `FlowRequestError` and create nothing. */
  startFlow(
    flowName: string,
    params: Record<string, unknown>,
    options: { cordapp?: string } = {},
  ): FlowHandle {
    this.alive();
    const found = this.findFlow(flowName, options.cordapp);
    const { cordapp, flow } = found;
    if (flow.manifest.kind === 'responder')
      throw new FlowRequestError(
        `"${flowName}" is a responder flow: it starts when its initiator opens a session, not on request.`,
      );
    this.checkParams(flow, params, cordapp);
    const id = this.newId();
    const at = this.clock.now();
    const record = this.newFlowRecord({
      id,
      root: id,
      sessionOwner: id,
      bundle: cordapp.hash,
      flow: flowName,
      at,
    });
    this.putFlow(record);
    this.enqueue({ flow: id, event: { type: 'flow.start', at, params } });
    let started!: () => void;
    const startedPromise = new Promise<void>((resolve) => (started = resolve));
    this.batch.started.push(started);
    const result = this.waitFor(id);
    this.requestDrain();
    return { id, started: startedPromise, result };
  }

  private findFlow(flowName: string, cordappName?: string): { cordapp: LoadedCordapp; flow: LoadedFlow } {
    const candidates = this.installed()
      .filter((c) => cordappName === undefined || c.name === cordappName)
      .filter((c) => c.flows.has(flowName));
    if (candidates.length === 0) {
      const names = this.installed().flatMap((c) =>
        [...c.flows.values()].filter((f) => f.manifest.kind !== 'responder').map((f) => f.manifest.name),
      );
      throw new FlowRequestError(
        `No flow named "${flowName}" is installed on ${this.name}${cordappName ? ` in ${cordappName}` : ''}.` +
          (names.length
            ? ` Flows it can start: ${[...new Set(names)].sort().join(', ')}.`
            : ' It has no CorDapps installed.'),
      );
    }
    const cordapp = newest(candidates);
    return { cordapp, flow: cordapp.flows.get(flowName)! };
  }

  private checkParams(flow: LoadedFlow, params: Record<string, unknown>, cordapp: LoadedCordapp): void {
    const declared = flow.manifest.params;
    const problems: string[] = [];
    for (const p of declared) {
      if (!(p.name in params)) problems.push(`"${p.name}" (${p.type}) is missing`);
      else {
        const problem = valueProblem(params[p.name], p.type, cordapp.types);
        if (problem) problems.push(`"${p.name}": ${problem}`);
        else if (p.type === 'Party' && !this.transport.knows(params[p.name] as string))
          problems.push(`"${p.name}": no party named "${String(params[p.name])}" is known to ${this.name}`);
      }
    }
    for (const name of Object.keys(params))
      if (!declared.some((p) => p.name === name)) problems.push(`"${name}" is not a parameter`);
    if (problems.length) {
      const signature = declared.map((p) => `${p.name}: ${p.type}`).join(', ');
      throw new FlowRequestError(`Cannot start ${flow.manifest.name}(${signature}): ${problems.join('; ')}.`);
    }
  }

  // ---- queries ---------------------------------------------------------------------------------------------------

  flow(id: string): FlowRecord | undefined {
    return this.batch.flows.get(id) ?? this.noteUnreadable(this.store.getFlow(id));
  }

  /** Settles when the flow ends; at once if it already has. */
  waitFor(id: string): Promise<FlowOutcome> {
    const flow = this.flow(id);
    if (flow && TERMINAL.has(flow.status)) return Promise.resolve(outcomeOf(flow));
    return new Promise((resolve) => {
      let list = this.waiters.get(id);
      if (!list) this.waiters.set(id, (list = []));
      list.push(resolve);
    });
  }

  /** Flows waiting for a human answer. */
  inputs(): InputRequest[] {
    return this.store.listFlows({ waiting: 'flow.input' }).map((f) => {
      const request: InputRequest = {
        flowId: f.id,
        flow: f.flow,
        prompt: f.wait!.prompt ?? '',
        type: f.wait!.messageType ?? 'String',
        since: f.wait!.since,
      };
      if (f.wait!.deadline !== undefined) request.deadline = f.wait!.deadline;
      return request;
    });
  }

  /** Answers a flow's `await input`; an answer of the wrong type throws and changes nothing. */
  answerInput(flowId: string, value: unknown): void {
    this.alive();
    const flow = this.flow(flowId);
    if (!flow) throw new FlowRequestError(`There is no flow "${flowId}" on ${this.name}.`);
    const wait = flow.wait;
    if (flow.status !== 'waiting' || wait?.type !== 'flow.input')
      throw new FlowRequestError(
        `Flow ${flow.flow} (${flowId}) is not waiting for input (it is ${flow.status}).`,
      );
    const cordapp = this.cordapps.get(flow.bundle)!;
    const type = wait.messageType ?? 'String';
    const problem = valueProblem(value, type, cordapp.types);
    if (problem)
      throw new FlowRequestError(`The answer to "${wait.prompt ?? ''}" must be a ${type}: ${problem}.`);
    this.enqueue({
      flow: flowId,
      token: wait.token,
      event: { type: 'input.answered', at: this.clock.now(), value },
    });
    this.requestDrain();
  }

  /** The flow's progress records and its sub-flows' as a tree. */
  progressTree(flowId: string): ProgressTree | undefined {
    return progressTreeOf(this.store, flowId);
  }

  /**
   * Streams a flow's progress (its sub-flows' nested): first everything so far, in order, then each new step as
   * it is committed. Returns the function that stops it.
   */
  subscribeProgress(flowId: string, observer: (event: ProgressEvent) => void): () => void {
    for (const event of progressEventsOf(this.store, flowId)) observer(event);
    let set = this.progressObservers.get(flowId);
    if (!set) this.progressObservers.set(flowId, (set = new Set()));
    set.add(observer);
    return () => set.delete(observer);
  }

  onEvent(observer: (event: NodeEvent) => void): () => void {
    this.nodeObservers.add(observer);
    return () => this.nodeObservers.delete(observer);
  }

  get commitCount(): number {
    return this.commits;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Whether the node has nothing queued: no event, no incoming message, no external operation running. */
  get idle(): boolean {
    return this.queue.length === 0 && this.inbound.length === 0 && this.externalCalls === 0 && !this.draining;
  }

  // ---- the owner's operations ---------------------------------------------------------------------------------------

  /** Flows by status (all by default), top-level ones only unless `all`, with their current step. */
  flows(query: { status?: FlowStatus | FlowStatus[]; all?: boolean; limit?: number } = {}): FlowSummary[] {
    const q: FlowQuery = {};
    if (query.status !== undefined) q.status = query.status;
    if (!query.all) q.topLevel = true;
    if (query.limit !== undefined) q.limit = query.limit;
    return this.store.listFlows(q).map((f) => this.summary(this.noteUnreadable(f)!));
  }

  /** Everything about one flow: its record, history, progress, and why it is in the hospital. */
  inspect(id: string): FlowInspection {
    const record = this.flow(id);
    if (!record) throw new FlowRequestError(`There is no flow "${id}" on ${this.name}.`);
    const inspection: FlowInspection = {
      summary: this.summary(record),
      record,
      history: this.store.historyOf(id),
      progress: this.progressTree(id),
    };
    if (record.hospital) inspection.hospital = record.hospital;
    return inspection;
  }

  hospital(): HospitalReport {
    const flows = this.store.listFlows({ status: 'hospitalized' });
    for (const id of this.unreadable) {
      const flow = this.store.getFlow(id);
      if (flow?.unreadable !== undefined && !flows.some((f) => f.id === id)) flows.push(flow);
    }
    return {
      flows: flows.map((f) => this.summary(f)),
      sessions: this.store.pendingInits().map((s) => ({
        session: s.id,
        from: s.peer,
        cordapp: s.pendingInit!.cordapp,
        flow: s.pendingInit!.flow,
        reason: s.pendingInit!.reason,
        at: s.pendingInit!.at,
      })),
    };
  }

  /**
   * Tries a hospitalized flow again from its last checkpoint: the failed step's event is fed again, or the failed
   * external operation called again. With `value`, that value is used instead: the answer to the input, the
   * message received, or the external operation's result.
   */
  retry(id: string, options: { value?: unknown } = {}): void {
    this.alive();
    const flow = this.getFlow(id);
    if (!flow) throw new FlowRequestError(`There is no flow "${id}" on ${this.name}.`);
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
          event: { type: 'external.done', at: this.clock.now(), value: options.value },
        };
    } else if (hospital.event) {
      const failed = hospital.event;
      const replay: FlowEventValue = { ...failed.event, at: this.clock.now() };
      if (hasValue) {
        if (!('value' in failed.event))
          throw new FlowRequestError(
            `The step of ${flow.flow} that failed (${failed.event.type}) carries no value to edit; retry it without one.`,
          );
        if (failed.event.type === 'input.answered' || failed.event.type === 'session.message') {
          const type = wait?.messageType ?? 'String';
          const problem = valueProblem(options.value, type, this.cordapps.get(flow.bundle)?.types ?? {});
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
    this.recordHistory(flow, 'retry', this.clock.now(), hospital.state, hospital.state);
    this.putFlow(flow);
    if (event) this.enqueue(event);
    else this.batch.after.push(() => this.runExternal(flow));
    this.flushNow();
    this.requestDrain();
  }

  /** Holds a flow: its events stay pending until it is resumed. */
  pause(id: string): void {
    this.alive();
    const flow = this.getFlow(id);
    if (!flow) throw new FlowRequestError(`There is no flow "${id}" on ${this.name}.`);
    if (flow.status !== 'waiting' && flow.status !== 'running')
      throw new FlowRequestError(`Flow ${flow.flow} (${id}) cannot be paused: it is ${flow.status}.`);
    flow.pausedFrom = flow.status;
    flow.status = 'paused';
    if (flow.wait?.type === 'flow.receive' && flow.wait.session)
      this.batch.receiving.set(flow.wait.session, null);
    this.recordHistory(flow, 'pause', this.clock.now(), currentState(flow), currentState(flow));
    this.putFlow(flow);
    this.flushNow();
  }

  resume(id: string): void {
    this.alive();
    const flow = this.getFlow(id);
    if (!flow) throw new FlowRequestError(`There is no flow "${id}" on ${this.name}.`);
    if (flow.status !== 'paused')
      throw new FlowRequestError(`Flow ${flow.flow} (${id}) is not paused (it is ${flow.status}).`);
    flow.status = flow.pausedFrom ?? 'waiting';
    delete flow.pausedFrom;
    this.recordHistory(flow, 'resume', this.clock.now(), currentState(flow), currentState(flow));
    this.putFlow(flow);
    const queued = new Set(this.queue.map((e) => e.id));
    for (const event of this.store.pendingEvents())
      if (event.flow === id && !queued.has(event.id)) this.queue.push(event);
    const wait = flow.wait;
    if (flow.status === 'waiting' && wait?.type === 'flow.receive' && wait.session) {
      this.batch.receiving.set(wait.session, flow.id);
      const session = this.getSession(wait.session);
      if (session) this.deliverNext(session, flow);
    }
    if (flow.status === 'waiting' && wait?.type === 'flow.external')
      this.batch.after.push(() => this.runExternal(flow));
    this.flushNow();
    this.requestDrain();
  }

  /**
   * Kills a flow with all its sub-flows: each counterparty session gets an error (so the flows on the other side
   * end too, or catch it), its timers and waits are dropped, and whatever it holds is released.
   */
  kill(id: string, reason = 'killed by the owner of the node'): FlowOutcome {
    this.alive();
    const target = this.getFlow(id);
    if (!target) throw new FlowRequestError(`There is no flow "${id}" on ${this.name}.`);
    const root = target.root === target.id ? target : (this.getFlow(target.root) ?? target);
    if (TERMINAL.has(root.status))
      throw new FlowRequestError(`Flow ${root.flow} (${root.id}) has already ended (${root.status}).`);
    const tree: FlowRecord[] = [];
    const collect = (flow: FlowRecord): void => {
      tree.push(flow);
      for (const child of this.store.childrenOf(flow.id)) collect(this.getFlow(child.id) ?? child);
    };
    collect(root);
    const message = `${root.flow} on ${this.name} was ${reason}.`;
    for (const flow of tree.reverse()) {
      if (TERMINAL.has(flow.status)) continue;
      if (flow.wait?.type === 'flow.receive' && flow.wait.session)
        this.batch.receiving.set(flow.wait.session, null);
      this.recordHistory(flow, 'kill', this.clock.now(), currentState(flow), 'killed');
      flow.snapshot = null;
      this.finish(flow, 'killed', { error: { message } }, true);
    }
    this.flushNow();
    return outcomeOf(this.flow(root.id)!);
  }

  private summary(flow: FlowRecord): FlowSummary {
    const cordapp = this.cordapps.get(flow.bundle);
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

  // ---- the transport's side ----------------------------------------------------------------------------------------

  /** A message from another node (or an acknowledgement); it takes effect in the next drain. */
  deliver(message: WireMessage): void {
    if (this.dead) return;
    this.inbound.push(message);
    this.requestDrain();
  }

  /** Sends again every message no node has acknowledged. */
  resend(): void {
    if (this.dead) return;
    for (const message of this.store.outbox()) {
      this.transport.send(message.message as Envelope);
    }
    this.armResend();
  }

  /** Simulates a crash: everything in memory is dropped, nothing more is done; the store keeps what was committed. */
  crash(): void {
    this.dead = true;
    this.cancelTimer?.();
    if (this.resendTimer) clearTimeout(this.resendTimer);
    this.queue = [];
    this.inbound = [];
    this.waiters.clear();
    this.batch = newBatch();
  }

  /** Stops the node cleanly: commits what is pending and closes the store. */
  close(): void {
    if (this.dead) return;
    this.drain();
    this.crash();
    this.store.close();
  }

  // ---- the drain ---------------------------------------------------------------------------------------------------

  private requestDrain(): void {
    if (this.drainScheduled || this.dead) return;
    this.drainScheduled = true;
    this.schedule(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Processes what is queued, up to `maxBatchSteps` steps, in one commit; then executes its effects. */
  drain(): void {
    if (this.dead || this.draining || this.blocked) return;
    this.draining = true;
    try {
      const batch = this.batch;
      while (batch.steps < this.maxBatchSteps) {
        const message = this.inbound.shift();
        if (message) {
          this.handleWire(message);
          continue;
        }
        const event = this.queue.shift();
        if (!event) break;
        this.process(event);
        batch.steps++;
      }
      this.commitBatch();
    } catch (error) {
      if (!(error instanceof NodeCrashed)) throw error;
    } finally {
      this.draining = false;
    }
    if (!this.dead && (this.queue.length || this.inbound.length)) this.requestDrain();
  }

  /** Commits the open batch now (used by calls that change state outside a drain). */
  private flushNow(): void {
    if (this.draining || this.blocked) return;
    this.draining = true;
    try {
      this.commitBatch();
    } finally {
      this.draining = false;
    }
  }

  private commitBatch(): void {
    const batch = this.batch;
    this.batch = newBatch();
    if (isEmptyWriteSet(batch.writes) && batch.after.length === 0 && batch.acks.length === 0) return;
    if (!isEmptyWriteSet(batch.writes)) {
      batch.writes.meta.set('nextEventId', String(this.nextEventId));
      try {
        this.store.commit(batch.writes);
      } catch (error) {
        // nothing of the batch was applied. A busy store: the same write set is committed again, later.
        if (isTransientError(error)) {
          this.retryCommit(batch, error, 1);
          return;
        }
        // anything else: the node stops; reopened, it redoes the batch from what is committed
        this.crash();
        throw error;
      }
      this.afterCommit(batch);
    } else this.execute(batch);
  }

  /** Tries a refused commit again after a bounded backoff; everything else waits meanwhile. */
  private retryCommit(batch: Batch, error: unknown, attempt: number): void {
    if (attempt >= COMMIT_ATTEMPTS) {
      this.crash();
      throw new Error(
        `${this.name} stopped: its store stayed busy through ${COMMIT_ATTEMPTS} attempts to commit (${errorMessage(error)}).`,
        { cause: error },
      );
    }
    this.blocked = true;
    const delay = Math.min(2000, backoffDelay(attempt - 1, 10, this.random));
    setTimeout(() => {
      if (this.dead) return;
      try {
        this.store.commit(batch.writes);
      } catch (again) {
        if (isTransientError(again)) return this.retryCommit(batch, again, attempt + 1);
        this.crash();
        throw again;
      }
      this.blocked = false;
      try {
        this.afterCommit(batch);
      } catch (crash) {
        if (!(crash instanceof NodeCrashed)) throw crash;
        return;
      }
      this.requestDrain();
    }, delay);
  }

  private afterCommit(batch: Batch): void {
    this.commits++;
    if (this.hooks.afterCommit?.(this.commits) === 'crash') {
      this.crash();
      throw new NodeCrashed(`${this.name} crashed after commit ${this.commits}`);
    }
    this.execute(batch);
  }

  /** What a commit lets happen: messages out, acknowledgements, external operations, deadlines, observers. */
  private execute(batch: Batch): void {
    for (const envelope of batch.sends) this.transport.send(envelope);
    for (const ack of batch.acks) this.transport.send(ack);
    if (batch.sends.length) this.armResend();
    for (const task of batch.after) task();
    for (const started of batch.started) started();
    this.armTimer();
    this.notify({ type: 'committed', commit: this.commits, steps: batch.steps });
    if (this.hooks.afterExecute?.(this.commits) === 'crash') {
      this.crash();
      throw new NodeCrashed(`${this.name} crashed after executing commit ${this.commits}`);
    }
  }

  // ---- records within the batch ------------------------------------------------------------------------------------

  private getFlow(id: string): FlowRecord | undefined {
    let flow = this.batch.flows.get(id);
    if (!flow) {
      flow = this.noteUnreadable(this.store.getFlow(id));
      if (flow) this.batch.flows.set(id, flow);
    }
    return flow;
  }

  private noteUnreadable(flow: FlowRecord | undefined): FlowRecord | undefined {
    if (flow?.unreadable !== undefined) this.unreadable.add(flow.id);
    return flow;
  }

  private putFlow(flow: FlowRecord): void {
    flow.updatedAt = this.clock.now();
    this.batch.flows.set(flow.id, flow);
    this.batch.writes.flows.set(flow.id, flow);
  }

  private getSession(id: string): SessionRecord | undefined {
    let session = this.batch.sessions.get(id);
    if (!session) {
      session = this.store.getSession(id);
      if (session) this.batch.sessions.set(id, session);
    }
    return session;
  }

  private putSession(session: SessionRecord): void {
    this.batch.sessions.set(session.id, session);
    this.batch.writes.sessions.set(session.id, session);
  }

  private sessionsOwnedBy(owner: string): SessionRecord[] {
    const result = new Map<string, SessionRecord>();
    for (const s of this.store.sessionsOf(owner)) result.set(s.id, this.getSession(s.id)!);
    for (const s of this.batch.sessions.values()) if (s.owner === owner) result.set(s.id, s);
    return [...result.values()];
  }

  private receivingOn(session: string): FlowRecord | undefined {
    const local = this.batch.receiving.get(session);
    const id = local === undefined ? this.store.flowReceivingOn(session) : local;
    if (!id) return undefined;
    const flow = this.getFlow(id);
    return flow?.status === 'waiting' && flow.wait?.type === 'flow.receive' && flow.wait.session === session
      ? flow
      : undefined;
  }

  /** Undoes `consume`: the event stays pending in the store (a paused or unreadable flow's, a step to retry). */
  private unconsume(event: QueuedEvent): void {
    if (!this.batch.writes.eventsRemoved.delete(event.id)) this.batch.writes.eventsAdded.set(event.id, event);
  }

  private enqueue(event: Omit<QueuedEvent, 'id'>): void {
    const queued = { ...event, id: this.nextEventId++ } as QueuedEvent;
    this.queue.push(queued);
    this.batch.writes.eventsAdded.set(queued.id, queued);
  }

  private consume(event: QueuedEvent): void {
    if (!this.batch.writes.eventsAdded.delete(event.id)) this.batch.writes.eventsRemoved.add(event.id);
  }

  private newFlowRecord(p: {
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

  // ---- one step ----------------------------------------------------------------------------------------------------

  private process(queued: QueuedEvent): void {
    this.consume(queued);
    const flow = this.getFlow(queued.flow);
    if (!flow || TERMINAL.has(flow.status)) return;
    // a paused flow's events, and those of a flow whose checkpoint cannot be read, stay pending in the store
    if (flow.status === 'paused' || flow.unreadable !== undefined) return this.unconsume(queued);
    if (flow.status === 'hospitalized') return;
    if (queued.token !== undefined && flow.wait?.token !== queued.token) return; // an answer to an earlier wait
    if (queued.token === undefined && queued.event.type !== 'flow.start') return;
    if (queued.event.type === '$external.failed') {
      const error = String(queued.event['error']);
      const attempts = Number(queued.event['attempts'] ?? 1);
      this.hospitalize(flow, 'external', error, { attempts, cause: 'external.failed' });
      return;
    }
    let cordapp = this.cordapps.get(flow.bundle);
    if (cordapp && queued.event.type !== 'flow.start') cordapp = this.maybeUpgrade(flow, cordapp);
    const loaded = cordapp?.flows.get(flow.flow);
    if (!cordapp || !loaded) {
      this.hospitalize(
        flow,
        'version',
        `The CorDapp version this flow runs on (${flow.bundle}) is not installed.`,
        { event: queued },
      );
      return;
    }
    const machine = loaded.machine;
    const at = queued.event.at;
    let next: AnyMachineSnapshot;
    let actions: readonly { type: string; params?: unknown }[];
    let state = 'start';
    let previous: AnyMachineSnapshot | undefined;
    try {
      if (queued.event.type === 'flow.start') {
        const input = { flowId: flow.id, me: this.name, params: queued.event['params'], at };
        [next, actions] = initialTransition(machine, input);
      } else {
        previous = machine.resolveState(flow.snapshot as never);
        state = stateKey(previous);
        [next, actions] = transition(machine, previous, queued.event as never);
      }
      // XState reports an action or guard that threw as a snapshot in error, not as an exception
      if (next.status === 'error') throw next.error;
    } catch (error) {
      this.stepFailed(
        flow,
        queued,
        error,
        state,
        loaded,
        previous === undefined && queued.event.type !== 'flow.start',
      );
      return;
    }
    this.stepAttempts.delete(queued.id);
    if (queued.event.type === 'timer.fired') this.timersQueued.delete(`${flow.id}#${queued.token}`);
    // no transition took the event: the routing above prevents it, but it must not corrupt the flow
    if (next === previous) return;
    this.recordHistory(flow, queued.event.type, at, state, stateKey(next));
    this.afterStep(flow, machine, next, actions, at);
  }

  /**
   * A step threw. A transient failure is tried again from the same checkpoint after a backoff (the event stays
   * pending in the store meanwhile); anything else, or a transient failure that outlasts its attempts, parks the
   * flow in the hospital at the state it was in, with the event to feed again when the owner retries.
   */
  private stepFailed(
    flow: FlowRecord,
    queued: QueuedEvent,
    error: unknown,
    state: string,
    loaded: LoadedFlow,
    unreadable: boolean,
  ): void {
    if (unreadable) {
      this.hospitalize(
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
    const attempts = (this.stepAttempts.get(queued.id) ?? 0) + 1;
    if (isTransientError(error) && attempts < TRANSIENT_ATTEMPTS) {
      this.stepAttempts.set(queued.id, attempts);
      this.unconsume(queued);
      const delay = backoffDelay(attempts - 1, undefined, this.random);
      this.clock.wakeAt(this.clock.now() + delay, () => {
        if (this.dead) return;
        this.queue.push(queued);
        this.requestDrain();
      });
      return;
    }
    this.stepAttempts.delete(queued.id);
    this.hospitalize(flow, 'transition', errorMessage(error), {
      event: queued,
      state: failedState(error) ?? state,
      loaded,
      attempts,
    });
  }

  private recordHistory(
    flow: FlowRecord,
    event: string,
    at: number,
    from: string,
    to: string,
    error?: string,
  ): void {
    const record: HistoryRecord = { flow: flow.id, index: flow.historyCount ?? 0, event, at, from, to };
    if (error !== undefined) record.error = error;
    flow.historyCount = record.index + 1;
    this.batch.writes.history.push(record);
  }

  /**
   * Moves the flow to the newest installed version of its CorDapp when `flowc diff` says its waiting state is
   * compatible there; otherwise it stays, and finishes on the version it started on.
   */
  private maybeUpgrade(flow: FlowRecord, current: LoadedCordapp): LoadedCordapp {
    const candidates = this.installed().filter((c) => c.name === current.name);
    const latest = newest(candidates);
    if (latest.hash === current.hash || compareVersions(latest.version, current.version) <= 0) return current;
    // decided once, at the first step after the new version came: a flow that stays, finishes where it is
    if (flow.stays === latest.hash) return current;
    const snapshot = flow.snapshot as { value?: unknown } | null;
    if (!snapshot || typeof snapshot.value !== 'string') return current;
    let verdict: UpgradeVerdict;
    try {
      verdict = this.upgrades.verdict(current, latest, flow.flow, snapshot.value);
    } catch (error) {
      verdict = { move: false, reason: `the versions cannot be compared: ${errorMessage(error)}` };
    }
    if (!verdict.move) {
      flow.stays = latest.hash;
      this.recordHistory(
        flow,
        'upgrade refused',
        this.clock.now(),
        snapshot.value,
        `${latest.version}: ${verdict.reason}`,
      );
      this.putFlow(flow);
      return current;
    }
    const from = snapshot.value;
    flow.snapshot = { ...snapshot, value: verdict.state };
    flow.bundle = latest.hash;
    this.recordHistory(
      flow,
      'upgrade',
      this.clock.now(),
      `${from}@${current.version}`,
      `${verdict.state}@${latest.version}`,
    );
    this.putFlow(flow);
    this.batch.after.push(() =>
      this.notify({ type: 'flow.upgraded', flowId: flow.id, from: current.version, to: latest.version }),
    );
    return latest;
  }

  private afterStep(
    flow: FlowRecord,
    machine: AnyStateMachine,
    next: AnyMachineSnapshot,
    actions: readonly { type: string; params?: unknown }[],
    at: number,
  ): void {
    const previousWait = flow.wait;
    if (previousWait?.type === 'flow.receive' && previousWait.session)
      this.batch.receiving.set(previousWait.session, null);
    delete flow.wait;
    flow.status = 'running';
    const waits: FlowWait[] = [];
    for (const action of actions) {
      if (action.type !== 'xstate.emit') continue;
      const effect = (action.params as { event: FlowEventValue }).event;
      const wait = this.effect(flow, effect, at, previousWait?.token ?? 0);
      if (wait) waits.push(wait);
    }
    if (next.status === 'done') {
      const output = (next.output ?? {}) as { result?: unknown; error?: { message: string } };
      flow.snapshot = null;
      this.finish(flow, output.error ? 'failed' : 'done', output);
      return;
    }
    flow.snapshot = machine.getPersistedSnapshot(next);
    const wait = waits[waits.length - 1];
    if (wait) {
      flow.wait = wait;
      flow.status = 'waiting';
    }
    this.putFlow(flow);
    if (wait) this.enterWait(flow, wait);
  }

  /** Applies one emitted effect; returns the wait when it is a suspension's. */
  private effect(
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
        flow.step = record.step;
        this.batch.writes.progress.push(record);
        this.batch.after.push(() => this.publishProgress(flow, record));
        return undefined;
      }
      case 'flow.send':
        this.sendOnSession(flow, String(effect['session']), (session) => ({
          kind: 'data',
          session: session.peerSession,
          seq: session.sendSeq,
          messageType: String(effect['messageType']),
          value: effect['value'],
        }));
        return undefined;
      case 'flow.close': {
        const session = this.getSession(String(effect['session']));
        if (session && !session.closed) {
          this.sendOnSession(flow, session.id, (s) => ({
            kind: 'end',
            session: s.peerSession,
            seq: s.sendSeq,
          }));
          session.closed = true;
          this.putSession(session);
        }
        return undefined;
      }
      case 'flow.receive': {
        const w = wait({ session: String(effect['session']), messageType: String(effect['messageType']) });
        if (typeof effect['timeoutMs'] === 'number') w.deadline = at + effect['timeoutMs'];
        return w;
      }
      case 'flow.open':
        return wait({ party: String(effect['party']) });
      case 'flow.call':
        return wait({
          callee: String(effect['flow']),
          calleeKind: String(effect['flowKind']),
          args: effect['args'] as unknown[],
        });
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
  private enterWait(flow: FlowRecord, wait: FlowWait): void {
    const at = wait.since;
    switch (wait.type) {
      case 'flow.receive': {
        this.batch.receiving.set(wait.session!, flow.id);
        const session = this.getSession(wait.session!);
        if (session) this.deliverNext(session, flow);
        else
          this.enqueue({
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
        this.openSession(flow, wait.party!, wait, at);
        break;
      case 'flow.call':
        this.startChild(flow, wait, at);
        break;
      case 'flow.external':
        this.batch.after.push(() => this.runExternal(flow));
        break;
    }
  }

  private openSession(flow: FlowRecord, party: string, wait: FlowWait, at: number): void {
    // the wait records the party; the session id is derived from the owner's counter, so a replay gives the same
    const owner = this.getFlow(flow.sessionOwner) ?? flow;
    const ownerFlow = this.cordapps.get(owner.bundle)?.flows.get(owner.flow);
    if (!this.transport.knows(party)) {
      this.enqueue({
        flow: flow.id,
        token: wait.token,
        event: {
          type: 'session.error',
          at,
          error: { message: `No party named "${party}" is known to ${this.name}.` },
        },
      });
      return;
    }
    owner.seq++;
    const id = `${owner.id}.s${owner.seq}`;
    if (owner !== flow) this.putFlow(owner);
    const session: SessionRecord = {
      id,
      owner: owner.id,
      peer: party,
      peerSession: responderSessionId(id),
      initiator: true,
      sendSeq: 1,
      recvSeq: 0,
      inbox: [],
      closed: false,
      peerEnded: false,
      confirmed: false,
    };
    this.putSession(session);
    const cordapp = this.cordapps.get(owner.bundle)!;
    this.queueSend(party, `${id}:0`, {
      kind: 'init',
      session: id,
      cordapp: cordapp.name,
      flow: owner.flow,
      protocolVersion: ownerFlow?.manifest.protocolVersion ?? 1,
      seq: 0,
    });
    this.enqueue({ flow: flow.id, token: wait.token, event: { type: 'session.opened', at, session: id } });
  }

  private startChild(parent: FlowRecord, wait: FlowWait, at: number): void {
    const cordapp = this.cordapps.get(parent.bundle)!;
    const name = wait.callee!;
    const loaded = cordapp.flows.get(name);
    if (!loaded) {
      this.hospitalize(
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
    this.putFlow(parent);
    const inline = wait.calleeKind === 'inline';
    const childRecord = this.newFlowRecord({
      id,
      root: parent.root,
      parent: parent.id,
      sessionOwner: inline ? parent.sessionOwner : id,
      bundle: parent.bundle,
      flow: name,
      at,
      ...this.trackingStep(parent, name),
    });
    this.putFlow(childRecord);
    const args = wait.args ?? [];
    const params = Object.fromEntries(loaded.manifest.params.map((p, i) => [p.name, args[i]]));
    this.enqueue({ flow: id, event: { type: 'flow.start', at, params } });
  }

  /**
   * The parent's progress record a sub-flow's tracker hangs under: the last one of the step declared to track it
   * (`Offering "..." tracks Haggle`, Corda's child progress tracker), else the current step.
   */
  private trackingStep(parent: FlowRecord, child: string): { parentProgress?: number } {
    const declared = this.cordapps
      .get(parent.bundle)
      ?.flows.get(parent.flow)
      ?.manifest.progress.find((p) => p.tracks === child)?.name;
    if (declared !== undefined) {
      const records = [
        ...this.store.progressOf(parent.id),
        ...this.batch.writes.progress.filter((r) => r.flow === parent.id),
      ];
      const last = records.filter((r) => r.step === declared).pop();
      if (last) return { parentProgress: last.index };
    }
    return parent.progressCount > 0 ? { parentProgress: parent.progressCount - 1 } : {};
  }

  private finish(
    flow: FlowRecord,
    status: FlowStatus,
    output: { result?: unknown; error?: { message: string } },
    killed = false,
  ): void {
    flow.status = status;
    delete flow.wait;
    if (output.error) flow.error = { message: output.error.message };
    else if (output.result !== undefined) flow.result = output.result;
    this.putFlow(flow);
    if (flow.sessionOwner === flow.id) {
      for (const session of this.sessionsOwnedBy(flow.id)) {
        if (session.closed) continue;
        const message = flow.error?.message;
        this.sendOnSession(flow, session.id, (s) =>
          message !== undefined
            ? { kind: 'error', session: s.peerSession, seq: s.sendSeq, message }
            : { kind: 'end', session: s.peerSession, seq: s.sendSeq },
        );
        session.closed = true;
        session.inbox = [];
        this.putSession(session);
      }
    }
    const at = this.clock.now();
    if (flow.parent && !killed) {
      const parent = this.getFlow(flow.parent);
      if (parent?.wait?.type === 'flow.call' && parent.wait.child === flow.id) {
        this.enqueue({
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
    this.batch.after.push(() => {
      const list = this.waiters.get(flow.id);
      this.waiters.delete(flow.id);
      for (const resolve of list ?? []) resolve(outcome);
      this.notify({ type: 'flow.ended', outcome });
    });
  }

  /** Parks a flow: it keeps its checkpoint and its wait, and waits for its owner to retry or kill it. */
  private hospitalize(
    flow: FlowRecord,
    kind: HospitalRecord['kind'],
    error: string,
    options: { event?: QueuedEvent; state?: string; loaded?: LoadedFlow; attempts?: number; cause?: string },
  ): void {
    const at = this.clock.now();
    const state = options.state ?? currentState(flow);
    const loaded = options.loaded ?? this.cordapps.get(flow.bundle)?.flows.get(flow.flow);
    const hospital: HospitalRecord = { error, kind, state, at, attempts: options.attempts ?? 1 };
    const location = loaded?.trace[state];
    if (location) hospital.location = location;
    if (options.event) hospital.event = options.event;
    if (flow.step !== undefined) hospital.step = flow.step;
    flow.hospital = hospital;
    if (flow.status !== 'hospitalized') flow.pausedFrom = flow.status;
    flow.status = 'hospitalized';
    this.recordHistory(flow, options.cause ?? options.event?.event.type ?? kind, at, state, state, error);
    this.putFlow(flow);
    this.batch.after.push(() => this.notify({ type: 'flow.hospitalized', flowId: flow.id, error }));
  }

  // ---- sessions ----------------------------------------------------------------------------------------------------

  private sendOnSession(flow: FlowRecord, sessionId: string, body: (s: SessionRecord) => SessionBody): void {
    const session = this.getSession(sessionId);
    if (!session) throw new Error(`${flow.flow} sent on a session this node does not have (${sessionId}).`);
    if (session.closed) return;
    const message = body(session);
    this.queueSend(session.peer, `${session.id}:${session.sendSeq}`, message);
    session.sendSeq++;
    this.putSession(session);
  }

  private queueSend(to: string, id: string, body: SessionBody): void {
    const envelope: Envelope = { id, from: this.name, to, body };
    this.batch.writes.outboxAdded.set(id, {
      id,
      to,
      message: envelope,
      attempts: 1,
      nextAttemptAt: this.clock.now(),
    });
    this.batch.sends.push(envelope);
  }

  private handleWire(message: WireMessage): void {
    if (isAck(message)) {
      if (!this.batch.writes.outboxAdded.delete(message.ack))
        this.batch.writes.outboxRemoved.add(message.ack);
      return;
    }
    const body = message.body;
    this.batch.acks.push({ ack: message.id, from: this.name, to: message.from });
    switch (body.kind) {
      case 'init':
        return this.handleInit(message, body);
      case 'confirm': {
        const session = this.getSession(body.session);
        if (!session || session.recvSeq !== 0) return;
        session.confirmed = true;
        session.recvSeq = 1;
        this.putSession(session);
        this.deliverToReceiver(session);
        return;
      }
      default: {
        let session = this.getSession(body.session);
        if (!session) {
          // ahead of its init: kept until the init comes
          session = {
            id: body.session,
            peer: message.from,
            peerSession: body.session.replace(/@r$/, ''),
            initiator: false,
            sendSeq: 1,
            recvSeq: 1,
            inbox: [],
            closed: false,
            peerEnded: false,
            confirmed: false,
          };
        }
        if (body.seq < session.recvSeq || session.inbox.some((m) => m.seq === body.seq)) return; // a duplicate
        if (session.closed) return; // this side is done with it: nothing will read the message
        const received: InboxMessage = { seq: body.seq, kind: body.kind };
        if (body.kind === 'data') {
          received.messageType = body.messageType;
          received.value = body.value;
        } else if (body.kind === 'error') received.message = body.message;
        session.inbox.push(received);
        session.inbox.sort((a, b) => a.seq - b.seq);
        this.putSession(session);
        this.deliverToReceiver(session);
      }
    }
  }

  private handleInit(message: Envelope, body: Extract<SessionBody, { kind: 'init' }>): void {
    const id = responderSessionId(body.session);
    const existing = this.getSession(id);
    if (existing?.owner !== undefined || existing?.closed) return; // a duplicate
    const at = this.clock.now();
    if (existing?.pendingInit) return; // a duplicate of one kept in the hospital
    const candidates = this.installed().filter((c) => c.name === body.cordapp);
    const cordapp = candidates.length ? newest(candidates) : undefined;
    const responder = cordapp
      ? [...cordapp.flows.values()].find((f) => f.manifest.respondsTo === body.flow)
      : undefined;
    const session: SessionRecord = existing ?? {
      id,
      peer: message.from,
      peerSession: body.session,
      initiator: false,
      sendSeq: 1,
      recvSeq: 1,
      inbox: [],
      closed: false,
      peerEnded: false,
      confirmed: true,
    };
    if (!cordapp || !responder) {
      // kept in the hospital, not dropped: installing a CorDapp that responds starts the responder
      if (session.pendingInit) return;
      session.pendingInit = {
        cordapp: body.cordapp,
        flow: body.flow,
        protocolVersion: body.protocolVersion,
        at,
        reason: !cordapp
          ? `${this.name} does not have the CorDapp ${body.cordapp} installed`
          : `${this.name} has no flow that responds to ${body.flow} in ${body.cordapp}`,
      };
      this.putSession(session);
      this.batch.after.push(() =>
        this.notify({ type: 'flow.hospitalized', flowId: id, error: session.pendingInit!.reason }),
      );
      return;
    }
    this.acceptInit(session, body.flow, body.cordapp);
  }

  /** Starts the responder of a session's initial message, and confirms the session. */
  private acceptInit(session: SessionRecord, initiator: string, cordappName: string): boolean {
    const candidates = this.installed().filter((c) => c.name === cordappName);
    const cordapp = candidates.length ? newest(candidates) : undefined;
    const responder = cordapp
      ? [...cordapp.flows.values()].find((f) => f.manifest.respondsTo === initiator)
      : undefined;
    if (!cordapp || !responder) return false;
    const at = this.clock.now();
    const flowId = session.id;
    session.owner = flowId;
    session.confirmed = true;
    delete session.pendingInit;
    this.putSession(session);
    const record = this.newFlowRecord({
      id: flowId,
      root: flowId,
      sessionOwner: flowId,
      bundle: cordapp.hash,
      flow: responder.manifest.name,
      at,
    });
    this.putFlow(record);
    const sessionParam = responder.manifest.params[0]?.name ?? 'session';
    this.enqueue({ flow: flowId, event: { type: 'flow.start', at, params: { [sessionParam]: session.id } } });
    this.queueSend(session.peer, `${session.id}:0`, {
      kind: 'confirm',
      session: session.peerSession,
      seq: 0,
    });
    return true;
  }

  private deliverToReceiver(session: SessionRecord): void {
    if (session.owner === undefined) return;
    const flow = this.receivingOn(session.id);
    if (flow) this.deliverNext(session, flow);
  }

  /** Feeds the flow the session's next message, if it has come. */
  private deliverNext(session: SessionRecord, flow: FlowRecord): void {
    const wait = flow.wait!;
    const next = session.inbox[0];
    const at = this.clock.now();
    if (!next || next.seq !== session.recvSeq) {
      if (session.peerEnded && session.inbox.length === 0) {
        this.enqueue({
          flow: flow.id,
          token: wait.token,
          event: {
            type: 'session.error',
            at,
            session: session.id,
            error: { message: `${session.peer} ended the session; no ${wait.messageType} will come.` },
          },
        });
        this.batch.receiving.set(session.id, null);
      }
      return;
    }
    session.inbox.shift();
    session.recvSeq++;
    this.putSession(session);
    this.batch.receiving.set(session.id, null);
    let event: FlowEventValue;
    if (next.kind === 'data') {
      const expected = wait.messageType ?? next.messageType!;
      const types = this.cordapps.get(flow.bundle)?.types ?? {};
      const problem = typeFits(next.messageType!, expected)
        ? valueProblem(next.value, expected, types)
        : `got ${next.messageType}`;
      event = problem
        ? {
            type: 'session.error',
            at,
            session: session.id,
            error: {
              message: `${session.peer} sent a message that is not the ${expected} ${flow.flow} expects: ${problem}.`,
            },
          }
        : { type: 'session.message', at, session: session.id, value: next.value };
    } else if (next.kind === 'error') {
      session.peerEnded = true;
      event = {
        type: 'session.error',
        at,
        session: session.id,
        error: { message: next.message ?? 'The counterparty failed.' },
      };
    } else {
      session.peerEnded = true;
      event = {
        type: 'session.error',
        at,
        session: session.id,
        error: { message: `${session.peer} ended the session; no ${wait.messageType} will come.` },
      };
    }
    this.enqueue({ flow: flow.id, token: wait.token, event });
  }

  // ---- external operations -----------------------------------------------------------------------------------------

  /**
   * Calls the host function a flow awaits, after the commit that made the flow wait for it, and again after a
   * restart: always with the same operation id (`flowId:token`), so the function can deduplicate. Its result is
   * an event, checkpointed by the next commit. A failure is retried with backoff and jitter — up to the `retry N`
   * the flow declares, or a few times for a transient error — then the flow goes to the hospital; an error named
   * FlowError is the flow's to catch.
   */
  private runExternal(flow: FlowRecord): void {
    const wait = flow.wait;
    if (!wait || wait.type !== 'flow.external') return;
    const key = `${flow.id}#${wait.token}`;
    if (this.externalsRunning.has(key)) return;
    this.externalsRunning.add(key);
    const external = this.cordapps.get(flow.bundle)?.flows.get(flow.flow)?.external[wait.fn!];
    const token = wait.token;
    const operationId = `${flow.id}:${token}`;
    const finish = (event: Omit<FlowEventValue, 'at'>): void => {
      this.externalsRunning.delete(key);
      if (this.dead) return;
      this.enqueue({ flow: flow.id, token, event: { ...event, at: this.clock.now() } as FlowEventValue });
      this.requestDrain();
    };
    if (!external) {
      queueMicrotask(() =>
        finish({
          type: '$external.failed',
          error: `The host function ${wait.fn} is not in the bundle.`,
          attempts: 0,
        }),
      );
      return;
    }
    const args = external.context
      ? [{ flowId: flow.id, me: this.name, operationId }, ...(wait.args ?? [])]
      : (wait.args ?? []);
    const declared = wait.retry !== undefined;
    const attempt = (n: number): void => {
      this.externalCalls++;
      Promise.resolve()
        .then(() => external.fn(...args))
        .finally(() => this.externalCalls--)
        .then(
          (value) => finish({ type: 'external.done', value }),
          (error: unknown) => {
            if (this.dead) return;
            const message = errorMessage(error);
            if (isFlowErrorLike(error)) return finish({ type: 'external.failed', error: { message } });
            const retries = declared ? wait.retry! : isTransientError(error) ? TRANSIENT_ATTEMPTS - 1 : 0;
            if (n < retries) {
              const delay = Math.min(MAX_BACKOFF_MS, backoffDelay(n, wait.backoffMs, this.random));
              this.clock.wakeAt(this.clock.now() + delay, () => {
                if (!this.dead) attempt(n + 1);
              });
              return;
            }
            finish({
              type: '$external.failed',
              error: `${wait.fn} failed${n > 0 ? ` ${n + 1} times` : ''}: ${message}`,
              attempts: n + 1,
            });
          },
        );
    };
    attempt(0);
  }

  // ---- timers ------------------------------------------------------------------------------------------------------

  private armTimer(): void {
    if (this.dead) return;
    const next = this.store.nextDeadline();
    if (next === this.timerAt) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = next;
    if (next === undefined) return;
    if (next <= this.clock.now()) {
      this.timerAt = undefined;
      this.schedule(() => this.fireDue());
      return;
    }
    this.cancelTimer = this.clock.wakeAt(next, () => {
      this.timerAt = undefined;
      this.cancelTimer = undefined;
      this.fireDue();
    });
  }

  private fireDue(): void {
    if (this.dead) return;
    const now = this.clock.now();
    for (const flow of this.store.dueFlows(now, 10_000)) {
      const key = `${flow.id}#${flow.wait!.token}`;
      if (this.timersQueued.has(key)) continue;
      this.timersQueued.add(key);
      this.enqueue({ flow: flow.id, token: flow.wait!.token, event: { type: 'timer.fired', at: now } });
    }
    this.requestDrain();
    // a later deadline is armed by the drain's commit
  }

  private armResend(): void {
    if (this.resendAfterMs <= 0 || this.resendTimer || this.dead) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      if (this.store.outbox().length) this.resend();
    }, this.resendAfterMs);
    const t = this.resendTimer as { unref?: () => void };
    t.unref?.();
  }

  // ---- observers ---------------------------------------------------------------------------------------------------

  private publishProgress(flow: FlowRecord, record: ProgressRecord): void {
    // the flow and each ancestor: a subscriber to a flow sees its sub-flows' steps, nested
    const path: string[] = [];
    let depth = 0;
    for (let f: FlowRecord | undefined = flow; f; f = f.parent ? this.store.getFlow(f.parent) : undefined) {
      path.unshift(f.flow);
      if (f !== flow) depth++;
    }
    const event: ProgressEvent = {
      flowId: flow.id,
      flow: flow.flow,
      path,
      depth,
      step: record.step,
      label: record.label,
      at: record.at,
    };
    for (
      let f: FlowRecord | undefined = flow, d = 0;
      f;
      f = f.parent ? this.store.getFlow(f.parent) : undefined, d++
    ) {
      const observers = this.progressObservers.get(f.id);
      if (!observers) continue;
      for (const observer of observers) observer({ ...event, depth: d });
    }
  }

  private notify(event: NodeEvent): void {
    for (const observer of this.nodeObservers) observer(event);
  }

  private alive(): void {
    if (this.dead) throw new Error(`Node ${this.name} has stopped.`);
  }
}

function newest(cordapps: LoadedCordapp[]): LoadedCordapp {
  return [...cordapps].sort((a, b) => compareVersions(b.version, a.version))[0]!;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function currentState(flow: FlowRecord): string {
  const value = (flow.snapshot as { value?: unknown } | null)?.value;
  return value === undefined ? 'start' : typeof value === 'string' ? value : JSON.stringify(value);
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

function outcomeOf(flow: FlowRecord): FlowOutcome {
  const outcome: FlowOutcome = { id: flow.id, status: flow.status };
  if (flow.result !== undefined) outcome.result = flow.result;
  if (flow.error) outcome.error = flow.error.message;
  if (flow.hospital) outcome.error = flow.hospital.error;
  return outcome;
}

function stateKey(snapshot: AnyMachineSnapshot): string {
  const value: unknown = snapshot.value;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
