/**
 * The flow hospital and the owner's operations: external operations retried with the same deduplication id,
 * failures parked with their `.flow` location, retry (with an edited value), pause and resume, kill across three
 * parties, initial messages kept until their CorDapp is installed, unreadable checkpoints, a busy store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, SimulatedClock } from '../../runtime/clock.js';
import { SqliteStore } from '../../runtime/node/sqliteStore.js';
import { network } from './helpers.js';

interface HostControl {
  reserve(operationId: string, item: string): Promise<number> | number;
  price(item: string): number;
}

const host = globalThis as { hospitalHost?: HostControl };

function transient(message: string): Error {
  return Object.assign(new Error(message), { transient: true });
}

let calls: { operationId: string; item: string }[];

beforeEach(() => {
  calls = [];
  host.hospitalHost = {
    reserve: (operationId, item) => {
      calls.push({ operationId, item });
      return 7;
    },
    price: () => 3,
  };
});

afterEach(() => {
  delete host.hospitalHost;
});

/** Runs the network, moving the simulated clock past every backoff, until nothing more happens. */
async function settle(net: Awaited<ReturnType<typeof network>>, clock: SimulatedClock): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await net.runUntilIdle();
    clock.advance(120_000);
  }
  await net.runUntilIdle();
}

describe('external operations', () => {
  it('retries a transient failure with backoff and completes, with the same deduplication id every time', async () => {
    const clock = new SimulatedClock();
    const net = await network('hospital', ['Alice'], { clock });
    let failures = 2;
    host.hospitalHost!.reserve = (operationId, item) => {
      calls.push({ operationId, item });
      if (failures-- > 0) throw transient('the warehouse is busy');
      return 41;
    };
    const handle = net.start('Alice', 'Reserve', { item: 'bolts' });
    await settle(net, clock);
    expect(await handle.result).toMatchObject({ status: 'done', result: 41 });
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.operationId))).toEqual(new Set([`${handle.id}:1`]));
  });

  it('after a crash between the call and the checkpoint, calls it again with the same id', async () => {
    const clock = new SimulatedClock();
    const net = await network('hospital', ['Alice'], { clock });
    let crashed = false;
    host.hospitalHost!.reserve = (operationId, item) => {
      calls.push({ operationId, item });
      if (!crashed) {
        crashed = true;
        // the node dies while the operation runs: its result is never checkpointed
        net.crash('Alice');
      }
      return 5;
    };
    const handle = net.start('Alice', 'ReserveOnce', { item: 'nuts' });
    await net.runUntilIdle();
    expect(crashed).toBe(true);
    const node = await net.restart('Alice');
    await net.runUntilIdle();
    expect(await node.waitFor(handle.id)).toMatchObject({ status: 'done', result: 5 });
    expect(calls.map((c) => c.operationId)).toEqual([`${handle.id}:1`, `${handle.id}:1`]);
  });

  it('hospitalizes a flow whose operation always fails, at its .flow line; a retry after the fix completes it', async () => {
    const clock = new SimulatedClock();
    const net = await network('hospital', ['Alice'], { clock });
    host.hospitalHost!.reserve = () => {
      throw new Error('no such item in the warehouse');
    };
    const handle = net.start('Alice', 'Reserve', { item: 'widgets' });
    await settle(net, clock);
    const node = net.node('Alice');
    const inspection = node.inspect(handle.id);
    expect(inspection.summary).toMatchObject({
      status: 'hospitalized',
      waitingFor: 'external operation reserve',
    });
    expect(inspection.hospital).toMatchObject({
      kind: 'external',
      error: 'reserve failed 3 times: no such item in the warehouse',
      attempts: 3,
      location: { file: 'hospital.flow', line: 14 },
    });
    expect(node.hospital().flows.map((f) => f.id)).toEqual([handle.id]);
    host.hospitalHost!.reserve = () => 99;
    node.retry(handle.id);
    await settle(net, clock);
    expect(await handle.result).toMatchObject({ status: 'done', result: 99 });
    expect(node.hospital().flows).toEqual([]);
    expect(node.inspect(handle.id).history.map((h) => h.event)).toEqual([
      'flow.start',
      'external.failed',
      'retry',
      'external.done',
    ]);
  });

  it('completes a hospitalized flow with an edited value for the failed operation', async () => {
    const clock = new SimulatedClock();
    const net = await network('hospital', ['Alice'], { clock });
    host.hospitalHost!.reserve = () => {
      throw new Error('the warehouse is gone');
    };
    const handle = net.start('Alice', 'ReserveOnce', { item: 'widgets' });
    await settle(net, clock);
    const node = net.node('Alice');
    expect(node.flow(handle.id)!.status).toBe('hospitalized');
    node.retry(handle.id, { value: 1234 });
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'done', result: 1234 });
  });

  it('lets the flow catch a host failure named FlowError', async () => {
    const net = await network('hospital', ['Alice']);
    host.hospitalHost!.reserve = () => {
      throw Object.assign(new Error('out of stock'), { name: 'FlowError' });
    };
    const handle = net.start('Alice', 'ReserveOnce', { item: 'gold' });
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'failed', error: 'out of stock' });
  });
});

