/**
 * Property-based tests of the language front end, shared by `property.test.ts` (a few hundred cases) and
 * `npm run fuzz` (thousands): the parser and the checker never throw, every diagnostic range lies inside the
 * text with lines and columns that match its offsets, and the formatter round-trips every valid document.
 *
 * Inputs come from three arbitraries: token soup (random strings over `.flow` tokens), valid documents generated
 * from a small grammar, and fixtures under `test/fixtures` mutated by deleting, inserting, duplicating and
 * swapping character ranges or tokens.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  checkSources,
  parse,
  print,
  sameIgnoringLocations,
  staticHostModules,
  type Diagnostic,
  type SourceFile,
  type SourceLocation,
} from '../../language/index.js';
import { flowLexer } from '../../language/tokens.js';

// ---- vocabulary ---------------------------------------------------------------------------------------------

const HARD_KEYWORDS = [
  'cordapp', 'import', 'message', 'enum', 'initiating', 'responder', 'flow', 'progress', 'let', 'var', 'step',
  'send', 'return', 'require', 'else', 'fail', 'if', 'for', 'sleep', 'try', 'catch', 'close', 'receive', 'call',
  'await', 'open', 'me', 'true', 'false',
]; // prettier-ignore
const SOFT_KEYWORDS = [
  'version',
  'from',
  'to',
  'in',
  'within',
  'until',
  'retry',
  'backoff',
  'input',
  'tracks',
];
const KEYWORDS: ReadonlySet<string> = new Set([...HARD_KEYWORDS, ...SOFT_KEYWORDS]);

const OPERATORS = ['->', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '=', '!', '+', '-', '*', '/', '%'];
const PUNCTUATION = ['{', '}', '(', ')', '[', ']', ',', ':', '.', '@'];

// ---- checks -------------------------------------------------------------------------------------------------

/** Offsets where lines start: a line ends at `\n` (a `\r\n` line keeps its `\r`, as in `positionAt`). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function positionIn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

function rangeProblem(text: string, starts: number[], r: SourceLocation): string | undefined {
  const numbers = [r.offset, r.line, r.column, r.endOffset, r.endLine, r.endColumn];
  if (!numbers.every(Number.isInteger)) return 'a position is not an integer';
  if (r.line < 1 || r.column < 1 || r.endLine < 1 || r.endColumn < 1) return 'a line or column is below 1';
  if (r.offset < 0 || r.offset > r.endOffset || r.endOffset > text.length)
    return `offsets are not 0 <= ${r.offset} <= ${r.endOffset} <= ${text.length}`;
  const start = positionIn(starts, r.offset);
  if (start.line !== r.line || start.column !== r.column)
    return `the start is ${r.line}:${r.column} but offset ${r.offset} is at ${start.line}:${start.column}`;
  const end = positionIn(starts, r.endOffset);
  if (end.line !== r.endLine || end.column !== r.endColumn)
    return `the end is ${r.endLine}:${r.endColumn} but offset ${r.endOffset} is at ${end.line}:${end.column}`;
  return undefined;
}

/**
 * Parses and checks the files together; throws when anything throws or a range is out of its text. `imported`
 * holds `.flow` files that are not checked but may be imported (and named by related ranges).
 */
export function checkDiagnosticRanges(
  files: readonly SourceFile[],
  imported: ReadonlyMap<string, string> = new Map(),
): void {
  const texts = new Map([...imported, ...files.map((f): [string, string] => [f.path, f.text])]);
  const starts = new Map<string, number[]>();
  const results = checkSources(files, {
    hostModules: staticHostModules({}),
    readFlowFile: (path) => imported.get(path),
  });
  const verify = (file: string, range: SourceLocation, diagnostic: Diagnostic, what: string): void => {
    const text = texts.get(file);
    if (text !== undefined && !starts.has(file)) starts.set(file, lineStarts(text));
    const problem =
      text === undefined
        ? `it names the unknown file "${file}"`
        : rangeProblem(text, starts.get(file)!, range);
    if (problem) throw new Error(`${what} in ${file}: ${problem}\n${JSON.stringify(diagnostic, null, 1)}`);
  };
  for (const result of results) {
    for (const d of result.diagnostics) {
      verify(result.path, d.range, d, `The range of a "${d.code}" diagnostic`);
      for (const related of d.related ?? [])
        verify(related.file ?? result.path, related.range, d, `A related range of a "${d.code}" diagnostic`);
    }
  }
}

