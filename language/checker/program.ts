/**
 * The program: parsed files grouped into CorDapps, with their global names and imports resolved.
 *
 * A CorDapp is the set of `.flow` files of one directory that declare the same `cordapp` (files that declare
 * none join the directory's only CorDapp). Its files share one namespace; other files' declarations come in
 * through `import { X } from "./other.flow"`, the flow library through `"flows:std"`, host TypeScript through
 * `"./host.ts"`.
 */
import type { Document, FlowDecl, Identifier, ImportDecl, ImportSpecifier, SourceLocation } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import type { HostModules } from '../hostModules.js';
import { parse } from '../parse.js';
import { dirname, resolveRelative } from '../paths.js';
import type { Type } from '../types.js';
import { BUILTIN_TYPES, GENERIC_BUILTINS } from './builtins.js';
import { didYouMean } from './suggest.js';
import type { Origin, Symbol } from './symbols.js';

export interface SourceFile {
  path: string;
  text: string;
}

export interface CheckerHost {
  hostModules?: HostModules;
  /** Reads an imported `.flow` file that is not among the files being checked. */
  readFlowFile?(path: string): string | undefined;
  /** The flow library's files, imported as `"flows:std"`. */
  library?: readonly SourceFile[];
}

export interface ParsedFile {
  path: string;
  text: string;
  document: Document;
  syntaxDiagnostics: Diagnostic[];
}

export const LIBRARY_SPECIFIER = 'flows:std';

export function parseFile(file: SourceFile): ParsedFile {
  const { document, diagnostics } = parse(file.text);
  return { path: file.path, text: file.text, document, syntaxDiagnostics: diagnostics };
}

export interface Duplicate {
  name: Identifier;
  file: string;
  previous: Origin;
  what: string;
}

export interface ImportProblem {
  range: SourceLocation;
  message: string;
}

export interface CordappUnit {
  /** `com.example.trade`, or undefined when no file declares it. */
  name?: string;
  version?: string;
  files: ParsedFile[];
  /** Top-level declarations of all files of the unit. */
  globals: Map<string, Symbol>;
  duplicates: Duplicate[];
}

export interface FileScope {
  file: ParsedFile;
  unit: CordappUnit;
  /** The unit's globals plus this file's imports. */
  names: Map<string, Symbol>;
  imports: Map<ImportSpecifier, Symbol>;
  importProblems: ImportProblem[];
}

export function cordappName(document: Document): { name: string; version: string } | undefined {
  for (const item of document.items) {
    if (item.kind === 'CordappDecl') {
      return { name: item.name.parts.map((p) => p.name).join('.'), version: item.version };
    }
  }
  return undefined;
}

/** Groups files into CorDapps: by directory, then by declared `cordapp` name. Output order is deterministic. */
export function groupIntoUnits(files: readonly ParsedFile[]): ParsedFile[][] {
  const byDir = new Map<string, ParsedFile[]>();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const dir = dirname(file.path);
    const list = byDir.get(dir);
    if (list) list.push(file);
    else byDir.set(dir, [file]);
  }
  const units: ParsedFile[][] = [];
  for (const dirFiles of byDir.values()) {
    const byName = new Map<string, ParsedFile[]>();
    const anonymous: ParsedFile[] = [];
    for (const file of dirFiles) {
      const name = cordappName(file.document)?.name;
      if (name === undefined) {
        anonymous.push(file);
        continue;
      }
      const list = byName.get(name);
      if (list) list.push(file);
      else byName.set(name, [file]);
    }
    if (byName.size <= 1) {
      // files that name no CorDapp join the directory's only one, or form one together when none is named
      const named = [...byName.values()][0] ?? [];
      units.push(named.concat(anonymous).sort((a, b) => (a.path < b.path ? -1 : 1)));
    } else {
      units.push(...byName.values());
      // with several CorDapps in one directory, a file that names none stands alone
      for (const file of anonymous) units.push([file]);
    }
  }
  return units;
}

