/**
 * The conformance suite of a `CheckpointStore`: every method of the interface, with exact expected results, run
 * against each store (`memoryStore.test.ts`, `sqliteStore.test.ts`). Orders the interface leaves implicit are the
 * memory store's: insertion order of a record's first commit (`listFlows`, `sessionsOf`, `outbox`, `bundles`, ties
 * of `dueFlows`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { VaultState } from '../../runtime/ledger/services.js';
import {
  emptyWriteSet,
  type CheckpointStore,
  type FlowRecord,
  type FlowStatus,
  type InstalledBundle,
  type OutboxMessage,
  type ProgressRecord,
  type QueuedEvent,
  type SessionRecord,
  type WriteSet,
} from '../../runtime/store.js';

export interface StoreFactory {
  /** A new, empty store. */
  open(): CheckpointStore;
  /** The same store after a restart: closes `store` and opens what it committed again. */
  reopen(store: CheckpointStore): CheckpointStore;
}

// ---- records -----------------------------------------------------------------------------------------------------

export function flowRecord(id: string, fields: Partial<FlowRecord> = {}): FlowRecord {
  return {
    id,
    root: fields.parent === undefined ? id : 'root',
    sessionOwner: id,
    bundle: 'b'.repeat(64),
    flow: 'Trade',
    status: 'running',
    snapshot: { value: 'start', context: { amount: 10, parties: ['O=Bank A'] } },
    seq: 0,
    progressCount: 0,
    createdAt: 1000,
    updatedAt: 1000,
    ...fields,
  };
}

/** A flow waiting for `type`, with an optional deadline and session. */
export function waitingFlow(
  id: string,
  type: string,
  wait: { deadline?: number; session?: string } = {},
  fields: Partial<FlowRecord> = {},
): FlowRecord {
  return flowRecord(id, { status: 'waiting', wait: { type, token: 1, since: 1000, ...wait }, ...fields });
}

export function sessionRecord(id: string, fields: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    owner: 'f1',
    peer: 'O=Bank B',
    peerSession: `peer-${id}`,
    initiator: true,
    sendSeq: 0,
    recvSeq: 0,
    inbox: [],
    closed: false,
    peerEnded: false,
    confirmed: false,
    ...fields,
  };
}

export function queuedEvent(id: number, flow = 'f1', token?: number): QueuedEvent {
  return {
    id,
    flow,
    event: { type: 'flow.start', at: 1000 + id, input: { id } },
    ...(token ? { token } : {}),
  };
}

export function outboxMessage(id: string, attempts = 0): OutboxMessage {
  return { id, to: 'O=Bank B', message: { kind: 'data', body: id }, attempts, nextAttemptAt: 5000 };
}

export function progressRecord(flow: string, index: number): ProgressRecord {
  return { flow, index, step: `step${index}`, label: `Step ${index}`, at: 1000 + index };
}

export function installedBundle(hash: string, version = '1.0.0'): InstalledBundle {
  return { hash, name: 'trade', version, text: `cordapp ${hash} ${version}`, installedAt: 42 };
}

/** A vault state of `contract` (default `Cash`) whose data is `data` (default owned by `A`). */
export function vaultState(
  ref: string,
  fields: { contract?: string; data?: Record<string, unknown>; consumedBy?: string; lockedBy?: string } = {},
): VaultState {
  const state: VaultState = {
    ref,
    state: {
      data: fields.data ?? { owner: 'A' },
      contract: fields.contract ?? 'Cash',
      participants: ['A'],
      notary: 'Notary',
    },
    recordedAt: 1000,
  };
  if (fields.consumedBy !== undefined) state.consumedBy = fields.consumedBy;
  if (fields.lockedBy !== undefined) state.lockedBy = fields.lockedBy;
  return state;
}

export interface Writes {
  flows?: FlowRecord[];
  sessions?: SessionRecord[];
  eventsAdded?: QueuedEvent[];
  eventsRemoved?: number[];
  outboxAdded?: OutboxMessage[];
  outboxRemoved?: string[];
  progress?: ProgressRecord[];
  bundles?: InstalledBundle[];
  meta?: [string, string][];
  vault?: VaultState[];
}

export function writeSet(w: Writes): WriteSet {
  const set = emptyWriteSet();
  for (const f of w.flows ?? []) set.flows.set(f.id, f);
  for (const s of w.sessions ?? []) set.sessions.set(s.id, s);
  for (const e of w.eventsAdded ?? []) set.eventsAdded.set(e.id, e);
  for (const id of w.eventsRemoved ?? []) set.eventsRemoved.add(id);
  for (const m of w.outboxAdded ?? []) set.outboxAdded.set(m.id, m);
  for (const id of w.outboxRemoved ?? []) set.outboxRemoved.add(id);
  set.progress.push(...(w.progress ?? []));
  set.bundles.push(...(w.bundles ?? []));
  for (const [k, v] of w.meta ?? []) set.meta.set(k, v);
  for (const v of w.vault ?? []) set.vault.set(v.ref, v);
  return set;
}

