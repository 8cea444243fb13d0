/**
 * Semantic tokens: what each name is (a message, a flow, a parameter, a progress step ...), which the TextMate
 * grammar cannot know. Keywords, strings, numbers and comments are left to the grammar.
 */
import type * as A from '../ast.js';
import { visit } from '../visitor.js';
import type { FileIndex, Occurrence } from './occurrences.js';

export const TOKEN_TYPES = [
  'namespace',
  'type',
  'struct',
  'enum',
  'enumMember',
  'function',
  'parameter',
  'variable',
  'property',
  'event',
  'decorator',
] as const;

export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary', 'async'] as const;

export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

interface Token {
  loc: A.SourceLocation;
  type: TokenType;
  modifiers: TokenModifier[];
}

function classify(occurrence: Occurrence): { type: TokenType; modifiers: TokenModifier[] } {
  const target = occurrence.target;
  switch (target.kind) {
    case 'field':
      return { type: 'property', modifiers: ['readonly'] };
    case 'enumMember':
      return { type: 'enumMember', modifiers: ['readonly'] };
    case 'step':
      return { type: 'event', modifiers: [] };
    case 'symbol':
      break;
  }
  const symbol = target.symbol;
  switch (symbol.kind) {
    case 'message':
      return { type: 'struct', modifiers: [] };
    case 'enum':
      return { type: 'enum', modifiers: [] };
    case 'flow':
      return { type: 'function', modifiers: [] };
    case 'hostFunction':
      return { type: 'function', modifiers: symbol.fn.async ? ['async'] : [] };
    case 'hostType':
      return {
        type: symbol.type.kind === 'record' ? 'struct' : symbol.type.kind === 'enum' ? 'enum' : 'type',
        modifiers: [],
      };
    case 'builtinType':
      return { type: 'type', modifiers: ['defaultLibrary'] };
    case 'builtinFunction':
      return { type: 'function', modifiers: ['defaultLibrary'] };
    case 'local':
      return {
        type: symbol.binding === 'param' ? 'parameter' : 'variable',
        modifiers: symbol.mutable ? [] : ['readonly'],
      };
  }
}

export function semanticTokenList(index: FileIndex): Token[] {
  const tokens: Token[] = index.occurrences.map((o) => {
    const { type, modifiers } = classify(o);
    return { loc: o.loc, type, modifiers: o.declaration ? ['declaration', ...modifiers] : modifiers };
  });
  visit(index.result.document, {
    CordappDecl(node) {
      tokens.push({ loc: node.name.loc, type: 'namespace', modifiers: ['declaration'] });
    },
    Annotation(node) {
      const at = node.loc;
      const loc = {
        ...at,
        endOffset: node.name.loc.endOffset,
        endLine: node.name.loc.endLine,
        endColumn: node.name.loc.endColumn,
      };
      tokens.push({ loc, type: 'decorator', modifiers: [] });
    },
    TypeRef(node) {
      if (node.name.name === 'List')
        tokens.push({ loc: node.name.loc, type: 'type', modifiers: ['defaultLibrary'] });
    },
  });
  return tokens
    .filter((t) => t.loc.endOffset > t.loc.offset && t.loc.line === t.loc.endLine)
    .sort((a, b) => a.loc.offset - b.loc.offset);
}

/** The LSP's encoding: five numbers per token, positions relative to the previous token. */
export function semanticTokens(index: FileIndex): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  let lastOffset = -1;
  for (const token of semanticTokenList(index)) {
    if (token.loc.offset === lastOffset) continue;
    lastOffset = token.loc.offset;
    const tokenLine = token.loc.line - 1;
    const tokenCharacter = token.loc.column - 1;
    const deltaLine = tokenLine - line;
    data.push(
      deltaLine,
      deltaLine === 0 ? tokenCharacter - character : tokenCharacter,
      token.loc.endOffset - token.loc.offset,
      TOKEN_TYPES.indexOf(token.type),
      token.modifiers.reduce((bits, m) => bits | (1 << TOKEN_MODIFIERS.indexOf(m)), 0),
    );
    line = tokenLine;
    character = tokenCharacter;
  }
  return data;
}
