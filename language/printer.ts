/**
 * AST to canonical `.flow` text. Comments are not in the tree, so they are first attached to the nearest item
 * of a list (declaration, field, enum member, progress step, statement): as leading comments on the lines above
 * it, a trailing comment on its last line, or dangling at the end of a block. A comment written inside an
 * expression moves above the statement that holds it; none is ever dropped.
 *
 * Single blank lines between statements are kept; declarations are always one blank line apart.
 */
import type * as A from './ast.js';
import { binaryPrecedence } from './cstToAst.js';

const INDENT = '  ';
const MAX_INLINE_ENUM = 100;

type Item = A.TopLevelItem | A.FieldDecl | A.EnumMember | A.ProgressDecl | A.ProgressStep | A.Statement;

interface Container {
  loc: A.SourceLocation;
  items: Item[];
}

interface Attached {
  leading: Map<Item, A.Comment[]>;
  trailing: Map<Item, A.Comment[]>;
  dangling: Map<A.SourceLocation, A.Comment[]>;
}

export function print(document: A.Document): string {
  return new Printer(document).print();
}

class Printer {
  private readonly lines: string[] = [];
  private readonly attached: Attached;

  constructor(private readonly document: A.Document) {
    this.attached = attachComments(document);
  }

  print(): string {
    const items = this.document.items;
    items.forEach((item, i) => {
      const prev = items[i - 1];
      if (prev && this.topLevelBlankLine(prev, item)) this.lines.push('');
      this.item(item, '', () => this.topLevelItem(item));
    });
    this.danglingComments(this.document.loc, '');
    return this.lines.length ? this.lines.join('\n') + '\n' : '';
  }

  private topLevelBlankLine(prev: A.TopLevelItem, next: A.TopLevelItem): boolean {
    if (prev.kind === 'ImportDecl' && next.kind === 'ImportDecl') return this.gapBefore(prev, next) > 1;
    return true;
  }

  /** Lines between the end of `prev` (or its trailing comment) and the start of `next` (or its first comment). */
  private gapBefore(prev: Item, next: Item): number {
    const end = (this.attached.trailing.get(prev) ?? []).reduce(
      (l, c) => Math.max(l, c.loc.endLine),
      prev.loc.endLine,
    );
    const first = this.attached.leading.get(next)?.[0];
    return Math.min(first ? first.loc.line : next.loc.line, next.loc.line) - end;
  }

  /** Prints one list item with its comments; `body` pushes the item's own lines. */
  private item(item: Item, indent: string, body: () => void): void {
    const leading = this.attached.leading.get(item) ?? [];
    let last = -1;
    for (const comment of leading) {
      // a comment moved up from inside the item (line after its start) gets no blank line of its own
      if (last >= 0 && comment.loc.line - last > 1 && comment.loc.line < item.loc.line) this.lines.push('');
      this.comment(comment, indent);
      last = comment.loc.endLine;
    }
    if (leading.length && item.loc.line - last > 1 && last < item.loc.line) this.lines.push('');
    body();
    const trailing = this.attached.trailing.get(item);
    if (trailing) this.lines[this.lines.length - 1] += ' ' + trailing.map((c) => c.text).join(' ');
  }

  /** Continuation lines of a block comment keep their indentation relative to its first line. */
  private comment(comment: A.Comment, indent: string): void {
    const [first, ...rest] = comment.text.split(/\r?\n/);
    this.lines.push(indent + first!.trimEnd());
    const original = comment.loc.column - 1;
    for (const line of rest) {
      const leading = line.length - line.trimStart().length;
      const text = line.slice(Math.min(leading, original)).trimEnd();
      this.lines.push(text ? indent + text : '');
    }
  }

  private danglingComments(loc: A.SourceLocation, indent: string): void {
    for (const comment of this.attached.dangling.get(loc) ?? []) this.comment(comment, indent);
  }

  private push(indent: string, text: string): void {
    this.lines.push(indent + text);
  }

  // ---- declarations -------------------------------------------------------------------------------------------

