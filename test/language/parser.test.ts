import { describe, expect, it } from 'vitest';
import { parse, type Expression, type FlowDecl, type Statement } from '../../language/index.js';
import { dedent, parseFlow } from '../utils/index.js';

function flowBody(statements: string): Statement[] {
  const document = parseFlow(`flow F() {\n${statements}\n}\n`);
  return (document.items[0] as FlowDecl).body.statements;
}

function expression(text: string): Expression {
  const [statement] = flowBody(`let x = ${text}`);
  if (statement?.kind !== 'LetStatement') throw new Error('not a let');
  return statement.init;
}

/** The expression as a fully parenthesised string, to test precedence and associativity. */
function shape(e: Expression): string {
  switch (e.kind) {
    case 'BinaryExpression':
      return `(${shape(e.left)} ${e.operator} ${shape(e.right)})`;
    case 'UnaryExpression':
      return `(${e.operator}${shape(e.operand)})`;
    case 'NameExpression':
      return e.name.name;
    case 'IntLiteral':
      return e.value;
    case 'MemberExpression':
      return `${shape(e.object)}.${e.member.name}`;
    case 'CallExpression':
      return `${shape(e.callee)}(${e.args.map(shape).join(', ')})`;
    case 'ReceiveExpression':
      return `receive(${shape(e.session)})`;
    default:
      return e.kind;
  }
}

