/** `assign-to-constant`: assignment to something other than a `var`. */
import { IssueCodes } from '../../diagnostics.js';
import { describeSymbol } from '../symbols.js';
import type { Rule } from './context.js';

export const AssignmentRule: Rule = (context) => ({
  AssignStatement(node) {
    const target = node.target;
    if (target.kind === 'ErrorExpression') return;
    if (target.kind !== 'NameExpression') {
      context.report(
        IssueCodes.AssignToConstant,
        target.loc,
        target.kind === 'MemberExpression'
          ? 'Fields cannot be assigned: build a new record instead.'
          : 'Only a variable declared with "var" can be assigned.',
      );
      return;
    }
    const symbol = context.typeInfo.symbolOf(target);
    if (!symbol || (symbol.kind === 'local' && symbol.mutable)) return;
    const fix =
      symbol.kind === 'local' && symbol.binding === 'let' ? ` Declare it with "var" to change it.` : '';
    context.report(
      IssueCodes.AssignToConstant,
      target.loc,
      `Cannot assign to ${describeSymbol(symbol)}: only variables declared with "var" can change.${fix}`,
      symbol.kind === 'local'
        ? { related: [context.related(symbol.origin, `"${symbol.name}" is declared here.`)] }
        : undefined,
    );
  },
});
