/**
 * `flowc run`, as users run it: the built `bin/flowc.js` in a child process, on the CorDapps in
 * `test/runtime/cordapps` and `test/cli/cordapps`. Each run builds its CorDapp and starts real SQLite stores, so the
 * runs are spawned concurrently.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDuration, parseValue } from '../../compiler/node/cli/run.js';
import type { ProgressTree } from '../../runtime/progress.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/flowc.js');
const PINGPONG = 'test/runtime/cordapps/pingpong';
const APPROVAL = 'test/cli/cordapps/approval';
const VALUES = 'test/cli/cordapps/values';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs flowc in a child process whose stdin is a pipe (not a terminal) and whose temporary directory is `tmp`. */
function flowc(args: string[], options: { tmp?: string } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(options.tmp ? { TMPDIR: options.tmp } : {}) };
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const ping = ['run', PINGPONG, '--flow', 'Ping', '--as', 'Alice', '--arg', 'peer=Bob', '--arg', 'start=0'];
const approval = ['run', APPROVAL, '--flow', 'RequestApproval', '--as', 'Alice', '--arg', 'approver=Bob'];

interface Report {
  status: string;
  result: unknown;
  error: string | null;
  progress: ProgressTree | null;
}

let work: string;
function scratch(): string {
  return mkdtempSync(path.join(work, 'case-'));
}

