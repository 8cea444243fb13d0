/**
 * What a node keeps durably, and the one write a step makes. Pure types plus the memory store; the SQLite store
 * lives in `runtime/node/sqliteStore.ts`.
 *
 * The engine computes a step (or a group of steps) in memory as a `WriteSet` and hands it to `commit`, which must
 * apply all of it or nothing: the new checkpoints, the events consumed and produced, the session state (with the
 * messages received and not yet consumed), the outbox, the progress records. Everything the node must do after a
 * crash is derivable from what was committed: pending events are re-queued, the outbox re-sent, deadlines
 * re-armed, and flows waiting for an external operation call it again.
 */

import type { VaultQuery, VaultState } from './ledger/services.js';
import type { SignedTransaction, StateRef } from './ledger/types.js';

export type FlowStatus = 'running' | 'waiting' | 'paused' | 'done' | 'failed' | 'hospitalized' | 'killed';

export const FLOW_STATUSES: readonly FlowStatus[] = [
  'running',
  'waiting',
  'paused',
  'done',
  'failed',
  'hospitalized',
  'killed',
];

/** A count per status, all zero. */
export function zeroCounts(): Record<FlowStatus, number> {
  return Object.fromEntries(FLOW_STATUSES.map((s) => [s, 0])) as Record<FlowStatus, number>;
}

/** What a suspended flow waits for: the effect its waiting state emitted, with its deadline and token. */
export interface FlowWait {
  /** `flow.receive`, `flow.open`, `flow.call`, `flow.input`, `flow.external`, `flow.sleep`. */
  type: string;
  /** Bumped at every new wait: an event for an earlier wait (a late timer, a stale answer) is dropped. */
  token: number;
  /** Absolute deadline (ms), for `sleep` and for `receive`/`input` with `within`. */
  deadline?: number;
  session?: string;
  messageType?: string;
  prompt?: string;
  /** `open`: the party. */
  party?: string;
  /** `call`: the flow called, its kind (`inline`, `initiating`), and the child flow's id once started. */
  callee?: string;
  calleeKind?: string;
  child?: string;
  fn?: string;
  args?: unknown[];
  retry?: number;
  backoffMs?: number;
  /** When the wait began (ms). */
  since: number;
  /** `call` from inside an inlined sub-flow: its frames (see `ProgressRecord.frames`), for the child's tracker. */
  frames?: [string, string][];
}

export interface FlowError {
  message: string;
}

export interface FlowRecord {
  id: string;
  /** The top-level flow of the tree this flow belongs to (itself for a top-level flow). */
  root: string;
  /** The flow that called this one as a sub-flow. */
  parent?: string;
  /** The flow whose sessions this one uses: itself, unless it is an inline sub-flow. */
  sessionOwner: string;
  /** sha256 of the bundle's manifest: the exact CorDapp version the flow runs on. */
  bundle: string;
  flow: string;
  status: FlowStatus;
  /** XState's persisted snapshot (`machine.getPersistedSnapshot`): the checkpoint proper. */
  snapshot: unknown;
  wait?: FlowWait;
  /** Counter for the ids the flow derives (sessions, child flows, external operations): replays give the same. */
  seq: number;
  /** The current progress step's name, and its position in the flow's progress records. */
  step?: string;
  progressCount: number;
  /** For a sub-flow: the parent's progress record it runs under (its child tracker hangs there). */
  parentProgress?: number;
  result?: unknown;
  error?: FlowError;
  /** Why the flow is in the hospital. */
  hospital?: HospitalRecord;
  /** How many history records the flow has. */
  historyCount?: number;
  /** The newer version this flow could not move to, and so finishes without (`maybeUpgrade`). */
  stays?: string;
  /** A paused flow's status before the pause (`waiting` or `running`). */
  pausedFrom?: FlowStatus;
  /** Set by a store on a record whose checkpoint it could not read: the reason. Never written back. */
  unreadable?: string;
  createdAt: number;
  updatedAt: number;
}

export interface HospitalRecord {
  /** What went wrong, in one sentence. */
  error: string;
  /** `transition`: the flow's own code threw; `external`: an external operation failed for good; `checkpoint`: the
   * checkpoint cannot be read; `version`: its CorDapp version is not installed. */
  kind: 'transition' | 'external' | 'checkpoint' | 'version';
  /** The state the flow was in, and its `.flow` range from the trace map. */
  state: string;
  location?: { file: string; line: number; column: number; endLine: number; endColumn: number };
  /** The event that failed (fed again by a retry). */
  event?: QueuedEvent;
  /** The last progress step. */
  step?: string;
  at: number;
  /** Automatic attempts made before the flow was parked. */
  attempts: number;
}

