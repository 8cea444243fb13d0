/**
 * `npm run bench -- runtime [--pairs N] [--iterations N] [--records N] [--flows N] [--resumes N] [--cases LIST]`:
 * the runtime's cost of durability (issue #5), each figure next to its baseline measured in the same run.
 *
 * Cases (`--cases durable,writes,sizes,suspended`, all by default):
 * - **durable**: `--pairs` (1,000) ping-pong conversations of 10 round trips started at once on two nodes with SQLite
 *   stores on the mock network (manual delivery, `runUntilIdle`), against the same Ping and Pong machines driven by
 *   XState's pure `transition()` in memory, with no store and no messages. Target: durable ≥ 0.6× in-memory.
 * - **writes**: `SqliteStore.commit` of WriteSets of flow records (a real waiting Ping's record) against bare
 *   better-sqlite3 upserts of the same records into a one-table database, with the same batches (1 and 256 records
 *   per transaction). Target: ≥ 0.5× the bare upserts.
 * - **sizes**: the checkpoint (`JSON.stringify(record.snapshot).length`) and the whole flow record at every waiting
 *   state of the runtime's test CorDapps and the kitchen sink, each step committed alone. Target: median ≤ 512 bytes.
 * - **suspended**: `--flows` (1,000,000) flows started on one node with a SQLite file, each waiting for its owner's
 *   answer at once: creation rate, RSS, the time to resume one flow by its answer (`--resumes` random flows, one at a
 *   time), and the time to reopen the node on the file.
 *
 * Rates are computed from CPU time (the process's, pinned to one core by `run.ts`); wall time is shown beside it.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import {
  byWaitingState,
  checkpointSizes,
  checkpointWrites,
  cordappAt,
  measure,
  mib,
  pingPongDurable,
  pingPongInMemory,
  realisticRecord,
  reusedScopeStepper,
  removeDir,
  RUNTIME_CORDAPPS,
  SUSPENDED,
  suspendedFlows,
  tempDir,
  type PingPongRun,
  type RestingCheckpoint,
} from './runtimeFlows.js';

const CASES = ['durable', 'writes', 'sizes', 'suspended'] as const;
type Case = (typeof CASES)[number];

export interface RuntimeOptions {
  pairs: number;
  iterations: number;
  records: number;
  flows: number;
  resumes: number;
  cases: Case[];
}

export function options(args: string[]): RuntimeOptions {
  const value = (flag: string, fallback: number): number => {
    const i = args.indexOf(flag);
    const parsed = i >= 0 ? Number(args[i + 1]?.replaceAll('_', '').replaceAll(',', '')) : fallback;
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} needs a whole number from 1 up.`);
    return parsed;
  };
  const i = args.indexOf('--cases');
  const cases = i >= 0 ? (args[i + 1] ?? '').split(',') : [...CASES];
  for (const c of cases)
    if (!(CASES as readonly string[]).includes(c))
      throw new Error(`Unknown case "${c}" (cases: ${CASES.join(', ')}).`);
  return {
    pairs: value('--pairs', 1000),
    iterations: value('--iterations', 3),
    records: value('--records', 50_000),
    flows: value('--flows', 1_000_000),
    resumes: value('--resumes', 1000),
    cases: cases as Case[],
  };
}

// ---- figures and tables --------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (0 < p ≤ 100). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
const ratio = (n: number): string => `${n.toFixed(2)}x`;

/** Prints a Markdown table; columns named in `right` are right-aligned. */
function printTable(header: string[], rows: string[][], right: readonly number[] = []): void {
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

interface Verdict {
  name: string;
  measured: string;
  target: string;
  met: boolean;
}

const verdicts: Verdict[] = [];
function verdict(name: string, measured: string, target: string, met: boolean): void {
  verdicts.push({ name, measured, target, met });
}

function cpuModel(): string {
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

// ---- the cases -----------------------------------------------------------------------------------------------------

async function durable(opts: RuntimeOptions): Promise<void> {
  const cordapp = await cordappAt(`${RUNTIME_CORDAPPS}/pingpong`);
  const ping = cordapp.flows.get('Ping')!.machine;
  const pong = cordapp.flows.get('Pong')!.machine;
  const pairs = opts.pairs;
  console.log(
    `### Durable against in-memory: ${integer(pairs)} ping-pong conversations (10 round trips) at once\n`,
  );

  pingPongInMemory(ping, pong, Math.min(pairs, 100)); // warm-up
  const memory: { run: PingPongRun; cpu: number; wall: number }[] = [];
  for (let i = 0; i < Math.max(5, opts.iterations); i++) {
    const t = await measure(() => pingPongInMemory(ping, pong, pairs));
    memory.push({ run: t.value, cpu: t.cpu, wall: t.wall });
  }
  const reused: typeof memory = [];
  const stepper = reusedScopeStepper();
  pingPongInMemory(ping, pong, Math.min(pairs, 100), stepper);
  for (let i = 0; i < Math.max(5, opts.iterations); i++) {
    const t = await measure(() => pingPongInMemory(ping, pong, pairs, stepper));
    reused.push({ run: t.value, cpu: t.cpu, wall: t.wall });
  }
  const warm = tempDir();
  try {
    await pingPongDurable(cordapp, Math.min(pairs, 50), warm); // warm-up
  } finally {
    removeDir(warm);
  }
  const stored: { run: PingPongRun; cpu: number; wall: number }[] = [];
  for (let i = 0; i < opts.iterations; i++) {
    const dir = tempDir();
    try {
      const { run, time } = await pingPongDurable(cordapp, pairs, dir);
      stored.push({ run, ...time });
    } finally {
      removeDir(dir);
    }
  }
  const row = (name: string, runs: typeof memory): { cells: string[]; flowsPerCpuSecond: number } => {
    const cpu = median(runs.map((r) => r.cpu));
    const wall = median(runs.map((r) => r.wall));
    const run = runs[0]!.run;
    const perSecond = (n: number): string => integer(n / (cpu / 1000));
    return {
      cells: [
        name,
        ms(cpu),
        ms(wall),
        perSecond(run.flows),
        perSecond(run.steps),
        perSecond(run.checkpoints),
        integer(run.steps),
        integer(run.checkpoints),
        run.commits ? integer(run.commits) : '-',
      ],
      flowsPerCpuSecond: run.flows / (cpu / 1000),
    };
  };
  const inMemory = row('in memory: XState transition() only', memory);
  const onDisk = row('durable: 2 nodes, SQLite, mock network', stored);
  printTable(
    [
      'run',
      'CPU (median)',
      'wall (median)',
      'flows/s',
      'steps/s',
      'checkpoints/s',
      'steps',
      'checkpoints',
      'commits',
    ],
    [inMemory.cells, onDisk.cells, row('in memory: one reused actor scope (info)', reused).cells],
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  const r = onDisk.flowsPerCpuSecond / inMemory.flowsPerCpuSecond;
  const commitShare = median(stored.map((s) => s.run.commitMs / s.wall));
  console.log(
    `durable / in-memory: ${ratio(r)}; SqliteStore.commit takes ${(commitShare * 100).toFixed(0)}% of the durable run's wall time. ` +
      'A checkpoint in memory is one transition; durable ones are the flow records committed. The last row calls ' +
      "machine.transition() with one inert actor scope per machine instead of XState's transition(), which builds " +
      'an actor (and the initial snapshot) on every call.\n',
  );
  verdict('durable / in-memory throughput (ping-pong)', ratio(r), '>= 0.6x', r >= 0.6);
}

async function writes(opts: RuntimeOptions): Promise<void> {
  const cordapp = await cordappAt(`${RUNTIME_CORDAPPS}/pingpong`);
  const template = await realisticRecord(cordapp);
  const bytes = JSON.stringify(template).length;
  console.log(
    `### Checkpoint writes: SqliteStore.commit against bare upserts, ${integer(bytes)}-byte flow records, updates of ` +
      `existing rows\n`,
  );
  const rows: string[][] = [];
  for (const batch of [1, 256]) {
    const dir = tempDir();
    try {
      const records = batch === 1 ? Math.max(1, Math.round(opts.records / 5)) : opts.records;
      const rates = checkpointWrites(template, {
        batch,
        records,
        distinct: Math.min(10_000, Math.max(batch, records)),
        rounds: Math.max(3, opts.iterations),
        dir,
      });
      const r = rates.storeCpu / rates.rawCpu;
      rows.push([
        String(batch),
        integer(records),
        integer(rates.storeCpu),
        integer(rates.storeWall),
        integer(rates.rawCpu),
        integer(rates.rawWall),
        ratio(r),
        '>= 0.5x',
        r >= 0.5 ? 'met' : 'MISSED',
      ]);
      verdict(`checkpoint writes / bare upserts, ${batch} per commit`, ratio(r), '>= 0.5x', r >= 0.5);
    } finally {
      removeDir(dir);
    }
  }
  printTable(
    [
      'records per commit',
      'records',
      'store rec/s (CPU)',
      'store rec/s (wall)',
      'bare rec/s (CPU)',
      'bare rec/s (wall)',
      'ratio',
      'target',
      'verdict',
    ],
    rows,
    [0, 1, 2, 3, 4, 5, 6],
  );
  console.log(
    'Both sides JSON.stringify the same record objects; the bare table is (id TEXT PRIMARY KEY, data TEXT), the ' +
      "store's flows table has 9 columns and 5 secondary indexes. Medians of the rounds.\n",
  );
}

async function sizes(): Promise<void> {
  const rests = await checkpointSizes();
  const states = byWaitingState(rests);
  console.log(
    `### Checkpoint sizes: ${states.length} waiting states (${rests.length} rests) of the runtime's test CorDapps ` +
      'and the kitchen sink\n',
  );
  const row = (name: string, values: number[], target: string, met?: boolean): string[] => [
    name,
    integer(median(values)),
    integer(percentile(values, 90)),
    integer(Math.max(...values)),
    target,
    met === undefined ? '-' : met ? 'met' : 'MISSED',
  ];
  const snapshot = states.map((s) => s.snapshotBytes);
  const record = states.map((s) => s.recordBytes);
  const met = median(snapshot) <= 512;
  printTable(
    ['bytes at a waiting state', 'median', 'p90', 'max', 'target', 'verdict'],
    [
      row('checkpoint (the snapshot), per waiting state', snapshot, 'median <= 512', met),
      row('whole flow record, per waiting state', record, '-'),
      row(
        'checkpoint, every rest',
        rests.map((s) => s.snapshotBytes),
        '-',
      ),
    ],
    [1, 2, 3],
  );
  const largest = [...states].sort((a, b) => b.snapshotBytes - a.snapshotBytes).slice(0, 5);
  console.log(
    `Largest: ${largest.map((s: RestingCheckpoint) => `${s.flow}.${s.state} (${s.wait}) ${s.snapshotBytes}`).join(', ')}. ` +
      "Corda's documented example: 29,200 bytes.\n",
  );
  verdict('checkpoint size, median over waiting states', `${integer(median(snapshot))} B`, '<= 512 B', met);
}

async function suspended(opts: RuntimeOptions): Promise<void> {
  const cordapp = await cordappAt(SUSPENDED);
  const flows = opts.flows;
  console.log(`### ${integer(flows)} suspended flows on one node (SQLite file)\n`);
  const dir = tempDir();
  try {
    const run = await suspendedFlows(cordapp, {
      flows,
      resumes: opts.resumes,
      dir,
      progress: (line) => console.log(line),
    });
    if (flows >= 100_000) console.log('');
    const createCpu = flows / (run.createCpu / 1000);
    const createWall = flows / (run.createWall / 1000);
    const growth = run.peakRss - run.rssAt10k;
    const p50 = percentile(run.resumes, 50);
    const p99 = percentile(run.resumes, 99);
    const reopen = Math.max(run.reopenAt10k, run.reopenAtEnd);
    const rows: [string, string, string, boolean | undefined][] = [
      ['creation, flows/s (CPU)', integer(createCpu), '>= 10,000', createCpu >= 10_000],
      ['creation, flows/s (wall)', integer(createWall), '-', undefined],
      ['RSS after 10,000 flows', mib(run.rssAt10k), '-', undefined],
      [`peak RSS (${integer(flows)} flows)`, mib(run.peakRss), '<= 512 MiB', run.peakRss <= 512 * 2 ** 20],
      ['peak RSS - RSS at 10,000', mib(growth), '<= 100 MiB', growth <= 100 * 2 ** 20],
      [`resume one flow, p50 (${integer(run.resumes.length)} flows)`, ms(p50), '-', undefined],
      ['resume one flow, p99', ms(p99), '-', undefined],
      ['reopen the node, 10,000 flows', ms(run.reopenAt10k), '<= 1,000 ms', run.reopenAt10k <= 1000],
      [
        `reopen the node, ${integer(flows)} flows`,
        ms(run.reopenAtEnd),
        '<= 1,000 ms',
        run.reopenAtEnd <= 1000,
      ],
      ['SQLite file', mib(run.fileBytes), '-', undefined],
    ];
    printTable(
      ['measure', 'value', 'target', 'verdict'],
      rows.map(([name, value, target, met]) => [
        name,
        value,
        target,
        met === undefined ? '-' : met ? 'met' : 'MISSED',
      ]),
      [1],
    );
    verdict(
      `creation of ${integer(flows)} suspended flows`,
      `${integer(createCpu)}/s`,
      '>= 10,000/s',
      createCpu >= 10_000,
    );
    verdict('peak RSS', mib(run.peakRss), '<= 512 MiB', run.peakRss <= 512 * 2 ** 20);
    verdict('RSS growth from 10,000 flows', mib(growth), '<= 100 MiB', growth <= 100 * 2 ** 20);
    verdict('resume one flow, p50 / p99', `${ms(p50)} / ${ms(p99)}`, '-', true);
    verdict('node reopen', ms(reopen), '<= 1,000 ms', reopen <= 1000);
  } finally {
    removeDir(dir);
  }
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  verdicts.length = 0;
  console.log(
    `${cpuModel()}, ${os.cpus().length} cores; node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`cases: ${opts.cases.join(', ')}\n`);
  if (opts.cases.includes('durable')) await durable(opts);
  if (opts.cases.includes('writes')) await writes(opts);
  if (opts.cases.includes('sizes')) await sizes();
  if (opts.cases.includes('suspended')) await suspended(opts);
  console.log('### Targets\n');
  printTable(
    ['case', 'measured', 'target', 'verdict'],
    verdicts.map((v) => [v.name, v.measured, v.target, v.target === '-' ? '-' : v.met ? 'met' : 'MISSED']),
    [1],
  );
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
