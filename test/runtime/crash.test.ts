/**
 * Crash at every step: a node of a three-party flow crashes after each of its commits — once before the commit's
 * effects are executed (between persist and execute) and once after — then restarts on its store. Every run must
 * end with the result of a run without crashes, and with no effect duplicated: the same flows, the same progress
 * records, the same session counters on every node.
 */
import { describe, expect, it } from 'vitest';
import type { MockNetwork } from '../../runtime/mockNetwork.js';
import { crashOnce, network, type CrashPoint } from './helpers.js';

const NODES = ['Buyer', 'Seller', 'Notary'];
const PARAMS = { seller: 'Seller', notary: 'Notary', item: 'apples', quantity: 3 };

function summary(net: MockNetwork) {
  return Object.fromEntries(
    net.nodeNames.map((name) => {
      const store = net.node(name).store;
      const all = store.listFlows().sort((a, b) => (a.id < b.id ? -1 : 1));
      return [
        name,
        all.map((f) => ({
          id: f.id,
          flow: f.flow,
          status: f.status,
          result: f.result,
          error: f.error,
          progress: store.progressOf(f.id).map((p) => p.step),
          sessions: store.sessionsOf(f.id).map((s) => [s.id, s.sendSeq, s.recvSeq, s.inbox.length, s.closed]),
        })),
      ];
    }),
  );
}

async function run(point?: CrashPoint) {
  const crash = crashOnce(point);
  const net = await network('threeparty', NODES, { maxBatchSteps: 1, hooks: crash.hooks });
  // the commits made while the network is set up (the node's keys, installing the CorDapp) are not counted
  crash.startCounting(net, NODES);
  const handle = net.start('Buyer', 'Buy', PARAMS);
  await net.runUntilIdle();
  if (crash.crashed) {
    await net.restart(point!.node);
    await net.runUntilIdle();
  }
  const outcome = await net.node('Buyer').waitFor(handle.id);
  return { net, outcome, crashed: crash.crashed, crash };
}

describe('crash at every step', () => {
  it('ends every run with the clean run result and no duplicated effect', async () => {
    const clean = await run();
    expect(clean.outcome).toMatchObject({ status: 'done' });
    const expected = summary(clean.net);
    const commits = Object.fromEntries(NODES.map((n) => [n, clean.crash.counted(clean.net, n)]));
    let runs = 0;
    for (const node of NODES) {
      expect(commits[node]).toBeGreaterThan(2);
      for (let at = 1; at <= commits[node]!; at++) {
        for (const when of ['afterCommit', 'afterExecute'] as const) {
          const { net, outcome, crashed } = await run({ node, at, when });
          const label = `${node} crashed ${when} ${at}`;
          expect(crashed, label).toBe(true);
          expect(outcome, label).toEqual(clean.outcome);
          expect(summary(net), label).toEqual(expected);
          runs++;
        }
      }
    }
    expect(runs).toBeGreaterThan(20);
  });
});
