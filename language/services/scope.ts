/** What is visible at a place of a file: the flow around it and the locals declared before it. */
import type * as A from '../ast.js';
import type { Symbol } from '../checker/symbols.js';
import type { TypeInfo } from '../checker/typeInfo.js';
import { containsOffset } from './positions.js';

type Local = Extract<Symbol, { kind: 'local' }>;

/** The top-level item that holds `offset` (its braces included). */
export function itemAt(document: A.Document, offset: number): A.TopLevelItem | undefined {
  return document.items.find((item) => containsOffset(item.loc, offset));
}

/** The parameters and locals of the flow at `offset` that are in scope there, innermost last. */
export function localsAt(flow: A.FlowDecl, typeInfo: TypeInfo, offset: number): Local[] {
  const locals: Local[] = [];
  const declare = (id: A.Identifier | undefined): void => {
    const symbol = id ? typeInfo.symbolOf(id) : undefined;
    if (symbol?.kind === 'local') locals.push(symbol);
  };
  for (const param of flow.params) declare(param.name);
  const block = (b: A.Block): void => {
    if (!containsOffset(b.loc, offset)) return;
    for (const statement of b.statements) {
      if (statement.loc.endOffset <= offset) {
        if (statement.kind === 'LetStatement') declare(statement.name);
        continue;
      }
      if (statement.loc.offset > offset) break;
      inside(statement);
      break;
    }
  };
  const inside = (s: A.Statement): void => {
    switch (s.kind) {
      case 'IfStatement':
        block(s.then);
        if (s.else?.kind === 'Block') block(s.else);
        else if (s.else) inside(s.else);
        return;
      case 'ForStatement':
        if (containsOffset(s.body.loc, offset)) declare(s.variable);
        block(s.body);
        return;
      case 'TryStatement':
        block(s.body);
        if (containsOffset(s.handler.loc, offset)) declare(s.errorName);
        block(s.handler);
        return;
      default:
        return;
    }
  };
  block(flow.body);
  // a later declaration of the same name hides an earlier one
  const byName = new Map<string, Local>();
  for (const local of locals) {
    byName.delete(local.name);
    byName.set(local.name, local);
  }
  return [...byName.values()];
}
