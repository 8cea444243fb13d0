/**
 * Graph edits to `.flow` text (graph edit to AST): each edit finds its place in the parsed document and returns
 * text changes that touch only that place, with new code written by the printer (`printExpression`). Comments
 * and the formatting of everything else are left as they are, and the editor applies the changes as one
 * transaction, so undo and redo cover graph edits like typing. Pure.
 */
import type * as A from '../../../language/index.js';
import { printExpression, visit } from '../../../language/index.js';

export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

export class EditError extends Error {}

/** Applies changes (given against the same text, in any order) to a text. */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  let out = text;
  for (const c of [...changes].sort((a, b) => b.from - a.from))
    out = out.slice(0, c.from) + c.insert + out.slice(c.to);
  return out;
}

export function findFlow(document: A.Document, name: string): A.FlowDecl {
  const flow = document.items.find((i): i is A.FlowDecl => i.kind === 'FlowDecl' && i.name.name === name);
  if (!flow) throw new EditError(`There is no flow "${name}" in this file.`);
  return flow;
}

/** Every statement list of a flow, with the statements in it. */
function blocksOf(flow: A.FlowDecl): A.Block[] {
  const blocks: A.Block[] = [];
  visit(flow.body, { Block: (b) => void blocks.push(b) });
  return blocks;
}

