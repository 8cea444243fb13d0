/**
 * How the flow hospital classifies what went wrong, and how long it waits before trying again. Pure.
 *
 * - A host function may end a flow's operation with a business failure the flow can catch: it throws an error
 *   named `FlowError` (or with `flowError: true`), which the flow receives as a FlowError.
 * - A transient failure (an error with `transient: true` or named `TransientError`, or a store that is busy or
 *   locked) is retried with exponential backoff and jitter, up to a bound.
 * - Anything else — and a transient failure that outlasts its retries — parks the flow in the hospital, where its
 *   owner can retry it (once the cause is fixed), retry it with an edited value, or kill it.
 */

export function isFlowErrorLike(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; flowError?: unknown };
  return e.name === 'FlowError' || e.flowError === true;
}

const LOCKED = /^SQLITE_(BUSY|LOCKED)(_|$)/;

export function isTransientError(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const candidate = e as { name?: unknown; transient?: unknown; code?: unknown; cause?: unknown };
    if (candidate.transient === true || candidate.name === 'TransientError') return true;
    if (typeof candidate.code === 'string' && LOCKED.test(candidate.code)) return true;
    e = candidate.cause;
  }
  return false;
}

/** Attempts made for a transient failure of a step or an undeclared external operation before the hospital. */
export const TRANSIENT_ATTEMPTS = 4;
export const DEFAULT_BACKOFF_MS = 100;
export const MAX_BACKOFF_MS = 60_000;

/**
 * The wait before attempt `attempt + 1` (attempt 0 failed first): `base · 2^attempt`, at most `MAX_BACKOFF_MS`,
 * with "equal jitter" (between half and all of it) so that many flows failing together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  baseMs = DEFAULT_BACKOFF_MS,
  random: () => number = Math.random,
): number {
  const full = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  return Math.round(full / 2 + (full / 2) * random());
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
