/**
 * The fast parser (`language/fastParser.ts`) against the recovering path (chevrotain's `CstParser` and the
 * CST-to-AST pass), which stays the reference. On every input, the fast parser must either give up or build an
 * AST whose `JSON.stringify` (field order and locations included) equals the recovering path's, and it may only
 * build one for text without diagnostics. It must not give up on text without diagnostics either, or `parse`
 * would lose its speed there. And `parse`, which chooses between the two, must return what the recovering path
 * returns.
 *
 * Inputs: every `.flow` file of the repository, the flow blocks of the documentation, the benchmark CorDapp,
 * corners of the grammar (below), and the arbitraries of `property.ts` (generated, token soup, mutated fixtures).
 * `npm run fuzz` runs the same comparison with many more cases.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, parseFast, parseWithRecovery } from '../../language/parse.js';
import { generateCordapp } from '../bench/cordapp.js';
import { mutatedFixture, tokenSoup, validDocument } from './property.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Compares the two paths on `text`: `'fast'` when the fast parser built the recovering path's AST, `'fallback'`
 * when it gave up on text with diagnostics. Throws on any other outcome.
 */
function compare(text: string): 'fast' | 'fallback' {
  const reference = parseWithRecovery(text);
  const fast = parseFast(text);
  const chosen = parse(text);
  expect(JSON.stringify(chosen), 'parse differs from the recovering path').toBe(JSON.stringify(reference));
  if (fast === undefined) {
    if (reference.diagnostics.length === 0)
      throw new Error('The fast parser gave up on text without diagnostics.');
    return 'fallback';
  }
  if (reference.diagnostics.length > 0) {
    const messages = reference.diagnostics.map((d) => `${d.range.line}:${d.range.column} ${d.message}`);
    throw new Error(`The fast parser accepted text with diagnostics:\n${messages.join('\n')}`);
  }
  expect(JSON.stringify(fast), 'the fast AST differs').toBe(JSON.stringify(reference.document));
  return 'fast';
}

function flowFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return flowFilesUnder(full);
      return entry.endsWith('.flow') ? [full] : [];
    });
}

/** The fenced blocks tagged `flow` of a markdown file; fragments are wrapped in a flow body. */
function flowBlocks(file: string): string[] {
  const blocks: string[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,})flow\b(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(open[1]!); i++) body.push(lines[i]!);
    const text = body.join('\n') + '\n';
    blocks.push(open[2]!.includes('fragment') ? `flow F() {\n${text}}\n` : text);
  }
  return blocks;
}

const body = (statements: string): string => `flow F(s: Session) {\n  ${statements}\n}\n`;

