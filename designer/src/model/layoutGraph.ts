/**
 * Layout input and output: a view graph to an elkjs graph (layered, top to bottom, nested groups, ports on the
 * items: `in` on top and `out` below for control, `msg` on the side for messages), and elkjs's answer back to
 * positions relative to each node's parent (what React Flow wants for nested nodes). Hand-moved positions from the
 * sidecar `NAME.flow.layout.json` win over computed ones. Pure: the ELK instance lives in `layout/layout.ts`.
 */
import type { ViewGraph, ViewNode } from './view.js';

export interface ElkPort {
  id: string;
  layoutOptions?: Record<string, string>;
}

export interface ElkNode {
  id: string;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  labels?: { text: string }[];
  ports?: ElkPort[];
  children?: ElkNode[];
  edges?: { id: string; sources: string[]; targets: string[] }[];
  layoutOptions?: Record<string, string>;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Positions = Record<string, Box>;

export const ITEM_HEIGHT = 36;
const GROUP_PADDING = '[top=34,left=14,bottom=14,right=14]';

/** An item's size: wide enough for its label. */
export function itemSize(node: ViewNode): { width: number; height: number } {
  const chars = Math.max(node.label.length, 8);
  return { width: Math.min(360, Math.max(120, Math.round(chars * 7.2) + 32)), height: ITEM_HEIGHT };
}

const LAYERED = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '28',
  'elk.spacing.nodeNode': '24',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

/**
 * The elkjs graph of a view. A step view is one layered graph with its bands as groups. A conversation is laid
 * out lane by lane (each lane a layered graph with its boxes nested), the lanes side by side in one row: elkjs
 * would otherwise stack the lanes along the messages between them. Message edges are drawn, not laid out.
 */
export function toElk(view: ViewGraph): ElkNode {
  const elkNodes = new Map<string, ElkNode>();
  const lanes = view.nodes.some((n) => n.kind === 'lane');
  const root: ElkNode = {
    id: 'root',
    layoutOptions: lanes
      ? { ...LAYERED, 'elk.spacing.nodeNode': '60', 'elk.separateConnectedComponents': 'false' }
      : {
          ...LAYERED,
          'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
          'elk.separateConnectedComponents': 'false',
        },
    children: [],
    edges: [],
  };
  for (const node of view.nodes) {
    const elk: ElkNode = { id: node.id, labels: [{ text: node.label }] };
    if (node.kind !== 'item') {
      elk.children = [];
      elk.edges = [];
      elk.layoutOptions = { ...LAYERED, 'elk.padding': GROUP_PADDING };
      if (node.kind === 'lane') elk.layoutOptions['elk.hierarchyHandling'] = 'INCLUDE_CHILDREN';
    } else {
      Object.assign(elk, itemSize(node));
      elk.ports = [
        { id: `${node.id}:in`, layoutOptions: { 'elk.port.side': 'NORTH' } },
        { id: `${node.id}:out`, layoutOptions: { 'elk.port.side': 'SOUTH' } },
        { id: `${node.id}:msg`, layoutOptions: { 'elk.port.side': 'EAST' } },
      ];
      elk.layoutOptions = { 'elk.portConstraints': 'FIXED_SIDE' };
    }
    elkNodes.set(node.id, elk);
  }
  const parents = new Map(view.nodes.map((n) => [n.id, n.parent]));
  const laneOf = (id: string | undefined): string | undefined => {
    for (let p = id; p !== undefined; p = parents.get(p)) if (!parents.get(p)) return p;
    return undefined;
  };
  for (const node of view.nodes) {
    const parent = node.parent ? elkNodes.get(node.parent) : undefined;
    (parent ?? root).children!.push(elkNodes.get(node.id)!);
  }
  const isItem = new Set(view.nodes.filter((n) => n.kind === 'item').map((n) => n.id));
  for (const edge of view.edges) {
    if (edge.kind === 'message' || !elkNodes.has(edge.source) || !elkNodes.has(edge.target)) continue;
    const end = (id: string, side: 'in' | 'out'): string => (isItem.has(id) ? `${id}:${side}` : id);
    const holder = lanes ? elkNodes.get(laneOf(edge.source) ?? '') : root;
    if (!holder || (lanes && laneOf(edge.source) !== laneOf(edge.target))) continue;
    holder.edges!.push({
      id: edge.id,
      sources: [end(edge.source, 'out')],
      targets: [end(edge.target, 'in')],
    });
  }
  return root;
}

/** Positions from elkjs's answer, each relative to its parent. */
export function fromElk(laidOut: ElkNode): Positions {
  const positions: Positions = {};
  const walk = (node: ElkNode): void => {
    for (const child of node.children ?? []) {
      positions[child.id] = {
        x: child.x ?? 0,
        y: child.y ?? 0,
        width: child.width ?? 0,
        height: child.height ?? 0,
      };
      walk(child);
    }
  };
  walk(laidOut);
  return positions;
}

/** The sidecar: per view (`conversation:SellerFlow`, `flow:SellerFlow`), the positions moved by hand. */
export interface LayoutSidecar {
  version: 1;
  views: Record<string, Record<string, { x: number; y: number }>>;
}

export function emptySidecar(): LayoutSidecar {
  return { version: 1, views: {} };
}

export function readSidecar(value: unknown): LayoutSidecar {
  if (typeof value !== 'object' || value === null) return emptySidecar();
  const views = (value as { views?: unknown }).views;
  if (typeof views !== 'object' || views === null) return emptySidecar();
  const out = emptySidecar();
  for (const [view, positions] of Object.entries(views as Record<string, unknown>)) {
    if (typeof positions !== 'object' || positions === null) continue;
    const kept: Record<string, { x: number; y: number }> = {};
    for (const [id, p] of Object.entries(positions as Record<string, unknown>)) {
      const { x, y } = (p ?? {}) as { x?: unknown; y?: unknown };
      if (typeof x === 'number' && typeof y === 'number') kept[id] = { x, y };
    }
    out.views[view] = kept;
  }
  return out;
}

/** Computed positions with the hand-moved ones of this view laid over them (sizes stay computed). */
export function withManualPositions(
  positions: Positions,
  manual: Record<string, { x: number; y: number }> | undefined,
): Positions {
  if (!manual) return positions;
  const out: Positions = {};
  for (const [id, box] of Object.entries(positions)) {
    const moved = manual[id];
    out[id] = moved ? { ...box, x: moved.x, y: moved.y } : box;
  }
  return out;
}

/** Records a hand move in the sidecar (a new sidecar: the old one is kept for undo). */
export function moveInSidecar(
  sidecar: LayoutSidecar,
  view: string,
  id: string,
  position: { x: number; y: number },
): LayoutSidecar {
  const positions = {
    ...(sidecar.views[view] ?? {}),
    [id]: { x: Math.round(position.x), y: Math.round(position.y) },
  };
  return { version: 1, views: { ...sidecar.views, [view]: positions } };
}

/** Lanes side by side start at the same height and are as tall as the tallest. */
export function alignLanes(positions: Positions, view: ViewGraph): Positions {
  const lanes = view.nodes.filter((n) => n.kind === 'lane' && positions[n.id]);
  if (lanes.length === 0) return positions;
  const height = Math.max(...lanes.map((l) => positions[l.id]!.height));
  const out = { ...positions };
  for (const lane of lanes) out[lane.id] = { ...positions[lane.id]!, y: 0, height };
  return out;
}

/** Absolute boxes (positions are relative to the parent). */
export function absolute(positions: Positions, view: ViewGraph): Positions {
  const parents = new Map(view.nodes.map((n) => [n.id, n.parent]));
  const out: Positions = {};
  const resolve = (id: string): Box | undefined => {
    if (out[id]) return out[id];
    const box = positions[id];
    if (!box) return undefined;
    const parent = parents.get(id);
    const base = parent ? resolve(parent) : undefined;
    out[id] = { ...box, x: box.x + (base?.x ?? 0), y: box.y + (base?.y ?? 0) };
    return out[id];
  };
  for (const id of Object.keys(positions)) resolve(id);
  return out;
}
