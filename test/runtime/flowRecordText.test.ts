/**
 * How flow records are stored (`flowRecordText` / `readFlowRecord` in runtime/store.ts): a value the checkpoint
 * holds more than once is written once, and reads back equal, with the sharing restored; anything else is plain
 * JSON. Both stores use it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowRecordText, MemoryStore, readFlowRecord, type FlowRecord } from '../../runtime/store.js';
import { SqliteStore } from '../../runtime/node/sqliteStore.js';
import { emptyWriteSet } from '../../runtime/store.js';

function record(context: unknown, wait?: FlowRecord['wait']): FlowRecord {
  const flow: FlowRecord = {
    id: 'f-1',
    root: 'f-1',
    sessionOwner: 'f-1',
    bundle: 'b',
    flow: 'Trade',
    status: 'waiting',
    snapshot: { status: 'active', value: 'receive_x', context },
    seq: 0,
    progressCount: 0,
    createdAt: 1,
    updatedAt: 1,
  };
  if (wait) flow.wait = wait;
  return flow;
}

const transaction = { id: 'abc', tx: { inputs: ['a:0'], outputs: [{ data: { n: 1 } }] }, signatures: [] };

describe('flow records as stored', () => {
  it('writes a value held several times once, and reads it back equal and shared', () => {
    const signed = { ...transaction, signatures: [{ by: 'Alice', signature: 'sig' }] };
    const flow = record(
      { stx: transaction, final: transaction, signed, frame: { stx: transaction, list: [signed, signed] } },
      { type: 'flow.call', token: 1, since: 1, args: ['Notary', signed] },
    );
    const text = flowRecordText(flow);
    expect(text.length).toBeLessThan(JSON.stringify(flow).length);
    expect(text.split('"inputs"').length - 1).toBe(1); // the transaction's content is written once
    const back = readFlowRecord(flow.id, text);
    expect(back).toEqual(flow);
    const context = (back.snapshot as { context: Record<string, { stx: unknown; list: unknown[] }> }).context;
    expect(context['final']).toBe(context['stx']);
    expect(context['frame']!.stx).toBe(context['stx']);
    expect(context['frame']!.list[0]).toBe(context['signed']);
    expect(back.wait!.args![1]).toBe(context['signed']);
  });

  it('writes a record with nothing shared as plain JSON', () => {
    const flow = record({ a: { b: [1, 2] }, c: 'x' });
    expect(flowRecordText(flow)).toBe(JSON.stringify(flow));
  });

  it('keeps values whose own keys look like the marks', () => {
    const odd = { $$ref: 0, $$id: 'mine', $$v: [1] };
    for (const context of [{ odd }, { odd, again: transaction, same: transaction }]) {
      const flow = record(context);
      expect(readFlowRecord(flow.id, flowRecordText(flow))).toEqual(flow);
    }
  });

  it('reads back any JSON checkpoint with shared parts equal to what was written', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.array(json, { maxLength: 4 }),
        fc.array(fc.nat(3), { maxLength: 6 }),
        (values, picks) => {
          const objects = values.filter((v) => v !== null && typeof v === 'object');
          const context: Record<string, unknown> = { values };
          picks.forEach((p, i) => {
            if (objects.length) context[`v${i}`] = objects[p % objects.length];
          });
          const flow = record(context);
          expect(readFlowRecord(flow.id, flowRecordText(flow))).toEqual(JSON.parse(JSON.stringify(flow)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('both stores keep a shared checkpoint as written', () => {
    const flow = record({ stx: transaction, final: transaction });
    for (const store of [new MemoryStore(), SqliteStore.open(':memory:')]) {
      const writes = emptyWriteSet();
      writes.flows.set(flow.id, flow);
      store.commit(writes);
      const back = store.getFlow(flow.id)!;
      expect(back).toEqual(flow);
      const context = (back.snapshot as { context: Record<string, unknown> }).context;
      expect(context['final']).toBe(context['stx']);
      store.close();
    }
  });
});