/**
 * For documents without syntax errors: formatting keeps the tree, its output parses clean, and formatting the
 * output again changes nothing. Also checks the diagnostic ranges of the documents taken together.
 */
export function checkFormatterRoundTrip(texts: readonly string[]): void {
  texts.forEach((text, i) => {
    const first = parse(text);
    if (first.diagnostics.length > 0)
      throw new Error(`The generated document has syntax errors:\n${describe(first.diagnostics)}`);
    const printed = print(first.document);
    const second = parse(printed);
    if (second.diagnostics.length > 0)
      throw new Error(
        `The formatted document has syntax errors:\n${describe(second.diagnostics)}\n--- printed:\n${printed}`,
      );
    if (!sameIgnoringLocations(first.document, second.document))
      throw new Error(`Formatting changed the tree of document ${i}.\n--- printed:\n${printed}`);
    const again = print(second.document);
    if (again !== printed)
      throw new Error(`Formatting is not idempotent.\n--- once:\n${printed}\n--- twice:\n${again}`);
  });
  checkDiagnosticRanges(texts.map((text, i) => ({ path: `gen/doc${i}.flow`, text })));
}

function describe(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `  ${d.range.line}:${d.range.column} ${d.message}`).join('\n');
}

// ---- (1) token soup -----------------------------------------------------------------------------------------

const SOUP_PIECES = [
  ...HARD_KEYWORDS,
  ...SOFT_KEYWORDS,
  ...OPERATORS,
  ...PUNCTUATION,
  ...['@startable', '@version(2)', '@idempotent', 'A', 'x', 'Session', 'Int', 'List<', 'String', '_'],
  ...['"', '"', '"{', '}"', '\\', '\\"', '\\{', '\\u{', '1F600}', 'FFFFFF}', '\\n', '{x}', '"text"'],
  ...['"\\u{110000}"', '"\\u{d800}"', '"{}"', '"{x"', '"{"}"}"', '"a\\qb"', '"a\\\n', '"{x\\\r\n'],
  ...[' ', ' ', ' ', '  ', '\t', '\n', '\n', '\n', '\r\n', '\r', '\f', '\u00a0', '\ufeff'],
  ...['0', '7', '12', '3.5', '1.0.0', '2.0.0-rc.1', '500ms', '30s', '5m', '1h', '2d', '99999999999999999999'],
  ...['//', '///', '/*', '*/', '/**/', '// note\n', '/// doc\n', '/* a\nb */'],
  ...['é', '中', '😀', '\ud83d', '\u2028', '\u0000', '\u0007', '#', '$', '?', ';', '`', "'", '~', '^', '|', '&'],
]; // prettier-ignore

/** Whole phrases, so that some soups get past the parser and into the checker's rules. */
const SOUP_PHRASES = [
  'cordapp a.b version 1.0.0\n',
  'import { f, T } from "./host.ts"\n',
  'import { A } from "./other.flow"\n',
  'message M { a: Int, b: List<M> }\n',
  'enum E { X, Y }\n',
  'initiating flow A(p: Party) -> Int {\n',
  'responder flow B(s: Session) for A {\n',
  'flow C(s: Session, n: Int) {\n',
  'progress { S "Step" tracks C }\n',
  'let s = open p\n',
  'send 1 to s\n',
  'send M { a: 1, b: [] } to s\n',
  'let x = receive Int from s within 1h\n',
  'let m = receive M from s\n',
  'call C(s, 2)\n',
  'step S\n',
  'if x > 1 {\n',
  '} else {\n',
  'for i in [1, 2] {\n',
  'try {\n',
  '} catch e {\n',
  'return 1\n',
  'fail "no {x}"\n',
  'require x == 1 else "bad"\n',
  'sleep 5m\n',
  'close s\n',
  'let a = await input E "Pick {x}" within 2d\n',
  'await f(x) retry 3 backoff 1s\n',
  '}\n',
];

