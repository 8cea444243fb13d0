/**
 * The escrow sample on a mock network with a simulated clock: the buyer puts cash with the agent for the seller;
 * released before the deadline, the seller has it; not released, the agent's flow wakes at the deadline and
 * refunds the buyer.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMockNetwork, DAY, SimulatedClock, type MockNetwork } from '../../../runtime/index.js';
import { buildAndLoadCordapp } from '../../../runtime/node/index.js';

const ESCROW_DIR = path.resolve(import.meta.dirname, '..');
const NODES = ['Buyer', 'Seller', 'Agent', 'Notary'];
const cordapp = buildAndLoadCordapp(ESCROW_DIR);
const usd = (quantity: number) => ({ quantity, currency: 'USD' });

async function network(): Promise<{ net: MockNetwork; clock: SimulatedClock }> {
  const clock = new SimulatedClock();
  let n = 0;
  const net = await createMockNetwork({
    nodes: NODES,
    cordapps: [await cordapp],
    clock,
    newId: () => `flow-${++n}`,
  });
  expect(await run(net, 'Buyer', 'IssueCash', { amount: usd(500), notary: 'Notary' })).toMatchObject({
    status: 'done',
  });
  return { net, clock };
}

async function run(net: MockNetwork, node: string, flow: string, params: Record<string, unknown>) {
  const handle = net.start(node, flow, params);
  await net.runUntilIdle();
  return handle.result;
}

const open = (net: MockNetwork) =>
  run(net, 'Buyer', 'OpenEscrow', {
    seller: 'Seller',
    agent: 'Agent',
    amount: usd(200),
    reference: 'deal-1',
    window: 5 * DAY,
    notary: 'Notary',
  });

/** Each node's cash (owner and quantity) and open escrows (reference). */
function holdings(net: MockNetwork) {
  return Object.fromEntries(
    NODES.slice(0, 3).map((node) => [
      node,
      net
        .node(node)
        .store.queryVault({})
        .map((s) =>
          s.state.contract === 'Escrow'
            ? `escrow ${String(s.state.data['reference'])}`
            : `${String(s.state.data['owner'])} ${(s.state.data['amount'] as { quantity: number }).quantity}`,
        ),
    ]),
  );
}

function agentFlow(net: MockNetwork) {
  return net
    .node('Agent')
    .flows({ all: true })
    .find((f) => f.flow === 'AcceptEscrow')!;
}

