/**
 * The kitchen sink's built `flows.js`, loaded as the runtime will load it: its exports, and its implementations
 * with the bundle's machine JSON running each flow to the end under XState's pure `initialTransition` /
 * `transition`, a snapshot at rest persisted as JSON and restored before every event.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  assign,
  emit,
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
} from 'xstate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFlowMachine, type Implementations } from '../../runtime/machine.js';
import { runtimeHelpers } from '../../runtime/values.js';
import { flowcOk, KITCHEN_SINK_FLOWS, SLOW, tempDirs, type Manifest } from './helpers.js';

/** What `flows.js` exports (see compiler/node/emit.ts). */
interface FlowsModule {
  cordapp: { name: string; version: string };
  createImplementations: (
    x: { assign: typeof assign; emit: typeof emit },
    rt: typeof runtimeHelpers,
  ) => Record<string, Implementations>;
  external: Record<string, Record<string, { fn: (...args: unknown[]) => unknown; context: boolean }>>;
  startSellerFlow: (
    client: { start(flow: string, params: unknown): Promise<unknown> },
    params: unknown,
  ) => unknown;
  [name: string]: unknown;
}

type Effect = { type: string } & Record<string, unknown>;
type FlowEvent = EventObject & Record<string, unknown>;

// every test spawns flowc, which takes seconds on a busy machine
vi.setConfig({ testTimeout: SLOW, hookTimeout: SLOW });

const temp = tempDirs();
afterAll(() => temp.cleanup());

let out: string;
let flows: FlowsModule;
let implementations: Record<string, Implementations>;

const SELLER = 'O=Alice, L=London, C=GB';
const BUYER = 'O=Bob, L=Paris, C=FR';
const OFFER = {
  assetId: 'ore-1',
  price: { quantity: 97.5, currency: 'GBP' },
  legs: [
    { description: 'ore', units: 1 },
    { description: 'fee', units: 1 },
  ],
  payTo: SELLER,
  priority: 'High',
};

