/**
 * Every place of a checked file where a name refers to something, with a stable key for what it refers to: the
 * index that hover, go to definition, references, rename, highlights and semantic tokens are built on.
 *
 * Keys are strings made of declaration places (`file@offset`), not object identities, so occurrences found in
 * different checks and in different CorDapps (a `.flow` file imported from another directory) still match.
 */
import type * as A from '../ast.js';
import type { FileCheckResult } from '../checker/check.js';
import type { Symbol } from '../checker/symbols.js';
import { resolveRelative } from '../paths.js';
import type { Type } from '../types.js';
import { visit } from '../visitor.js';
import { LineIndex } from './positions.js';

type MessageSymbol = Extract<Symbol, { kind: 'message' }>;
type EnumSymbol = Extract<Symbol, { kind: 'enum' }>;

/** What an occurrence refers to. */
export type Target =
  | { kind: 'symbol'; symbol: Symbol }
  | { kind: 'field'; message: MessageSymbol; field: A.FieldDecl }
  | { kind: 'enumMember'; enumSymbol: EnumSymbol; member: A.EnumMember }
  | { kind: 'step'; flow: A.FlowDecl; file: string; step: A.ProgressStep };

export interface Occurrence {
  /** The range of the name itself. */
  loc: A.SourceLocation;
  key: string;
  /** The declaring occurrence (a message's name in its declaration, a `let`'s name, a progress step). */
  declaration: boolean;
  target: Target;
}

/** A checked file with its occurrences, sorted by offset. */
export interface FileIndex {
  path: string;
  text: string;
  lines: LineIndex;
  result: FileCheckResult;
  occurrences: Occurrence[];
}

function placeKey(file: string, loc: A.SourceLocation): string {
  return `${file}@${loc.offset}`;
}

/** The key of what a symbol stands for; `file` is the file the symbol was found from (for host imports). */
export function symbolKey(symbol: Symbol, file: string): string {
  switch (symbol.kind) {
    case 'hostFunction':
    case 'hostType': {
      const module = symbol.module.startsWith('.') ? resolveRelative(file, symbol.module) : symbol.module;
      return `host:${module}#${symbol.name}`;
    }
    case 'builtinType':
    case 'builtinFunction':
      return `builtin:${symbol.name}`;
    default:
      return placeKey(symbol.origin.file, symbol.origin.loc);
  }
}

function stepKey(file: string, flow: A.FlowDecl, name: string): string {
  return `${placeKey(file, flow.name.loc)}/step/${name}`;
}

