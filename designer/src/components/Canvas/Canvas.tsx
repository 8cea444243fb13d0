/** The graph canvas (React Flow): positioned nodes and edges of the current view. */
import {
  applyNodeChanges,
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
  type NodeMouseHandler,
  type OnNodeDrag,
} from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import type { Positions } from '../../model/layoutGraph.js';
import type { ViewGraph } from '../../model/view.js';
import { GroupNode } from '../GroupNode/GroupNode.js';
import { ItemNode } from '../ItemNode/ItemNode.js';

const nodeTypes = { item: ItemNode, group: GroupNode };

interface Props {
  /** A new key fits the new view to the screen. */
  viewKey: string;
  view?: ViewGraph;
  positions?: Positions;
  selected?: string;
  active: ReadonlySet<string>;
  onSelect(id: string | undefined): void;
  onMove(id: string, position: { x: number; y: number }): void;
  onConnect(source: string, target: string): void;
  onToggle(id: string): void;
}

export function Canvas({
  viewKey,
  view,
  positions,
  selected,
  active,
  onSelect,
  onMove,
  onConnect,
  onToggle,
}: Props) {
  const nodes = useMemo<Node[]>(() => {
    if (!view || !positions) return [];
    return view.nodes
      .filter((n) => positions[n.id])
      .map((n) => {
        const box = positions[n.id]!;
        const node: Node = {
          id: n.id,
          type: n.kind === 'item' ? 'item' : 'group',
          position: { x: box.x, y: box.y },
          data: { view: n, active: active.has(n.id), onToggle },
          width: box.width,
          height: box.height,
          style: { width: box.width, height: box.height },
          selected: n.id === selected,
          draggable: true,
          connectable: n.kind === 'item',
          zIndex: n.kind === 'item' ? 10 : n.kind === 'lane' ? 0 : 1,
        };
        if (n.parent && positions[n.parent]) {
          node.parentId = n.parent;
          node.extent = 'parent';
        }
        return node;
      });
  }, [view, positions, selected, active, onToggle]);

  const edges = useMemo<Edge[]>(() => {
    if (!view || !positions) return [];
    const isItem = new Set(view.nodes.filter((n) => n.kind === 'item').map((n) => n.id));
    return view.edges
      .filter((e) => positions[e.source] && positions[e.target])
      .map((e) => {
        const message = e.kind === 'message';
        const edge: Edge = {
          id: e.id,
          source: e.source,
          target: e.target,
          className: `edge-${e.kind}${e.error ? ' edge-error' : ''}`,
          markerEnd: { type: MarkerType.ArrowClosed },
          zIndex: message ? 20 : 5,
          type: message ? 'default' : 'smoothstep',
        };
        if (isItem.has(e.source)) edge.sourceHandle = message ? 'msg' : 'out';
        if (isItem.has(e.target)) edge.targetHandle = message ? 'msgIn' : 'in';
        if (e.label) edge.label = e.error ? `⚠ ${e.label}` : e.label;
        if (e.error) edge.ariaLabel = e.error;
        if (e.kind === 'sequence') edge.hidden = false;
        return edge;
      });
  }, [view, positions]);

  // React Flow moves dragged nodes in its own copy; a new layout replaces it
  const [shown, setShown] = useState<Node[]>(nodes);
  useEffect(() => setShown(nodes), [nodes]);
  const onNodesChange = (changes: NodeChange[]) => setShown((current) => applyNodeChanges(changes, current));

  const onNodeClick: NodeMouseHandler = (_event, node) => onSelect(node.id);
  const onNodeDragStop: OnNodeDrag = (_event, node) => onMove(node.id, node.position);
  const connect = (c: Connection) => {
    if (c.source && c.target) onConnect(c.source, c.target);
  };

  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow
        key={viewKey}
        nodes={shown}
        onNodesChange={onNodesChange}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        onPaneClick={() => onSelect(undefined)}
        onNodeDragStop={onNodeDragStop}
        onConnect={connect}
        fitView
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
