/**
 * The approval sample on a mock network with a simulated clock: the approver's owner approves, rejects with a
 * reason, or lets the two days pass.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMockNetwork, DAY, HOUR, SimulatedClock, type MockNetwork } from '../../../runtime/index.js';
import { buildAndLoadCordapp } from '../../../runtime/node/index.js';

const APPROVAL = path.resolve(import.meta.dirname, '..');
const cordapp = buildAndLoadCordapp(APPROVAL);
const request = { approver: 'Bob', item: 'a laptop', amount: { quantity: 1200, currency: 'EUR' } };

async function network(): Promise<{ net: MockNetwork; clock: SimulatedClock }> {
  const clock = new SimulatedClock();
  let n = 0;
  const net = await createMockNetwork({
    nodes: ['Alice', 'Bob'],
    cordapps: [await cordapp],
    clock,
    newId: () => `flow-${++n}`,
  });
  return { net, clock };
}

describe('the approval sample', () => {
  it('asks the approver and returns the approval', async () => {
    const { net, clock } = await network();
    const handle = net.start('Alice', 'RequestPurchase', request);
    await net.runUntilIdle();
    const [question] = net.node('Bob').inputs();
    expect(question).toMatchObject({
      prompt: 'Approve a laptop for 1200 EUR for Alice?',
      deadline: clock.now() + 2 * DAY,
    });
    expect(net.node('Alice').flow(handle.id)).toMatchObject({ status: 'waiting', step: 'Waiting' });
    net.node('Bob').answerInput(question!.flowId, true);
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'done', result: { approved: true, reason: '' } });
    expect(net.node('Bob').inputs()).toEqual([]);
  });

  it('asks why on a rejection and returns the reason', async () => {
    const { net, clock } = await network();
    const handle = net.start('Alice', 'RequestPurchase', request);
    await net.runUntilIdle();
    clock.advance(5 * HOUR);
    net.node('Bob').answerInput(net.node('Bob').inputs()[0]!.flowId, false);
    await net.runUntilIdle();
    const [why] = net.node('Bob').inputs();
    expect(why).toMatchObject({ prompt: 'Why is a laptop rejected?' });
    net.node('Bob').answerInput(why!.flowId, 'Over the budget');
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({
      status: 'done',
      result: { approved: false, reason: 'Over the budget' },
    });
  });

  it('rejects without a reason when the approver gives none within a day', async () => {
    const { net, clock } = await network();
    const handle = net.start('Alice', 'RequestPurchase', request);
    await net.runUntilIdle();
    net.node('Bob').answerInput(net.node('Bob').inputs()[0]!.flowId, false);
    await net.runUntilIdle();
    expect(net.node('Bob').inputs()[0]).toMatchObject({ deadline: clock.now() + DAY });
    clock.advance(DAY);
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({
      status: 'done',
      result: { approved: false, reason: 'No reason given' },
    });
  });

  it('rejects the request when the approver does not decide within two days', async () => {
    const { net, clock } = await network();
    const handle = net.start('Alice', 'RequestPurchase', request);
    await net.runUntilIdle();
    clock.advance(2 * DAY - 1);
    await net.runUntilIdle();
    expect(net.node('Bob').inputs()).toHaveLength(1);
    clock.advance(1);
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({
      status: 'done',
      result: { approved: false, reason: 'No decision within 2 days' },
    });
    expect(net.node('Bob').inputs()).toEqual([]);
    expect(
      net
        .node('Bob')
        .flows()
        .map((f) => [f.flow, f.status]),
    ).toEqual([['ApprovePurchase', 'done']]);
  });

  it('keeps the question across a restart of the approver node, with its deadline', async () => {
    const { net, clock } = await network();
    const handle = net.start('Alice', 'RequestPurchase', request);
    await net.runUntilIdle();
    const before = net.node('Bob').inputs();
    net.crash('Bob');
    clock.advance(DAY);
    const bob = await net.restart('Bob');
    expect(bob.inputs()).toEqual(before);
    bob.answerInput(before[0]!.flowId, true);
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'done', result: { approved: true, reason: '' } });
  });
});
