/**
 * The machinery of the trade benchmark (`trade.bench.ts`): three nodes (Seller, Buyer, Notary) on SQLite files
 * running `samples/trade`, on the mock network in manual delivery; many trades started at once and timed until all
 * are done. A profiled run also splits the time: the engine's own profile (`NodeHooks.profile`: XState transitions,
 * host functions included), a timing `LedgerCrypto` (Ed25519 and sha256), and a timing store (commits, and reads
 * made by host functions inside transitions or by the engine outside them). The smoke test runs it at a tiny size.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ledgerCrypto, useLedgerCrypto, type LedgerCrypto } from '../../runtime/ledger/crypto.js';
import { createMockNetwork, type MockNetwork } from '../../runtime/mockNetwork.js';
import type { EngineProfile, FlowHandle, FlowOutcome } from '../../runtime/node.js';
import type { CheckpointStore } from '../../runtime/store.js';
import { SqliteStore } from '../../runtime/node/sqliteStore.js';
import { cordappAt, measure } from './runtimeFlows.js';

export const TRADE = path.join(import.meta.dirname, '../../samples/trade');
export const NODES = ['Seller', 'Buyer', 'Notary'] as const;
/**
 * What each lot sells for. The buyer is issued one cash state per trade, the i-th of `100 + i` USD: two issues of
 * the same amount would be the same transaction (the same id: transactions carry no salt), hence one state. Coin
 * selection takes the oldest unlocked state, so each trade spends one issued state and makes `i` USD of change.
 */
export const PRICE = { quantity: 100, currency: 'USD' } as const;

/** A count and the milliseconds it took. */
export interface Tally {
  n: number;
  ms: number;
}

const tally = (): Tally => ({ n: 0, ms: 0 });

/** Where a profiled run's time went, added up over the three nodes. */
export interface TradeProfile {
  engine: EngineProfile;
  crypto: { sha256: Tally; sign: Tally; verify: Tally; generateKeyPair: Tally };
  store: {
    commit: Tally;
    /** Reads by host functions, inside a transition (vault queries, transactions, notary commits). */
    readsInTransitions: Tally;
    /** Reads by the engine between transitions (flow and session records, who receives on a session, ...). */
    readsByEngine: Tally;
    /** Every read method's tally, by name. */
    byMethod: Map<string, Tally>;
  };
}

export function newProfile(): TradeProfile {
  return {
    engine: { transition: 0, transitions: 0, inTransition: false },
    crypto: { sha256: tally(), sign: tally(), verify: tally(), generateKeyPair: tally() },
    store: { commit: tally(), readsInTransitions: tally(), readsByEngine: tally(), byMethod: new Map() },
  };
}

/** The installed `LedgerCrypto`, every call counted and timed into `profile`. */
export function timedCrypto(inner: LedgerCrypto, profile: TradeProfile): LedgerCrypto {
  const timed = <A extends unknown[], R>(t: Tally, fn: (...args: A) => R) => {
    return (...args: A): R => {
      const start = performance.now();
      try {
        return fn(...args);
      } finally {
        t.ms += performance.now() - start;
        t.n++;
      }
    };
  };
  const c = profile.crypto;
  return {
    sha256: timed(c.sha256, (text: string) => inner.sha256(text)),
    generateKeyPair: timed(c.generateKeyPair, () => inner.generateKeyPair()),
    sign: timed(c.sign, (key: string, message: string) => inner.sign(key, message)),
    verify: timed(c.verify, (key: string, message: string, signature: string) =>
      inner.verify(key, message, signature),
    ),
  };
}

/**
 * The store, every method timed into `profile`: `commit` on its own, the others as reads, split by whether a
 * transition was running (`profile.engine.inTransition`). The store's own calls to itself are not re-counted.
 */
export function timedStore(inner: CheckpointStore, profile: TradeProfile): CheckpointStore {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(inner, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'close' || key === 'reopen') return (value as () => unknown).bind(target);
      let fn = wrapped.get(key);
      if (!fn) {
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        const name = String(key);
        const s = profile.store;
        let own = s.byMethod.get(name);
        if (!own && name !== 'commit') s.byMethod.set(name, (own = tally()));
        fn = (...args: unknown[]): unknown => {
          const start = performance.now();
          try {
            return method(...args);
          } finally {
            const ms = performance.now() - start;
            const t =
              name === 'commit'
                ? s.commit
                : profile.engine.inTransition
                  ? s.readsInTransitions
                  : s.readsByEngine;
            t.ms += ms;
            t.n++;
            if (own) {
              own.ms += ms;
              own.n++;
            }
          }
        };
        wrapped.set(key, fn);
      }
      return fn;
    },
  });
}

export interface TradeNetwork {
  network: MockNetwork;
  profile?: TradeProfile;
  close(): void;
}

/**
 * Three nodes on SQLite files in `dir`, on the mock network in manual delivery, with `samples/trade` installed;
 * the buyer issued `trades` cash states (see `PRICE`) and the seller `trades` lots (`lot-0` ...), all run to their end
 * (untimed). With `profile`, the nodes, their stores and the ledger's crypto are measured from the start.
 */