const soupPiece = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...SOUP_PIECES) },
  { weight: 3, arbitrary: fc.constantFrom(...SOUP_PHRASES) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);

/** Random strings over an alphabet rich in `.flow` tokens, mostly nonsense. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(soupPiece, { maxLength: 160 })
  .map((pieces) => pieces.join(''));

// ---- (2) valid documents ------------------------------------------------------------------------------------

const notKeyword = (name: string): boolean => !KEYWORDS.has(name);
const valueName = fc
  .oneof(
    fc.constantFrom(
      'a',
      'b',
      'x',
      'total',
      'buyer',
      'session',
      'item',
      '_tmp',
      'format',
      'information',
      'ifx',
    ),
    fc.stringMatching(/^[a-z_][A-Za-z0-9_]{0,7}$/),
  )
  .filter(notKeyword);
const typeName = fc
  .oneof(
    fc.constantFrom(
      'Offer',
      'Decision',
      'Leg',
      'Int',
      'Decimal',
      'Bool',
      'String',
      'Party',
      'Session',
      'Amount',
    ),
    fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,6}$/),
  )
  .filter(notKeyword);
/** After a dot and before a colon in records and messages, keywords are names too. */
const memberName = fc.oneof({ weight: 4, arbitrary: valueName }, fc.constantFrom(...KEYWORDS));
const space = fc.constantFrom(' ', ' ', ' ', ' ', '  ', '\t', '\n    ');

const typeRef: fc.Arbitrary<string> = fc.letrec<{ type: string }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    typeName,
    tie('type').map((t) => `List<${t}>`),
    fc
      .tuple(typeName, fc.array(tie('type'), { minLength: 1, maxLength: 2 }))
      .map(([n, a]) => `${n}<${a.join(', ')}>`),
  ),
})).type;

const textChunk = fc
  .array(
    fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom(..."abc XYZ 019.,:;!?-+*/'#$%&()[]<>=@".split('')) },
      { weight: 2, arbitrary: fc.constantFrom('\\n', '\\t', '\\r', '\\\\', '\\"', '\\{', '\\}') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('\\u{41}', '\\u{1F600}', '\\u{0}', '\\u{10FFFF}', '\\u{d800}'),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('é', '中', '😀', '\t', '\u0001', '\u007f', '\u2028', '//', '/*'),
      },
    ),
    { maxLength: 8 },
  )
  .map((cs) => cs.join(''));

const plainString = textChunk.map((t) => `"${t}"`);

type Expr = (depth: number, noRecord: boolean) => fc.Arbitrary<string>;
const memo = new Map<string, fc.Arbitrary<string>>();
const cached =
  (name: string, build: Expr): Expr =>
  (depth, noRecord) => {
    const key = `${name}:${depth}:${noRecord}`;
    let arbitrary = memo.get(key);
    if (!arbitrary) {
      arbitrary = build(depth, noRecord);
      memo.set(key, arbitrary);
    }
    return arbitrary;
  };

const commaList = (items: fc.Arbitrary<string>, max: number): fc.Arbitrary<string> =>
  fc.array(items, { maxLength: max }).map((xs) => xs.join(', '));

/** Strings with `{interpolations}`; interpolations sit on one line, like their string. */
const stringLiteral = cached('string', (depth) =>
  depth <= 0
    ? plainString
    : fc
        .array(
          fc.oneof(
            { weight: 2, arbitrary: textChunk },
            expression(depth - 1, false).map((e) => `{${e.replace(/\s*\n\s*/g, ' ')}}`),
          ),
          { maxLength: 4 },
        )
        .map((parts) => `"${parts.join('')}"`),
);

const atom = cached('atom', (depth) =>
  fc.oneof(
    fc.nat(99_999).map(String),
    fc.constant('123456789012345678901234567890'),
    fc.tuple(fc.nat(999), fc.nat(99)).map(([a, b]) => `${a}.${b}`),
    fc.tuple(fc.nat(999), fc.constantFrom('ms', 's', 'm', 'h', 'd')).map(([a, u]) => `${a}${u}`),
    fc.constantFrom('true', 'false', 'me'),
    valueName,
    stringLiteral(depth, false),
  ),
);

