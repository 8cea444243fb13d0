/**
 * The records a node keeps as committed across batches (`runtime/engine/recordCache.ts`, `NodeCore`): bounded, read
 * instead of the store, and never a record a batch changed without committing it — after a step that changed it
 * and was not written, after a refused commit, after a crash and a restart.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../runtime/clock.js';
import { NodeCore } from '../../runtime/engine/core.js';
import { RecordCache } from '../../runtime/engine/recordCache.js';
import type { MockNetwork } from '../../runtime/mockNetwork.js';
import type { FlowNode } from '../../runtime/node.js';
import { emptyWriteSet, MemoryStore, type CheckpointStore } from '../../runtime/store.js';
import { network } from './helpers.js';
import { flowRecord, sessionRecord } from './storeContract.js';

/** The node's core (internal: the cache is not part of the node's API). */
const coreOf = (node: FlowNode): NodeCore => (node as unknown as { core: NodeCore }).core;

/** The store's reads of flow and session records, counted. */
function counting(store: CheckpointStore) {
  const reads = { flows: 0, sessions: 0 };
  const getFlow = store.getFlow.bind(store);
  const getSession = store.getSession.bind(store);
  store.getFlow = (id) => (reads.flows++, getFlow(id));
  store.getSession = (id) => (reads.sessions++, getSession(id));
  return reads;
}

function coreOn(store: CheckpointStore, recordCacheSize?: number): NodeCore {
  return new NodeCore({
    name: 'Alice',
    store,
    transport: { send: () => undefined, knows: () => true },
    clock: new SimulatedClock(),
    ...(recordCacheSize !== undefined ? { recordCacheSize } : {}),
  });
}

describe('RecordCache', () => {
  it('hands a record out once, and keeps at most its limit, dropping the oldest', () => {
    const cache = new RecordCache<{ n: number }>(4);
    const one = { n: 1 };
    cache.put('a', one);
    expect(cache.take('a')).toBe(one);
    expect(cache.take('a')).toBeUndefined();
    for (let i = 0; i < 10; i++) cache.put(`k${i}`, { n: i });
    expect(cache.size).toBeLessThanOrEqual(4);
    expect(cache.has('k9')).toBe(true);
    expect(cache.has('k0')).toBe(false);
    // put again: the newest
    cache.put('k9', { n: 9 });
    cache.clear();
    expect(cache.size).toBe(0);
    const none = new RecordCache<number>(0);
    none.put('a', 1);
    expect(none.size).toBe(0);
  });
});