describe('the hospital', () => {
  it('parks a flow whose host function throws, at the .flow line of the call, and retries it once fixed', async () => {
    const net = await network('hospital', ['Alice']);
    host.hospitalHost!.price = (item) => {
      throw new Error(`no price for ${item}`);
    };
    const handle = net.start('Alice', 'Quote', { item: 'tea', quantity: 4 });
    await net.runUntilIdle();
    const node = net.node('Alice');
    expect(node.inspect(handle.id).hospital).toMatchObject({
      kind: 'transition',
      error: 'no price for tea',
      location: { file: 'hospital.flow', line: 26 },
    });
    host.hospitalHost!.price = () => 5;
    node.retry(handle.id);
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'done', result: 20 });
  });

  it('fails the flow, without the hospital, when a host function of a step throws an error named FlowError', async () => {
    const net = await network('hospital', ['Alice']);
    host.hospitalHost!.price = (item) => {
      throw Object.assign(new Error(`${item} is not for sale`), { name: 'FlowError' });
    };
    const handle = net.start('Alice', 'Quote', { item: 'tea', quantity: 4 });
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'failed', error: 'tea is not for sale' });
    expect(net.node('Alice').hospital().flows).toEqual([]);
  });

  it('retries a transient failure of a step from its checkpoint, without the hospital', async () => {
    const clock = new SimulatedClock();
    const net = await network('hospital', ['Alice'], { clock });
    let failures = 2;
    host.hospitalHost!.price = () => {
      if (failures-- > 0) throw transient('the price list is being reloaded');
      return 2;
    };
    const handle = net.start('Alice', 'Quote', { item: 'tea', quantity: 4 });
    await settle(net, clock);
    expect(await handle.result).toMatchObject({ status: 'done', result: 8 });
    expect(net.node('Alice').hospital().flows).toEqual([]);
  });

  it('keeps an initial message for a flow the node does not have until a CorDapp that has it is installed', async () => {
    const net = await network('pingpong', ['Alice', 'Bob']);
    const pingpong = net.node('Bob').installed()[0]!;
    const bare = await network([], ['Alice', 'Bob']);
    // a network where Bob has nothing installed
    const mixed = await network([], ['Alice', 'Bob']);
    mixed.node('Alice').install(pingpong);
    const handle = mixed.start('Alice', 'Ping', { peer: 'Bob', start: 1 });
    await mixed.runUntilIdle();
    const bob = mixed.node('Bob');
    expect(bob.hospital().sessions).toEqual([
      expect.objectContaining({
        from: 'Alice',
        cordapp: 'com.example.pingpong',
        flow: 'Ping',
        reason: 'Bob does not have the CorDapp com.example.pingpong installed',
      }),
    ]);
    // still kept after a restart
    const restarted = await mixed.restart('Bob');
    expect(restarted.hospital().sessions).toHaveLength(1);
    restarted.install(pingpong);
    await mixed.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'done', result: 130 });
    expect(restarted.hospital().sessions).toEqual([]);
    bare.close();
    net.close();
  });

  it('pauses a flow (its deadline passes without it) and resumes it', async () => {
    const clock = new SimulatedClock();
    const net = await network('timers', ['Alice'], { clock });
    const handle = net.start('Alice', 'Nap', { label: 'Carol' });
    await net.runUntilIdle();
    const node = net.node('Alice');
    node.pause(handle.id);
    expect(node.flows({ status: 'paused' }).map((f) => f.id)).toEqual([handle.id]);
    clock.advance(3 * DAY);
    await net.runUntilIdle();
    expect(node.flow(handle.id)!.status).toBe('paused');
    expect(() => node.pause(handle.id)).toThrow('cannot be paused: it is paused');
    node.resume(handle.id);
    clock.advance(1);
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'done', result: 'Carol rested' });
  });
});

