/** `unknown-name`: a name, type, flow or member that nothing declares. */
import type { Node, SourceLocation } from '../../ast.js';
import { IssueCodes } from '../../diagnostics.js';
import { didYouMean } from '../suggest.js';
import type { Rule } from './context.js';

export const KnownNamesRule: Rule = (context) => {
  const check = (node: Node, name: string, range: SourceLocation): void => {
    const unresolved = context.typeInfo.unresolved.get(node);
    if (!unresolved || name === '') return;
    const hint = didYouMean(name, unresolved.candidates);
    switch (unresolved.what) {
      case 'name':
        context.report(IssueCodes.UnknownName, range, `Unknown name "${name}".${hint}`);
        return;
      case 'type':
        context.report(
          IssueCodes.UnknownName,
          range,
          `Unknown type "${name}".${hint || ' Declare it as a message or enum, or import it.'}`,
        );
        return;
      case 'flow':
        context.report(IssueCodes.UnknownName, range, `Unknown flow "${name}".${hint}`);
        return;
      case 'member':
        context.report(
          IssueCodes.UnknownName,
          range,
          `${capitalize(unresolved.owner ?? 'the value')} has no member "${name}".${hint}`,
        );
        return;
    }
  };
  return {
    Identifier(node) {
      check(node, node.name, node.loc);
    },
    TypeRef(node) {
      check(node, node.name.name, node.name.loc);
    },
    NameExpression(node) {
      check(node, node.name.name, node.loc);
    },
    MemberExpression(node) {
      check(node, node.member.name, node.member.loc);
    },
  };
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
