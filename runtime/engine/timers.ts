/**
 * The node's two clocks: the flows' deadlines (on the injected clock, so tests control time; one wake-up armed,
 * for the earliest deadline in the store) and resending unacknowledged messages (on real time, since it is about
 * the network, not the flows).
 */
import type { Envelope } from '../messages.js';
import type { NodeCore } from './core.js';

export function armTimer(core: NodeCore): void {
  if (core.dead) return;
  const next = core.store.nextDeadline();
  if (next === core.timerAt) return;
  core.cancelTimer?.();
  core.cancelTimer = undefined;
  core.timerAt = next;
  if (next === undefined) return;
  if (next <= core.clock.now()) {
    core.timerAt = undefined;
    core.schedule(() => fireDue(core));
    return;
  }
  core.cancelTimer = core.clock.wakeAt(next, () => {
    core.timerAt = undefined;
    core.cancelTimer = undefined;
    fireDue(core);
  });
}

function fireDue(core: NodeCore): void {
  if (core.dead) return;
  const now = core.clock.now();
  for (const due of core.store.dueFlows(now, 10_000)) {
    // as the batch sees it: a message may already have answered the wait
    const flow = core.getFlow(due.id);
    if (!flow || flow.status !== 'waiting' || flow.wait?.token !== due.wait!.token) continue;
    const key = `${flow.id}#${flow.wait.token}`;
    if (core.timersQueued.has(key)) continue;
    core.timersQueued.add(key);
    core.answer(flow, { type: 'timer.fired', at: now });
  }
  core.requestDrain();
  // a later deadline is armed by the drain's commit
}

/** Sends again every message no node has acknowledged. */
export function resend(core: NodeCore): void {
  if (core.dead) return;
  for (const message of core.store.outbox()) {
    core.transport.send(message.message as Envelope);
  }
  armResend(core);
}

export function armResend(core: NodeCore): void {
  if (core.resendAfterMs <= 0 || core.resendTimer || core.dead) return;
  core.resendTimer = setTimeout(() => {
    core.resendTimer = undefined;
    if (core.store.outbox().length) resend(core);
  }, core.resendAfterMs);
  const t = core.resendTimer as { unref?: () => void };
  t.unref?.();
}