export async function setUpTrades(
  dir: string,
  trades: number,
  options: { profile?: boolean; rewarm?: number } = {},
): Promise<TradeNetwork> {
  // the trades run untimed before the timed ones (see `runTrades`) need their own cash and lots
  trades += options.rewarm ?? 0;
  const cordapp = await cordappAt(TRADE);
  const profile = options.profile ? newProfile() : undefined;
  const crypto = ledgerCrypto();
  if (profile) useLedgerCrypto(timedCrypto(crypto, profile));
  const network = await createMockNetwork({
    nodes: NODES,
    cordapps: [cordapp],
    delivery: 'manual',
    store: (name) => {
      const store = SqliteStore.open(path.join(dir, `${name}.sqlite`));
      return profile ? timedStore(store, profile) : store;
    },
    ...(profile ? { hooks: () => ({ profile: profile.engine }) } : {}),
  });
  const close = (): void => {
    network.close();
    if (profile) useLedgerCrypto(crypto);
  };
  try {
    const issued: FlowHandle[] = [];
    for (let i = 0; i < trades; i++) {
      const amount = { quantity: PRICE.quantity + i, currency: PRICE.currency };
      issued.push(network.start('Buyer', 'IssueCash', { amount, notary: 'Notary' }));
      issued.push(
        network.start('Seller', 'IssueCommodity', {
          assetId: `lot-${i}`,
          description: `lot ${i} of copper`,
          quantity: 10,
          notary: 'Notary',
        }),
      );
    }
    await network.runUntilIdle();
    expectAllDone(await Promise.all(issued.map((h) => h.result)), 'issuing');
  } catch (error) {
    close();
    throw error;
  }
  return { network, ...(profile ? { profile } : {}), close };
}

/** Throws unless every flow ended done, naming the first that did not. */
export function expectAllDone(outcomes: FlowOutcome[], what: string): void {
  const bad = outcomes.filter((o) => o.status !== 'done');
  if (bad.length)
    throw new Error(`${bad.length} of ${outcomes.length} flows failed ${what}: ${JSON.stringify(bad[0])}`);
}

/** Throws unless, after `trades` trades, the seller holds a payment for each and no lot, and the buyer every lot. */
export function expectVaultsAgree(
  vaults: { sellerCash: number; sellerLots: number; buyerLots: number },
  trades: number,
): void {
  if (vaults.sellerCash !== trades || vaults.sellerLots !== 0 || vaults.buyerLots !== trades)
    throw new Error(`The vaults do not agree after ${trades} trades: ${JSON.stringify(vaults)}`);
}

export interface TradeRun {
  trades: number;
  /** CPU (user + system) and wall milliseconds from the first start to the last trade done. */
  cpu: number;
  wall: number;
  /** Commits made during the timed part, per node. */
  commits: Record<(typeof NODES)[number], number>;
  /** Messages the network carried during the timed part (acknowledgements included). */
  messages: number;
  /** The profile, when the network was set up with one, of the timed part only. */
  profile?: TradeProfile;
}

/**
 * Starts `trades` SellerFlows at once (lot i to the buyer for `PRICE`), runs the network until idle, and checks
 * that every trade is done and that the vaults agree: the seller holds `trades` cash states and no lot, the buyer
 * every lot.
 */
export async function runTrades(
  net: TradeNetwork,
  trades: number,
  options: { rewarm?: number } = {},
): Promise<TradeRun> {
  const { network } = net;
  const sell = async (from: number, count: number): Promise<FlowOutcome[]> => {
    const sales: FlowHandle[] = [];
    for (let i = from; i < from + count; i++)
      sales.push(
        network.start('Seller', 'SellerFlow', { buyer: 'Buyer', assetId: `lot-${i}`, price: PRICE }),
      );
    await network.runUntilIdle();
    return Promise.all(sales.map((s) => s.result));
  };
  // a forced collection makes V8 drop optimised code, which the timed trades would then pay to compile again:
  // collect, then run a few trades (untimed) so the clock starts on warm code
  const rewarm = options.rewarm ?? 0;
  if (rewarm) {
    globalThis.gc?.();
    expectAllDone(await sell(trades, rewarm), 'warming up');
  }
  const commitsBefore = NODES.map((n) => network.node(n).commitCount);
  const sentBefore = network.stats.sent;
  if (net.profile) resetProfile(net.profile);
  const time = await measure(() => sell(0, trades), { gc: !rewarm });
  expectAllDone(time.value, 'trading');
  trades += rewarm;
  const count = (node: string, contract: string): number =>
    network.node(node).store.queryVault({ contract }).length;
  const vaults = {
    sellerCash: count('Seller', 'Cash'),
    sellerLots: count('Seller', 'Commodity'),
    buyerLots: count('Buyer', 'Commodity'),
  };
  expectVaultsAgree(vaults, trades);
  const commits = Object.fromEntries(
    NODES.map((n, i) => [n, network.node(n).commitCount - commitsBefore[i]!]),
  ) as TradeRun['commits'];
  return {
    trades: trades - rewarm,
    cpu: time.cpu,
    wall: time.wall,
    commits,
    messages: network.stats.sent - sentBefore,
    ...(net.profile ? { profile: net.profile } : {}),
  };
}

/** Zeroes every figure in place (the wrappers hold on to the tallies). */
function resetProfile(profile: TradeProfile): void {
  Object.assign(profile.engine, newProfile().engine);
  const { store } = profile;
  for (const t of [
    ...Object.values(profile.crypto),
    store.commit,
    store.readsInTransitions,
    store.readsByEngine,
    ...store.byMethod.values(),
  ])
    Object.assign(t, tally());
}

// ---- tables ----------------------------------------------------------------------------------------------------------

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prints a Markdown table; columns named in `right` are right-aligned. */
export function printTable(header: string[], rows: string[][], right: readonly number[] = []): void {
  const cells = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string =>
    `| ${row.map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(
    `|${widths.map((w, c) => (right.includes(c) ? ` ${'-'.repeat(w - 1)}: ` : ` ${'-'.repeat(w)} `)).join('|')}|`,
  );
  for (const row of rows) console.log(line(row));
  console.log('');
}

export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}
