/** What every rule receives: the file, its CorDapp, the resolved names and types, and a way to report. */
import type { FlowDecl, SourceLocation } from '../../ast.js';
import type { Diagnostic, IssueCode, RelatedInformation, Severity } from '../../diagnostics.js';
import type { Visitor } from '../../visitor.js';
import type { CordappUnit, FileScope, ParsedFile, ProgramContext } from '../program.js';
import type { Origin } from '../symbols.js';
import type { TypeInfo } from '../typeInfo.js';

export interface RuleContext {
  file: ParsedFile;
  unit: CordappUnit;
  scope: FileScope;
  typeInfo: TypeInfo;
  program: ProgramContext;
  /** Names and types of another file of the same CorDapp (computed on demand). */
  typeInfoOf(path: string): TypeInfo | undefined;
  /** What rules keep between checks of one workspace, by rule name (absent when nothing outlives the check). */
  memo?: Map<string, unknown>;
  /** The unit's `unitSignature`, computed on first use in a check: what its declarations mean, without places. */
  unitSignature?(): string;
  /** True when the file has syntax errors, so rules about missing pieces hold back. */
  hasSyntaxErrors: boolean;
  /** True when a syntax error lies inside the flow: its body may be incomplete. */
  flowHasSyntaxErrors(flow: FlowDecl): boolean;
  report(
    code: IssueCode,
    range: SourceLocation,
    message: string,
    options?: { severity?: Severity; related?: RelatedInformation[] },
  ): void;
  /** A related location, with its file named only when it differs from this one. */
  related(origin: Origin, message: string): RelatedInformation;
}

export type Rule = (context: RuleContext) => Visitor;

export function makeDiagnostic(
  code: IssueCode,
  range: SourceLocation,
  message: string,
  options?: { severity?: Severity; related?: RelatedInformation[] },
): Diagnostic {
  const diagnostic: Diagnostic = { severity: options?.severity ?? 'error', code, message, range };
  if (options?.related?.length) diagnostic.related = options.related;
  return diagnostic;
}
