/**
 * Node-only: the HTTP server behind `flowc design DIR`. It serves the built designer (designer/dist) and a small
 * file API confined to DIR, on 127.0.0.1 only:
 *
 * - `GET  /api/workspace`          the `.flow` files of DIR with their layout sidecars, the flow library's files,
 *                                  and the host modules those files import (read with ts-morph here, so the browser
 *                                  checks with the same checker and the same types as `flowc check`);
 * - `GET  /api/file?path=P`        one file's text;
 * - `PUT  /api/file?path=P`        writes `P` (a `.flow` file or a `NAME.flow.layout.json` sidecar), atomically;
 * - `GET  /api/host?from=F&spec=S` one host module, for an import typed in the browser.
 *
 * Requests naming a path outside DIR (`..`, absolute paths, symbolic links leading out), requests whose `Host` is
 * not this server (DNS rebinding) and writes from another origin are refused.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { HostModuleResult, HostModules } from '../../language/index.js';
import { LIBRARY_SPECIFIER } from '../../language/index.js';
import { libraryFiles, packageRoot } from '../../language/node/files.js';
import type { SerializedHostModule } from '../src/model/checking.js';

export type { SerializedHostModule };

export interface DesignServerOptions {
  /** The CorDapp directory the designer edits. */
  dir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built designer (default: designer/dist of the package). */
  assetsDir?: string;
}

export interface DesignServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface WorkspacePayload {
  name: string;
  files: { path: string; text: string }[];
  layouts: Record<string, unknown>;
  library: { path: string; text: string }[];
  hostModules: { from: string; spec: string; result: SerializedHostModule }[];
}

const MAX_BODY = 5 * 1024 * 1024;
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves a path given by the browser inside `root`; refuses anything that leaves it. Only `.flow` files and
 * their layout sidecars can be named.
 */
export function resolveInside(root: string, requested: string, options: { write?: boolean } = {}): string {
  if (
    requested === '' ||
    requested.includes('\0') ||
    requested.includes('\\') ||
    path.posix.isAbsolute(requested) ||
    path.win32.isAbsolute(requested) ||
    requested.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')
  )
    throw new RequestError(403, `The path "${requested}" is outside the CorDapp directory.`);
  if (!requested.endsWith('.flow') && !requested.endsWith('.flow.layout.json'))
    throw new RequestError(
      403,
      `Only .flow files and their .flow.layout.json sidecars can be read or written.`,
    );
  const realRoot = realpathSync(root);
  const full = path.resolve(realRoot, ...requested.split('/'));
  const inside = (p: string): boolean => p === realRoot || p.startsWith(realRoot + path.sep);
  if (!inside(full)) throw new RequestError(403, `The path "${requested}" is outside the CorDapp directory.`);
  // a symbolic link on the way may lead out: check where the existing part of the path really is
  let existing = full;
  while (!existsSync(existing)) existing = path.dirname(existing);
  if (!inside(realpathSync(existing)))
    throw new RequestError(403, `The path "${requested}" leads outside the CorDapp directory.`);
  if (options.write && !existsSync(path.dirname(full)))
    throw new RequestError(404, `There is no directory for "${requested}".`);
  return full;
}

/** The `.flow` files under `root`, as POSIX paths relative to it, sorted. */
export function listFlowFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile() && entry.name.endsWith('.flow')) found.push(`${prefix}${entry.name}`);
    }
  };
  walk(root, '');
  return found.sort();
}

function serialize(result: HostModuleResult): SerializedHostModule {
  if (!result.ok) return { ok: false, error: result.error };
  const { module } = result;
  return {
    ok: true,
    module: { path: module.path, functions: [...module.functions], types: [...module.types] },
  };
}

/** The host module specifiers a `.flow` text imports (what is neither the library nor another `.flow` file). */
function hostImports(text: string): string[] {
  const specs: string[] = [];
  for (const match of text.matchAll(/^\s*import\s*\{[^}]*\}\s*from\s*"([^"]+)"/gm)) {
    const spec = match[1]!;
    if (spec !== LIBRARY_SPECIFIER && !spec.endsWith('.flow')) specs.push(spec);
  }
  return specs;
}

/** Reads host modules for the browser, with ts-morph (loaded on first use); specifiers must stay in DIR or name
 * the flow library's modules. */