function answers(value: unknown): string {
  const file = path.join(scratch(), 'answers.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'flowc-run-test-'));
  if (existsSync(path.join(root, 'dist/compiler/node/cli/run.js'))) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', shell: true });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe.concurrent('flowc run', () => {
  it('runs Ping on Alice against Pong on Bob, showing each step and the result the responder computed', async () => {
    const tmp = scratch();
    const run = await flowc(ping, { tmp });
    expect(run.stderr).toContain('Running Ping(peer: Party, start: Int) on Alice (nodes: Alice, Bob)');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('Result: 110\n');
    // stderr is not a terminal: one line per step as it begins
    const steps = run.stderr.split('\n').filter((l) => l.startsWith('▶'));
    expect(steps).toEqual(['▶ Opening a session', '▶ Playing', '▶ Done']);
    // the temporary store directory is gone
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('prints exactly one JSON document with --format json, with the progress tree', async () => {
    const run = await flowc([...ping, '--format', 'json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as Report;
    expect(Object.keys(report)).toEqual(['status', 'result', 'error', 'progress']);
    expect(report).toMatchObject({ status: 'done', result: 110, error: null });
    expect(report.progress).toMatchObject({ flow: 'Ping', status: 'done', current: 'Done', children: [] });
    expect(report.progress!.steps.map((s) => [s.step, s.label, s.children])).toEqual([
      ['Opening', 'Opening a session', []],
      ['Playing', 'Playing', []],
      ['Done', 'Done', []],
    ]);
  });

  it('keeps each node in DIR/NODE.sqlite with --store, and runs again on the same stores', async () => {
    const store = path.join(scratch(), 'nodes');
    const first = await flowc([...ping, '--store', store]);
    expect(first.status).toBe(0);
    expect(
      readdirSync(store)
        .filter((f) => f.endsWith('.sqlite'))
        .sort(),
    ).toEqual(['Alice.sqlite', 'Bob.sqlite']);
    const second = await flowc([...ping.slice(0, -1), 'start=1', '--store', store]);
    expect(second.stdout).toBe('Result: 130\n');
  });

  it('exits 2 on a bad --arg, naming the parameter, its type and an example', async () => {
    const run = await flowc([...ping.slice(0, -1), 'start=ten']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'flowc: cannot start Ping(peer: Party, start: Int): --arg start: "ten" is not an Int (a whole number); ' +
        'e.g. --arg start=42\n',
    );
  });

  it('exits 2 naming a missing parameter and a parameter the flow does not have', async () => {
    const run = await flowc([
      'run',
      PINGPONG,
      '--flow',
      'Ping',
      '--as',
      'Alice',
      '--arg',
      'peer=Bob',
      '--arg',
      'x=1',
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      '--arg x: Ping has no parameter "x" (its parameters: peer: Party, start: Int)',
    );
    expect(run.stderr).toContain(
      '--arg start is missing: start is an Int (a whole number), e.g. --arg start=42',
    );
  });

  it('reads every kind of parameter from its text', async () => {
    const order = JSON.stringify({ side: 'Buy', price: { quantity: 1, currency: 'USD' } });
    const args = [
      'n=3',
      'x=2.5',
      'ok=no',
      'who=Alice',
      'wait=1h30m',
      'cost=12.5 EUR',
      'side=sell',
      `order=${order}`,
    ];
    const run = await flowc([
      ...['run', VALUES, '--flow', 'Describe', '--as', 'Alice'],
      ...[...args, 'tags=["a","b"]'].flatMap((a) => ['--arg', a]),
    ]);
    expect(run.stderr).toContain('(nodes: Alice)');
    expect(run.stdout).toBe('Result: "3 2.5 false Alice 5400000 12.5 EUR Sell Buy 1 USD 2"\n');
  });

  it('lists every bad parameter at once', async () => {
    const bad = [
      'n=3',
      'x=2.5x',
      'ok=maybe',
      'who=Alice',
      'wait=1week',
      'cost=EUR',
      'side=Hold',
      'order={"side":"Buy"}',
    ];
    const run = await flowc([
      ...['run', VALUES, '--flow', 'Describe', '--as', 'Alice'],
      ...[...bad, 'tags=[1]'].flatMap((a) => ['--arg', a]),
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n').slice(1, -1)).toEqual([
      '  --arg x: "2.5x" is not a Decimal (a number); e.g. --arg x=12.5',
      '  --arg ok: "maybe" is not a Bool (true or false); e.g. --arg ok=true',
      '  --arg wait: "1week" is not a Duration (a whole number and a unit: ms, s, m, h or d); e.g. --arg wait=5s',
      '  --arg cost: "EUR" is not an Amount (a quantity and a currency); e.g. --arg cost=\'100 USD\'',
      '  --arg side: "Hold" is not a Side (one of Buy, Sell); e.g. --arg side=Buy',
      '  --arg order: "{"side":"Buy"}" is not an Order (a JSON object): missing field "price" (Amount) of Order; ' +
        `e.g. --arg order='{"side":"Buy","price":{"quantity":100,"currency":"USD"}}'`,
      '  --arg tags: "[1]" is not a List<String> (a JSON array): expected a String (a string) at [0], got 1; ' +
        `e.g. --arg tags='["hello"]'`,
    ]);
  });

  it('exits 2 on an unknown flow, listing the flows it can start', async () => {
    const run = await flowc(['run', PINGPONG, '--flow', 'Pang', '--as', 'Alice']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'flowc: no flow named "Pang" in com.example.pingpong 1.0.0; flows it can start: Ping\n',
    );
  });

  it('exits 2 on a responder flow', async () => {
    const run = await flowc(['run', PINGPONG, '--flow', 'Pong', '--as', 'Alice']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('"Pong" is a responder flow');
  });

  it("exits 2 with the engine's message when it refuses the start (a party that is not a node)", async () => {
    const run = await flowc([...ping.slice(0, -3), 'peer=Carol', '--arg', 'start=0', '--nodes', 'Alice,Bob']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'flowc: Cannot start Ping(peer: Party, start: Int): "peer": no party named "Carol" is known to Alice.\n',
    );
  });

  it('exits 2 when --as is not one of --nodes', async () => {
    const run = await flowc([...ping, '--nodes', 'Bob,Carol']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('flowc: --as Alice is not one of the nodes (--nodes Bob,Carol)\n');
  });

  it('prints the diagnostics and exits 1 when the CorDapp does not build', async () => {
    const dir = scratch();
    writeFileSync(
      path.join(dir, 'broken.flow'),
      'cordapp com.example.broken version 1.0.0\n\n@startable\nflow Broken() -> Int {\n  return "one"\n}\n',
    );
    const run = await flowc(['run', dir, '--flow', 'Broken', '--as', 'Alice']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('broken.flow:5');
    expect(run.stdout).toContain('1 error and 0 warnings in 1 file. Nothing was run.');
  });

  it('answers human input on another node from --answers, by prompt text', async () => {
    const run = await flowc([...approval, '--arg', 'amount=5', '--answers', answers({ 'Approve 5?': true })]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('Result: "approved 5"\n');
  });

  it('answers human input from --answers by the name of the flow that asks', async () => {
    const run = await flowc([
      ...[...approval, '--arg', 'amount=7', '--format', 'json'],
      ...['--answers', answers({ Approver: false })],
    ]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'done', result: 'rejected 7', error: null });
  });

  it("exits 1 with the engine's message on a wrong-typed answer in --answers", async () => {
    const file = answers({ 'Approve 5?': 'maybe' });
    const run = await flowc([...approval, '--arg', 'amount=5', '--answers', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `flowc: --answers ${file}, "Approve 5?": The answer to "Approve 5?" must be a Bool: expected a Bool (true or false), got "maybe".`,
    );
  });

  it('exits 1 when --answers has no answer for a prompt', async () => {
    const file = answers({ 'Approve 6?': true });
    const run = await flowc([...approval, '--arg', 'amount=5', '--answers', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `flowc: Approver on Bob asks "Approve 5?" (Bool), and --answers ${file} has no answer for it`,
    );
  });

  it('fails with a clear error when a flow asks for input, stdin is not a terminal and there is no --answers', async () => {
    const run = await flowc([...approval, '--arg', 'amount=5']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'flowc: Approver on Bob asks "Approve 5?" (Bool), and standard input is not a terminal to ask at: ' +
        'pass the answers with --answers FILE, a JSON object such as {"Approve 5?": true}.',
    );
    const json = await flowc([...approval, '--arg', 'amount=5', '--format', 'json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.status).toBe('waiting');
    expect(report.error).toContain('--answers FILE');
    expect(report.progress!.current).toBe('Deciding');
  });

  it('exits 1 with the error of a failed flow', async () => {
    const run = await flowc(['run', VALUES, '--flow', 'Check', '--as', 'Alice', '--arg', 'n=-2']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('flowc: Check failed: n must be positive, not -2\n');
    const json = await flowc([
      'run',
      VALUES,
      '--flow',
      'Check',
      '--as',
      'Alice',
      '--arg',
      'n=-2',
      '-f',
      'json',
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'failed', result: null });
  });

  it('gives up after --timeout, saying what the flow waits for', async () => {
    const run = await flowc(['run', VALUES, '--flow', 'Nap', '--as', 'Alice', '--timeout', '1s']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /flowc: Nap did not end within 1s:\n {2}Nap on Alice waits for its timer \(until \d{4}-\d\d-\d\dT[\d:.]+Z\)\n/,
    );
  });

  it('exits 2 on a bad --timeout', async () => {
    const run = await flowc([...ping, '--timeout', 'soon']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--timeout "soon" is not a duration');
  });

  it('exits 1 with the .flow location of a hospitalized flow', async () => {
    const run = await flowc([
      ...['run', VALUES, '--flow', 'Ratio', '--as', 'Alice', '--arg', 'a=1', '--arg', 'b=0'],
      ...['--timeout', '3s'],
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /flowc: Ratio on Alice is in the flow hospital: Division by zero\.\n {2}at test\/cli\/cordapps\/values\/values\.flow:\d+:\d+/,
    );
  });
});

describe('reading values', () => {
  it('reads durations of one or more units', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('5 s')).toBeUndefined();
  });

  it('reads each type from its text, or says why not', () => {
    const types = { Side: { kind: 'enum' as const, members: ['Buy', 'Sell'] } };
    expect(parseValue('-7', 'Int', types)).toBe(-7);
    expect(parseValue('.5', 'Decimal', types)).toBe(0.5);
    expect(parseValue('TRUE', 'Bool', types)).toBe(true);
    expect(parseValue(' two words ', 'String', types)).toBe(' two words ');
    expect(parseValue('2025-01-31T12:00:00Z', 'Instant', types)).toBe(Date.UTC(2025, 0, 31, 12));
    expect(parseValue('100 USD', 'Amount', types)).toEqual({ quantity: 100, currency: 'USD' });
    expect(parseValue('buy', 'Side', types)).toBe('Buy');
    expect(parseValue('[1, 2]', 'List<Int>', types)).toEqual([1, 2]);
    expect(() => parseValue('9007199254740993', 'Int', types)).toThrow('too large for an Int');
    expect(() => parseValue('[1.5]', 'List<Int>', types)).toThrow(
      '"[1.5]" is not a List<Int> (a JSON array): expected an Int (a whole number) at [0], got 1.5',
    );
  });
});