describe('the records a node keeps as committed', () => {
  it('serves what a commit wrote instead of reading the store again', () => {
    const store = new MemoryStore();
    const reads = counting(store);
    const core = coreOn(store);
    core.putFlow(flowRecord('f1', { status: 'waiting' }));
    core.putSession(sessionRecord('s1', { owner: 'f1' }));
    core.flushNow();
    const flow = core.getFlow('f1')!;
    expect(flow).toEqual(store.getFlow('f1'));
    expect(core.getSession('s1')).toEqual(store.getSession('s1'));
    expect(core.sessionsOwnedBy('f1')).toEqual([sessionRecord('s1', { owner: 'f1' })]);
    expect(reads).toEqual({ flows: 1, sessions: 1 }); // the test's own reads
    // taken by the batch: not in the cache while the batch holds it
    expect(core.committedFlows.has('f1')).toBe(false);
    flow.seq = 7;
    core.putFlow(flow);
    core.flushNow();
    expect(core.committedFlows.has('f1')).toBe(true);
    expect(core.getFlow('f1')!.seq).toBe(7);
    expect(reads.flows).toBe(1);
  });

  it('does not keep ended flows, nor records a batch only read', () => {
    const store = new MemoryStore();
    const core = coreOn(store);
    core.putFlow(flowRecord('f1', { status: 'done' }));
    core.putFlow(flowRecord('f2', { status: 'waiting' }));
    core.flushNow();
    expect(core.committedFlows.has('f1')).toBe(false);
    expect(core.committedFlows.has('f2')).toBe(true);
    core.getFlow('f2');
    core.putFlow(flowRecord('f3'));
    core.flushNow();
    expect(core.committedFlows.has('f2')).toBe(false);
  });

  it('never serves a record a batch changed and did not write, though the batch committed', () => {
    const store = new MemoryStore();
    const reads = counting(store);
    const core = coreOn(store);
    core.putFlow(
      flowRecord('f1', { status: 'waiting', snapshot: { value: 'wait', context: { list: [1] } } }),
    );
    core.flushNow();
    // a step changes the record in place, then fails (so it is not written); another flow's step commits
    const changed = core.getFlow('f1')!;
    (changed.snapshot as { context: { list: number[] } }).context.list.push(2);
    changed.status = 'running';
    core.putFlow(flowRecord('f2'));
    core.flushNow();
    const again = core.getFlow('f1')!;
    expect(again).not.toBe(changed);
    expect(again).toEqual(store.getFlow('f1'));
    expect(again.status).toBe('waiting');
    expect(again.snapshot).toEqual({ value: 'wait', context: { list: [1] } });
    expect(reads.flows).toBe(2);
  });

  it('drops everything when a commit is refused, and serves the store until one succeeds', async () => {
    const store = new MemoryStore();
    const core = coreOn(store);
    core.putFlow(flowRecord('f1', { status: 'waiting', seq: 1 }));
    core.putFlow(flowRecord('f2', { status: 'waiting' }));
    core.flushNow();
    expect(core.committedFlows.size).toBe(2);
    const flow = core.getFlow('f1')!;
    flow.seq = 2;
    core.putFlow(flow);
    store.failNextCommit = Object.assign(new Error('the store is busy'), { transient: true });
    core.flushNow();
    expect(core.blocked).toBe(true);
    expect(core.committedFlows.size).toBe(0);
    // what the node reads meanwhile is the store's: the refused batch's change is not served
    expect(core.getFlow('f1')!.seq).toBe(1);
    for (let i = 0; i < 100 && core.blocked; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(core.blocked).toBe(false);
    expect(store.getFlow('f1')!.seq).toBe(2);
    // the batch committed after a refusal is not kept either: the next batch reads the store
    expect(core.committedFlows.size).toBe(0);
    core.flushNow();
    expect(core.getFlow('f1')!.seq).toBe(2);
  });

  it('drops everything on a crash', () => {
    const store = new MemoryStore();
    const core = coreOn(store);
    core.putFlow(flowRecord('f1', { status: 'waiting' }));
    core.putSession(sessionRecord('s1'));
    core.flushNow();
    expect(core.committedFlows.size + core.committedSessions.size).toBe(2);
    core.crash();
    expect(core.committedFlows.size + core.committedSessions.size).toBe(0);
  });

  it('is dropped with the node on a crash: the node opened again reads what the store holds', async () => {
    const net = await network('timers', ['Alice'], { maxBatchSteps: 1 });
    const handle = net.start('Alice', 'Approve', { item: 'pens', limit: 5 });
    await net.runUntilIdle();
    const before = coreOf(net.node('Alice'));
    expect(before.committedFlows.has(handle.id)).toBe(true);
    net.crash('Alice');
    expect(before.committedFlows.size).toBe(0);
    // while the node is down, its store changes (an operator's tool, a restored backup): the flow is paused there
    const store = net.node('Alice').store;
    const writes = emptyWriteSet();
    const stored = store.getFlow(handle.id)!;
    writes.flows.set(handle.id, { ...stored, status: 'paused', pausedFrom: 'waiting' });
    store.commit(writes);
    const node = await net.restart('Alice');
    expect(() => node.answerInput(handle.id, 3)).toThrow('is not waiting for input (it is paused)');
    node.resume(handle.id);
    node.answerInput(handle.id, 3);
    await net.runUntilIdle();
    node.answerInput(handle.id, true);
    await net.runUntilIdle();
    expect(await node.waitFor(handle.id)).toMatchObject({ status: 'done', result: 'approved 3 pens' });
  });

  it('stays within its bound with many waiting flows', async () => {
    const net = await network('timers', ['Alice'], { recordCacheSize: 16 });
    const handles = Array.from({ length: 200 }, (_, i) =>
      net.start('Alice', 'Approve', { item: `item ${i}`, limit: 5 }),
    );
    await net.runUntilIdle();
    const core = coreOf(net.node('Alice'));
    expect(core.committedFlows.size).toBeGreaterThan(0);
    expect(core.committedFlows.size).toBeLessThanOrEqual(16);
    for (const handle of handles) net.node('Alice').answerInput(handle.id, 1);
    await net.runUntilIdle();
    expect(core.committedFlows.size).toBeLessThanOrEqual(16);
    expect(net.node('Alice').flows({ status: 'waiting' })).toHaveLength(200);
  });
});

/** Every node's flows, with their progress and sessions, as the stores hold them. */
function summary(net: MockNetwork) {
  return Object.fromEntries(
    net.nodeNames.map((name) => {
      const store = net.node(name).store;
      return [
        name,
        store
          .listFlows()
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((f) => ({
            id: f.id,
            status: f.status,
            result: f.result,
            error: f.error,
            seq: f.seq,
            progress: store.progressOf(f.id).map((p) => p.step),
            sessions: store.sessionsOf(f.id).map((s) => [s.id, s.sendSeq, s.recvSeq, s.inbox, s.closed]),
          })),
      ];
    }),
  );
}

describe('a network whose nodes keep no record, one, a few or many', () => {
  it('runs the same, through lost, repeated and reordered messages and a crash', async () => {
    const runs = [];
    for (const recordCacheSize of [0, 1, 3, 4096]) {
      const net = await network('threeparty', ['Buyer', 'Seller', 'Notary'], {
        recordCacheSize,
        maxBatchSteps: 3,
        faults: { drop: 0.2, duplicate: 0.2, reorder: true },
        seed: 7,
      });
      const first = net.start('Buyer', 'Buy', {
        seller: 'Seller',
        notary: 'Notary',
        item: 'apples',
        quantity: 3,
      });
      const second = net.start('Buyer', 'Buy', {
        seller: 'Seller',
        notary: 'Notary',
        item: 'pears',
        quantity: 2,
      });
      for (let i = 0; i < 40; i++) net.step();
      await net.restart('Seller');
      await net.runUntilIdle();
      const outcomes = [
        await net.node('Buyer').waitFor(first.id),
        await net.node('Buyer').waitFor(second.id),
      ];
      expect(outcomes.map((o) => o.status)).toEqual(['done', 'done']);
      runs.push({ outcomes, stores: summary(net) });
    }
    for (const run of runs.slice(1)) expect(run).toEqual(runs[0]);
  });
});
