/**
 * The shapes the language services return. They mirror the Language Server Protocol's (0-based lines and UTF-16
 * characters), so the server passes them on as they are, while the services stay free of any LSP library and
 * run in the designer too.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A place in a file of the workspace; `file` is a workspace path, which the server turns into a URI. */
export interface FileRange {
  file: string;
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** Edits by workspace path. */
export type WorkspaceEdits = Record<string, TextEdit[]>;

/** The LSP's `CompletionItemKind` values the services use. */
export const CompletionKind = {
  Function: 3,
  Field: 5,
  Variable: 6,
  Class: 7,
  Module: 9,
  Property: 10,
  Keyword: 14,
  Snippet: 15,
  EnumMember: 20,
  Struct: 22,
  Event: 23,
  Enum: 13,
  TypeParameter: 25,
} as const;

/** The LSP's `SymbolKind` values the services use. */
export const SymbolKind = {
  Module: 2,
  Namespace: 3,
  Class: 5,
  Method: 6,
  Field: 8,
  Enum: 10,
  Function: 12,
  Variable: 13,
  EnumMember: 22,
  Struct: 23,
  Event: 24,
} as const;

/** Thrown by a service when a request cannot be answered (renaming a keyword, formatting broken text). */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
}
