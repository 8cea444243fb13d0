/**
 * Nodes on threads: each node of a network in its own worker thread of this process (`threadWorker.ts`), on its
 * own SQLite file, the nodes talking over a `MessagePort` per pair — the engine's at-least-once messaging over a
 * transport that is really concurrent. One process, every core: three nodes on a two-core machine run side by
 * side, as separate node processes would, instead of taking turns on one thread as on the mock network.
 *
 * The owner (this thread) opens the network, starts flows in batches, waits for their outcomes, and counts vault
 * states; everything crosses threads as structured-cloned messages.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { FlowOutcome } from '../node.js';

export type ThreadRequest = { id: number } & (
  | {
      op: 'open';
      name: string;
      file: string;
      /** The `.cordapp` container text to install. */
      cordapp: string;
      peers: Record<string, MessagePort>;
      maxBatchSteps?: number;
    }
  | { op: 'run'; flow: string; params: Record<string, unknown>[]; window: number }
  | { op: 'keys'; keys: Record<string, string> }
  | { op: 'start'; flow: string; params: Record<string, unknown>[] }
  | { op: 'results'; ids: string[] }
  | { op: 'vault'; contract: string }
  | { op: 'stats' }
  | { op: 'close' }
);

export type ThreadReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: string });

type Request = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface ThreadNetworkOptions {
  /** The nodes' names. */
  nodes: readonly string[];
  /** Where each node's SQLite file goes (`DIR/NAME.sqlite`). */
  dir: string;
  /** The `.cordapp` container text every node installs. */
  cordapp: string;
  /** Steps per commit at most (`NodeOptions.maxBatchSteps`). */
  maxBatchSteps?: number;
}

/** A node in a worker thread, as its owner sees it. */
class ThreadNode {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >();
  /** Why the thread is gone, once it is: later requests fail at once instead of waiting for no answer. */
  private gone?: Error;

  constructor(
    readonly name: string,
    readonly worker: Worker,
  ) {
    worker.on('message', (reply: ThreadReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(`${name}: ${reply.error}`));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`${name}'s thread exited with code ${code}`)));
  }

  request<T>(request: Request, transfer: MessagePort[] = []): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  private failAll(error: Error): void {
    this.gone ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

export class ThreadNetwork {
  private constructor(private readonly nodes: Map<string, ThreadNode>) {}

  /** Starts one worker per node, connects every pair, installs the CorDapp, and shares the nodes' keys. */
  static async open(options: ThreadNetworkOptions): Promise<ThreadNetwork> {
    const entry = workerEntry();
    const nodes = new Map<string, ThreadNode>();
    for (const name of options.nodes)
      nodes.set(
        name,
        new ThreadNode(
          name,
          entry.typescript
            ? // run from source (tests, the benchmark under tsx): the worker registers tsx, then loads the entry
              new Worker(
                `import(${JSON.stringify(entry.tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.url.href)}); })`,
                { eval: true },
              )
            : new Worker(entry.url),
        ),
      );
    const network = new ThreadNetwork(nodes);
    try {
      const ports = new Map<string, Record<string, MessagePort>>(options.nodes.map((n) => [n, {}]));
      options.nodes.forEach((a, i) => {
        for (const b of options.nodes.slice(i + 1)) {
          const channel = new MessageChannel();
          ports.get(a)![b] = channel.port1;
          ports.get(b)![a] = channel.port2;
        }
      });
      const keys = await Promise.all(
        options.nodes.map((name) => {
          const peers = ports.get(name)!;
          return nodes.get(name)!.request<string | undefined>(
            {
              op: 'open',
              name,
              file: `${options.dir}/${name}.sqlite`,
              cordapp: options.cordapp,
              peers,
              ...(options.maxBatchSteps ? { maxBatchSteps: options.maxBatchSteps } : {}),
            },
            Object.values(peers),
          );
        }),
      );
      const map: Record<string, string> = {};
      options.nodes.forEach((name, i) => {
        if (keys[i] !== undefined) map[name] = keys[i];
      });
      await Promise.all([...nodes.values()].map((node) => node.request({ op: 'keys', keys: map })));
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  private node(name: string): ThreadNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`There is no node "${name}" (nodes: ${[...this.nodes.keys()].join(', ')}).`);
    return node;
  }

  /** Starts one flow per parameter set on a node; gives their ids. */
  start(node: string, flow: string, params: Record<string, unknown>[]): Promise<string[]> {
    return this.node(node).request({ op: 'start', flow, params });
  }

  /**
   * Runs one flow per parameter set on a node with at most `window` in flight (a new one starts as one ends, as
   * steady load from clients would); gives their outcomes in order.
   */
  run(node: string, flow: string, params: Record<string, unknown>[], window: number): Promise<FlowOutcome[]> {
    return this.node(node).request({ op: 'run', flow, params, window });
  }

  /** Waits for flows of a node to end; gives their outcomes in the same order. */
  results(node: string, ids: string[]): Promise<FlowOutcome[]> {
    return this.node(node).request({ op: 'results', ids });
  }

  /** How many unconsumed states of a contract a node's vault holds. */
  vaultCount(node: string, contract: string): Promise<number> {
    return this.node(node).request({ op: 'vault', contract });
  }

  /** How many commits a node made so far. */
  async commits(node: string): Promise<number> {
    return (await this.node(node).request<{ commits: number }>({ op: 'stats' })).commits;
  }

  /** Closes every node (its pending work drained, its store closed) and ends the threads. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.nodes.values()].map((node) => node.request({ op: 'close' })));
    await Promise.all([...this.nodes.values()].map((node) => node.worker.terminate()));
  }
}

/**
 * The worker's module: compiled JavaScript next to this file, or, run from source, the TypeScript source with
 * tsx's module API to load it (a loader given as `--import` in a worker's `execArgv` is not applied to the worker's
 * own entry on Node 20).
 */
function workerEntry(): { url: URL; typescript: boolean; tsx?: string } {
  if (!import.meta.url.endsWith('.ts'))
    return { url: new URL('./threadWorker.js', import.meta.url), typescript: false };
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const tsx = pathToFileURL(path.join(path.dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
  return { url: new URL('./threadWorker.ts', import.meta.url), typescript: true, tsx };
}

export function openThreadNetwork(options: ThreadNetworkOptions): Promise<ThreadNetwork> {
  return ThreadNetwork.open(options);
}
