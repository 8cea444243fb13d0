/**
 * The machinery of the runtime benchmark (`runtime.bench.ts`): the CorDapps it runs, a store wrapper that counts
 * and times what the engine commits, the ping-pong driven by XState alone in memory, and the four measurements.
 * The smoke test runs each measurement at a tiny size, so none of this can rot unnoticed.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  createActor,
  initialTransition,
  transition,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
} from 'xstate';
import { HOUR, SimulatedClock } from '../../runtime/clock.js';
import type { LoadedCordapp } from '../../runtime/cordapp.js';
import { createMockNetwork, type MockNetwork } from '../../runtime/mockNetwork.js';
import { FlowNode, type FlowHandle } from '../../runtime/node.js';
import {
  emptyWriteSet,
  MemoryStore,
  type CheckpointStore,
  type FlowRecord,
  type WriteSet,
} from '../../runtime/store.js';
import { buildAndLoadCordapp, readCordapp } from '../../runtime/node/bundles.js';
import { SqliteStore } from '../../runtime/node/sqliteStore.js';

const ROOT = path.join(import.meta.dirname, '../..');
export const RUNTIME_CORDAPPS = path.join(ROOT, 'test/runtime/cordapps');
export const KITCHEN_SINK = path.join(ROOT, 'test/fixtures/kitchen-sink');
export const SUSPENDED = path.join(import.meta.dirname, 'cordapps/suspended');

const built = new Map<string, Promise<LoadedCordapp>>();

/** A CorDapp directory, built and loaded once per process. */
export function cordappAt(dir: string): Promise<LoadedCordapp> {
  let loaded = built.get(dir);
  if (!loaded) built.set(dir, (loaded = buildAndLoadCordapp(dir)));
  return loaded;
}

export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'flows-runtime-bench-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function sequentialIds(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/**
 * CPU (user + system, all threads) and wall milliseconds of `work`, after a forced garbage collection (when the run
 * has `--expose-gc`) unless `gc` is false: a caller that collects and then warms the code up again passes false.
 */
export async function measure<T>(
  work: () => T | Promise<T>,
  options: { gc?: boolean } = {},
): Promise<{ value: T; cpu: number; wall: number }> {
  if (options.gc !== false) globalThis.gc?.();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, cpu: (used.user + used.system) / 1000, wall };
}

// ---- a store that counts -------------------------------------------------------------------------------------------

/** What a measured store counted: commits, the flow records they wrote, and the time spent in `commit`. */
export interface CommitStats {
  commits: number;
  flowsWritten: number;
  commitMs: number;
}

/**
 * The store, with `commit` counted and timed (and its WriteSet shown to `observe` after it is applied); every other
 * member is the store's own, so the wrapper follows the `CheckpointStore` interface whatever it grows.
 */
