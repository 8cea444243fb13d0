/** Diagnostics are plain data, so the CLI, the language server and the designer all show the same thing. */
import type { SourceLocation } from './ast.js';

/** Stable diagnostic codes. Tools and tests match on these; never rename one. */
export const IssueCodes = {
  SyntaxError: 'syntax-error',
  UnknownName: 'unknown-name',
  DuplicateDeclaration: 'duplicate-declaration',
  TypeMismatch: 'type-mismatch',
  UnknownStep: 'unknown-step',
  UnreachableCode: 'unreachable-code',
  MissingResponder: 'missing-responder',
  NotInitiating: 'not-initiating',
  UnknownImport: 'unknown-import',
  MissingReturn: 'missing-return',
  AssignToConstant: 'assign-to-constant',
  OpenOutsideInitiating: 'open-outside-initiating',
  InvalidCall: 'invalid-call',
  UnknownAnnotation: 'unknown-annotation',
  MissingCordapp: 'missing-cordapp',
  UnusedValue: 'unused-value',
  // the protocol checker (language/protocol/)
  ProtocolMismatch: 'protocol-mismatch',
  Deadlock: 'deadlock',
  EarlyEnd: 'early-end',
  UncommunicatedChoice: 'uncommunicated-choice',
} as const;

export type IssueCode = (typeof IssueCodes)[keyof typeof IssueCodes];
export type Severity = 'error' | 'warning' | 'info';

export interface RelatedInformation {
  /** The file of the related place; absent when it is the diagnostic's own file. */
  file?: string;
  range: SourceLocation;
  message: string;
}

export interface Diagnostic {
  severity: Severity;
  code: IssueCode;
  /** A full sentence, names in quotes; it says how to fix the problem when that is known. */
  message: string;
  range: SourceLocation;
  related?: RelatedInformation[];
}

/** A diagnostic together with the file it belongs to. */
export interface FileDiagnostic extends Diagnostic {
  file: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function compareDiagnostics(a: FileDiagnostic, b: FileDiagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.offset - b.range.offset || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
