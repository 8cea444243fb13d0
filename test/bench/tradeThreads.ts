/**
 * The trade benchmark with each node on its own thread (`runtime/node/threads.ts`): Seller, Buyer and Notary in
 * three worker threads of one process, on SQLite files, talking over MessagePorts. Clients keep `window` trades in
 * flight (a new SellerFlow starts as one ends), the sustained load Corda's figures describe; `warmup` trades run
 * first, untimed, so each thread's code is compiled before the clock starts.
 *
 * `trade.bench.ts` runs this file as a child process (`node … tradeThreads.ts --trades N --window W --warmup K`)
 * allowed on every core, since the benchmark runner pins itself to one; it prints one JSON line.
 */
import { cpus } from 'node:os';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openThreadNetwork } from '../../runtime/node/threads.js';
import { cordappAt, measure, removeDir, tempDir } from './runtimeFlows.js';
import { expectAllDone, expectVaultsAgree, NODES, PRICE, TRADE } from './tradeFlows.js';

export interface ThreadedOptions {
  trades: number;
  window: number;
  warmup: number;
}

export interface ThreadedRun extends ThreadedOptions {
  /** Milliseconds from the first start to the last trade done, and the process's CPU time (all threads). */
  wall: number;
  cpu: number;
  /** Commits per node during the timed part. */
  commits: number[];
}

export async function runThreaded(options: ThreadedOptions): Promise<ThreadedRun> {
  const { trades, window, warmup } = options;
  const total = trades + warmup;
  const cordapp = await cordappAt(TRADE);
  const dir = tempDir();
  const net = await openThreadNetwork({ nodes: NODES, dir, cordapp: cordapp.text });
  try {
    const cash = net.run(
      'Buyer',
      'IssueCash',
      Array.from({ length: total }, (_, i) => ({
        amount: { quantity: PRICE.quantity + i, currency: PRICE.currency },
        notary: 'Notary',
      })),
      window,
    );
    const lots = net.run(
      'Seller',
      'IssueCommodity',
      Array.from({ length: total }, (_, i) => ({
        assetId: `lot-${i}`,
        description: `lot ${i} of copper`,
        quantity: 10,
        notary: 'Notary',
      })),
      window,
    );
    expectAllDone([...(await cash), ...(await lots)], 'issuing');
    const sales = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ buyer: 'Buyer', assetId: `lot-${from + i}`, price: PRICE }));
    if (warmup)
      expectAllDone(await net.run('Seller', 'SellerFlow', sales(trades, warmup), window), 'warming up');
    const before = await Promise.all(NODES.map((n) => net.commits(n)));
    const time = await measure(() => net.run('Seller', 'SellerFlow', sales(0, trades), window));
    expectAllDone(time.value, 'trading');
    const after = await Promise.all(NODES.map((n) => net.commits(n)));
    const [sellerCash, sellerLots, buyerLots] = await Promise.all([
      net.vaultCount('Seller', 'Cash'),
      net.vaultCount('Seller', 'Commodity'),
      net.vaultCount('Buyer', 'Commodity'),
    ]);
    expectVaultsAgree({ sellerCash, sellerLots, buyerLots }, total);
    return { ...options, wall: time.wall, cpu: time.cpu, commits: after.map((c, i) => c - before[i]!) };
  } finally {
    await net.close();
    removeDir(dir);
  }
}

/** Runs `runThreaded` in a child process allowed on every core of the machine; gives its result. */
export function runThreadedOnAllCores(options: ThreadedOptions): ThreadedRun {
  const args = [
    // run from source, the child loads this file with tsx
    ...(import.meta.filename.endsWith('.ts') ? ['--import', 'tsx'] : []),
    '--expose-gc',
    import.meta.filename,
    '--trades',
    String(options.trades),
    '--window',
    String(options.window),
    '--warmup',
    String(options.warmup),
  ];
  const all = `0-${cpus().length - 1}`;
  const taskset = process.platform === 'linux' && existsSync('/usr/bin/taskset');
  const child = taskset
    ? spawnSync('/usr/bin/taskset', ['-c', all, process.execPath, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, args, { encoding: 'utf8' });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{'))
    throw new Error(`The threaded trade run failed (exit ${child.status}): ${child.stderr.trim() || line}`);
  return JSON.parse(line) as ThreadedRun;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const at = (flag: string, fallback: number): number => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const run = await runThreaded({
    trades: at('--trades', 500),
    window: at('--window', 100),
    warmup: at('--warmup', 200),
  });
  console.log(JSON.stringify(run));
}