export function measuredStore(
  inner: CheckpointStore,
  observe?: (writes: WriteSet) => void,
): { store: CheckpointStore; stats: CommitStats } {
  const stats: CommitStats = { commits: 0, flowsWritten: 0, commitMs: 0 };
  const commit = (writes: WriteSet): void => {
    const start = performance.now();
    inner.commit(writes);
    stats.commitMs += performance.now() - start;
    stats.commits++;
    stats.flowsWritten += writes.flows.size;
    observe?.(writes);
  };
  const store = new Proxy(inner, {
    get(target, key) {
      if (key === 'commit') return commit;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, stats };
}

// ---- 1. durable against in-memory ----------------------------------------------------------------------------------

export interface PingPongRun {
  /** Ping flows completed (each a two-party conversation of 10 round trips). */
  flows: number;
  /** Transitions of both flows of every pair. */
  steps: number;
  /** Flow records written (durable) or snapshots made (in memory: one per transition). */
  checkpoints: number;
  commits: number;
  /** Time spent in `SqliteStore.commit` (durable only). */
  commitMs: number;
}

type Emitted = { type: string } & Record<string, unknown>;

function emitted(actions: Actions): Emitted[] {
  const result: Emitted[] = [];
  for (const a of actions) if (a.type === 'xstate.emit') result.push((a.params as { event: Emitted }).event);
  return result;
}

type Actions = readonly { type: string; params?: unknown }[];

/** How a driver computes steps: XState's `initialTransition` / `transition`, or an equivalent. */
export interface Stepper {
  initial(machine: AnyStateMachine, input: unknown): [AnyMachineSnapshot, Actions];
  next(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: Emitted): [AnyMachineSnapshot, Actions];
}

export const xstateStepper: Stepper = {
  initial: (machine, input) => initialTransition(machine, input),
  next: (machine, snapshot, event) => transition(machine, snapshot, event as never),
};

/**
 * The same pure steps without XState's per-call set-up: `transition()` and `initialTransition()` create an inert
 * actor on every call, and the Actor constructor computes the machine's initial snapshot (for a flow: its `$init`
 * assign, which throws on the missing input, caught by XState). This keeps one inert actor scope per machine and
 * calls `machine.transition` / `machine.getInitialSnapshot` with it. Informational: what the engine could do.
 */
export function reusedScopeStepper(): Stepper {
  const scopes = new Map<AnyStateMachine, { scope: AnyActorScope; actions: { type: string }[] }>();
  const scopeOf = (machine: AnyStateMachine) => {
    let entry = scopes.get(machine);
    if (!entry) {
      const self = createActor(machine);
      const actions: { type: string }[] = [];
      const scope = {
        self,
        defer: () => {},
        id: '',
        logger: () => {},
        sessionId: '',
        stopChild: () => {},
        system: self.system,
        emit: () => {},
        actionExecutor: (action: { type: string }) => void actions.push(action),
      } as unknown as AnyActorScope;
      scopes.set(machine, (entry = { scope, actions }));
    }
    entry.actions.length = 0;
    return entry;
  };
  return {
    initial(machine, input) {
      const { scope, actions } = scopeOf(machine);
      const next = machine.getInitialSnapshot(scope, input as never);
      return [next, [...actions]];
    },
    next(machine, snapshot, event) {
      const { scope, actions } = scopeOf(machine);
      const next = machine.transition(snapshot, event as never, scope);
      return [next, [...actions]];
    },
  };
}

/**
 * `pairs` ping-pong conversations driven by XState's pure `initialTransition` / `transition` alone: no store, no
 * messages, no serialisation. The effects are routed by hand, through one FIFO queue like the engine's: Ping's
 * `flow.open` starts Pong and answers Ping with `session.opened`, and each `flow.send` becomes the other side's
 * `session.message`.
 */
export function pingPongInMemory(
  ping: AnyStateMachine,
  pong: AnyStateMachine,
  pairs: number,
  stepper: Stepper = xstateStepper,
): PingPongRun {
  const at = Date.UTC(2025, 0, 1);
  const snapshots: AnyMachineSnapshot[][] = [new Array(pairs), new Array(pairs)];
  const queue: { pair: number; side: 0 | 1; event: Emitted | null }[] = [];
  for (let pair = 0; pair < pairs; pair++) queue.push({ pair, side: 0, event: null });
  let steps = 0;
  let flows = 0;
  const session = (pair: number, side: 0 | 1): string => (side === 0 ? `s${pair}` : `s${pair}@r`);
  for (let head = 0; head < queue.length; head++) {
    const { pair, side, event } = queue[head]!;
    const machine = side === 0 ? ping : pong;
    let next: AnyMachineSnapshot;
    let actions: Actions;
    if (event === null) {
      const params = side === 0 ? { peer: 'Bob', start: 0 } : { session: session(pair, 1) };
      const input = { flowId: `${side}-${pair}`, me: side === 0 ? 'Alice' : 'Bob', params, at };
      [next, actions] = stepper.initial(machine, input);
    } else {
      const previous = snapshots[side]![pair]!;
      [next, actions] = stepper.next(machine, previous, event);
      if (next === previous)
        throw new Error(`No transition took ${event.type} in ${String(previous.value)}.`);
    }
    snapshots[side]![pair] = next;
    steps++;
    for (const effect of emitted(actions)) {
      if (effect.type === 'flow.open') {
        queue.push({ pair, side: 0, event: { type: 'session.opened', at, session: session(pair, 0) } });
        queue.push({ pair, side: 1, event: null });
      } else if (effect.type === 'flow.send') {
        const to = side === 0 ? 1 : 0;
        queue.push({
          pair,
          side: to,
          event: { type: 'session.message', at, session: session(pair, to), value: effect['value'] },
        });
      }
    }
    if (next.status === 'done' && side === 0) {
      const result = (next.output as { result?: unknown }).result;
      if (result !== 110) throw new Error(`Ping ended with ${JSON.stringify(next.output)}, not 110.`);
      flows++;
    }
  }
  return { flows, steps, checkpoints: steps, commits: 0, commitMs: 0 };
}

/**
 * `pairs` ping-pong conversations started at once on two nodes with SQLite stores (files in `dir`), on the mock
 * network in manual delivery, run until idle. Returns when every Ping has ended with its result.
 */
export async function pingPongDurable(
  cordapp: LoadedCordapp,
  pairs: number,
  dir: string,
  observe?: (writes: WriteSet) => void,
): Promise<{ run: PingPongRun; time: { cpu: number; wall: number } }> {
  const stats = new Map<string, CommitStats>();
  const network = await createMockNetwork({
    nodes: ['Alice', 'Bob'],
    cordapps: [cordapp],
    delivery: 'manual',
    newId: sequentialIds('ping'),
    store: (name) => {
      const measured = measuredStore(SqliteStore.open(path.join(dir, `${name}.sqlite`)), observe);
      stats.set(name, measured.stats);
      return measured.store;
    },
  });
  let steps = 0;
  for (const name of network.nodeNames)
    network.node(name).onEvent((e) => {
      if (e.type === 'committed') steps += e.steps;
    });
  const before = [...stats.values()].map((s) => ({ ...s }));
  const time = await measure(async () => {
    const handles: FlowHandle[] = [];
    for (let i = 0; i < pairs; i++) handles.push(network.start('Alice', 'Ping', { peer: 'Bob', start: 0 }));
    await network.runUntilIdle();
    return handles;
  });
  const outcomes = await Promise.all(time.value.map((h) => h.result));
  network.close();
  const bad = outcomes.find((o) => o.status !== 'done' || o.result !== 110);
  if (bad) throw new Error(`A durable Ping ended ${JSON.stringify(bad)}.`);
  const run: PingPongRun = { flows: outcomes.length, steps, checkpoints: 0, commits: 0, commitMs: 0 };
  [...stats.values()].forEach((s, i) => {
    run.commits += s.commits - before[i]!.commits;
    run.checkpoints += s.flowsWritten - before[i]!.flowsWritten;
    run.commitMs += s.commitMs - before[i]!.commitMs;
  });
  return { run, time: { cpu: time.cpu, wall: time.wall } };
}

// ---- 2. checkpoint writes against raw upserts ----------------------------------------------------------------------

/** A waiting Ping's flow record as the engine commits it (mid-conversation), the realistic checkpoint. */
export async function realisticRecord(cordapp: LoadedCordapp): Promise<FlowRecord> {
  let found: FlowRecord | undefined;
  const dir = tempDir();
  try {
    await pingPongDurable(cordapp, 1, dir, (writes) => {
      for (const flow of writes.flows.values())
        if (flow.flow === 'Ping' && flow.status === 'waiting' && flow.wait?.type === 'flow.receive')
          found = structuredClone(flow);
    });
  } finally {
    removeDir(dir);
  }
  if (!found) throw new Error('No waiting Ping was committed.');
  return found;
}

export interface WriteRates {
  /** Flow records per second, by CPU time and by wall time (medians of the rounds). */
  storeCpu: number;
  storeWall: number;
  rawCpu: number;
  rawWall: number;
  recordBytes: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeSync(work: () => void): { cpu: number; wall: number } {
  globalThis.gc?.();
  const cpu = process.cpuUsage();
  const start = performance.now();
  work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall };
}

/**
 * `SqliteStore.commit` of WriteSets of `batch` flow records, against a bare `INSERT ... ON CONFLICT DO UPDATE`
 * of the same records (`JSON.stringify`'d, as the store does) into a one-table database with the same settings
 * (WAL, synchronous NORMAL), one transaction per batch on both sides. The records cycle over `distinct` ids, all
 * written once before timing: the timed writes update existing rows, as checkpoints of running flows do.
 */
export function checkpointWrites(
  template: FlowRecord,
  options: { batch: number; records: number; distinct: number; rounds: number; dir: string },
): WriteRates {
  const { batch, records, distinct, rounds, dir } = options;
  const flows: FlowRecord[] = [];
  for (let i = 0; i < distinct; i++)
    flows.push({ ...structuredClone(template), id: `bench-${i}`, root: `bench-${i}` });
  const batches = Math.max(1, Math.round(records / batch));
  const writeSets: WriteSet[] = [];
  for (let b = 0, next = 0; b < batches; b++) {
    const writes = emptyWriteSet();
    for (let i = 0; i < batch; i++, next = (next + 1) % distinct)
      writes.flows.set(flows[next]!.id, flows[next]!);
    writeSets.push(writes);
  }
  const written = batches * batch;

  const store = SqliteStore.open(path.join(dir, `store-${batch}.sqlite`));
  const raw = new Database(path.join(dir, `raw-${batch}.sqlite`));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE flows (id TEXT PRIMARY KEY, data TEXT NOT NULL)');
  const upsert = raw.prepare(
    'INSERT INTO flows (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data',
  );
  const rawCommit = raw.transaction((writes: WriteSet) => {
    for (const flow of writes.flows.values()) upsert.run(flow.id, JSON.stringify(flow));
  });
  try {
    // every id once, untimed: the timed writes are updates
    for (let i = 0; i < distinct; i += batch) {
      const writes = emptyWriteSet();
      for (const flow of flows.slice(i, i + batch)) writes.flows.set(flow.id, flow);
      store.commit(writes);
      rawCommit(writes);
    }
    const storeRates: { cpu: number; wall: number }[] = [];
    const rawRates: { cpu: number; wall: number }[] = [];
    const rate = (t: { cpu: number; wall: number }) => ({
      cpu: written / (t.cpu / 1000),
      wall: written / (t.wall / 1000),
    });
    for (let round = 0; round < rounds; round++) {
      storeRates.push(rate(timeSync(() => writeSets.forEach((w) => store.commit(w)))));
      rawRates.push(rate(timeSync(() => writeSets.forEach((w) => rawCommit(w)))));
    }
    return {
      storeCpu: median(storeRates.map((r) => r.cpu)),
      storeWall: median(storeRates.map((r) => r.wall)),
      rawCpu: median(rawRates.map((r) => r.cpu)),
      rawWall: median(rawRates.map((r) => r.wall)),
      recordBytes: JSON.stringify(template).length,
    };
  } finally {
    store.close();
    raw.close();
  }
}

// ---- 3. checkpoint sizes -------------------------------------------------------------------------------------------

export interface RestingCheckpoint {
  cordapp: string;
  flow: string;
  /** The waiting state (the snapshot's `value`). */
  state: string;
  wait: string;
  /** `JSON.stringify(record.snapshot).length` and `JSON.stringify(record).length`. */
  snapshotBytes: number;
  recordBytes: number;
}

interface Scenario {
  cordapp: string;
  dir: string;
  nodes: string[];
  run(network: MockNetwork, clock: SimulatedClock): Promise<FlowHandle[]>;
}

/** Moves the simulated time on an hour at a time, running the network after each. */
async function passHours(network: MockNetwork, clock: SimulatedClock, hours: number): Promise<void> {
  for (let h = 0; h < hours; h++) {
    clock.advance(HOUR);
    await network.runUntilIdle();
  }
}

/** Answers every question on a node with `answer(prompt)`, until none is left. */
async function answerAll(network: MockNetwork, node: string, answer: (prompt: string) => unknown) {
  for (let round = 0; round < 10; round++) {
    const inputs = network.node(node).inputs();
    if (inputs.length === 0) return;
    for (const input of inputs) network.node(node).answerInput(input.flowId, answer(input.prompt));
    await network.runUntilIdle();
  }
}

/** Every flow of the runtime's test CorDapps and of the kitchen sink, run to its end. */
export const SCENARIOS: readonly Scenario[] = [
  {
    cordapp: 'pingpong',
    dir: path.join(RUNTIME_CORDAPPS, 'pingpong'),
    nodes: ['Alice', 'Bob'],
    async run(network) {
      const handle = network.start('Alice', 'Ping', { peer: 'Bob', start: 3 });
      await network.runUntilIdle();
      return [handle];
    },
  },
  {
    cordapp: 'threeparty',
    dir: path.join(RUNTIME_CORDAPPS, 'threeparty'),
    nodes: ['Buyer', 'Seller', 'Notary'],
    async run(network) {
      const params = { seller: 'Seller', notary: 'Notary', item: 'apples', quantity: 3 };
      const handle = network.start('Buyer', 'Buy', params);
      await network.runUntilIdle();
      return [handle];
    },
  },
  {
    cordapp: 'timers',
    dir: path.join(RUNTIME_CORDAPPS, 'timers'),
    nodes: ['Alice', 'Bob'],
    async run(network, clock) {
      const handles = [
        network.start('Alice', 'Nap', { label: 'Alice' }),
        network.start('Alice', 'Ask', { peer: 'Bob' }),
        network.start('Alice', 'AskQuickly', { peer: 'Bob' }),
        network.start('Alice', 'Approve', { item: 'pears', limit: 10 }),
      ];
      await network.runUntilIdle();
      await answerAll(network, 'Alice', (prompt) => (prompt.startsWith('How many') ? 4 : true));
      await passHours(network, clock, 49);
      return handles;
    },
  },
  {
    cordapp: 'kitchen-sink',
    dir: KITCHEN_SINK,
    nodes: ['Seller', 'Buyer'],
    async run(network, clock) {
      const price = { quantity: 100, currency: 'USD' };
      const handle = network.start('Seller', 'SellerFlow', {
        buyer: 'Buyer',
        assetId: 'gold',
        price,
        urgent: true,
      });
      await network.runUntilIdle();
      await answerAll(network, 'Buyer', () => 'Accept');
      await passHours(network, clock, 1);
      return [handle];
    },
  },
];

/**
 * Runs every scenario with one step per commit (`maxBatchSteps: 1`), so that every state a flow rests in is
 * committed, and records each waiting flow record as it is committed.
 */
export async function checkpointSizes(): Promise<RestingCheckpoint[]> {
  const rests: RestingCheckpoint[] = [];
  for (const scenario of SCENARIOS) {
    const cordapp = await cordappAt(scenario.dir);
    const clock = new SimulatedClock();
    const network = await createMockNetwork({
      nodes: scenario.nodes,
      cordapps: [cordapp],
      clock,
      maxBatchSteps: 1,
      newId: sequentialIds(scenario.cordapp),
      store: () =>
        measuredStore(new MemoryStore(), (writes) => {
          for (const flow of writes.flows.values()) {
            if (flow.status !== 'waiting') continue;
            const value = (flow.snapshot as { value?: unknown } | null)?.value;
            rests.push({
              cordapp: scenario.cordapp,
              flow: flow.flow,
              state: typeof value === 'string' ? value : JSON.stringify(value),
              wait: flow.wait?.type ?? '?',
              snapshotBytes: JSON.stringify(flow.snapshot).length,
              recordBytes: JSON.stringify(flow).length,
            });
          }
        }).store,
    });
    const handles = await scenario.run(network, clock);
    const outcomes = await Promise.all(handles.map((h) => h.result));
    network.close();
    const bad = outcomes.find((o) => o.status !== 'done');
    if (bad) throw new Error(`${scenario.cordapp}: a flow ended ${JSON.stringify(bad)}.`);
  }
  return rests;
}

/** The largest checkpoint of each distinct waiting state (CorDapp, flow, state). */
export function byWaitingState(rests: readonly RestingCheckpoint[]): RestingCheckpoint[] {
  const largest = new Map<string, RestingCheckpoint>();
  for (const rest of rests) {
    const key = `${rest.cordapp}/${rest.flow}/${rest.state}`;
    const known = largest.get(key);
    if (!known || rest.recordBytes > known.recordBytes) largest.set(key, rest);
  }
  return [...largest.values()];
}

// ---- 4. a million suspended flows ----------------------------------------------------------------------------------

export interface SuspendedRun {
  flows: number;
  /** Creation: CPU and wall ms for all flows, and the RSS (bytes) sampled along the way. */
  createCpu: number;
  createWall: number;
  rssAt10k: number;
  peakRss: number;
  /** `[flows created, rss]` samples. */
  rss: [number, number][];
  /** Milliseconds from `answerInput` to the flow's end being committed, one flow at a time. */
  resumes: number[];
  /** Milliseconds to open the store and the node again on the same file: after 10,000 flows and after all. */
  reopenAt10k: number;
  reopenAtEnd: number;
  fileBytes: number;
}

/** A node on a SQLite file whose drains run only when `pump` is called. */
async function openNode(file: string, cordapp?: LoadedCordapp) {
  const tasks: (() => void)[] = [];
  const node = await FlowNode.open({
    name: 'Alice',
    store: SqliteStore.open(file),
    transport: { send() {}, knows: () => false },
    schedule: (task) => void tasks.push(task),
    loadBundle: (text) => readCordapp(text),
  });
  if (cordapp) node.install(cordapp);
  const pump = (): void => {
    for (let task = tasks.shift(); task; task = tasks.shift()) task();
  };
  return { node, pump };
}

/**
 * Starts `flows` flows of `Hold` (each waits for its owner's answer at once) on one node with a SQLite file, a
 * batch of `maxBatchSteps` (256) `startFlow` calls per drain; then answers `resumes` random ones, one at a time,
 * timing each until its end is committed; and times reopening the node, after 10,000 flows and at the end.
 */
export async function suspendedFlows(
  cordapp: LoadedCordapp,
  options: { flows: number; resumes: number; dir: string; progress?: (line: string) => void },
): Promise<SuspendedRun> {
  const { flows, dir } = options;
  const file = path.join(dir, 'suspended.sqlite');
  let { node, pump } = await openNode(file, cordapp);
  const chunk = 256;
  const checkpointAt = Math.min(10_000, flows);
  // which flows to answer later: chosen up front, so the ids of the others are not kept
  const picked = new Set<number>();
  const resumes = Math.min(options.resumes, flows);
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) % 1;
  while (picked.size < resumes) picked.add(Math.floor(random() * flows));
  const pickedIds: string[] = [];
  const run: SuspendedRun = {
    flows,
    createCpu: 0,
    createWall: 0,
    rssAt10k: 0,
    peakRss: 0,
    rss: [],
    resumes: [],
    reopenAt10k: 0,
    reopenAtEnd: 0,
    fileBytes: 0,
  };
  const sample = (created: number): number => {
    const rss = process.memoryUsage().rss;
    run.peakRss = Math.max(run.peakRss, rss);
    run.rss.push([created, rss]);
    return rss;
  };
  const reopen = async (): Promise<number> => {
    node.close();
    const start = performance.now();
    ({ node, pump } = await openNode(file));
    const ms = performance.now() - start;
    if (node.installed().length !== 1) throw new Error('The reopened node lost its CorDapp.');
    return ms;
  };
  sample(0);
  let created = 0;
  const create = async (upTo: number): Promise<void> => {
    const time = await measure(() => {
      let last = { at: performance.now(), created };
      let chunks = 0;
      while (created < upTo) {
        const end = Math.min(upTo, created + chunk);
        for (; created < end; created++) {
          const handle = node.startFlow('Hold', { n: created });
          if (picked.has(created)) pickedIds.push(handle.id);
        }
        pump();
        if (++chunks % 40 === 0) sample(created);
        if (options.progress && Math.floor(created / 100_000) > Math.floor(last.created / 100_000)) {
          const now = performance.now();
          const rate = (created - last.created) / ((now - last.at) / 1000);
          options.progress(
            `  ${created.toLocaleString('en-US')} flows created, ${Math.round(rate).toLocaleString('en-US')}/s ` +
              `since the last line, rss ${mib(process.memoryUsage().rss)}`,
          );
          last = { at: now, created };
        }
      }
    });
    run.createCpu += time.cpu;
    run.createWall += time.wall;
  };
  await create(checkpointAt);
  run.rssAt10k = sample(created);
  run.reopenAt10k = await reopen();
  await create(flows);
  sample(created);
  const counts = node.store.countFlows();
  if (counts.waiting !== flows) throw new Error(`${counts.waiting} flows wait, not ${flows}.`);
  run.reopenAtEnd = await reopen();
  for (const id of pickedIds) {
    const start = performance.now();
    node.answerInput(id, 1);
    pump();
    run.resumes.push(performance.now() - start);
    const flow = node.flow(id);
    if (flow?.status !== 'done') throw new Error(`Flow ${id} is ${flow?.status} after its answer.`);
  }
  node.close();
  run.fileBytes = statSync(file).size;
  return run;
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
