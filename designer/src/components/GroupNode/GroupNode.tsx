/** A lane, a sub-flow box or a progress band: a labelled frame around its items. */
import type { NodeProps, Node } from '@xyflow/react';
import type { ViewNode } from '../../model/view.js';

export type GroupData = { view: ViewNode; active: boolean; onToggle?: (id: string) => void };

export function GroupNode({ data, selected }: NodeProps<Node<GroupData>>) {
  const { view } = data;
  const classes = ['group', `group-${view.kind}`, `role-${view.role}`];
  if (selected) classes.push('selected');
  return (
    <div className={classes.join(' ')} data-lane={view.kind === 'lane' ? view.label : undefined}>
      <div className="group-label">
        {view.collapsible ? (
          <button
            className="toggle"
            title="Close the box"
            onClick={(e) => {
              e.stopPropagation();
              data.onToggle?.(view.id);
            }}
          >
            −
          </button>
        ) : null}
        {view.label}
      </div>
    </div>
  );
}
