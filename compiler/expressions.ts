/**
 * `.flow` expressions to JavaScript. Generated code runs inside XState actions and guards as
 * `(c, e) => ...` where `c` is the flow context (variables by their unique names), `e` the event, `h` the host
 * module and `rt` the run-time helpers (`runtime/values.ts`). Suspending sub-expressions (`receive`, `call`, ...)
 * were hoisted by lowering into variables, passed in `hoisted`.
 */
import type * as A from '../language/ast.js';
import { printExpression, type TypeInfo } from '../language/index.js';
import type { Symbol } from '../language/checker/symbols.js';
import { isPrimitive, type Type } from '../language/types.js';
import type { IRExpression } from './ir.js';

const DURATION_MS: Record<A.DurationUnit, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export interface ExpressionScope {
  typeInfo: TypeInfo;
  /** The unique context name of a local (parameter, `let`, `var`, loop or catch variable). */
  localName(symbol: Symbol): string;
  /** Suspending sub-expressions already lowered into variables. */
  hoisted: ReadonlyMap<A.Expression, string>;
}

export function compileExpression(e: A.Expression, scope: ExpressionScope): IRExpression {
  return { js: new ExpressionCompiler(scope).compile(e), text: printExpression(e) };
}

export function durationMs(e: A.DurationLiteral): number {
  return Number(e.amount) * DURATION_MS[e.unit];
}

