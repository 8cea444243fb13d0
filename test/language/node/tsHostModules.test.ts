import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostFunction, HostModule, HostModules } from '../../../language/hostModules.js';
import { createTsHostModules } from '../../../language/node/tsHostModules.js';
import { T, type Type } from '../../../language/types.js';

const SHARED = `
export type Int = number;
export interface Address { street: string; city: string }
export interface Customer { name: string; address: Address; tags: readonly string[] }
`;

const HOST = `
import type { Customer } from './shared.ts';
import type * as shared from './shared.ts';

export interface FlowContext { flowId: string }
export type Int = number;
export type Status = 'open' | 'closed';
export type Ids = string[];
export interface Line { sku: string; quantity: Int; price: number }
export interface Order { id: string; lines: Line[]; customer: Customer; status: Status; placedAt: Date }
export interface TreeNode { label: string; children: TreeNode[] }
export interface Page<T> { items: T[]; total: Int }
export class Ledger { entries: number[] = []; }
interface Hidden { secret: string }

export function primitives(s: string, b: boolean, n: number, big: bigint, d: Date): string {
  return s;
}
export function count(n: Int, m: shared.Int): Int {
  return n + m;
}
export function lists(a: string[], b: Array<Int>, c: ReadonlyArray<boolean>, d: readonly number[]): Int[][] {
  return [];
}
export async function fetchOrder(ctx: FlowContext, id: string): Promise<Order> {
  throw new Error(id);
}
export const notify = async (ctx: FlowContext, message: string): Promise<void> => {};
export const isBig = async (n: number) => n > 1;
export const repeat = function (x: Int, label?: string, times = 2) {
  return [label ?? ''];
};
export function log(message: string): void {}
export function ledger(): Ledger {
  return new Ledger();
}
export function walk(tree: TreeNode): TreeNode {
  return tree;
}
export function status(): Status {
  return 'open';
}
export function hidden(): Hidden {
  return { secret: '' };
}
export function page(): Page<Order> {
  throw new Error();
}
export function misc(a: any, b: unknown, c: Map<string, Int>): Order | undefined {
  return undefined;
}
export const RATE = 0.2;
`;

let dir: string;
let flowFile: string;
let hosts: HostModules;
let host: HostModule;

function fn(name: string): HostFunction {
  const found = host.functions.get(name);
  if (!found) throw new Error(`no function ${name}`);
  return found;
}

function paramTypes(name: string): Type[] {
  return fn(name).params.map((param) => param.type);
}

