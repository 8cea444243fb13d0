/**
 * Several nodes in one process, for tests (ours and CorDapp authors'), `flowc run` and the designer's simulation.
 * Messages go through one task queue together with the nodes' drains, so a test can pump it by hand (`step`,
 * `runUntilIdle`) or let it run (`delivery: 'auto'`), and can make the network drop, duplicate, delay and reorder
 * messages (seeded, so a failing run can be repeated). A node can crash — its memory is lost, its store kept —
 * and be restarted on the same store. Documented in docs/testing.md.
 */
import { SimulatedClock, type Clock } from './clock.js';
import type { LoadedCordapp } from './cordapp.js';
import { isAck, type Transport, type WireMessage } from './messages.js';
import { FlowNode, type FlowHandle, type NodeHooks } from './node.js';
import { MemoryStore, type CheckpointStore } from './store.js';

export interface NetworkFaults {
  /** Probability (0..1) that a message is lost. */
  drop?: number;
  /** Probability that a message is delivered twice. */
  duplicate?: number;
  /** Probability that a message is held back behind up to `delaySteps` later tasks. */
  delay?: number;
  delaySteps?: number;
  /** Deliver queued messages in random order instead of the order sent. */
  reorder?: boolean;
  /** Also apply the faults to acknowledgements (default true). */
  acks?: boolean;
}

export interface MockNetworkOptions {
  nodes: readonly string[];
  /** Installed on every node. */
  cordapps?: readonly LoadedCordapp[];
  /** A store per node (default: a `MemoryStore`). Kept across crashes and restarts. */
  store?: (name: string) => CheckpointStore;
  /** Shared by every node (default: a `SimulatedClock`). */
  clock?: Clock;
  /** `manual` (default): nothing happens until `step` / `runUntilIdle`; `auto`: tasks run as soon as possible. */
  delivery?: 'auto' | 'manual';
  faults?: NetworkFaults;
  /** Seed of the random choices of faults (default 1). */
  seed?: number;
  maxBatchSteps?: number;
  /** Each node's `NodeOptions.recordCacheSize` (default: the node's default). */
  recordCacheSize?: number;
  hooks?: (node: string) => NodeHooks | undefined;
  /** New flow ids; default: `crypto.randomUUID()`. */
  newId?: () => string;
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  resends: number;
}

type Task = { kind: 'drain'; node: string; run: () => void } | { kind: 'deliver'; message: WireMessage };

