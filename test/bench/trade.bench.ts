/**
 * `npm run bench -- trade [--trades 100,500] [--iterations N] [--no-profile] [--warm-runs 2] [--rewarm 20]
 * [--threaded 500] [--window 100] [--warmup 200]`: trades per second with three nodes (Seller, Buyer, Notary) on
 * SQLite files in one process (issue #7), and where the time goes.
 *
 * First `--warm-runs` (2) untimed runs at the largest size, so V8 has compiled the code for this work (the first
 * run in a process is reported too). Then for each size N of `--trades`: a fresh temporary directory and network
 * (mock network, manual delivery), the buyer issued N cash states and the seller N lots, all untimed; a forced
 * garbage collection and `--rewarm` (20) untimed trades (a forced collection makes V8 drop optimised code); then N
 * `SellerFlow`s started at once and the network run until idle (`runUntilIdle`), timed from the first start to the
 * last trade done. Every trade must end done and the vaults must agree. `--iterations` runs per size (a new
 * network each), the median shown. Target: ≥ 250 trades/s.
 *
 * Then the same three nodes each on its own worker thread of the process (`tradeThreads.ts`, in a child process
 * allowed on every core): `--threaded` trades with `--window` in flight after `--warmup` untimed ones, the rate
 * wall-clock (`--threaded 0` skips it).
 *
 * Then one more run at the largest size with the profile on (`NodeHooks.profile` in the engine, a timing
 * `LedgerCrypto`, a timing store) splits the time: XState transitions, signing and verification, store commits
 * and reads, and the rest (messaging and the engine). Rates come from CPU time (the process pinned to one core by
 * `run.ts`); wall time is shown beside it.
 */
import os from 'node:os';
import { removeDir, tempDir } from './runtimeFlows.js';
import {
  cpuModel,
  median,
  printTable,
  runTrades,
  setUpTrades,
  type TradeProfile,
  type TradeRun,
} from './tradeFlows.js';
import { runThreadedOnAllCores, type ThreadedRun } from './tradeThreads.js';

export interface TradeOptions {
  trades: number[];
  iterations: number;
  profile: boolean;
  /** Untimed runs at the largest size before the timed ones, and trades run untimed after each forced collection. */
  warmRuns: number;
  rewarm: number;
  /** Trades of the run with a thread per node (0: not run), how many in flight, and how many to warm up with. */
  threaded: number;
  window: number;
  warmup: number;
}

export function options(args: string[]): TradeOptions {
  const at = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const whole = (text: string, flag: string): number => {
    const n = Number(text.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`${flag} needs whole numbers from 1 up, not "${text}".`);
    return n;
  };
  return {
    trades: (at('--trades') ?? '100,500').split(',').map((t) => whole(t, '--trades')),
    iterations: whole(at('--iterations') ?? '3', '--iterations'),
    profile: !args.includes('--no-profile'),
    warmRuns: whole(at('--warm-runs') ?? '2', '--warm-runs'),
    rewarm: at('--rewarm') === '0' ? 0 : whole(at('--rewarm') ?? '20', '--rewarm'),
    threaded: at('--threaded') === '0' ? 0 : whole(at('--threaded') ?? '500', '--threaded'),
    window: whole(at('--window') ?? '100', '--window'),
    warmup: at('--warmup') === '0' ? 0 : whole(at('--warmup') ?? '200', '--warmup'),
  };
}

const TARGET = 250;
const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
const percent = (n: number): string => `${(n * 100).toFixed(1)}%`;
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function once(trades: number, profile: boolean, rewarm: number): Promise<TradeRun> {
  const dir = tempDir();
  const net = await setUpTrades(dir, trades, { profile, rewarm });
  try {
    return await runTrades(net, trades, { rewarm });
  } finally {
    net.close();
    removeDir(dir);
  }
}

