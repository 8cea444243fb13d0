/**
 * The node's state and its unit of work. `NodeCore` holds everything a node keeps in memory (its configuration,
 * the installed CorDapps, the event queue, the open batch, the observers) and the operations every other engine
 * module builds on: reading and changing records within the batch, and the drain that group-commits a batch and
 * then executes its effects. Internal: `FlowNode` holds one and delegates to it; the engine modules take it as
 * their first argument. Its members are public only so those modules can reach them; it is not exported from
 * `runtime/index.ts`.
 */
import type { KeyPair } from '../ledger/crypto.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { LoadedCordapp, ManifestFlow } from '../cordapp.js';
import { backoffDelay, errorMessage, isTransientError } from '../hospital.js';
import type { Envelope, Transport, WireMessage } from '../messages.js';
import type { FlowOutcome, NodeEvent, NodeHooks, NodeOptions } from '../node.js';
import type { ProgressEvent } from '../progress.js';
import {
  emptyWriteSet,
  isEmptyWriteSet,
  type CheckpointStore,
  type FlowRecord,
  type HistoryRecord,
  type ProgressRecord,
  type QueuedEvent,
  type SessionRecord,
  type WriteSet,
} from '../store.js';
import { UpgradePlanner } from '../upgrades.js';
import { NodeCrashed } from './errors.js';
import { outcomeOf, TERMINAL } from './records.js';
import { RecordCache } from './recordCache.js';
import { handleWire } from './sessions.js';
import { processEvent } from './steps.js';
import { armResend, armTimer } from './timers.js';

type ProgressDeclaration = ManifestFlow['progress'][number];

/** How many times a commit refused with a busy or locked store is tried again before the node stops. */
const COMMIT_ATTEMPTS = 20;

/** How many committed flow records (and session records) a node keeps in memory by default (`RecordCache`). */
const RECORD_CACHE_SIZE = 2048;

export interface Batch {
  writes: WriteSet;
  /** Flows read or changed in this batch (changed ones are also in `writes.flows`). */
  flows: Map<string, FlowRecord>;
  sessions: Map<string, SessionRecord>;
  /** Who waits to receive on a session, as changed in this batch (null: nobody any more). */
  receiving: Map<string, string | null>;
  /** Flows whose soft locks on vault states this batch released (`engine/ledger.ts`). */
  releasedLocks: Set<string>;
  steps: number;
  /** Done after the commit, in order. */
  after: (() => void)[];
  acks: WireMessage[];
  sends: Envelope[];
  started: (() => void)[];
}