function machineOf(flow: string): AnyStateMachine {
  const config = JSON.parse(readFileSync(path.join(out, 'machines', `${flow}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
  return createFlowMachine({ config }, implementations[flow]!);
}

/** The effects a step returns: the `flow.*` events the machine emitted, in order. */
function effectsOf(actions: readonly { type: string; params?: unknown }[]): Effect[] {
  return actions.map((action) => {
    expect(action.type, 'transitions only emit: everything else is in the snapshot').toBe('xstate.emit');
    return (action.params as { event: Effect }).event;
  });
}

interface Step {
  state: unknown;
  status: string;
  effects: Effect[];
}

/** Runs a flow: starts it, then sends each event to the snapshot restored from its persisted JSON. */
function run(
  flow: string,
  params: Record<string, unknown>,
  events: FlowEvent[],
): { steps: Step[]; snapshot: AnyMachineSnapshot; checkpoints: number[] } {
  const machine = machineOf(flow);
  let [snapshot, actions] = initialTransition(machine, { flowId: `${flow}-1`, me: SELLER, params, at: 0 });
  const steps: Step[] = [{ state: snapshot.value, status: snapshot.status, effects: effectsOf(actions) }];
  const checkpoints: number[] = [];
  for (const event of events) {
    expect(snapshot.status, `${flow} is still running when ${event.type} arrives`).toBe('active');
    const checkpoint = JSON.stringify(machine.getPersistedSnapshot(snapshot));
    checkpoints.push(checkpoint.length);
    const restored = machine.resolveState(JSON.parse(checkpoint) as never);
    [snapshot, actions] = transition(machine, restored, event);
    steps.push({ state: snapshot.value, status: snapshot.status, effects: effectsOf(actions) });
  }
  return { steps, snapshot, checkpoints };
}

const progressOf = (steps: Step[]): string[] =>
  steps.flatMap((s) => s.effects.filter((e) => e.type === 'flow.progress').map((e) => e['step'] as string));

beforeAll(async () => {
  out = path.join(temp.make('flowc-module-'), 'out');
  flowcOk(['build', 'test/fixtures/kitchen-sink', '--out', out]);
  flows = (await import(pathToFileURL(path.join(out, 'flows.js')).href)) as FlowsModule;
  implementations = flows.createImplementations({ assign, emit }, runtimeHelpers);
});

describe('flows.js: exports', () => {
  it('exports createImplementations, external, the start function of the startable flow, and the CorDapp', () => {
    expect(typeof flows.createImplementations).toBe('function');
    expect(typeof flows.startSellerFlow).toBe('function');
    expect(flows.cordapp).toEqual({ name: 'com.example.kitchen', version: '1.0.0' });
    // only @startable flows get a start function
    expect(Object.keys(flows).filter((k) => k.startsWith('start'))).toEqual(['startSellerFlow']);
    expect(Object.keys(flows.external).sort()).toEqual([...KITCHEN_SINK_FLOWS].sort());
    expect(Object.keys(flows.external['SellerFlow']!)).toEqual(['fetchQuote']);
    expect(flows.external['SellerFlow']!['fetchQuote']!.context).toBe(true);
    for (const flow of ['Haggle', 'BuyerFlow', 'Tally']) expect(flows.external[flow], flow).toEqual({});
  });

  it('external.SellerFlow.fetchQuote is the host function, bundled from host.ts', async () => {
    const { fn } = flows.external['SellerFlow']!['fetchQuote']!;
    await expect(fn({ flowId: 'f-7', me: SELLER }, 'abc')).resolves.toEqual({ quantity: 3, currency: 'f-7' });
  });

  it('startSellerFlow hands the flow name and the parameters to the client', async () => {
    const calls: [string, unknown][] = [];
    const client = {
      start: (flow: string, params: unknown) => {
        calls.push([flow, params]);
        return Promise.resolve(42);
      },
    };
    const params = { buyer: BUYER, assetId: 'ore-1', price: { quantity: 1, currency: 'GBP' }, urgent: true };
    await expect(flows.startSellerFlow(client, params)).resolves.toBe(42);
    expect(calls).toEqual([['SellerFlow', params]]);
  });

  it('implements every action and guard each machine of the bundle names', () => {
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(Object.keys(implementations).sort()).toEqual(manifest.flows.map((f) => f.name).sort());
    for (const flow of manifest.flows) {
      const actions: string[] = [];
      const guards: string[] = [];
      const walk = (value: unknown): void => {
        if (Array.isArray(value)) return value.forEach(walk);
        if (typeof value !== 'object' || value === null) return;
        for (const [key, child] of Object.entries(value)) {
          if (key === 'meta') continue;
          if (key === 'entry' || key === 'actions')
            actions.push(...(child as { type: string }[]).map((a) => a.type));
          else if (key === 'guard') guards.push(child as string);
          else walk(child);
        }
      };
      walk(JSON.parse(readFileSync(path.join(out, flow.machine), 'utf8')));
      expect(actions.length, flow.name).toBeGreaterThan(0);
      for (const action of actions)
        expect(implementations[flow.name]!.actions, flow.name).toHaveProperty([action]);
      for (const guard of guards)
        expect(implementations[flow.name]!.guards, flow.name).toHaveProperty([guard]);
    }
  });
});

describe('flows.js with machines/*.json: flows run to the end', () => {
  const offer = (at: number, session = 's1'): FlowEvent => ({
    type: 'session.message',
    session,
    messageType: 'Offer',
    value: OFFER,
    at,
  });

  it('BuyerFlow: accepts the offer, answers the quote and ends', () => {
    const { steps, snapshot, checkpoints } = run('BuyerFlow', { seller: 's1' }, [
      offer(1),
      { type: 'input.answered', value: 'Accept', at: 2 },
      {
        type: 'session.message',
        session: 's1',
        messageType: 'Amount',
        value: { quantity: 100, currency: 'GBP' },
        at: 3,
      },
      { type: 'session.message', session: 's1', messageType: 'String', value: 'thanks', at: 4 },
    ]);
    expect(steps.map((s) => s.state)).toEqual([
      'receive_offer',
      'input_answer',
      'receive_quote',
      'receive_note',
      '$done',
    ]);
    expect(steps.map((s) => s.effects)).toEqual([
      [{ type: 'flow.receive', session: 's1', messageType: 'Offer', timeoutMs: 3_600_000 }],
      [
        {
          type: 'flow.input',
          messageType: 'Decision',
          prompt: 'Buy ore-1 for 97.5 GBP?',
          timeoutMs: 172_800_000,
        },
      ],
      [
        { type: 'flow.send', session: 's1', messageType: 'Verdict', value: 'Accept' },
        { type: 'flow.receive', session: 's1', messageType: 'Amount' },
      ],
      [
        { type: 'flow.send', session: 's1', messageType: 'Amount', value: { quantity: 90, currency: 'GBP' } },
        { type: 'flow.receive', session: 's1', messageType: 'String', timeoutMs: 600_000 },
      ],
      [],
    ]);
    expect(snapshot.status).toBe('done');
    expect(snapshot.output).toEqual({ result: undefined });
    // checkpoints stay small
    for (const size of checkpoints) expect(size).toBeLessThan(1024);
  });

  it('BuyerFlow: fails when the note of the seller is empty', () => {
    const { steps, snapshot } = run('BuyerFlow', { seller: 's1' }, [
      offer(1),
      { type: 'input.answered', value: 'Accept', at: 2 },
      {
        type: 'session.message',
        session: 's1',
        messageType: 'Amount',
        value: { quantity: 100, currency: 'GBP' },
        at: 3,
      },
      { type: 'session.message', session: 's1', messageType: 'String', value: '', at: 4 },
    ]);
    expect(steps.at(-1)!.state).toBe('$failed');
    expect(snapshot.output).toEqual({ error: { message: 'The seller sent an empty note' } });
  });

  it('BuyerFlow: rejects the offer when the owner says so', () => {
    const { steps, snapshot } = run('BuyerFlow', { seller: 's1' }, [
      offer(1),
      { type: 'input.answered', value: 'Reject', at: 2 },
    ]);
    expect(steps.at(-1)!.effects).toEqual([
      { type: 'flow.send', session: 's1', messageType: 'Verdict', value: 'Reject' },
    ]);
    expect(snapshot.status).toBe('done');
    expect(snapshot.output).toEqual({ result: undefined });
  });

  it('BuyerFlow: ignores a message on another session, and fails when the offer times out', () => {
    const { steps, snapshot } = run('BuyerFlow', { seller: 's1' }, [
      offer(1, 'someone-else'),
      { type: 'timer.fired', at: 3_600_000 },
    ]);
    expect(steps.map((s) => s.state)).toEqual(['receive_offer', 'receive_offer', '$failed']);
    expect(snapshot.status).toBe('done');
    expect(snapshot.output).toEqual({
      error: { message: 'Timed out waiting for Offer from seller (within 1h).' },
    });
  });

  /** SellerFlow up to the buyer's verdict: the quote, the session, the offer. */
  const sellerStart = (verdict: string): FlowEvent[] => [
    { type: 'external.done', value: { quantity: 5, currency: 'GBP' }, at: 1 },
    { type: 'session.opened', session: 's1', at: 2 },
    { type: 'session.message', session: 's1', messageType: 'Verdict', value: verdict, at: 3 },
  ];
  const sellerParams = {
    buyer: BUYER,
    assetId: 'ore-1',
    price: { quantity: 100, currency: 'GBP' },
    urgent: false,
  };

  it('SellerFlow: quotes, offers, waits, haggles and returns, with its progress steps in order', () => {
    const { steps, snapshot } = run('SellerFlow', sellerParams, [
      ...sellerStart('Accept'),
      { type: 'timer.fired', at: 103 },
      { type: 'subflow.done', output: { quantity: 4.5, currency: 'GBP' }, at: 104 },
    ]);
    expect(steps.map((s) => s.state)).toEqual([
      'await_fetchQuote',
      'open_session',
      'receive_verdict',
      'sleep_2',
      'call_Haggle',
      '$done',
    ]);
    expect(steps[0]!.effects).toEqual([
      { type: 'flow.external', fn: 'fetchQuote', args: ['ore-1'], retry: 3, backoffMs: 500 },
    ]);
    expect(steps[2]!.effects).toEqual([
      { type: 'flow.progress', step: 'Offering', label: 'Sending the offer' },
      { type: 'flow.send', session: 's1', messageType: 'Offer', value: OFFER },
      { type: 'flow.progress', step: 'Waiting', label: 'Waiting for the buyer' },
      { type: 'flow.receive', session: 's1', messageType: 'Verdict', timeoutMs: 3_600_000 },
    ]);
    // `sleep until now() + 100ms`: now() is the time stamped on the event being handled
    expect(steps[3]!.effects).toEqual([{ type: 'flow.sleep', until: 103 }]);
    expect(steps[4]!.effects).toEqual([
      {
        type: 'flow.call',
        flow: 'Haggle',
        flowKind: 'inline',
        args: ['s1', { quantity: 5, currency: 'GBP' }],
      },
    ]);
    expect(steps[5]!.effects).toEqual([
      { type: 'flow.send', session: 's1', messageType: 'String', value: 'accepted' },
      { type: 'flow.progress', step: 'Done', label: 'Finished' },
      { type: 'flow.close', session: 's1' },
    ]);
    expect(progressOf(steps)).toEqual(['Quoting', 'Offering', 'Waiting', 'Done']);
    expect(snapshot.status).toBe('done');
    // two legs of 1.5 each, negated, plus (2 % 2) / 4
    expect(snapshot.output).toEqual({ result: -3 });
    expect(snapshot.hasTag('Done')).toBe(true);
  });

  it('SellerFlow: a negative counter-offer fails the require, which its catch answers', () => {
    const { steps, snapshot } = run('SellerFlow', sellerParams, [
      ...sellerStart('Accept'),
      { type: 'timer.fired', at: 103 },
      { type: 'subflow.done', output: { quantity: -1, currency: 'GBP' }, at: 104 },
    ]);
    expect(steps.at(-1)!.effects).toEqual([
      {
        type: 'flow.send',
        session: 's1',
        messageType: 'String',
        value: 'The counter-offer of -1 is negative',
      },
      { type: 'flow.progress', step: 'Done', label: 'Finished' },
      { type: 'flow.close', session: 's1' },
    ]);
    expect(snapshot.output).toEqual({ result: -3 });
  });

  it('SellerFlow: fails with its message when the buyer rejects', () => {
    const { steps, snapshot } = run('SellerFlow', sellerParams, sellerStart('Reject'));
    expect(steps.at(-1)!.state).toBe('$failed');
    expect(progressOf(steps)).toEqual(['Quoting', 'Offering', 'Waiting']);
    expect(snapshot.output).toEqual({ error: { message: `${BUYER} rejected ore-1 after 2 legs` } });
  });

  it('Haggle: sends the quote and returns the counter-offer', () => {
    const quote = { quantity: 5, currency: 'GBP' };
    const { steps, snapshot } = run('Haggle', { session: 's1', quote }, [
      {
        type: 'session.message',
        session: 's1',
        messageType: 'Amount',
        value: { quantity: 4.5, currency: 'GBP' },
        at: 1,
      },
    ]);
    expect(steps[0]!.effects).toEqual([
      { type: 'flow.progress', step: 'Asking', label: 'Asking for a counter-offer' },
      { type: 'flow.send', session: 's1', messageType: 'Amount', value: quote },
      { type: 'flow.receive', session: 's1', messageType: 'Amount' },
    ]);
    expect(snapshot.output).toEqual({ result: { quantity: 4.5, currency: 'GBP' } });
  });

  it('Tally: runs to the end without suspending', () => {
    const { steps, snapshot } = run('Tally', { values: [1, 2, 3, 4] }, []);
    expect(steps).toEqual([{ state: '$done', status: 'done', effects: [] }]);
    expect(snapshot.output).toEqual({ result: 10 });
  });
});
