/** Shared by the runtime tests: the test CorDapps, built once per process, and a mock network over them. */
import path from 'node:path';
import type { LoadedCordapp } from '../../runtime/cordapp.js';
import { createMockNetwork, type MockNetwork, type MockNetworkOptions } from '../../runtime/mockNetwork.js';
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
