/**
 * Node-only: finds `.flow` files on disk and builds a checker workspace over them, with the flow library
 * (`runtime/library/*.flow`) and host TypeScript modules (read with ts-morph, loaded only when a file imports one).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LIBRARY_SPECIFIER, type CheckerHost, type SourceFile } from '../checker/program.js';
import { Workspace } from '../checker/check.js';
import type { HostModules } from '../hostModules.js';

import { InputError, packageRoot } from './process.js';

export { InputError, packageRoot };

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);

/** The `.flow` files under each path (a file is taken as it is), sorted, without duplicates. */
export function collectFlowFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.flow')) found.add(full);
    }
  };
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      throw new InputError(`cannot read "${p}": no such file or directory`);
    }
    if (stat.isDirectory()) walk(p);
    else found.add(p);
  }
  return [...found].sort();
}

export function readSource(file: string): SourceFile {
  try {
    return { path: toPosix(file), text: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new InputError(`cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

export function libraryFiles(): SourceFile[] {
  const dir = path.join(packageRoot(), 'runtime', 'library');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.flow'))
    .sort()
    .map((f) => ({ path: `${LIBRARY_SPECIFIER}/${f}`, text: readFileSync(path.join(dir, f), 'utf8') }));
}

/**
 * Loads the given files and, so that each file is checked with the rest of its CorDapp, the other `.flow` files
 * of their directories. Returns the workspace and the paths asked for.
 */
export async function loadWorkspace(
  paths: readonly string[],
): Promise<{ workspace: Workspace; requested: string[] }> {
  const requested = collectFlowFiles(paths);
  const siblings = new Set<string>();
  for (const file of requested) {
    for (const entry of readdirSync(path.dirname(file)))
      if (entry.endsWith('.flow')) siblings.add(path.join(path.dirname(file), entry));
  }
  const sources = [...new Set([...requested, ...siblings])].sort().map(readSource);
  return { workspace: await workspaceFor(sources), requested: requested.map(toPosix) };
}

/** A checker workspace over `sources`, with the flow library, and host modules when a file imports one. */
export async function workspaceFor(sources: readonly SourceFile[]): Promise<Workspace> {
  const host: CheckerHost = {
    library: libraryFiles(),
    readFlowFile: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
  const workspace = new Workspace(host);
  const parsed = sources.map((source) => workspace.setFile(source.path, source.text));
  // the flow library imports host modules of its own
  const importsHost = parsed.some((file) =>
    file.document.items.some(
      (item) =>
        item.kind === 'ImportDecl' && (isHostSpecifier(item.source) || item.source === LIBRARY_SPECIFIER),
    ),
  );
  if (importsHost) host.hostModules = await tsHostModules();
  return workspace;
}

export function isHostSpecifier(source: string): boolean {
  return source !== '' && source !== LIBRARY_SPECIFIER && !source.endsWith('.flow');
}

/** ts-morph takes a few hundred milliseconds to load: only files that import host modules pay for it. */
async function tsHostModules(): Promise<HostModules> {
  const { createTsHostModules } = await import('./tsHostModules.js');
  return createTsHostModules();
}
