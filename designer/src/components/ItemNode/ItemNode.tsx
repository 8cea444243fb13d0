/** A statement or a conversation item on the canvas, with handles for control (top, bottom) and messages (sides). */
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { ViewNode } from '../../model/view.js';

export type ItemData = { view: ViewNode; active: boolean; onToggle?: (id: string) => void };

export function ItemNode({ data, selected }: NodeProps<Node<ItemData>>) {
  const { view, active } = data;
  const classes = ['item', `role-${view.role}`];
  if (active) classes.push('active');
  if (selected) classes.push('selected');
  if (view.problems?.length) classes.push('problem');
  return (
    <div
      className={classes.join(' ')}
      title={view.problems?.join('\n') ?? view.label}
      data-role={view.role}
      data-label={view.label}
    >
      <Handle type="target" position={Position.Top} id="in" />
      <Handle type="target" position={Position.Left} id="msgIn" />
      {view.collapsible ? (
        <button
          className="toggle"
          title="Open the box"
          onClick={(e) => {
            e.stopPropagation();
            data.onToggle?.(view.id);
          }}
        >
          +
        </button>
      ) : null}
      <span className="label">{view.label}</span>
      <Handle type="source" position={Position.Bottom} id="out" />
      <Handle type="source" position={Position.Right} id="msg" />
    </div>
  );
}
