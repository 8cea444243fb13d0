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
 *
 * This file is the public face: the node's types and `FlowNode`, whose methods hand each call to the engine in
 * `engine/` (the state and the drain in `core.ts`, one step in `steps.ts`, its effects, sessions, external
 * operations, timers, upgrades, and the users' and the owner's requests), so each part can be read on its own.
 * The engine imports only types from here, never values, so the two do not depend on each other at run time.
 */
import { nodeKeys } from './engine/ledger.js';
import type { Clock } from './clock.js';
import type { LoadedCordapp } from './cordapp.js';
import { NodeCore } from './engine/core.js';
import { runExternal } from './engine/externals.js';
import { hospitalReport, inspect, kill, listFlows, pause, resume, retry } from './engine/owner.js';
import { answerInput, inputs, install, startFlow, uninstall } from './engine/requests.js';
import { armTimer, resend } from './engine/timers.js';
import type { Transport, WireMessage } from './messages.js';
import { progressEventsOf, progressTreeOf, type ProgressEvent, type ProgressTree } from './progress.js';
import type { CheckpointStore, FlowRecord, FlowStatus, HistoryRecord, HospitalRecord } from './store.js';

export { FlowRequestError, NodeCrashed } from './engine/errors.js';
export { describeWait } from './engine/owner.js';
export { compareVersions } from './engine/versions.js';

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
  /** Off unless given: the engine adds up where its time goes here (benchmarks; see `EngineProfile`). */
  profile?: EngineProfile;
}

/**
 * What the engine measures when a node is given one (`NodeHooks.profile`, so the mock network passes it on):
 * milliseconds from `performance.now()`, added up. Without it the engine measures nothing.
 */
export interface EngineProfile {
  /**
   * XState: restoring each checkpoint (`resolveState`) and the transition (`initialStep` / `step`), including
   * the host functions the transition calls (the ledger's signing, verification and vault reads among them).
   */
  transition: number;
  transitions: number;
  /** True while a transition runs, so a wrapped store or crypto can tell host functions' work from the engine's. */
  inTransition: boolean;
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
  /**
   * How many committed flow records, and as many session records, the node keeps in memory across batches so as not
   * to read them from the store again (default 2048 each; 0 keeps none).
   */
  recordCacheSize?: number;
}

export class FlowNode {
  readonly name: string;
  readonly store: CheckpointStore;
  private readonly core: NodeCore;

  private constructor(options: NodeOptions) {
    this.core = new NodeCore(options);
    this.name = this.core.name;
    this.store = this.core.store;
  }