export function newBatch(): Batch {
  return {
    writes: emptyWriteSet(),
    flows: new Map(),
    sessions: new Map(),
    receiving: new Map(),
    releasedLocks: new Set(),
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

export class NodeCore {
  readonly name: string;
  readonly store: CheckpointStore;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly schedule: (task: () => void) => void;
  readonly maxBatchSteps: number;
  readonly newId: () => string;
  readonly hooks: NodeHooks;
  readonly resendAfterMs: number;
  readonly cordapps = new Map<string, LoadedCordapp>();
  queue: QueuedEvent[] = [];
  inbound: WireMessage[] = [];
  batch: Batch = newBatch();
  nextEventId = 1;
  commits = 0;
  drainScheduled = false;
  draining = false;
  dead = false;
  waiters = new Map<string, ((outcome: FlowOutcome) => void)[]>();
  progressObservers = new Map<string, Set<(event: ProgressEvent) => void>>();
  nodeObservers = new Set<(event: NodeEvent) => void>();
  cancelTimer?: () => void;
  timerAt?: number;
  timersQueued = new Set<string>();
  externalsRunning = new Set<string>();
  /** Host calls whose promise has not settled yet (a backoff wait on the clock does not count). */
  externalCalls = 0;
  /** Flows whose stored checkpoint could not be read, as met so far (they are reported by `hospital()`). */
  unreadable = new Set<string>();
  resendTimer?: ReturnType<typeof setTimeout>;
  readonly random: () => number;
  readonly upgrades = new UpgradePlanner();
  /** A commit the store refused as busy, waiting to be tried again: nothing else runs meanwhile. */
  blocked = false;
  /** Events held back after a transient failure of their step, by id: the attempts made so far. */
  stepAttempts = new Map<number, number>();
  /** Signatures this node verified (bounded): verification is pure, so a result holds for good. */
  readonly verifiedSignatures = new Set<string>();
  /** The node's ledger key pair, once read or made (`engine/ledger.ts`). */
  keys?: KeyPair;
  /** Flow and session records as last committed, kept across batches (bounded; not terminal flows). */
  readonly committedFlows: RecordCache<FlowRecord>;
  readonly committedSessions: RecordCache<SessionRecord>;

  constructor(options: NodeOptions) {
    this.name = options.name;
    this.store = options.store;
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.schedule = options.schedule ?? defaultSchedule;
    this.maxBatchSteps = Math.max(1, options.maxBatchSteps ?? 256);
    this.newId = options.newId ?? timeOrderedId;
    this.hooks = options.hooks ?? {};
    this.resendAfterMs = options.resendAfterMs ?? 1000;
    this.random = options.random ?? Math.random;
    const cacheSize = Math.max(0, options.recordCacheSize ?? RECORD_CACHE_SIZE);
    this.committedFlows = new RecordCache(cacheSize);
    this.committedSessions = new RecordCache(cacheSize);
  }

  installed(): LoadedCordapp[] {
    return [...this.cordapps.values()];
  }

  /** A flow as the batch sees it, without adding it to the batch (for reading only). */
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

  /** Simulates a crash: everything in memory is dropped, nothing more is done; the store keeps what was committed. */
  crash(): void {
    this.dead = true;
    this.cancelTimer?.();
    if (this.resendTimer) clearTimeout(this.resendTimer);
    this.queue = [];
    this.inbound = [];
    this.waiters.clear();
    this.batch = newBatch();
    this.forgetCommitted();
  }

  /** Drops the records kept as committed: the next batches read them from the store. */
  forgetCommitted(): void {
    this.committedFlows.clear();
    this.committedSessions.clear();
  }

  alive(): void {
    if (this.dead) throw new Error(`Node ${this.name} has stopped.`);
  }

  // ---- the drain ---------------------------------------------------------------------------------------------------

  requestDrain(): void {
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
          handleWire(this, message);
          continue;
        }
        const event = this.queue.shift();
        if (!event) break;
        processEvent(this, event);
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
  flushNow(): void {
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
        // nothing of the batch was applied. A busy store: the same write set is committed again, later (the
        // records kept as committed are dropped: nothing holds a record of the batch, but nothing is taken for granted)
        if (isTransientError(error)) {
          this.forgetCommitted();
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
        this.afterCommit(batch, false);
      } catch (crash) {
        if (!(crash instanceof NodeCrashed)) throw crash;
        return;
      }
      this.requestDrain();
    }, delay);
  }

  /** A commit the store took: the batch's records are the committed state now, kept unless told otherwise. */
  private afterCommit(batch: Batch, remember = true): void {
    if (remember) this.remember(batch);
    this.commits++;
    if (this.hooks.afterCommit?.(this.commits) === 'crash') {
      this.crash();
      throw new NodeCrashed(`${this.name} crashed after commit ${this.commits}`);
    }
    this.execute(batch);
  }

  /**
   * Keeps the records a committed batch wrote, as the store now has them: each is the very object the commit wrote
   * (changed in place by the batch's steps, and by nothing since). Records the batch read but did not write are
   * left out, since a step that failed may have changed them. Ended flows are not kept: nothing steps them again.
   */
  private remember(batch: Batch): void {
    for (const flow of batch.writes.flows.values()) {
      if (TERMINAL.has(flow.status) || flow.unreadable !== undefined) this.committedFlows.delete(flow.id);
      else this.committedFlows.put(flow.id, flow);
    }
    for (const session of batch.writes.sessions.values()) this.committedSessions.put(session.id, session);
  }

  /** What a commit lets happen: messages out, acknowledgements, external operations, deadlines, observers. */
  private execute(batch: Batch): void {
    for (const envelope of batch.sends) this.transport.send(envelope);
    for (const ack of batch.acks) this.transport.send(ack);
    if (batch.sends.length) armResend(this);
    for (const task of batch.after) task();
    for (const started of batch.started) started();
    armTimer(this);
    this.notify({ type: 'committed', commit: this.commits, steps: batch.steps });
    if (this.hooks.afterExecute?.(this.commits) === 'crash') {
      this.crash();
      throw new NodeCrashed(`${this.name} crashed after executing commit ${this.commits}`);
    }
  }

  // ---- records within the batch ------------------------------------------------------------------------------------

  /** A flow as the batch sees it, added to the batch: taken from the records kept as committed, or read. */
  getFlow(id: string): FlowRecord | undefined {
    let flow = this.batch.flows.get(id);
    if (!flow) {
      flow = this.committedFlows.take(id) ?? this.noteUnreadable(this.store.getFlow(id));
      if (flow) this.batch.flows.set(id, flow);
    }
    return flow;
  }

  noteUnreadable(flow: FlowRecord | undefined): FlowRecord | undefined {
    if (flow?.unreadable !== undefined) this.unreadable.add(flow.id);
    return flow;
  }

  putFlow(flow: FlowRecord): void {
    flow.updatedAt = this.clock.now();
    this.batch.flows.set(flow.id, flow);
    this.batch.writes.flows.set(flow.id, flow);
  }

  getSession(id: string): SessionRecord | undefined {
    let session = this.batch.sessions.get(id);
    if (!session) {
      session = this.committedSessions.take(id) ?? this.store.getSession(id);
      if (session) this.batch.sessions.set(id, session);
    }
    return session;
  }

  putSession(session: SessionRecord): void {
    this.batch.sessions.set(session.id, session);
    this.batch.writes.sessions.set(session.id, session);
  }

  sessionsOwnedBy(owner: string): SessionRecord[] {
    const result = new Map<string, SessionRecord>();
    for (const stored of this.store.sessionsOf(owner)) {
      let session = this.batch.sessions.get(stored.id);
      if (!session) {
        session = this.committedSessions.take(stored.id) ?? stored;
        this.batch.sessions.set(session.id, session);
      }
      result.set(session.id, session);
    }
    for (const s of this.batch.sessions.values()) if (s.owner === owner) result.set(s.id, s);
    return [...result.values()];
  }

  /**
   * The flow waiting to receive on a session, as the batch sees it. The session's `owner` is looked at first, when
   * the batch or the records kept as committed hold it: it is nearly always the receiver (otherwise an inline
   * sub-flow of it is, while it waits for that sub-flow), and then the store is not asked.
   */
  receivingOn(session: string, owner?: string): FlowRecord | undefined {
    const local = this.batch.receiving.get(session);
    let id = local;
    if (id === undefined) {
      const held =
        owner === undefined ? undefined : (this.batch.flows.get(owner) ?? this.committedFlows.peek(owner));
      id = held && receives(held, session) ? held.id : this.store.flowReceivingOn(session);
    }
    if (!id) return undefined;
    const flow = this.getFlow(id);
    return flow && receives(flow, session) ? flow : undefined;
  }

  /** Undoes `consume`: the event stays pending in the store (a paused or unreadable flow's, a step to retry). */
  unconsume(event: QueuedEvent): void {
    if (!this.batch.writes.eventsRemoved.delete(event.id)) this.batch.writes.eventsAdded.set(event.id, event);
  }

  enqueue(event: Omit<QueuedEvent, 'id'>): void {
    const queued = { ...event, id: this.nextEventId++ } as QueuedEvent;
    this.queue.push(queued);
    this.batch.writes.eventsAdded.set(queued.id, queued);
  }

  /**
   * Queues the event that answers a waiting flow's current wait, and marks the flow `running` until the event is
   * processed: nothing else (a message, a timer, an answer) may be taken for that wait meanwhile, or it would be
   * consumed and then dropped as an answer to an earlier wait.
   */
  answer(flow: FlowRecord, event: QueuedEvent['event']): void {
    const wait = flow.wait!;
    this.enqueue({ flow: flow.id, token: wait.token, event });
    if (flow.status === 'waiting') {
      flow.status = 'running';
      this.putFlow(flow);
    }
  }

  consume(event: QueuedEvent): void {
    if (!this.batch.writes.eventsAdded.delete(event.id)) this.batch.writes.eventsRemoved.add(event.id);
  }

  recordHistory(flow: FlowRecord, event: string, at: number, from: string, to: string, error?: string): void {
    const record: HistoryRecord = { flow: flow.id, index: flow.historyCount ?? 0, event, at, from, to };
    if (error !== undefined) record.error = error;
    flow.historyCount = record.index + 1;
    this.batch.writes.history.push(record);
  }

  // ---- observers ---------------------------------------------------------------------------------------------------

  /** A flow's declared progress steps, by its CorDapp version and name (for the trees of inlined sub-flows). */
  readonly declaredProgress = (bundle: string, flow: string): ProgressDeclaration[] | undefined =>
    this.cordapps.get(bundle)?.flows.get(flow)?.manifest.progress;

  publishProgress(flow: FlowRecord, record: ProgressRecord): void {
    // nobody has ever subscribed: nothing to tell, and no ancestor to read from the store
    if (this.progressObservers.size === 0) return;
    // the flow and each ancestor: a subscriber to a flow sees its sub-flows' steps, nested; a step of an inlined
    // sub-flow is one level deeper per frame
    const frames = record.frames?.map((f) => f[1]) ?? [];
    const path: string[] = [...frames];
    let depth = frames.length;
    for (let f: FlowRecord | undefined = flow; f; f = f.parent ? this.store.getFlow(f.parent) : undefined) {
      path.unshift(f.flow);
      if (f !== flow) depth++;
    }
    const event: ProgressEvent = {
      flowId: flow.id,
      flow: frames[frames.length - 1] ?? flow.flow,
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
      for (const observer of observers) observer({ ...event, depth: d + frames.length });
    }
  }

  notify(event: NodeEvent): void {
    for (const observer of this.nodeObservers) observer(event);
  }
}

/** Whether a flow waits to receive on a session. */
function receives(flow: FlowRecord, session: string): boolean {
  return flow.status === 'waiting' && flow.wait?.type === 'flow.receive' && flow.wait.session === session;
}

/**
 * A UUID version 7: the time in milliseconds, then random bits. New flows' ids sort by creation, so a store's
 * index on them grows at its end instead of being written all over (a million flows: 10,000+/s instead of 6,000).
 */
export function timeOrderedId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let time = Date.now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
