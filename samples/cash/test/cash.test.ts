/**
 * The cash sample on a mock network: a bank issues cash, owners pay each other with coins selected from their
 * vaults, the change comes back, and a payment the vault cannot cover fails with a clear error and holds nothing.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMockNetwork, type MockNetwork } from '../../../runtime/index.js';
import { buildAndLoadCordapp } from '../../../runtime/node/index.js';

const CASH = path.resolve(import.meta.dirname, '..');
const NODES = ['Bank', 'Bank2', 'Alice', 'Bob', 'Carol', 'Notary'];
const cordapp = buildAndLoadCordapp(CASH);

const usd = (quantity: number) => ({ quantity, currency: 'USD' });

async function network(): Promise<MockNetwork> {
  let n = 0;
  return createMockNetwork({ nodes: NODES, cordapps: [await cordapp], newId: () => `flow-${++n}` });
}

/** Runs a flow to its end and returns its outcome. */
async function run(net: MockNetwork, node: string, flow: string, params: Record<string, unknown>) {
  const handle = net.start(node, flow, params);
  await net.runUntilIdle();
  return handle.result;
}

async function issue(net: MockNetwork, owner: string, quantity: number, issuer = 'Bank') {
  const outcome = await run(net, issuer, 'IssueCash', { owner, amount: usd(quantity), notary: 'Notary' });
  expect(outcome).toMatchObject({ status: 'done' });
  return outcome.result as string;
}

async function pay(net: MockNetwork, payer: string, payee: string, quantity: number) {
  return run(net, payer, 'Pay', { payee, amount: usd(quantity), notary: 'Notary' });
}

/** The coins a node owns: [quantity, issuer], unconsumed, in the order the vault keeps them. */
function coins(net: MockNetwork, node: string) {
  return net
    .node(node)
    .store.queryVault({ contract: 'Cash' })
    .filter((s) => s.state.data['owner'] === node)
    .map((s) => [(s.state.data['amount'] as { quantity: number }).quantity, s.state.data['issuer']]);
}

async function balance(net: MockNetwork, node: string): Promise<unknown> {
  return (await run(net, node, 'Balance', { currency: 'USD' })).result;
}

