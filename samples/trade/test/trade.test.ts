/**
 * The trade sample on three nodes: the seller sells a commodity lot to the buyer for cash, notarised by the notary.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMockNetwork, emptyWriteSet, type MockNetwork } from '../../../runtime/index.js';
import { buildAndLoadCordapp } from '../../../runtime/node/index.js';

const TRADE = path.resolve(import.meta.dirname, '..');
const NODES = ['Seller', 'Buyer', 'Notary', 'Buyer2'];

async function setUp(): Promise<MockNetwork> {
  const trade = await buildAndLoadCordapp(TRADE);
  let n = 0;
  const net = await createMockNetwork({ nodes: NODES, cordapps: [trade], newId: () => `flow-${++n}` });
  const cash = net.start('Buyer', 'IssueCash', {
    amount: { quantity: 1000, currency: 'USD' },
    notary: 'Notary',
  });
  const lot = net.start('Seller', 'IssueCommodity', {
    assetId: 'lot-1',
    description: '100 t of copper',
    quantity: 100,
    notary: 'Notary',
  });
  const cash2 = net.start('Buyer2', 'IssueCash', {
    amount: { quantity: 500, currency: 'USD' },
    notary: 'Notary',
  });
  await net.runUntilIdle();
  expect(await cash2.result).toMatchObject({ status: 'done' });
  expect(await cash.result).toMatchObject({ status: 'done' });
  expect(await lot.result).toMatchObject({ status: 'done' });
  return net;
}

function vault(net: MockNetwork, node: string) {
  return net
    .node(node)
    .store.queryVault({})
    .map((s) => ({ contract: s.state.contract, ...s.state.data }));
}

describe('the trade sample', () => {
  it('sells a lot for cash: both vaults agree and the notary holds the consumed inputs', async () => {
    const net = await setUp();
    const sale = net.start('Seller', 'SellerFlow', {
      buyer: 'Buyer',
      assetId: 'lot-1',
      price: { quantity: 250, currency: 'USD' },
    });
    await net.runUntilIdle();
    const outcome = await sale.result;
    expect(outcome).toMatchObject({ status: 'done' });
    const txId = outcome.result as string;
    expect(vault(net, 'Seller')).toEqual([
      { contract: 'Cash', amount: { quantity: 250, currency: 'USD' }, owner: 'Seller', issuer: 'Buyer' },
    ]);
    expect(vault(net, 'Buyer')).toEqual([
      {
        contract: 'Commodity',
        assetId: 'lot-1',
        description: '100 t of copper',
        quantity: 100,
        owner: 'Buyer',
      },
      { contract: 'Cash', amount: { quantity: 750, currency: 'USD' }, owner: 'Buyer', issuer: 'Buyer' },
    ]);
    const seller = net.node('Seller').store.getTransaction(txId)!;
    const buyer = net.node('Buyer').store.getTransaction(txId)!;
    expect(buyer).toEqual(seller);
    expect(seller.signatures.map((s) => s.by).sort()).toEqual(['Buyer', 'Notary', 'Seller']);
    for (const ref of seller.tx.inputs) expect(net.node('Notary').store.notaryCommit(ref)).toBe(txId);
  });

  it('refuses to sell the same lot twice: the notary finds the double spend, the seller gets a clear error, the locks are released', async () => {
    const net = await setUp();
    const first = net.start('Seller', 'SellerFlow', {
      buyer: 'Buyer',
      assetId: 'lot-1',
      price: { quantity: 250, currency: 'USD' },
    });
    await net.runUntilIdle();
    const sold = (await first.result).result as string;
    // a seller that forgets it sold the lot: its vault shows it unconsumed again
    const seller = net.node('Seller');
    const lot = seller.store.queryVault({ contract: 'Commodity', consumed: true })[0]!;
    const writes = emptyWriteSet();
    const forgotten = { ...lot };
    delete forgotten.consumedBy;
    writes.vault.set(lot.ref, forgotten);
    seller.store.commit(writes);

    const again = net.start('Seller', 'SellerFlow', {
      buyer: 'Buyer2',
      assetId: 'lot-1',
      price: { quantity: 300, currency: 'USD' },
    });
    await net.runUntilIdle();
    const outcome = await again.result;
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.error).toBe(`Double spend: input ${lot.ref} was already consumed by transaction ${sold}.`);
    const buyer2 = net.node('Buyer2');
    expect(buyer2.flows().map((f) => [f.flow, f.status, f.error])).toEqual([
      ['IssueCash', 'done', undefined],
      ['BuyerFlow', 'failed', `Double spend: input ${lot.ref} was already consumed by transaction ${sold}.`],
    ]);
    // the cash the buyer selected is free again, and still its own
    expect(
      buyer2.store.queryVault({ contract: 'Cash' }).map((s) => [s.state.data['amount'], s.lockedBy]),
    ).toEqual([[{ quantity: 500, currency: 'USD' }, undefined]]);
    expect(net.node('Notary').store.notaryCommit(lot.ref)).toBe(sold);
  });
});
