/**
 * The engine's XState shortcuts (runtime/engine/xstate.ts) give what XState's own functions give: the persisted
 * snapshot of every state a flow rests in, without XState's walk of the context.
 */
import { describe, expect, it } from 'vitest';
import { initialStep, persistedSnapshot, step } from '../../runtime/engine/xstate.js';
import { cordapp } from './helpers.js';

describe('persistedSnapshot', () => {
  it("equals XState's getPersistedSnapshot at every state of a ping-pong, and restores the same", async () => {
    const machine = (await cordapp('pingpong')).flows.get('Ping')!.machine;
    let [snapshot] = initialStep(machine, {
      flowId: 'f-1',
      me: 'Alice',
      params: { peer: 'Bob', start: 1 },
      at: 0,
    });
    const events: Record<string, unknown>[] = [{ type: 'session.opened', session: 's1', at: 1 }];
    for (let i = 1; i <= 10; i++)
      events.push({ type: 'session.message', session: 's1', value: 2 * (1 + i), at: i });
    let rests = 0;
    for (const event of events) {
      const ours = persistedSnapshot(machine, snapshot);
      expect(ours).toEqual(machine.getPersistedSnapshot(snapshot));
      // and a step from it, restored from JSON, goes where a step from XState's goes
      const restored = machine.resolveState(JSON.parse(JSON.stringify(ours)) as never);
      [snapshot] = step(machine, restored, event);
      rests++;
    }
    expect(snapshot.status).toBe('done');
    expect(snapshot.output).toEqual({ result: 130 });
    expect(rests).toBe(11);
  });
});
