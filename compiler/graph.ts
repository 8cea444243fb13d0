/**
 * A flow's graph: steps, transitions, sessions and progress groups, each with its `.flow` range. This is the
 * model `flowc graph` prints and the designer draws. Pure.
 */
import type { SourceLocation } from '../language/index.js';
import { DONE, FAILED, type FlowIR, type IRNode, type Operation } from './ir.js';

export interface GraphNode {
  id: string;
  kind: IRNode['kind'];
  label: string;
  step?: string;
  waitsFor?: string;
  loc: { line: number; column: number; endLine: number; endColumn: number };
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'next' | 'then' | 'else' | 'error';
}

export interface FlowGraph {
  flow: string;
  kind: string;
  file: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Variables that hold sessions: parameters of type Session, and sessions the flow opens. */
  sessions: { variable: string; opened: boolean; party?: string }[];
  progress: { name: string; label: string; tracks?: string; nodes: string[] }[];
}

function op(o: Operation): string {
  switch (o.op) {
    case 'assign':
      return `${o.variable} = ${o.value.text}`;
    case 'evaluate':
      return o.value.text;
    case 'send':
      return `send ${o.value.text} to ${o.session.text}`;
    case 'close':
      return `close ${o.session.text}`;
    case 'step':
      return `step ${o.step}`;
    case 'clear':
      return '';
  }
}

/** What a suspension waits for, as it reads in `.flow`: `price = receive Amount from seller within 1h`. */
export function suspendLabel(node: Extract<IRNode, { kind: 'suspend' }>): string {
  const s = node.suspend;
  const into = s.variable && !s.variable.startsWith('$') ? `${s.variable} = ` : '';
  const args = (s.args ?? []).map((a) => a.text).join(', ');
  switch (s.kind) {
    case 'receive':
      return `${into}receive ${s.type} from ${s.session!.text}${s.within ? ` within ${s.within.text}` : ''}`;
    case 'open':
      return `${into}open ${s.party!.text}`;
    case 'call':
      return `${into}call ${s.flow}(${args})`;
    case 'input':
      return `${into}await input ${s.type}${s.within ? ` within ${s.within.text}` : ''}`;
    case 'external':
      return `${into}await ${s.fn}(${args})`;
    case 'sleep':
      return s.until ? `sleep until ${s.until.text}` : `sleep ${s.duration!.text}`;
  }
}

function label(node: IRNode): string {
  switch (node.kind) {
    case 'exec':
      return node.ops
        .map(op)
        .filter((t) => t && !t.startsWith('$'))
        .join('\n');
    case 'branch':
      return node.label === 'require' ? `require ${node.condition.text}` : node.condition.text;
    case 'suspend':
      return suspendLabel(node);
    case 'fail':
      return `fail ${node.message.text}`;
    case 'catch':
      return node.variable ? `catch ${node.variable}` : 'catch';
    case 'return':
      return node.value ? `return ${node.value.text}` : 'return';
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
  }
}

function range(loc: SourceLocation): GraphNode['loc'] {
  return { line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn };
}

export function flowGraph(ir: FlowIR): FlowGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const sessions: FlowGraph['sessions'] = ir.params
    .filter((p) => p.typeText === 'Session')
    .map((p) => ({ variable: p.name, opened: false }));
  for (const node of ir.nodes) {
    const g: GraphNode = { id: node.id, kind: node.kind, label: label(node), loc: range(node.loc) };
    if (node.step) g.step = node.step;
    if (node.kind === 'suspend') g.waitsFor = node.suspend.kind;
    nodes.push(g);
    switch (node.kind) {
      case 'exec':
      case 'catch':
        edges.push({ from: node.id, to: node.next, kind: 'next' });
        break;
      case 'branch':
        edges.push(
          { from: node.id, to: node.then, kind: 'then' },
          { from: node.id, to: node.else, kind: 'else' },
        );
        break;
      case 'suspend':
        edges.push({ from: node.id, to: node.next, kind: 'next' });
        if (node.onError !== FAILED || node.suspend.kind !== 'sleep')
          edges.push({ from: node.id, to: node.onError, kind: 'error' });
        if (node.suspend.kind === 'open' && node.suspend.variable) {
          sessions.push({ variable: node.suspend.variable, opened: true, party: node.suspend.party!.text });
        }
        break;
      case 'fail':
        edges.push({ from: node.id, to: node.onError, kind: 'error' });
        break;
      case 'return':
        edges.push({ from: node.id, to: DONE, kind: 'next' });
        break;
      default:
        break;
    }
  }
  const progress = ir.progress.map((p) => {
    const group: FlowGraph['progress'][number] = {
      name: p.name,
      label: p.label,
      nodes: nodes
        .filter((n) => n.step === p.name && n.kind !== 'done' && n.kind !== 'failed')
        .map((n) => n.id),
    };
    if (p.tracks) group.tracks = p.tracks;
    return group;
  });
  return { flow: ir.name, kind: ir.kind, file: ir.file, nodes, edges, sessions, progress };
}