  private topLevelItem(item: A.TopLevelItem): void {
    switch (item.kind) {
      case 'CordappDecl':
        this.push('', `cordapp ${item.name.parts.map((p) => p.name).join('.')} version ${item.version}`);
        return;
      case 'ImportDecl':
        this.push(
          '',
          `import { ${item.specifiers.map((s) => s.name.name).join(', ')} } from ${quote(item.source)}`,
        );
        return;
      case 'MessageDecl':
        this.annotations(item.annotations);
        if (item.fields.length === 0 && !this.attached.dangling.has(item.loc)) {
          this.push('', `message ${item.name.name} {}`);
          return;
        }
        this.push('', `message ${item.name.name} {`);
        this.list(item.fields, INDENT, (f) => this.push(INDENT, `${f.name.name}: ${typeRef(f.type)}`));
        this.danglingComments(item.loc, INDENT);
        this.push('', '}');
        return;
      case 'EnumDecl': {
        this.annotations(item.annotations);
        const names = item.members.map((m) => m.name.name);
        const inline = `enum ${item.name.name} { ${names.join(', ')} }`;
        const hasComments =
          this.attached.dangling.has(item.loc) ||
          item.members.some((m) => this.attached.leading.has(m) || this.attached.trailing.has(m));
        if (!hasComments && inline.length <= MAX_INLINE_ENUM) {
          this.push('', names.length ? inline : `enum ${item.name.name} {}`);
          return;
        }
        this.push('', `enum ${item.name.name} {`);
        this.list(item.members, INDENT, (m) => this.push(INDENT, m.name.name));
        this.danglingComments(item.loc, INDENT);
        this.push('', '}');
        return;
      }
      case 'FlowDecl':
        this.flow(item);
        return;
    }
  }

  private annotations(annotations: A.Annotation[]): void {
    for (const a of annotations) {
      this.push(
        '',
        a.args.length ? `@${a.name.name}(${a.args.map((e) => expr(e)).join(', ')})` : `@${a.name.name}`,
      );
    }
  }

  private flow(flow: A.FlowDecl): void {
    this.annotations(flow.annotations);
    const kind = flow.flowKind === 'inline' ? '' : `${flow.flowKind} `;
    const params = flow.params.map((p) => `${p.name.name}: ${typeRef(p.type)}`).join(', ');
    const respondsTo = flow.respondsTo ? ` for ${flow.respondsTo.name}` : '';
    const returns = flow.returnType ? ` -> ${typeRef(flow.returnType)}` : '';
    const header = `${kind}flow ${flow.name.name}(${params})${respondsTo}${returns} {`;
    const items: Item[] = flow.progress ? [flow.progress, ...flow.body.statements] : flow.body.statements;
    if (items.length === 0 && !this.attached.dangling.has(flow.body.loc)) {
      this.push('', header + '}');
      return;
    }
    this.push('', header);
    this.list(items, INDENT, (item) => {
      if (item.kind === 'ProgressDecl') this.progress(item, INDENT);
      else this.statement(item as A.Statement, INDENT);
    });
    this.danglingComments(flow.body.loc, INDENT);
    this.push('', '}');
  }

  private progress(progress: A.ProgressDecl, indent: string): void {
    this.push(indent, 'progress {');
    const inner = indent + INDENT;
    this.list(progress.steps, inner, (s) =>
      this.push(inner, `${s.name.name} ${quote(s.label)}${s.tracks ? ` tracks ${s.tracks.name}` : ''}`),
    );
    this.danglingComments(progress.loc, inner);
    this.push(indent, '}');
  }

  /** Items one per line, keeping single blank lines that separate groups in the source. */
  private list<I extends Item>(items: I[], indent: string, printOne: (item: I) => void): void {
    items.forEach((item, i) => {
      const prev = items[i - 1];
      if (prev && this.gapBefore(prev, item) > 1) this.lines.push('');
      this.item(item, indent, () => printOne(item));
    });
  }

  // ---- statements ---------------------------------------------------------------------------------------------

  private block(block: A.Block, indent: string, open: string, close = '}'): void {
    if (block.statements.length === 0 && !this.attached.dangling.has(block.loc)) {
      this.push(indent, `${open}{}${close === '}' ? '' : close.slice(1)}`);
      return;
    }
    this.push(indent, `${open}{`);
    const inner = indent + INDENT;
    this.list(block.statements, inner, (s) => this.statement(s, inner));
    this.danglingComments(block.loc, inner);
    this.push(indent, close);
  }

  private statement(s: A.Statement, indent: string): void {
    switch (s.kind) {
      case 'LetStatement':
        this.push(
          indent,
          `${s.mutable ? 'var' : 'let'} ${s.name.name}${s.type ? `: ${typeRef(s.type)}` : ''} = ${expr(s.init)}`,
        );
        return;
      case 'AssignStatement':
        this.push(indent, `${expr(s.target)} = ${expr(s.value)}`);
        return;
      case 'StepStatement':
        this.push(indent, `step ${s.step.name}`);
        return;
      case 'SendStatement':
        this.push(indent, `send ${expr(s.value)} to ${expr(s.session)}`);
        return;
      case 'ReturnStatement':
        this.push(indent, s.value ? `return ${expr(s.value)}` : 'return');
        return;
      case 'RequireStatement':
        this.push(indent, `require ${expr(s.condition)} else ${expr(s.message)}`);
        return;
      case 'FailStatement':
        this.push(indent, `fail ${expr(s.message)}`);
        return;
      case 'IfStatement':
        this.ifStatement(s, indent, 'if ');
        return;
      case 'ForStatement':
        this.block(s.body, indent, `for ${s.variable.name} in ${expr(s.iterable, 0, true)} `);
        return;
      case 'SleepStatement':
        this.push(indent, `sleep ${s.until ? 'until ' : ''}${expr(s.value)}`);
        return;
      case 'TryStatement':
        this.block(s.body, indent, 'try ');
        this.appendBlock(s.handler, indent, s.errorName ? `catch ${s.errorName.name} ` : 'catch ');
        return;
      case 'CloseStatement':
        this.push(indent, `close ${expr(s.session)}`);
        return;
      case 'ExpressionStatement':
        this.push(indent, expr(s.expression));
        return;
    }
  }

