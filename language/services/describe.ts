/** One-line signatures of what names stand for, in `.flow` syntax: hover text and completion details. */
import type * as A from '../ast.js';
import type { Symbol } from '../checker/symbols.js';
import type { HostFunction } from '../hostModules.js';
import { typeRef } from '../printer.js';
import { typeToString, type Type } from '../types.js';

export function flowHeader(flow: A.FlowDecl): string {
  const kind = flow.flowKind === 'inline' ? '' : `${flow.flowKind} `;
  const params = flow.params.map((p) => `${p.name.name}: ${typeRef(p.type)}`).join(', ');
  const target = flow.respondsTo ? ` for ${flow.respondsTo.name}` : '';
  const result = flow.returnType ? ` -> ${typeRef(flow.returnType)}` : '';
  return `${kind}flow ${flow.name.name}(${params})${target}${result}`;
}

export function functionSignature(fn: HostFunction): string {
  const params = fn.params
    .map((p) => `${p.name}${p.optional ? '?' : ''}: ${typeToString(p.type)}`)
    .join(', ');
  const result = fn.result.kind === 'unit' ? '' : ` -> ${typeToString(fn.result)}`;
  return `${fn.async ? 'async ' : ''}function ${fn.name}(${params})${result}`;
}

/** A type with what it is made of: the fields of a record, the members of an enum. */
export function typeDefinition(name: string, type: Type): string {
  if (type.kind === 'record') {
    return `type ${name} = { ${type.fields.map((f) => `${f.name}: ${typeToString(f.type)}`).join(', ')} }`;
  }
  if (type.kind === 'enum') return `type ${name} = ${type.members.join(' | ')}`;
  return `type ${name} = ${typeToString(type)}`;
}

export function messageDefinition(decl: A.MessageDecl): string {
  if (decl.fields.length === 0) return `message ${decl.name.name} {}`;
  const fields = decl.fields.map((f) => `  ${f.name.name}: ${typeRef(f.type)}`);
  return `message ${decl.name.name} {\n${fields.join('\n')}\n}`;
}

export function enumDefinition(decl: A.EnumDecl): string {
  return `enum ${decl.name.name} { ${decl.members.map((m) => m.name.name).join(', ')} }`;
}

const BINDINGS = { let: 'let', var: 'var', param: '(parameter)', for: 'for', catch: 'catch' } as const;

/** The signature of a symbol; `undefined` for nothing worth showing. */
export function describe(symbol: Symbol): string {
  switch (symbol.kind) {
    case 'message':
      return messageDefinition(symbol.decl);
    case 'enum':
      return enumDefinition(symbol.decl);
    case 'flow':
      return flowHeader(symbol.decl);
    case 'hostFunction':
    case 'builtinFunction':
      return functionSignature(symbol.fn);
    case 'hostType':
      return typeDefinition(symbol.name, symbol.type);
    case 'builtinType':
      return `(built-in type) ${symbol.name}`;
    case 'local':
      return `${BINDINGS[symbol.binding]} ${symbol.name}: ${typeToString(symbol.type)}`;
  }
}

/** The doc comment of what a symbol declares in `.flow` source. */
export function docOf(symbol: Symbol): string | undefined {
  return symbol.kind === 'message' || symbol.kind === 'enum' || symbol.kind === 'flow'
    ? symbol.decl.doc
    : undefined;
}
