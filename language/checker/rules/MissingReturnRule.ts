/** `missing-return`: a flow that declares a result but can reach its end without returning one. */
import { IssueCodes } from '../../diagnostics.js';
import { typeRef } from '../../printer.js';
import { blockCompletes } from '../flowAnalysis.js';
import type { Rule } from './context.js';

export const MissingReturnRule: Rule = (context) => ({
  FlowDecl(node) {
    if (!node.returnType || context.flowHasSyntaxErrors(node) || !blockCompletes(node.body)) return;
    context.report(
      IssueCodes.MissingReturn,
      node.name.loc,
      `Flow "${node.name.name}" declares a result of type "${typeRef(node.returnType)}" but can reach its end without "return".`,
    );
  },
});
