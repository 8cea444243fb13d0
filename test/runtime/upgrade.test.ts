/**
 * Upgrades without draining: version 2 of a CorDapp is installed while 100 flows of version 1 wait at various
 * states. Version 2 removes the second question: flows waiting for it finish on version 1, the others move to
 * version 2 at their next step (as `flowc diff` says), and every flow completes.
 */
import { describe, expect, it } from 'vitest';
import { FlowRequestError } from '../../runtime/node.js';
import { cordapp, network } from './helpers.js';

describe('upgrades', () => {
  it('moves the compatible flows to the new version and finishes the others on the old one', async () => {
    const v1 = await cordapp('upgrade-v1');
    const v2 = await cordapp('upgrade-v2');
    const net = await network('upgrade-v1', ['Alice']);
    const node = net.node('Alice');
    const flows = Array.from({ length: 100 }, (_, i) => ({
      name: `p${i}`,
      // 0: waiting for the first answer, 1: for the second (gone in v2), 2: for the third
      at: i % 3,
      handle: node.startFlow('Survey', { name: `p${i}` }),
    }));
    await net.runUntilIdle();
    const answer = (id: string): void => {
      const input = node.inputs().find((i) => i.flowId === id)!;
      node.answerInput(id, input.prompt.split(' ')[0]!.toLowerCase());
    };
    for (const flow of flows) {
      for (let k = 0; k < flow.at; k++) {
        answer(flow.handle.id);
        await net.runUntilIdle();
      }
    }

    node.install(v2);
    expect(
      node
        .installed()
        .map((c) => c.version)
        .sort(),
    ).toEqual(['1.0.0', '2.0.0']);
    // new flows start on the newest version
    const fresh = node.startFlow('Survey', { name: 'new' });
    await net.runUntilIdle();
    expect(node.flow(fresh.id)!.bundle).toBe(v2.hash);
    // version 1 is still needed
    expect(() => node.uninstall(v1.hash)).toThrow(FlowRequestError);
    expect(() => node.uninstall(v1.hash)).toThrow(
      /^com\.example\.upgrade 1\.0\.0 cannot be uninstalled: 100 flows still run on it: Survey flow-1 \(waiting\)/,
    );

    // answer everything that is asked until every flow has ended
    for (let round = 0; round < 4 && node.inputs().length; round++) {
      for (const input of node.inputs()) answer(input.flowId);
      await net.runUntilIdle();
    }
    const results = await Promise.all(flows.map((f) => f.handle.result));
    expect(results.every((r) => r.status === 'done')).toBe(true);
    for (const [i, flow] of flows.entries()) {
      const expected = flow.at === 1 ? `v1 ${flow.name}: first second third` : `v2 ${flow.name}: first third`;
      expect(results[i]!.result, `${flow.name} waited at state ${flow.at}`).toBe(expected);
      expect(node.flow(flow.handle.id)!.bundle).toBe(flow.at === 1 ? v1.hash : v2.hash);
    }
    const moved = node.inspect(flows[0]!.handle.id).history.find((h) => h.event === 'upgrade');
    expect(moved).toMatchObject({ from: 'input_first@1.0.0', to: 'input_first@2.0.0' });
    expect(await fresh.result).toMatchObject({ status: 'done', result: 'v2 new: first third' });

    // nothing runs on version 1 any more: it can go, and the node keeps going without it
    node.uninstall(v1.hash);
    expect(node.installed().map((c) => c.version)).toEqual(['2.0.0']);
    const restarted = await net.restart('Alice');
    expect(restarted.installed().map((c) => c.version)).toEqual(['2.0.0']);
  });
});
