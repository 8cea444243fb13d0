/** Hover: the signature of what the name under the cursor stands for, its doc comment, and progress labels. */
import type * as A from '../ast.js';
import type { Symbol } from '../checker/symbols.js';
import { typeRef } from '../printer.js';
import { typeToString } from '../types.js';
import { visit } from '../visitor.js';
import { describe, docOf } from './describe.js';
import { occurrenceAt, type FileIndex, type Target } from './occurrences.js';
import { containsOffset, toRange } from './positions.js';
import type { Range } from './types.js';

export interface Hover {
  /** Markdown: a `flow` code block with the signature, then the documentation. */
  contents: string;
  range: Range;
}

export interface HoverOptions {
  /** The documentation of a host function or type, read from its TypeScript (JSDoc). */
  hostDoc?(symbol: Extract<Symbol, { kind: 'hostFunction' | 'hostType' }>, file: string): string | undefined;
}

function markdown(signature: string, ...notes: (string | undefined)[]): string {
  const parts = ['```flow\n' + signature + '\n```', ...notes.filter((n): n is string => !!n)];
  return parts.join('\n\n');
}

function describeTarget(target: Target, file: string, options: HoverOptions): string {
  switch (target.kind) {
    case 'field':
      return markdown(
        `(field) ${target.message.name}.${target.field.name.name}: ${typeRef(target.field.type)}`,
        target.field.doc,
      );
    case 'enumMember':
      return markdown(
        `(enum member) ${target.enumSymbol.name}.${target.member.name.name}`,
        target.member.doc,
      );
    case 'step': {
      const step = target.step;
      const tracks = step.tracks ? ` tracks ${step.tracks.name}` : '';
      return markdown(
        `(progress step) ${step.name.name} ${JSON.stringify(step.label)}${tracks}`,
        `Progress of flow \`${target.flow.name.name}\`: "${step.label}".`,
        step.doc,
      );
    }
    case 'symbol': {
      const symbol = target.symbol;
      const from =
        symbol.kind === 'hostFunction' || symbol.kind === 'hostType'
          ? `From the host module \`${symbol.module}\`.`
          : undefined;
      const hostDoc =
        symbol.kind === 'hostFunction' || symbol.kind === 'hostType'
          ? options.hostDoc?.(symbol, file)
          : undefined;
      return markdown(describe(symbol), docOf(symbol) ?? hostDoc, from);
    }
  }
}

/** The member expression whose member name holds `offset` (fields of host records and built-in members). */
function memberAt(document: A.Document, offset: number): A.MemberExpression | undefined {
  let found: A.MemberExpression | undefined;
  visit(document, {
    MemberExpression(node) {
      if (containsOffset(node.member.loc, offset)) found = node;
    },
  });
  return found;
}

export function hover(index: FileIndex, offset: number, options: HoverOptions = {}): Hover | undefined {
  const occurrence = occurrenceAt(index, offset);
  if (occurrence) {
    return {
      contents: describeTarget(occurrence.target, index.path, options),
      range: toRange(occurrence.loc),
    };
  }
  const member = memberAt(index.result.document, offset);
  if (member) {
    const type = index.result.typeInfo.typeOf(member);
    if (type.kind !== 'error') {
      const owner = typeToString(index.result.typeInfo.typeOf(member.object));
      return {
        contents: markdown(`(property) ${owner}.${member.member.name}: ${typeToString(type)}`),
        range: toRange(member.member.loc),
      };
    }
  }
  return undefined;
}
