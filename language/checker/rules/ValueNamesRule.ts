/** `type-mismatch` for names used as values that are not values: a message, enum, flow or function name. */
import type { Expression } from '../../ast.js';
import { IssueCodes } from '../../diagnostics.js';
import { describeSymbol } from '../symbols.js';
import type { Rule } from './context.js';

export const ValueNamesRule: Rule = (context) => {
  /** Names in positions where a non-value is fine: callees, enum type names before a member, and assignment
   * targets (AssignmentRule reports those). */
  const allowed = new Set<Expression>();
  return {
    AssignStatement(node) {
      allowed.add(node.target);
    },
    CallExpression(node) {
      allowed.add(node.callee);
    },
    MemberExpression(node) {
      const symbol =
        node.object.kind === 'NameExpression' ? context.typeInfo.symbolOf(node.object) : undefined;
      if (symbol && (symbol.kind === 'enum' || symbol.kind === 'hostType')) allowed.add(node.object);
    },
    NameExpression(node) {
      if (allowed.has(node)) return;
      const symbol = context.typeInfo.symbolOf(node);
      if (!symbol || symbol.kind === 'local') return;
      const fix =
        symbol.kind === 'enum'
          ? ` Name one of its members, as in "${symbol.name}.${symbol.decl.members[0]?.name.name ?? 'Member'}".`
          : symbol.kind === 'flow'
            ? ` Start it with "call ${symbol.name}(...)".`
            : symbol.kind === 'hostFunction' || symbol.kind === 'builtinFunction'
              ? ` Call it: "${symbol.name}(...)".`
              : '';
      context.report(
        IssueCodes.TypeMismatch,
        node.loc,
        `${describeSymbol(symbol).replace(/^./, (c) => c.toUpperCase())} is not a value.${fix}`,
      );
    },
  };
};
