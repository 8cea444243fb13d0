/**
 * Every machine of every fixture runs under XState: each flow of every `.flow` file under test/fixtures (whatever
 * is there when the tests run) is explored path by path with `explorePaths`, and the kitchen-sink CorDapp's flows
 * are driven through each branch with `driveFlow`, checking their output, progress steps, sends, what each
 * suspension waited for, and the size of every checkpoint.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectFlowFiles } from '../../../language/node/files.js';
import type { HostFunctions } from '../../../runtime/machine.js';
import * as kitchenHost from '../../fixtures/kitchen-sink/host.js';
import {
  BASE_TIME,
  checkpoint,
  driveFlow,
  explorePaths,
  feedEvent,
  flowMachine,
  loadFlowFiles,
  startFlow,
  type DriveOptions,
  type DriveResult,
  type ExploreReport,
  type FlowEffect,
  type FlowEvent,
  type LoadedFlow,
  type Respond,
} from '../../utils/driveFlow.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixturesDir = path.join(root, 'test', 'fixtures');
const relative = (file: string): string => path.relative(fixturesDir, file).split(path.sep).join('/');

const files = await loadFlowFiles(collectFlowFiles([fixturesDir]));

// ---- what the explorer may legitimately not do ----------------------------------------------------------------------

/**
 * States no input can reach because the fixture's own logic rules them out, by file, flow and a piece of the
 * source line they come from. An entry that stops matching an unvisited state fails the test, so the list stays true.
 */
const DEAD_STATES: { file: string; flow: string; line: string; why: string }[] = [
  {
    file: 'rules/syntax-error.flow',
    flow: 'Courier',
    line: 'require receipt.length > 0 || tries >= 1',
    why: '`tries` is 2 after the loop over [1, 2, 3], so the require never fails',
  },
  {
    file: 'rules/syntax-error.flow',
    flow: 'Courier',
    line: 'sleep until now() + 1h',
    why: 'the else after `speed == Speed.Fast` and `speed == Speed.Slow`: Speed has no third member',
  },
];

/**
 * Host variants, by file: the kitchen sink's `sleep 5s` needs a total over 10, which the real `findCommodity`
 * (always 1 unit) never gives.
 */
const HOST_VARIANTS: Record<string, HostFunctions[]> = {
  'kitchen-sink/kitchen-sink.flow': [
    {
      findCommodity: (ctx: unknown, id: unknown) => ({
        ...kitchenHost.findCommodity(ctx as kitchenHost.FlowContext, id as string),
        units: 10,
      }),
    },
  ],
};

/**
 * Run-time errors that some explored inputs rightly cause: they are thrown out of `transition()` for the runtime's
 * hospital (see driver.test.ts). `Check` divides by the number of invoice lines, which may be 0.
 */
const KNOWN_EXCEPTIONS: { file: string; flow: string; error: string }[] = [
  { file: 'rules/type-mismatch.flow', flow: 'Check', error: 'FlowRuntimeError: Division by zero.' },
];

/** Final states a flow may have without any transition into them (a flow that cannot fail, or cannot end well). */
const OPTIONAL_FINALS = new Set(['$done', '$failed']);

function linesOf(file: string, snippet: string): number[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, i) => (text.includes(snippet) ? [i + 1] : []));
}

function explore(flow: LoadedFlow): ExploreReport {
  const variants = HOST_VARIANTS[relative(flow.file)] ?? [];
  return explorePaths(flow.compiled, {
    ir: flow.ir,
    types: flow.types,
    host: [flow.host, ...variants.map((v) => ({ ...flow.host, ...v }))],
  });
}

const reports = new Map<LoadedFlow, ExploreReport>();
function reportOf(flow: LoadedFlow): ExploreReport {
  let report = reports.get(flow);
  if (!report) {
    report = explore(flow);
    reports.set(flow, report);
  }
  return report;
}

// ---- every flow of every fixture ---------------------------------------------------------------------------------------