/** One step of a flow's history: what it received, from which state to which. */
export interface HistoryRecord {
  flow: string;
  index: number;
  event: string;
  at: number;
  from: string;
  to: string;
  /** For a failed step: the error. */
  error?: string;
}

/** A message received on a session and not yet consumed by the flow. */
export interface InboxMessage {
  seq: number;
  kind: 'data' | 'error' | 'end';
  messageType?: string;
  value?: unknown;
  message?: string;
}

export interface SessionRecord {
  /** This node's id for the session. */
  id: string;
  /** The flow that owns it (opened it, or the responder started for it); unknown while only early messages came. */
  owner?: string;
  peer: string;
  /** The counterparty's id for the same session. */
  peerSession: string;
  initiator: boolean;
  /** The next sequence number to send and the next one to consume. */
  sendSeq: number;
  recvSeq: number;
  /** Received ahead of consumption, ordered by seq. */
  inbox: InboxMessage[];
  /** This side ended it (close, or its flow ended); the counterparty ended it. */
  closed: boolean;
  peerEnded: boolean;
  confirmed: boolean;
  /**
   * An initial message for a flow this node does not have: kept (in the hospital) until a CorDapp that responds to
   * it is installed.
   */
  pendingInit?: { cordapp: string; flow: string; protocolVersion: number; at: number; reason: string };
}

/** An event waiting to be fed to a flow (a start, a sub-flow's result, a timer, an answer, a message). */
export interface QueuedEvent {
  /** Unique and increasing within the node: events are processed in this order. */
  id: number;
  flow: string;
  event: { type: string; at: number } & Record<string, unknown>;
  /** The wait it answers (`FlowWait.token`); absent for a flow's start. */
  token?: number;
}

/** A message for another node, kept until that node acknowledges it. */
export interface OutboxMessage {
  id: string;
  to: string;
  message: unknown;
  /** Sends so far, and when to send again if no acknowledgement comes. */
  attempts: number;
  nextAttemptAt: number;
}

export interface ProgressRecord {
  flow: string;
  /** Position within the flow's records, from 0. */
  index: number;
  step: string;
  label: string;
  at: number;
  /**
   * For a step of an inlined sub-flow (compiler/inline.ts): the frames it ran in, from the flow down, each the
   * call's state and the flow called. The progress tree shows them as child trackers, as sub-flows'.
   */
  frames?: [string, string][];
}

export interface InstalledBundle {
  hash: string;
  name: string;
  version: string;
  /** The `.cordapp` container text, verified again when the node reopens. */
  text: string;
  installedAt: number;
}

export interface WriteSet {
  flows: Map<string, FlowRecord>;
  sessions: Map<string, SessionRecord>;
  eventsAdded: Map<number, QueuedEvent>;
  /** Ids of events consumed that were committed earlier. */
  eventsRemoved: Set<number>;
  outboxAdded: Map<string, OutboxMessage>;
  outboxRemoved: Set<string>;
  progress: ProgressRecord[];
  history: HistoryRecord[];
  bundles: InstalledBundle[];
  /** Hashes of bundles to remove. */
  bundlesRemoved: Set<string>;
  /** The ledger: transactions recorded, vault states added or changed, a notary's committed inputs. */
  transactions: Map<string, SignedTransaction>;
  vault: Map<string, VaultState>;
  notaryCommits: Map<string, string>;
  /** Node-level counters and settings (the next event id, ...). */
  meta: Map<string, string>;
}

export function emptyWriteSet(): WriteSet {
  return {
    flows: new Map(),
    sessions: new Map(),
    eventsAdded: new Map(),
    eventsRemoved: new Set(),
    outboxAdded: new Map(),
    outboxRemoved: new Set(),
    progress: [],
    history: [],
    bundles: [],
    bundlesRemoved: new Set(),
    transactions: new Map(),
    vault: new Map(),
    notaryCommits: new Map(),
    meta: new Map(),
  };
}