function declarationSymbol(decl: Document['items'][number], file: string): Symbol | undefined {
  switch (decl.kind) {
    case 'MessageDecl':
      return {
        kind: 'message',
        name: decl.name.name,
        decl,
        origin: { file, loc: decl.name.loc },
        // fields are filled in by `resolveMessageTypes`, once every type name is known
        type: { kind: 'record', name: decl.name.name, fields: [], origin: 'message' },
      };
    case 'EnumDecl':
      return {
        kind: 'enum',
        name: decl.name.name,
        decl,
        origin: { file, loc: decl.name.loc },
        type: { kind: 'enum', name: decl.name.name, members: decl.members.map((m) => m.name.name) },
      };
    case 'FlowDecl':
      return { kind: 'flow', name: decl.name.name, decl, origin: { file, loc: decl.name.loc } };
    default:
      return undefined;
  }
}

export function buildUnit(files: ParsedFile[]): CordappUnit {
  const globals = new Map<string, Symbol>();
  const duplicates: Duplicate[] = [];
  let cordapp: { name: string; version: string } | undefined;
  for (const file of files) {
    for (const item of file.document.items) {
      if (item.kind === 'CordappDecl') {
        cordapp ??= cordappName(file.document);
        continue;
      }
      const symbol = declarationSymbol(item, file.path);
      if (!symbol || symbol.name === '') continue;
      const decl = item as Exclude<typeof item, { kind: 'CordappDecl' | 'ImportDecl' }>;
      const builtin = BUILTIN_TYPES.has(symbol.name) || GENERIC_BUILTINS.has(symbol.name);
      const previous = globals.get(symbol.name);
      if (builtin) {
        duplicates.push({
          name: decl.name,
          file: file.path,
          previous: { file: file.path, loc: decl.name.loc },
          what: `"${symbol.name}" is a built-in type`,
        });
      } else if (previous && 'origin' in previous) {
        duplicates.push({
          name: decl.name,
          file: file.path,
          previous: previous.origin,
          what: `"${symbol.name}" is already declared`,
        });
      } else {
        globals.set(symbol.name, symbol);
      }
    }
  }
  const unit: CordappUnit = { files, globals, duplicates };
  if (cordapp) {
    unit.name = cordapp.name;
    unit.version = cordapp.version;
  }
  resolveMessageTypes(globals, globals);
  return unit;
}

/** Gives each message of `symbols` its field types, looking type names up in `scope`. */
export function resolveMessageTypes(symbols: Map<string, Symbol>, scope: Map<string, Symbol>): void {
  for (const symbol of symbols.values()) {
    if (symbol.kind !== 'message' || symbol.type.kind !== 'record') continue;
    symbol.type.fields = symbol.decl.fields.map((f) => ({
      name: f.name.name,
      type: typeFromRef(f.type, scope),
    }));
  }
}

/** Resolves a type written in the source against a scope; unknown names give the error type. */
export function typeFromRef(
  ref: { name: Identifier; args: { name: Identifier; args: unknown[] }[] },
  scope: Map<string, Symbol>,
): Type {
  const name = ref.name.name;
  if (name === 'List') {
    const arg = ref.args[0];
    return { kind: 'list', element: arg ? typeFromRef(arg as typeof ref, scope) : { kind: 'error' } };
  }
  const symbol = BUILTIN_TYPES.get(name) ?? scope.get(name);
  if (!symbol) return { kind: 'error' };
  switch (symbol.kind) {
    case 'builtinType':
    case 'message':
    case 'enum':
    case 'hostType':
      return symbol.type;
    default:
      return { kind: 'error' };
  }
}

/** Caches what several units share: parsed library and imported files. */
export class ProgramContext {
  private readonly importedFiles = new Map<string, CordappUnit | undefined>();

  /** `libraryCache` outlives one check: the library does not change while a workspace lives. */
  constructor(
    readonly host: CheckerHost,
    private readonly filesByPath: ReadonlyMap<string, ParsedFile>,
    private readonly libraryCache: { unit?: CordappUnit } = {},
  ) {}