export class MockNetwork {
  readonly clock: Clock;
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, delayed: 0, resends: 0 };
  private readonly nodes = new Map<string, FlowNode>();
  private readonly stores = new Map<string, CheckpointStore>();
  private readonly byText = new Map<string, LoadedCordapp>();
  private tasks: Task[] = [];
  private random: () => number;
  private pumping = false;
  private pumpScheduled = false;
  faults: NetworkFaults;

  private constructor(private readonly options: MockNetworkOptions) {
    this.clock = options.clock ?? new SimulatedClock();
    this.faults = options.faults ?? {};
    this.random = mulberry32(options.seed ?? 1);
    for (const cordapp of options.cordapps ?? []) this.byText.set(cordapp.text, cordapp);
  }

  static async create(options: MockNetworkOptions): Promise<MockNetwork> {
    const network = new MockNetwork(options);
    for (const name of options.nodes) {
      const store = options.store?.(name) ?? new MemoryStore();
      network.stores.set(name, store);
      const node = await network.openNode(name);
      for (const cordapp of options.cordapps ?? []) node.install(cordapp);
    }
    return network;
  }

  node(name: string): FlowNode {
    const node = this.nodes.get(name);
    if (!node)
      throw new Error(
        `There is no node "${name}" on this network (nodes: ${[...this.nodes.keys()].join(', ')}).`,
      );
    return node;
  }

  get nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Starts a flow on a node; see `FlowNode.startFlow`. */
  start(node: string, flow: string, params: Record<string, unknown>): FlowHandle {
    return this.node(node).startFlow(flow, params);
  }

  /** Simulates a crash of a node: its memory is lost, messages to it are lost until it restarts. */
  crash(name: string): void {
    this.node(name).crash();
  }

  /** Opens the node again on its store (crashing it first if it still runs). */
  async restart(name: string): Promise<FlowNode> {
    const old = this.node(name);
    if (!old.isDead) old.crash();
    const store = this.stores.get(name)!;
    (store as { reopen?: () => void }).reopen?.();
    return this.openNode(name);
  }

  /** Runs one task (a drain or a delivery); false when there was none. */
  step(): boolean {
    const task = this.next();
    if (!task) return false;
    if (task.kind === 'drain') {
      const node = this.nodes.get(task.node);
      if (node && !node.isDead) task.run();
    } else {
      const node = this.nodes.get(task.message.to);
      this.stats.delivered++;
      node?.deliver(task.message);
    }
    return true;
  }

  /**
   * Runs until nothing is left to do: every task run, every external operation finished, and every message
   * acknowledged (the outboxes are sent again whenever the network falls quiet, as retries after a timeout
   * would). Throws after `maxRounds` resend rounds with messages still unacknowledged.
   */
  async runUntilIdle(options: { maxRounds?: number; maxTasks?: number } = {}): Promise<void> {
    const maxRounds = options.maxRounds ?? 200;
    const maxTasks = options.maxTasks ?? 1_000_000;
    let tasks = 0;
    for (let round = 0; ;) {
      while (this.step()) {
        if (++tasks > maxTasks) throw new Error(`The network ran ${maxTasks} tasks without becoming idle.`);
      }
      const alive = [...this.nodes.values()].filter((n) => !n.isDead);
      if (alive.some((n) => !n.idle)) {
        // external operations are promises: let them settle
        await new Promise((resolve) => setTimeout(resolve, 0));
        continue;
      }
      const unacknowledged = alive.filter((n) => n.store.outbox().some((m) => this.reachable(m.to)));
      if (unacknowledged.length === 0) return;
      if (++round > maxRounds)
        throw new Error(
          `Messages are still unacknowledged after ${maxRounds} resend rounds (from ${unacknowledged.map((n) => n.name).join(', ')}).`,
        );
      for (const node of unacknowledged) {
        this.stats.resends++;
        node.resend();
      }
    }
  }

  /** Closes every node and its store. */
  close(): void {
    for (const node of this.nodes.values()) if (!node.isDead) node.close();
    this.tasks = [];
  }

  private reachable(name: string): boolean {
    const node = this.nodes.get(name);
    return node !== undefined && !node.isDead;
  }

  private async openNode(name: string): Promise<FlowNode> {
    const transport: Transport = {
      send: (message) => this.send(message),
      knows: (party) => this.nodes.has(party) || this.options.nodes.includes(party),
      keyOf: (party) => this.nodes.get(party)?.publicKey,
    };
    const hooks = this.options.hooks?.(name);
    const node = await FlowNode.open({
      name,
      store: this.stores.get(name)!,
      transport,
      clock: this.clock,
      schedule: (run) => this.push({ kind: 'drain', node: name, run }),
      maxBatchSteps: this.options.maxBatchSteps ?? 256,
      ...(this.options.recordCacheSize !== undefined
        ? { recordCacheSize: this.options.recordCacheSize }
        : {}),
      resendAfterMs: 0,
      loadBundle: (text) => {
        // a CorDapp given to the network, or installed on one of its nodes since
        const cordapp =
          this.byText.get(text) ??
          [...this.nodes.values()].flatMap((n) => n.installed()).find((c) => c.text === text);
        if (!cordapp)
          return Promise.reject(new Error('The store holds a CorDapp this network was not given.'));
        return Promise.resolve(cordapp);
      },
      ...(hooks ? { hooks } : {}),
      ...(this.options.newId ? { newId: this.options.newId } : {}),
    });
    this.nodes.set(name, node);
    return node;
  }

  private send(message: WireMessage): void {
    this.stats.sent++;
    const faults = this.faults;
    const applies = !isAck(message) || faults.acks !== false;
    if (applies && faults.drop && this.random() < faults.drop) {
      this.stats.dropped++;
      return;
    }
    this.push({ kind: 'deliver', message });
    if (applies && faults.duplicate && this.random() < faults.duplicate) {
      this.stats.duplicated++;
      this.push({ kind: 'deliver', message });
    }
  }

  private push(task: Task): void {
    const faults = this.faults;
    if (task.kind === 'deliver' && faults.delay && this.random() < faults.delay && this.tasks.length > 0) {
      // held back: inserted behind up to delaySteps of the tasks already queued
      this.stats.delayed++;
      const behind = 1 + Math.floor(this.random() * Math.min(this.tasks.length, faults.delaySteps ?? 5));
      this.tasks.splice(Math.min(this.tasks.length, behind), 0, task);
    } else this.tasks.push(task);
    if (this.options.delivery === 'auto') this.schedulePump();
  }

  private next(): Task | undefined {
    if (this.faults.reorder && this.tasks.length > 1) {
      const i = Math.floor(this.random() * this.tasks.length);
      return this.tasks.splice(i, 1)[0];
    }
    return this.tasks.shift();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.pumping) return;
    this.pumpScheduled = true;
    setTimeout(() => {
      this.pumpScheduled = false;
      this.pumping = true;
      try {
        // a slice at a time, so timers and promises get their turn
        for (let i = 0; i < 10_000 && this.step(); i++);
      } finally {
        this.pumping = false;
      }
      if (this.tasks.length) this.schedulePump();
      else if (
        [...this.nodes.values()].some(
          (n) => !n.isDead && n.idle && n.store.outbox().some((m) => this.reachable(m.to)),
        )
      )
        setTimeout(() => {
          for (const node of this.nodes.values()) if (!node.isDead) node.resend();
        }, 20);
    }, 0);
  }
}

/** Creates a mock network of nodes with the given CorDapps installed on each. */
export function createMockNetwork(options: MockNetworkOptions): Promise<MockNetwork> {
  return MockNetwork.create(options);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
