/**
 * The language server's view of the files: one checker `Workspace` over the `.flow` files of every directory that
 * holds an open document (a document's CorDapp is the `.flow` files of its directory), open documents with their
 * editor text and the others as they are on disk. Checked files are indexed once per version of the workspace.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Workspace, type FileCheckResult } from '../../checker/check.js';
import { groupIntoUnits, type CheckerHost, type ParsedFile } from '../../checker/program.js';
import { parse } from '../../parse.js';
import { indexFile, type FileIndex } from '../../services/occurrences.js';
import type { ImportCandidate } from '../../services/codeActions.js';
import { isHostSpecifier, libraryFiles } from '../files.js';
import type { HostSource } from './hostSource.js';
import { toPosix } from './paths.js';

export type ExportKind = 'function' | 'type' | 'message' | 'enum' | 'flow';

export class Project {
  readonly host: CheckerHost;
  readonly workspace: Workspace;
  hostSource: HostSource | undefined;
  /** Texts of the open documents, by workspace path. */
  private readonly open = new Map<string, string>();
  private readonly directories = new Set<string>();
  /** Bumped on every change of a file's text: indexes of an older generation are stale. */
  private generation = 0;
  private readonly indexes = new Map<
    string,
    { generation: number; result: FileCheckResult; index?: FileIndex }
  >();
  private loadingHost: Promise<void> | undefined;

  constructor() {
    this.host = {
      library: libraryFiles(),
      readFlowFile: (file) => this.open.get(file) ?? readText(file),
    };
    this.workspace = new Workspace(this.host);
  }

  isOpen(file: string): boolean {
    return this.open.has(file);
  }

  knows(file: string): boolean {
    return this.workspace.getFile(file) !== undefined;
  }

  /** Reads the `.flow` files of a directory that are not open, once. */
  loadDirectory(dir: string): void {
    if (this.directories.has(dir)) return;
    this.directories.add(dir);
    let entries: string[] = [];
    try {
      entries = readdirSync(dir).filter((f) => f.endsWith('.flow'));
    } catch {
      return; // not a directory on disk (an untitled document)
    }
    for (const entry of entries) {
      const file = toPosix(path.join(dir, entry));
      if (this.open.has(file)) continue;
      const text = readText(file);
      if (text !== undefined) this.set(file, text);
    }
  }

  setOpen(file: string, text: string): void {
    this.open.set(file, text);
    this.loadDirectory(path.posix.dirname(file));
    this.set(file, text);
  }

  /** A document was closed: it is again what the disk holds (or gone). */
  close(file: string): void {
    this.open.delete(file);
    this.diskChanged(file);
  }

  /** A file changed on disk; open documents keep the editor's text. */
  diskChanged(file: string): void {
    if (this.open.has(file) || !this.directories.has(path.posix.dirname(file))) return;
    const text = readText(file);
    if (text !== undefined) this.set(file, text);
    else if (this.knows(file)) {
      this.workspace.removeFile(file);
      this.generation++;
    }
  }

  /** Any change of a host module may change what the `.flow` files mean. */
  hostModuleChanged(): void {
    this.generation++;
  }

  private set(file: string, text: string): void {
    const before = this.workspace.getFile(file);
    if (before?.text === text) return;
    this.workspace.setFile(file, text);
    this.generation++;
  }

  /** Loads the host module reader (ts-morph, slow to start) the first time a file imports a host module. */
  async ready(): Promise<void> {
    if (this.host.hostModules) return;
    const importsHost = this.workspace
      .paths()
      .some((p) =>
        this.workspace
          .getFile(p)!
          .document.items.some((item) => item.kind === 'ImportDecl' && isHostSpecifier(item.source)),
      );
    if (!importsHost) return;
    this.loadingHost ??= (async () => {
      const [{ createTsHostModules }, { HostSource }] = await Promise.all([
        import('../tsHostModules.js'),
        import('./hostSource.js'),
      ]);
      this.host.hostModules = createTsHostModules();
      this.hostSource = new HostSource();
      this.generation++;
    })();
    await this.loadingHost;
  }

  /** The checked file, from a cache valid until the next change (diagnostics need no more than this). */
  check(file: string): FileCheckResult {
    const cached = this.indexes.get(file);
    if (cached && cached.generation === this.generation) return cached.result;
    const [result] = this.workspace.check([file]);
    if (!result) throw new Error(`The file ${file} is not in the workspace.`);
    this.indexes.set(file, { generation: this.generation, result });
    return result;
  }

  /** The checked and indexed file (the index is built on the first request that needs it). */
  index(file: string): FileIndex {
    const result = this.check(file);
    const cached = this.indexes.get(file)!;
    cached.index ??= indexFile(result, this.workspace.getFile(file)!.text);
    return cached.index;
  }

  /** Every file of the workspace, indexed (checking those not checked since the last change). */
  allIndexes(): FileIndex[] {
    const stale = this.workspace.paths().filter((p) => this.indexes.get(p)?.generation !== this.generation);
    if (stale.length > 0) {
      for (const result of this.workspace.check(stale)) {
        this.indexes.set(result.path, { generation: this.generation, result });
      }
    }
    return this.workspace.paths().map((p) => this.index(p));
  }

  /** The files of the CorDapp that `file` belongs to, itself included. */
  unitOf(file: string): string[] {
    const parsed = this.workspace.paths().map((p) => this.workspace.getFile(p)!);
    const dir = path.posix.dirname(file);
    const units = groupIntoUnits(parsed.filter((f) => path.posix.dirname(f.path) === dir));
    return (units.find((u) => u.some((f) => f.path === file)) ?? []).map((f) => f.path);
  }

  /** The declarations a module exports, for completion in `import { }`. */
  exportsOf(source: string, fromFile: string): { name: string; kind: ExportKind }[] {
    if (source.endsWith('.flow')) {
      const file = toPosix(path.resolve(path.dirname(fromFile), source));
      const parsed = this.workspace.getFile(file) ?? parsedFromDisk(file);
      return parsed ? flowExports(parsed) : [];
    }
    if (!isHostSpecifier(source)) return [];
    const loaded = this.host.hostModules?.load(fromFile, source);
    if (!loaded?.ok) return [];
    return [
      ...[...loaded.module.functions.keys()].map((name) => ({ name, kind: 'function' as const })),
      ...[...loaded.module.types.keys()].map((name) => ({ name, kind: 'type' as const })),
    ];
  }

  /** Modules a file could import a missing name from: the other CorDapps' files of its directory, host modules. */
  importCandidates(file: string): ImportCandidate[] {
    const dir = path.posix.dirname(file);
    const unit = new Set(this.unitOf(file));
    const candidates: ImportCandidate[] = [];
    for (const other of this.workspace.paths()) {
      if (path.posix.dirname(other) !== dir || unit.has(other)) continue;
      candidates.push({
        source: `./${path.posix.basename(other)}`,
        names: flowExports(this.workspace.getFile(other)!).map((e) => e.name),
      });
    }
    const specifiers = new Set<string>();
    for (const item of this.workspace.getFile(file)?.document.items ?? []) {
      if (item.kind === 'ImportDecl' && isHostSpecifier(item.source)) specifiers.add(item.source);
    }
    let entries: string[] = [];
    try {
      entries = readdirSync(dir)
        .filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith('.d.ts'))
        .sort();
    } catch {
      // an untitled document has no directory
    }
    const resolved = new Set([...specifiers].map((s) => path.resolve(dir, s)));
    for (const entry of entries) {
      const full = path.resolve(dir, entry);
      if (!resolved.has(full) && !resolved.has(full.replace(/\.[mc]?ts$/, ''))) specifiers.add(`./${entry}`);
    }
    for (const source of specifiers) {
      const names = this.exportsOf(source, file).map((e) => e.name);
      if (names.length > 0) candidates.push({ source, names });
    }
    return candidates;
  }
}

function flowExports(parsed: Pick<ParsedFile, 'document'>): { name: string; kind: ExportKind }[] {
  const kinds = { MessageDecl: 'message', EnumDecl: 'enum', FlowDecl: 'flow' } as const;
  return parsed.document.items.flatMap((item) =>
    item.kind === 'MessageDecl' || item.kind === 'EnumDecl' || item.kind === 'FlowDecl'
      ? item.name.name
        ? [{ name: item.name.name, kind: kinds[item.kind] }]
        : []
      : [],
  );
}

function parsedFromDisk(file: string): Pick<ParsedFile, 'document'> | undefined {
  const text = readText(file);
  return text === undefined ? undefined : { document: parse(text).document };
}

function readText(file: string): string | undefined {
  try {
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
