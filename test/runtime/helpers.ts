/** Shared by the runtime tests: the test CorDapps, built once per process, and a mock network over them. */
import path from 'node:path';
import type { LoadedCordapp } from '../../runtime/cordapp.js';
import { createMockNetwork, type MockNetwork, type MockNetworkOptions } from '../../runtime/mockNetwork.js';
import type { NodeHooks } from '../../runtime/node.js';
import { buildAndLoadCordapp } from '../../runtime/node/bundles.js';

export const CORDAPPS = path.join(import.meta.dirname, 'cordapps');

const built = new Map<string, Promise<LoadedCordapp>>();

/** The CorDapp in `test/runtime/cordapps/NAME` (or any directory), built and loaded once. */
export function cordapp(name: string): Promise<LoadedCordapp> {
  const dir = path.isAbsolute(name) ? name : path.join(CORDAPPS, name);
  let loaded = built.get(dir);
  if (!loaded) built.set(dir, (loaded = buildAndLoadCordapp(dir)));
  return loaded;
}

/** Deterministic flow ids: `flow-1`, `flow-2`, ... */
export function sequentialIds(prefix = 'flow'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

export async function network(
  names: string | string[],
  nodes: string[],
  options: Partial<MockNetworkOptions> = {},
): Promise<MockNetwork> {
  const cordapps = await Promise.all((Array.isArray(names) ? names : [names]).map(cordapp));
  return createMockNetwork({ nodes, cordapps, newId: sequentialIds(), ...options });
}

export interface CrashPoint {
  node: string;
  /** The node's commit to crash at, counted from `startCounting`. */
  at: number;
  when: 'afterCommit' | 'afterExecute';
}

/**
 * Hooks for a mock network that crash `point.node` once, after its `point.at`-th commit counted from
 * `startCounting` (so the commits of setting the network up are not counted), before or after executing it.
 */
export function crashOnce(point?: CrashPoint) {
  const base = new Map<string, number>();
  let crashed = false;
  return {
    hooks: (name: string): NodeHooks | undefined =>
      point && name === point.node
        ? {
            [point.when]: (commit: number) => {
              if (!crashed && base.has(name) && commit === base.get(name)! + point.at) {
                crashed = true;
                return 'crash';
              }
            },
          }
        : undefined,
    /** Counts commits from now on each node. */
    startCounting(net: MockNetwork, nodes: readonly string[]): void {
      for (const name of nodes) base.set(name, net.node(name).commitCount);
    },
    /** The commits a node made since `startCounting`. */
    counted: (net: MockNetwork, name: string): number => net.node(name).commitCount - base.get(name)!,
    get crashed(): boolean {
      return crashed;
    },
  };
}
