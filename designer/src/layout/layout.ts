/**
 * Layout: a pure async function over one module-level ELK instance, whose work runs in a Web Worker (elkjs's own
 * worker script, bundled by Vite), so typing never waits for a layout.
 */
import ELK from 'elkjs/lib/elk-api.js';
import ElkWorker from 'elkjs/lib/elk-worker.min.js?worker';
import { alignLanes, fromElk, toElk, type Positions } from '../model/layoutGraph.js';
import type { ViewGraph } from '../model/view.js';

const elk = new ELK({ workerFactory: () => new ElkWorker() as never, workerUrl: '' });

export async function layout(view: ViewGraph): Promise<Positions> {
  const laidOut = await elk.layout(toElk(view) as never);
  return alignLanes(fromElk(laidOut as never), view);
}
