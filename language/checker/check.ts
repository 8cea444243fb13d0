/**
 * The checker's driver. Stages run in a fixed order — parse, group into CorDapps, resolve imports and names,
 * compute types, then all rules in one traversal per file — and each file's diagnostics come out sorted.
 *
 * `Workspace` keeps parsed files between checks, so an editor re-parses only what changed and re-checks only
 * the files it asks for.
 */
import type { Document, FlowDecl, Node } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { visitInParallel, walker, type Visitor } from '../visitor.js';
import {
  buildFileScope,
  buildUnit,
  groupIntoUnits,
  parseFile,
  ProgramContext,
  type CheckerHost,
  type CordappUnit,
  type FileScope,
  type ParsedFile,
  type SourceFile,
  unitFlows,
  unitSignature,
} from './program.js';
import { makeDiagnostic, type RuleContext } from './rules/context.js';
import { specifiedRules, type Rule } from './rules/index.js';
import { TypeInfo } from './typeInfo.js';

export interface FileCheckResult {
  path: string;
  document: Document;
  /** Syntax errors first, then the rules' diagnostics, all in source order. */
  diagnostics: Diagnostic[];
  /** Available when the file parsed: names and types, for tools built on the checker. */
  typeInfo: TypeInfo;
  unit: CordappUnit;
}

/** A top-level declaration's diagnostics from the last check of its file, and where it was. */
interface DeclarationEntry {
  text: string;
  line: number;
  column: number;
  diagnostics: Diagnostic[];
}

/** What `Workspace` keeps of a file's last check, to re-use for declarations that did not change. */
interface FileEntry {
  /** What the declarations' diagnostics depend on besides their own text and place (`declarationContext`). */
  context: string;
  /** By the declaration's start offset. */
  declarations: Map<number, DeclarationEntry>;
}

const place = (file: string, loc: { offset: number; line: number; column: number }): string =>
  `${file}:${loc.offset}:${loc.line}:${loc.column}`;

/**
 * Everything a rule may read about a file's surroundings while it visits one top-level declaration: what the
 * unit's names mean (`unitSignature`), where every name the file sees is declared (related locations point
 * there), and where the unit's responders are (`ResponderPairsRule` looks them up by the flow they answer).
 * A declaration with the same text at the same place, in a file with the same context, has the same diagnostics.
 */
function declarationContext(scope: FileScope, signature: string): string {
  const parts = [signature];
  for (const [name, symbol] of scope.names)
    if ('origin' in symbol) parts.push(`${name}@${place(symbol.origin.file, symbol.origin.loc)}`);
  for (const { flow, file } of unitFlows(scope.unit))
    if (flow.flowKind === 'responder')
      parts.push(`${flow.respondsTo?.name ?? ''}<${place(file, flow.name.loc)}`);
  return parts.join('\n');
}

export class Workspace {
  private readonly files = new Map<string, ParsedFile>();
  private readonly libraryCache: { unit?: CordappUnit } = {};
  /** What rules keep between checks (the protocol checker's programs and pair results); see `RuleContext.memo`. */
  private readonly memo = new Map<string, unknown>();
  /** Each checked file's declarations' diagnostics, re-used while their text, place and context stay the same. */
  private readonly declarations = new Map<string, FileEntry>();

  constructor(
    private readonly host: CheckerHost = {},
    private readonly rules: readonly Rule[] = specifiedRules,
  ) {}

  /** Adds or replaces a file; it is re-parsed only when its text changed. */
  setFile(path: string, text: string): ParsedFile {
    const existing = this.files.get(path);
    if (existing && existing.text === text) return existing;
    const parsed = parseFile({ path, text });
    this.files.set(path, parsed);
    return parsed;
  }

  removeFile(path: string): void {
    this.files.delete(path);
    this.declarations.delete(path);
    // what rules kept may refer to the file: start afresh (rare, unlike edits)
    this.memo.clear();
  }