  private ifStatement(s: A.IfStatement, indent: string, keyword: string): void {
    const open = `${keyword}${expr(s.condition, 0, true)} `;
    if (keyword === 'if ') this.block(s.then, indent, open);
    else this.appendBlock(s.then, indent, open);
    if (!s.else) return;
    if (s.else.kind === 'IfStatement') this.ifStatement(s.else, indent, 'else if ');
    else this.appendBlock(s.else, indent, 'else ');
  }

  /** Prints a block that continues the previous line's closing brace: `} else {`, `} catch e {`. */
  private appendBlock(block: A.Block, indent: string, open: string): void {
    const before = this.lines.length;
    this.block(block, indent, open);
    const first = this.lines.splice(before, 1)[0]!;
    this.lines[before - 1] += ' ' + first.slice(indent.length);
  }
}

// ---- expressions ------------------------------------------------------------------------------------------------

/** Expressions that bind as tightly as a postfix operand (`a.b`, `f(x)`, literals): never need parentheses. */
function isPostfixLevel(e: A.Expression): boolean {
  switch (e.kind) {
    case 'BinaryExpression':
    case 'UnaryExpression':
    case 'ReceiveExpression':
    case 'CallFlowExpression':
    case 'AwaitInputExpression':
    case 'AwaitExpression':
    case 'OpenExpression':
      return false;
    default:
      return true;
  }
}

function postfixOperand(e: A.Expression, noRecord: boolean): string {
  return isPostfixLevel(e) ? expr(e, 0, noRecord) : `(${expr(e)})`;
}

/**
 * Prints an expression. `minPrecedence` is the binding strength the context needs; `noRecord` is set in `if` and
 * `for` headers, where a bare record must be parenthesised.
 */
export function expr(e: A.Expression, minPrecedence = 0, noRecord = false): string {
  switch (e.kind) {
    case 'IntLiteral':
    case 'DecimalLiteral':
      return e.value;
    case 'DurationLiteral':
      return `${e.amount}${e.unit}`;
    case 'BoolLiteral':
      return String(e.value);
    case 'StringLiteral':
      return stringLiteral(e);
    case 'MeExpression':
      return 'me';
    case 'ErrorExpression':
      return '';
    case 'NameExpression':
      return e.name.name;
    case 'ListExpression':
      return `[${e.elements.map((x) => expr(x)).join(', ')}]`;
    case 'RecordExpression': {
      const fields = e.fields.map((f) => `${f.name.name}: ${expr(f.value)}`).join(', ');
      const text = fields ? `${e.type.name} { ${fields} }` : `${e.type.name} {}`;
      return noRecord ? `(${text})` : text;
    }
    case 'MemberExpression':
      return `${postfixOperand(e.object, noRecord)}.${e.member.name}`;
    case 'CallExpression':
      return `${postfixOperand(e.callee, noRecord)}(${e.args.map((a) => expr(a)).join(', ')})`;
    case 'UnaryExpression': {
      const operand =
        e.operand.kind === 'BinaryExpression' ? `(${expr(e.operand)})` : expr(e.operand, 7, noRecord);
      return parenthesize(`${e.operator}${operand}`, 7, minPrecedence);
    }
    case 'BinaryExpression': {
      const p = binaryPrecedence(e.operator);
      // `(a % b) / c` reads better than `a % b / c`, though both parse alike
      const mixesModulo = (side: A.Expression): boolean =>
        side.kind === 'BinaryExpression' &&
        binaryPrecedence(side.operator) === p &&
        (side.operator === '%') !== (e.operator === '%') &&
        p === binaryPrecedence('%');
      if (mixesModulo(e.left)) {
        return parenthesize(
          `(${expr(e.left)}) ${e.operator} ${expr(e.right, p + 1, noRecord)}`,
          p,
          minPrecedence,
        );
      }
      const left = expr(e.left, p, noRecord);
      const right = expr(e.right, p + 1, noRecord);
      return parenthesize(`${left} ${e.operator} ${right}`, p, minPrecedence);
    }
    case 'ReceiveExpression': {
      const within = e.within ? ` within ${postfixOperand(e.within, noRecord)}` : '';
      return `receive ${typeRef(e.type)} from ${postfixOperand(e.session, noRecord)}${within}`;
    }
    case 'CallFlowExpression':
      return `call ${e.flow.name}(${e.args.map((a) => expr(a)).join(', ')})`;
    case 'AwaitInputExpression': {
      const within = e.within ? ` within ${postfixOperand(e.within, noRecord)}` : '';
      return `await input ${typeRef(e.type)} ${stringLiteral(e.prompt)}${within}`;
    }
    case 'AwaitExpression': {
      let text = `await ${postfixOperand(e.operation, noRecord)}`;
      if (e.retry) text += ` retry ${postfixOperand(e.retry, noRecord)}`;
      if (e.backoff) text += ` backoff ${postfixOperand(e.backoff, noRecord)}`;
      return text;
    }
    case 'OpenExpression':
      return `open ${postfixOperand(e.party, noRecord)}`;
  }
}

