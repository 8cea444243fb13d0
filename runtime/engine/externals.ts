/**
 * External operations: the host functions a flow awaits. They run outside any batch (after the commit that made
 * the flow wait, and again after a restart) and come back as events, so their retry policy lives here.
 */
import {
  backoffDelay,
  errorMessage,
  isFlowErrorLike,
  isTransientError,
  MAX_BACKOFF_MS,
  TRANSIENT_ATTEMPTS,
} from '../hospital.js';
import type { FlowEventValue } from '../node.js';
import type { FlowRecord } from '../store.js';
import type { NodeCore } from './core.js';

/**
 * Calls the host function a flow awaits, after the commit that made the flow wait for it, and again after a
 * restart: always with the same operation id (`flowId:token`), so the function can deduplicate. Its result is
 * an event, checkpointed by the next commit. A failure is retried with backoff and jitter — up to the `retry N`
 * the flow declares, or a few times for a transient error — then the flow goes to the hospital; an error named
 * FlowError is the flow's to catch.
 */
export function runExternal(core: NodeCore, flow: FlowRecord): void {
  const wait = flow.wait;
  if (!wait || wait.type !== 'flow.external') return;
  const key = `${flow.id}#${wait.token}`;
  if (core.externalsRunning.has(key)) return;
  core.externalsRunning.add(key);
  const external = core.cordapps.get(flow.bundle)?.flows.get(flow.flow)?.external[wait.fn!];
  const token = wait.token;
  const operationId = `${flow.id}:${token}`;
  const finish = (event: Omit<FlowEventValue, 'at'>): void => {
    core.externalsRunning.delete(key);
    if (core.dead) return;
    core.enqueue({ flow: flow.id, token, event: { ...event, at: core.clock.now() } as FlowEventValue });
    core.requestDrain();
  };
  if (!external) {
    queueMicrotask(() =>
      finish({
        type: '$external.failed',
        error: `The host function ${wait.fn} is not in the bundle.`,
        attempts: 0,
      }),
    );
    return;
  }
  const args = external.context
    ? [{ flowId: flow.id, me: core.name, operationId }, ...(wait.args ?? [])]
    : (wait.args ?? []);
  const declared = wait.retry !== undefined;
  const attempt = (n: number): void => {
    core.externalCalls++;
    Promise.resolve()
      .then(() => external.fn(...args))
      .finally(() => core.externalCalls--)
      .then(
        (value) => finish({ type: 'external.done', value }),
        (error: unknown) => {
          if (core.dead) return;
          const message = errorMessage(error);
          if (isFlowErrorLike(error)) return finish({ type: 'external.failed', error: { message } });
          const retries = declared ? wait.retry! : isTransientError(error) ? TRANSIENT_ATTEMPTS - 1 : 0;
          if (n < retries) {
            const delay = Math.min(MAX_BACKOFF_MS, backoffDelay(n, wait.backoffMs, core.random));
            core.clock.wakeAt(core.clock.now() + delay, () => {
              if (!core.dead) attempt(n + 1);
            });
            return;
          }
          finish({
            type: '$external.failed',
            error: `${wait.fn} failed${n > 0 ? ` ${n + 1} times` : ''}: ${message}`,
            attempts: n + 1,
          });
        },
      );
  };
  attempt(0);
}
