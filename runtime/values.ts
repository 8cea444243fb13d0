/**
 * Run-time helpers that generated flow code calls as `rt.*`: value display for string interpolation, deep
 * equality, and Amount arithmetic. Values are JSON: Int and Decimal are numbers, Party and Session strings,
 * Duration milliseconds, Instant epoch milliseconds, Amount `{ quantity, currency }`, enums their member name.
 */

export interface Amount {
  quantity: number;
  currency: string;
}

/**
 * A run-time error in a flow's own computation (division by zero, amounts of different currencies). Like an
 * unexpected exception in Corda flow code it is not a FlowError: `catch` does not see it. It is thrown out of
 * XState's `transition()` before anything is persisted, and the runtime sends the flow to the hospital, at the
 * `.flow` location of the state it was in.
 */
export class FlowRuntimeError extends Error {
  override name = 'FlowRuntimeError';
}

function isAmount(value: unknown): value is Amount {
  return typeof value === 'object' && value !== null && 'quantity' in value && 'currency' in value;
}

export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (isAmount(value)) return `${value.quantity} ${value.currency}`;
  return JSON.stringify(value);
}

export function eq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => eq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function sameCurrency(a: Amount, b: Amount, op: string): void {
  if (a.currency !== b.currency) {
    throw new FlowRuntimeError(`Cannot ${op} amounts in different currencies: ${show(a)} and ${show(b)}.`);
  }
}

export function amountAdd(a: Amount, b: Amount): Amount {
  sameCurrency(a, b, 'add');
  return { quantity: a.quantity + b.quantity, currency: a.currency };
}

export function amountSub(a: Amount, b: Amount): Amount {
  sameCurrency(a, b, 'subtract');
  return { quantity: a.quantity - b.quantity, currency: a.currency };
}

export function amountScale(a: Amount, factor: number): Amount {
  return { quantity: a.quantity * factor, currency: a.currency };
}

export function amountNeg(a: Amount): Amount {
  return { quantity: -a.quantity, currency: a.currency };
}

export function amountCmp(a: Amount, b: Amount): number {
  sameCurrency(a, b, 'compare');
  return a.quantity - b.quantity;
}

export function amount(quantity: number, currency: string): Amount {
  return { quantity, currency };
}

/** `now()`: the time stamped on the event being handled, so a replayed transition computes the same value. */
export function now(event: { at?: number; input?: { at?: number } }): number {
  const at = event.at ?? event.input?.at;
  if (at === undefined)
    throw new Error('The event carries no time ("at"): the runtime must stamp every event.');
  return at;
}

export function intDiv(a: number, b: number): number {
  if (b === 0) throw new FlowRuntimeError('Division by zero.');
  return Math.trunc(a / b);
}

export function div(a: number, b: number): number {
  if (b === 0) throw new FlowRuntimeError('Division by zero.');
  return a / b;
}

export function mod(a: number, b: number): number {
  if (b === 0) throw new FlowRuntimeError('Division by zero.');
  return a % b;
}

/** The helpers as one object, the `rt` that generated code receives. */
export const runtimeHelpers = {
  show,
  eq,
  amountAdd,
  amountSub,
  amountScale,
  amountNeg,
  amountCmp,
  amount,
  now,
  intDiv,
  div,
  mod,
};

export type RuntimeHelpers = typeof runtimeHelpers;
