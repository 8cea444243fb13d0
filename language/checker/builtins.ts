/** Built-in types, members, functions and operator typing of the v1 language. */
import type { BinaryOperator, UnaryOperator } from '../ast.js';
import type { HostFunction } from '../hostModules.js';
import { isAssignable, isNumeric, isPrimitive, PRIMITIVE_TYPE_NAMES, T, type Type } from '../types.js';
import type { Symbol } from './symbols.js';

export const BUILTIN_TYPES: ReadonlyMap<string, Symbol> = new Map(
  PRIMITIVE_TYPE_NAMES.map((name): [string, Symbol] => [
    name,
    { kind: 'builtinType', name, type: { kind: 'primitive', name } },
  ]),
);

/** `List<T>` is the one generic built-in type. */
export const GENERIC_BUILTINS: ReadonlyMap<string, number> = new Map([['List', 1]]);

function fn(name: string, params: [string, Type][], result: Type): HostFunction {
  return {
    name,
    params: params.map(([n, type]) => ({ name: n, type, optional: false })),
    result,
    async: false,
  };
}

export const BUILTIN_FUNCTIONS: ReadonlyMap<string, Symbol> = new Map(
  [
    fn('now', [], T.Instant),
    fn(
      'amount',
      [
        ['quantity', T.Decimal],
        ['currency', T.String],
      ],
      T.Amount,
    ),
  ].map((f): [string, Symbol] => [f.name, { kind: 'builtinFunction', name: f.name, fn: f }]),
);

/** Members of built-in types (`xs.size`, `party.name`, `error.message`). */
export function builtinMember(type: Type, member: string): Type | undefined {
  if (type.kind === 'list') return member === 'size' ? T.Int : undefined;
  if (type.kind !== 'primitive') return undefined;
  const members: Partial<Record<string, Record<string, Type>>> = {
    String: { length: T.Int },
    Party: { name: T.String },
    FlowError: { message: T.String },
    Amount: { quantity: T.Decimal, currency: T.String },
    Duration: { millis: T.Int },
    Session: { version: T.Int },
  };
  return members[type.name]?.[member];
}

export function builtinMemberNames(type: Type): string[] {
  if (type.kind === 'list') return ['size'];
  if (type.kind !== 'primitive') return [];
  return (
    {
      String: ['length'],
      Party: ['name'],
      FlowError: ['message'],
      Amount: ['quantity', 'currency'],
      Duration: ['millis'],
      Session: ['version'],
    }[type.name as string] ?? []
  );
}

function numericResult(a: Type, b: Type): Type {
  return isPrimitive(a, 'Int') && isPrimitive(b, 'Int') ? T.Int : T.Decimal;
}

const ORDERED = ['Amount', 'Duration', 'Instant', 'String'] as const;

/** The type of `left op right`, or undefined when the operator does not apply to those types. */
export function binaryResultType(op: BinaryOperator, left: Type, right: Type): Type | undefined {
  if (left.kind === 'error' || right.kind === 'error') return op === '==' || op === '!=' ? T.Bool : T.error;
  const both = (name: 'Amount' | 'Duration' | 'Instant' | 'String'): boolean =>
    isPrimitive(left, name) && isPrimitive(right, name);
  switch (op) {
    case '&&':
    case '||':
      return isPrimitive(left, 'Bool') && isPrimitive(right, 'Bool') ? T.Bool : undefined;
    case '==':
    case '!=':
      return isAssignable(left, right) || isAssignable(right, left) ? T.Bool : undefined;
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (isNumeric(left) && isNumeric(right)) || ORDERED.some(both) ? T.Bool : undefined;
    case '+':
      if (isPrimitive(left, 'String') || isPrimitive(right, 'String')) return T.String;
      if (isNumeric(left) && isNumeric(right)) return numericResult(left, right);
      if (both('Amount')) return T.Amount;
      if (both('Duration')) return T.Duration;
      if (isPrimitive(left, 'Instant') && isPrimitive(right, 'Duration')) return T.Instant;
      if (isPrimitive(left, 'Duration') && isPrimitive(right, 'Instant')) return T.Instant;
      return undefined;
    case '-':
      if (isNumeric(left) && isNumeric(right)) return numericResult(left, right);
      if (both('Amount')) return T.Amount;
      if (both('Duration')) return T.Duration;
      if (isPrimitive(left, 'Instant') && isPrimitive(right, 'Duration')) return T.Instant;
      if (both('Instant')) return T.Duration;
      return undefined;
    case '*':
      if (isNumeric(left) && isNumeric(right)) return numericResult(left, right);
      if (isPrimitive(left, 'Amount') && isNumeric(right)) return T.Amount;
      if (isNumeric(left) && isPrimitive(right, 'Amount')) return T.Amount;
      if (isPrimitive(left, 'Duration') && isPrimitive(right, 'Int')) return T.Duration;
      if (isPrimitive(left, 'Int') && isPrimitive(right, 'Duration')) return T.Duration;
      return undefined;
    case '/':
      if (isNumeric(left) && isNumeric(right)) return numericResult(left, right);
      if (isPrimitive(left, 'Amount') && isNumeric(right)) return T.Amount;
      if (isPrimitive(left, 'Duration') && isPrimitive(right, 'Int')) return T.Duration;
      return undefined;
    case '%':
      return isPrimitive(left, 'Int') && isPrimitive(right, 'Int') ? T.Int : undefined;
  }
}

export function unaryResultType(op: UnaryOperator, operand: Type): Type | undefined {
  if (operand.kind === 'error') return T.error;
  if (op === '!') return isPrimitive(operand, 'Bool') ? T.Bool : undefined;
  if (isNumeric(operand) || isPrimitive(operand, 'Amount') || isPrimitive(operand, 'Duration'))
    return operand;
  return undefined;
}

export const KNOWN_ANNOTATIONS: ReadonlyMap<string, string> = new Map([
  ['startable', 'the node owner may start the flow with one message (RPC or CLI)'],
  ['version', 'the protocol version of an initiating flow: @version(2)'],
  ['idempotent', 'the flow may be replayed from its last checkpoint without harm'],
]);
