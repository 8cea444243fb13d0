/**
 * The runtime benchmark at a tiny size, so its code cannot rot: every case runs and prints its table. No timing is
 * asserted; only that the durable and the in-memory runs do the same work.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from './runtime.bench.js';
import {
  cordappAt,
  pingPongDurable,
  pingPongInMemory,
  removeDir,
  reusedScopeStepper,
  RUNTIME_CORDAPPS,
  tempDir,
} from './runtimeFlows.js';

describe('the runtime benchmark', () => {
  afterEach(() => void vi.restoreAllMocks());

  it('drives the same ping-pong in memory and on durable nodes: the same steps, every Ping ending with 110', async () => {
    const cordapp = await cordappAt(path.join(RUNTIME_CORDAPPS, 'pingpong'));
    const memory = pingPongInMemory(
      cordapp.flows.get('Ping')!.machine,
      cordapp.flows.get('Pong')!.machine,
      5,
    );
    const dir = tempDir();
    try {
      const { run: durable } = await pingPongDurable(cordapp, 5, dir);
      expect(memory).toMatchObject({ flows: 5, steps: 5 * 23 });
      const [ping, pong] = [cordapp.flows.get('Ping')!.machine, cordapp.flows.get('Pong')!.machine];
      expect(pingPongInMemory(ping, pong, 5, reusedScopeStepper())).toEqual(memory);
      expect(durable).toMatchObject({ flows: 5, steps: 5 * 23 });
      expect(durable.checkpoints).toBeGreaterThan(0);
      expect(durable.commits).toBeGreaterThan(0);
    } finally {
      removeDir(dir);
    }
  });

  it('runs every case at a tiny size and prints the targets with verdicts', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
    await run(['--pairs', '5', '--iterations', '1', '--records', '64', '--flows', '200', '--resumes', '5']);
    const text = lines.join('\n');
    for (const heading of [
      'Durable against in-memory',
      'Checkpoint writes',
      'Checkpoint sizes',
      '200 suspended flows',
    ])
      expect(text).toContain(heading);
    const targets = text.slice(text.indexOf('### Targets'));
    for (const row of [
      'durable / in-memory',
      'bare upserts, 1 per commit',
      'bare upserts, 256 per commit',
      'checkpoint size',
      'peak RSS',
      'node reopen',
    ])
      expect(targets).toContain(row);
    expect(targets).toMatch(/\| (met|MISSED) +\|/);
  });
});
