/**
 * Checks a JSON value against a `.flow` type written as text (`Int`, `List<Offer>`, `Offer`), with the CorDapp's
 * record and enum definitions: flow parameters, answers to human input and received messages all pass through
 * here before a flow sees them. Values are JSON as `runtime/values.ts` describes.
 */
import type { TypeDefinition } from './cordapp.js';

export type TypeDefinitions = Record<string, TypeDefinition>;

/** Why `value` is not a `type`, as a phrase ("expected Int, got "3""), or undefined when it is one. */
export function valueProblem(
  value: unknown,
  type: string,
  types: TypeDefinitions,
  at = '',
): string | undefined {
  const where = at ? ` at ${at}` : '';
  const expected = (what: string): string => `expected ${what}${where}, got ${describe(value)}`;
  const list = /^List<(.*)>$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) return expected(type);
    for (const [i, element] of value.entries()) {
      const problem = valueProblem(element, list[1]!, types, `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  switch (type) {
    case 'Int':
      return Number.isSafeInteger(value) ? undefined : expected('an Int (a whole number)');
    case 'Decimal':
    case 'Duration':
    case 'Instant':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : expected(`a ${type} (a number)`);
    case 'Bool':
      return typeof value === 'boolean' ? undefined : expected('a Bool (true or false)');
    case 'String':
    case 'Party':
    case 'Session':
    case 'SecureHash':
      return typeof value === 'string' ? undefined : expected(`a ${type} (a string)`);
    case 'Amount':
      return isObject(value) &&
        typeof value['quantity'] === 'number' &&
        Number.isFinite(value['quantity']) &&
        typeof value['currency'] === 'string'
        ? undefined
        : expected('an Amount ({ "quantity": number, "currency": string })');
    case 'FlowError':
      return isObject(value) && typeof value['message'] === 'string'
        ? undefined
        : expected('a FlowError ({ "message": string })');
    case 'Unit':
    case 'Nothing':
      return undefined;
  }
  const definition = types[type];
  if (!definition || definition.kind === 'opaque') return undefined;
  if (definition.kind === 'enum') {
    return typeof value === 'string' && definition.members.includes(value)
      ? undefined
      : expected(`one of ${definition.members.map((m) => `"${m}"`).join(', ')}`);
  }
  if (!isObject(value)) return expected(`a ${type} record`);
  for (const field of definition.fields) {
    const path = at ? `${at}.${field.name}` : field.name;
    if (!(field.name in value)) return `missing field "${path}" (${field.type}) of ${type}`;
    const problem = valueProblem(value[field.name], field.type, types, path);
    if (problem) return problem;
  }
  const extra = Object.keys(value).find((k) => !definition.fields.some((f) => f.name === k));
  return extra ? `unknown field "${at ? `${at}.${extra}` : extra}" in ${type}` : undefined;
}

/**
 * Whether a message sent as `sent` may be received as `expected`: the same type, an Int where a Decimal is
 * expected, an empty list literal (`List<Nothing>`) as any list.
 */
export function typeFits(sent: string, expected: string): boolean {
  if (sent === expected) return true;
  if (sent === 'Int' && expected === 'Decimal') return true;
  if (sent === 'Nothing') return true;
  const a = /^List<(.*)>$/.exec(sent);
  const b = /^List<(.*)>$/.exec(expected);
  return a !== null && b !== null && typeFits(a[1]!, b[1]!);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
