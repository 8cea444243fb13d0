/**
 * `invalid-call`: calls of things that cannot be called that way — a flow without `call`, a responder with
 * `call`, an async host function without `await`, `await` of something that is not an async call, or the wrong
 * number of arguments.
 */
import type { Expression, SourceLocation } from '../../ast.js';
import { IssueCodes } from '../../diagnostics.js';
import type { HostFunction } from '../../hostModules.js';
import { describeSymbol } from '../symbols.js';
import type { Rule, RuleContext } from './context.js';

function checkArity(
  context: RuleContext,
  range: SourceLocation,
  what: string,
  params: { optional?: boolean }[],
  args: Expression[],
): void {
  const required = params.filter((p) => !p.optional).length;
  if (args.length >= required && args.length <= params.length) return;
  const expected = required === params.length ? `${params.length}` : `${required} to ${params.length}`;
  context.report(
    IssueCodes.InvalidCall,
    range,
    `${what} takes ${expected} argument${expected === '1' ? '' : 's'}, but ${args.length} ${args.length === 1 ? 'is' : 'are'} given.`,
  );
}

export const CallsRule: Rule = (context) => {
  /** Calls that are the operation of an `await`: the only place an async host function may be called. */
  const awaited = new Set<Expression>();
  const hostFunctionOf = (e: Expression): HostFunction | undefined => {
    if (e.kind !== 'CallExpression' || e.callee.kind !== 'NameExpression') return undefined;
    const symbol = context.typeInfo.symbolOf(e.callee);
    return symbol?.kind === 'hostFunction' || symbol?.kind === 'builtinFunction' ? symbol.fn : undefined;
  };
  return {
    AwaitExpression(node) {
      awaited.add(node.operation);
      const fn = hostFunctionOf(node.operation);
      if (node.operation.kind === 'ErrorExpression') return;
      if (!fn) {
        if (node.operation.kind !== 'CallExpression') {
          context.report(
            IssueCodes.InvalidCall,
            node.operation.loc,
            '"await" needs a call of an async host function, as in "await fetchPrice(id)".',
          );
        }
        return;
      }
      if (!fn.async) {
        context.report(
          IssueCodes.InvalidCall,
          node.operation.loc,
          `"${fn.name}" is not async, so there is nothing to await: call it without "await".`,
        );
      }
    },
    CallExpression(node) {
      const callee = node.callee;
      if (callee.kind !== 'NameExpression') {
        if (callee.kind !== 'ErrorExpression') {
          context.report(
            IssueCodes.InvalidCall,
            callee.loc,
            'Only functions can be called: this is not the name of a function.',
          );
        }
        return;
      }
      const symbol = context.typeInfo.symbolOf(callee);
      if (!symbol) return;
      if (symbol.kind === 'hostFunction' || symbol.kind === 'builtinFunction') {
        checkArity(context, node.loc, `"${symbol.name}"`, symbol.fn.params, node.args);
        if (symbol.fn.async && !awaited.has(node)) {
          context.report(
            IssueCodes.InvalidCall,
            node.loc,
            `"${symbol.name}" is async: run it as an external operation with "await ${symbol.name}(...)", so its result is checkpointed.`,
          );
        }
        return;
      }
      const fix =
        symbol.kind === 'flow'
          ? ` Start it as a sub-flow: "call ${symbol.name}(...)".`
          : symbol.kind === 'message'
            ? ` Build one with "${symbol.name} { field: value }".`
            : '';
      context.report(
        IssueCodes.InvalidCall,
        callee.loc,
        `${capitalize(describeSymbol(symbol))} is not a function.${fix}`,
      );
    },
    CallFlowExpression(node) {
      const symbol = context.typeInfo.symbolOf(node);
      if (!symbol) return;
      if (symbol.kind !== 'flow') {
        context.report(
          IssueCodes.InvalidCall,
          node.flow.loc,
          `${capitalize(describeSymbol(symbol))} is not a flow, so it cannot be started with "call".`,
        );
        return;
      }
      if (symbol.decl.flowKind === 'responder') {
        context.report(
          IssueCodes.InvalidCall,
          node.flow.loc,
          `"${symbol.name}" is a responder flow: it starts when its initiator opens a session and cannot be called.`,
          { related: [context.related(symbol.origin, `"${symbol.name}" is declared here.`)] },
        );
        return;
      }
      checkArity(
        context,
        node.loc,
        `Flow "${symbol.name}"`,
        symbol.decl.params.map(() => ({ optional: false })),
        node.args,
      );
    },
  };
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
