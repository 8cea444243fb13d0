/**
 * One flow as a graph of its statements (AST to graph): a node per send, receive, call, require, if, for, await,
 * sleep, return and the other statements, control edges between them (then/else, loop back, catch), and the
 * flow's progress steps as bands holding the statements that run under each step. Pure.
 *
 * Node ids are made from what a node is (`send:Offer#2`: the second send of an `Offer`), not from its offset,
 * so positions moved by hand stay with their node when unrelated text changes.
 */
import type * as A from '../../../language/index.js';
import { printExpression, printTypeRef } from '../../../language/index.js';

export type StepKind =
  | 'start'
  | 'end'
  | 'send'
  | 'receive'
  | 'call'
  | 'open'
  | 'input'
  | 'await'
  | 'sleep'
  | 'require'
  | 'if'
  | 'for'
  | 'try'
  | 'return'
  | 'fail'
  | 'close'
  | 'code';

export interface Range {
  offset: number;
  endOffset: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface StepNode {
  id: string;
  kind: StepKind;
  label: string;
  /** The statement's range (the flow's name for start and end). */
  loc: Range;
  /** The progress step in force when the statement runs, in source order. */
  band?: string;
  /** For a send: the value's type as written, when the value is a record or an enum member. */
  sendType?: string;
}

export interface StepEdge {
  id: string;
  from: string;
  to: string;
  kind: 'next' | 'then' | 'else' | 'loop' | 'catch';
  label?: string;
}

export interface StepBand {
  name: string;
  label: string;
  nodes: string[];
}

export interface StepGraph {
  flow: string;
  file: string;
  nodes: StepNode[];
  edges: StepEdge[];
  bands: StepBand[];
}

export function rangeOf(loc: A.SourceLocation): Range {
  return {
    offset: loc.offset,
    endOffset: loc.endOffset,
    line: loc.line,
    column: loc.column,
    endLine: loc.endLine,
    endColumn: loc.endColumn,
  };
}

/** The suspending expression a statement runs, if any (`let x = receive T from s`, `call F()`, ...). */
function suspending(e: A.Expression | undefined): A.Expression | undefined {
  if (!e) return undefined;
  switch (e.kind) {
    case 'ReceiveExpression':
    case 'CallFlowExpression':
    case 'OpenExpression':
    case 'AwaitInputExpression':
    case 'AwaitExpression':
      return e;
    default:
      return undefined;
  }
}

const EXPRESSION_KINDS: Partial<Record<A.Expression['kind'], StepKind>> = {
  ReceiveExpression: 'receive',
  CallFlowExpression: 'call',
  OpenExpression: 'open',
  AwaitInputExpression: 'input',
  AwaitExpression: 'await',
};

function short(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** What a statement is drawn as: its kind and one line of text. */
export function describeStatement(s: A.Statement): { kind: StepKind; label: string; sendType?: string } {
  switch (s.kind) {
    case 'SendStatement': {
      const sendType = sentTypeName(s.value);
      const d: { kind: StepKind; label: string; sendType?: string } = {
        kind: 'send',
        label: short(`send ${printExpression(s.value)} to ${printExpression(s.session)}`),
      };
      if (sendType) d.sendType = sendType;
      return d;
    }
    case 'LetStatement':
    case 'AssignStatement':
    case 'ExpressionStatement': {
      const value =
        s.kind === 'LetStatement' ? s.init : s.kind === 'AssignStatement' ? s.value : s.expression;
      const target =
        s.kind === 'LetStatement'
          ? `${s.name.name} = `
          : s.kind === 'AssignStatement'
            ? `${printExpression(s.target)} = `
            : '';
      const inner = suspending(value);
      if (inner) {
        const kind = EXPRESSION_KINDS[inner.kind]!;
        const text =
          inner.kind === 'AwaitInputExpression'
            ? `await input ${printTypeRef(inner.type)} ${printExpression(inner.prompt)}`
            : printExpression(inner);
        return { kind, label: short(`${target}${text}`) };
      }
      return { kind: 'code', label: short(`${target}${printExpression(value)}`) };
    }
    case 'RequireStatement':
      return { kind: 'require', label: short(`require ${printExpression(s.condition)}`) };
    case 'FailStatement':
      return { kind: 'fail', label: short(`fail ${printExpression(s.message)}`) };
    case 'IfStatement':
      return { kind: 'if', label: short(`if ${printExpression(s.condition)}`) };
    case 'ForStatement':
      return { kind: 'for', label: short(`for ${s.variable.name} in ${printExpression(s.iterable)}`) };
    case 'SleepStatement':
      return { kind: 'sleep', label: short(`sleep ${s.until ? 'until ' : ''}${printExpression(s.value)}`) };
    case 'TryStatement':
      return { kind: 'try', label: 'try' };
    case 'ReturnStatement':
      return { kind: 'return', label: short(s.value ? `return ${printExpression(s.value)}` : 'return') };
    case 'CloseStatement':
      return { kind: 'close', label: `close ${printExpression(s.session)}` };
    case 'StepStatement':
      return { kind: 'code', label: `step ${s.step.name}` };
  }
}

/** The type name a sent value shows on its face: a record's type, an enum member's enum. */
export function sentTypeName(value: A.Expression): string | undefined {
  if (value.kind === 'RecordExpression') return value.type.name;
  if (value.kind === 'MemberExpression' && value.object.kind === 'NameExpression')
    return /^[A-Z]/.test(value.object.name.name) ? value.object.name.name : undefined;
  if (value.kind === 'StringLiteral') return 'String';
  if (value.kind === 'IntLiteral') return 'Int';
  if (value.kind === 'BoolLiteral') return 'Bool';
  return undefined;
}

interface Pending {
  from: string;
  kind: StepEdge['kind'];
  label?: string;
}

class GraphBuilder {
  readonly nodes: StepNode[] = [];
  readonly edges: StepEdge[] = [];
  private readonly counts = new Map<string, number>();
  private band: string | undefined;

  constructor(private readonly flowName: string) {}

  node(kind: StepKind, label: string, loc: A.SourceLocation, sendType?: string): StepNode {
    const base = `${kind}:${kind === 'send' && sendType ? sendType : label}`;
    const n = (this.counts.get(base) ?? 0) + 1;
    this.counts.set(base, n);
    const node: StepNode = { id: `${this.flowName}/${base}#${n}`, kind, label, loc: rangeOf(loc) };
    if (this.band) node.band = this.band;
    if (sendType) node.sendType = sendType;
    this.nodes.push(node);
    return node;
  }

  connect(pending: readonly Pending[], to: string): void {
    for (const p of pending) {
      const edge: StepEdge = { id: `${p.from}->${to}:${p.kind}`, from: p.from, to, kind: p.kind };
      if (p.label) edge.label = p.label;
      if (!this.edges.some((e) => e.id === edge.id)) this.edges.push(edge);
    }
  }

  /** Lays out a block; returns the ends that continue after it. */
  block(statements: readonly A.Statement[], incoming: Pending[]): Pending[] {
    let pending = incoming;
    for (const s of statements) pending = this.statement(s, pending);
    return pending;
  }

  statement(s: A.Statement, incoming: Pending[]): Pending[] {
    if (s.kind === 'StepStatement') {
      // a progress step is a band, not a node
      this.band = s.step.name;
      return incoming;
    }
    const d = describeStatement(s);
    const node = this.node(d.kind, d.label, s.loc, d.sendType);
    this.connect(incoming, node.id);
    switch (s.kind) {
      case 'IfStatement': {
        const thenEnds = this.block(s.then.statements, [{ from: node.id, kind: 'then', label: 'then' }]);
        const elsePending: Pending[] = [{ from: node.id, kind: 'else', label: 'else' }];
        const elseEnds = !s.else
          ? elsePending
          : s.else.kind === 'Block'
            ? this.block(s.else.statements, elsePending)
            : this.statement(s.else, elsePending);
        return [...thenEnds, ...elseEnds];
      }
      case 'ForStatement': {
        const bodyEnds = this.block(s.body.statements, [{ from: node.id, kind: 'then', label: 'each' }]);
        this.connect(
          bodyEnds.map((p) => ({ ...p, kind: 'loop' as const })),
          node.id,
        );
        return [{ from: node.id, kind: 'else', label: 'done' }];
      }
      case 'TryStatement': {
        const bodyEnds = this.block(s.body.statements, [{ from: node.id, kind: 'next' }]);
        const handlerEnds = this.block(s.handler.statements, [
          { from: node.id, kind: 'catch', label: s.errorName ? `catch ${s.errorName.name}` : 'catch' },
        ]);
        return [...bodyEnds, ...handlerEnds];
      }
      case 'ReturnStatement':
        this.returns.push(node.id);
        return [];
      case 'FailStatement':
        return [];
      case 'RequireStatement':
        return [{ from: node.id, kind: 'next' }];
      default:
        return [{ from: node.id, kind: 'next' }];
    }
  }

  readonly returns: string[] = [];
}

/** The graph of one flow declaration of a file. */
export function flowStepGraph(flow: A.FlowDecl, file: string): StepGraph {
  const name = flow.name.name;
  const builder = new GraphBuilder(name);
  const params = flow.params.map((p) => `${p.name.name}: ${printTypeRef(p.type)}`).join(', ');
  const start = builder.node('start', `${name}(${params})`, flow.name.loc);
  const ends = builder.block(flow.body.statements, [{ from: start.id, kind: 'next' }]);
  const end = builder.node('end', 'end', flow.body.loc);
  delete end.band;
  builder.connect(ends, end.id);
  builder.connect(
    builder.returns.map((from) => ({ from, kind: 'next' as const })),
    end.id,
  );
  const bands: StepBand[] = (flow.progress?.steps ?? []).map((step) => ({
    name: step.name.name,
    label: step.label,
    nodes: builder.nodes.filter((n) => n.band === step.name.name).map((n) => n.id),
  }));
  return { flow: name, file, nodes: builder.nodes, edges: builder.edges, bands };
}

/** The flows a document declares, in order. */
export function flowsOf(document: A.Document): A.FlowDecl[] {
  return document.items.filter((i): i is A.FlowDecl => i.kind === 'FlowDecl');
}