  /**
   * Opens a node on its store: reloads the installed bundles, re-queues the events not yet consumed, sends the
   * outbox again, calls again the external operations flows wait for, and arms the earliest deadline.
   */
  static async open(options: NodeOptions): Promise<FlowNode> {
    const node = new FlowNode(options);
    const core = node.core;
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
      core.cordapps.set(cordapp.hash, cordapp);
    }
    core.queue = options.store.pendingEvents();
    core.nextEventId = Math.max(
      Number(options.store.getMeta('nextEventId') ?? 1),
      ...core.queue.map((e) => e.id + 1),
    );
    // the node's ledger identity, made and kept before anything else happens
    if (nodeKeys(core) && !options.store.getMeta('ledger.keys')) core.flushNow();
    for (const flow of options.store.listFlows({ waiting: 'flow.external' })) runExternal(core, flow);
    resend(core);
    armTimer(core);
    if (core.queue.length) core.requestDrain();
    return node;
  }

  /** The node's ledger public key (SPKI, base64), when it has ledger cryptography. */
  get publicKey(): string | undefined {
    return nodeKeys(this.core)?.publicKey;
  }

  // ---- CorDapps --------------------------------------------------------------------------------------------------

  /** Installs a verified CorDapp version (kept in the store, so the node has it again after a restart). */
  install(cordapp: LoadedCordapp): void {
    install(this.core, cordapp);
  }

  /**
   * Removes an installed version. Refused, with the list of them, while flows still run on it: they would have
   * nothing to run on.
   */
  uninstall(hash: string): void {
    uninstall(this.core, hash);
  }

  installed(): LoadedCordapp[] {
    return this.core.installed();
  }

  // ---- starting flows --------------------------------------------------------------------------------------------

  /** Starts a flow by name. Unknown flows and wrong parameters throw a `FlowRequestError` and create nothing. */
  startFlow(
    flowName: string,
    params: Record<string, unknown>,
    options: { cordapp?: string } = {},
  ): FlowHandle {
    return startFlow(this.core, flowName, params, options);
  }

  // ---- queries ---------------------------------------------------------------------------------------------------

  /** The flow's record as the node sees it: read it, do not change it (it may be the node's own object). */
  flow(id: string): FlowRecord | undefined {
    return this.core.flow(id);
  }

  /** Settles when the flow ends; at once if it already has. */
  waitFor(id: string): Promise<FlowOutcome> {
    return this.core.waitFor(id);
  }

  /** Flows waiting for a human answer. */
  inputs(): InputRequest[] {
    return inputs(this.core);
  }

  /** Answers a flow's `await input`; an answer of the wrong type throws and changes nothing. */
  answerInput(flowId: string, value: unknown): void {
    answerInput(this.core, flowId, value);
  }

  /** The flow's progress records and its sub-flows' as a tree. */
  progressTree(flowId: string): ProgressTree | undefined {
    return progressTreeOf(this.store, flowId, this.core.declaredProgress);
  }

  /**
   * Streams a flow's progress (its sub-flows' nested): first everything so far, in order, then each new step as
   * it is committed. Returns the function that stops it.
   */
  subscribeProgress(flowId: string, observer: (event: ProgressEvent) => void): () => void {
    for (const event of progressEventsOf(this.store, flowId, this.core.declaredProgress)) observer(event);
    const observers = this.core.progressObservers;
    let set = observers.get(flowId);
    if (!set) observers.set(flowId, (set = new Set()));
    set.add(observer);
    return () => set.delete(observer);
  }

  onEvent(observer: (event: NodeEvent) => void): () => void {
    this.core.nodeObservers.add(observer);
    return () => this.core.nodeObservers.delete(observer);
  }

  get commitCount(): number {
    return this.core.commits;
  }

  get isDead(): boolean {
    return this.core.dead;
  }

  /** Whether the node has nothing queued: no event, no incoming message, no external operation running. */
  get idle(): boolean {
    const core = this.core;
    return core.queue.length === 0 && core.inbound.length === 0 && core.externalCalls === 0 && !core.draining;
  }

  // ---- the owner's operations ---------------------------------------------------------------------------------------

  /** Flows by status (all by default), top-level ones only unless `all`, with their current step. */
  flows(query: { status?: FlowStatus | FlowStatus[]; all?: boolean; limit?: number } = {}): FlowSummary[] {
    return listFlows(this.core, query);
  }

  /** Everything about one flow: its record, history, progress, and why it is in the hospital. */
  inspect(id: string): FlowInspection {
    return inspect(this.core, id);
  }

  hospital(): HospitalReport {
    return hospitalReport(this.core);
  }

  /**
   * Tries a hospitalized flow again from its last checkpoint: the failed step's event is fed again, or the failed
   * external operation called again. With `value`, that value is used instead: the answer to the input, the
   * message received, or the external operation's result.
   */
  retry(id: string, options: { value?: unknown } = {}): void {
    retry(this.core, id, options);
  }

  /** Holds a flow: its events stay pending until it is resumed. */
  pause(id: string): void {
    pause(this.core, id);
  }

  resume(id: string): void {
    resume(this.core, id);
  }

  /**
   * Kills a flow with all its sub-flows: each counterparty session gets an error (so the flows on the other side
   * end too, or catch it), its timers and waits are dropped, and whatever it holds is released.
   */
  kill(id: string, reason = 'killed by the owner of the node'): FlowOutcome {
    return kill(this.core, id, reason);
  }

  // ---- the transport's side ----------------------------------------------------------------------------------------

  /** A message from another node (or an acknowledgement); it takes effect in the next drain. */
  deliver(message: WireMessage): void {
    if (this.core.dead) return;
    this.core.inbound.push(message);
    this.core.requestDrain();
  }

  /** Sends again every message no node has acknowledged. */
  resend(): void {
    resend(this.core);
  }

  /** Simulates a crash: everything in memory is dropped, nothing more is done; the store keeps what was committed. */
  crash(): void {
    this.core.crash();
  }

  /** Stops the node cleanly: commits what is pending and closes the store. */
  close(): void {
    if (this.core.dead) return;
    this.core.drain();
    this.core.crash();
    this.store.close();
  }

  /** Processes what is queued, up to `maxBatchSteps` steps, in one commit; then executes its effects. */
  drain(): void {
    this.core.drain();
  }
}