describe('parser', () => {
  it('parses the declarations of a file with locations on every node', () => {
    const document = parseFlow(dedent`
      cordapp com.example.trade version 1.2.3
      import { Finality } from "flows:std"
      message Info {
        price: Amount
        payTo: Party
      }
      enum Decision { Accept, Reject }
      @startable
      @version(2)
      initiating flow SellerFlow(buyer: Party) -> Int {
        return 1
      }
    `);
    expect(document.items.map((i) => i.kind)).toEqual([
      'CordappDecl',
      'ImportDecl',
      'MessageDecl',
      'EnumDecl',
      'FlowDecl',
    ]);
    const flow = document.items[4] as FlowDecl;
    expect(flow.flowKind).toBe('initiating');
    expect(flow.annotations.map((a) => a.name.name)).toEqual(['startable', 'version']);
    expect(flow.loc).toMatchObject({ line: 8, column: 1, endLine: 12, endColumn: 2 });
    expect(flow.name.loc).toMatchObject({ line: 10, column: 17, endColumn: 27 });
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach(visit);
      const n = node as Record<string, unknown>;
      if ('kind' in n && n['kind'] !== 'Comment') {
        expect(n['loc'], `loc of ${String(n['kind'])}`).toMatchObject({
          offset: expect.any(Number),
          line: expect.any(Number),
          column: expect.any(Number),
        });
      }
      for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value);
    };
    visit(document);
  });

  it('gives binary operators their precedence, all left-associative', () => {
    expect(shape(expression('a || b && c == d + e * f'))).toBe('(a || (b && (c == (d + (e * f)))))');
    expect(shape(expression('a - b - c'))).toBe('((a - b) - c)');
    expect(shape(expression('a * b + c * d < e'))).toBe('(((a * b) + (c * d)) < e)');
    expect(shape(expression('-a.b(c) * !d'))).toBe('((-a.b(c)) * (!d))');
    expect(shape(expression('(a + b) * c'))).toBe('((a + b) * c)');
  });

  it('binds the operand of receive tighter than binary operators', () => {
    expect(shape(expression('receive Int from s + 1'))).toBe('(receive(s) + 1)');
  });

  it('parses every suspending expression', () => {
    const kinds = flowBody(
      [
        'let a = receive Amount from s within 1h',
        'let b = call Sub(a, 2)',
        'let c = await input Decision "Buy for {a}?" within 2d',
        'let d = await quote(a) retry 3 backoff 500ms',
        'let e = open buyer',
        'let f = await input(a)',
      ].join('\n'),
    ).map((s) => (s.kind === 'LetStatement' ? s.init.kind : s.kind));
    expect(kinds).toEqual([
      'ReceiveExpression',
      'CallFlowExpression',
      'AwaitInputExpression',
      'AwaitExpression',
      'OpenExpression',
      'AwaitExpression',
    ]);
  });

  it('splits interpolated strings into text and expressions with their own locations', () => {
    const e = expression('"Buy {asset.name} for {price + 1}\\n\\{literal\\}"');
    expect(e.kind).toBe('StringLiteral');
    if (e.kind !== 'StringLiteral') return;
    expect(e.parts.map((p) => (typeof p === 'string' ? p : shape(p)))).toEqual([
      'Buy ',
      'asset.name',
      ' for ',
      '(price + 1)',
      '\n{literal}',
    ]);
    const member = e.parts[1] as Expression;
    // `let x = "Buy {` puts `asset` at column 15 of line 2
    expect(member.loc).toMatchObject({ line: 2, column: 15, endColumn: 25 });
  });

  it('reads durations, decimals and versions as single tokens', () => {
    expect(expression('500ms')).toMatchObject({ kind: 'DurationLiteral', amount: '500', unit: 'ms' });
    expect(expression('2d')).toMatchObject({ kind: 'DurationLiteral', amount: '2', unit: 'd' });
    expect(expression('3.25')).toMatchObject({ kind: 'DecimalLiteral', value: '3.25' });
    expect(parseFlow('cordapp a.b version 10.2.3-rc.1\n').items[0]).toMatchObject({ version: '10.2.3-rc.1' });
  });

  it('treats `Name {` in an if or for header as the block, and as a record elsewhere', () => {
    const [ifStatement, letStatement] = flowBody('if ok {\n  return\n}\nlet m = Info { price: p }');
    expect(ifStatement).toMatchObject({ kind: 'IfStatement', condition: { kind: 'NameExpression' } });
    expect(letStatement).toMatchObject({ kind: 'LetStatement', init: { kind: 'RecordExpression' } });
    const [parenthesised] = flowBody('if (Info { price: p }).price > 0 {\n}');
    expect(parenthesised).toMatchObject({ condition: { kind: 'BinaryExpression' } });
  });

  it('accepts soft keywords as names and keywords after a dot', () => {
    const [statement] = flowBody('let from = error.message + input.to');
    expect(statement).toMatchObject({ kind: 'LetStatement', name: { name: 'from' } });
  });

  it('keeps comments aside and attaches doc comments to declarations', () => {
    const document = parseFlow(dedent`
      // a line comment
      /// Sent by the seller.
      /// Two lines.
      message Info {
        /// The price.
        price: Amount /* block */
      }
    `);
    expect(document.comments.map((c) => c.style)).toEqual(['line', 'doc', 'doc', 'doc', 'block']);
    expect(document.items[0]).toMatchObject({
      doc: 'Sent by the seller.\nTwo lines.',
      fields: [{ doc: 'The price.' }],
    });
  });

  it('recovers from several syntax errors and keeps the rest of the file', () => {
    const { document, diagnostics } = parse(dedent`
      flow A() {
        let x = 1 +
        let y = 2
      }
      message M { a Int }
      flow B() {
        send to s
      }
      flow C() {
        return
      }
    `);
    expect(diagnostics.map((d) => [d.code, d.range.line])).toEqual([
      ['syntax-error', 3],
      ['syntax-error', 5],
      ['syntax-error', 7],
    ]);
    expect(document.items.filter((i) => i.kind === 'FlowDecl').map((f) => (f as FlowDecl).name.name)).toEqual(
      ['A', 'B', 'C'],
    );
  });

  it('reports unterminated strings, unknown characters and bad escapes with their positions', () => {
    const { diagnostics } = parse('flow A() {\n  let s = "open\n  let t = #\n  let u = "\\q"\n}\n');
    expect(diagnostics.map((d) => [d.range.line, d.range.column, d.message])).toEqual([
      [2, 11, expect.stringContaining('not closed')],
      [3, 11, 'Unexpected character "#".'],
      // `let t =` lost its value to the bad character
      [4, 3, 'Unexpected "let": expected an expression.'],
      [4, 12, expect.stringContaining('Unknown escape "\\q"')],
    ]);
  });

  it('never throws on an empty or whitespace-only file', () => {
    expect(parse('').document.items).toEqual([]);
    expect(parse('  \n\n// only a comment\n').document.comments).toHaveLength(1);
  });
});