  getFile(path: string): ParsedFile | undefined {
    return this.files.get(path);
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /** Checks the given files (all by default). Files of the same CorDapp are read, but not reported on. */
  check(paths?: readonly string[]): FileCheckResult[] {
    const wanted = paths ? new Set(paths) : undefined;
    const program = new ProgramContext(this.host, this.files, this.libraryCache);
    const results: FileCheckResult[] = [];
    for (const unitFiles of groupIntoUnits([...this.files.values()])) {
      if (wanted && !unitFiles.some((f) => wanted.has(f.path))) continue;
      const unit = buildUnit(unitFiles);
      const scopes = new Map(unitFiles.map((file) => [file.path, buildFileScope(file, unit, program)]));
      // type information of the unit's other files is computed only when a rule looks across files
      const typeInfos = new Map<string, TypeInfo>();
      const typeInfoOf = (path: string): TypeInfo | undefined => {
        const scope = scopes.get(path);
        if (!scope) return undefined;
        let info = typeInfos.get(path);
        if (!info) {
          info = new TypeInfo(scope);
          typeInfos.set(path, info);
        }
        return info;
      };
      let signature: string | undefined;
      const signatureOf = (): string => (signature ??= unitSignature(scopes.values()));
      // an incomplete file changes how rules read others (they hold back): nothing is re-used then
      const reusable = !unitFiles.some((f) => f.syntaxDiagnostics.length > 0);
      for (const scope of scopes.values()) {
        const path = scope.file.path;
        if (wanted && !wanted.has(path)) continue;
        const context = reusable ? declarationContext(scope, signatureOf()) : undefined;
        const previous = this.declarations.get(path);
        const kept = context !== undefined && previous?.context === context ? previous : undefined;
        // with results to re-use, names and types are computed only for the declarations that need them
        if (kept) typeInfos.set(path, new TypeInfo(scope, true));
        const typeInfo = typeInfoOf(path)!;
        const declarations = context !== undefined ? new Map<number, DeclarationEntry>() : undefined;
        results.push(
          this.checkFile(scope.file, unit, typeInfo, program, typeInfoOf, signatureOf, kept, declarations),
        );
        if (context !== undefined && declarations) this.declarations.set(path, { context, declarations });
      }
    }
    return results.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private checkFile(
    file: ParsedFile,
    unit: CordappUnit,
    typeInfo: TypeInfo,
    program: ProgramContext,
    typeInfoOf: (path: string) => TypeInfo | undefined,
    signatureOf: () => string,
    kept: FileEntry | undefined,
    declarations: Map<number, DeclarationEntry> | undefined,
  ): FileCheckResult {
    const diagnostics: Diagnostic[] = [];
    const syntaxOffsets = file.syntaxDiagnostics.map((d) => d.range.offset);
    const context: RuleContext = {
      file,
      unit,
      scope: typeInfo.scope,
      typeInfo,
      program,
      typeInfoOf,
      memo: this.memo,
      unitSignature: signatureOf,
      hasSyntaxErrors: syntaxOffsets.length > 0,
      flowHasSyntaxErrors: (flow: FlowDecl) =>
        syntaxOffsets.some((o) => o >= flow.loc.offset && o <= flow.loc.endOffset),
      report: (code, range, message, options) =>
        diagnostics.push(makeDiagnostic(code, range, message, options)),
      related: (origin, message) =>
        origin.file === file.path
          ? { range: origin.loc, message }
          : { file: origin.file, range: origin.loc, message },
    };
    // the same calls as one traversal of the document, with each top-level declaration visited on its own
    const { Document: documentCallbacks, ...rest } = visitInParallel(this.rules.map((rule) => rule(context)));
    const onDocument = documentCallbacks as { enter?: (node: Node) => void; leave?: (node: Node) => void };
    const walk = walker(rest as Visitor);
    const { document, text } = file;
    typeInfo.partial = true;
    try {
      onDocument?.enter?.(document);
      for (const item of document.items) {
        const { offset, line, column, endOffset } = item.loc;
        const entry = kept?.declarations.get(offset);
        if (
          entry &&
          entry.line === line &&
          entry.column === column &&
          entry.text.length === endOffset - offset &&
          text.startsWith(entry.text, offset)
        ) {
          for (const d of entry.diagnostics) diagnostics.push(d);
          declarations?.set(offset, entry);
          continue;
        }
        const start = diagnostics.length;
        typeInfo.computeDeclaration(item);
        walk(item);
        declarations?.set(offset, {
          text: text.slice(offset, endOffset),
          line,
          column,
          diagnostics: diagnostics.slice(start),
        });
      }
      onDocument?.leave?.(document);
    } finally {
      typeInfo.partial = false;
    }
    diagnostics.sort((a, b) => a.range.offset - b.range.offset);
    return {
      path: file.path,
      document: file.document,
      diagnostics: [...file.syntaxDiagnostics, ...diagnostics],
      typeInfo,
      unit,
    };
  }
}

/** Checks a set of files at once. */
export function checkSources(files: readonly SourceFile[], host: CheckerHost = {}): FileCheckResult[] {
  const workspace = new Workspace(host);
  for (const file of files) workspace.setFile(file.path, file.text);
  return workspace.check();
}