export function createHostLoader(
  root: string,
): (from: string, spec: string) => Promise<SerializedHostModule> {
  let hostModules: HostModules | undefined;
  const host = async (): Promise<HostModules> => {
    if (!hostModules) {
      const { createTsHostModules } = await import('../../language/node/tsHostModules.js');
      hostModules = createTsHostModules({ baseDir: root });
    }
    return hostModules;
  };

  return async (from: string, spec: string): Promise<SerializedHostModule> => {
    const library = from.startsWith(`${LIBRARY_SPECIFIER}/`) || spec.startsWith(`${LIBRARY_SPECIFIER}/`);
    if (!library) {
      resolveInside(root, from);
      const target = path.resolve(root, path.dirname(from), spec);
      if (!target.startsWith(root + path.sep))
        return { ok: false, error: `Host module "${spec}" is outside the CorDapp directory.` };
    } else if (spec.includes('..')) {
      return { ok: false, error: `Host module "${spec}" is outside the flow library.` };
    }
    return serialize((await host()).load(from, spec));
  };
}

/** What the browser needs to check and draw DIR: its files, their layouts, the library, the host modules. */
export async function readWorkspace(
  root: string,
  loadHost: (from: string, spec: string) => Promise<SerializedHostModule>,
): Promise<WorkspacePayload> {
  const files = listFlowFiles(root).map((p) => ({
    path: p,
    text: readFileSync(path.join(root, p), 'utf8'),
  }));
  const layouts: Record<string, unknown> = {};
  for (const file of files) {
    const sidecar = path.join(root, `${file.path}.layout.json`);
    if (!existsSync(sidecar)) continue;
    try {
      layouts[file.path] = JSON.parse(readFileSync(sidecar, 'utf8'));
    } catch {
      // an unreadable sidecar only loses hand-moved positions
    }
  }
  const library = libraryFiles();
  const hostModulesOut: WorkspacePayload['hostModules'] = [];
  for (const file of [...files, ...library]) {
    for (const spec of hostImports(file.text))
      hostModulesOut.push({ from: file.path, spec, result: await loadHost(file.path, spec) });
  }
  return { name: path.basename(root), files, layouts, library, hostModules: hostModulesOut };
}

export async function startDesignServer(options: DesignServerOptions): Promise<DesignServer> {
  const root = realpathSync(path.resolve(options.dir));
  if (!statSync(root).isDirectory()) throw new Error(`"${options.dir}" is not a directory`);
  const assetsDir = options.assetsDir ?? path.join(packageRoot(), 'designer', 'dist');
  const loadHost = createHostLoader(root);
  const workspace = (): Promise<WorkspacePayload> => readWorkspace(root, loadHost);

  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!allowedHosts().includes(req.headers.host ?? ''))
      throw new RequestError(403, 'Requests must name this server as their host (127.0.0.1 or localhost).');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // a page of another site may post here: writes come only from the designer's own page
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedHosts().some((h) => origin === `http://${h}`))
        throw new RequestError(403, 'Writes from another origin are refused.');
    }
    if (url.pathname === '/api/workspace' && req.method === 'GET')
      return sendJson(res, 200, await workspace());
    if (url.pathname === '/api/file') {
      const requested = url.searchParams.get('path') ?? '';
      if (req.method === 'GET') {
        const file = resolveInside(root, requested);
        if (!existsSync(file)) throw new RequestError(404, `There is no file "${requested}".`);
        return send(res, 200, readFileSync(file, 'utf8'), 'text/plain; charset=utf-8');
      }
      if (req.method === 'PUT') {
        const file = resolveInside(root, requested, { write: true });
        const body = await readBody(req);
        if (requested.endsWith('.layout.json')) {
          try {
            JSON.parse(body);
          } catch {
            throw new RequestError(400, 'A layout sidecar must be JSON.');
          }
        }
        const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
        writeFileSync(temporary, body);
        renameSync(temporary, file);
        return send(res, 204, '', 'text/plain');
      }
      throw new RequestError(405, 'Use GET or PUT.');
    }
    if (url.pathname === '/api/host' && req.method === 'GET') {
      return sendJson(
        res,
        200,
        await loadHost(url.searchParams.get('from') ?? '', url.searchParams.get('spec') ?? ''),
      );
    }
    if (url.pathname.startsWith('/api/')) throw new RequestError(404, 'No such API.');
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new RequestError(405, 'Only GET here.');
    return serveAsset(res, assetsDir, url.pathname);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof RequestError) send(res, error.status, error.message, 'text/plain; charset=utf-8');
      else
        send(res, 500, error instanceof Error ? error.message : String(error), 'text/plain; charset=utf-8');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveAsset(res: ServerResponse, assetsDir: string, pathname: string): void {
  const index = path.join(assetsDir, 'index.html');
  if (!existsSync(index)) {
    send(res, 503, 'The designer is not built: run "npm run build".', 'text/plain; charset=utf-8');
    return;
  }
  const relative = decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = relative === '' ? index : path.resolve(assetsDir, relative);
  if (file !== index && (!file.startsWith(path.resolve(assetsDir) + path.sep) || !existsSync(file))) {
    send(res, 404, 'Not found.', 'text/plain; charset=utf-8');
    return;
  }
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
  res.end(readFileSync(file));
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new RequestError(413, 'The file is too large.'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
