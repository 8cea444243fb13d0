/**
 * The kitchen-sink CorDapp on two nodes: host functions (one awaited, with retry), an inline sub-flow using its
 * caller's session, human input with a deadline, receives with deadlines, both kinds of sleep, try/catch,
 * require, close — every suspension kind of the language, end to end on the runtime.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../runtime/clock.js';
import { MemoryStore } from '../../runtime/store.js';
import { network } from './helpers.js';

const KITCHEN_SINK = path.join(import.meta.dirname, '../fixtures/kitchen-sink');

describe('the kitchen sink on the runtime', () => {
  it('runs SellerFlow against BuyerFlow with the owner answering the buyer side', async () => {
    const clock = new SimulatedClock();
    const stores = { Seller: new MemoryStore(), Buyer: new MemoryStore() };
    const net = await network(KITCHEN_SINK, ['Seller', 'Buyer'], {
      clock,
      store: (name) => stores[name as keyof typeof stores],
    });
    const handle = net.start('Seller', 'SellerFlow', {
      buyer: 'Buyer',
      assetId: 'gold',
      price: { quantity: 100, currency: 'USD' },
      urgent: true,
    });
    await net.runUntilIdle();
    const buyer = net.node('Buyer');
    const [question] = buyer.inputs();
    expect(question).toMatchObject({ flow: 'BuyerFlow', prompt: 'Buy gold for 97.5 USD?', type: 'Decision' });
    expect(() => buyer.answerInput(question!.flowId, 'Maybe')).toThrow(
      'must be a Decision: expected one of "Accept", "Reject", "Counter", got "Maybe"',
    );
    buyer.answerInput(question!.flowId, 'Accept');
    await net.runUntilIdle();
    expect(net.node('Seller').flow(handle.id)!.wait).toMatchObject({ type: 'flow.sleep' });
    clock.advance(100);
    await net.runUntilIdle();
    expect(await handle.result).toEqual({ id: handle.id, status: 'done', result: -3 });
    expect(await buyer.waitFor(question!.flowId)).toMatchObject({ status: 'done' });
    const seller = net.node('Seller');
    expect(seller.progressTree(handle.id)!.steps.map((s) => [s.step, s.children.map((c) => c.flow)])).toEqual(
      [
        ['Quoting', []],
        // Haggle runs during Waiting, but its tracker hangs under the step declared to track it
        ['Offering', ['Haggle']],
        ['Waiting', []],
        ['Done', []],
      ],
    );
  });
});
