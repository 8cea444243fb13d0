/**
 * `npm run bench [-- SUITE [ARGS...]]`: runs the benchmark suites `test/bench/SUITE.bench.ts` (all of them when
 * no suite is named). Each suite exports `run(args)` and prints its own table.
 *
 * On Linux the run re-executes itself pinned to one core with `taskset` (and with `--expose-gc`, so suites can
 * collect garbage between iterations): the figures are single-core figures, and the other cores' load moves
 * them less.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchSuite {
  run(args: string[]): void | Promise<void>;
}

const PINNED = 'FLOWS_BENCH_PINNED';

function pinToOneCore(): boolean {
  if (process.env[PINNED] || process.platform !== 'linux' || !existsSync('/usr/bin/taskset')) return false;
  const core = process.env.FLOWS_BENCH_CORE ?? '0';
  const result = spawnSync(
    '/usr/bin/taskset',
    ['-c', core, process.execPath, ...process.execArgv, '--expose-gc', ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, [PINNED]: core } },
  );
  process.exitCode = result.status ?? 1;
  return true;
}

async function main(): Promise<void> {
  const dir = import.meta.dirname;
  const suites = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort();
  const [name, ...args] = process.argv.slice(2);
  if (name !== undefined && !suites.includes(name)) {
    console.error(`Unknown benchmark suite "${name}". Suites: ${suites.join(', ')}.`);
    process.exitCode = 2;
    return;
  }
  if (pinToOneCore()) return;
  const core = process.env[PINNED];
  console.log(
    `node ${process.version}, ${core === undefined ? 'not pinned to a core' : `pinned to core ${core}`}` +
      `${typeof globalThis.gc === 'function' ? ', gc between iterations' : ''}`,
  );
  for (const suite of name ? [name] : suites) {
    const module = (await import(pathToFileURL(path.join(dir, `${suite}.bench.ts`)).href)) as BenchSuite;
    console.log(`\n## ${suite}\n`);
    await module.run(name ? args : []);
  }
}

await main();