/** Expressions that bind as tightly as a postfix operand: what may follow `from`, `open`, `await`, `.`. */
const postfix: Expr = cached('postfix', (depth, noRecord) => {
  if (depth <= 0) return atom(0, false);
  const inner = postfix(depth - 1, noRecord);
  const args = commaList(expression(depth - 1, false), 3);
  const record = fc
    .tuple(
      typeName,
      fc.array(fc.tuple(memberName, expression(depth - 1, false)), { maxLength: 3 }),
      fc.boolean(),
    )
    .map(([t, fields, commas]) => {
      // without commas, `a: await f() retry 2 backoff: 1` would give the await a backoff
      const field = (n: string): string => (commas || !SOFT_KEYWORDS.includes(n) ? n : `${n}_`);
      const body = fields.map(([n, e]) => `${field(n)}: ${e}`).join(commas ? ', ' : ' ');
      return body ? `${t} { ${body} }` : `${t} {}`;
    })
    .map((r) => (noRecord ? `(${r})` : r));
  return fc.oneof(
    { depthSize: 'small' },
    atom(depth, noRecord),
    fc.tuple(inner, memberName).map(([o, m]) => `${o}.${m}`),
    fc.tuple(inner, args).map(([c, a]) => `${c}(${a})`),
    fc.tuple(valueName, args).map(([c, a]) => `${c}(${a})`),
    commaList(expression(depth - 1, false), 3).map((xs) => `[${xs}]`),
    record,
    expression(depth - 1, false).map((e) => `(${e})`),
  );
});

/** Any expression; `noRecord` in `if` and `for` headers, where `Name {` opens the block. */
const expression: Expr = cached('expression', (depth, noRecord) => {
  if (depth <= 0) return atom(0, false);
  const sub = expression(depth - 1, noRecord);
  const post = postfix(depth - 1, noRecord);
  const operand = fc.oneof(post, sub.map((e) => `(${e})`));
  return fc.oneof(
    { depthSize: 'small' },
    { weight: 3, arbitrary: postfix(depth, noRecord) },
    fc.tuple(fc.constantFrom('-', '!'), operand).map(([op, e]) => `${op}${e}`),
    fc.tuple(sub, space, fc.constantFrom(...OPERATORS.filter((o) => o !== '->' && o !== '=' && o !== '!')), space, sub)
      .map(([l, s1, op, s2, r]) => `${l}${s1}${op}${s2}${r}`),
    fc.tuple(typeRef, post, fc.option(post)).map(([t, s, w]) => `receive ${t} from ${s}${w ? ` within ${w}` : ''}`),
    fc.tuple(typeName, commaList(expression(depth - 1, false), 3)).map(([f, a]) => `call ${f}(${a})`),
    fc.tuple(typeRef, stringLiteral(depth - 1, false), fc.option(post))
      .map(([t, p, w]) => `await input ${t} ${p}${w ? ` within ${w}` : ''}`),
    fc.tuple(post, fc.option(fc.tuple(post, fc.option(post))))
      .map(([op, r]) => `await ${op}${r ? ` retry ${r[0]}${r[1] ? ` backoff ${r[1]}` : ''}` : ''}`),
    post.map((p) => `open ${p}`),
  );
}); // prettier-ignore

const comment = fc.oneof(
  textChunk.map((t) => `// ${t.replace(/[\r\n\u2028]/g, '')}`),
  textChunk.map((t) => `/* ${t.replace(/[*/]/g, '')} */`),
  fc.constant('/*\n   * a block\n   */'),
);

/**
 * Statements. Newlines mean nothing to the parser, so a statement may not start with `(` or `-` (it would
 * continue the previous one), and a bare `return` ends its block (it would take the next statement as its value).
 */
