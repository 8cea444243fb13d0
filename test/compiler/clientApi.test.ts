/**
 * The typed client API: the kitchen sink's `flows.d.ts` type-checks with tsc, a client that starts SellerFlow
 * with the right parameters compiles, and one with a wrong argument type does not.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { flowcOk, SLOW, tempDirs } from './helpers.js';

// every test spawns flowc, which takes seconds on a busy machine
vi.setConfig({ testTimeout: SLOW, hookTimeout: SLOW });

const temp = tempDirs();
afterAll(() => temp.cleanup());

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  // the generated declarations are what is under test: never skip them
  skipLibCheck: false,
};

let dir: string;
let previous: ts.Program | undefined;

/** Type-checks `files` (relative to the consumer directory) and returns the diagnostics as `file:line: message`. */
function typeCheck(files: string[]): { errors: string[]; diagnostics: readonly ts.Diagnostic[] } {
  const program = ts.createProgram(
    files.map((f) => path.join(dir, f)),
    OPTIONS,
    ts.createCompilerHost(OPTIONS),
    previous,
  );
  previous = program;
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const errors = diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.basename(d.file.fileName)}:${line + 1}: TS${d.code} ${message}`;
  });
  return { errors, diagnostics };
}

/** Writes a consumer module and type-checks it. */
function compile(name: string, source: string): string[] {
  writeFileSync(path.join(dir, name), source);
  return typeCheck([name]).errors;
}

const GOOD_CALL = `startSellerFlow(client, {
    buyer: 'O=Bob, L=Paris, C=FR',
    assetId: 'ore-1',
    price: { quantity: 100, currency: 'GBP' },
    urgent: false,
  })`;

const WRONG_CALL =
  "startSellerFlow(client, { buyer: 'O=Bob, L=Paris, C=FR', assetId: 'ore-1', price: 100, urgent: false });";

/** The 1-based line of the first occurrence of `text`. */
function lineOf(source: string, text: string): number {
  const index = source.indexOf(text);
  expect(index).toBeGreaterThanOrEqual(0);
  return source.slice(0, index).split('\n').length;
}

function consumer(wrongLine: string): string {
  return `import { startSellerFlow, type FlowsClient, type SellerFlowResult } from './flows.js';

export async function sell(client: FlowsClient): Promise<number> {
  const result: SellerFlowResult = await ${GOOD_CALL};
  ${wrongLine}
  return result;
}
`;
}

describe('flows.d.ts, the typed client API', () => {
  beforeAll(() => {
    const root = temp.make('flowc-client-');
    const out = path.join(root, 'out');
    flowcOk(['build', 'test/fixtures/kitchen-sink', '--out', out]);
    // the client: an ES module package holding the generated declarations
    dir = path.join(root, 'client');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
    copyFileSync(path.join(out, 'flows.d.ts'), path.join(dir, 'flows.d.ts'));
  });

  it('type-checks on its own', () => {
    const { errors } = typeCheck(['flows.d.ts']);
    expect(errors).toEqual([]);
  });

  it('declares the startable flow, its parameters and result, and the CorDapp types', () => {
    const errors = compile(
      'shapes.ts',
      `import type * as api from './flows.js';
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const checks: [
  Equal<api.SellerFlowParams, { buyer: string; assetId: string; price: api.Amount; urgent: boolean }>,
  Equal<api.SellerFlowResult, number>,
  Equal<keyof api.StartableFlows, 'SellerFlow'>,
  Equal<api.Decision, 'Accept' | 'Reject' | 'Counter'>,
  Equal<api.Verdict, 'Accept' | 'Reject'>,
  Equal<api.Priority, 'Low' | 'High'>,
  Equal<api.Offer['legs'], api.Leg[]>,
  Equal<api.Offer['priority'], api.Priority>,
  Equal<ReturnType<typeof api.startSellerFlow>, Promise<number>>,
] = [true, true, true, true, true, true, true, true, true];
export default checks;
`,
    );
    expect(errors).toEqual([]);
  });

  it('accepts startSellerFlow with the right parameters, and a wrong argument type marked @ts-expect-error', () => {
    const errors = compile(
      'client.ts',
      consumer(`// @ts-expect-error price is an Amount, not a number\n  await ${WRONG_CALL}`),
    );
    expect(errors).toEqual([]);
  });

  it('rejects the wrong argument type without the marker', () => {
    const source = consumer(`await ${WRONG_CALL}`);
    const errors = compile('client-unmarked.ts', source);
    expect(errors).toEqual([
      `client-unmarked.ts:${lineOf(source, WRONG_CALL)}: TS2322 Type 'number' is not assignable to type 'Amount'.`,
    ]);
  });

  it('rejects a marker that is not needed: the right call marked @ts-expect-error', () => {
    const source = consumer(`// @ts-expect-error nothing is wrong here\n  await ${GOOD_CALL};`);
    const errors = compile('client-unneeded.ts', source);
    expect(errors).toEqual([
      `client-unneeded.ts:${lineOf(source, 'nothing is wrong here')}: TS2578 Unused '@ts-expect-error' directive.`,
    ]);
  });

  it('rejects other misuses: a missing parameter, an unknown one, a flow that is not startable, a wrong result', () => {
    /** Each wrong line, and a word the error must name. */
    const cases: Record<string, [string, string]> = {
      missing: [
        `await startSellerFlow(client, { buyer: 'O=Bob', assetId: 'a', price: { quantity: 1, currency: 'GBP' } });`,
        "'urgent'",
      ],
      unknown: [
        `await startSellerFlow(client, { buyer: 'O=Bob', assetId: 'a', price: { quantity: 1, currency: 'GBP' }, urgent: true, extra: 1 });`,
        "'extra'",
      ],
      'not startable': [`await client.start('BuyerFlow', { seller: 's1' });`, '"BuyerFlow"'],
      'wrong result': [
        `const text: string = await startSellerFlow(client, {} as never);\n  void text;`,
        "'string'",
      ],
      'wrong enum member': [
        `const decision: import('./flows.js').Decision = 'Maybe';\n  void decision;`,
        '"Maybe"',
      ],
    };
    for (const [what, [line, word]] of Object.entries(cases)) {
      const name = `client-${what.replace(/ /g, '-')}.ts`;
      const source = consumer(line);
      const errors = compile(name, source);
      expect(errors, what).toEqual([
        expect.stringContaining(`${name}:${lineOf(source, line.split('\n')[0]!)}: TS`),
      ]);
      expect(errors[0], what).toContain(word);
    }
    // and through the generic client, the right call compiles
    expect(
      compile(
        'client-generic.ts',
        consumer(
          `const viaClient: number = await client.start('SellerFlow', { buyer: 'O=Bob', assetId: 'a', price: { quantity: 1, currency: 'GBP' }, urgent: true });\n  void viaClient;`,
        ),
      ),
    ).toEqual([]);
  });
});
