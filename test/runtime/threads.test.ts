/**
 * Nodes on threads (runtime/node/threads.ts): the trade sample's three nodes, each in its own worker thread on its
 * own SQLite file, trading over MessagePorts; and the tiny benchmark run of `test/bench/tradeThreads.ts`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openThreadNetwork, type ThreadNetwork } from '../../runtime/node/threads.js';
import { SqliteStore } from '../../runtime/node/sqliteStore.js';
import { cordappAt, removeDir, tempDir } from '../bench/runtimeFlows.js';
import { NODES, PRICE, TRADE } from '../bench/tradeFlows.js';
import { runThreaded } from '../bench/tradeThreads.js';

let net: ThreadNetwork | undefined;
let dir: string | undefined;

afterEach(async () => {
  await net?.close();
  net = undefined;
  if (dir) removeDir(dir);
  dir = undefined;
});

describe('nodes on threads', () => {
  it('trade over MessagePorts, each node on its own thread and SQLite file, and keep what they did', async () => {
    dir = tempDir();
    net = await openThreadNetwork({ nodes: NODES, dir, cordapp: (await cordappAt(TRADE)).text });
    const cash = await net.start('Buyer', 'IssueCash', [
      { amount: { quantity: 100, currency: 'USD' }, notary: 'Notary' },
      { amount: { quantity: 150, currency: 'USD' }, notary: 'Notary' },
    ]);
    const lots = await net.start(
      'Seller',
      'IssueCommodity',
      ['lot-1', 'lot-2', 'lot-3'].map((assetId) => ({
        assetId,
        description: assetId,
        quantity: 1,
        notary: 'Notary',
      })),
    );
    const issued = [...(await net.results('Buyer', cash)), ...(await net.results('Seller', lots))];
    expect(issued.map((o) => o.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    const sales = ['lot-1', 'lot-2', 'lot-3'].map((assetId) => ({ buyer: 'Buyer', assetId, price: PRICE }));
    const outcomes = await net.run('Seller', 'SellerFlow', sales, 2);
    // two trades have cash to pay with; the third finds the buyer's vault empty, and says so
    expect(outcomes.filter((o) => o.status === 'done')).toHaveLength(2);
    const failed = outcomes.find((o) => o.status === 'failed');
    expect(failed?.error).toContain('Insufficient funds');
    expect(await net.vaultCount('Buyer', 'Commodity')).toBe(2);
    expect(await net.vaultCount('Seller', 'Cash')).toBe(2);
    expect(await net.commits('Seller')).toBeGreaterThan(0);
    await expect(net.start('Seller', 'NoSuchFlow', [{}])).rejects.toThrow(/Seller: .*NoSuchFlow/);
    const closed = net;
    await net.close();
    net = undefined;
    // a closed network says so, rather than leave the caller waiting for an answer
    await expect(closed.vaultCount('Seller', 'Cash')).rejects.toThrow(/Seller's thread exited/);
    // what the threads committed is in the files
    const seller = SqliteStore.open(`${dir}/Seller.sqlite`);
    expect(seller.queryVault({ contract: 'Cash' })).toHaveLength(2);
    seller.close();
  });

  it('runs the threaded trade benchmark at a tiny size, the vaults checked', async () => {
    const run = await runThreaded({ trades: 3, window: 2, warmup: 1 });
    expect(run).toMatchObject({ trades: 3, window: 2, warmup: 1 });
    expect(run.wall).toBeGreaterThan(0);
    expect(run.commits).toHaveLength(3);
  });
});
