import { describe, expect, it } from 'vitest';
import { network } from './helpers.js';

describe('the engine', () => {
  it('runs a two-party flow of ten round trips to its result', async () => {
    const net = await network('pingpong', ['Alice', 'Bob']);
    const handle = net.start('Alice', 'Ping', { peer: 'Bob', start: 0 });
    await net.runUntilIdle();
    const outcome = await handle.result;
    expect(outcome).toEqual({ id: handle.id, status: 'done', result: 110 });
    const responders = net.node('Bob').store.listFlows();
    expect(responders.map((f) => [f.flow, f.status])).toEqual([['Pong', 'done']]);
    expect(net.node('Alice').store.outbox()).toEqual([]);
    expect(net.node('Bob').store.outbox()).toEqual([]);
  });
});
