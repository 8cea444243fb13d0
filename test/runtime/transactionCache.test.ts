/**
 * A node reads each committed transaction from its store once (runtime/engine/ledger.ts keeps them parsed): a trade
 * verifies, resolves and serves the same transactions several times on each node.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../runtime/store.js';
import '../../runtime/node/index.js';
import { network } from './helpers.js';

describe('the transaction cache', () => {
  it('reads each transaction from the store once per node, however many times flows use it', async () => {
    const reads = new Map<string, Map<string, number>>();
    const net = await network('../../../samples/trade', ['Seller', 'Buyer', 'Notary'], {
      store: (name) => {
        const store = new MemoryStore();
        const counts = new Map<string, number>();
        reads.set(name, counts);
        const get = store.getTransaction.bind(store);
        store.getTransaction = (id) => {
          const found = get(id);
          if (found) counts.set(id, (counts.get(id) ?? 0) + 1);
          return found;
        };
        return store;
      },
    });
    const price = { quantity: 10, currency: 'USD' };
    const issued = [
      net.start('Buyer', 'IssueCash', { amount: { quantity: 25, currency: 'USD' }, notary: 'Notary' }),
      net.start('Buyer', 'IssueCash', { amount: { quantity: 30, currency: 'USD' }, notary: 'Notary' }),
      net.start('Seller', 'IssueCommodity', {
        assetId: 'a',
        description: 'a',
        quantity: 1,
        notary: 'Notary',
      }),
      net.start('Seller', 'IssueCommodity', {
        assetId: 'b',
        description: 'b',
        quantity: 1,
        notary: 'Notary',
      }),
    ];
    await net.runUntilIdle();
    for (const h of issued) expect(await h.result).toMatchObject({ status: 'done' });
    const sales = ['a', 'b'].map((assetId) =>
      net.start('Seller', 'SellerFlow', { buyer: 'Buyer', assetId, price }),
    );
    await net.runUntilIdle();
    for (const s of sales) expect(await s.result).toMatchObject({ status: 'done' });
    let used = 0;
    for (const [node, counts] of reads)
      for (const [id, n] of counts) {
        expect(n, `${node} read ${id.slice(0, 12)}`).toBe(1);
        used++;
      }
    // the trades did read stored transactions (the issues they spend and show), each once
    expect(used).toBeGreaterThan(3);
  });
});