describe('the cash sample', () => {
  it('issues cash to an owner, who holds it in its vault; the issuing transaction is recorded by both', async () => {
    const net = await network();
    const txId = await issue(net, 'Alice', 100);
    expect(coins(net, 'Alice')).toEqual([[100, 'Bank']]);
    expect(await balance(net, 'Alice')).toBe(100);
    expect(await balance(net, 'Bank')).toBe(0);
    expect(net.node('Alice').store.getTransaction(txId)).toEqual(net.node('Bank').store.getTransaction(txId));
    // an issue consumes nothing, so the notary was not asked
    expect(net.node('Notary').store.listFlows()).toEqual([]);
  });

  it('pays with coin selection: balances after several payments, the change back to the payer', async () => {
    const net = await network();
    await issue(net, 'Alice', 60);
    await issue(net, 'Alice', 40);
    // 80 takes both coins (oldest first) and gives 20 back
    const first = await pay(net, 'Alice', 'Bob', 80);
    expect(first).toMatchObject({ status: 'done' });
    expect(coins(net, 'Alice')).toEqual([[20, 'Bank']]);
    expect(coins(net, 'Bob')).toEqual([[80, 'Bank']]);
    const stx = net.node('Bob').store.getTransaction(first.result as string)!;
    expect(stx.tx.inputs).toHaveLength(2);
    expect(stx.signatures.map((s) => s.by).sort()).toEqual(['Alice', 'Notary']);
    for (const ref of stx.tx.inputs) expect(net.node('Notary').store.notaryCommit(ref)).toBe(stx.id);

    expect(await pay(net, 'Bob', 'Carol', 30)).toMatchObject({ status: 'done' });
    expect(await pay(net, 'Carol', 'Alice', 5)).toMatchObject({ status: 'done' });
    expect(await pay(net, 'Bob', 'Alice', 50)).toMatchObject({ status: 'done' });
    const balances = Object.fromEntries(
      await Promise.all(['Alice', 'Bob', 'Carol'].map(async (n) => [n, await balance(net, n)] as const)),
    );
    expect(balances).toEqual({ Alice: 75, Bob: 0, Carol: 25 });
    expect(coins(net, 'Alice')).toEqual([
      [20, 'Bank'],
      [5, 'Bank'],
      [50, 'Bank'],
    ]);
    // a coin paid on keeps its backchain: Alice's 5 from Carol goes back through Bob to the issue
    expect(net.node('Bob').store.queryVault({ contract: 'Cash' })).toEqual([]);
    expect(
      net
        .node('Alice')
        .flows()
        .filter((f) => f.status !== 'done'),
    ).toEqual([]);
  });

  it('refuses a payment the vault cannot cover with a clear FlowError, and locks no coin', async () => {
    const net = await network();
    await issue(net, 'Alice', 70);
    const outcome = await pay(net, 'Alice', 'Bob', 300);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: 'Insufficient funds: Alice holds 70 USD, less than 300 USD',
    });
    const vault = net.node('Alice').store.queryVault({ contract: 'Cash' });
    expect(vault.map((s) => [s.state.data['amount'], s.lockedBy])).toEqual([[usd(70), undefined]]);
    expect(net.node('Bob').store.listFlows()).toEqual([]);
    // the coins are free: the same vault pays what it can
    expect(await pay(net, 'Alice', 'Bob', 70)).toMatchObject({ status: 'done' });
    expect(coins(net, 'Bob')).toEqual([[70, 'Bank']]);
  });

  it('runs two payments at once on different coins, each soft-locked by its own flow', async () => {
    const net = await network();
    await issue(net, 'Alice', 50);
    await issue(net, 'Alice', 40);
    // the first takes the oldest coin, which covers it; the second cannot take that one, locked by the first
    const toBob = net.start('Alice', 'Pay', { payee: 'Bob', amount: usd(40), notary: 'Notary' });
    const toCarol = net.start('Alice', 'Pay', { payee: 'Carol', amount: usd(40), notary: 'Notary' });
    await net.runUntilIdle();
    expect(await toBob.result).toMatchObject({ status: 'done' });
    expect(await toCarol.result).toMatchObject({ status: 'done' });
    expect(coins(net, 'Alice')).toEqual([[10, 'Bank']]);
    expect(coins(net, 'Bob')).toEqual([[40, 'Bank']]);
    expect(coins(net, 'Carol')).toEqual([[40, 'Bank']]);
    const [bob, carol] = [await toBob.result, await toCarol.result].map(
      (o) => net.node('Alice').store.getTransaction(o.result as string)!.tx.inputs,
    );
    expect(bob).toHaveLength(1);
    expect(carol).toHaveLength(1);
    expect(bob![0]).not.toBe(carol![0]);
    const vault = net.node('Alice').store.queryVault({ contract: 'Cash', consumed: true });
    expect(vault.every((s) => s.lockedBy === undefined)).toBe(true);
  });

  it('refuses to pay nothing, or to pay oneself', async () => {
    const net = await network();
    await issue(net, 'Alice', 10);
    expect(await pay(net, 'Alice', 'Bob', 0)).toMatchObject({
      status: 'failed',
      error: 'Cannot pay 0 USD: the amount must be positive',
    });
    expect(await pay(net, 'Alice', 'Alice', 5)).toMatchObject({
      status: 'failed',
      error: 'Cannot pay 5 USD to oneself',
    });
    expect(coins(net, 'Alice')).toEqual([[10, 'Bank']]);
  });

  // the library's coin selection throws a FlowError within the step when no single issuer covers the amount
  it('fails a payment no single issuer covers with the library FlowError, not the hospital', async () => {
    const net = await network();
    await issue(net, 'Alice', 50, 'Bank');
    await issue(net, 'Alice', 40, 'Bank2');
    const handle = net.start('Alice', 'Pay', { payee: 'Bob', amount: usd(80), notary: 'Notary' });
    await net.runUntilIdle();
    const record = net.node('Alice').flow(handle.id)!;
    expect(record.hospital?.error).toBeUndefined();
    expect([record.status, record.error?.message]).toEqual([
      'failed',
      'Insufficient funds: Alice holds less than 80 USD of one issuer.',
    ]);
  });

  // every transaction is salted, as in Corda, so two equal issues are two transactions
  it('issues the same amount twice as two coins', async () => {
    const net = await network();
    const first = await issue(net, 'Alice', 50);
    const second = await issue(net, 'Alice', 50);
    expect(second).not.toBe(first);
    expect(coins(net, 'Alice')).toEqual([
      [50, 'Bank'],
      [50, 'Bank'],
    ]);
  });
});
