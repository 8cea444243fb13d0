/** Control-flow facts shared by rules: can a statement finish and let the next one run? */
import type { Block, Statement } from '../ast.js';

/** False when every path through the statement ends the flow (`return`, `fail`) before the next statement. */
export function completesNormally(statement: Statement): boolean {
  switch (statement.kind) {
    case 'ReturnStatement':
    case 'FailStatement':
      return false;
    case 'IfStatement':
      if (!statement.else) return true;
      return (
        blockCompletes(statement.then) ||
        (statement.else.kind === 'Block' ? blockCompletes(statement.else) : completesNormally(statement.else))
      );
    case 'TryStatement':
      return blockCompletes(statement.body) || blockCompletes(statement.handler);
    default:
      // a `for` loop may run zero times; `require` may pass
      return true;
  }
}

export function blockCompletes(block: Block): boolean {
  return block.statements.every(completesNormally);
}
