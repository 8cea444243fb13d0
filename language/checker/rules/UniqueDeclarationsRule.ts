/** `duplicate-declaration`: two declarations of one name where only one may be. */
import type { Identifier } from '../../ast.js';
import { IssueCodes } from '../../diagnostics.js';
import type { Rule, RuleContext } from './context.js';

function reportDuplicates(context: RuleContext, names: Identifier[], what: string): void {
  const seen = new Map<string, Identifier>();
  for (const id of names) {
    if (id.name === '') continue;
    const first = seen.get(id.name);
    if (!first) {
      seen.set(id.name, id);
      continue;
    }
    context.report(IssueCodes.DuplicateDeclaration, id.loc, `Duplicate ${what} "${id.name}".`, {
      related: [
        context.related({ file: context.file.path, loc: first.loc }, `"${id.name}" is first declared here.`),
      ],
    });
  }
}

export const UniqueDeclarationsRule: Rule = (context) => {
  /** Locals of the blocks being visited, innermost last. */
  const scopes: Map<string, Identifier>[] = [];
  const pushed: boolean[] = [];
  let bodyNext = false;
  const declareLocal = (id: Identifier, what: string): void => {
    const scope = scopes[scopes.length - 1];
    if (!scope || id.name === '') return;
    const first = scope.get(id.name);
    if (first) {
      context.report(
        IssueCodes.DuplicateDeclaration,
        id.loc,
        `Duplicate ${what} "${id.name}" in the same block.`,
        {
          related: [
            context.related(
              { file: context.file.path, loc: first.loc },
              `"${id.name}" is first declared here.`,
            ),
          ],
        },
      );
    } else {
      scope.set(id.name, id);
    }
  };
  return {
    Document() {
      for (const duplicate of context.unit.duplicates) {
        if (duplicate.file !== context.file.path) continue;
        context.report(
          IssueCodes.DuplicateDeclaration,
          duplicate.name.loc,
          `Duplicate declaration: ${duplicate.what}.`,
          {
            related: [
              context.related(duplicate.previous, `"${duplicate.name.name}" is first declared here.`),
            ],
          },
        );
      }
    },
    MessageDecl(node) {
      reportDuplicates(
        context,
        node.fields.map((f) => f.name),
        'field',
      );
    },
    EnumDecl(node) {
      reportDuplicates(
        context,
        node.members.map((m) => m.name),
        'enum member',
      );
    },
    ProgressDecl(node) {
      reportDuplicates(
        context,
        node.steps.map((s) => s.name),
        'progress step',
      );
    },
    RecordExpression(node) {
      reportDuplicates(
        context,
        node.fields.map((f) => f.name),
        'field',
      );
    },
    ImportDecl(node) {
      reportDuplicates(
        context,
        node.specifiers.map((s) => s.name),
        'import',
      );
    },
    FlowDecl: {
      enter(node) {
        reportDuplicates(
          context,
          node.params.map((p) => p.name),
          'parameter',
        );
        reportDuplicates(
          context,
          node.annotations.map((a) => a.name),
          'annotation',
        );
        // parameters and the body's top-level variables share one scope
        scopes.push(new Map(node.params.map((p) => [p.name.name, p.name])));
        bodyNext = true;
      },
      leave() {
        scopes.pop();
      },
    },
    Block: {
      enter() {
        pushed.push(!bodyNext);
        if (!bodyNext) scopes.push(new Map());
        bodyNext = false;
      },
      leave() {
        if (pushed.pop()) scopes.pop();
      },
    },
    LetStatement(node) {
      declareLocal(node.name, 'variable');
    },
  };
};
