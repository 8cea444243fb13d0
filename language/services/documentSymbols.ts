/** Document symbols: the outline of a file (messages and their fields, enums and their members, flows and their steps). */
import type * as A from '../ast.js';
import { typeRef } from '../printer.js';
import { flowHeader } from './describe.js';
import { toRange } from './positions.js';
import { SymbolKind, type Range } from './types.js';

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: number;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

function symbol(
  name: A.Identifier,
  whole: A.SourceLocation,
  kind: number,
  detail?: string,
  children?: DocumentSymbol[],
): DocumentSymbol {
  const result: DocumentSymbol = {
    name: name.name,
    kind,
    range: toRange(whole),
    selectionRange: toRange(name.loc),
  };
  if (detail !== undefined) result.detail = detail;
  if (children?.length) result.children = children;
  return result;
}

export function documentSymbols(document: A.Document): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const item of document.items) {
    switch (item.kind) {
      case 'CordappDecl': {
        const name = item.name.parts.map((p) => p.name).join('.');
        symbols.push({
          name,
          detail: `version ${item.version}`,
          kind: SymbolKind.Namespace,
          range: toRange(item.loc),
          selectionRange: toRange(item.name.loc),
        });
        break;
      }
      case 'MessageDecl':
        if (item.name.name === '') break;
        symbols.push(
          symbol(
            item.name,
            item.loc,
            SymbolKind.Struct,
            'message',
            item.fields.map((f) => symbol(f.name, f.loc, SymbolKind.Field, typeRef(f.type))),
          ),
        );
        break;
      case 'EnumDecl':
        if (item.name.name === '') break;
        symbols.push(
          symbol(
            item.name,
            item.loc,
            SymbolKind.Enum,
            'enum',
            item.members.map((m) => symbol(m.name, m.loc, SymbolKind.EnumMember)),
          ),
        );
        break;
      case 'FlowDecl':
        if (item.name.name === '') break;
        symbols.push(
          symbol(
            item.name,
            item.loc,
            SymbolKind.Function,
            flowHeader(item),
            (item.progress?.steps ?? []).map((s) =>
              symbol(s.name, s.loc, SymbolKind.Event, JSON.stringify(s.label)),
            ),
          ),
        );
        break;
      default:
        break;
    }
  }
  return symbols;
}
