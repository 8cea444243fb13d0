/**
 * What the canvas draws, as plain data: nodes (lanes, boxes, bands, items) nested by `parent`, and edges. Built
 * from the step graph of one flow or from a conversation; the layout (`layoutGraph.ts`) gives it positions.
 * Pure.
 */
import type { Conversation, ConvItem } from './conversation.js';
import type { StepGraph } from './flowGraph.js';

export type ViewNodeKind = 'lane' | 'box' | 'band' | 'item';

export interface ViewNode {
  id: string;
  parent?: string;
  kind: ViewNodeKind;
  label: string;
  /** For items: send, receive, open, call (a collapsed box), if, require, ... */
  role: string;
  /** Boxes that can be opened or closed. */
  collapsible?: boolean;
  collapsed?: boolean;
  /** Items with a protocol diagnostic of their own. */
  problems?: string[];
  /** Where it comes from: a file and an offset, for selection and simulation highlighting. */
  file?: string;
  offset?: number;
  endOffset?: number;
  line?: number;
  flow?: string;
  editable?: boolean;
  /** Sends and receives: the message type. */
  type?: string;
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  kind: 'next' | 'then' | 'else' | 'loop' | 'catch' | 'message' | 'sequence';
  label?: string;
  /** A protocol diagnostic on a message edge. */
  error?: string;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
}

export function stepView(graph: StepGraph): ViewGraph {
  const nodes: ViewNode[] = graph.bands
    .filter((b) => b.nodes.length > 0)
    .map((b) => ({
      id: `band:${graph.flow}/${b.name}`,
      kind: 'band',
      label: `${b.name}: ${b.label}`,
      role: 'band',
    }));
  const bandIds = new Set(nodes.map((n) => n.id));
  for (const n of graph.nodes) {
    const band = n.band ? `band:${graph.flow}/${n.band}` : undefined;
    const node: ViewNode = {
      id: n.id,
      kind: 'item',
      label: n.label,
      role: n.kind,
      file: graph.file,
      offset: n.loc.offset,
      endOffset: n.loc.endOffset,
      line: n.loc.line,
      flow: graph.flow,
      editable: true,
    };
    if (band && bandIds.has(band)) node.parent = band;
    if (n.sendType) node.type = n.sendType;
    nodes.push(node);
  }
  const edges: ViewEdge[] = graph.edges.map((e) => {
    const edge: ViewEdge = { id: e.id, source: e.from, target: e.to, kind: e.kind };
    if (e.label) edge.label = e.label;
    return edge;
  });
  return { nodes, edges };
}

/** Boxes shown open by default: those of the CorDapp's own flows, and library sub-flows two levels deep. */
export function defaultExpanded(conversation: Conversation): Set<string> {
  const open = new Set<string>();
  const walk = (items: readonly ConvItem[], depth: number): void => {
    for (const item of items) {
      if (item.kind !== 'box') continue;
      if (item.box !== 'call' || depth < 2 || item.editable) open.add(item.id);
      walk(item.children ?? [], item.box === 'call' ? depth + 1 : depth);
    }
  };
  for (const lane of conversation.lanes) walk(lane.items, 0);
  return open;
}

export function conversationView(conversation: Conversation, expanded: ReadonlySet<string>): ViewGraph {
  const nodes: ViewNode[] = [];
  const edges: ViewEdge[] = [];
  /** Each item's visible stand-in: itself, or the closed box that holds it. */
  const visible = new Map<string, string>();
  const place = (items: readonly ConvItem[], parent: string, hiddenIn: string | undefined): void => {
    let previous: string | undefined;
    for (const item of items) {
      if (hiddenIn) {
        visible.set(item.id, hiddenIn);
        place(item.children ?? [], parent, hiddenIn);
        continue;
      }
      const isBox = item.kind === 'box';
      const open = isBox && expanded.has(item.id);
      const node: ViewNode = {
        id: item.id,
        parent,
        kind: open ? 'box' : 'item',
        label: item.label,
        role: isBox ? (item.box === 'call' || item.box === 'flow' ? 'call' : item.box!) : item.kind,
        file: item.at.file,
        offset: item.at.range.offset,
        endOffset: item.at.range.endOffset,
        line: item.at.range.line,
        flow: item.flow,
        editable: item.editable,
      };
      if (isBox) {
        node.collapsible = true;
        node.collapsed = !open;
      }
      if (item.type) node.type = item.type;
      const problems = conversation.itemDiagnostics[item.id];
      if (problems?.length) node.problems = problems.map((p) => `${p.code}: ${p.message}`);
      nodes.push(node);
      visible.set(item.id, item.id);
      if (previous)
        edges.push({
          id: `seq:${previous}->${item.id}`,
          source: previous,
          target: item.id,
          kind: 'sequence',
        });
      previous = item.id;
      if (isBox) place(item.children ?? [], open ? item.id : parent, open ? undefined : item.id);
    }
  };
  for (const lane of conversation.lanes) {
    nodes.push({ id: lane.id, kind: 'lane', label: lane.label, role: 'lane', flow: lane.flow });
    place(lane.items, lane.id, undefined);
  }
  const merged = new Map<string, ViewEdge & { count: number }>();
  for (const e of conversation.edges) {
    const source = visible.get(e.from);
    const target = visible.get(e.to);
    if (!source || !target || source === target) continue;
    const id = `msg:${source}->${target}`;
    const existing = merged.get(id);
    const error = e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n');
    if (existing) {
      existing.count++;
      if (error) existing.error = existing.error ? `${existing.error}\n${error}` : error;
      continue;
    }
    const edge: ViewEdge & { count: number } = {
      id,
      source,
      target,
      kind: 'message',
      label: e.type,
      count: 1,
    };
    if (!e.ok || error) edge.error = error || 'protocol-mismatch';
    merged.set(id, edge);
  }
  for (const { count, ...edge } of merged.values())
    edges.push(count > 1 ? { ...edge, label: `${edge.label} ×${count}` } : edge);
  return { nodes, edges };
}
