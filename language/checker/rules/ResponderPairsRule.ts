/**
 * `not-initiating` and `missing-responder`: every responder answers an initiating flow, and every initiating flow
 * of the CorDapp has exactly one responder in it.
 */
import type { FlowDecl } from '../../ast.js';
import { IssueCodes } from '../../diagnostics.js';
import type { CordappUnit } from '../program.js';
import { unitFlows } from '../program.js';
import type { Rule } from './context.js';

interface ResponderIndex {
  /** Initiating flow name (as written after `for`) to its responders, in file order. */
  responders: Map<string, { flow: FlowDecl; file: string }[]>;
}

const indexCache = new WeakMap<CordappUnit, ResponderIndex>();

function responderIndex(unit: CordappUnit): ResponderIndex {
  let index = indexCache.get(unit);
  if (!index) {
    index = { responders: new Map() };
    for (const entry of unitFlows(unit)) {
      const target = entry.flow.respondsTo?.name;
      if (entry.flow.flowKind !== 'responder' || !target) continue;
      const list = index.responders.get(target);
      if (list) list.push(entry);
      else index.responders.set(target, [entry]);
    }
    indexCache.set(unit, index);
  }
  return index;
}

export const ResponderPairsRule: Rule = (context) => ({
  FlowDecl(node) {
    const name = node.name.name;
    if (node.flowKind === 'responder') {
      if (!node.respondsTo) {
        context.report(
          IssueCodes.NotInitiating,
          node.name.loc,
          `Responder flow "${name}" must say which initiating flow it answers: "responder flow ${name}(session: Session) for InitiatorFlow".`,
        );
      } else {
        const target = context.typeInfo.symbolOf(node.respondsTo);
        if (target && (target.kind !== 'flow' || target.decl.flowKind !== 'initiating')) {
          const what =
            target.kind === 'flow'
              ? `a${target.decl.flowKind === 'inline' ? 'n inline' : ' responder'} flow`
              : 'not a flow';
          context.report(
            IssueCodes.NotInitiating,
            node.respondsTo.loc,
            `"${target.name}" is ${what}, so nothing can answer it: a responder must name an "initiating flow".`,
            'origin' in target
              ? { related: [context.related(target.origin, `"${target.name}" is declared here.`)] }
              : undefined,
          );
        }
        const others = responderIndex(context.unit).responders.get(node.respondsTo.name) ?? [];
        const first = others[0];
        if (first && first.flow !== node && target?.kind === 'flow') {
          context.report(
            IssueCodes.DuplicateDeclaration,
            node.respondsTo.loc,
            `Flow "${node.respondsTo.name}" already has the responder "${first.flow.name.name}"; a CorDapp has one responder per initiating flow.`,
            {
              related: [
                context.related({ file: first.file, loc: first.flow.name.loc }, 'The first responder.'),
              ],
            },
          );
        }
      }
      const first = node.params[0];
      const firstType = first ? context.typeInfo.typeRefs.get(first.type) : undefined;
      if (
        !first ||
        (firstType &&
          firstType.kind !== 'error' &&
          !(firstType.kind === 'primitive' && firstType.name === 'Session'))
      ) {
        context.report(
          IssueCodes.TypeMismatch,
          first ? first.type.loc : node.name.loc,
          `The first parameter of responder flow "${name}" must be the session with its initiator: "(session: Session)".`,
        );
      }
    } else if (node.respondsTo) {
      context.report(
        IssueCodes.NotInitiating,
        node.respondsTo.loc,
        `Only a responder flow answers another flow: write "responder flow ${name}(...) for ${node.respondsTo.name}".`,
      );
    }
    if (
      node.flowKind === 'initiating' &&
      name !== '' &&
      !context.unit.files.some((f) => f.syntaxDiagnostics.length > 0)
    ) {
      if (!responderIndex(context.unit).responders.has(name)) {
        context.report(
          IssueCodes.MissingResponder,
          node.name.loc,
          `Initiating flow "${name}" has no responder in this CorDapp: add "responder flow ${name}Responder(session: Session) for ${name} { ... }".`,
        );
      }
    }
  },
});