export function isEmptyWriteSet(w: WriteSet): boolean {
  return (
    w.flows.size === 0 &&
    w.sessions.size === 0 &&
    w.eventsAdded.size === 0 &&
    w.eventsRemoved.size === 0 &&
    w.outboxAdded.size === 0 &&
    w.outboxRemoved.size === 0 &&
    w.progress.length === 0 &&
    w.history.length === 0 &&
    w.bundles.length === 0 &&
    w.bundlesRemoved.size === 0 &&
    w.transactions.size === 0 &&
    w.vault.size === 0 &&
    w.notaryCommits.size === 0 &&
    w.meta.size === 0
  );
}

/** A vault query as a store answers it: the ledger's, and where to go on from when reading in pages. */
export interface StoreVaultQuery extends VaultQuery {
  /** Only the states after this one, in the query's order; none when the store holds no state `after`. */
  after?: StateRef;
  /** Not these states (the engine leaves out the ones its open batch changed so that they no longer answer). */
  except?: readonly StateRef[];
}

export interface FlowQuery {
  status?: FlowStatus | readonly FlowStatus[];
  /** Only top-level flows (no sub-flows). */
  topLevel?: boolean;
  /** Only flows waiting for this kind of event (`flow.input`, ...). */
  waiting?: string;
  /** Only flows on this bundle (a manifest hash). */
  bundle?: string;
  limit?: number;
}

/**
 * A node's durable state. Reads return copies the caller may change; `commit` applies a whole `WriteSet` in one
 * transaction, or throws and applies nothing.
 */
export interface CheckpointStore {
  readonly kind: string;
  getFlow(id: string): FlowRecord | undefined;
  listFlows(query?: FlowQuery): FlowRecord[];
  /** How many flows there are, by status. */
  countFlows(): Record<FlowStatus, number>;
  getSession(id: string): SessionRecord | undefined;
  /** The sessions a flow owns. */
  sessionsOf(owner: string): SessionRecord[];
  /** The flow waiting to receive on a session. */
  flowReceivingOn(session: string): string | undefined;
  /** Every event not yet consumed, in id order. */
  pendingEvents(): QueuedEvent[];
  outbox(): OutboxMessage[];
  /** The earliest deadline of a waiting flow. */
  nextDeadline(): number | undefined;
  /** Waiting flows whose deadline is at or before `now`, earliest first. */
  dueFlows(now: number, limit: number): FlowRecord[];
  progressOf(flow: string): ProgressRecord[];
  historyOf(flow: string): HistoryRecord[];
  /** Sessions holding an initial message for a flow the node does not have. */
  pendingInits(): SessionRecord[];
  /** Sub-flows of a flow, in creation order. */
  childrenOf(flow: string): FlowRecord[];
  bundles(): InstalledBundle[];
  getTransaction(id: string): SignedTransaction | undefined;
  getVaultState(ref: string): VaultState | undefined;
  /**
   * Vault states by contract (unconsumed unless `consumed`), oldest first (by when the store first held them),
   * filtered by `where` on their data, `availableTo` and `except`, after `after`, up to `limit`.
   */
  queryVault(query: StoreVaultQuery): VaultState[];
  /** The states a flow holds soft locks on. */
  lockedBy(flow: string): VaultState[];
  /** On a notary: the transaction that consumed a state. */
  notaryCommit(ref: string): string | undefined;
  getMeta(key: string): string | undefined;
  commit(writes: WriteSet): void;
  close(): void;
}

// ---- the memory store --------------------------------------------------------------------------------------------

/**
 * Keeps everything as JSON text, as a disk would: nothing the engine holds can alias what was committed, and a
 * "crashed" node's store is exactly what it committed. Used by tests, the designer's simulation, and `flowc run`
 * without `--store`.
 */
export class MemoryStore implements CheckpointStore {
  readonly kind = 'memory';
  private readonly flows = new Map<string, string>();
  private readonly sessions = new Map<string, string>();
  private readonly events = new Map<number, string>();
  private readonly out = new Map<string, string>();
  /** By flow, then by the record's index. */
  private readonly progress = new Map<string, Map<number, string>>();
  private readonly installed: InstalledBundle[] = [];
  private readonly meta = new Map<string, string>();
  private closed = false;
  /** Set to make the next commit fail (tests of a failing disk). */
  failNextCommit?: Error;

  private readonly history = new Map<string, string[]>();
  private readonly txs = new Map<string, string>();
  private readonly vaultStates = new Map<string, string>();
  private readonly commits = new Map<string, string>();

