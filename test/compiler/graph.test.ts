/**
 * `flowc graph FILE --flow NAME --format json|mermaid|dot`: each kitchen-sink flow's steps, transitions, sessions,
 * progress groups and ranges, and the same graph as Mermaid and DOT.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectOneLineError,
  flowc,
  flowcOk,
  KITCHEN_SINK_FLOW,
  KITCHEN_SINK_FLOWS,
  SLOW,
  tempDirs,
  tinyCordapp,
  writeCordapp,
} from './helpers.js';

interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface FlowGraph {
  flow: string;
  kind: string;
  file: string;
  nodes: { id: string; kind: string; label: string; step?: string; waitsFor?: string; loc: Range }[];
  edges: { from: string; to: string; kind: string }[];
  sessions: { variable: string; opened: boolean; party?: string }[];
  progress: { name: string; label: string; tracks?: string; nodes: string[] }[];
}

// every test spawns flowc, which takes seconds on a busy machine
vi.setConfig({ testTimeout: SLOW, hookTimeout: SLOW });

const temp = tempDirs();
afterAll(() => temp.cleanup());

const LINES = readFileSync(KITCHEN_SINK_FLOW, 'utf8').split('\n');

/** The lines of a flow's declaration: from its annotations and `flow NAME(` to the line that closes it. */
function declarationLines(flow: string): { start: number; end: number } {
  const header = LINES.findIndex((l) => new RegExp(`\\bflow ${flow}\\(`).test(l));
  let start = header + 1;
  while (start > 1 && LINES[start - 2]!.startsWith('@')) start--;
  const end = LINES.findIndex((l, i) => i > header && l === '}') + 1;
  expect(start, flow).toBeGreaterThan(0);
  expect(end, flow).toBeGreaterThan(start);
  return { start, end };
}

/** What the kitchen sink's flows must show. */
const EXPECTED: Record<
  string,
  {
    kind: string;
    edgeKinds: string[];
    waitsFor: string[];
    sessions: FlowGraph['sessions'];
    progress: { name: string; label: string; tracks?: string; includes: string[] }[];
  }
> = {
  SellerFlow: {
    kind: 'initiating',
    edgeKinds: ['else', 'error', 'next', 'then'],
    waitsFor: ['call', 'external', 'open', 'receive', 'sleep'],
    sessions: [{ variable: 'session', opened: true, party: 'buyer' }],
    progress: [
      { name: 'Quoting', label: 'Getting a quote', includes: ['open_session'] },
      { name: 'Offering', label: 'Sending the offer', tracks: 'Haggle', includes: [] },
      { name: 'Waiting', label: 'Waiting for the buyer', includes: ['receive_verdict', 'call_Haggle'] },
      { name: 'Done', label: 'Finished', includes: [] },
    ],
  },
  Haggle: {
    kind: 'inline',
    edgeKinds: ['error', 'next'],
    waitsFor: ['receive'],
    sessions: [{ variable: 'session', opened: false }],
    progress: [{ name: 'Asking', label: 'Asking for a counter-offer', includes: [] }],
  },
  BuyerFlow: {
    kind: 'responder',
    edgeKinds: ['else', 'error', 'next', 'then'],
    waitsFor: ['input', 'receive'],
    sessions: [{ variable: 'seller', opened: false }],
    progress: [],
  },
  Tally: {
    kind: 'inline',
    edgeKinds: ['else', 'next', 'then'],
    waitsFor: [],
    sessions: [],
    progress: [],
  },
};