describe('fixture machines: every path', () => {
  it('finds the fixtures', () => {
    expect(files.map((f) => relative(f.path))).toContain('kitchen-sink/kitchen-sink.flow');
    expect(files.flatMap((f) => f.flows).length).toBeGreaterThanOrEqual(4);
  });

  for (const file of files) {
    const name = relative(file.path);
    describe(name, () => {
      it('checks without errors (so it can be built)', () => {
        expect(file.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      });

      for (const flow of file.flows) {
        it(`${flow.name}: every path ends, no transition throws, every state is reached`, () => {
          const report = reportOf(flow);
          const known = KNOWN_EXCEPTIONS.filter((k) => k.file === name && k.flow === flow.name);
          const unexpected = report.exceptions.filter((x) => !known.some((k) => k.error === x.error));
          expect(unexpected.slice(0, 3), 'exceptions out of transition()').toEqual([]);
          for (const k of known)
            expect(
              report.exceptions.some((x) => x.error === k.error),
              `known exception "${k.error}" no longer happens: remove it from KNOWN_EXCEPTIONS`,
            ).toBe(true);
          expect(report.anomalies, 'breaches of the machine contract').toEqual([]);
          expect(report.truncated, 'exploration hit its path budget').toBe(false);
          expect(report.endings.stuck, 'paths stuck in a state that accepts nothing').toBe(0);
          expect(report.endings.done + report.endings.failed, 'paths that end').toBeGreaterThan(0);
          expect(report.endings.threw).toBe(report.exceptions.length);

          // every state is reached by some path, but for dead code the fixture's logic rules out
          const dead = DEAD_STATES.filter((d) => d.file === name && d.flow === flow.name);
          const deadLines = new Map(dead.map((d) => [d, new Set(linesOf(file.path, d.line))]));
          const lineOf = (state: string): number | undefined => flow.compiled.trace[state]?.line;
          const unexplained = report.unvisited.filter(
            (s) => ![...deadLines.values()].some((lines) => lines.has(lineOf(s) ?? -1)),
          );
          expect(
            unexplained.map((s) => `${s} (line ${lineOf(s)})`),
            'states no explored path reached',
          ).toEqual([]);
          for (const [d, lines] of deadLines)
            expect(
              report.unvisited.some((s) => lines.has(lineOf(s) ?? -1)),
              `DEAD_STATES entry "${d.line}" matches no unreached state of ${flow.name}`,
            ).toBe(true);
          expect(report.unreachable.filter((s) => !OPTIONAL_FINALS.has(s))).toEqual([]);
        });
      }
    });
  }
});

// ---- the kitchen sink, branch by branch ---------------------------------------------------------------------------------

const kitchen = files.find((f) => relative(f.path) === 'kitchen-sink/kitchen-sink.flow');
function kitchenFlow(name: string): LoadedFlow {
  const flow = kitchen?.flows.find((f) => f.name === name);
  if (!flow) throw new Error(`kitchen-sink flow ${name} not found`);
  return flow;
}

const host: HostFunctions = {
  findCommodity: kitchenHost.findCommodity as HostFunctions[string],
  discount: kitchenHost.discount as HostFunctions[string],
  fetchQuote: kitchenHost.fetchQuote as HostFunctions[string],
};
const bigCommodity: HostFunctions = {
  ...host,
  findCommodity: (ctx: unknown, id: unknown) => ({
    ...kitchenHost.findCommodity(ctx as kitchenHost.FlowContext, id as string),
    units: 10,
  }),
};

const usd = (quantity: number) => ({ quantity, currency: 'USD' });
/** What the real `fetchQuote` returns for flow `flow-1` and asset `a1`, as the runtime would deliver it. */
const quote = await kitchenHost.fetchQuote({ flowId: 'flow-1' }, 'a1');

const legs = [
  { description: 'ore', units: 1 },
  { description: 'fee', units: 1 },
];
const offer = {
  assetId: 'a1',
  price: usd(97.5),
  legs,
  payTo: 'O=Alice',
  priority: 'High',
};

const sellerParams = (urgent: boolean) => ({ buyer: 'O=Bob', assetId: 'a1', price: usd(100), urgent });

/** Answers a SellerFlow's suspensions: the quote, the session, then the given verdict, timer and Haggle outcome. */
function sellerResponder(answers: {
  verdict?: FlowEvent;
  haggle?: FlowEvent;
  quoteEvent?: FlowEvent;
  open?: FlowEvent;
}): Respond {
  return (waiting) => {
    switch (waiting.type) {
      case 'flow.external':
        return answers.quoteEvent ?? { type: 'external.done', value: quote };
      case 'flow.open':
        return answers.open ?? { type: 'session.opened', session: 's1' };
      case 'flow.receive':
        return (
          answers.verdict ?? {
            type: 'session.message',
            session: 's1',
            messageType: 'Verdict',
            value: 'Accept',
          }
        );
      case 'flow.sleep':
        return { type: 'timer.fired' };
      case 'flow.call':
        return answers.haggle ?? { type: 'subflow.done', output: usd(80) };
      default:
        return undefined;
    }
  };
}

function drive(name: string, options: DriveOptions): DriveResult {
  const result = driveFlow(kitchenFlow(name).compiled, { host, ...options });
  if (result.status === 'threw') throw result.exception;
  return result;
}

const sendsOf = (r: DriveResult) =>
  r.sends.map((s) => ({ session: s['session'], messageType: s['messageType'], value: s['value'] }));
const waitsOf = (r: DriveResult) => r.waits.map((w) => `${w.state}:${w.effect.type}`);
const offerSend = { session: 's1', messageType: 'Offer', value: offer };
const acceptedSend = { session: 's1', messageType: 'String', value: 'accepted' };

describe('kitchen sink: SellerFlow', () => {
  it('the explorer binds the same real host functions', () => {
    expect(kitchenFlow('SellerFlow').host).toEqual(host);
  });

  it('happy path: every step in order, the offer sent, the session closed, the result computed', () => {
    const r = drive('SellerFlow', { params: sellerParams(false), respond: sellerResponder({}) });
    expect(r.status).toBe('done');
    // total = 1 × 1.5 + 1 × 1.5 = 3.0 over count = 2 legs: 3.0 × -1 + (2 % 2) / 4 = -3
    expect(r.result).toBe(-3);
    expect(r.steps).toEqual(['Quoting', 'Offering', 'Waiting', 'Done']);
    expect(sendsOf(r)).toEqual([offerSend, acceptedSend]);
    expect(waitsOf(r)).toEqual([
      'await_fetchQuote:flow.external',
      'open_session:flow.open',
      'receive_verdict:flow.receive',
      'sleep_2:flow.sleep',
      'call_Haggle:flow.call',
    ]);
    // what each suspension asked the runtime for
    expect(r.waits.map((w) => w.effect)).toEqual([
      { type: 'flow.external', fn: 'fetchQuote', args: ['a1'], retry: 3, backoffMs: 500 },
      { type: 'flow.open', party: 'O=Bob' },
      { type: 'flow.receive', session: 's1', messageType: 'Verdict', timeoutMs: 3_600_000 },
      // `sleep until now() + 100ms`, now() being the time of the verdict (the third event)
      { type: 'flow.sleep', until: BASE_TIME + 3000 + 100 },
      { type: 'flow.call', flow: 'Haggle', flowKind: 'inline', args: ['s1', quote] },
    ]);
    // all effects in order: progress, sends and close interleaved as written
    expect(r.effects.map((e) => (e.type === 'flow.progress' ? `progress:${e['step']}` : e.type))).toEqual([
      'flow.external',
      'progress:Quoting',
      'flow.open',
      'progress:Offering',
      'flow.send',
      'progress:Waiting',
      'flow.receive',
      'flow.sleep',
      'flow.call',
      'flow.send',
      'progress:Done',
      'flow.close',
    ]);
    expect(r.effects.at(-1)).toEqual({ type: 'flow.close', session: 's1' });
    expect(r.effects.find((e) => e.type === 'flow.progress' && e['step'] === 'Offering')).toEqual({
      type: 'flow.progress',
      step: 'Offering',
      label: 'Sending the offer',
    });
    expect(r.unhandled).toEqual([]);
    expect(r.output).toEqual({ result: -3 });
  });

  it('runs Haggle inline in-process: its step and its send come between Waiting and Done', () => {
    const haggle = kitchenFlow('Haggle');
    const respond = sellerResponder({});
    const r = drive('SellerFlow', {
      params: sellerParams(false),
      subflows: { Haggle: { compiled: haggle.compiled, params: haggle.ir.params.map((p) => p.name) } },
      respond: (waiting, info) =>
        info.flow === 'Haggle'
          ? { type: 'session.message', session: 's1', messageType: 'Amount', value: usd(80) }
          : respond(waiting, info),
    });
    expect(r.status).toBe('done');
    expect(r.result).toBe(-3);
    expect(r.steps).toEqual(['Quoting', 'Offering', 'Waiting', 'Haggle.Asking', 'Done']);
    expect(sendsOf(r)).toEqual([
      offerSend,
      { session: 's1', messageType: 'Amount', value: quote },
      acceptedSend,
    ]);
    expect(r.sends[1]!['flow']).toBe('Haggle');
  });

  it('rejected: fails with the buyer and the number of legs in the message', () => {
    const r = drive('SellerFlow', {
      params: sellerParams(false),
      respond: sellerResponder({
        verdict: { type: 'session.message', session: 's1', messageType: 'Verdict', value: 'Reject' },
      }),
    });
    expect(r.status).toBe('failed');
    expect(r.error).toBe('O=Bob rejected a1 after 2 legs');
    expect(r.output).toEqual({ error: { message: 'O=Bob rejected a1 after 2 legs' } });
    expect(r.steps).toEqual(['Quoting', 'Offering', 'Waiting']);
    expect(sendsOf(r)).toEqual([offerSend]);
    expect(r.effects.some((e) => e.type === 'flow.close')).toBe(false);
    expect(r.states.at(-1)).toBe('$failed');
  });

  it('not urgent with a small total: sleeps until now() + 100ms', () => {
    const r = drive('SellerFlow', { params: sellerParams(false), respond: sellerResponder({}) });
    expect(r.states).toContain('sleep_2');
    expect(r.states).not.toContain('sleep');
  });

  it('urgent: sleeps until now() + 100ms even with a large total', () => {
    const r = drive('SellerFlow', {
      params: sellerParams(true),
      host: bigCommodity,
      respond: sellerResponder({}),
    });
    expect(r.states).toContain('sleep_2');
    expect(r.states).not.toContain('sleep');
    expect(r.result).toBe(-16.5);
  });

  it('not urgent with a total over 10: sleeps 5s', () => {
    const r = drive('SellerFlow', {
      params: sellerParams(false),
      host: bigCommodity,
      respond: sellerResponder({}),
    });
    expect(r.waits[3]).toMatchObject({ state: 'sleep', effect: { type: 'flow.sleep', durationMs: 5000 } });
    expect(r.states).not.toContain('sleep_2');
    // legs: 10 units of ore and 1 of fee: total = 15 + 1.5 = 16.5, count 2 → -16.5 + 0
    expect(r.result).toBe(-16.5);
    expect(sendsOf(r)[0]!.value).toEqual({
      ...offer,
      legs: [
        { description: 'ore', units: 10 },
        { description: 'fee', units: 1 },
      ],
    });
    expect(r.steps).toEqual(['Quoting', 'Offering', 'Waiting', 'Done']);
  });

  it('a negative counter-offer (not urgent): the require fails, is caught, and its message is sent', () => {
    const r = drive('SellerFlow', {
      params: sellerParams(false),
      respond: sellerResponder({ haggle: { type: 'subflow.done', output: usd(-50) } }),
    });
    expect(r.status).toBe('done');
    expect(r.result).toBe(-3);
    expect(sendsOf(r)).toEqual([
      offerSend,
      { session: 's1', messageType: 'String', value: 'The counter-offer of -50 is negative' },
    ]);
    expect(r.steps).toEqual(['Quoting', 'Offering', 'Waiting', 'Done']);
    expect(r.effects.at(-1)).toEqual({ type: 'flow.close', session: 's1' });
    // the caught error does not end the flow: its output carries no error
    expect(r.output).toEqual({ result: -3 });
  });

  it('a negative counter-offer when urgent passes the require: "accepted" is sent', () => {
    const r = drive('SellerFlow', {
      params: sellerParams(true),
      respond: sellerResponder({ haggle: { type: 'subflow.done', output: usd(-50) } }),
    });
    expect(r.result).toBe(-3);
    expect(sendsOf(r)).toEqual([offerSend, acceptedSend]);
  });

  it('Haggle failing is caught too: its message goes to the buyer', () => {
    const r = drive('SellerFlow', {
      params: sellerParams(false),
      respond: sellerResponder({
        haggle: { type: 'subflow.failed', error: { message: 'The buyer walked away' } },
      }),
    });
    expect(r.result).toBe(-3);
    expect(sendsOf(r)[1]).toEqual({ session: 's1', messageType: 'String', value: 'The buyer walked away' });
  });

  it('the verdict times out: fails with the timeout message', () => {
    const r = drive('SellerFlow', {
      params: sellerParams(false),
      respond: sellerResponder({ verdict: { type: 'timer.fired' } }),
    });
    expect(r.status).toBe('failed');
    expect(r.error).toBe('Timed out waiting for Verdict from session (within 1h).');
    expect(r.steps).toEqual(['Quoting', 'Offering', 'Waiting']);
  });

  it('the counterparty fails while the seller waits: its error ends the flow', () => {
    const r = drive('SellerFlow', {
      params: sellerParams(false),
      respond: sellerResponder({
        verdict: { type: 'session.error', session: 's1', error: { message: 'Buyer crashed' } },
      }),
    });
    expect(r.output).toEqual({ error: { message: 'Buyer crashed' } });
  });

  it('the quote cannot be fetched, or the session cannot be opened: fails before any step or send', () => {
    const noQuote = drive('SellerFlow', {
      params: sellerParams(false),
      respond: sellerResponder({
        quoteEvent: { type: 'external.failed', error: { message: 'Quote service down' } },
      }),
    });
    expect(noQuote.output).toEqual({ error: { message: 'Quote service down' } });
    expect(noQuote.steps).toEqual([]);
    const noSession = drive('SellerFlow', {
      params: sellerParams(false),
      respond: sellerResponder({ open: { type: 'session.error', error: { message: 'O=Bob is unknown' } } }),
    });
    expect(noSession.output).toEqual({ error: { message: 'O=Bob is unknown' } });
    expect(noSession.steps).toEqual(['Quoting']);
    expect(noSession.sends).toEqual([]);
  });

  it('ignores a message on another session, and runs the same with or without checkpoints', () => {
    const script: FlowEvent[] = [
      { type: 'external.done', value: quote },
      { type: 'session.opened', session: 's1' },
      { type: 'session.message', session: 's2', messageType: 'Verdict', value: 'Reject' },
      { type: 'session.message', session: 's1', messageType: 'Verdict', value: 'Accept' },
      { type: 'timer.fired' },
      { type: 'subflow.done', output: usd(80) },
    ];
    const restored = drive('SellerFlow', { params: sellerParams(false), respond: script });
    const inMemory = drive('SellerFlow', { params: sellerParams(false), respond: script, restore: false });
    expect(restored.unhandled).toEqual([expect.objectContaining({ session: 's2' })]);
    expect(restored.result).toBe(-3);
    expect({ ...restored, snapshot: undefined }).toEqual({ ...inMemory, snapshot: undefined });
  });
});

describe('kitchen sink: BuyerFlow', () => {
  const offerMessage = { type: 'session.message', session: 's1', messageType: 'Offer', value: offer };
  const buyer = (answer: FlowEvent, then: FlowEvent[] = [], value = offer) =>
    drive('BuyerFlow', {
      params: { seller: 's1' },
      me: 'O=Bob',
      respond: [{ ...offerMessage, value }, answer, ...then],
    });
  const answer = (value: string): FlowEvent => ({ type: 'input.answered', value });

  it('accept: sends Accept, answers the quote with 90%, reads the note and ends', () => {
    const r = buyer(answer('Accept'), [
      { type: 'session.message', session: 's1', messageType: 'Amount', value: usd(100) },
      { type: 'session.message', session: 's1', messageType: 'String', value: 'thanks' },
    ]);
    expect(r.status).toBe('done');
    expect(r.output).toEqual({ result: undefined });
    expect(r.steps).toEqual([]);
    expect(sendsOf(r)).toEqual([
      { session: 's1', messageType: 'Verdict', value: 'Accept' },
      { session: 's1', messageType: 'Amount', value: usd(90) },
    ]);
    expect(r.waits.map((w) => w.effect)).toEqual([
      { type: 'flow.receive', session: 's1', messageType: 'Offer', timeoutMs: 3_600_000 },
      { type: 'flow.input', messageType: 'Decision', prompt: 'Buy a1 for 97.5 USD?', timeoutMs: 172_800_000 },
      { type: 'flow.receive', session: 's1', messageType: 'Amount' },
      { type: 'flow.receive', session: 's1', messageType: 'String', timeoutMs: 600_000 },
    ]);
  });

  it('reject or counter: sends Reject and ends without a result', () => {
    for (const value of ['Reject', 'Counter']) {
      const r = buyer(answer(value));
      expect(r.status).toBe('done');
      expect(r.result).toBeUndefined();
      expect(sendsOf(r)).toEqual([{ session: 's1', messageType: 'Verdict', value: 'Reject' }]);
      expect(r.waits).toHaveLength(2);
    }
  });

  it('accept of an offer without legs: rejects', () => {
    const r = buyer(answer('Accept'), [], { ...offer, legs: [] });
    expect(sendsOf(r)).toEqual([{ session: 's1', messageType: 'Verdict', value: 'Reject' }]);
    expect(r.status).toBe('done');
  });

  it('timeouts: of the offer, of the owner, of the note', () => {
    const noOffer = drive('BuyerFlow', { params: { seller: 's1' }, respond: [{ type: 'timer.fired' }] });
    expect(noOffer.error).toBe('Timed out waiting for Offer from seller (within 1h).');
    expect(buyer({ type: 'timer.fired' }).error).toBe('Timed out waiting for an answer (within 2d).');
    const noNote = buyer(answer('Accept'), [
      { type: 'session.message', session: 's1', messageType: 'Amount', value: usd(100) },
      { type: 'timer.fired' },
    ]);
    expect(noNote.error).toBe('Timed out waiting for String from seller (within 10m).');
    expect(sendsOf(noNote)).toHaveLength(2);
  });

  it('waits when no answer comes, with a checkpoint at each suspension', () => {
    const r = drive('BuyerFlow', { params: { seller: 's1' }, respond: [offerMessage] });
    expect(r.status).toBe('waiting');
    expect(r.checkpoints.map((c) => c.state)).toEqual(['receive_offer', 'input_answer']);
    expect(r.snapshot?.value).toBe('input_answer');
  });
});

describe('kitchen sink: Haggle', () => {
  it('sends the quote and returns the counter-offer', () => {
    const r = drive('Haggle', {
      params: { session: 's1', quote: usd(120) },
      respond: [{ type: 'session.message', session: 's1', messageType: 'Amount', value: usd(110) }],
    });
    expect(r.status).toBe('done');
    expect(r.result).toEqual(usd(110));
    expect(r.steps).toEqual(['Asking']);
    expect(r.effects).toEqual([
      { type: 'flow.progress', step: 'Asking', label: 'Asking for a counter-offer' },
      { type: 'flow.send', session: 's1', messageType: 'Amount', value: usd(120) },
      { type: 'flow.receive', session: 's1', messageType: 'Amount' },
    ]);
  });

  it('fails with the counterparty error', () => {
    const r = drive('Haggle', {
      params: { session: 's1', quote: usd(120) },
      respond: [{ type: 'session.error', session: 's1', error: { message: 'gone' } }],
    });
    expect(r.output).toEqual({ error: { message: 'gone' } });
    expect(r.steps).toEqual(['Asking']);
  });
});

describe('kitchen sink: Tally', () => {
  it.each([
    [[], 0],
    [[7], 7],
    [[1, 2, 3, 4], 10],
    [[-5, 5, 12], 12],
  ])('Tally(%j) = %d, straight through with no suspension', (values, sum) => {
    const r = drive('Tally', { params: { values } });
    expect(r.status).toBe('done');
    expect(r.result).toBe(sum);
    expect(r.effects).toEqual([]);
    expect(r.checkpoints).toEqual([]);
    // the loop state is cleared when the loop ends
    expect(
      Object.keys(r.snapshot?.context ?? {}).filter((k) => r.snapshot?.context[k] !== undefined),
    ).toEqual(['$flowId', '$me', 'values', 'sum', '$result']);
  });
});

describe('kitchen sink: SellerFlow ⇄ BuyerFlow', () => {
  it('talk through the happy path, each run from checkpoints, and both end well', () => {
    const buyerMachine = flowMachine(kitchenFlow('BuyerFlow').compiled, host);
    let buyer = startFlow(buyerMachine, {
      flowId: 'flow-2',
      me: 'O=Bob',
      params: { seller: 'b1' },
      at: BASE_TIME,
    });
    const buyerEffects: FlowEffect[] = [...buyer.effects];
    const toSeller: FlowEffect[] = [];
    let clock = BASE_TIME;
    const feedBuyer = (event: FlowEvent): void => {
      clock += 1000;
      buyer = feedEvent(buyerMachine, checkpoint(buyerMachine, buyer.snapshot).snapshot, {
        ...event,
        at: clock,
      });
      buyerEffects.push(...buyer.effects);
      toSeller.push(...buyer.effects.filter((e) => e.type === 'flow.send'));
      // the buyer's owner accepts every offer
      if (buyer.effects.some((e) => e.type === 'flow.input'))
        feedBuyer({ type: 'input.answered', value: 'Accept' });
    };
    // the seller's messages go to the buyer as they are sent
    let forwarded = 0;
    const forward = (effects: readonly FlowEffect[]): void => {
      for (const effect of effects.slice(forwarded).filter((e) => e.type === 'flow.send'))
        feedBuyer({
          type: 'session.message',
          session: 'b1',
          messageType: effect['messageType'],
          value: effect['value'],
        });
      forwarded = effects.length;
    };
    const haggle = kitchenFlow('Haggle');
    const r = drive('SellerFlow', {
      params: sellerParams(false),
      subflows: { Haggle: { compiled: haggle.compiled, params: haggle.ir.params.map((p) => p.name) } },
      respond: (waiting, info) => {
        forward(info.effects);
        switch (waiting.type) {
          case 'flow.external':
            return { type: 'external.done', value: quote };
          case 'flow.open':
            return { type: 'session.opened', session: 's1' };
          case 'flow.sleep':
            return { type: 'timer.fired' };
          case 'flow.receive': {
            const message = toSeller.shift();
            return (
              message && {
                type: 'session.message',
                session: 's1',
                messageType: message['messageType'],
                value: message['value'],
              }
            );
          }
          default:
            return undefined;
        }
      },
    });
    forward(r.effects);
    expect(r.status).toBe('done');
    expect(r.result).toBe(-3);
    expect(r.steps).toEqual(['Quoting', 'Offering', 'Waiting', 'Haggle.Asking', 'Done']);
    expect(toSeller).toEqual([]);
    // the buyer got the offer, answered Accept and the quote with 90% of it, then read the seller's note
    expect(buyerEffects.filter((e) => e.type === 'flow.send').map((e) => e['value'])).toEqual([
      'Accept',
      { quantity: quote.quantity * 0.9, currency: quote.currency },
    ]);
    expect(buyer.snapshot.status).toBe('done');
    expect(buyer.snapshot.output).toEqual({ result: undefined });
    expect(buyer.states.at(-1)).toBe('$done');
  });
});

describe('kitchen sink: checkpoints', () => {
  it('the persisted snapshot of every waiting state is under 1 KiB', () => {
    const sizes: Record<string, number> = {};
    for (const flow of kitchen?.flows ?? []) {
      for (const [state, bytes] of Object.entries(reportOf(flow).checkpoints))
        sizes[`${flow.name}.${state}`] = bytes;
    }
    const largest = Object.entries(sizes).sort((a, b) => b[1] - a[1]);
    console.log(
      `kitchen-sink checkpoints (largest first, bytes): ${largest.map(([s, b]) => `${s} ${b}`).join(', ')}`,
    );
    expect(largest.length).toBeGreaterThan(0);
    for (const [state, bytes] of largest) expect(bytes, state).toBeLessThan(1024);
  });
});