  getTransaction(id: string): SignedTransaction | undefined {
    const text = this.txs.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as SignedTransaction);
  }

  getVaultState(ref: string): VaultState | undefined {
    const text = this.vaultStates.get(ref);
    return text === undefined ? undefined : (JSON.parse(text) as VaultState);
  }

  queryVault(query: StoreVaultQuery): VaultState[] {
    const result: VaultState[] = [];
    if (query.limit !== undefined && query.limit <= 0) return result;
    let skipping = query.after !== undefined;
    const except = query.except?.length ? new Set(query.except) : undefined;
    for (const [ref, text] of this.vaultStates) {
      if (skipping) {
        skipping = ref !== query.after;
        continue;
      }
      if (except?.has(ref)) continue;
      const state = JSON.parse(text) as VaultState;
      if (!matchesVaultQuery(state, query)) continue;
      result.push(state);
      if (query.limit !== undefined && result.length >= query.limit) break;
    }
    return result;
  }

  lockedBy(flow: string): VaultState[] {
    return [...this.vaultStates.values()]
      .map((t) => JSON.parse(t) as VaultState)
      .filter((s) => s.lockedBy === flow);
  }

  notaryCommit(ref: string): string | undefined {
    return this.commits.get(ref);
  }

  getFlow(id: string): FlowRecord | undefined {
    const text = this.flows.get(id);
    return text === undefined ? undefined : readFlowRecord(id, text);
  }

  listFlows(query: FlowQuery = {}): FlowRecord[] {
    const statuses =
      query.status === undefined
        ? undefined
        : new Set(Array.isArray(query.status) ? query.status : [query.status]);
    const result: FlowRecord[] = [];
    for (const [id, text] of this.flows) {
      if (query.limit !== undefined && result.length >= query.limit) break;
      const flow = readFlowRecord(id, text);
      if (query.bundle !== undefined && flow.bundle !== query.bundle) continue;
      if (statuses && !statuses.has(flow.status)) continue;
      if (query.topLevel && flow.parent !== undefined) continue;
      if (query.waiting && (flow.status !== 'waiting' || flow.wait?.type !== query.waiting)) continue;
      result.push(flow);
    }
    return result;
  }

  countFlows(): Record<FlowStatus, number> {
    const counts = zeroCounts();
    for (const [id, text] of this.flows) counts[readFlowRecord(id, text).status]++;
    return counts;
  }

  getSession(id: string): SessionRecord | undefined {
    const text = this.sessions.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as SessionRecord);
  }

  sessionsOf(owner: string): SessionRecord[] {
    return [...this.sessions.values()]
      .map((t) => JSON.parse(t) as SessionRecord)
      .filter((s) => s.owner === owner);
  }

  flowReceivingOn(session: string): string | undefined {
    for (const [id, text] of this.flows) {
      const flow = readFlowRecord(id, text);
      if (flow.status === 'waiting' && flow.wait?.type === 'flow.receive' && flow.wait.session === session)
        return flow.id;
    }
    return undefined;
  }

  pendingEvents(): QueuedEvent[] {
    return [...this.events.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, t]) => JSON.parse(t) as QueuedEvent);
  }

  outbox(): OutboxMessage[] {
    return [...this.out.values()].map((t) => JSON.parse(t) as OutboxMessage);
  }

  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const [id, text] of this.flows) {
      const flow = readFlowRecord(id, text);
      const deadline = flow.status === 'waiting' ? flow.wait?.deadline : undefined;
      if (deadline !== undefined && (next === undefined || deadline < next)) next = deadline;
    }
    return next;
  }

  dueFlows(now: number, limit: number): FlowRecord[] {
    return [...this.flows]
      .map(([id, t]) => readFlowRecord(id, t))
      .filter((f) => f.status === 'waiting' && f.wait?.deadline !== undefined && f.wait.deadline <= now)
      .sort((a, b) => a.wait!.deadline! - b.wait!.deadline!)
      .slice(0, limit);
  }

  progressOf(flow: string): ProgressRecord[] {
    return [...(this.progress.get(flow) ?? [])]
      .sort((a, b) => a[0] - b[0])
      .map(([, t]) => JSON.parse(t) as ProgressRecord);
  }

  childrenOf(flow: string): FlowRecord[] {
    return [...this.flows]
      .map(([id, t]) => readFlowRecord(id, t))
      .filter((f) => f.parent === flow)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  historyOf(flow: string): HistoryRecord[] {
    return (this.history.get(flow) ?? []).map((t) => JSON.parse(t) as HistoryRecord);
  }

  pendingInits(): SessionRecord[] {
    return [...this.sessions.values()]
      .map((t) => JSON.parse(t) as SessionRecord)
      .filter((s) => s.owner === undefined && s.pendingInit !== undefined);
  }

  bundles(): InstalledBundle[] {
    return this.installed.map((b) => ({ ...b }));
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  commit(writes: WriteSet): void {
    if (this.closed) throw new Error('The store is closed.');
    if (this.failNextCommit) {
      const error = this.failNextCommit;
      this.failNextCommit = undefined;
      throw error;
    }
    // serialise everything first, so a value JSON cannot hold fails the commit before anything is applied
    const flows = [...writes.flows.values()].map((f) => [f.id, flowRecordText(f)] as const);
    const sessions = [...writes.sessions.values()].map((s) => [s.id, JSON.stringify(s)] as const);
    const events = [...writes.eventsAdded.values()].map((e) => [e.id, JSON.stringify(e)] as const);
    const outbox = [...writes.outboxAdded.values()].map((m) => [m.id, JSON.stringify(m)] as const);
    const progress = writes.progress.map((p) => [p.flow, p.index, JSON.stringify(p)] as const);
    const history = writes.history.map((h) => [h.flow, JSON.stringify(h)] as const);
    const txs = [...writes.transactions.values()].map((t) => [t.id, JSON.stringify(t)] as const);
    const vault = [...writes.vault.values()].map((v) => [v.ref, JSON.stringify(v)] as const);
    // a flow's progress record is written once, at its index (the SQLite store's primary key)
    const added = new Set<string>();
    for (const [flow, index] of progress) {
      const key = JSON.stringify([flow, index]);
      if (this.progress.get(flow)?.has(index) || added.has(key))
        throw new Error(`Progress record ${index} of flow ${flow} is already stored.`);
      added.add(key);
    }
    for (const [id, text] of flows) this.flows.set(id, text);
    for (const [id, text] of sessions) this.sessions.set(id, text);
    for (const id of writes.eventsRemoved) this.events.delete(id);
    for (const [id, text] of events) this.events.set(id, text);
    for (const id of writes.outboxRemoved) this.out.delete(id);
    for (const [id, text] of outbox) this.out.set(id, text);
    for (const [flow, index, text] of progress) {
      let records = this.progress.get(flow);
      if (!records) this.progress.set(flow, (records = new Map()));
      records.set(index, text);
    }
    for (const [flow, text] of history) {
      let records = this.history.get(flow);
      if (!records) this.history.set(flow, (records = []));
      records.push(text);
    }
    for (const bundle of writes.bundles) {
      if (!this.installed.some((b) => b.hash === bundle.hash)) this.installed.push({ ...bundle });
    }
    for (const hash of writes.bundlesRemoved) {
      const i = this.installed.findIndex((b) => b.hash === hash);
      if (i >= 0) this.installed.splice(i, 1);
    }
    for (const [id, text] of txs) this.txs.set(id, text);
    for (const [ref, text] of vault) this.vaultStates.set(ref, text);
    for (const [ref, tx] of writes.notaryCommits) this.commits.set(ref, tx);
    for (const [key, value] of writes.meta) this.meta.set(key, value);
  }

  close(): void {
    this.closed = true;
  }

  /** Reopens a closed store (a restarted node on the same "disk"). */
  reopen(): this {
    this.closed = false;
    return this;
  }

  /** Damages a flow's stored checkpoint, as a bad disk would (tests of unreadable checkpoints). */
  corruptFlow(id: string): void {
    const text = this.flows.get(id);
    if (text !== undefined) this.flows.set(id, text.slice(0, Math.floor(text.length / 2)));
  }

  /** Total bytes of the stored checkpoints' snapshots (for size measurements). */
  snapshotBytes(id: string): number | undefined {
    const flow = this.getFlow(id);
    return flow ? JSON.stringify(flow.snapshot).length : undefined;
  }
}

/** Marks the first writing of a value a flow record holds more than once, and each later mention of it. */
const SHARED_ID = '$$id';
const SHARED_VALUE = '$$v';
const SHARED_REF = '$$ref';
/** Set on a record written with sharing marks; a record without it is read as plain JSON. */
const SHARED_FLAG = '$$shared';

/**
 * A flow record as stored: JSON, with every object or array its checkpoint (and wait) holds more than once written
 * once (`{"$$id": n, "$$v": value}`, later `{"$$ref": n}`). A flow's variables often hold the same transaction
 * several times (the one it received, the one it signed, the arguments of the flow it called, each inlined
 * sub-flow's parameters): written out each time, they made the trade's checkpoints several kilobytes. A record
 * with nothing shared is plain JSON. `readFlowRecord` restores the sharing.
 */
export function flowRecordText(flow: FlowRecord): string {
  const seen = new Map<object, boolean>();
  let shared = false;
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (seen.has(value)) {
      seen.set(value, true);
      shared = true;
      return;
    }
    seen.set(value, false);
    if (Array.isArray(value)) for (const item of value) walk(item);
    else {
      // a value with keys of its own that look like the marks: written plain, so it reads back as it was
      if (SHARED_REF in value || SHARED_ID in value) clash = true;
      for (const key in value) walk((value as Record<string, unknown>)[key]);
    }
  };
  let clash = false;
  walk(flow.snapshot);
  walk(flow.wait);
  if (!shared || clash) return JSON.stringify(flow);
  // a copy of what holds shared values, in the order JSON writes it, so that each definition precedes its uses
  const ids = new Map<object, number>();
  const encode = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (seen.get(value) !== true) return copy(value);
    const id = ids.get(value);
    if (id !== undefined) return { [SHARED_REF]: id };
    ids.set(value, ids.size);
    return { [SHARED_ID]: ids.size - 1, [SHARED_VALUE]: copy(value) };
  };
  const copy = (value: object): object => {
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const encoded = encode(value[i]);
        if (encoded !== value[i]) (out ??= value.slice())[i] = encoded;
      }
      return out ?? value;
    }
    let out: Record<string, unknown> | undefined;
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      const encoded = encode(item);
      if (encoded !== item) (out ??= { ...value })[key] = encoded;
    }
    return out ?? value;
  };
  return JSON.stringify({ [SHARED_FLAG]: true, ...(copy(flow) as FlowRecord) });
}

