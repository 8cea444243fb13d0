/** The memory store against the `CheckpointStore` conformance suite, and its test hook for a failing disk. */
import { describe, expect, it } from 'vitest';
import { MemoryStore, type CheckpointStore } from '../../runtime/store.js';
import { describeCheckpointStore, flowRecord, writeSet } from './storeContract.js';

describeCheckpointStore('MemoryStore', {
  open: () => new MemoryStore(),
  reopen: (store: CheckpointStore) => {
    store.close();
    return (store as MemoryStore).reopen();
  },
});

describe('MemoryStore', () => {
  it('fails the next commit when told to, applying nothing, then commits again', () => {
    const store = new MemoryStore();
    store.failNextCommit = new Error('disk full');
    expect(() => store.commit(writeSet({ flows: [flowRecord('f1')], meta: [['k', 'v']] }))).toThrow(
      'disk full',
    );
    expect(store.listFlows()).toEqual([]);
    expect(store.getMeta('k')).toBeUndefined();
    store.commit(writeSet({ flows: [flowRecord('f1')] }));
    expect(store.getFlow('f1')).toEqual(flowRecord('f1'));
  });

  it('measures the size of a checkpoint', () => {
    const store = new MemoryStore();
    store.commit(writeSet({ flows: [flowRecord('f1', { snapshot: { a: 1 } })] }));
    expect(store.snapshotBytes('f1')).toBe('{"a":1}'.length);
    expect(store.snapshotBytes('f2')).toBeUndefined();
  });
});