function parenthesize(text: string, precedence: number, minPrecedence: number): string {
  return precedence < minPrecedence ? `(${text})` : text;
}

export function typeRef(t: A.TypeRef): string {
  return t.args.length ? `${t.name.name}<${t.args.map(typeRef).join(', ')}>` : t.name.name;
}

function stringLiteral(s: A.StringLiteral): string {
  return '"' + s.parts.map((p) => (typeof p === 'string' ? escapeText(p) : `{${expr(p)}}`)).join('') + '"';
}

// control characters are escaped so a string never breaks its line
// eslint-disable-next-line no-control-regex
const ESCAPED = /[\\"{}\n\r\t\u0000-\u001f\u007f]/g;

function escapeText(text: string): string {
  return text.replace(ESCAPED, (ch) => {
    switch (ch) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\\':
      case '"':
      case '{':
      case '}':
        return '\\' + ch;
      default:
        return `\\u{${ch.charCodeAt(0).toString(16)}}`;
    }
  });
}

function quote(text: string): string {
  return `"${escapeText(text)}"`;
}

// ---- comment attachment ---------------------------------------------------------------------------------------

function containersOf(item: Item): Container[] {
  switch (item.kind) {
    case 'MessageDecl':
      return [{ loc: item.loc, items: item.fields }];
    case 'EnumDecl':
      return [{ loc: item.loc, items: item.members }];
    case 'FlowDecl':
      return [
        {
          loc: item.body.loc,
          items: item.progress ? [item.progress, ...item.body.statements] : item.body.statements,
        },
      ];
    case 'ProgressDecl':
      return [{ loc: item.loc, items: item.steps }];
    case 'IfStatement': {
      const containers: Container[] = [{ loc: item.then.loc, items: item.then.statements }];
      if (item.else?.kind === 'Block') containers.push({ loc: item.else.loc, items: item.else.statements });
      else if (item.else) containers.push(...containersOf(item.else));
      return containers;
    }
    case 'ForStatement':
      return [{ loc: item.body.loc, items: item.body.statements }];
    case 'TryStatement':
      return [
        { loc: item.body.loc, items: item.body.statements },
        { loc: item.handler.loc, items: item.handler.statements },
      ];
    default:
      return [];
  }
}

function contains(loc: A.SourceLocation, offset: number): boolean {
  return loc.offset <= offset && offset < loc.endOffset;
}

function attachComments(document: A.Document): Attached {
  const attached: Attached = { leading: new Map(), trailing: new Map(), dangling: new Map() };
  const add = <K>(map: Map<K, A.Comment[]>, key: K, comment: A.Comment): void => {
    const list = map.get(key);
    if (list) list.push(comment);
    else map.set(key, [comment]);
  };
  const place = (container: Container, comment: A.Comment): void => {
    const offset = comment.loc.offset;
    const items = container.items;
    // the first item that ends after the comment starts
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid]!.loc.endOffset <= offset) lo = mid + 1;
      else hi = mid;
    }
    const next = items[lo];
    if (next && contains(next.loc, offset)) {
      const inner = containersOf(next).find((c) => contains(c.loc, offset));
      if (inner) place(inner, comment);
      else add(attached.leading, next, comment);
      return;
    }
    const prev = items[lo - 1];
    const oneLine = comment.loc.line === comment.loc.endLine;
    if (prev && oneLine && prev.loc.endLine === comment.loc.line) add(attached.trailing, prev, comment);
    else if (next) add(attached.leading, next, comment);
    else add(attached.dangling, container.loc, comment);
  };
  const root: Container = { loc: document.loc, items: document.items };
  for (const comment of document.comments) place(root, comment);
  return attached;
}