/** Undoes the sharing marks of `flowRecordText` in a parsed record, in place: a definition precedes its uses. */
function restoreShared(record: FlowRecord): FlowRecord {
  const byId = new Map<number, unknown>();
  const visit = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = visit(value[i]);
      return value;
    }
    const object = value as Record<string, unknown>;
    if (SHARED_REF in object) return byId.get(object[SHARED_REF] as number);
    if (SHARED_ID in object) {
      const inner = visit(object[SHARED_VALUE]);
      byId.set(object[SHARED_ID] as number, inner);
      return inner;
    }
    for (const key in object) object[key] = visit(object[key]);
    return object;
  };
  return visit(record) as FlowRecord;
}

/**
 * A stored flow record, or, when its text cannot be read, a placeholder that says so: one damaged checkpoint must
 * not stop a node from reading the others. The engine hospitalizes such a flow and never writes it back.
 */
export function readFlowRecord(id: string, text: string, columns: Partial<FlowRecord> = {}): FlowRecord {
  try {
    const record = JSON.parse(text) as FlowRecord & { [SHARED_FLAG]?: true };
    if (record[SHARED_FLAG] !== true) return record;
    delete record[SHARED_FLAG];
    return restoreShared(record);
  } catch (error) {
    return {
      id,
      root: columns.root ?? id,
      sessionOwner: id,
      bundle: '',
      flow: '(unreadable)',
      status: 'hospitalized',
      snapshot: null,
      seq: 0,
      progressCount: 0,
      createdAt: columns.createdAt ?? 0,
      updatedAt: 0,
      ...(columns.parent ? { parent: columns.parent } : {}),
      unreadable: `The checkpoint of flow ${id} cannot be read: ${(error as Error).message}`,
    };
  }
}

/** Whether a vault state answers a query (the stores share it: SQLite selects by contract and consumption first). */
export function matchesVaultQuery(state: VaultState, query: VaultQuery): boolean {
  if (query.contract !== undefined && state.state.contract !== query.contract) return false;
  if (!query.consumed && state.consumedBy !== undefined) return false;
  if (query.availableTo && state.lockedBy !== undefined && !query.availableTo.includes(state.lockedBy))
    return false;
  if (query.where) {
    for (const [field, value] of Object.entries(query.where))
      if (JSON.stringify(state.state.data[field]) !== JSON.stringify(value)) return false;
  }
  return true;
}
