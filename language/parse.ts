/**
 * Text to AST. Never throws; every problem is a `syntax-error` diagnostic.
 *
 * Two paths build the same AST: valid text goes through the fast parser (`fastParser.ts`, no CST), and text it
 * gives up on goes through chevrotain's recovering `CstParser` and the CST-to-AST pass, which report the syntax
 * errors.
 */
import type { ILexingResult, IToken } from 'chevrotain';
import type { Comment, Document, SourceLocation } from './ast.js';
import { AstBuilder } from './cstToAst.js';
import { IssueCodes, type Diagnostic } from './diagnostics.js';
import { fastParse } from './fastParser.js';
import { parseTokens } from './parser.js';
import { DocComment, flowLexer, LineComment, scanString, StringLiteral } from './tokens.js';

export interface ParseResult {
  document: Document;
  /** Syntax errors, in source order. */
  diagnostics: Diagnostic[];
}

export function parse(text: string): ParseResult {
  const lexed = flowLexer.tokenize(text);
  const comments = (lexed.groups['comments'] ?? []).map(toComment);
  if (lexed.errors.length === 0) {
    let document: Document | undefined;
    try {
      document = fastParse(lexed.tokens, comments, wholeText(text));
    } catch {
      // a fault of the fast parser: the recovering parser still gives the right answer
      document = undefined;
    }
    if (document) return { document, diagnostics: [] };
  }
  return parseLexed(text, lexed, comments);
}

/**
 * `parse` without the fast path: always chevrotain's recovering `CstParser` and the CST-to-AST pass. The fast
 * parser's tests and the benchmark compare the two.
 */
export function parseWithRecovery(text: string): ParseResult {
  const lexed = flowLexer.tokenize(text);
  return parseLexed(text, lexed, (lexed.groups['comments'] ?? []).map(toComment));
}

/**
 * The fast path alone: the AST of `text`, or `undefined` where `parse` would fall back to the recovering parser.
 * Unlike `parse` it lets a fault of the fast parser throw, so that tests see it.
 */
export function parseFast(text: string): Document | undefined {
  const lexed = flowLexer.tokenize(text);
  if (lexed.errors.length > 0) return undefined;
  return fastParse(lexed.tokens, (lexed.groups['comments'] ?? []).map(toComment), wholeText(text));
}

function parseLexed(text: string, lexed: ILexingResult, comments: Comment[]): ParseResult {
  const diagnostics: Diagnostic[] = lexed.errors.map((e) => {
    const ch = text[e.offset] ?? '';
    const message =
      ch === '"'
        ? 'This string is not closed: add a closing " before the end of the line.'
        : `Unexpected character "${ch}".`;
    const length = ch === '"' ? lineEnd(text, e.offset) - e.offset : e.length;
    return syntaxError(rangeAt(text, e.offset, length), message);
  });
  for (const token of lexed.tokens) {
    if (token.tokenType === StringLiteral && !scanString(token.image, 0).terminated) {
      diagnostics.push(
        syntaxError(
          tokenRange(token)!,
          'This string is not closed: add a closing " before the end of the line.',
        ),
      );
    }
  }
  const { cst, errors } = parseTokens(lexed.tokens);
  const lastToken = lexed.tokens[lexed.tokens.length - 1];
  for (const error of errors) {
    const range = tokenRange(error.token) ?? endRange(text, lastToken);
    diagnostics.push(syntaxError(range, error.message));
  }
  const builder = new AstBuilder();
  const document = builder.document(cst, comments);
  document.loc = rangeAt(text, 0, text.length);
  diagnostics.push(...builder.diagnostics);
  diagnostics.sort((a, b) => a.range.offset - b.range.offset);
  return { document, diagnostics: dedupe(diagnostics) };
}

function toComment(token: IToken): Comment {
  const style = token.tokenType === DocComment ? 'doc' : token.tokenType === LineComment ? 'line' : 'block';
  return { kind: 'Comment', style, text: token.image, loc: tokenRange(token)! };
}

function syntaxError(range: SourceLocation, message: string): Diagnostic {
  return { severity: 'error', code: IssueCodes.SyntaxError, message, range };
}

function tokenRange(token: IToken): SourceLocation | undefined {
  if (token.isInsertedInRecovery || Number.isNaN(token.startOffset) || token.startLine === undefined)
    return undefined;
  if (Number.isNaN(token.startLine)) return undefined;
  return {
    offset: token.startOffset,
    line: token.startLine,
    column: token.startColumn!,
    endOffset: token.endOffset! + 1,
    endLine: token.endLine!,
    endColumn: token.endColumn! + 1,
  };
}

/** A zero-width range just after the last token (errors at the end of the file). */
function endRange(text: string, last: IToken | undefined): SourceLocation {
  const offset = last ? last.endOffset! + 1 : text.length;
  return rangeAt(text, offset, 0);
}

function lineEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** The range of `length` characters at `offset`, computing lines and columns by scanning the text. */
export function rangeAt(text: string, offset: number, length: number): SourceLocation {
  const start = positionAt(text, offset);
  const end = positionAt(text, offset + length);
  return {
    offset,
    line: start.line,
    column: start.column,
    endOffset: offset + length,
    endLine: end.line,
    endColumn: end.column,
  };
}

/** `rangeAt(text, 0, text.length)`, counting lines with `indexOf`. */
function wholeText(text: string): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = text.length - lineStart + 1;
  return { offset: 0, line: 1, column: 1, endOffset: text.length, endLine: line, endColumn: column };
}

export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const limit = Math.min(offset, text.length);
  for (let i = 0; i < limit; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Recovery can report the same spot twice; one message per place and text is enough. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.range.offset}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
