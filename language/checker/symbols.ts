/** What a name can stand for. */
import type { EnumDecl, FlowDecl, Identifier, MessageDecl, SourceLocation } from '../ast.js';
import type { HostFunction } from '../hostModules.js';
import type { Type } from '../types.js';

/** Where a declaration is, for related locations and go-to-definition. */
export interface Origin {
  file: string;
  loc: SourceLocation;
}

export type Symbol =
  | { kind: 'message'; name: string; decl: MessageDecl; origin: Origin; type: Type }
  | { kind: 'enum'; name: string; decl: EnumDecl; origin: Origin; type: Type }
  | { kind: 'flow'; name: string; decl: FlowDecl; origin: Origin }
  | { kind: 'hostFunction'; name: string; fn: HostFunction; module: string; origin: Origin }
  | { kind: 'hostType'; name: string; type: Type; module: string; origin: Origin }
  | { kind: 'builtinType'; name: string; type: Type }
  | { kind: 'builtinFunction'; name: string; fn: HostFunction }
  | {
      kind: 'local';
      name: string;
      declaration: Identifier;
      /** `let` and parameters are constant; `var` may be assigned. */
      mutable: boolean;
      binding: 'let' | 'var' | 'param' | 'for' | 'catch';
      type: Type;
      origin: Origin;
    };

export type SymbolKind = Symbol['kind'];

export function describeSymbol(symbol: Symbol): string {
  switch (symbol.kind) {
    case 'message':
      return `message "${symbol.name}"`;
    case 'enum':
      return `enum "${symbol.name}"`;
    case 'flow':
      return `flow "${symbol.name}"`;
    case 'hostFunction':
    case 'builtinFunction':
      return `function "${symbol.name}"`;
    case 'hostType':
    case 'builtinType':
      return `type "${symbol.name}"`;
    case 'local':
      return symbol.binding === 'param' ? `parameter "${symbol.name}"` : `variable "${symbol.name}"`;
  }
}

/** Symbols that name a type, usable in `: Type` positions. */
export function isTypeSymbol(symbol: Symbol): boolean {
  return (
    symbol.kind === 'message' ||
    symbol.kind === 'enum' ||
    symbol.kind === 'hostType' ||
    symbol.kind === 'builtinType'
  );
}
