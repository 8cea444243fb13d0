/**
 * `unused-value` (a warning): an expression statement that computes a value and drops it. Statements need no
 * separator, so this is often a line that was meant to continue the one before (`let first = xs` then `[0]`).
 */
import { IssueCodes } from '../../diagnostics.js';
import type { Rule } from './context.js';

/** Expressions worth evaluating for what they do: calls, and everything that suspends. */
const EFFECTFUL = new Set([
  'CallExpression',
  'ReceiveExpression',
  'CallFlowExpression',
  'AwaitInputExpression',
  'AwaitExpression',
  'OpenExpression',
  'ErrorExpression',
]);

export const UnusedValueRule: Rule = (context) => ({
  ExpressionStatement(node) {
    if (EFFECTFUL.has(node.expression.kind)) return;
    context.report(
      IssueCodes.UnusedValue,
      node.expression.loc,
      'This value is computed and then dropped. Use it (in a "let", "send" or "require"), or remove it; if it continues the line above, join the lines.',
      { severity: 'warning' },
    );
  },
});
