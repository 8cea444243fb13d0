/**
 * Crash at every step, on the trade: each of the three nodes crashes after each of its commits during the sale —
 * before the commit's effects are executed, and after — and restarts on its store. Every run ends with the trade
 * done exactly as without crashes: no lost trade, no transaction recorded twice, no double spend.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMockNetwork, type LoadedCordapp, type MockNetwork } from '../../../runtime/index.js';
import { buildAndLoadCordapp } from '../../../runtime/node/index.js';
import { crashOnce, type CrashPoint } from '../../../test/runtime/helpers.js';

const TRADE = path.resolve(import.meta.dirname, '..');
const NODES = ['Seller', 'Buyer', 'Notary'];

async function run(trade: LoadedCordapp, point?: CrashPoint) {
  const crash = crashOnce(point);
  let n = 0;
  const net = await createMockNetwork({
    nodes: NODES,
    cordapps: [trade],
    newId: () => `flow-${++n}`,
    maxBatchSteps: 1,
    hooks: crash.hooks,
  });
  net.start('Buyer', 'IssueCash', { amount: { quantity: 1000, currency: 'USD' }, notary: 'Notary' });
  net.start('Seller', 'IssueCommodity', {
    assetId: 'lot-1',
    description: 'copper',
    quantity: 5,
    notary: 'Notary',
  });
  await net.runUntilIdle();
  crash.startCounting(net, NODES);
  const sale = net.start('Seller', 'SellerFlow', {
    buyer: 'Buyer',
    assetId: 'lot-1',
    price: { quantity: 400, currency: 'USD' },
  });
  await net.runUntilIdle();
  if (crash.crashed) {
    await net.restart(point!.node);
    await net.runUntilIdle();
  }
  const record = net.node('Seller').flow(sale.id)!;
  const outcome = {
    status: record.status,
    result: record.result,
    error: record.error ?? record.hospital?.error,
  };
  return { net, outcome, crashed: crash.crashed, crash };
}

/** Each node's ledger: its transactions (ids), its vault, and a notary's commits. */
function ledger(net: MockNetwork) {
  return Object.fromEntries(
    NODES.map((name) => {
      const store = net.node(name).store;
      const vault = store.queryVault({ consumed: true });
      const txIds = new Set(vault.map((s) => s.ref.split(':')[0]!));
      return [
        name,
        {
          vault: vault.map((s) => [s.state.contract, s.state.data, s.consumedBy !== undefined, s.lockedBy]),
          transactions: [...txIds].filter((id) => store.getTransaction(id)).length,
          flows: store.listFlows().map((f) => [f.flow, f.status]),
        },
      ];
    }),
  );
}

describe('crash at every step of the trade', () => {
  it('always ends with the one trade, recorded once on each side, and nothing spent twice', async () => {
    const trade = await buildAndLoadCordapp(TRADE);
    const clean = await run(trade);
    expect(clean.outcome).toMatchObject({ status: 'done' });
    const expected = ledger(clean.net);
    let runs = 0;
    for (const node of NODES) {
      const commits = clean.crash.counted(clean.net, node);
      expect(commits).toBeGreaterThan(2);
      for (let at = 1; at <= commits; at++) {
        for (const when of ['afterCommit', 'afterExecute'] as const) {
          const { net, outcome, crashed } = await run(trade, { node, at, when });
          const label = `${node} crashed ${when} commit ${at}`;
          expect(crashed, label).toBe(true);
          expect(outcome, label).toMatchObject({ status: 'done' });
          expect(ledger(net), label).toEqual(expected);
          runs++;
        }
      }
    }
    expect(runs).toBeGreaterThan(40);
  }, 300_000);
});
