/** `type-mismatch`: a value of one type where another is required. */
import type { Expression, FlowDecl, SourceLocation } from '../../ast.js';
import { IssueCodes } from '../../diagnostics.js';
import { isAssignable, isErrorType, T, typeToString, type Type } from '../../types.js';
import { binaryResultType, unaryResultType } from '../builtins.js';
import { describeSymbol } from '../symbols.js';
import type { Rule, RuleContext } from './context.js';

function expect(context: RuleContext, e: Expression, expected: Type, what: string): void {
  const actual = context.typeInfo.typeOf(e);
  if (isErrorType(actual) || isAssignable(actual, expected)) return;
  context.report(
    IssueCodes.TypeMismatch,
    e.loc,
    `${what} must be ${article(typeToString(expected))}, but this is ${article(typeToString(actual))}.`,
  );
}

function article(typeName: string): string {
  if (typeName === 'Unit') return 'nothing (it has no value)';
  return `${/^[AEIOU]/.test(typeName) ? 'an' : 'a'} ${typeName}`;
}

export const TypeCompatibilityRule: Rule = (context) => {
  const typeOf = (e: Expression): Type => context.typeInfo.typeOf(e);
  const flows: FlowDecl[] = [];
  const mismatch = (range: SourceLocation, message: string): void =>
    context.report(IssueCodes.TypeMismatch, range, message);

  return {
    FlowDecl: {
      enter(node) {
        flows.push(node);
      },
      leave() {
        flows.pop();
      },
    },
    LetStatement(node) {
      const init = typeOf(node.init);
      if (init.kind === 'unit') {
        mismatch(node.init.loc, `"${node.name.name}" cannot be given this value: it produces nothing.`);
        return;
      }
      if (node.type) {
        expect(
          context,
          node.init,
          context.typeInfo.typeRefs.get(node.type) ?? T.error,
          `The value of "${node.name.name}"`,
        );
      }
    },
    AssignStatement(node) {
      const target = typeOf(node.target);
      if (isErrorType(target)) return;
      expect(context, node.value, target, 'The assigned value');
    },
    SendStatement(node) {
      expect(context, node.session, T.Session, 'The target of "send"');
      const value = typeOf(node.value);
      if (value.kind === 'unit')
        mismatch(node.value.loc, 'There is nothing to send: this expression has no value.');
      else if (value.kind === 'primitive' && value.name === 'Session') {
        mismatch(
          node.value.loc,
          'A session cannot be sent to another node; send the party and open a session there.',
        );
      }
    },
    ReturnStatement(node) {
      const flow = flows[flows.length - 1];
      if (!flow) return;
      const expected = flow.returnType ? context.typeInfo.typeRefs.get(flow.returnType) : undefined;
      if (!flow.returnType && node.value) {
        mismatch(
          node.value.loc,
          `Flow "${flow.name.name}" declares no result: add "-> Type" to its header or return nothing.`,
        );
      } else if (flow.returnType && !node.value) {
        mismatch(
          node.loc,
          `Flow "${flow.name.name}" must return ${article(typeToString(expected ?? T.error))}.`,
        );
      } else if (node.value && expected) {
        expect(context, node.value, expected, `The result of flow "${flow.name.name}"`);
      }
    },
    RequireStatement(node) {
      expect(context, node.condition, T.Bool, 'The condition of "require"');
      expect(context, node.message, T.String, 'The message of "require"');
    },
    FailStatement(node) {
      expect(context, node.message, T.String, 'The message of "fail"');
    },
    IfStatement(node) {
      expect(context, node.condition, T.Bool, 'The condition of "if"');
    },
    ForStatement(node) {
      const iterable = typeOf(node.iterable);
      if (!isErrorType(iterable) && iterable.kind !== 'list') {
        mismatch(
          node.iterable.loc,
          `"for" needs a list to go through, but this is ${article(typeToString(iterable))}.`,
        );
      }
    },
    SleepStatement(node) {
      if (node.until) expect(context, node.value, T.Instant, 'The time of "sleep until"');
      else expect(context, node.value, T.Duration, 'The length of "sleep"');
    },
    CloseStatement(node) {
      expect(context, node.session, T.Session, 'The target of "close"');
    },
    ListExpression(node) {
      const list = typeOf(node);
      if (list.kind !== 'list' || list.element.kind !== 'error') return;
      const first = node.elements.find((e) => !isErrorType(typeOf(e)));
      if (!first) return;
      const firstType = typeOf(first);
      for (const element of node.elements) {
        const type = typeOf(element);
        if (!isErrorType(type) && !isAssignable(type, firstType) && !isAssignable(firstType, type)) {
          mismatch(
            element.loc,
            `All elements of a list must have one type: this is ${article(typeToString(type))}, the first is ${article(typeToString(firstType))}.`,
          );
          return;
        }
      }
    },
    RecordExpression(node) {
      const type = typeOf(node);
      const symbol = context.typeInfo.symbolOf(node);
      if (type.kind !== 'record' && symbol) {
        mismatch(
          node.type.loc,
          `${describeSymbol(symbol).replace(/^./, (c) => c.toUpperCase())} is not a record: only a message or a host record type can be built with "${symbol.name} { field: value }".`,
        );
      }
      if (type.kind !== 'record') return;
      for (const field of node.fields) {
        const declared = type.fields.find((f) => f.name === field.name.name);
        if (declared)
          expect(context, field.value, declared.type, `Field "${field.name.name}" of "${type.name}"`);
      }
      const missing = type.fields
        .filter((f) => !node.fields.some((g) => g.name.name === f.name))
        .map((f) => f.name);
      if (missing.length > 0) {
        mismatch(
          node.type.loc,
          `"${type.name}" needs a value for ${missing.map((m) => `"${m}"`).join(', ')}: add ${missing.map((m) => `"${m}: value"`).join(', ')}.`,
        );
      }
    },
    UnaryExpression(node) {
      const operand = typeOf(node.operand);
      if (unaryResultType(node.operator, operand) === undefined) {
        mismatch(
          node.loc,
          `Operator "${node.operator}" cannot be applied to ${article(typeToString(operand))}.`,
        );
      }
    },
    BinaryExpression(node) {
      const left = typeOf(node.left);
      const right = typeOf(node.right);
      if (binaryResultType(node.operator, left, right) === undefined) {
        mismatch(
          node.loc,
          `Operator "${node.operator}" cannot be applied to ${article(typeToString(left))} and ${article(typeToString(right))}.`,
        );
      }
    },
    CallExpression(node) {
      const symbol =
        node.callee.kind === 'NameExpression' ? context.typeInfo.symbolOf(node.callee) : undefined;
      if (symbol?.kind !== 'hostFunction' && symbol?.kind !== 'builtinFunction') return;
      symbol.fn.params.forEach((param, i) => {
        const arg = node.args[i];
        if (arg) expect(context, arg, param.type, `Argument "${param.name}" of "${symbol.name}"`);
      });
    },
    CallFlowExpression(node) {
      const symbol = context.typeInfo.symbolOf(node);
      if (symbol?.kind !== 'flow') return;
      symbol.decl.params.forEach((param, i) => {
        const arg = node.args[i];
        const expected = context.typeInfo.typeRefs.get(param.type);
        if (arg && expected)
          expect(context, arg, expected, `Argument "${param.name.name}" of flow "${symbol.name}"`);
      });
    },
    ReceiveExpression(node) {
      expect(context, node.session, T.Session, 'The source of "receive"');
      if (node.within) expect(context, node.within, T.Duration, 'The time limit of "receive"');
    },
    AwaitInputExpression(node) {
      if (node.within) expect(context, node.within, T.Duration, 'The time limit of "await input"');
    },
    AwaitExpression(node) {
      if (node.retry) expect(context, node.retry, T.Int, 'The retry count');
      if (node.backoff) expect(context, node.backoff, T.Duration, 'The backoff');
    },
    OpenExpression(node) {
      expect(context, node.party, T.Party, 'The counterparty of "open"');
    },
    TypeRef(node) {
      const name = node.name.name;
      if (name === 'List') {
        if (node.args.length !== 1) mismatch(node.loc, '"List" takes one type argument, as in "List<Int>".');
        return;
      }
      const symbol = context.typeInfo.symbolOf(node);
      // host types may be generic (`StateAndRef<T>`); the DSL's own types never are
      if (node.args.length > 0 && symbol && symbol.kind !== 'hostType') {
        mismatch(node.loc, `"${name}" takes no type arguments.`);
      }
    },
    Annotation(node) {
      if (node.name.name !== 'version') return;
      const arg = node.args[0];
      if (!arg) return;
      if (arg.kind !== 'IntLiteral' || Number(arg.value) < 1) {
        mismatch(arg.loc, 'The protocol version must be a whole number from 1 up, as in "@version(2)".');
      }
    },
  };
};