function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/\n/g, '<br/>');
}

export function toMermaid(graph: FlowGraph): string {
  const lines = ['flowchart TD'];
  const id = (raw: string): string => raw.replace(/\$/g, '_');
  const shape = (n: GraphNode): string => {
    const text = `"${escapeMermaid(n.label || n.id)}"`;
    switch (n.kind) {
      case 'branch':
        return `${id(n.id)}{${text}}`;
      case 'suspend':
        return `${id(n.id)}([${text}])`;
      case 'done':
      case 'failed':
        return `${id(n.id)}((${text}))`;
      default:
        return `${id(n.id)}[${text}]`;
    }
  };
  const grouped = new Set(graph.progress.flatMap((p) => p.nodes));
  for (const group of graph.progress) {
    if (!group.nodes.length) continue;
    lines.push(`  subgraph ${id(group.name)}["${escapeMermaid(group.label)}"]`);
    for (const nodeId of group.nodes) lines.push(`    ${shape(graph.nodes.find((n) => n.id === nodeId)!)}`);
    lines.push('  end');
  }
  for (const node of graph.nodes) if (!grouped.has(node.id)) lines.push(`  ${shape(node)}`);
  for (const edge of graph.edges) {
    const arrow = edge.kind === 'error' ? '-.->|error|' : edge.kind === 'next' ? '-->' : `-->|${edge.kind}|`;
    lines.push(`  ${id(edge.from)} ${arrow} ${id(edge.to)}`);
  }
  return lines.join('\n') + '\n';
}

function escapeDot(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function toDot(graph: FlowGraph): string {
  const lines = [`digraph "${escapeDot(graph.flow)}" {`, '  node [fontname="Helvetica", fontsize=10];'];
  const shape = (n: GraphNode): string =>
    n.kind === 'branch'
      ? 'diamond'
      : n.kind === 'suspend'
        ? 'box, style=rounded'
        : n.kind === 'done' || n.kind === 'failed'
          ? 'doublecircle'
          : 'box';
  const nodeLine = (n: GraphNode): string =>
    `"${escapeDot(n.id)}" [label="${escapeDot(n.label || n.id)}", shape=${shape(n)}, tooltip="line ${n.loc.line}"];`;
  const grouped = new Set(graph.progress.flatMap((p) => p.nodes));
  graph.progress.forEach((group, i) => {
    if (!group.nodes.length) return;
    lines.push(`  subgraph cluster_${i} {`, `    label="${escapeDot(group.label)}";`);
    for (const nodeId of group.nodes)
      lines.push(`    ${nodeLine(graph.nodes.find((n) => n.id === nodeId)!)}`);
    lines.push('  }');
  });
  for (const node of graph.nodes) if (!grouped.has(node.id)) lines.push(`  ${nodeLine(node)}`);
  for (const edge of graph.edges) {
    const attrs =
      edge.kind === 'error'
        ? ' [style=dashed, label="error"]'
        : edge.kind === 'next'
          ? ''
          : ` [label="${edge.kind}"]`;
    lines.push(`  "${escapeDot(edge.from)}" -> "${escapeDot(edge.to)}"${attrs};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
