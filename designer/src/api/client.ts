/** The file API of `flowc design` (designer/node/server.ts). */
import type { SerializedHostModule } from '../model/checking.js';

export interface WorkspacePayload {
  name: string;
  files: { path: string; text: string }[];
  layouts: Record<string, unknown>;
  library: { path: string; text: string }[];
  hostModules: { from: string; spec: string; result: SerializedHostModule }[];
}

async function ok(response: Response): Promise<Response> {
  if (!response.ok) throw new Error((await response.text()) || `${response.status} ${response.statusText}`);
  return response;
}

export async function fetchWorkspace(): Promise<WorkspacePayload> {
  return (await (await ok(await fetch('api/workspace'))).json()) as WorkspacePayload;
}

export async function saveFile(path: string, text: string): Promise<void> {
  await ok(await fetch(`api/file?path=${encodeURIComponent(path)}`, { method: 'PUT', body: text }));
}

export async function fetchHostModule(from: string, spec: string): Promise<SerializedHostModule> {
  const url = `api/host?from=${encodeURIComponent(from)}&spec=${encodeURIComponent(spec)}`;
  return (await (await ok(await fetch(url))).json()) as SerializedHostModule;
}