/** The rows of the time split: each part's milliseconds (of the profiled run's wall clock) and calls. */
export function timeSplit(
  profile: TradeProfile,
  wall: number,
): { part: string; ms: number; calls: number }[] {
  const { engine, crypto, store } = profile;
  const cryptoMs = crypto.sha256.ms + crypto.sign.ms + crypto.verify.ms + crypto.generateKeyPair.ms;
  const xstate = engine.transition - cryptoMs - store.readsInTransitions.ms;
  const parts = [
    {
      part: 'XState transitions (with the host functions’ own JS: contracts, canonical JSON, building)',
      ms: xstate,
      calls: engine.transitions,
    },
    { part: 'Ed25519 verify', ms: crypto.verify.ms, calls: crypto.verify.n },
    { part: 'Ed25519 sign', ms: crypto.sign.ms, calls: crypto.sign.n },
    { part: 'sha256 (transaction ids)', ms: crypto.sha256.ms, calls: crypto.sha256.n },
    { part: 'store: commits (SqliteStore.commit)', ms: store.commit.ms, calls: store.commit.n },
    {
      part: 'store: reads by host functions (vault, transactions)',
      ms: store.readsInTransitions.ms,
      calls: store.readsInTransitions.n,
    },
    {
      part: 'store: reads by the engine (flows, sessions)',
      ms: store.readsByEngine.ms,
      calls: store.readsByEngine.n,
    },
  ];
  const measured = parts.reduce((sum, p) => sum + p.ms, 0);
  parts.push({ part: 'messaging and engine (the rest, GC included)', ms: wall - measured, calls: 0 });
  return parts;
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  console.log(
    `${cpuModel()}, ${os.cpus().length} cores, Node ${process.version}; load average at the start: ${load()}\n`,
  );
  console.log(
    `### Trades: N SellerFlows at once, three nodes on SQLite files, mock network (manual delivery, runUntilIdle)\n`,
  );
  // warm-up: the CorDapp built and loaded, the code compiled by V8 for this work (it takes a few hundred trades)
  const largest = Math.max(...opts.trades);
  const first = await once(largest, false, 0);
  for (let i = 1; i < opts.warmRuns; i++) await once(largest, false, 0);
  const rows: string[][] = [];
  let last: { trades: number; cpu: number; run: TradeRun } | undefined;
  for (const trades of opts.trades) {
    const runs: TradeRun[] = [];
    for (let i = 0; i < opts.iterations; i++) runs.push(await once(trades, false, opts.rewarm));
    const cpu = median(runs.map((r) => r.cpu));
    const wall = median(runs.map((r) => r.wall));
    const r = runs[0]!;
    const perCpu = trades / (cpu / 1000);
    const commits = Object.values(r.commits).reduce((a, b) => a + b, 0);
    rows.push([
      integer(trades),
      ms(cpu),
      ms(wall),
      integer(perCpu),
      integer(trades / (wall / 1000)),
      ms(cpu / trades),
      (r.messages / trades).toFixed(0),
      integer(commits),
      `>= ${TARGET}`,
      perCpu >= TARGET ? 'met' : 'MISSED',
    ]);
    last = { trades, cpu, run: r };
  }
  printTable(
    [
      'trades at once',
      'CPU (median)',
      'wall (median)',
      'trades/s (CPU)',
      'trades/s (wall)',
      'CPU per trade',
      'messages per trade',
      'commits (3 nodes)',
      'target',
      'verdict',
    ],
    rows,
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  console.log(
    `Steady state: ${integer(opts.warmRuns)} untimed run(s) of ${integer(largest)} trades first; in each timed run a ` +
      `forced collection, then ${integer(opts.rewarm)} untimed trades (a forced collection makes V8 drop optimised ` +
      `code), then the clock. The first run in the process, on cold code: ${integer(largest / (first.cpu / 1000))} ` +
      `trades/s (CPU), ${ms(first.cpu / largest)} per trade.\n`,
  );
  console.log(
    'Corda for context, not like for like: R3 quote about 800 transactions/s sustained by one node, and 1,678 TPS ' +
      'in their lab, on servers with many cores and a database server; here one Node process on one core of a ' +
      'shared 2-core machine runs all three nodes, each trade signed by three parties and notarised.\n',
  );

  if (opts.threaded) {
    console.log(
      `### Trades with each node on its own thread: three worker threads of one process on SQLite files, ` +
        `${integer(opts.window)} trades in flight\n`,
    );
    const runs: ThreadedRun[] = [];
    for (let i = 0; i < opts.iterations; i++)
      runs.push(runThreadedOnAllCores({ trades: opts.threaded, window: opts.window, warmup: opts.warmup }));
    const wall = median(runs.map((r) => r.wall));
    const cpu = median(runs.map((r) => r.cpu));
    const perWall = opts.threaded / (wall / 1000);
    printTable(
      [
        'trades',
        'in flight',
        'wall (median)',
        'CPU, all threads (median)',
        'trades/s (wall)',
        'CPU per trade',
        'cores busy',
        'commits (Seller, Buyer, Notary)',
        'target',
        'verdict',
      ],
      [
        [
          integer(opts.threaded),
          integer(opts.window),
          ms(wall),
          ms(cpu),
          integer(perWall),
          ms(cpu / opts.threaded),
          (cpu / wall).toFixed(2),
          runs[0]!.commits.join(', '),
          `>= ${TARGET}`,
          perWall >= TARGET ? 'met' : 'MISSED',
        ],
      ],
      [0, 1, 2, 3, 4, 5, 6],
    );
    console.log(
      `Each run: ${integer(opts.warmup)} trades first, untimed (each thread compiles its own code), then the timed ` +
        `trades, a new SellerFlow starting as one ends. The rate is wall-clock: the nodes run side by side on the ` +
        `machine's ${os.cpus().length} cores, as separate node processes would; the CPU column adds up every ` +
        `thread. The load of other processes on the machine lowers it.\n`,
    );
  }

  if (opts.profile && last) {
    const trades = last.trades;
    const profiled = await once(trades, true, opts.rewarm);
    const profile = profiled.profile!;
    const split = timeSplit(profile, profiled.wall);
    console.log(
      `### Where the time goes: ${integer(trades)} trades, profiled (${ms(profiled.cpu)} CPU, ${ms(profiled.wall)} ` +
        `wall; unprofiled median ${ms(last.cpu)} CPU)\n`,
    );
    printTable(
      ['part', 'share', 'CPU per trade (est.)', 'calls per trade', 'µs per call (wall)'],
      split.map((p) => [
        p.part,
        percent(p.ms / profiled.wall),
        ms(((p.ms / profiled.wall) * profiled.cpu) / trades),
        p.calls ? (p.calls / trades).toFixed(1) : '-',
        p.calls ? ((p.ms * 1000) / p.calls).toFixed(1) : '-',
      ]),
      [1, 2, 3, 4],
    );
    const reads = [...profile.store.byMethod.entries()]
      .filter(([, t]) => t.n > 0)
      .sort(([, a], [, b]) => b.ms - a.ms)
      .slice(0, 6);
    console.log(
      `Shares are of the profiled run's wall time (performance.now() around each part; the machine's load stretches ` +
        `all parts alike), the CPU per trade estimated from them. XState's row is the transitions' time less the ` +
        `crypto and the store reads made inside them. Store reads by method: ${reads
          .map(([name, t]) => `${name} ${percent(t.ms / profiled.wall)} (${(t.n / trades).toFixed(1)}/trade)`)
          .join(', ')}. ${(profile.engine.transitions / trades).toFixed(0)} transitions per trade.\n`,
    );
  }
  console.log(`load average at the end: ${load()}`);
}
