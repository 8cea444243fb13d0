/** `open-outside-initiating`: only an initiating flow may open sessions, as in Corda's @InitiatingFlow. */
import type { FlowDecl } from '../../ast.js';
import { IssueCodes } from '../../diagnostics.js';
import type { Rule } from './context.js';

export const OpenInInitiatingRule: Rule = (context) => {
  let flow: FlowDecl | undefined;
  return {
    FlowDecl(node) {
      flow = node;
    },
    OpenExpression(node) {
      if (!flow || flow.flowKind === 'initiating') return;
      context.report(
        IssueCodes.OpenOutsideInitiating,
        node.loc,
        `Flow "${flow.name.name}" is not an initiating flow, so it cannot open sessions: declare it "initiating flow" (with a responder), or take the session as a parameter.`,
      );
    },
  };
};