  libraryUnit(): CordappUnit | undefined {
    if (!this.host.library?.length) return undefined;
    if (!this.libraryCache.unit) {
      const unit = buildUnit(this.host.library.map(parseFile));
      this.libraryCache.unit = unit;
      for (const file of unit.files) buildFileScope(file, unit, this);
    }
    return this.libraryCache.unit;
  }

  /** The declarations of one imported `.flow` file, as a unit of its own. */
  flowFileUnit(path: string): CordappUnit | undefined {
    if (this.importedFiles.has(path)) return this.importedFiles.get(path);
    let file = this.filesByPath.get(path);
    if (!file) {
      const text = this.host.readFlowFile?.(path);
      if (text !== undefined) file = parseFile({ path, text });
    }
    const unit = file ? buildUnit([file]) : undefined;
    this.importedFiles.set(path, unit);
    // resolves the imported file's own imports, which its message fields may use (cycles stop at the cache)
    if (file && unit) buildFileScope(file, unit, this);
    return unit;
  }
}

export function buildFileScope(file: ParsedFile, unit: CordappUnit, program: ProgramContext): FileScope {
  const names = new Map(unit.globals);
  const imports = new Map<ImportSpecifier, Symbol>();
  const importProblems: ImportProblem[] = [];
  for (const item of file.document.items) {
    if (item.kind !== 'ImportDecl' || item.source === '') continue;
    resolveImport(item, file, unit, program, names, imports, importProblems);
  }
  if (imports.size > 0) {
    const declaredHere = new Map<string, Symbol>();
    for (const [name, symbol] of unit.globals)
      if (symbol.kind === 'message' && symbol.origin.file === file.path) declaredHere.set(name, symbol);
    resolveMessageTypes(declaredHere, names);
  }
  return { file, unit, names, imports, importProblems };
}

function resolveImport(
  decl: ImportDecl,
  file: ParsedFile,
  unit: CordappUnit,
  program: ProgramContext,
  names: Map<string, Symbol>,
  imports: Map<ImportSpecifier, Symbol>,
  problems: ImportProblem[],
): void {
  const bind = (spec: ImportSpecifier, symbol: Symbol): void => {
    const existing = names.get(spec.name.name);
    const same =
      existing &&
      'origin' in existing &&
      'origin' in symbol &&
      existing.origin.file === symbol.origin.file &&
      existing.origin.loc.offset === symbol.origin.loc.offset;
    if (same) return;
    if (existing && 'origin' in existing) {
      unit.duplicates.push({
        name: spec.name,
        file: file.path,
        previous: existing.origin,
        what: unit.globals.has(spec.name.name)
          ? `the import "${spec.name.name}" clashes with a declaration of the CorDapp`
          : `"${spec.name.name}" is already imported`,
      });
      return;
    }
    names.set(spec.name.name, symbol);
    imports.set(spec, symbol);
  };

  if (decl.source === LIBRARY_SPECIFIER || decl.source.endsWith('.flow')) {
    const isLibrary = decl.source === LIBRARY_SPECIFIER;
    const path = isLibrary ? LIBRARY_SPECIFIER : resolveRelative(file.path, decl.source);
    const target = isLibrary ? program.libraryUnit() : program.flowFileUnit(path);
    if (!target) {
      problems.push({
        range: decl.sourceLoc,
        message: isLibrary
          ? `The flow library "${LIBRARY_SPECIFIER}" is not available: no library files were found.`
          : `Cannot find the flow file "${decl.source}" (looked for "${path}").`,
      });
      return;
    }
    for (const spec of decl.specifiers) {
      const symbol = target.globals.get(spec.name.name);
      if (symbol) bind(spec, symbol);
      else {
        problems.push({
          range: spec.loc,
          message: `"${decl.source}" has no declaration "${spec.name.name}".${didYouMean(spec.name.name, target.globals.keys())}`,
        });
      }
    }
    return;
  }

  const loaded = program.host.hostModules?.load(file.path, decl.source) ?? {
    ok: false as const,
    error: `Host module "${decl.source}" cannot be read here: no host module reader is configured.`,
  };
  if (!loaded.ok) {
    problems.push({ range: decl.sourceLoc, message: loaded.error });
    return;
  }
  const module = loaded.module;
  for (const spec of decl.specifiers) {
    const name = spec.name.name;
    const origin: Origin = { file: file.path, loc: spec.loc };
    const fn = module.functions.get(name);
    const type = module.types.get(name);
    if (fn) bind(spec, { kind: 'hostFunction', name, fn, module: decl.source, origin });
    else if (type) bind(spec, { kind: 'hostType', name, type, module: decl.source, origin });
    else {
      const exported = [...module.functions.keys(), ...module.types.keys()];
      problems.push({
        range: spec.loc,
        message: `Host module "${decl.source}" has no exported function or type "${name}".${didYouMean(name, exported)}`,
      });
    }
  }
}

