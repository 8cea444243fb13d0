/** Shared helpers of the designer's tests: a CorDapp directory read as `flowc design` serves it, then checked as
 * the browser checks it. */
import path from 'node:path';
import { createHostLoader, readWorkspace, type WorkspacePayload } from '../../designer/node/server.js';
import { BrowserChecker, HostModuleCache, type CheckOutput } from '../../designer/src/model/checking.js';

export interface Checked extends CheckOutput {
  payload: WorkspacePayload;
  checker: BrowserChecker;
}

const cache = new Map<string, Promise<WorkspacePayload>>();

export async function loadPayload(dir: string): Promise<WorkspacePayload> {
  const root = path.resolve(dir);
  let payload = cache.get(root);
  if (!payload) {
    payload = readWorkspace(root, createHostLoader(root));
    cache.set(root, payload);
  }
  return payload;
}

/** Checks `dir` as the browser does; `replace` swaps a file's text first. */
export async function checkDir(dir: string, replace: Record<string, string> = {}): Promise<Checked> {
  const payload = await loadPayload(dir);
  const hostModules = new HostModuleCache();
  for (const h of payload.hostModules) hostModules.set(h.from, h.spec, h.result);
  const checker = new BrowserChecker(payload.library, hostModules);
  const files = payload.files.map((f) => ({ path: f.path, text: replace[f.path] ?? f.text }));
  return { ...checker.check(files), payload, checker };
}