/** Corners of the grammar where the two parsers could disagree, valid and not. */
const EDGE_CASES: string[] = [
  '',
  '// only a comment',
  '\ufeffmessage M { a: Int }',
  'message M { a: Int }\r\nenum E { X, Y, }\r\n',
  'cordapp com.version.x version 2.0.0-rc.1\nimport {} from "./x.ts"\nimport { a, from } from "y"',
  'cordapp a version 1.0',
  '/// doc\n/// more  \nmessage M {\n  /// field\n  a: Int,\n  b: List<List<Int>>, c: Map<String, Int>\n}',
  '/// doc\nenum E { A,\n/// b\nB }',
  '@startable\n@version(2)\n@x()\n@y(P { a: 1 }, [1,])\ninitiating flow A(p: Party, q: Int) -> List<Int> {}',
  'responder flow B(s: Session) for A {\n  progress {\n    /// doc\n    S "one \\u{41}" tracks C\n    T "two"\n  }\n}',
  'flow C() { progress {} return }',
  'flow C() { progress { S "{x}" } }',
  'flow C() { progress { S "a\\qb" } }',
  'flow C() -> Int { return\n}',
  'flow C() -> Int { return 1 }',
  body('sleep until x'),
  body('sleep until'),
  body('sleep until - 5'),
  body('sleep until(x)'),
  body('sleep until.x'),
  body('sleep until + 1'),
  body('sleep until until'),
  body('sleep 5m'),
  body('await input X "p"'),
  body('await input(x)'),
  body('await input.x'),
  body('await input retry 3'),
  body('await input retry "x"'),
  body('await input { a: 1 }'),
  body('await input'),
  body('await input X'),
  body('await input X<Y> "p" within 1h'),
  body('await input from "x"'),
  body('await input "x"'),
  body('let a = await input\n  b = 1'),
  body('await f() retry 3 backoff 1s'),
  body('await f() backoff 1s'),
  body('await input X "p" within 1h retry 2'),
  body('let x = receive List<Int> from s within 10ms'),
  body('let x = receive Int from (s)'),
  body('let x = receive Int from s\n  within = 3'),
  body('let s2 = open p\n  close s2'),
  body('let v = call G(1, "a", P { a: 1 })'),
  body('if P { a: 1 } == x {}'),
  body('if (P { a: 1 }).a > 0 {} else if f(P {}) {} else { step S }'),
  body('if x {} else y'),
  body('for i in [P { a: 1 }, P {}] { send i to s }'),
  body('for i in xs { x = P { a: 1 } }'),
  body('for i in P { a: 1 } {}'),
  body('let p = P { if: 1, from: 2 to: 3, }'),
  body('let p = P {}'),
  body('let p = P { a }'),
  body('x {\n  y = 1\n}'),
  body('a.if.from = b.me'),
  body('let from = to + in'),
  body('let x: List<Int> = [1, 2,]'),
  body('let x = a || b && c == d < e + f * g % h - -i / !j != k >= l <= m > n'),
  body('let x = - - a'),
  body('let x = !-a.b(c)(d).e'),
  body('let x = f\n  (y)'),
  body('let x = f(a,)'),
  body('let x = (a'),
  body('x = y = z'),
  body('let x = 1.5 + 2d + 3h + 4m + 5s + 6ms + 99999999999999999999'),
  body('require x else "bad {x}"'),
  body('fail "a {b.c} {d.e.f} {me} {true} {from} {if}"'),
  body('log("{ x }{x + 1}{f("}")}{P { a: 1 }.a}{[1, 2]}")'),
  body('log("{}")'),
  body('log("{ }")'),
  body('log("{x")'),
  body('log("{x // c}")'),
  body('log("{x /* c */ + 1}")'),
  body('log("{"{y}"}")'),
  body('log("{"a\\"b"}")'),
  body('log("{a #}")'),
  body('log("{a b}")'),
  body('log("\\{x\\} \\n\\t\\r\\"\\\\ \\u{1F600} \\u{d800}")'),
  body('log("\\u{110000}")'),
  body('log("\\q")'),
  body('log("\\u")'),
  body('log("a\u2028b")'),
  body('log("\\\u2028")'),
  body('log("unterminated)'),
  body('log("{"unterminated})'),
  body('let x = 1 # 2'),
  body('try { x() } catch { y() }'),
  body('try { x() } catch e { y(e.message) }'),
  body('step S\n  step'),
  body('return x\n  y'),
  'message M { a: Int } trailing',
  'flow A() { } }',
  'import { a } from "x" flow',
];

describe('fast parser', () => {
  it('builds the AST of every valid .flow file of the repository and gives up on the others', () => {
    const files = ['test', 'runtime', 'compiler', 'language', 'docs'].flatMap((dir) =>
      flowFilesUnder(path.join(ROOT, dir)),
    );
    const outcomes = files.map((file) => {
      try {
        return compare(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new Error(`${path.relative(ROOT, file)}: ${(error as Error).message}`);
      }
    });
    const fast = outcomes.filter((o) => o === 'fast').length;
    // most of the files are valid: the fast path is really taken, the comparison is not vacuous
    expect(fast).toBeGreaterThan(files.length * 0.8);
    expect(fast).toBeLessThan(files.length);
  });

  it('builds the AST of every valid flow block of the documentation', () => {
    const blocks = ['docs/language.md', 'README.md'].flatMap((doc) => flowBlocks(path.join(ROOT, doc)));
    const outcomes = blocks.map((text) => {
      try {
        return compare(text);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- block:\n${text}`);
      }
    });
    expect(blocks.length).toBeGreaterThan(40);
    expect(outcomes.filter((o) => o === 'fast').length).toBeGreaterThan(blocks.length * 0.8);
  });

  it('builds the AST of the benchmark CorDapp', () => {
    for (const file of generateCordapp()) expect(compare(file.text), file.path).toBe('fast');
  });

  it('agrees with the recovering parser on the corners of the grammar', () => {
    const outcomes = EDGE_CASES.map((text) => {
      try {
        return compare(text);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- text:\n${text}`);
      }
    });
    expect(outcomes.filter((o) => o === 'fast').length).toBeGreaterThan(40);
    expect(outcomes.filter((o) => o === 'fallback').length).toBeGreaterThan(20);
  });

  const SEED = Number(process.env.FLOWS_PROPERTY_SEED ?? 20_261_128);

  it('builds the AST of generated valid documents (150 cases)', () => {
    fc.assert(
      fc.property(validDocument, (text) => {
        expect(compare(text)).toBe('fast');
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('agrees with the recovering parser on token soup (500 cases)', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => void compare(text)),
      { numRuns: 500, seed: SEED },
    );
  });

  it('agrees with the recovering parser on mutated fixtures (200 cases)', () => {
    fc.assert(
      fc.property(mutatedFixture, (file) => void compare(file.text)),
      { numRuns: 200, seed: SEED },
    );
  });
});