/** What JSON keeps of a value: `undefined` properties dropped. */
function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const ZERO: Record<FlowStatus, number> = {
  running: 0,
  waiting: 0,
  paused: 0,
  done: 0,
  failed: 0,
  hospitalized: 0,
  killed: 0,
};

/** Everything a store can be asked, for comparing two stores or a store before and after. */
export function dumpStore(
  store: CheckpointStore,
  flows: string[],
  sessions: string[],
  keys: string[],
  refs: string[] = [],
) {
  return {
    flows: store.listFlows(),
    byId: flows.map((id) => store.getFlow(id)),
    counts: store.countFlows(),
    sessions: sessions.map((id) => store.getSession(id)),
    sessionsOf: flows.map((id) => store.sessionsOf(id)),
    receiving: sessions.map((id) => store.flowReceivingOn(id)),
    events: store.pendingEvents(),
    outbox: store.outbox(),
    nextDeadline: store.nextDeadline(),
    due: store.dueFlows(Number.MAX_SAFE_INTEGER, 1000),
    progress: flows.map((id) => store.progressOf(id)),
    children: flows.map((id) => store.childrenOf(id)),
    bundles: store.bundles(),
    meta: keys.map((k) => store.getMeta(k)),
    vault: store.queryVault({ consumed: true }),
    vaultStates: refs.map((ref) => store.getVaultState(ref)),
    locked: flows.map((id) => store.lockedBy(id)),
  };
}

// ---- the suite ---------------------------------------------------------------------------------------------------