/** All flows of a unit, for rules that look across files. */
export function unitFlows(unit: CordappUnit): { flow: FlowDecl; file: string }[] {
  return unit.files.flatMap((f) =>
    f.document.items.flatMap((item) => (item.kind === 'FlowDecl' ? [{ flow: item, file: f.path }] : [])),
  );
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/** A number that stands for an object as long as it lives (host functions and types have no text to compare). */
function objectId(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(value, id);
  }
  return id;
}

function typeRefSignature(ref: { name: Identifier; args: readonly unknown[] }): string {
  if (ref.args.length === 0) return ref.name.name;
  const args = ref.args as readonly { name: Identifier; args: readonly unknown[] }[];
  return `${ref.name.name}<${args.map(typeRefSignature).join(',')}>`;
}

function typeSignature(type: Type, seen: Set<string>): string {
  switch (type.kind) {
    case 'list':
      return `List<${typeSignature(type.element, seen)}>`;
    case 'record': {
      const key = `${type.origin}:${type.name}`;
      if (seen.has(key)) return key;
      seen.add(key);
      return `${key}{${type.fields.map((f) => `${f.name}:${typeSignature(f.type, seen)}`).join(',')}}`;
    }
    case 'enum':
      return `${type.name}(${type.members.join(',')})`;
    case 'opaque':
      return `${type.name}<${type.args.map((a) => typeSignature(a, seen)).join(',')}>`;
    case 'primitive':
      return type.name;
    default:
      return type.kind;
  }
}

function symbolSignature(symbol: Symbol, seen: Set<string>): string {
  switch (symbol.kind) {
    case 'message':
    case 'enum':
      return `${symbol.kind} ${symbol.origin.file} ${typeSignature(symbol.type, seen)}`;
    case 'flow': {
      const d = symbol.decl;
      const params = d.params.map((p) => `${p.name.name}:${typeRefSignature(p.type)}`).join(',');
      const result = d.returnType ? typeRefSignature(d.returnType) : '';
      return `flow ${symbol.origin.file} ${d.flowKind} (${params}):${result} for ${d.respondsTo?.name ?? ''}`;
    }
    case 'hostFunction':
      return `hostFunction ${symbol.module} #${objectId(symbol.fn)}`;
    case 'hostType':
      return `hostType ${symbol.module} #${objectId(symbol.type)}`;
    default:
      return symbol.kind;
  }
}

/**
 * What the names of a unit's files mean, without source locations: code that is unchanged, checked against names
 * with the same signature, gets the same symbols and types (up to the locations of other files' declarations).
 * Call it after every file scope of the unit is built: building them completes the message types.
 */
export function unitSignature(scopes: Iterable<FileScope>): string {
  const parts: string[] = [];
  let globalsDone = false;
  for (const scope of scopes) {
    if (!globalsDone) {
      const seen = new Set<string>();
      for (const [name, symbol] of scope.unit.globals) parts.push(`${name}=${symbolSignature(symbol, seen)}`);
      globalsDone = true;
    }
    parts.push(`@${scope.file.path}`);
    const seen = new Set<string>();
    for (const [spec, symbol] of scope.imports)
      parts.push(`${spec.name.name}=${symbolSignature(symbol, seen)}`);
  }
  return parts.join('\n');
}
