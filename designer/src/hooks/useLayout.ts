/** Positions for a view: elkjs in a worker, then the hand-moved positions of the sidecar on top. */
import { useEffect, useMemo, useState } from 'react';
import { layout } from '../layout/layout.js';
import { withManualPositions, type Positions } from '../model/layoutGraph.js';
import type { ViewGraph } from '../model/view.js';

export interface LayoutState {
  positions?: Positions;
  /** The view the positions are for. */
  view?: ViewGraph;
  millis?: number;
}

/** What changes the layout: the nodes and the control edges (messages are drawn, not laid out). */
function shapeKey(view: ViewGraph | undefined): string {
  if (!view) return '';
  return JSON.stringify([
    view.nodes.map((n) => [n.id, n.parent, n.kind, n.label]),
    view.edges.filter((e) => e.kind !== 'message').map((e) => e.id),
  ]);
}

export function useLayout(
  view: ViewGraph | undefined,
  manual: Record<string, { x: number; y: number }> | undefined,
): LayoutState {
  const [computed, setComputed] = useState<{ key: string; positions: Positions; millis: number }>();
  const key = useMemo(() => shapeKey(view), [view]);
  useEffect(() => {
    if (!view || !key) return;
    let cancelled = false;
    const start = performance.now();
    layout(view).then(
      (positions) => {
        if (!cancelled) setComputed({ key, positions, millis: performance.now() - start });
      },
      (error: unknown) => console.error('layout failed', error),
    );
    return () => {
      cancelled = true;
    };
    // the view object changes with every analysis; only its shape matters here
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return useMemo(() => {
    if (!computed || !view) return {};
    return { positions: withManualPositions(computed.positions, manual), view, millis: computed.millis };
  }, [computed, view, manual]);
}