const statement: (depth: number) => fc.Arbitrary<string> = (depth) => {
  const key = `statement:${depth}`;
  const known = memo.get(key);
  if (known) return known;
  const e = expression(2, false);
  const cond = expression(2, true);
  const post = postfix(1, false);
  const target = fc
    .tuple(valueName, fc.array(memberName, { maxLength: 2 }))
    .map(([n, ms]) => [n, ...ms].join('.'));
  const simple = [
    fc
      .tuple(fc.constantFrom('let', 'var'), valueName, fc.option(typeRef), e)
      .map(([k, n, t, v]) => `${k} ${n}${t ? `: ${t}` : ''} = ${v}`),
    fc.tuple(target, e).map(([t, v]) => `${t} = ${v}`),
    typeName.map((s) => `step ${s}`),
    fc.tuple(e, e).map(([v, s]) => `send ${v} to ${s}`),
    fc.tuple(e, e).map(([c, m]) => `require ${c} else ${m}`),
    e.map((m) => `fail ${m}`),
    fc.tuple(fc.boolean(), e).map(([u, v]) => `sleep ${u ? 'until ' : ''}${v}`),
    e.map((s) => `close ${s}`),
    fc.oneof(
      fc.tuple(valueName, commaList(e, 3)).map(([f, a]) => `${f}(${a})`),
      fc.tuple(valueName, memberName).map(([o, m]) => `${o}.${m}`),
      fc.tuple(typeName, commaList(e, 2)).map(([f, a]) => `call ${f}(${a})`),
      post.map((p) => `await ${p}`),
      fc.tuple(typeRef, post).map(([t, s]) => `receive ${t} from ${s}`),
      fc.tuple(valueName, fc.constantFrom('+', '==', '&&'), e).map(([n, op, r]) => `${n} ${op} ${r}`),
    ),
  ];
  const compound =
    depth <= 0
      ? []
      : [
          fc.tuple(cond, block(depth - 1), fc.array(fc.tuple(cond, block(depth - 1)), { maxLength: 2 }), fc.option(block(depth - 1)))
            .map(([c, then, elifs, otherwise]) =>
              `if ${c} ${then}${elifs.map(([c2, b]) => ` else if ${c2} ${b}`).join('')}${otherwise ? ` else ${otherwise}` : ''}`),
          fc.tuple(valueName, cond, block(depth - 1)).map(([v, c, b]) => `for ${v} in ${c} ${b}`),
          fc.tuple(block(depth - 1), fc.option(valueName), block(depth - 1))
            .map(([b, n, h]) => `try ${b} catch ${n ? `${n} ` : ''}${h}`),
        ]; // prettier-ignore
  const arbitrary = fc.oneof({ weight: 3, arbitrary: fc.oneof(...simple) }, ...compound);
  memo.set(key, arbitrary);
  return arbitrary;
};

/** Statements one per line, sometimes with comments; a `return` may end the list. */
const statements = (depth: number, indent: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.option(comment, { freq: 6 }), statement(depth), fc.option(comment, { freq: 6 })), {
        maxLength: depth > 0 ? 4 : 3,
      }),
      fc.oneof(
        fc.constant(''),
        fc.constant('return'),
        expression(1, false).map((v) => `return ${v}`),
      ),
    )
    .map(([list, tail]) => {
      const lines = list.flatMap(([before, s, after]) => [
        ...(before ? [before] : []),
        after ? `${s} ${after}` : s,
      ]);
      if (tail) lines.push(tail);
      return lines.map((l) => indent + l.replace(/\n/g, `\n${indent}`)).join('\n');
    });

function block(depth: number): fc.Arbitrary<string> {
  return statements(depth, '  ').map((body) => (body ? `{\n${body}\n}` : '{}'));
}

const docComment = fc.option(
  fc.array(textChunk, { minLength: 1, maxLength: 2 }).map((ls) => ls.map((l) => `/// ${l.replace(/[\r\n\u2028]/g, '')}\n`).join('')),
  { freq: 3 },
); // prettier-ignore

const annotations = fc
  .array(
    fc.oneof(
      fc.constantFrom('@startable', '@idempotent', '@version(2)'),
      fc.tuple(valueName, commaList(expression(1, false), 2)).map(([n, a]) => `@${n}(${a})`),
    ),
    { maxLength: 2 },
  )
  .map((as) => as.map((a) => `${a}\n`).join(''));