export function describeCheckpointStore(name: string, factory: StoreFactory): void {
  describe(`CheckpointStore conformance: ${name}`, () => {
    const open: CheckpointStore[] = [];
    const newStore = (): CheckpointStore => {
      const store = factory.open();
      open.push(store);
      return store;
    };
    const reopen = (store: CheckpointStore): CheckpointStore => {
      const again = factory.reopen(store);
      open.push(again);
      return again;
    };
    afterEach(() => {
      for (const store of open.splice(0)) {
        try {
          store.close();
        } catch {
          // closed already
        }
      }
    });

    it('starts empty', () => {
      const store = newStore();
      expect(store.kind).toEqual(expect.any(String));
      expect(store.getFlow('f1')).toBeUndefined();
      expect(store.listFlows()).toEqual([]);
      expect(store.listFlows({ status: 'waiting', topLevel: true, waiting: 'flow.input', limit: 3 })).toEqual(
        [],
      );
      expect(store.countFlows()).toEqual(ZERO);
      expect(store.getSession('s1')).toBeUndefined();
      expect(store.sessionsOf('f1')).toEqual([]);
      expect(store.flowReceivingOn('s1')).toBeUndefined();
      expect(store.pendingEvents()).toEqual([]);
      expect(store.outbox()).toEqual([]);
      expect(store.nextDeadline()).toBeUndefined();
      expect(store.dueFlows(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      expect(store.progressOf('f1')).toEqual([]);
      expect(store.childrenOf('f1')).toEqual([]);
      expect(store.bundles()).toEqual([]);
      expect(store.getMeta('nextEventId')).toBeUndefined();
    });

    it('commits an empty write set', () => {
      const store = newStore();
      store.commit(emptyWriteSet());
      expect(store.listFlows()).toEqual([]);
    });

    it('upserts flows and returns what JSON keeps of them, as copies', () => {
      const store = newStore();
      const f1 = flowRecord('f1', {
        parent: undefined,
        result: undefined,
        snapshot: { nested: [1, 'two', null] },
      });
      store.commit(writeSet({ flows: [f1, flowRecord('f2')] }));
      const read = store.getFlow('f1')!;
      expect(read).toEqual(json(f1));
      expect(Object.keys(read)).not.toContain('parent');
      (read.snapshot as { nested: unknown[] }).nested.push('changed');
      expect(store.getFlow('f1')).toEqual(json(f1));

      const done = flowRecord('f1', { status: 'done', result: { ok: true }, updatedAt: 2000, seq: 3 });
      store.commit(writeSet({ flows: [done] }));
      expect(store.getFlow('f1')).toEqual(done);
      expect(store.getFlow('f2')).toEqual(flowRecord('f2'));
      expect(store.getFlow('f3')).toBeUndefined();
      // an update keeps the flow's place
      expect(store.listFlows().map((f) => f.id)).toEqual(['f1', 'f2']);
    });

    it('lists flows by status, top level and wait, in insertion order, up to a limit', () => {
      const store = newStore();
      store.commit(
        writeSet({
          flows: [
            flowRecord('a', { status: 'running' }),
            waitingFlow('b', 'flow.input'),
            flowRecord('c', { status: 'done', parent: 'a' }),
            waitingFlow('d', 'flow.receive', { session: 's1' }, { parent: 'a' }),
            flowRecord('e', { status: 'failed' }),
            waitingFlow('f', 'flow.input', { deadline: 5000 }),
            // waited for input, then was killed: its wait is kept but it is not waiting
            flowRecord('g', { status: 'killed', wait: { type: 'flow.input', token: 2, since: 1 } }),
          ],
        }),
      );
      store.commit(writeSet({ flows: [flowRecord('h', { status: 'hospitalized' }), flowRecord('i')] }));
      const ids = (flows: FlowRecord[]) => flows.map((f) => f.id);
      expect(ids(store.listFlows())).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
      expect(ids(store.listFlows({}))).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
      expect(ids(store.listFlows({ status: 'waiting' }))).toEqual(['b', 'd', 'f']);
      expect(ids(store.listFlows({ status: 'running' }))).toEqual(['a', 'i']);
      expect(ids(store.listFlows({ status: ['done', 'failed', 'killed'] }))).toEqual(['c', 'e', 'g']);
      expect(ids(store.listFlows({ status: ['hospitalized'] }))).toEqual(['h']);
      expect(ids(store.listFlows({ status: [] }))).toEqual([]);
      expect(ids(store.listFlows({ topLevel: true }))).toEqual(['a', 'b', 'e', 'f', 'g', 'h', 'i']);
      expect(ids(store.listFlows({ topLevel: false }))).toEqual([
        'a',
        'b',
        'c',
        'd',
        'e',
        'f',
        'g',
        'h',
        'i',
      ]);
      expect(ids(store.listFlows({ waiting: 'flow.input' }))).toEqual(['b', 'f']);
      expect(ids(store.listFlows({ waiting: 'flow.receive' }))).toEqual(['d']);
      expect(ids(store.listFlows({ waiting: 'flow.receive', topLevel: true }))).toEqual([]);
      expect(ids(store.listFlows({ waiting: 'flow.sleep' }))).toEqual([]);
      expect(ids(store.listFlows({ waiting: 'flow.input', status: ['running', 'waiting'] }))).toEqual([
        'b',
        'f',
      ]);
      expect(ids(store.listFlows({ waiting: 'flow.input', status: 'killed' }))).toEqual([]);
      expect(ids(store.listFlows({ limit: 3 }))).toEqual(['a', 'b', 'c']);
      expect(ids(store.listFlows({ status: 'waiting', limit: 2 }))).toEqual(['b', 'd']);
      expect(ids(store.listFlows({ topLevel: true, limit: 100 }))).toEqual([
        'a',
        'b',
        'e',
        'f',
        'g',
        'h',
        'i',
      ]);
      expect(ids(store.listFlows({ limit: 0 }))).toEqual([]);
      expect(store.listFlows({ status: 'waiting' })[0]).toEqual(waitingFlow('b', 'flow.input'));
    });

    it('counts flows by status', () => {
      const store = newStore();
      store.commit(
        writeSet({
          flows: [
            flowRecord('a'),
            flowRecord('b'),
            waitingFlow('c', 'flow.sleep', { deadline: 1 }),
            flowRecord('d', { status: 'done' }),
            flowRecord('e', { status: 'killed' }),
          ],
        }),
      );
      expect(store.countFlows()).toEqual({ ...ZERO, running: 2, waiting: 1, done: 1, killed: 1 });
      store.commit(writeSet({ flows: [flowRecord('a', { status: 'hospitalized' }), flowRecord('c')] }));
      expect(store.countFlows()).toEqual({ ...ZERO, running: 2, done: 1, killed: 1, hospitalized: 1 });
    });

    it('upserts sessions and lists the sessions a flow owns in insertion order', () => {
      const store = newStore();
      const inbox = [
        { seq: 0, kind: 'data' as const, messageType: 'Offer', value: { price: 10 } },
        { seq: 1, kind: 'end' as const },
      ];
      store.commit(
        writeSet({
          sessions: [
            sessionRecord('s2', { owner: 'f1' }),
            sessionRecord('s1', { owner: 'f1', inbox }),
            sessionRecord('s3', { owner: 'f2' }),
            // only early messages came: no owner yet
            sessionRecord('s4', { owner: undefined, initiator: false }),
          ],
        }),
      );
      expect(store.getSession('s1')).toEqual(sessionRecord('s1', { inbox }));
      expect(store.getSession('s4')).toEqual(
        json(sessionRecord('s4', { owner: undefined, initiator: false })),
      );
      expect(store.getSession('s5')).toBeUndefined();
      expect(store.sessionsOf('f1').map((s) => s.id)).toEqual(['s2', 's1']);
      expect(store.sessionsOf('f2')).toEqual([sessionRecord('s3', { owner: 'f2' })]);
      expect(store.sessionsOf('f3')).toEqual([]);

      // the responder started for s4 takes it; s2 moves to another owner; s1 consumed its inbox
      store.commit(
        writeSet({
          sessions: [
            sessionRecord('s4', { owner: 'f3', initiator: false }),
            sessionRecord('s2', { owner: 'f2', closed: true }),
            sessionRecord('s1', { recvSeq: 2, peerEnded: true }),
          ],
        }),
      );
      expect(store.sessionsOf('f1')).toEqual([sessionRecord('s1', { recvSeq: 2, peerEnded: true })]);
      expect(store.sessionsOf('f2').map((s) => s.id)).toEqual(['s2', 's3']);
      expect(store.sessionsOf('f3')).toEqual([sessionRecord('s4', { owner: 'f3', initiator: false })]);
      const copy = store.getSession('s1')!;
      copy.inbox.push({ seq: 9, kind: 'end' });
      expect(store.getSession('s1')!.inbox).toEqual([]);
    });

    it('finds the flow receiving on a session: only a waiting flow whose wait is flow.receive on it', () => {
      const store = newStore();
      store.commit(
        writeSet({
          flows: [
            waitingFlow('receiver', 'flow.receive', { session: 's1', deadline: 9000 }),
            waitingFlow('opener', 'flow.open', { session: 's2' }),
            flowRecord('running', { wait: { type: 'flow.receive', token: 1, since: 0, session: 's3' } }),
            waitingFlow('input', 'flow.input', { session: 's4' }),
            waitingFlow('other', 'flow.receive', { session: 's5' }),
          ],
        }),
      );
      expect(store.flowReceivingOn('s1')).toBe('receiver');
      expect(store.flowReceivingOn('s5')).toBe('other');
      expect(store.flowReceivingOn('s2')).toBeUndefined();
      expect(store.flowReceivingOn('s3')).toBeUndefined();
      expect(store.flowReceivingOn('s4')).toBeUndefined();
      expect(store.flowReceivingOn('s6')).toBeUndefined();
      // it received and moved on to the next receive, on another session; then it failed
      store.commit(writeSet({ flows: [waitingFlow('receiver', 'flow.receive', { session: 's2' })] }));
      expect(store.flowReceivingOn('s1')).toBeUndefined();
      expect(store.flowReceivingOn('s2')).toBe('receiver');
      store.commit(
        writeSet({
          flows: [
            flowRecord('receiver', { status: 'failed', wait: { type: 'flow.receive', token: 1, since: 0 } }),
          ],
        }),
      );
      expect(store.flowReceivingOn('s2')).toBeUndefined();
    });

    it('keeps pending events in id order, removing before adding', () => {
      const store = newStore();
      store.commit(writeSet({ eventsAdded: [queuedEvent(5), queuedEvent(2, 'f2', 7), queuedEvent(9)] }));
      store.commit(writeSet({ eventsAdded: [queuedEvent(3), queuedEvent(1)] }));
      expect(store.pendingEvents()).toEqual([
        queuedEvent(1),
        queuedEvent(2, 'f2', 7),
        queuedEvent(3),
        queuedEvent(5),
        queuedEvent(9),
      ]);
      // consumes 1, 3 and an id never stored; adds 10; 5 is consumed and re-queued in the same step
      const requeued = { ...queuedEvent(5, 'f3'), token: 2 };
      store.commit(writeSet({ eventsRemoved: [1, 3, 404, 5], eventsAdded: [queuedEvent(10), requeued] }));
      expect(store.pendingEvents()).toEqual([
        queuedEvent(2, 'f2', 7),
        requeued,
        queuedEvent(9),
        queuedEvent(10),
      ]);
      // an added event with the id of a pending one replaces it
      store.commit(writeSet({ eventsAdded: [queuedEvent(9, 'f9')] }));
      expect(store.pendingEvents().map((e) => [e.id, e.flow])).toEqual([
        [2, 'f2'],
        [5, 'f3'],
        [9, 'f9'],
        [10, 'f1'],
      ]);
      store.commit(writeSet({ eventsRemoved: [2, 5, 9, 10] }));
      expect(store.pendingEvents()).toEqual([]);
    });

    it('keeps the outbox in insertion order, removing before adding', () => {
      const store = newStore();
      store.commit(
        writeSet({ outboxAdded: [outboxMessage('m2'), outboxMessage('m1'), outboxMessage('m3')] }),
      );
      expect(store.outbox()).toEqual([outboxMessage('m2'), outboxMessage('m1'), outboxMessage('m3')]);
      // m1 was sent again (updated in place); m2 acknowledged; m4 new
      store.commit(
        writeSet({
          outboxRemoved: ['m2', 'nope'],
          outboxAdded: [outboxMessage('m4'), outboxMessage('m1', 1)],
        }),
      );
      expect(store.outbox()).toEqual([outboxMessage('m1', 1), outboxMessage('m3'), outboxMessage('m4')]);
      // removed and added again in one write set: it goes last, as a new message
      store.commit(writeSet({ outboxRemoved: ['m1'], outboxAdded: [outboxMessage('m1', 2)] }));
      expect(store.outbox()).toEqual([outboxMessage('m3'), outboxMessage('m4'), outboxMessage('m1', 2)]);
      store.commit(writeSet({ outboxRemoved: ['m1', 'm3', 'm4'] }));
      expect(store.outbox()).toEqual([]);
    });

    it('gives the earliest deadline of a waiting flow', () => {
      const store = newStore();
      store.commit(writeSet({ flows: [flowRecord('a'), waitingFlow('b', 'flow.input')] }));
      expect(store.nextDeadline()).toBeUndefined();
      store.commit(
        writeSet({
          flows: [
            waitingFlow('c', 'flow.sleep', { deadline: 3000 }),
            waitingFlow('d', 'flow.receive', { deadline: 2000, session: 's1' }),
            // not waiting any more: its deadline does not count
            flowRecord('e', {
              status: 'done',
              wait: { type: 'flow.sleep', token: 1, since: 0, deadline: 10 },
            }),
          ],
        }),
      );
      expect(store.nextDeadline()).toBe(2000);
      store.commit(writeSet({ flows: [flowRecord('d', { status: 'running' })] }));
      expect(store.nextDeadline()).toBe(3000);
      store.commit(writeSet({ flows: [waitingFlow('c', 'flow.sleep', { deadline: 0 })] }));
      expect(store.nextDeadline()).toBe(0);
      store.commit(writeSet({ flows: [waitingFlow('c', 'flow.input')] }));
      expect(store.nextDeadline()).toBeUndefined();
    });

    it('gives the due flows, earliest deadline first, ties in insertion order, up to a limit', () => {
      const store = newStore();
      store.commit(
        writeSet({
          flows: [
            waitingFlow('late', 'flow.sleep', { deadline: 5000 }),
            waitingFlow('t2', 'flow.input', { deadline: 2000 }),
            waitingFlow('t1', 'flow.sleep', { deadline: 1000 }),
            waitingFlow('t2b', 'flow.receive', { deadline: 2000, session: 's' }),
            waitingFlow('never', 'flow.input'),
            flowRecord('done', {
              status: 'done',
              wait: { type: 'flow.sleep', token: 1, since: 0, deadline: 1 },
            }),
          ],
        }),
      );
      store.commit(writeSet({ flows: [waitingFlow('t2a', 'flow.sleep', { deadline: 2000 })] }));
      const ids = (flows: FlowRecord[]) => flows.map((f) => f.id);
      expect(ids(store.dueFlows(999, 10))).toEqual([]);
      expect(ids(store.dueFlows(1000, 10))).toEqual(['t1']);
      expect(ids(store.dueFlows(2000, 10))).toEqual(['t1', 't2', 't2b', 't2a']);
      expect(ids(store.dueFlows(4999, 10))).toEqual(['t1', 't2', 't2b', 't2a']);
      expect(ids(store.dueFlows(5000, 10))).toEqual(['t1', 't2', 't2b', 't2a', 'late']);
      expect(ids(store.dueFlows(5000, 2))).toEqual(['t1', 't2']);
      expect(ids(store.dueFlows(5000, 0))).toEqual([]);
      expect(store.dueFlows(1000, 1)).toEqual([waitingFlow('t1', 'flow.sleep', { deadline: 1000 })]);
      // t1's timer fired: it runs again
      store.commit(writeSet({ flows: [flowRecord('t1')] }));
      expect(ids(store.dueFlows(2000, 10))).toEqual(['t2', 't2b', 't2a']);
    });

    it('appends progress records and gives a flow its own, by index', () => {
      const store = newStore();
      store.commit(writeSet({ progress: [progressRecord('f1', 0), progressRecord('f2', 0)] }));
      store.commit(writeSet({ progress: [progressRecord('f1', 1), progressRecord('f1', 2)] }));
      expect(store.progressOf('f1')).toEqual([
        progressRecord('f1', 0),
        progressRecord('f1', 1),
        progressRecord('f1', 2),
      ]);
      expect(store.progressOf('f2')).toEqual([progressRecord('f2', 0)]);
      expect(store.progressOf('f3')).toEqual([]);
    });

    it('refuses a progress record at an index already written, applying nothing of that write set', () => {
      const store = newStore();
      store.commit(writeSet({ flows: [flowRecord('f1')], progress: [progressRecord('f1', 0)] }));
      const before = dumpStore(store, ['f1', 'f2'], [], []);
      expect(() =>
        store.commit(
          writeSet({
            flows: [flowRecord('f1', { progressCount: 1 }), flowRecord('f2')],
            progress: [progressRecord('f2', 0), progressRecord('f1', 0)],
          }),
        ),
      ).toThrow();
      expect(() =>
        store.commit(writeSet({ progress: [progressRecord('f2', 0), progressRecord('f2', 0)] })),
      ).toThrow();
      expect(dumpStore(store, ['f1', 'f2'], [], [])).toEqual(before);
    });

    it('gives the sub-flows of a flow by creation time, then id', () => {
      const store = newStore();
      store.commit(
        writeSet({
          flows: [
            flowRecord('p'),
            flowRecord('c3', { parent: 'p', createdAt: 3000 }),
            flowRecord('c1b', { parent: 'p', createdAt: 1000 }),
            flowRecord('c1a', { parent: 'p', createdAt: 1000, status: 'done' }),
            flowRecord('g', { parent: 'c3', createdAt: 500 }),
            flowRecord('other', { parent: 'q', createdAt: 10 }),
          ],
        }),
      );
      expect(store.childrenOf('p').map((f) => f.id)).toEqual(['c1a', 'c1b', 'c3']);
      expect(store.childrenOf('p')[0]).toEqual(
        flowRecord('c1a', { parent: 'p', createdAt: 1000, status: 'done' }),
      );
      expect(store.childrenOf('c3').map((f) => f.id)).toEqual(['g']);
      expect(store.childrenOf('g')).toEqual([]);
      expect(store.childrenOf('nobody')).toEqual([]);
    });

    it('installs a bundle once, keeping the first of a hash, in installation order', () => {
      const store = newStore();
      store.commit(writeSet({ bundles: [installedBundle('h2'), installedBundle('h1')] }));
      store.commit(writeSet({ bundles: [installedBundle('h1', '9.9.9'), installedBundle('h3', '2.0.0')] }));
      store.commit(writeSet({ bundles: [installedBundle('h4'), installedBundle('h4', '4.4.4')] }));
      expect(store.bundles()).toEqual([
        installedBundle('h2'),
        installedBundle('h1'),
        installedBundle('h3', '2.0.0'),
        installedBundle('h4'),
      ]);
      const copy = store.bundles();
      copy[0]!.text = 'changed';
      expect(store.bundles()[0]).toEqual(installedBundle('h2'));
    });

    it('upserts meta values', () => {
      const store = newStore();
      store.commit(
        writeSet({
          meta: [
            ['nextEventId', '1'],
            ['node', 'O=Bank A'],
          ],
        }),
      );
      store.commit(
        writeSet({
          meta: [
            ['nextEventId', '42'],
            ['empty', ''],
          ],
        }),
      );
      expect(store.getMeta('nextEventId')).toBe('42');
      expect(store.getMeta('node')).toBe('O=Bank A');
      expect(store.getMeta('empty')).toBe('');
      expect(store.getMeta('missing')).toBeUndefined();
    });

    describe('commit is all or nothing', () => {
      /** A store with one of everything, and a write set touching all of it plus `poison`. */
      function scenario(poison: Writes) {
        const store = newStore();
        store.commit(
          writeSet({
            flows: [
              waitingFlow('f1', 'flow.receive', { session: 's1', deadline: 4000 }),
              flowRecord('c', { parent: 'f1' }),
            ],
            sessions: [sessionRecord('s1')],
            eventsAdded: [queuedEvent(1), queuedEvent(2)],
            outboxAdded: [outboxMessage('m1')],
            progress: [progressRecord('f1', 0)],
            bundles: [installedBundle('h1')],
            meta: [['nextEventId', '3']],
          }),
        );
        const flows = ['f1', 'f2', 'c'];
        const before = dumpStore(store, flows, ['s1', 's2'], ['nextEventId', 'k']);
        const writes = writeSet({
          flows: [flowRecord('f1', { status: 'done' }), waitingFlow('f2', 'flow.sleep', { deadline: 1 })],
          sessions: [sessionRecord('s1', { closed: true }), sessionRecord('s2', { owner: 'f2' })],
          eventsRemoved: [1, 2],
          eventsAdded: [queuedEvent(3, 'f2')],
          outboxRemoved: ['m1'],
          outboxAdded: [outboxMessage('m2')],
          progress: [progressRecord('f1', 1)],
          bundles: [installedBundle('h2')],
          meta: [
            ['nextEventId', '4'],
            ['k', 'v'],
          ],
        });
        const extra = writeSet(poison);
        for (const [id, f] of extra.flows) writes.flows.set(id, f);
        for (const [id, s] of extra.sessions) writes.sessions.set(id, s);
        for (const [id, e] of extra.eventsAdded) writes.eventsAdded.set(id, e);
        for (const [id, m] of extra.outboxAdded) writes.outboxAdded.set(id, m);
        writes.progress.push(...extra.progress);
        return {
          store,
          writes,
          check: () => expect(dumpStore(store, flows, ['s1', 's2'], ['nextEventId', 'k'])).toEqual(before),
        };
      }

      it('applies nothing when a flow cannot be serialised', () => {
        const { store, writes, check } = scenario({ flows: [flowRecord('f3', { result: { amount: 10n } })] });
        expect(() => store.commit(writes)).toThrow(/BigInt/);
        check();
      });

      it('applies nothing when the last record of the write set cannot be serialised', () => {
        const { store, writes, check } = scenario({
          progress: [{ ...progressRecord('f2', 0), label: 1n as unknown as string }],
        });
        expect(() => store.commit(writes)).toThrow(/BigInt/);
        check();
      });

      it('applies nothing when a record is refused midway', () => {
        // written after the flows, sessions, events and outbox: a store that applies as it goes must roll back
        const { store, writes, check } = scenario({ progress: [progressRecord('f1', 0)] });
        expect(() => store.commit(writes)).toThrow();
        check();
      });

      it('applies the same write set once the poison is gone', () => {
        const { store, writes } = scenario({});
        store.commit(writes);
        expect(store.getFlow('f1')!.status).toBe('done');
        expect(store.pendingEvents()).toEqual([queuedEvent(3, 'f2')]);
        expect(store.outbox()).toEqual([outboxMessage('m2')]);
        expect(store.bundles().map((b) => b.hash)).toEqual(['h1', 'h2']);
        expect(store.getMeta('nextEventId')).toBe('4');
        expect(store.nextDeadline()).toBe(1);
        expect(store.flowReceivingOn('s1')).toBeUndefined();
      });
    });

    it('keeps vault states, in the order first stored, and their soft locks', () => {
      const store = newStore();
      expect(store.queryVault({ consumed: true })).toEqual([]);
      expect(store.getVaultState('a')).toBeUndefined();
      store.commit(writeSet({ vault: [vaultState('b'), vaultState('a', { lockedBy: 'f1' })] }));
      store.commit(
        writeSet({ vault: [vaultState('c'), vaultState('b', { lockedBy: 'f1' }), vaultState('a')] }),
      );
      expect(store.getVaultState('a')).toEqual(vaultState('a'));
      // an update keeps the state's place
      expect(store.queryVault({}).map((v) => v.ref)).toEqual(['b', 'a', 'c']);
      expect(store.lockedBy('f1')).toEqual([vaultState('b', { lockedBy: 'f1' })]);
      expect(store.lockedBy('f2')).toEqual([]);
    });

    describe('vault queries', () => {
      const owned = (owner: string, units = 1, extra: Record<string, unknown> = {}) => ({
        owner,
        units,
        ...extra,
      });
      /** a..h in this order: `a` was stored first and locked later, `e` is consumed, `d` is another contract. */
      function vault(): CheckpointStore {
        const store = newStore();
        store.commit(
          writeSet({
            vault: [
              vaultState('a', { data: owned('A', 5) }),
              vaultState('b', { data: owned('B') }),
              vaultState('c', { data: owned('A', 5), lockedBy: 'f1' }),
              vaultState('d', { contract: 'Token', data: owned('A') }),
              vaultState('e', { data: owned('A'), consumedBy: 'tx1' }),
              vaultState('f', { data: owned('A', 1, { tag: { k: 1 } }), lockedBy: 'f2' }),
            ],
          }),
        );
        store.commit(
          writeSet({
            vault: [
              vaultState('a', { data: owned('A', 5), lockedBy: 'f2' }),
              vaultState('g', { data: owned('A', 1, { tag: { k: 1 } }) }),
              vaultState('h', { data: owned('A', 5) }),
            ],
          }),
        );
        return store;
      }
      const refs = (store: CheckpointStore, query: Parameters<CheckpointStore['queryVault']>[0]) =>
        store.queryVault(query).map((v) => v.ref);

      it('select by contract and consumption', () => {
        const store = vault();
        expect(refs(store, {})).toEqual(['a', 'b', 'c', 'd', 'f', 'g', 'h']);
        expect(refs(store, { contract: 'Cash' })).toEqual(['a', 'b', 'c', 'f', 'g', 'h']);
        expect(refs(store, { contract: 'Cash', consumed: true })).toEqual([
          'a',
          'b',
          'c',
          'e',
          'f',
          'g',
          'h',
        ]);
        expect(refs(store, { contract: 'Token' })).toEqual(['d']);
        expect(refs(store, { contract: 'Nothing' })).toEqual([]);
        expect(store.queryVault({ contract: 'Cash', consumed: true })[3]).toEqual(
          vaultState('e', { data: owned('A'), consumedBy: 'tx1' }),
        );
      });

      it('filter by equal fields of the data, plain or not', () => {
        const store = vault();
        expect(refs(store, { contract: 'Cash', where: { owner: 'A' } })).toEqual(['a', 'c', 'f', 'g', 'h']);
        expect(refs(store, { where: { owner: 'A', units: 5 } })).toEqual(['a', 'c', 'h']);
        expect(refs(store, { where: { units: '5' } })).toEqual([]);
        expect(refs(store, { where: { tag: { k: 1 } } })).toEqual(['f', 'g']);
        expect(refs(store, { where: { tag: { k: 1 } }, limit: 1 })).toEqual(['f']);
        expect(refs(store, { where: { owner: 'A', 'not a name': 1 } })).toEqual([]);
        expect(refs(store, { where: { missing: 'x' } })).toEqual([]);
      });

      it('keep the states free of soft locks or locked by the flows given', () => {
        const store = vault();
        expect(refs(store, { contract: 'Cash', availableTo: [] })).toEqual(['b', 'g', 'h']);
        expect(refs(store, { contract: 'Cash', availableTo: ['f1'] })).toEqual(['b', 'c', 'g', 'h']);
        expect(refs(store, { contract: 'Cash', availableTo: ['f1', 'f2'] })).toEqual([
          'a',
          'b',
          'c',
          'f',
          'g',
          'h',
        ]);
        expect(refs(store, { contract: 'Cash', availableTo: ['f3', 'f2'] })).toEqual([
          'a',
          'b',
          'f',
          'g',
          'h',
        ]);
        expect(refs(store, { contract: 'Cash', consumed: true, availableTo: [] })).toEqual([
          'b',
          'e',
          'g',
          'h',
        ]);
      });

      it('read in pages: up to a limit, after a state, without some states', () => {
        const store = vault();
        const cash = { contract: 'Cash' };
        expect(refs(store, { ...cash, limit: 2 })).toEqual(['a', 'b']);
        expect(refs(store, { ...cash, limit: 0 })).toEqual([]);
        expect(refs(store, { ...cash, limit: 100 })).toEqual(['a', 'b', 'c', 'f', 'g', 'h']);
        expect(refs(store, { ...cash, after: 'b' })).toEqual(['c', 'f', 'g', 'h']);
        expect(refs(store, { ...cash, after: 'b', limit: 2 })).toEqual(['c', 'f']);
        // after a state the query would not give (another contract, consumed): the states stored after it
        expect(refs(store, { ...cash, after: 'd' })).toEqual(['f', 'g', 'h']);
        expect(refs(store, { ...cash, after: 'e' })).toEqual(['f', 'g', 'h']);
        expect(refs(store, { ...cash, after: 'h' })).toEqual([]);
        // after a state the store does not hold: nothing
        expect(refs(store, { ...cash, after: 'zz' })).toEqual([]);
        expect(refs(store, { ...cash, except: ['b', 'f', 'zz'] })).toEqual(['a', 'c', 'g', 'h']);
        expect(refs(store, { ...cash, except: [] })).toEqual(['a', 'b', 'c', 'f', 'g', 'h']);
        expect(refs(store, { ...cash, except: ['a', 'b'], limit: 2 })).toEqual(['c', 'f']);
        // coin selection's query: everything at once
        expect(
          refs(store, {
            ...cash,
            where: { owner: 'A' },
            availableTo: ['f1'],
            after: 'a',
            except: ['g'],
            limit: 2,
          }),
        ).toEqual(['c', 'h']);
        expect(refs(store, { where: { tag: { k: 1 } }, after: 'f', availableTo: [] })).toEqual(['g']);
      });
    });

    it('refuses a commit once closed', () => {
      const store = newStore();
      store.close();
      expect(() => store.commit(writeSet({ meta: [['k', 'v']] }))).toThrow(/closed/);
    });

    it('keeps everything committed across a restart', () => {
      const store = newStore();
      const hospitalized = flowRecord('f3', {
        status: 'hospitalized',
        error: { message: 'boom' },
        hospital: {
          error: 'boom',
          kind: 'transition',
          state: 'pay',
          location: { file: 'pay.flow', line: 3, column: 5, endLine: 3, endColumn: 9 },
          event: queuedEvent(7, 'f3', 2),
          at: 5,
          attempts: 1,
        },
      });
      const all = {
        flows: [
          waitingFlow('f1', 'flow.receive', { session: 's1', deadline: 7000 }),
          flowRecord('f2', {
            parent: 'f1',
            createdAt: 2000,
            step: 'Paying',
            progressCount: 1,
            parentProgress: 0,
          }),
          hospitalized,
        ],
        sessions: [
          sessionRecord('s1', { inbox: [{ seq: 0, kind: 'data', messageType: 'Bid', value: [1, 2] }] }),
        ],
        eventsAdded: [queuedEvent(4), queuedEvent(3, 'f2', 1)],
        outboxAdded: [outboxMessage('m1', 3)],
        progress: [progressRecord('f1', 0), progressRecord('f2', 0)],
        bundles: [installedBundle('h1')],
        meta: [['nextEventId', '5']] as [string, string][],
        vault: [vaultState('r1', { lockedBy: 'f1' }), vaultState('r0', { consumedBy: 'tx1' })],
      };
      store.commit(writeSet(all));
      const flows = ['f1', 'f2', 'f3'];
      const before = dumpStore(store, flows, ['s1'], ['nextEventId'], ['r0', 'r1']);
      const again = reopen(store);
      expect(dumpStore(again, flows, ['s1'], ['nextEventId'], ['r0', 'r1'])).toEqual(before);
      expect(again.queryVault({ consumed: true }).map((v) => v.ref)).toEqual(['r1', 'r0']);
      expect(again.getFlow('f3')).toEqual(hospitalized);
      expect(again.pendingEvents()).toEqual([queuedEvent(3, 'f2', 1), queuedEvent(4)]);
      expect(again.flowReceivingOn('s1')).toBe('f1');
      expect(again.nextDeadline()).toBe(7000);
      // and it goes on from there
      again.commit(writeSet({ eventsRemoved: [3], progress: [progressRecord('f1', 1)] }));
      expect(again.pendingEvents()).toEqual([queuedEvent(4)]);
      expect(again.progressOf('f1')).toEqual([progressRecord('f1', 0), progressRecord('f1', 1)]);
    });
  });
}
