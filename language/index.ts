/** The language front end: parse, print, check. Pure: runs in Node, the language server and the browser. */
export type * from './ast.js';
export { parse, positionAt, rangeAt, type ParseResult } from './parse.js';
export { print, expr as printExpression, typeRef as printTypeRef } from './printer.js';
export { visit, visitInParallel, childrenOf, subExpressions, type Visitor } from './visitor.js';
export {
  IssueCodes,
  hasErrors,
  compareDiagnostics,
  type Diagnostic,
  type FileDiagnostic,
  type IssueCode,
  type RelatedInformation,
  type Severity,
} from './diagnostics.js';
export { type Type, typeToString, isAssignable, PRIMITIVE_TYPE_NAMES } from './types.js';
export {
  staticHostModules,
  type HostModules,
  type HostModule,
  type HostFunction,
  type HostModuleResult,
} from './hostModules.js';
export { Workspace, checkSources, type FileCheckResult } from './checker/check.js';
export {
  LIBRARY_SPECIFIER,
  groupIntoUnits,
  type CheckerHost,
  type CordappUnit,
  type ParsedFile,
  type SourceFile,
} from './checker/program.js';
export { specifiedRules, type Rule, type RuleContext } from './checker/rules/index.js';
export type { Symbol } from './checker/symbols.js';
export { TypeInfo } from './checker/typeInfo.js';
export { formatDiagnosticsText, codeFrame } from './format.js';
export { withoutLocations, sameIgnoringLocations } from './equality.js';
export { outlineFlow, type OutlineLine } from './outline.js';
export { extractPrograms, type ProtocolProgram, type PStatement, type PLoc } from './protocol/program.js';
export { checkPair, type ProtocolFault, type FlowLookup } from './protocol/simulate.js';