describe('flowc graph', () => {
  const graphs: Record<string, FlowGraph> = {};
  const mermaid: Record<string, string> = {};
  const dot: Record<string, string> = {};

  beforeAll(() => {
    for (const flow of KITCHEN_SINK_FLOWS) {
      const args = ['graph', 'test/fixtures/kitchen-sink/kitchen-sink.flow', '--flow', flow, '--format'];
      graphs[flow] = JSON.parse(flowcOk([...args, 'json']).stdout) as FlowGraph;
      mermaid[flow] = flowcOk([...args, 'mermaid']).stdout;
      dot[flow] = flowcOk([...args, 'dot']).stdout;
    }
  });

  describe.each(KITCHEN_SINK_FLOWS)('%s', (flow) => {
    const expected = EXPECTED[flow]!;

    it('json: nodes and edges of kinds next, then, else and error', () => {
      const graph = graphs[flow]!;
      expect(graph).toMatchObject({ flow, kind: expected.kind, file: 'kitchen-sink.flow' });
      const ids = graph.nodes.map((n) => n.id);
      expect(new Set(ids).size, 'node ids are unique').toBe(ids.length);
      // every flow ends in one of its two final nodes
      expect(graph.nodes.filter((n) => n.kind === 'done').map((n) => n.id)).toEqual(['$done']);
      expect(graph.nodes.filter((n) => n.kind === 'failed').map((n) => n.id)).toEqual(['$failed']);
      for (const edge of graph.edges) {
        expect(ids, JSON.stringify(edge)).toContain(edge.from);
        expect(ids, JSON.stringify(edge)).toContain(edge.to);
        expect(['next', 'then', 'else', 'error']).toContain(edge.kind);
      }
      expect([...new Set(graph.edges.map((e) => e.kind))].sort()).toEqual(expected.edgeKinds);
      // every node but the final ones leaves somewhere; a branch both ways
      for (const node of graph.nodes) {
        const out = graph.edges.filter((e) => e.from === node.id).map((e) => e.kind);
        if (node.kind === 'done' || node.kind === 'failed') expect(out, node.id).toEqual([]);
        else expect(out.length, node.id).toBeGreaterThan(0);
        if (node.kind === 'branch') expect(out.sort(), node.id).toEqual(['else', 'then']);
        if (node.kind === 'fail') expect(out, node.id).toEqual(['error']);
      }
      // every node can be reached from the first one, except $failed in a flow that cannot fail
      const reached = new Set([graph.nodes[0]!.id]);
      for (let grew = true; grew;) {
        grew = false;
        for (const e of graph.edges)
          if (reached.has(e.from) && !reached.has(e.to)) grew = Boolean(reached.add(e.to));
      }
      expect(ids.filter((id) => !reached.has(id) && id !== '$failed')).toEqual([]);
      // suspensions say what they wait for
      const waits = graph.nodes.filter((n) => n.kind === 'suspend').map((n) => n.waitsFor!);
      expect([...new Set(waits)].sort()).toEqual(expected.waitsFor);
      for (const node of graph.nodes) expect(node.label, node.id).not.toMatch(/^(\w+) = \1 = /m);
    });

    it('json: sessions and progress groups with their node ids', () => {
      const graph = graphs[flow]!;
      expect(graph.sessions).toEqual(expected.sessions);
      expect(graph.progress.map(({ name, label, tracks }) => ({ name, label, tracks }))).toEqual(
        expected.progress.map(({ name, label, tracks }) => ({ name, label, tracks })),
      );
      for (const [i, group] of graph.progress.entries()) {
        for (const id of expected.progress[i]!.includes) expect(group.nodes, group.name).toContain(id);
        for (const id of group.nodes) {
          const node = graph.nodes.find((n) => n.id === id);
          expect(node, `${group.name}: ${id}`).toBeDefined();
          expect(node!.step, `${group.name}: ${id}`).toBe(group.name);
        }
      }
      // each node is in at most one group, the group of its step
      const grouped = graph.progress.flatMap((g) => g.nodes);
      expect(new Set(grouped).size).toBe(grouped.length);
      for (const node of graph.nodes)
        if (node.step && node.kind !== 'done' && node.kind !== 'failed')
          expect(graph.progress.find((g) => g.name === node.step)!.nodes, node.id).toContain(node.id);
      if (expected.progress.length > 0) expect(grouped.length).toBeGreaterThan(0);
    });

    it('json: every range lies inside the file and inside the flow', () => {
      const { start, end } = declarationLines(flow);
      for (const node of graphs[flow]!.nodes) {
        const { line, column, endLine, endColumn } = node.loc;
        expect(line, node.id).toBeGreaterThanOrEqual(start);
        expect(endLine, node.id).toBeLessThanOrEqual(end);
        expect(endLine, node.id).toBeGreaterThanOrEqual(line);
        expect(column, node.id).toBeGreaterThanOrEqual(1);
        expect(column, node.id).toBeLessThanOrEqual(LINES[line - 1]!.length + 1);
        expect(endColumn, node.id).toBeLessThanOrEqual(LINES[endLine - 1]!.length + 1);
        if (line === endLine) expect(endColumn, node.id).toBeGreaterThan(column);
      }
    });

    it('mermaid: a flowchart with a subgraph per non-empty progress group', () => {
      const text = mermaid[flow]!;
      const graph = graphs[flow]!;
      expect(text.startsWith('flowchart TD\n')).toBe(true);
      const nonEmpty = graph.progress.filter((g) => g.nodes.length > 0);
      const subgraphs = text.split('\n').filter((l) => /^\s*subgraph /.test(l));
      expect(subgraphs).toEqual(nonEmpty.map((g) => `  subgraph ${g.name}["${g.label}"]`));
      expect(text.split('\n').filter((l) => l.trim() === 'end')).toHaveLength(nonEmpty.length);
      const edges = text.split('\n').filter((l) => /-->|-\.->/.test(l));
      expect(edges).toHaveLength(graph.edges.length);
      expect(edges.filter((l) => l.includes('-.->|error|'))).toHaveLength(
        graph.edges.filter((e) => e.kind === 'error').length,
      );
      // node ids are Mermaid identifiers: `$done` is written `_done`
      expect(text).not.toMatch(/^\s*\$/m);
      if (graph.edges.some((e) => e.to === '$done')) expect(text).toMatch(/--> _done$/m);
    });

    it('dot: a digraph with a cluster per non-empty progress group', () => {
      const text = dot[flow]!;
      const graph = graphs[flow]!;
      expect(text.startsWith(`digraph "${flow}" {\n`)).toBe(true);
      expect(text.endsWith('}\n')).toBe(true);
      const nonEmpty = graph.progress.filter((g) => g.nodes.length > 0);
      expect(text.match(/subgraph cluster_\d+ \{/g) ?? []).toHaveLength(nonEmpty.length);
      for (const group of nonEmpty) expect(text).toContain(`label="${group.label}";`);
      for (const node of graph.nodes) expect(text).toContain(`"${node.id}" [label=`);
      expect(text.split('\n').filter((l) => l.includes('" -> "'))).toHaveLength(graph.edges.length);
      // the graph and each cluster are closed
      const lines = text.split('\n');
      expect(lines.filter((l) => l.endsWith(' {'))).toHaveLength(nonEmpty.length + 1);
      expect(lines.filter((l) => l.trim() === '}')).toHaveLength(nonEmpty.length + 1);
    });
  });

  it('refuses an unknown flow with one line listing the flows', () => {
    const line = expectOneLineError(
      flowc(['graph', 'test/fixtures/kitchen-sink/kitchen-sink.flow', '--flow', 'NoSuchFlow']),
    );
    expect(line).toContain('NoSuchFlow');
    expect(line).toContain(`its flows are: ${KITCHEN_SINK_FLOWS.join(', ')}`);
  });

  it('keeps the text of labels in Mermaid: only node ids are rewritten', () => {
    const dir = writeCordapp(temp.make('flowc-graph-'), 'tiny', tinyCordapp());
    const args = ['graph', `${dir}/tiny.flow`, '--flow', 'Pay', '--format'];
    const text = flowcOk([...args, 'mermaid']).stdout;
    expect(text).toContain('costs $5 at least');
    expect(text).toMatch(/^\s*_failed\(\("failed"\)\)$/m);
    expect(flowcOk([...args, 'dot']).stdout).toContain('costs $5 at least');
  });
});
