/**
 * Language services: the pure features behind `flowc lsp` (and usable by the designer), one per file. Each takes
 * a checked file (`indexFile`) and an offset, and returns LSP-shaped plain data.
 */
export * from './types.js';
export { LineIndex, toRange } from './positions.js';
export {
  indexFile,
  occurrenceAt,
  declarationOf,
  type FileIndex,
  type Occurrence,
  type Target,
} from './occurrences.js';
export { hover, type Hover, type HoverOptions } from './hover.js';
export {
  definition,
  references,
  highlights,
  prepareRename,
  rename,
  type HostSymbol,
  type NavigationOptions,
} from './navigation.js';
export { complete, type CompletionItem, type CompletionOptions } from './completion.js';
export { documentSymbols, type DocumentSymbol } from './documentSymbols.js';
export { formatDocument } from './formatting.js';
export { semanticTokens, semanticTokenList, SEMANTIC_TOKENS_LEGEND } from './semanticTokens.js';
export { toLspDiagnostics, type LspDiagnostic } from './diagnostics.js';
export {
  codeActions,
  type CodeAction,
  type ActionDiagnostic,
  type ImportCandidate,
  type CodeActionOptions,
} from './codeActions.js';
export { RESERVED_WORDS, SOFT_KEYWORDS, isReserved } from './keywords.js';
