/**
 * The test driver itself (`test/utils/driveFlow.ts`) on small flows written here, and the machine behaviours it
 * exposes: scripted answers, unhandled events, the step limit, checkpoints, sample values, and the explorer's
 * coverage report, and the run-time errors generated code throws.
 */
import { describe, expect, it } from 'vitest';
import { lowerFile } from '../../../compiler/lower.js';
import { generateMachine, type MachineArtifact } from '../../../compiler/machine.js';
import type { FlowIR } from '../../../compiler/ir.js';
import { checkSources } from '../../../language/index.js';
import {
  combinations,
  driveFlow,
  explorePaths,
  problemsOf,
  resolveType,
  sampleValues,
  typeTableOf,
  type TypeTable,
} from '../../utils/driveFlow.js';
import { dedent } from '../../utils/index.js';

function compile(text: string): {
  flows: Map<string, { ir: FlowIR; compiled: MachineArtifact }>;
  types: TypeTable;
} {
  const [result] = checkSources([{ path: 'test.flow', text }]);
  expect(result!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const flows = new Map(
    lowerFile(result!, 'test.flow').map((ir) => [ir.name, { ir, compiled: generateMachine(ir) }]),
  );
  return { flows, types: typeTableOf(result!) };
}

const ask = dedent`
  cordapp com.example.driver version 1.0.0

  enum Answer { Yes, No }

  message Ask {
    text: String
    limit: Int
  }

  flow Poll(s: Session, question: Ask) -> Int {
    progress {
      Asking "Asking"
      Counting "Counting"
    }
    step Asking
    send question to s
    let answer = receive Answer from s within 1m
    if answer == Answer.No {
      fail "No to {question.text}"
    }
    var total = 0
    for i in [1, 2, question.limit] {
      step Counting
      total = total + i
    }
    return total
  }
`;

describe('driveFlow', () => {
  const { flows, types } = compile(ask);
  const poll = flows.get('Poll')!;
  const question = { text: 'Lunch?', limit: 4 };

  it('feeds a scripted list, stamps every event, and records steps, sends and checkpoints', () => {
    const r = driveFlow(poll.compiled, {
      params: { s: 's1', question },
      respond: [{ type: 'session.message', session: 's1', messageType: 'Answer', value: 'Yes' }],
      startAt: 1000,
      tick: 10,
    });
    expect(r.status).toBe('done');
    expect(r.result).toBe(7);
    expect(r.steps).toEqual(['Asking', 'Counting', 'Counting', 'Counting']);
    expect(r.sends).toEqual([{ type: 'flow.send', session: 's1', messageType: 'Ask', value: question }]);
    expect(r.events).toEqual([expect.objectContaining({ at: 1010 })]);
    expect(r.checkpoints).toEqual([{ flow: 'Poll', state: 'receive_answer', bytes: expect.any(Number) }]);
    // the states passed through, eventless ones included, end in the final state
    expect(r.states[0]).toBe('n1');
    expect(r.states).toContain('receive_answer');
    expect(r.states.at(-1)).toBe('$done');
  });

  it('a callback sees what the flow waits for and its context', () => {
    const seen: unknown[] = [];
    const r = driveFlow(poll.compiled, {
      params: { s: 's1', question },
      respond: (waiting, info) => {
        seen.push({ waiting, state: info.state, step: info.context['$step'] });
        return { type: 'session.message', session: 's1', messageType: 'Answer', value: 'No' };
      },
    });
    expect(seen).toEqual([
      {
        waiting: { type: 'flow.receive', session: 's1', messageType: 'Answer', timeoutMs: 60_000 },
        state: 'receive_answer',
        step: 'Asking',
      },
    ]);
    expect(r.status).toBe('failed');
    expect(r.error).toBe('No to Lunch?');
  });

  it('records unhandled events, stops when answers run out, and at the step limit', () => {
    const other = { type: 'session.message', session: 's2', messageType: 'Answer', value: 'Yes' };
    const waiting = driveFlow(poll.compiled, { params: { s: 's1', question }, respond: [other] });
    expect(waiting.status).toBe('waiting');
    expect(waiting.unhandled).toEqual([expect.objectContaining({ session: 's2' })]);
    const limited = driveFlow(poll.compiled, {
      params: { s: 's1', question },
      respond: () => other,
      maxSteps: 5,
    });
    expect(limited.status).toBe('step-limit');
    expect(limited.unhandled).toHaveLength(5);
  });

  it('reports an exception instead of throwing', () => {
    const r = driveFlow(poll.compiled, {
      params: { s: 's1', question: null },
      respond: [{ type: 'session.message', session: 's1', messageType: 'Answer', value: 'Yes' }],
    });
    expect(r.status).toBe('threw');
    expect(String(r.exception)).toMatch(/TypeError/);
  });

  it('samples values from the checker types', () => {
    expect(resolveType('List<Answer>', types)).toEqual({
      kind: 'list',
      element: { kind: 'enum', name: 'Answer', members: ['Yes', 'No'] },
    });
    expect(resolveType('Nope', types)).toBeUndefined();
    expect(sampleValues(resolveType('Answer', types)!)).toEqual(['Yes', 'No']);
    const asks = sampleValues(resolveType('Ask', types)!);
    // the first few differ in every field; then every combination
    expect(asks.slice(0, 3)).toEqual([
      { text: 'ok', limit: 1 },
      { text: '', limit: 0 },
      { text: 'fragile', limit: -3 },
    ]);
    expect(asks).toHaveLength(15);
    expect(
      combinations(
        [
          [1, 2, 3],
          ['a', 'b'],
        ],
        2,
      ),
    ).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'a'],
      [2, 'a'],
      [1, 'b'],
    ]);
  });
});