const messageDecl = fc
  .tuple(docComment, typeName, fc.array(fc.tuple(docComment, memberName, typeRef, fc.boolean()), { maxLength: 4 }))
  .map(([doc, name, fields]) => {
    const body = fields.map(([d, n, t, comma]) => `${d ?? ''}${n}: ${t}${comma ? ',' : ''}`).join('\n');
    return `${doc ?? ''}message ${name} {${body ? `\n${body}\n` : ''}}`;
  }); // prettier-ignore

const enumDecl = fc
  .tuple(docComment, typeName, fc.array(typeName, { maxLength: 4 }), fc.constantFrom(', ', ' ', ',\n'))
  .map(([doc, name, members, sep]) => `${doc ?? ''}enum ${name} { ${members.join(sep)} }`);

const progressDecl = fc
  .array(fc.tuple(docComment, typeName, textChunk, fc.option(typeName)), { minLength: 0, maxLength: 3 })
  .map((steps) =>
    steps.length === 0
      ? 'progress {}'
      : `progress {\n${steps.map(([d, n, l, t]) => `${d ?? ''}${n} "${l}"${t ? ` tracks ${t}` : ''}`).join('\n')}\n}`,
  );

const flowDecl = fc
  .tuple(
    docComment,
    annotations,
    fc.constantFrom('initiating ', 'responder ', ''),
    typeName,
    commaList(fc.tuple(valueName, typeRef).map(([n, t]) => `${n}: ${t}`), 3),
    fc.option(typeName),
    fc.option(typeRef),
    fc.option(progressDecl),
    statements(2, '  '),
  )
  .map(([doc, ann, kind, name, params, respondsTo, returns, progress, body]) => {
    const header = `${kind}flow ${name}(${params})${respondsTo ? ` for ${respondsTo}` : ''}${returns ? ` -> ${returns}` : ''}`;
    const inner = [progress ? `  ${progress.replace(/\n/g, '\n  ')}` : '', body].filter(Boolean).join('\n');
    return `${doc ?? ''}${ann}${header} {${inner ? `\n${inner}\n` : ''}}`;
  }); // prettier-ignore

const header = fc.tuple(
  fc.option(
    fc.tuple(fc.array(valueName, { minLength: 1, maxLength: 3 }), fc.constantFrom('1.0.0', '0.2.10', '2.0.0-rc.1'))
      .map(([parts, v]) => `cordapp ${parts.join('.')} version ${v}`),
  ),
  fc.array(
    fc.tuple(commaList(typeName, 3), fc.constantFrom('flows:std', './host.ts', './common.flow', '../x/y.flow'))
      .map(([names, source]) => `import { ${names} } from "${source}"`),
    { maxLength: 2 },
  ),
); // prettier-ignore

/** A document from the grammar: a header, imports, then messages, enums and flows, with comments. */
export const validDocument: fc.Arbitrary<string> = fc
  .tuple(
    header,
    fc.array(fc.oneof(messageDecl, enumDecl, { weight: 3, arbitrary: flowDecl }), { maxLength: 4 }),
    fc.option(comment, { freq: 4 }),
    fc.constantFrom('\n', '\n\n', '\n\n\n'),
  )
  .map(
    ([[cordapp, imports], decls, trailer, gap]) =>
      [...(cordapp ? [cordapp] : []), ...imports, ...decls, ...(trailer ? [trailer] : [])].join(gap) + '\n',
  );

/** One or two documents, checked together as files of one directory. */
export const validDocuments: fc.Arbitrary<string[]> = fc.array(validDocument, { minLength: 1, maxLength: 2 });

// ---- (3) mutated fixtures -----------------------------------------------------------------------------------

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

function flowFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return flowFilesUnder(full);
      return entry.endsWith('.flow') ? [full] : [];
    });
}

/** Every `.flow` file under test/fixtures, with paths relative to it (so imports between them resolve). */
export const fixtureFiles: readonly SourceFile[] = flowFilesUnder(FIXTURES).map((file) => ({
  path: path.relative(FIXTURES, file).split(path.sep).join('/'),
  text: readFileSync(file, 'utf8'),
}));