const address: Type = {
  kind: 'record',
  name: 'Address',
  origin: 'host',
  fields: [
    { name: 'street', type: T.String },
    { name: 'city', type: T.String },
  ],
};
const customer: Type = {
  kind: 'record',
  name: 'Customer',
  origin: 'host',
  fields: [
    { name: 'name', type: T.String },
    { name: 'address', type: address },
    { name: 'tags', type: T.list(T.String) },
  ],
};
const line: Type = {
  kind: 'record',
  name: 'Line',
  origin: 'host',
  fields: [
    { name: 'sku', type: T.String },
    { name: 'quantity', type: T.Int },
    { name: 'price', type: T.Decimal },
  ],
};
const statusEnum: Type = { kind: 'enum', name: 'Status', members: ['open', 'closed'] };
const order: Type = {
  kind: 'record',
  name: 'Order',
  origin: 'host',
  fields: [
    { name: 'id', type: T.String },
    { name: 'lines', type: T.list(line) },
    { name: 'customer', type: customer },
    { name: 'status', type: statusEnum },
    { name: 'placedAt', type: T.Instant },
  ],
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-host-modules-'));
  writeFileSync(path.join(dir, 'shared.ts'), SHARED);
  writeFileSync(path.join(dir, 'host.ts'), HOST);
  flowFile = path.join(dir, 'order.flow');
  hosts = createTsHostModules();
  const result = hosts.load(flowFile, './host.ts');
  if (!result.ok) throw new Error(result.error);
  host = result.module;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('createTsHostModules: functions', () => {
  it('gives the absolute path of the module', () => {
    expect(host.path).toBe(path.join(dir, 'host.ts'));
  });

  it('maps primitives: string, boolean, number as Decimal, bigint as Int, Date as Instant', () => {
    expect(fn('primitives')).toEqual({
      name: 'primitives',
      params: [
        { name: 's', type: T.String, optional: false },
        { name: 'b', type: T.Bool, optional: false },
        { name: 'n', type: T.Decimal, optional: false },
        { name: 'big', type: T.Int, optional: false },
        { name: 'd', type: T.Instant, optional: false },
      ],
      result: T.String,
      async: false,
    });
  });

  it('maps a reference named Int to Int, also qualified and imported, although it is a number', () => {
    expect(paramTypes('count')).toEqual([T.Int, T.Int]);
    expect(fn('count').result).toEqual(T.Int);
  });

  it('maps arrays in all their spellings to lists', () => {
    expect(paramTypes('lists')).toEqual([T.list(T.String), T.list(T.Int), T.list(T.Bool), T.list(T.Decimal)]);
    expect(fn('lists').result).toEqual(T.list(T.list(T.Int)));
  });

  it('makes a function returning a promise async, and skips the FlowContext parameter', () => {
    expect(fn('fetchOrder')).toEqual({
      name: 'fetchOrder',
      params: [{ name: 'id', type: T.String, optional: false }],
      result: order,
      async: true,
      context: true,
    });
    expect(fn('notify')).toEqual({
      name: 'notify',
      params: [{ name: 'message', type: T.String, optional: false }],
      result: T.unit,
      async: true,
      context: true,
    });
  });

  it('infers the result of a function without a written return type', () => {
    expect(fn('isBig')).toMatchObject({ async: true, result: T.Bool });
    expect(fn('repeat')).toEqual({
      name: 'repeat',
      params: [
        { name: 'x', type: T.Int, optional: false },
        { name: 'label', type: T.String, optional: true },
        { name: 'times', type: T.Decimal, optional: true },
      ],
      result: T.list(T.String),
      async: false,
    });
  });

  it('maps void to unit', () => {
    expect(fn('log')).toMatchObject({ result: T.unit, async: false });
  });

  it('maps a class to an opaque type', () => {
    expect(fn('ledger').result).toEqual({ kind: 'opaque', name: 'Ledger', args: [] });
  });

  it('stops a recursive interface at the recursion point', () => {
    expect(fn('walk').result).toEqual({
      kind: 'record',
      name: 'TreeNode',
      origin: 'host',
      fields: [
        { name: 'label', type: T.String },
        { name: 'children', type: T.list({ kind: 'opaque', name: 'TreeNode', args: [] }) },
      ],
    });
  });

  it('maps a string-literal union alias to an enum', () => {
    expect(fn('status').result).toEqual(statusEnum);
  });

  it('maps an interface that is not exported to a record', () => {
    expect(fn('hidden').result).toEqual({
      kind: 'record',
      name: 'Hidden',
      origin: 'host',
      fields: [{ name: 'secret', type: T.String }],
    });
  });

  it('names a generic instantiation after its arguments and binds them in the fields', () => {
    expect(fn('page').result).toEqual({
      kind: 'record',
      name: 'Page<Order>',
      origin: 'host',
      fields: [
        { name: 'items', type: T.list(order) },
        { name: 'total', type: T.Int },
      ],
    });
  });

  it('maps any, unknown, library types and unions without a DSL equivalent to opaque types', () => {
    expect(paramTypes('misc')).toEqual([
      { kind: 'opaque', name: 'any', args: [] },
      { kind: 'opaque', name: 'unknown', args: [] },
      { kind: 'opaque', name: 'Map', args: [T.String, T.Int] },
    ]);
    expect(fn('misc').result).toEqual({ kind: 'opaque', name: 'Order | undefined', args: [] });
  });

  it('lists only exported functions, not constants or types', () => {
    expect(host.functions.has('RATE')).toBe(false);
    expect(host.functions.has('Order')).toBe(false);
  });
});

describe('createTsHostModules: types', () => {
  it('lists exported interfaces, aliases and classes, mapped', () => {
    expect([...host.types.keys()].sort()).toEqual(
      ['FlowContext', 'Ids', 'Int', 'Ledger', 'Line', 'Order', 'Page', 'Status', 'TreeNode'].sort(),
    );
    expect(host.types.get('Int')).toEqual(T.Int);
    expect(host.types.get('Ids')).toEqual(T.list(T.String));
    expect(host.types.get('Status')).toEqual(statusEnum);
    expect(host.types.get('Order')).toEqual(order);
    expect(host.types.get('Ledger')).toEqual({ kind: 'opaque', name: 'Ledger', args: [] });
  });
});

describe('createTsHostModules: resolution', () => {
  it('reports a missing file with its path, without throwing', () => {
    const result = hosts.load(flowFile, './nope.ts');
    expect(result).toEqual({
      ok: false,
      error: `Cannot find host module "./nope.ts": no file at ${path.join(dir, 'nope.ts')}.`,
    });
  });

  it('tries .ts for a specifier without extension', () => {
    const result = hosts.load(flowFile, './host');
    expect(result.ok && result.module.path).toBe(path.join(dir, 'host.ts'));
  });

  it('resolves relative to the directory of the .flow file, also a cwd-relative one', () => {
    const nested = path.join(dir, 'flows', 'nested');
    mkdirSync(nested, { recursive: true });
    const result = hosts.load(path.join(nested, 'a.flow'), '../../shared.ts');
    expect(result.ok && result.module.path).toBe(path.join(dir, 'shared.ts'));

    const relative = createTsHostModules({ baseDir: dir });
    const fromRelative = relative.load('flows/nested/a.flow', '../../host.ts');
    expect(fromRelative.ok && fromRelative.module.path).toBe(path.join(dir, 'host.ts'));
  });

  it('reports a syntax error as a sentence', () => {
    writeFileSync(path.join(dir, 'broken.ts'), 'export function f(: string {\n');
    const result = hosts.load(flowFile, './broken.ts');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /^Host module "\.\/broken\.ts" \(.*broken\.ts\) has a syntax error: .+\.$/,
    );
  });
});