describe('explorePaths', () => {
  it('branches over answers, errors and timeouts, and reaches every state', () => {
    const { flows, types } = compile(ask);
    const poll = flows.get('Poll')!;
    const report = explorePaths(poll.compiled, { ir: poll.ir, types });
    expect(problemsOf(report)).toEqual([]);
    expect(report.unvisited).toEqual([]);
    expect(report.unreachable).toEqual([]);
    expect(report.exceptions).toEqual([]);
    expect(report.anomalies).toEqual([]);
    expect(report.errors).toEqual(
      expect.arrayContaining([
        'The counterparty failed',
        'Timed out waiting for Answer from s (within 1m).',
        'No to ok',
      ]),
    );
    expect(report.results).toEqual(expect.arrayContaining([4, 3, 0]));
    expect(Object.keys(report.checkpoints)).toEqual(['receive_answer']);
  });

  it('reports the states no path reaches, and those no transition leads to', () => {
    const { flows, types } = compile(dedent`
      cordapp com.example.driver version 1.0.0

      flow Count(n: Int) -> Int {
        if n > 1000000 {
          return 1
        }
        return 0
      }
    `);
    const count = flows.get('Count')!;
    const report = explorePaths(count.compiled, { ir: count.ir, types });
    expect(report.unvisited).toHaveLength(1);
    expect(count.compiled.trace[report.unvisited[0]!]!.line).toBe(5);
    expect(report.unreachable).toEqual(['$failed']);
    expect(problemsOf(report)).toEqual([`no path reached ${report.unvisited[0]}`]);
    expect(problemsOf(report, report.unvisited)).toEqual([]);
  });
});

/**
 * A flow's own computation failing (division by zero, amounts of different currencies) is a run-time error, not a
 * FlowError: `catch` does not see it, it is thrown out of XState's `transition()` before anything is persisted, and
 * the runtime hospitalizes the flow (see runtime/values.ts and docs/compiler.md).
 */
describe('run-time errors raised by generated code', () => {
  const { flows } = compile(dedent`
    cordapp com.example.driver version 1.0.0

    flow Ratio(a: Int, b: Int) -> Int {
      try {
        return a / b
      } catch e {
        return -1
      }
    }

    flow Mix(a: Amount, b: Amount) -> Amount {
      return a + b
    }
  `);

  it('divides when it can', () => {
    expect(driveFlow(flows.get('Ratio')!.compiled, { params: { a: 7, b: 2 } }).result).toBe(3);
  });

  it('throws division by zero out of transition(), past the catch, for the hospital', () => {
    const r = driveFlow(flows.get('Ratio')!.compiled, { params: { a: 7, b: 0 } });
    expect(r.status).toBe('threw');
    expect(r.exception).toMatchObject({ name: 'FlowRuntimeError', message: 'Division by zero.' });
  });

  it('throws on amounts of different currencies', () => {
    const r = driveFlow(flows.get('Mix')!.compiled, {
      params: { a: { quantity: 1, currency: 'USD' }, b: { quantity: 1, currency: 'EUR' } },
    });
    expect(r.status).toBe('threw');
    expect(r.exception).toMatchObject({
      name: 'FlowRuntimeError',
      message: 'Cannot add amounts in different currencies: 1 USD and 1 EUR.',
    });
  });
});
