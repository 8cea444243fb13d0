/**
 * One node in a worker thread (see `threads.ts`): a `FlowNode` on its own SQLite file, talking to the other nodes
 * over a `MessagePort` per peer, and answering its owner (the main thread) over the worker's parent port. Each node
 * runs on its own thread, so a machine's cores run nodes side by side, as separate node processes would.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { WireMessage } from '../messages.js';
import { FlowNode, type FlowHandle, type FlowOutcome } from '../node.js';
import { readCordapp } from './bundles.js';
import { SqliteStore } from './sqliteStore.js';
import type { ThreadReply, ThreadRequest } from './threads.js';

if (!parentPort)
  throw new Error('threadWorker.ts runs in a worker thread (runtime/node/threads.ts starts it).');
const owner = parentPort;

let node: FlowNode | undefined;
let store: SqliteStore | undefined;
const keys = new Map<string, string>();
const peers = new Map<string, MessagePort>();
const handles = new Map<string, FlowHandle>();

async function handle(request: ThreadRequest): Promise<unknown> {
  switch (request.op) {
    case 'open': {
      store = SqliteStore.open(request.file);
      const cordapp = await readCordapp(request.cordapp);
      for (const [peer, port] of Object.entries(request.peers)) {
        peers.set(peer, port);
        port.on('message', (message: WireMessage) => node?.deliver(message));
      }
      node = await FlowNode.open({
        name: request.name,
        ...(request.maxBatchSteps ? { maxBatchSteps: request.maxBatchSteps } : {}),
        store,
        transport: {
          send: (message) => peers.get(message.to)?.postMessage(message),
          knows: (party) => party === request.name || peers.has(party),
          keyOf: (party) => keys.get(party),
        },
        loadBundle: readCordapp,
      });
      if (!node.installed().some((c) => c.hash === cordapp.hash)) node.install(cordapp);
      return node.publicKey;
    }
    case 'keys':
      for (const [party, key] of Object.entries(request.keys)) keys.set(party, key);
      return undefined;
    case 'start':
      return request.params.map((params) => {
        const flow = node!.startFlow(request.flow, params);
        handles.set(flow.id, flow);
        return flow.id;
      });
    case 'results':
      return Promise.all(
        request.ids.map((id) => {
          const flow = handles.get(id);
          handles.delete(id);
          return flow ? flow.result : node!.waitFor(id);
        }),
      );
    case 'run': {
      // at most `window` flows in flight: a new one starts as one ends, as steady load from clients would
      const outcomes: FlowOutcome[] = new Array<FlowOutcome>(request.params.length);
      let next = 0;
      const one = async (): Promise<void> => {
        while (next < request.params.length) {
          const i = next++;
          outcomes[i] = await node!.startFlow(request.flow, request.params[i]!).result;
        }
      };
      await Promise.all(Array.from({ length: Math.min(request.window, request.params.length) }, one));
      return outcomes;
    }
    case 'vault':
      return store!.queryVault({ contract: request.contract }).length;
    case 'stats':
      return { commits: node!.commitCount, cpu: process.cpuUsage() };
    case 'close':
      node?.close();
      for (const port of peers.values()) port.close();
      return undefined;
  }
}

owner.on('message', (request: ThreadRequest) => {
  handle(request).then(
    (value) => owner.postMessage({ id: request.id, ok: true, value } satisfies ThreadReply),
    (error: unknown) =>
      owner.postMessage({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ThreadReply),
  );
});
