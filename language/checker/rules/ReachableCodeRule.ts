/** `unreachable-code`: statements after a `return` or `fail` that every path reaches first. */
import type { FlowDecl } from '../../ast.js';
import { IssueCodes } from '../../diagnostics.js';
import { completesNormally } from '../flowAnalysis.js';
import type { Rule } from './context.js';

export const ReachableCodeRule: Rule = (context) => {
  let flow: FlowDecl | undefined;
  return {
    FlowDecl(node) {
      flow = node;
    },
    Block(node) {
      if (!flow || context.flowHasSyntaxErrors(flow)) return;
      const statements = node.statements;
      const stopper = statements.findIndex((s) => !completesNormally(s));
      if (stopper < 0 || stopper === statements.length - 1) return;
      const first = statements[stopper + 1]!;
      const last = statements[statements.length - 1]!;
      const range = {
        ...first.loc,
        endOffset: last.loc.endOffset,
        endLine: last.loc.endLine,
        endColumn: last.loc.endColumn,
      };
      const ender = statements[stopper]!;
      const why =
        ender.kind === 'ReturnStatement'
          ? 'a "return"'
          : ender.kind === 'FailStatement'
            ? 'a "fail"'
            : 'a statement that always ends the flow';
      context.report(
        IssueCodes.UnreachableCode,
        range,
        `Unreachable code: it comes after ${why}. Remove it or move it before.`,
        {
          related: [
            context.related({ file: context.file.path, loc: ender.loc }, 'The flow always ends here.'),
          ],
        },
      );
    },
  };
};
