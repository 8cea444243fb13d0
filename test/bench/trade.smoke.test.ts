/**
 * The trade benchmark at a tiny size (3 trades), so its code cannot rot: the trades complete with the vaults in
 * agreement, the profile accounts for every part, and the suite prints its tables. No timing is asserted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../runtime/node/index.js';
import { ledgerCrypto } from '../../runtime/ledger/crypto.js';
import { run, timeSplit } from './trade.bench.js';
import { removeDir, tempDir } from './runtimeFlows.js';
import { runTrades, setUpTrades } from './tradeFlows.js';

describe('the trade benchmark', () => {
  afterEach(() => void vi.restoreAllMocks());

  it('runs 3 trades at once on three SQLite nodes, profiled: every part measured, the crypto restored', async () => {
    const crypto = ledgerCrypto();
    const dir = tempDir();
    const net = await setUpTrades(dir, 3, { profile: true });
    try {
      const trade = await runTrades(net, 3);
      expect(trade.trades).toBe(3);
      expect(trade.messages).toBeGreaterThan(0);
      const { engine, crypto: c, store } = trade.profile!;
      // every trade: its seller's, buyer's and notary's steps, three signatures, many verifications
      expect(engine.transitions).toBeGreaterThan(3 * 10);
      expect(engine.inTransition).toBe(false);
      expect(c.sign.n).toBe(3 * 3);
      expect(c.verify.n).toBeGreaterThan(3 * 3);
      expect(store.commit.n).toBeGreaterThan(0);
      expect(store.readsInTransitions.n).toBeGreaterThan(0);
      expect(store.readsByEngine.n).toBeGreaterThan(0);
      const split = timeSplit(trade.profile!, trade.wall);
      expect(split.reduce((sum, p) => sum + p.ms, 0)).toBeCloseTo(trade.wall, 6);
    } finally {
      net.close();
      removeDir(dir);
    }
    expect(ledgerCrypto()).toBe(crypto);
  });

  it('prints the rates with the target and the time split', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
    await run(['--trades', '3', '--iterations', '1', '--threaded', '4', '--window', '2', '--warmup', '1']);
    const text = lines.join('\n');
    expect(text).toMatch(/\| +3 \|.*\| >= 250 +\| (met|MISSED) +\|/);
    // the run with a thread per node, in a child process: its row, with the commits of each node
    expect(text).toMatch(/\| +4 \| +2 \|.*\| \d+, \d+, \d+ +\| >= 250 +\| (met|MISSED) +\|/);
    for (const part of ['XState transitions', 'Ed25519 verify', 'store: commits', 'messaging and engine'])
      expect(text).toContain(part);
    expect(text).toContain('1,678');
  });
});