/** The innermost statement that starts at or contains `offset`, and the block that holds it. */
export function statementAt(flow: A.FlowDecl, offset: number): { statement: A.Statement; block: A.Block } {
  let found: { statement: A.Statement; block: A.Block } | undefined;
  for (const block of blocksOf(flow)) {
    for (const statement of block.statements) {
      if (offset < statement.loc.offset || offset >= statement.loc.endOffset) continue;
      if (
        !found ||
        statement.loc.endOffset - statement.loc.offset <
          found.statement.loc.endOffset - found.statement.loc.offset
      )
        found = { statement, block };
    }
  }
  if (!found) throw new EditError('No statement is there any more: the text changed.');
  return found;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** Inserts a statement after `after` (a statement's offset), or at the end of the flow (before a last `return`). */
export function insertStatement(text: string, flow: A.FlowDecl, code: string, after?: number): TextChange {
  if (after !== undefined) {
    const { statement } = statementAt(flow, after);
    const indent = indentAt(text, statement.loc.offset);
    return { from: statement.loc.endOffset, to: statement.loc.endOffset, insert: `\n${indent}${code}` };
  }
  const statements = flow.body.statements;
  const last = statements[statements.length - 1];
  if (last && last.kind === 'ReturnStatement') {
    const start = lineStart(text, last.loc.offset);
    const indent = indentAt(text, last.loc.offset);
    return { from: start, to: start, insert: `${indent}${code}\n` };
  }
  if (last) {
    const indent = indentAt(text, last.loc.offset);
    return { from: last.loc.endOffset, to: last.loc.endOffset, insert: `\n${indent}${code}` };
  }
  // an empty body: `{` ... `}`
  const close = flow.body.loc.endOffset - 1;
  const indent = indentAt(text, flow.loc.offset);
  return { from: close, to: close, insert: `  ${code}\n${indent}` };
}

/** Removes a statement with its line when it stands alone on it. */
export function deleteStatement(text: string, flow: A.FlowDecl, at: number): TextChange {
  const { statement } = statementAt(flow, at);
  const start = lineStart(text, statement.loc.offset);
  const before = text.slice(start, statement.loc.offset);
  const end = statement.loc.endOffset;
  const rest = /^[ \t]*(\r?\n)?/.exec(text.slice(end))!;
  if (/^[ \t]*$/.test(before) && rest[1] !== undefined)
    return { from: start, to: end + rest[0].length, insert: '' };
  return { from: statement.loc.offset, to: end, insert: '' };
}

/** Moves a statement one place up or down among its siblings (whole lines swap). */
export function moveStatement(text: string, flow: A.FlowDecl, at: number, direction: -1 | 1): TextChange[] {
  const { statement, block } = statementAt(flow, at);
  const index = block.statements.indexOf(statement);
  const other = block.statements[index + direction];
  if (!other) throw new EditError(direction < 0 ? 'It is the first statement.' : 'It is the last statement.');
  const [first, second] = direction < 0 ? [other, statement] : [statement, other];
  const firstText = text.slice(first.loc.offset, first.loc.endOffset);
  const secondText = text.slice(second.loc.offset, second.loc.endOffset);
  return [
    { from: first.loc.offset, to: first.loc.endOffset, insert: secondText },
    { from: second.loc.offset, to: second.loc.endOffset, insert: firstText },
  ];
}

/** The variables holding sessions in a flow: its Session parameters and the sessions it opens. */
export function sessionsOf(flow: A.FlowDecl): string[] {
  const names = flow.params.filter((p) => p.type.name.name === 'Session').map((p) => p.name.name);
  visit(flow.body, {
    LetStatement: (s) => {
      if (s.init.kind === 'OpenExpression') names.push(s.name.name);
    },
  });
  return names;
}

/** A value of a type, for a new send: a record with each field filled in, an enum's first member, a literal. */
export function defaultValue(type: string, document: A.Document, depth = 0): string {
  const list = /^List<(.*)>$/.exec(type);
  if (list) return '[]';
  switch (type) {
    case 'Int':
      return '0';
    case 'Decimal':
      return '0.0';
    case 'Bool':
      return 'true';
    case 'String':
      return '""';
    case 'Duration':
      return '1s';
    case 'Party':
      return 'me';
    default:
      break;
  }
  for (const item of document.items) {
    if (item.kind === 'EnumDecl' && item.name.name === type)
      return `${type}.${item.members[0]?.name.name ?? 'Unknown'}`;
    if (item.kind === 'MessageDecl' && item.name.name === type) {
      if (depth > 3) break;
      const fields = item.fields.map(
        (f) => `${f.name.name}: ${defaultValue(f.type.name.name, document, depth + 1)}`,
      );
      return `${type} { ${fields.join(', ')} }`;
    }
  }
  throw new EditError(`Cannot write a value of type "${type}" here: send a value of a message or enum type.`);
}

/** The message and enum types a send may carry: the file's own, then the built-in ones. */
export function sendableTypes(document: A.Document): string[] {
  const own = document.items
    .filter((i): i is A.MessageDecl | A.EnumDecl => i.kind === 'MessageDecl' || i.kind === 'EnumDecl')
    .map((i) => i.name.name);
  return [...own, 'String', 'Int', 'Bool'];
}

/** Adds `send VALUE to SESSION` (a value of `type`) after a statement or at the end of the flow. */
export function addSend(
  text: string,
  document: A.Document,
  flowName: string,
  options: { type: string; session?: string; after?: number },
): TextChange {
  const flow = findFlow(document, flowName);
  const session = options.session ?? sessionsOf(flow)[0];
  if (!session) throw new EditError(`"${flowName}" has no session to send on: open one first.`);
  const value = defaultValue(options.type, document);
  return insertStatement(text, flow, `send ${value} to ${session}`, options.after);
}

/** A name not used in the flow: `base`, `base2`, ... */
export function freshName(flow: A.FlowDecl, base: string): string {
  const used = new Set<string>(flow.params.map((p) => p.name.name));
  visit(flow.body, {
    LetStatement: (s) => void used.add(s.name.name),
    ForStatement: (s) => void used.add(s.variable.name),
  });
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

/**
 * Connects a send to the other side: adds the receive it will meet in the receiving flow, after `after` (a
 * statement's offset) or at the end of that flow.
 */
export function addReceive(
  text: string,
  document: A.Document,
  flowName: string,
  options: { type: string; session?: string; after?: number },
): TextChange {
  const flow = findFlow(document, flowName);
  const session = options.session ?? sessionsOf(flow)[0];
  if (!session) throw new EditError(`"${flowName}" has no session to receive on.`);
  const name = freshName(flow, 'received');
  return insertStatement(text, flow, `let ${name} = receive ${options.type} from ${session}`, options.after);
}

/** Changes what a send sends: a value of another type. */
export function changeSendType(
  text: string,
  document: A.Document,
  flowName: string,
  at: number,
  type: string,
): TextChange {
  const flow = findFlow(document, flowName);
  const { statement } = statementAt(flow, at);
  if (statement.kind !== 'SendStatement') throw new EditError('Only a send has a type to change.');
  return {
    from: statement.value.loc.offset,
    to: statement.value.loc.endOffset,
    insert: defaultValue(type, document),
  };
}

/** Changes a progress step's label. */
export function changeProgressLabel(
  text: string,
  document: A.Document,
  flowName: string,
  step: string,
  label: string,
): TextChange {
  const flow = findFlow(document, flowName);
  const decl = flow.progress?.steps.find((s) => s.name.name === step);
  if (!decl) throw new EditError(`"${flowName}" has no progress step "${step}".`);
  const from = text.indexOf('"', decl.name.loc.endOffset);
  const to = text.indexOf('"', from + 1);
  if (from < 0 || to < 0 || to > decl.loc.endOffset) throw new EditError('The label is not where it was.');
  return {
    from,
    to: to + 1,
    insert: printExpression({ kind: 'StringLiteral', parts: [label], loc: decl.loc }),
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Renames a flow, a message, an enum or a progress step everywhere in the document, or a variable of a flow
 * (`flowName`) inside that flow.
 */
export function rename(document: A.Document, from: string, to: string, flowName?: string): TextChange[] {
  if (!IDENTIFIER.test(to)) throw new EditError(`"${to}" is not a name.`);
  const ids: A.Identifier[] = [];
  const scope: A.Node = flowName ? findFlow(document, flowName) : document;
  const declaredTop = document.items.some(
    (i) =>
      (i.kind === 'FlowDecl' || i.kind === 'MessageDecl' || i.kind === 'EnumDecl') && i.name.name === from,
  );
  const isStep =
    flowName !== undefined && findFlow(document, flowName).progress?.steps.some((s) => s.name.name === from);
  visit(scope, {
    Identifier: (id) => {
      if (id.name === from) ids.push(id);
    },
  });
  if (ids.length === 0) throw new EditError(`"${from}" is not used here.`);
  if (!declaredTop && !isStep && !flowName) throw new EditError(`"${from}" is not declared in this file.`);
  return ids.map((id) => ({ from: id.loc.offset, to: id.loc.endOffset, insert: to }));
}
