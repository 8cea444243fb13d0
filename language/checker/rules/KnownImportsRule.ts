/** `unknown-import`: an imported file, module or name that does not exist. */
import { IssueCodes } from '../../diagnostics.js';
import type { Rule } from './context.js';

export const KnownImportsRule: Rule = (context) => ({
  Document() {
    for (const problem of context.scope.importProblems) {
      context.report(IssueCodes.UnknownImport, problem.range, problem.message);
    }
  },
});