describe('the escrow sample', () => {
  it('locks the cash with the agent: the escrow is in every vault, the agent holds the funds until the deadline', async () => {
    const { net, clock } = await network();
    const opened = await open(net);
    expect(opened).toMatchObject({ status: 'done', result: clock.now() + 5 * DAY });
    expect(holdings(net)).toEqual({
      Buyer: ['escrow deal-1', 'Buyer 300'],
      Seller: ['escrow deal-1'],
      Agent: ['escrow deal-1', 'Agent 200'],
    });
    const waiting = agentFlow(net);
    expect(waiting).toMatchObject({ status: 'waiting', step: 'Holding' });
    expect(net.node('Agent').flow(waiting.id)?.wait).toMatchObject({ deadline: clock.now() + 5 * DAY });
    expect((await run(net, 'Seller', 'Escrows', {})).result).toEqual([
      {
        reference: 'deal-1',
        buyer: 'Buyer',
        seller: 'Seller',
        agent: 'Agent',
        amount: usd(200),
        deadline: clock.now() + 5 * DAY,
      },
    ]);
  });

  it('completed before the deadline: the buyer releases the funds to the seller, and nothing is refunded', async () => {
    const { net, clock } = await network();
    await open(net);
    clock.advance(3 * DAY);
    await net.runUntilIdle();
    const released = await run(net, 'Buyer', 'ReleaseEscrow', { reference: 'deal-1' });
    expect(released).toMatchObject({ status: 'done' });
    expect(holdings(net)).toEqual({ Buyer: ['Buyer 300'], Seller: ['Seller 200'], Agent: [] });
    const stx = net.node('Seller').store.getTransaction(released.result as string)!;
    expect(stx.signatures.map((s) => s.by).sort()).toEqual(['Agent', 'Buyer', 'Notary']);
    expect(stx.tx.timeWindow).toEqual({ until: clock.now() + 2 * DAY });
    // the agent's flow wakes at the deadline, finds the escrow closed, and ends without a refund
    clock.advance(2 * DAY);
    await net.runUntilIdle();
    expect(agentFlow(net)).toMatchObject({ status: 'done', step: 'Holding' });
    expect(
      net
        .node('Agent')
        .flows({ all: true })
        .some((f) => f.flow === 'RefundEscrow'),
    ).toBe(false);
    expect(holdings(net)).toEqual({ Buyer: ['Buyer 300'], Seller: ['Seller 200'], Agent: [] });
  });

  it('not completed: the agent refunds the buyer at the deadline, not a moment before', async () => {
    const { net, clock } = await network();
    const deadline = (await open(net)).result as number;
    clock.advance(5 * DAY - 1);
    await net.runUntilIdle();
    expect(holdings(net).Agent).toEqual(['escrow deal-1', 'Agent 200']);
    clock.advance(1);
    await net.runUntilIdle();
    expect(agentFlow(net)).toMatchObject({ status: 'done', step: 'Refunding' });
    expect(holdings(net)).toEqual({ Buyer: ['Buyer 300', 'Buyer 200'], Seller: [], Agent: [] });
    // the refund made the buyer's 200 (RefundEscrow runs compiled into AcceptEscrow: its transaction is found by
    // what it paid)
    const refunded = net
      .node('Buyer')
      .store.queryVault({ contract: 'Cash' })
      .find((s) => (s.state.data['amount'] as { quantity: number }).quantity === 200)!;
    const stx = net.node('Buyer').store.getTransaction(refunded.ref.slice(0, refunded.ref.lastIndexOf(':')))!;
    expect(stx.tx.timeWindow).toEqual({ from: deadline });
    expect(stx.signatures.map((s) => s.by).sort()).toEqual(['Agent', 'Notary']);
    // too late to release
    expect(await run(net, 'Buyer', 'ReleaseEscrow', { reference: 'deal-1' })).toMatchObject({
      status: 'failed',
      error: 'Buyer knows no open escrow deal-1',
    });
  });

  it('refuses a release past the deadline, the agent refunds, and the deadline holds across restarts', async () => {
    const { net, clock } = await network();
    await open(net);
    net.crash('Agent');
    clock.advance(6 * DAY);
    // the buyer still sees the escrow open, but it is past its deadline
    expect(await run(net, 'Buyer', 'ReleaseEscrow', { reference: 'deal-1' })).toMatchObject({
      status: 'failed',
      error: 'The escrow deal-1 is past its deadline: the agent refunds it',
    });
    await net.restart('Agent');
    await net.runUntilIdle();
    expect(holdings(net)).toEqual({ Buyer: ['Buyer 300', 'Buyer 200'], Seller: [], Agent: [] });
  });

  it('refuses to open an escrow the buyer cannot pay for', async () => {
    const { net } = await network();
    expect(
      await run(net, 'Buyer', 'OpenEscrow', {
        seller: 'Seller',
        agent: 'Agent',
        amount: usd(800),
        reference: 'deal-2',
        window: DAY,
        notary: 'Notary',
      }),
    ).toMatchObject({
      status: 'failed',
      error: 'Insufficient funds: Buyer holds 500 USD, less than 800 USD',
    });
    expect(net.node('Agent').store.listFlows()).toEqual([]);
  });

  it('the agent refuses to sign a release that reaches it after the deadline, and refunds', async () => {
    const { net, clock } = await network();
    await open(net);
    // hold the agent's flow at its deadline, and let the buyer's release start a moment before it
    const watcher = agentFlow(net);
    net.node('Agent').pause(watcher.id);
    net.crash('Agent');
    clock.advance(5 * DAY - 1);
    const release = net.start('Buyer', 'ReleaseEscrow', { reference: 'deal-1' });
    while (net.step()) {
      /* the buyer signs and sends its notice, which the crashed agent never gets */
    }
    clock.advance(1);
    await net.restart('Agent');
    await net.runUntilIdle();
    expect(await release.result).toMatchObject({
      status: 'failed',
      error: 'The escrow deal-1 is past its deadline: it is refunded',
    });
    expect(holdings(net).Agent).toEqual(['escrow deal-1', 'Agent 200']);
    net.node('Agent').resume(watcher.id);
    await net.runUntilIdle();
    expect(holdings(net)).toEqual({ Buyer: ['Buyer 300', 'Buyer 200'], Seller: [], Agent: [] });
    // the refund is final: the escrow cannot be opened again under its reference
    expect(
      await run(net, 'Buyer', 'OpenEscrow', {
        seller: 'Seller',
        agent: 'Agent',
        amount: usd(100),
        reference: 'deal-1',
        window: DAY,
        notary: 'Notary',
      }),
    ).toMatchObject({ status: 'failed', error: 'An escrow deal-1 exists already' });
  });
});