function prop(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

class ExpressionCompiler {
  constructor(private readonly scope: ExpressionScope) {}

  private typeOf(e: A.Expression): Type {
    return this.scope.typeInfo.typeOf(e);
  }

  compile(e: A.Expression): string {
    const hoisted = this.scope.hoisted.get(e);
    if (hoisted !== undefined) return `c${prop(hoisted)}`;
    switch (e.kind) {
      case 'IntLiteral':
      case 'DecimalLiteral':
        return e.value;
      case 'BoolLiteral':
        return String(e.value);
      case 'DurationLiteral':
        return String(durationMs(e));
      case 'StringLiteral':
        return this.string(e);
      case 'MeExpression':
        return 'c.$me';
      case 'ListExpression':
        return `[${e.elements.map((x) => this.compile(x)).join(', ')}]`;
      case 'RecordExpression':
        return this.record(e);
      case 'NameExpression': {
        const symbol = this.scope.typeInfo.symbolOf(e);
        if (symbol?.kind !== 'local') throw new Error(`"${e.name.name}" is not a value (line ${e.loc.line})`);
        return `c${prop(this.scope.localName(symbol))}`;
      }
      case 'MemberExpression':
        return this.member(e);
      case 'CallExpression':
        return this.call(e);
      case 'UnaryExpression': {
        const operand = this.compile(e.operand);
        if (e.operator === '!') return `(!${operand})`;
        return isPrimitive(this.typeOf(e.operand), 'Amount') ? `rt.amountNeg(${operand})` : `(-${operand})`;
      }
      case 'BinaryExpression':
        return this.binary(e);
      case 'ReceiveExpression':
      case 'CallFlowExpression':
      case 'AwaitInputExpression':
      case 'AwaitExpression':
      case 'OpenExpression':
        throw new Error(`a suspending expression was not hoisted (line ${e.loc.line})`);
      case 'ErrorExpression':
        throw new Error(`cannot compile an incomplete expression (line ${e.loc.line})`);
    }
  }

  private string(e: A.StringLiteral): string {
    const parts = e.parts.map((p) =>
      typeof p === 'string' ? JSON.stringify(p) : `rt.show(${this.compile(p)})`,
    );
    if (parts.length === 0) return '""';
    return parts.length === 1 && typeof e.parts[0] === 'string' ? parts[0]! : `(${parts.join(' + ')})`;
  }

  private record(e: A.RecordExpression): string {
    const type = this.typeOf(e);
    // fields in declaration order, so the same record always serialises to the same JSON
    const order = type.kind === 'record' ? type.fields.map((f) => f.name) : e.fields.map((f) => f.name.name);
    const byName = new Map(e.fields.map((f) => [f.name.name, f]));
    const fields = order.flatMap((name) => {
      const field = byName.get(name);
      return field ? [`${JSON.stringify(name)}: ${this.compile(field.value)}`] : [];
    });
    return `{ ${fields.join(', ')} }`;
  }

  private member(e: A.MemberExpression): string {
    const name = e.member.name;
    const objectSymbol =
      e.object.kind === 'NameExpression' ? this.scope.typeInfo.symbolOf(e.object) : undefined;
    if (objectSymbol && (objectSymbol.kind === 'enum' || objectSymbol.kind === 'hostType'))
      return JSON.stringify(name);
    const object = this.compile(e.object);
    const type = this.typeOf(e.object);
    if (type.kind === 'list' && name === 'size') return `${object}.length`;
    if (type.kind === 'primitive') {
      if (type.name === 'String' && name === 'length') return `${object}.length`;
      if (type.name === 'Party' && name === 'name') return object;
      if (type.name === 'Duration' && name === 'millis') return object;
    }
    return `${object}${prop(name)}`;
  }

  private call(e: A.CallExpression): string {
    const symbol = e.callee.kind === 'NameExpression' ? this.scope.typeInfo.symbolOf(e.callee) : undefined;
    const args = e.args.map((a) => this.compile(a));
    if (symbol?.kind === 'builtinFunction') {
      if (symbol.name === 'now') return 'rt.now(e)';
      return `rt.${symbol.name}(${args.join(', ')})`;
    }
    if (symbol?.kind === 'hostFunction') {
      const all = symbol.fn.context ? ['ctx(c)', ...args] : args;
      return `h${prop(symbol.name)}(${all.join(', ')})`;
    }
    throw new Error(`cannot call "${printExpression(e.callee)}" (line ${e.loc.line})`);
  }

  private binary(e: A.BinaryExpression): string {
    const left = this.typeOf(e.left);
    const right = this.typeOf(e.right);
    const l = this.compile(e.left);
    const r = this.compile(e.right);
    const amount = (t: Type): boolean => isPrimitive(t, 'Amount');
    const structured = (t: Type): boolean =>
      t.kind === 'record' || t.kind === 'list' || amount(t) || t.kind === 'opaque';
    switch (e.operator) {
      case '&&':
      case '||':
        return `(${l} ${e.operator} ${r})`;
      case '==':
      case '!=': {
        if (structured(left) || structured(right))
          return `${e.operator === '!=' ? '!' : ''}rt.eq(${l}, ${r})`;
        return `(${l} ${e.operator}= ${r})`;
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (amount(left)) return `(rt.amountCmp(${l}, ${r}) ${e.operator} 0)`;
        return `(${l} ${e.operator} ${r})`;
      case '+':
        if (isPrimitive(left, 'String') || isPrimitive(right, 'String'))
          return `(rt.show(${l}) + rt.show(${r}))`;
        if (amount(left)) return `rt.amountAdd(${l}, ${r})`;
        return `(${l} + ${r})`;
      case '-':
        if (amount(left)) return `rt.amountSub(${l}, ${r})`;
        return `(${l} - ${r})`;
      case '*':
        if (amount(left)) return `rt.amountScale(${l}, ${r})`;
        if (amount(right)) return `rt.amountScale(${r}, ${l})`;
        return `(${l} * ${r})`;
      case '/':
        if (amount(left)) return `rt.amountScale(${l}, rt.div(1, ${r}))`;
        if (isPrimitive(left, 'Int') && isPrimitive(right, 'Int')) return `rt.intDiv(${l}, ${r})`;
        if (isPrimitive(left, 'Duration')) return `rt.intDiv(${l}, ${r})`;
        return `rt.div(${l}, ${r})`;
      case '%':
        return `rt.mod(${l}, ${r})`;
    }
  }
}
