/**
 * Checking in the browser with the same checker as `flowc check`: the CorDapp's files, the flow library's files
 * and the host modules they import all come from `flowc design` (host modules are read with ts-morph on the
 * server, which the browser cannot run). Pure: the data comes in, diagnostics and typed files come out.
 */
import {
  Workspace,
  type CheckerHost,
  type FileCheckResult,
  type FileDiagnostic,
  type HostModule,
  type HostModuleResult,
  type HostModules,
  type SourceFile,
  type Type,
  type HostFunction,
} from '../../../language/index.js';

/** A host module as JSON: the maps of `HostModule` as arrays of entries (what the server sends). */
export type SerializedHostModule =
  | { ok: true; module: { path: string; functions: [string, unknown][]; types: [string, unknown][] } }
  | { ok: false; error: string };

export function deserializeHostModule(result: SerializedHostModule): HostModuleResult {
  if (!result.ok) return result;
  const module: HostModule = {
    path: result.module.path,
    functions: new Map(result.module.functions as [string, HostFunction][]),
    types: new Map(result.module.types as [string, Type][]),
  };
  return { ok: true, module };
}

/**
 * Host modules known so far, keyed by importing file and specifier. An import typed in the browser is not known
 * yet: `load` says so and records it in `missing`, for the caller to fetch and check again.
 */
export class HostModuleCache implements HostModules {
  private readonly known = new Map<string, HostModuleResult>();
  readonly missing = new Set<string>();

  static key(from: string, spec: string): string {
    return `${from}\n${spec}`;
  }

  set(from: string, spec: string, result: SerializedHostModule): void {
    this.known.set(HostModuleCache.key(from, spec), deserializeHostModule(result));
    this.missing.delete(HostModuleCache.key(from, spec));
  }

  load(fromFile: string, specifier: string): HostModuleResult {
    const key = HostModuleCache.key(fromFile, specifier);
    const result = this.known.get(key);
    if (result) return result;
    this.missing.add(key);
    return { ok: false, error: `Host module "${specifier}" is being read by flowc design.` };
  }
}

export interface CheckOutput {
  /** The CorDapp's files and the flow library's, checked. */
  results: FileCheckResult[];
  /** Diagnostics of the CorDapp's files only. */
  diagnostics: FileDiagnostic[];
}

export const LIBRARY_PREFIX = 'flows:std/';

/** A checker over the CorDapp's files plus the library's (whose flows the conversation view expands). */
export class BrowserChecker {
  private readonly workspace: Workspace;
  /** The library does not change while the designer runs: checked once. */
  private readonly libraryResults: FileCheckResult[];

  constructor(
    library: readonly SourceFile[],
    readonly hostModules: HostModuleCache,
  ) {
    const host: CheckerHost = { library, hostModules };
    this.workspace = new Workspace(host);
    for (const file of library) this.workspace.setFile(file.path, file.text);
    this.libraryResults = library.length ? this.workspace.check(library.map((f) => f.path)) : [];
  }

  check(files: readonly SourceFile[]): CheckOutput {
    const wanted = new Set(files.map((f) => f.path));
    for (const path of this.workspace.paths())
      if (!path.startsWith(LIBRARY_PREFIX) && !wanted.has(path)) this.workspace.removeFile(path);
    for (const file of files) this.workspace.setFile(file.path, file.text);
    const own = this.workspace.check([...wanted]);
    const diagnostics = own.flatMap((r) => r.diagnostics.map((d) => ({ ...d, file: r.path })));
    return { results: [...own, ...this.libraryResults], diagnostics };
  }
}