type Mutation =
  | { kind: 'delete' | 'duplicate'; unit: 'chars' | 'tokens'; at: number; length: number }
  | { kind: 'insert'; at: number; piece: string }
  | { kind: 'swap'; unit: 'chars' | 'tokens'; at: number; other: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('delete', 'duplicate'),
    unit: fc.constantFrom('chars', 'tokens'),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({ kind: fc.constant('insert'), at: fc.nat(), piece: soupPiece }),
  fc.record({
    kind: fc.constant('swap'),
    unit: fc.constantFrom('chars', 'tokens'),
    at: fc.nat(),
    other: fc.nat(),
    length: fc.integer({ min: 1, max: 12 }),
  }),
) as fc.Arbitrary<Mutation>;

/** Character spans `[start, end)` of the mutation's unit: single characters, or tokens with what follows them. */
function spans(text: string, unit: 'chars' | 'tokens'): [number, number][] {
  if (unit === 'chars') return Array.from({ length: text.length }, (_, i): [number, number] => [i, i + 1]);
  const tokens = flowLexer.tokenize(text).tokens;
  return tokens.map((t, i): [number, number] => [t.startOffset, tokens[i + 1]?.startOffset ?? text.length]);
}

export function applyMutation(text: string, m: Mutation): string {
  if (m.kind === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.piece + text.slice(at);
  }
  const units = spans(text, m.unit);
  if (units.length === 0) return text;
  const first = m.at % units.length;
  const last = Math.min(units.length, first + m.length) - 1;
  const start = units[first]![0];
  const end = units[last]![1];
  if (m.kind !== 'swap') {
    if (m.kind === 'delete') return text.slice(0, start) + text.slice(end);
    return text.slice(0, end) + text.slice(start, end) + text.slice(end);
  }
  const otherFirst = m.other % units.length;
  const otherLast = Math.min(units.length, otherFirst + m.length) - 1;
  const [a, b] =
    otherFirst > last
      ? [
          [start, end],
          [units[otherFirst]![0], units[otherLast]![1]],
        ]
      : otherLast < first
        ? [
            [units[otherFirst]![0], units[otherLast]![1]],
            [start, end],
          ]
        : [undefined, undefined];
  if (!a || !b) return text; // overlapping ranges: nothing to swap
  return (
    text.slice(0, a[0]) +
    text.slice(b[0], b[1]) +
    text.slice(a[1], b[0]) +
    text.slice(a[0], a[1]) +
    text.slice(b[1])
  );
}

/** The fixtures with one to four mutations applied to one or more of them. */
/** One fixture with one to four mutations; it is checked alone, its imports read from the other fixtures. */
export const mutatedFixture: fc.Arbitrary<SourceFile> = fc
  .tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([index, mutations]) => {
    const fixture = fixtureFiles[index % fixtureFiles.length]!;
    return { path: fixture.path, text: mutations.reduce(applyMutation, fixture.text) };
  });

const fixtureTexts: ReadonlyMap<string, string> = new Map(fixtureFiles.map((f) => [f.path, f.text]));

// ---- the properties -----------------------------------------------------------------------------------------

export interface PropertyDefinition {
  name: string;
  /** A fresh fast-check property, so callers can wrap the predicate (to count cases, say). */
  property(wrap?: <T>(predicate: (value: T) => void) => (value: T) => void): fc.IProperty<[unknown]>;
}

function define<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => void,
): PropertyDefinition {
  return {
    name,
    property: (wrap) => fc.property(arbitrary, wrap ? wrap(predicate) : predicate) as fc.IProperty<[unknown]>,
  };
}

export const languageProperties: readonly PropertyDefinition[] = [
  define('token soup: parse and check never throw, ranges inside', tokenSoup, (text) =>
    checkDiagnosticRanges([{ path: 'soup/soup.flow', text }]),
  ),
  define('generated documents: formatter round-trip, ranges inside', validDocuments, checkFormatterRoundTrip),
  define('mutated fixtures: parse and check never throw, ranges inside', mutatedFixture, (file) =>
    checkDiagnosticRanges([file], fixtureTexts),
  ),
];