export function indexFile(result: FileCheckResult, text: string): FileIndex {
  const path = result.path;
  const { typeInfo } = result;
  const names = typeInfo.scope.names;
  const occurrences: Occurrence[] = [];
  const add = (loc: A.SourceLocation, key: string, target: Target, declaration = false): void => {
    if (loc.endOffset > loc.offset) occurrences.push({ loc, key, target, declaration });
  };
  const addSymbol = (loc: A.SourceLocation, symbol: Symbol, declaration = false): void =>
    add(loc, symbolKey(symbol, path), { kind: 'symbol', symbol }, declaration);

  const messageOfType = new Map<Type, MessageSymbol>();
  for (const symbol of names.values()) if (symbol.kind === 'message') messageOfType.set(symbol.type, symbol);

  /** The symbol a declaration of this file introduced (not a duplicate that lost). */
  const declared = (id: A.Identifier): Symbol | undefined => {
    const symbol = names.get(id.name);
    return symbol &&
      'origin' in symbol &&
      symbol.origin.file === path &&
      symbol.origin.loc.offset === id.loc.offset
      ? symbol
      : undefined;
  };
  const addField = (message: MessageSymbol, name: A.Identifier, declaration = false): void => {
    const field = message.decl.fields.find((f) => f.name.name === name.name);
    if (field)
      add(
        name.loc,
        `${symbolKey(message, path)}#${name.name}`,
        { kind: 'field', message, field },
        declaration,
      );
  };

  visit(result.document, {
    ImportDecl(node) {
      const flowFile = node.source.endsWith('.flow') ? resolveRelative(path, node.source) : undefined;
      for (const spec of node.specifiers) {
        const symbol =
          typeInfo.scope.imports.get(spec) ??
          [names.get(spec.name.name)].find((s) => s && 'origin' in s && s.origin.file === flowFile);
        if (symbol) addSymbol(spec.name.loc, symbol);
      }
    },
    MessageDecl(node) {
      const symbol = declared(node.name);
      if (symbol?.kind !== 'message') return;
      addSymbol(node.name.loc, symbol, true);
      for (const field of node.fields) addField(symbol, field.name, true);
    },
    EnumDecl(node) {
      const symbol = declared(node.name);
      if (symbol?.kind !== 'enum') return;
      addSymbol(node.name.loc, symbol, true);
      for (const member of node.members) {
        const key = `${symbolKey(symbol, path)}.${member.name.name}`;
        add(member.name.loc, key, { kind: 'enumMember', enumSymbol: symbol, member }, true);
      }
    },
    FlowDecl(node) {
      const symbol = declared(node.name);
      if (symbol) addSymbol(node.name.loc, symbol, true);
      for (const step of node.progress?.steps ?? []) {
        add(
          step.name.loc,
          stepKey(path, node, step.name.name),
          { kind: 'step', flow: node, file: path, step },
          true,
        );
      }
    },
    StepStatement(node) {
      const flow = typeInfo.flowOf.get(node);
      const step = flow?.progress?.steps.find((s) => s.name.name === node.step.name);
      if (flow && step)
        add(node.step.loc, stepKey(path, flow, step.name.name), { kind: 'step', flow, file: path, step });
    },
    Identifier(node) {
      const symbol = typeInfo.symbolOf(node);
      if (symbol) addSymbol(node.loc, symbol, symbol.kind === 'local' && symbol.declaration === node);
    },
    NameExpression(node) {
      const symbol = typeInfo.symbolOf(node);
      if (symbol) addSymbol(node.name.loc, symbol);
    },
    TypeRef(node) {
      const symbol = typeInfo.symbolOf(node);
      if (symbol) addSymbol(node.name.loc, symbol);
    },
    RecordExpression(node) {
      const symbol = typeInfo.symbolOf(node);
      if (symbol?.kind === 'message') for (const field of node.fields) addField(symbol, field.name);
    },
    MemberExpression(node) {
      const object = node.object.kind === 'NameExpression' ? typeInfo.symbolOf(node.object) : undefined;
      if (object?.kind === 'enum') {
        const member = object.decl.members.find((m) => m.name.name === node.member.name);
        const key = `${symbolKey(object, path)}.${node.member.name}`;
        if (member) add(node.member.loc, key, { kind: 'enumMember', enumSymbol: object, member });
        return;
      }
      const message = messageOfType.get(typeInfo.typeOf(node.object));
      if (message) addField(message, node.member);
    },
  });
  occurrences.sort((a, b) => a.loc.offset - b.loc.offset);
  // a name can be recorded twice (a record's type name is both an Identifier and the record's symbol): keep one
  const unique = occurrences.filter((o, i) => i === 0 || occurrences[i - 1]!.loc.offset !== o.loc.offset);
  return { path, text, lines: new LineIndex(text), result, occurrences: unique };
}

/** The occurrence whose name touches `offset` (a cursor just after a name still counts). */
export function occurrenceAt(index: FileIndex, offset: number): Occurrence | undefined {
  let found: Occurrence | undefined;
  for (const occurrence of index.occurrences) {
    if (occurrence.loc.offset > offset) break;
    if (offset < occurrence.loc.endOffset) return occurrence;
    if (offset === occurrence.loc.endOffset) found = occurrence;
  }
  return found;
}

/** Where a target is declared in `.flow` source; host symbols and built-ins have no such place. */
export function declarationOf(target: Target): { file: string; loc: A.SourceLocation } | undefined {
  switch (target.kind) {
    case 'field':
      return { file: target.message.origin.file, loc: target.field.name.loc };
    case 'enumMember':
      return { file: target.enumSymbol.origin.file, loc: target.member.name.loc };
    case 'step':
      return { file: target.file, loc: target.step.name.loc };
    case 'symbol': {
      const symbol = target.symbol;
      if (symbol.kind === 'hostFunction' || symbol.kind === 'hostType') return undefined;
      return 'origin' in symbol ? symbol.origin : undefined;
    }
  }
}