describe('createTsHostModules: cache', () => {
  function touch(file: string, secondsAhead: number): void {
    const when = new Date(Date.now() + secondsAhead * 1000);
    utimesSync(file, when, when);
  }

  it('returns the same module while the file is unchanged and reads it again once it changes', () => {
    const modules = createTsHostModules();
    const file = path.join(dir, 'cached.ts');
    writeFileSync(file, 'export function first(): string { return ""; }\n');
    const one = modules.load(flowFile, './cached.ts');
    const two = modules.load(flowFile, './cached.ts');
    expect(one.ok).toBe(true);
    expect(two).toBe(one);

    writeFileSync(
      file,
      'export function first(): string { return ""; }\nexport function second(): Int { return 1; }\n',
    );
    touch(file, 10);
    const three = modules.load(flowFile, './cached.ts');
    expect(three).not.toBe(one);
    expect(three.ok && [...three.module.functions.keys()]).toEqual(['first', 'second']);
    expect(three.ok && three.module.functions.get('second')?.result).toEqual(T.Int);
  });

  it('reads a module again when a file it imports types from changes', () => {
    const modules = createTsHostModules();
    const sub = path.join(dir, 'dep');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'model.ts'), 'export interface Item { id: string }\n');
    writeFileSync(
      path.join(sub, 'api.ts'),
      "import type { Item } from './model.ts';\nexport function item(): Item { throw new Error(); }\n",
    );
    const before = modules.load(flowFile, './dep/api.ts');
    expect(before.ok && before.module.functions.get('item')?.result).toMatchObject({
      fields: [{ name: 'id', type: T.String }],
    });

    writeFileSync(path.join(sub, 'model.ts'), 'export interface Item { id: string; size: number }\n');
    touch(path.join(sub, 'model.ts'), 20);
    const after = modules.load(flowFile, './dep/api.ts');
    expect(after).not.toBe(before);
    expect(after.ok && after.module.functions.get('item')?.result).toMatchObject({
      fields: [
        { name: 'id', type: T.String },
        { name: 'size', type: T.Decimal },
      ],
    });
  });
});
