/** The designer's simulation, in Node: the CorDapp built in memory, run on the in-memory network a task at a time. */
import { describe, expect, it } from 'vitest';
import { buildSimulation, reachableFlows } from '../../designer/src/sim/cordapp.js';
import { Simulation } from '../../designer/src/sim/simulation.js';
import { checkDir } from './helpers.js';

describe('simulation', () => {
  it('runs the approval CorDapp to the end, answering its prompt', async () => {
    const checked = await checkDir('test/designer/fixtures/approval');
    const build = buildSimulation(checked.results, 'approval');
    expect(build.hostCalls).toEqual({});
    const simulation = await Simulation.create(build.cordapp, ['Requester', 'Approver']);
    simulation.start('Requester', 'RequestApproval', { approver: 'Approver', amount: 5, reason: 'lunch' });
    while (simulation.step());
    let state = simulation.state();
    expect(state.inputs.map((i) => [i.node, i.prompt])).toEqual([['Approver', 'Approve 5 for lunch?']]);
    expect(state.active.map((a) => [a.node, a.state, a.location?.line])).toEqual([
      ['Requester', 'receive_decision', 23],
      ['Approver', 'input_ok', 33],
    ]);
    simulation.answer('Approver', state.inputs[0]!.flowId, true);
    while (simulation.step());
    state = simulation.state();
    expect(state.outcome).toMatchObject({ status: 'done', result: true });
    expect(state.messages.filter((m) => m.kind === 'data').map((m) => m.type)).toEqual([
      'Request',
      'Decision',
    ]);
    expect(state.checkpoints.length).toBeGreaterThan(0);
    for (const c of state.checkpoints) expect(c.bytes).toBeLessThan(1024);
    expect(state.progress?.steps.map((s) => s.step)).toEqual(['Asking', 'Waiting']);
    simulation.close();
  });

  it('says which flows call host functions, which run only on a node', async () => {
    const checked = await checkDir('samples/trade');
    const build = buildSimulation(checked.results, 'trade');
    expect(build.hostCalls['SellerFlow']).toContain('findCommodity');
    expect(reachableFlows(build.flows, 'SellerFlow')).toContain('NotaryService');
  });
});
