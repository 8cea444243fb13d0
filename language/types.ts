/** The checker's types. Plain data, so the designer and the compiler can read them too. */

export const PRIMITIVE_TYPE_NAMES = [
  'Int',
  'Decimal',
  'Bool',
  'String',
  'Duration',
  'Instant',
  'Party',
  'Session',
  'SecureHash',
  'Amount',
  'FlowError',
] as const;

export type PrimitiveName = (typeof PRIMITIVE_TYPE_NAMES)[number];

export interface RecordFieldType {
  name: string;
  type: Type;
}

export type Type =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'list'; element: Type }
  /** A `message` declared in `.flow`, or an interface from a host module. */
  | { kind: 'record'; name: string; fields: RecordFieldType[]; origin: 'message' | 'host' }
  | { kind: 'enum'; name: string; members: string[] }
  /** A host type the checker cannot look into (a class, or a type with no DSL equivalent). */
  | { kind: 'opaque'; name: string; args: Type[] }
  /** What a statement-level call or a flow without a result produces. */
  | { kind: 'unit' }
  /** Empty lists start as `List<Nothing>`; `Nothing` fits every type. */
  | { kind: 'nothing' }
  /** Where an error was already reported: fits everything and reports nothing more. */
  | { kind: 'error' };

export const T = {
  Int: { kind: 'primitive', name: 'Int' } as Type,
  Decimal: { kind: 'primitive', name: 'Decimal' } as Type,
  Bool: { kind: 'primitive', name: 'Bool' } as Type,
  String: { kind: 'primitive', name: 'String' } as Type,
  Duration: { kind: 'primitive', name: 'Duration' } as Type,
  Instant: { kind: 'primitive', name: 'Instant' } as Type,
  Party: { kind: 'primitive', name: 'Party' } as Type,
  Session: { kind: 'primitive', name: 'Session' } as Type,
  SecureHash: { kind: 'primitive', name: 'SecureHash' } as Type,
  Amount: { kind: 'primitive', name: 'Amount' } as Type,
  FlowError: { kind: 'primitive', name: 'FlowError' } as Type,
  unit: { kind: 'unit' } as Type,
  nothing: { kind: 'nothing' } as Type,
  error: { kind: 'error' } as Type,
  list: (element: Type): Type => ({ kind: 'list', element }),
};

export function isPrimitive(type: Type, name: PrimitiveName): boolean {
  return type.kind === 'primitive' && type.name === name;
}

export function isNumeric(type: Type): boolean {
  return isPrimitive(type, 'Int') || isPrimitive(type, 'Decimal');
}

/** True when a value of type `from` may be used where `to` is expected. */
export function isAssignable(from: Type, to: Type): boolean {
  if (from.kind === 'error' || to.kind === 'error' || from.kind === 'nothing') return true;
  switch (to.kind) {
    case 'primitive':
      if (from.kind !== 'primitive') return false;
      return from.name === to.name || (from.name === 'Int' && to.name === 'Decimal');
    case 'list':
      return from.kind === 'list' && isAssignable(from.element, to.element);
    case 'record':
    case 'enum':
      return from.kind === to.kind && from.name === to.name;
    case 'opaque':
      return (
        from.kind === 'opaque' &&
        from.name === to.name &&
        from.args.length === to.args.length &&
        from.args.every((arg, i) => isSameType(arg, to.args[i]!))
      );
    case 'unit':
      return from.kind === 'unit';
    case 'nothing':
      return false;
  }
}

export function isSameType(a: Type, b: Type): boolean {
  return isAssignable(a, b) && isAssignable(b, a);
}

/** The narrowest type both may be widened to, or undefined (used for list literals and `if` results). */
export function commonType(a: Type, b: Type): Type | undefined {
  if (isAssignable(a, b)) return b.kind === 'nothing' ? a : b;
  if (isAssignable(b, a)) return a;
  return undefined;
}

/** True when the type carries no information worth reporting about (after an earlier error). */
export function isErrorType(type: Type): boolean {
  return type.kind === 'error' || (type.kind === 'list' && isErrorType(type.element));
}

export function typeToString(type: Type): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'list':
      return `List<${typeToString(type.element)}>`;
    case 'record':
    case 'enum':
      return type.name;
    case 'opaque':
      return type.args.length ? `${type.name}<${type.args.map(typeToString).join(', ')}>` : type.name;
    case 'unit':
      return 'Unit';
    case 'nothing':
      return 'Nothing';
    case 'error':
      return '<error>';
  }
}