describe('kill', () => {
  it('kills a flow in the middle of a three-party conversation: both counterparties get the error and end', async () => {
    const net = await network('hospital', ['Client', 'Worker', 'Witness']);
    const handle = net.start('Client', 'Commission', {
      worker: 'Worker',
      witness: 'Witness',
      text: 'the deed',
    });
    await net.runUntilIdle();
    const worker = net.node('Worker');
    // the worker's Witness (compiled into Work) waits for its owner; the client and the witness wait for messages
    expect(worker.inputs().map((i) => i.prompt)).toEqual(['Confirm the deed?']);
    const work = worker.flows().find((f) => f.flow === 'Work')!;
    expect(worker.kill(work.id)).toMatchObject({ status: 'killed' });
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({
      status: 'failed',
      error: 'Work on Worker was killed by the owner of the node.',
    });
    const witness = net.node('Witness');
    expect(witness.flows().map((f) => [f.flow, f.status, f.error])).toEqual([
      ['Attest', 'failed', 'Work on Worker was killed by the owner of the node.'],
    ]);
    expect(
      worker
        .flows({ all: true })
        .map((f) => [f.flow, f.status])
        .sort(),
    ).toEqual([
      // the initiating Witness is compiled into Work: killing Work ends it, and its session to the witness
      ['Work', 'killed'],
    ]);
    // nothing stays waiting anywhere
    for (const name of net.nodeNames) {
      expect(
        net.node(name).flows({ status: ['waiting', 'running', 'paused', 'hospitalized'], all: true }),
      ).toEqual([]);
      expect(net.node(name).inputs()).toEqual([]);
    }
    expect(() => worker.kill(work.id)).toThrow('has already ended (killed)');
  });
});

describe('damaged and busy stores', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flows-hospital-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hospitalizes the flow whose checkpoint cannot be read; all others run', async () => {
    const file = path.join(dir, 'Alice.sqlite');
    const net = await network('timers', ['Alice'], { store: () => new SqliteStore(file) });
    const first = net.start('Alice', 'Approve', { item: 'pens', limit: 5 });
    const second = net.start('Alice', 'Approve', { item: 'ink', limit: 5 });
    await net.runUntilIdle();
    const damage = new Database(file);
    damage.prepare('UPDATE flows SET data = ? WHERE id = ?').run('{"id": "broken', first.id);
    damage.close();
    let node = await net.restart('Alice');
    expect(node.flows().map((f) => [f.id, f.status])).toEqual([
      [first.id, 'hospitalized'],
      [second.id, 'waiting'],
    ]);
    expect(node.hospital().flows[0]!.error).toMatch(/^The checkpoint of flow flow-1 cannot be read: /);
    expect(() => node.answerInput(first.id, 1)).toThrow('is not waiting for input (it is hospitalized)');
    expect(() => node.retry(first.id)).toThrow('its checkpoint cannot be read');
    node.answerInput(second.id, 2);
    await net.runUntilIdle();
    node.answerInput(second.id, true);
    await net.runUntilIdle();
    expect(await node.waitFor(second.id)).toMatchObject({ status: 'done', result: 'approved 2 ink' });
    expect(node.kill(first.id)).toMatchObject({ status: 'killed' });
    node = await net.restart('Alice');
    expect(node.flow(first.id)!.status).toBe('killed');
    net.close();
  });

  it('commits again when the store was busy, and loses nothing', async () => {
    const file = path.join(dir, 'Alice.sqlite');
    const net = await network('timers', ['Alice'], {
      store: () => new SqliteStore(file, { busyTimeoutMs: 1 }),
    });
    const lock = new Database(file);
    lock.exec('BEGIN IMMEDIATE');
    const handle = net.start('Alice', 'Approve', { item: 'cups', limit: 9 });
    net.step();
    setTimeout(() => lock.exec('COMMIT'), 50);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await net.runUntilIdle();
    lock.close();
    const node = net.node('Alice');
    expect(node.flow(handle.id)!.wait).toMatchObject({ type: 'flow.input' });
    node.answerInput(handle.id, 3);
    await net.runUntilIdle();
    node.answerInput(handle.id, false);
    await net.runUntilIdle();
    expect(await handle.result).toMatchObject({ status: 'done', result: 'rejected cups' });
    net.close();
  });
});
