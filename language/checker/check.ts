/**
 * The checker's driver. Stages run in a fixed order — parse, group into CorDapps, resolve imports and names,
 * compute types, then all rules in one traversal per file — and each file's diagnostics come out sorted.
 *
 * `Workspace` keeps parsed files between checks, so an editor re-parses only what changed and re-checks only
 * the files it asks for.
 */
import type { Document, FlowDecl } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { visit, visitInParallel } from '../visitor.js';
import {
  buildFileScope,
  buildUnit,
  groupIntoUnits,
  parseFile,
  ProgramContext,
  type CheckerHost,
  type CordappUnit,
  type ParsedFile,
  type SourceFile,
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

export class Workspace {
  private readonly files = new Map<string, ParsedFile>();
  private readonly libraryCache: { unit?: CordappUnit } = {};
  /** What rules keep between checks (the protocol checker's programs and pair results); see `RuleContext.memo`. */
  private readonly memo = new Map<string, unknown>();

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
      for (const scope of scopes.values()) {
        if (wanted && !wanted.has(scope.file.path)) continue;
        const typeInfo = typeInfoOf(scope.file.path)!;
        results.push(this.checkFile(scope.file, unit, typeInfo, program, typeInfoOf, signatureOf));
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
    visit(file.document, visitInParallel(this.rules.map((rule) => rule(context))));
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
