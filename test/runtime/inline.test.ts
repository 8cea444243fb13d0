/**
 * Inline sub-flows compiled into their caller (compiler/inline.ts): they run in the caller's flow record, on a
 * frame of its context, with the behaviour they had as sub-flows — results, a failure caught by the caller,
 * progress nested as child trackers, crash safety — and a recursive flow still runs as sub-flows.
 */
import { describe, expect, it } from 'vitest';
import type { MockNetwork } from '../../runtime/mockNetwork.js';
import { renderProgressTree } from '../../runtime/progress.js';
import { cordapp, crashOnce, network, type CrashPoint } from './helpers.js';

const NODES = ['Alice', 'Bob'];
const PARAMS = { peer: 'Bob', values: [1, 2, 3] };
// each value v comes back as v + 2v; Countdown(3) adds 3 + 2 + 1; Echo gives back 7 and 8
const EXPECTED = 3 * (1 + 2 + 3) + 6 + 7 + 8;

async function run(point?: CrashPoint) {
  const crash = crashOnce(point);
  const net = await network('inline', NODES, { maxBatchSteps: 1, hooks: crash.hooks });
  crash.startCounting(net, NODES);
  const handle = net.start('Alice', 'Tally', PARAMS);
  await net.runUntilIdle();
  if (crash.crashed) {
    await net.restart(point!.node);
    await net.runUntilIdle();
  }
  return { net, outcome: await net.node('Alice').waitFor(handle.id), id: handle.id, crash };
}

function records(net: MockNetwork, node: string) {
  return net
    .node(node)
    .store.listFlows()
    .map((f) => [f.flow, f.status, f.parent === undefined ? 'top' : 'child'])
    .sort();
}

describe('inline sub-flows', () => {
  it('compiles calls of inline flows into the caller, and keeps recursive calls and calls inside try as sub-flows', async () => {
    const tally = (await cordapp('inline')).flows.get('Tally')!;
    const states = tally.machine.config.states as Record<string, { meta?: Record<string, unknown> }>;
    const waits = Object.entries(states)
      .filter(([, s]) => s.meta?.['waitsFor'] !== undefined)
      .map(([id, s]) => `${id} ${String(s.meta!['waitsFor'])}`)
      .sort();
    expect(waits).toEqual([
      // Countdown calls itself: inlined into Tally once, its own call stays a sub-flow
      'call_Countdown/call_Countdown call',
      // Echo, an initiating flow, compiled in: it opens its own session from within its frame
      'call_Echo/open_session open',
      'call_Echo/receive_Int receive',
      // and inside `try`, a sub-flow
      'call_Echo_2 call',
      // inside `try`: a FlowError its host function throws must end Positive, not Tally
      'call_Positive call',
      // Sum and, within it, Ask are states of Tally: the only wait left of them is Ask's receive
      'call_Sum/call_Ask/receive_Int receive',
      'open_session open',
    ]);
    // the frame's waiting state records the caller's variables and the frame, typed by the callee's fingerprint
    const context = states['call_Sum/call_Ask/receive_Int']!.meta!['context'] as {
      has: Record<string, string>;
    };
    expect(context.has['call_Sum']).toMatch(/^frame Sum [0-9a-f]{16}$/);
    expect(context.has['total']).toBe('Int');
  });

  it('runs them in the caller: same results, nested progress, no sub-flow records', async () => {
    const { net, outcome, id } = await run();
    expect(outcome).toMatchObject({ status: 'done', result: EXPECTED });
    // Sum and Ask left no record; the recursive Countdown(2), (1), (0) did, and Positive, which failed with its
    // host function's FlowError, caught by Tally (or Tally would not be done)
    expect(records(net, 'Alice')).toEqual([
      ['Countdown', 'done', 'child'],
      ['Countdown', 'done', 'child'],
      ['Countdown', 'done', 'child'],
      ['Echo', 'done', 'child'],
      ['Positive', 'failed', 'child'],
      ['Tally', 'done', 'top'],
    ]);
    // Bob answered both Echos, the compiled one's session named as Echo's, and Tally's own
    expect(records(net, 'Bob')).toEqual([
      ['Doubler', 'done', 'top'],
      ['Echoer', 'done', 'top'],
      ['Echoer', 'done', 'top'],
    ]);
    // every session is ended on both sides (the compiled Echo's when Tally ended)
    let sessions = 0;
    for (const node of NODES)
      for (const flow of net.node(node).store.listFlows())
        for (const session of net.node(node).store.sessionsOf(flow.id)) {
          expect(session.closed, `${node} ${session.id}`).toBe(true);
          sessions++;
        }
    expect(sessions).toBe(6);
    const alice = net.node('Alice');
    // the finished flow's checkpoint is gone, and no frame outlived its call while it ran
    expect(alice.store.getFlow(id)!.snapshot).toBeNull();
    const tree = alice.progressTree(id)!;
    expect(renderProgressTree(tree)).toEqual([
      '✓ Opening a session',
      '✓ Summing with the peer',
      // the three calls of Sum in the loop follow each other: one tracker shows their steps
      '    ✓ Asking for the double',
      '    ✓ Asking for the double',
      '    ✓ Asking for the double',
      '✓ Checking a negative number',
    ]);
    expect(tree.steps[1]!.children.map((c) => [c.flowId, c.flow, c.status])).toEqual([[id, 'Sum', 'done']]);
    // the real sub-flow hangs under the step that was current when it was called
    expect(tree.steps[2]!.children.map((c) => c.flow)).toEqual(['Positive', 'Echo', 'Countdown']);
    const events: string[] = [];
    alice.subscribeProgress(id, (e) => events.push(`${e.depth} ${e.path.join('>')} ${e.step}`))();
    expect(events.slice(0, 3)).toEqual(['0 Tally Opening', '0 Tally Summing', '1 Tally>Sum Asking']);
  });

  it('checkpoints inside a frame: the flow waits in the inlined state with the frame in its context', async () => {
    const net = await network('inline', NODES, { delivery: 'manual' });
    const handle = net.start('Alice', 'Tally', PARAMS);
    const alice = net.node('Alice');
    let seen: { value: unknown; frame: unknown } | undefined;
    for (let i = 0; i < 200 && !seen; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const snapshot = alice.store.getFlow(handle.id)?.snapshot as {
        value: string;
        context: Record<string, unknown>;
      } | null;
      if (snapshot?.value === 'call_Sum/call_Ask/receive_Int')
        seen = { value: snapshot.value, frame: snapshot.context['call_Sum'] };
      else net.step();
    }
    expect(seen?.frame).toMatchObject({ $me: 'Alice', value: 1, call_Ask: { $me: 'Alice', value: 1 } });
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'done', result: EXPECTED });
  });

  it('loses nothing when a node crashes after any of its commits', async () => {
    const clean = await run();
    const commits = Object.fromEntries(NODES.map((n) => [n, clean.crash.counted(clean.net, n)]));
    let runs = 0;
    for (const node of NODES) {
      expect(commits[node]).toBeGreaterThan(3);
      for (let at = 1; at <= commits[node]!; at++) {
        for (const when of ['afterCommit', 'afterExecute'] as const) {
          const { outcome, net } = await run({ node, at, when });
          expect(outcome, `${node} crashed ${when} commit ${at}`).toMatchObject({
            status: 'done',
            result: EXPECTED,
          });
          expect(records(net, 'Alice')).toEqual(records(clean.net, 'Alice'));
          runs++;
        }
      }
    }
    expect(runs).toBeGreaterThan(10);
  });
});
