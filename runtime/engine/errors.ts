/**
 * The node's two errors. They live apart from `FlowNode` (which re-exports them) because the engine throws them
 * too, and the engine must not import the facade that imports it.
 */

export class NodeCrashed extends Error {
  override name = 'NodeCrashed';
}

/** A bad request to the node (an unknown flow, wrong parameters, an answer of the wrong type): nothing changed. */
export class FlowRequestError extends Error {
  override name = 'FlowRequestError';
}
