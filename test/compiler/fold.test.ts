/**
 * Folding pass-through states (compiler/fold.ts): transitions skip states that only pass control on, carrying
 * their actions in order; guarded, branching, waiting and final states stay in the path, and so does a chain that
 * leads back to the state a transition leaves.
 */
import { describe, expect, it } from 'vitest';
import { foldPassThroughStates } from '../../compiler/fold.js';
import type { MachineArtifact, MachineConfig } from '../../compiler/machine.js';

const machine = (states: MachineConfig): MachineArtifact => ({
  name: 'F',
  config: { id: 'F', initial: 'a', states },
  actions: {},
  guards: {},
  trace: {},
});

const act = (...names: string[]) => names.map((type) => ({ type }));

describe('foldPassThroughStates', () => {
  it('sends each transition past the states that only pass control on, with their actions in order', () => {
    const folded = foldPassThroughStates(
      machine({
        a: { always: { target: 'b', actions: act('a.0') } },
        b: { always: { target: 'c', actions: act('b.0', 'b.1') } },
        c: { always: [{ guard: 'c', target: 'd' }, { target: 'w' }] },
        d: { always: { target: 'w' } },
        w: {
          entry: act('w.wait'),
          on: { 'session.message': { target: 'b', actions: act('w.store') } },
        },
        $done: { type: 'final' },
      }),
    ).config['states'] as Record<string, MachineConfig>;
    // a and b pass on to the branch c, which stays; d passes on to w, which waits
    expect(folded['a']!['always']).toEqual({ target: 'c', actions: act('a.0', 'b.0', 'b.1') });
    expect(folded['b']!['always']).toEqual({ target: 'c', actions: act('b.0', 'b.1') });
    expect(folded['c']!['always']).toEqual([{ guard: 'c', target: 'w' }, { target: 'w' }]);
    expect((folded['w']!['on'] as MachineConfig)['session.message']).toEqual({
      target: 'c',
      actions: act('w.store', 'b.0', 'b.1'),
    });
    // every state is still there, under its name
    expect(Object.keys(folded)).toEqual(['a', 'b', 'c', 'd', 'w', '$done']);
  });

  it('keeps a chain that leads back to the state it leaves, and a loop of pass-throughs', () => {
    const folded = foldPassThroughStates(
      machine({
        w: { entry: act('w.wait'), on: { next: { target: 'p' } } },
        p: { always: { target: 'w', actions: act('p.0') } },
        x: { always: { target: 'y' } },
        y: { always: { target: 'x' } },
      }),
    ).config['states'] as Record<string, MachineConfig>;
    expect((folded['w']!['on'] as MachineConfig)['next']).toEqual({ target: 'p' });
    expect(folded['x']!['always']).toEqual({ target: 'y' });
  });
});
