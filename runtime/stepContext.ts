/**
 * What a host function's `FlowContext` holds during a step: the flow's id and party, and the node's services for
 * that step (the ledger). Transitions are synchronous and a process runs one at a time, so the node doing a step
 * sets the services for its duration, and every bundle's `ctx(c)` reads them here (bundles share one runtime).
 */

export interface StepServices {
  /** The flow the step is of: the id of an inlined sub-flow's code, whose context (a frame) does not hold it. */
  readonly flowId?: string;
  readonly ledger?: unknown;
}

let current: StepServices | undefined;

/** Runs `work` with `services` as the current step's; restores the previous ones after. */
export function withStepServices<T>(services: StepServices, work: () => T): T {
  const previous = current;
  current = services;
  try {
    return work();
  } finally {
    current = previous;
  }
}

/** The context a host function receives: `{ flowId, me, ledger }`. */
export function stepContext(c: Record<string, unknown>): { flowId: string; me: string; ledger?: unknown } {
  const context = { flowId: String(c['$flowId'] ?? current?.flowId), me: String(c['$me']) };
  return current?.ledger === undefined ? context : { ...context, ledger: current.ledger };
}
