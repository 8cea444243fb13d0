/**
 * `flowc run DIR --flow NAME --as PARTY [--arg name=value]... [--nodes A,B] [--store DIR] [--answers FILE]
 * [--format text|json] [--timeout 60s]`: builds the CorDapp in memory, starts the nodes on a mock network (real
 * clock, messages delivered as soon as they are sent, one SQLite store per node), runs one flow with a live progress
 * tree, answers human input from a file or the terminal, and prints the result. Exit codes: 0 the flow is done, 1 it
 * failed, was hospitalized, timed out or waited for an answer nobody gave (and build errors), 2 bad usage.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { formatDiagnosticsText } from '../../../language/index.js';
import { InputError } from '../../../language/node/files.js';
import { systemClock } from '../../../runtime/clock.js';
import type { LoadedCordapp, ManifestFlow, TraceLocation } from '../../../runtime/cordapp.js';
import { createMockNetwork, type MockNetwork } from '../../../runtime/mockNetwork.js';
import {
  FlowRequestError,
  type FlowHandle,
  type FlowNode,
  type FlowOutcome,
  type InputRequest,
} from '../../../runtime/node.js';
import { readCordapp } from '../../../runtime/node/bundles.js';
import { SqliteStore } from '../../../runtime/node/sqliteStore.js';
import { renderProgressTree, type ProgressEvent, type ProgressTree } from '../../../runtime/progress.js';
import type { FlowRecord, FlowStatus } from '../../../runtime/store.js';
import { valueProblem, type TypeDefinitions } from '../../../runtime/valueTypes.js';
import { buildCordapp } from '../build.js';
import { displayPath, summary, toJson } from './check.js';

export interface RunOptions {
  flow: string;
  as: string;
  arg?: string[];
  nodes?: string;
  store?: string;
  answers?: string;
  format: 'text' | 'json';
  timeout: string;
}

// ---- values from the command line ------------------------------------------------------------------------------

/** A text that cannot be read as the type it must be; the message says why. */
export class ValueTextError extends Error {
  override name = 'ValueTextError';
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `5s`, `2d`, `1h30m`: milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(?:\d+(?:ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, n, unit] of trimmed.matchAll(/(\d+)(ms|s|m|h|d)/g))
    total += Number(n) * DURATION_UNITS[unit!]!;
  return total;
}

function isList(type: string): RegExpExecArray | null {
  return /^List<(.*)>$/.exec(type);
}

/** What a value of `type` is, for messages: "an Int (a whole number)". */
export function describeType(type: string, types: TypeDefinitions): string {
  switch (type) {
    case 'Int':
      return 'an Int (a whole number)';
    case 'Decimal':
      return 'a Decimal (a number)';
    case 'Bool':
      return 'a Bool (true or false)';
    case 'String':
      return 'a String';
    case 'Party':
      return 'a Party (a node name)';
    case 'Duration':
      return 'a Duration (a whole number and a unit: ms, s, m, h or d)';
    case 'Instant':
      return 'an Instant (an ISO date-time or epoch milliseconds)';
    case 'Amount':
      return 'an Amount (a quantity and a currency)';
    case 'SecureHash':
      return 'a SecureHash (a string)';
  }
  const a = /^[AEIOU]/.test(type) ? 'an' : 'a';
  if (isList(type)) return `a ${type} (a JSON array)`;
  const definition = types[type];
  if (definition?.kind === 'enum') return `${a} ${type} (one of ${definition.members.join(', ')})`;
  if (definition?.kind === 'record') return `${a} ${type} (a JSON object)`;
  return `${a} ${type} (JSON)`;
}

/** An example of a `type` value as the runtime keeps it (JSON). */
function exampleJson(type: string, types: TypeDefinitions, depth = 0): unknown {
  switch (type) {
    case 'Int':
      return 42;
    case 'Decimal':
      return 12.5;
    case 'Bool':
      return true;
    case 'String':
      return 'hello';
    case 'Party':
      return 'Bob';
    case 'Duration':
      return 5000;
    case 'Instant':
      return Date.UTC(2025, 0, 31, 12);
    case 'Amount':
      return { quantity: 100, currency: 'USD' };
    case 'SecureHash':
      return 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  }
  const list = isList(type);
  if (list) return depth > 3 ? [] : [exampleJson(list[1]!, types, depth + 1)];
  const definition = types[type];
  if (definition?.kind === 'enum') return definition.members[0];
  if (definition?.kind === 'record' && depth <= 3)
    return Object.fromEntries(definition.fields.map((f) => [f.name, exampleJson(f.type, types, depth + 1)]));
  return {};
}

/** An example of a `type` value as it is written on the command line. */
export function exampleText(type: string, types: TypeDefinitions): string {
  switch (type) {
    case 'Duration':
      return '5s';
    case 'Instant':
      return '2025-01-31T12:00:00Z';
    case 'Amount':
      return '100 USD';
  }
  const value = exampleJson(type, types);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function parseJson(text: string, type: string, types: TypeDefinitions): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValueTextError(`"${text}" is not ${describeType(type, types)}: it is not valid JSON`);
  }
}

/**
 * Reads the text of a `type` value (a `--arg` or an answer typed at the terminal) as the runtime's JSON value.
 * Throws a `ValueTextError` saying why it is not one.
 */
export function parseValue(text: string, type: string, types: TypeDefinitions): unknown {
  const trimmed = text.trim();
  const wrong = (): ValueTextError => new ValueTextError(`"${text}" is not ${describeType(type, types)}`);
  let value: unknown;
  switch (type) {
    case 'Int':
      if (!/^[+-]?\d+$/.test(trimmed)) throw wrong();
      value = Number(trimmed);
      if (!Number.isSafeInteger(value))
        throw new ValueTextError(`"${text}" is too large for an Int (at most ${Number.MAX_SAFE_INTEGER})`);
      break;
    case 'Decimal':
      if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) throw wrong();
      value = Number(trimmed);
      break;
    case 'Bool': {
      const lower = trimmed.toLowerCase();
      if (['true', 'yes', 'y'].includes(lower)) value = true;
      else if (['false', 'no', 'n'].includes(lower)) value = false;
      else throw wrong();
      break;
    }
    case 'String':
    case 'Party':
    case 'SecureHash':
    case 'Session':
      value = text;
      break;
    case 'Duration':
      value = parseDuration(trimmed);
      if (value === undefined) throw wrong();
      break;
    case 'Instant':
      if (/^\d+$/.test(trimmed)) value = Number(trimmed);
      else if (/^\d{4}-\d\d-\d\d/.test(trimmed) && !Number.isNaN(Date.parse(trimmed)))
        value = Date.parse(trimmed);
      else throw wrong();
      break;
    case 'Amount': {
      if (trimmed.startsWith('{')) {
        value = parseJson(trimmed, type, types);
        break;
      }
      const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([A-Za-z][A-Za-z0-9]*)$/.exec(trimmed);
      if (!match) throw wrong();
      value = { quantity: Number(match[1]), currency: match[2] };
      break;
    }
    default: {
      const definition = types[type];
      if (definition?.kind === 'enum') {
        const member =
          definition.members.find((m) => m === trimmed) ??
          definition.members.find((m) => m.toLowerCase() === trimmed.toLowerCase());
        if (member === undefined) throw wrong();
        value = member;
      } else value = parseJson(trimmed, type, types);
    }
  }
  const problem = valueProblem(value, type, types);
  if (problem) throw new ValueTextError(`"${text}" is not ${describeType(type, types)}: ${problem}`);
  return value;
}

function signature(flow: ManifestFlow): string {
  return `${flow.name}(${flow.params.map((p) => `${p.name}: ${p.type}`).join(', ')})`;
}

/** The flow's parameters from `--arg name=value` options; every problem is named, with an example. */
export function parseArgs(
  flow: ManifestFlow,
  args: readonly string[],
  types: TypeDefinitions,
): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const problems: string[] = [];
  const example = (name: string, type: string): string =>
    `--arg ${name}=${shellQuote(exampleText(type, types))}`;
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      problems.push(
        `--arg ${shellQuote(arg)}: write it as name=value, e.g. ${flow.params[0] ? example(flow.params[0].name, flow.params[0].type) : '--arg name=value'}`,
      );
      continue;
    }
    const name = arg.slice(0, eq);
    const text = arg.slice(eq + 1);
    const param = flow.params.find((p) => p.name === name);
    if (!param) {
      problems.push(
        `--arg ${name}: ${flow.name} has no parameter "${name}" (${flow.params.length ? `its parameters: ${flow.params.map((p) => `${p.name}: ${p.type}`).join(', ')}` : 'it takes none'})`,
      );
      continue;
    }
    if (name in params) {
      problems.push(`--arg ${name}: given twice`);
      continue;
    }
    try {
      params[name] = parseValue(text, param.type, types);
    } catch (error) {
      if (!(error instanceof ValueTextError)) throw error;
      problems.push(`--arg ${name}: ${error.message}; e.g. ${example(name, param.type)}`);
    }
  }
  for (const param of flow.params) {
    if (!args.some((a) => a.startsWith(`${param.name}=`)))
      problems.push(
        `--arg ${param.name} is missing: ${param.name} is ${describeType(param.type, types)}, e.g. ${example(param.name, param.type)}`,
      );
  }
  if (problems.length)
    throw new InputError(
      problems.length === 1
        ? `cannot start ${signature(flow)}: ${problems[0]!}`
        : `cannot start ${signature(flow)}:\n  ${problems.join('\n  ')}`,
    );
  return params;
}

/** Every party named by the flow's Party (and List<Party>) arguments. */
function partiesIn(flow: ManifestFlow, params: Record<string, unknown>): string[] {
  const parties: string[] = [];
  for (const p of flow.params) {
    const value = params[p.name];
    if (p.type === 'Party' && typeof value === 'string') parties.push(value);
    if (p.type === 'List<Party>' && Array.isArray(value))
      parties.push(...value.filter((v): v is string => typeof v === 'string'));
  }
  return parties;
}

function nodeNamesFor(options: RunOptions, flow: ManifestFlow, params: Record<string, unknown>): string[] {
  const given = options.nodes
    ?.split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const names = [...new Set(given ?? [options.as, ...partiesIn(flow, params)])];
  if (names.length === 0) throw new InputError('--nodes names no node');
  for (const name of names) {
    if (/[/\\]/.test(name) || name === '.' || name === '..')
      throw new InputError(`"${name}" cannot be a node name: a node's store is a file named after it`);
  }
  if (!names.includes(options.as))
    throw new InputError(`--as ${options.as} is not one of the nodes (--nodes ${names.join(',')})`);
  return names;
}

// ---- answers ---------------------------------------------------------------------------------------------------

type Answers = { file: string; byKey: Record<string, unknown> };

function readAnswers(file: string): Answers {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`cannot read --answers "${file}": no such file`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--answers "${file}" is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError(
      `--answers "${file}" must be a JSON object: {"<prompt text or flow name>": answer, ...}`,
    );
  return { file, byKey: value as Record<string, unknown> };
}

// ---- the run ---------------------------------------------------------------------------------------------------

type RunEnd =
  | { kind: 'outcome'; outcome: FlowOutcome }
  | { kind: 'hospitalized'; node: FlowNode; flowId: string; error: string }
  | { kind: 'failure'; message: string }
  | { kind: 'timeout' };

/** A countdown that stops while someone is typing an answer at the terminal. */
class Countdown {
  private timer?: ReturnType<typeof setTimeout>;
  private endsAt = 0;
  private remaining: number;

  constructor(
    ms: number,
    private readonly onEnd: () => void,
  ) {
    this.remaining = ms;
    this.resume();
  }

  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining = Math.max(0, this.endsAt - Date.now());
  }

  resume(): void {
    if (this.timer) return;
    this.endsAt = Date.now() + this.remaining;
    this.timer = setTimeout(this.onEnd, this.remaining);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The live progress tree on stderr: redrawn in place on a terminal, else one line per new step. */
class ProgressView {
  private drawn = 0;
  private held = false;

  constructor(
    private readonly tty: boolean,
    private readonly tree: () => ProgressTree | undefined,
  ) {}

  step(event: ProgressEvent): void {
    if (!this.tty) {
      process.stderr.write(`${'    '.repeat(event.depth)}▶ ${event.label}\n`);
      return;
    }
    if (!this.held) this.redraw();
  }

  /** Stops redrawing (a question is being asked below the tree). */
  hold(): void {
    this.held = true;
  }

  /** Redraws again, below whatever was written since `hold`. */
  release(): void {
    this.held = false;
    this.drawn = 0;
    this.redraw();
  }

  redraw(): void {
    if (!this.tty) return;
    const tree = this.tree();
    if (!tree) return;
    const lines = renderProgressTree(tree);
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    process.stderr.write(`${up}\x1b[J${lines.map((l) => `${l}\n`).join('')}`);
    this.drawn = lines.length;
  }
}

class FlowRun {
  private finished = false;
  private resolveEnd!: (end: RunEnd) => void;
  readonly ended = new Promise<RunEnd>((resolve) => (this.resolveEnd = resolve));
  private readonly handled = new Set<string>();
  private servicing = false;
  private again = false;
  private readline?: Interface;
  private countdown?: Countdown;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly network: MockNetwork,
    private readonly cordapp: LoadedCordapp,
    private readonly answers: Answers | undefined,
    private readonly view: ProgressView | undefined,
    /** Flows waiting for input before this run began (a reused store): not ours to answer. */
    private readonly before: Set<string>,
  ) {}

  start(handle: FlowHandle, timeoutMs: number): void {
    this.countdown = new Countdown(timeoutMs, () => this.end({ kind: 'timeout' }));
    handle.result.then((outcome) => this.end({ kind: 'outcome', outcome }));
    for (const name of this.network.nodeNames) {
      const node = this.network.node(name);
      this.stops.push(
        node.onEvent((event) => {
          if (event.type === 'committed') void this.serviceInputs();
          else if (event.type === 'flow.hospitalized')
            this.end({ kind: 'hospitalized', node, flowId: event.flowId, error: event.error });
        }),
      );
    }
    void this.serviceInputs();
  }

  end(end: RunEnd): void {
    if (this.finished) return;
    this.finished = true;
    this.countdown?.stop();
    for (const stop of this.stops) stop();
    this.readline?.close();
    this.resolveEnd(end);
  }

  private inputKey(node: FlowNode, request: InputRequest): string {
    return `${node.name}/${request.flowId}#${node.flow(request.flowId)?.wait?.token ?? request.since}`;
  }

  /** Answers every flow that waits for input, one question at a time. */
  private async serviceInputs(): Promise<void> {
    if (this.servicing) {
      this.again = true;
      return;
    }
    this.servicing = true;
    try {
      do {
        this.again = false;
        for (const name of this.network.nodeNames) {
          const node = this.network.node(name);
          if (node.isDead) continue;
          for (const request of node.inputs()) {
            if (this.finished) return;
            const key = this.inputKey(node, request);
            if (this.handled.has(key) || this.before.has(`${node.name}/${request.flowId}`)) continue;
            this.handled.add(key);
            await this.answer(node, request);
          }
        }
      } while (this.again && !this.finished);
    } finally {
      this.servicing = false;
    }
  }

  private async answer(node: FlowNode, request: InputRequest): Promise<void> {
    const asks = `${request.flow} on ${node.name} asks "${request.prompt}" (${request.type})`;
    if (this.answers) {
      const { byKey, file } = this.answers;
      const key = request.prompt in byKey ? request.prompt : request.flow in byKey ? request.flow : undefined;
      if (key === undefined) {
        this.end({
          kind: 'failure',
          message: `${asks}, and --answers ${file} has no answer for it: add "${request.prompt}" (or "${request.flow}") to it.`,
        });
        return;
      }
      try {
        node.answerInput(request.flowId, byKey[key]);
      } catch (error) {
        if (!(error instanceof FlowRequestError)) throw error;
        this.end({ kind: 'failure', message: `--answers ${file}, "${key}": ${error.message}` });
      }
      return;
    }
    if (!process.stdin.isTTY) {
      this.end({
        kind: 'failure',
        message:
          `${asks}, and standard input is not a terminal to ask at: pass the answers with --answers FILE, ` +
          `a JSON object such as {"${request.prompt}": ${JSON.stringify(exampleJson(request.type, this.cordapp.types))}}.`,
      });
      return;
    }
    this.countdown?.pause();
    this.view?.hold();
    try {
      const hint = describeType(request.type, this.cordapp.types);
      for (;;) {
        const text = await this.question(
          `${request.flow} on ${node.name} asks: ${request.prompt} [${hint}] `,
        );
        if (this.finished || text === undefined) return;
        let value: unknown;
        try {
          value = parseValue(text, request.type, this.cordapp.types);
        } catch (error) {
          if (!(error instanceof ValueTextError)) throw error;
          process.stderr.write(`${error.message}; e.g. ${exampleText(request.type, this.cordapp.types)}\n`);
          continue;
        }
        try {
          node.answerInput(request.flowId, value);
          return;
        } catch (error) {
          if (!(error instanceof FlowRequestError)) throw error;
          process.stderr.write(`${error.message}\n`);
          if (node.flow(request.flowId)?.wait?.type !== 'flow.input') return;
        }
      }
    } finally {
      if (!this.finished) {
        this.view?.release();
        this.countdown?.resume();
      }
    }
  }

  private question(prompt: string): Promise<string | undefined> {
    if (!this.readline) {
      this.readline = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      this.readline.on('close', () =>
        this.end({ kind: 'failure', message: 'standard input was closed before the answer' }),
      );
    }
    const readline = this.readline;
    return new Promise((resolve) => readline.question(prompt, resolve));
  }
}

/** What a waiting flow waits for, in words. */
function describeWait(node: FlowNode, flow: FlowRecord): string {
  const wait = flow.wait;
  if (!wait)
    return `${flow.flow} on ${node.name} is ${flow.status}${flow.status === 'running' && node.idle ? ' and waits for nothing' : ''}`;
  let what: string;
  switch (wait.type) {
    case 'flow.receive': {
      const peer = wait.session ? node.store.getSession(wait.session)?.peer : undefined;
      what = `a ${wait.messageType ?? 'message'}${peer ? ` from ${peer}` : ''}`;
      break;
    }
    case 'flow.input':
      what = `an answer to "${wait.prompt ?? ''}" (${wait.messageType ?? 'String'})`;
      break;
    case 'flow.sleep':
      what = 'its timer';
      break;
    case 'flow.open':
      what = `a session with ${wait.party ?? 'its counterparty'}`;
      break;
    case 'flow.call':
      what = `its sub-flow ${wait.callee ?? ''}`.trimEnd();
      break;
    case 'flow.external':
      what = `the host function ${wait.fn ?? ''}`.trimEnd();
      break;
    default:
      what = wait.type;
  }
  const until = wait.deadline !== undefined ? ` (until ${new Date(wait.deadline).toISOString()})` : '';
  return `${flow.flow} on ${node.name} waits for ${what}${until}`;
}

function locationText(dir: string, location: unknown): string | undefined {
  const l = location as Partial<TraceLocation> | undefined;
  if (!l || typeof l.file !== 'string') return undefined;
  const file = path.isAbsolute(l.file) ? l.file : path.join(dir, l.file);
  return `${displayPath(file)}:${l.line ?? 1}:${l.column ?? 1}`;
}

/** Waits (a little) until no node has anything to do or to send, so the stores are left quiet. */
async function settle(network: MockNetwork, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const nodes = network.nodeNames.map((n) => network.node(n)).filter((n) => !n.isDead);
    if (nodes.every((n) => n.idle && n.store.outbox().length === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function parseTimeout(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new InputError(
      `--timeout "${text}" is not a duration: write a whole number and a unit, e.g. 30s, 5m`,
    );
  return ms;
}

interface Report {
  status: FlowStatus | 'timeout' | 'invalid';
  result: unknown;
  error: string | null;
  progress: ProgressTree | null;
}

export async function runCommand(dir: string, options: RunOptions): Promise<number> {
  const timeoutMs = parseTimeout(options.timeout);
  const answers = options.answers !== undefined ? readAnswers(options.answers) : undefined;
  const json = options.format === 'json';

  const built = await buildCordapp(dir);
  if (!built.ok) {
    if (json) {
      const report = {
        status: 'invalid',
        result: null,
        error: `${dir} does not build: ${summary(built.diagnostics, built.texts.size)}`,
        progress: null,
        diagnostics: built.diagnostics.map(toJson),
      };
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    } else {
      const shown = built.diagnostics.map((d) => ({ ...d, file: displayPath(d.file) }));
      const texts = new Map([...built.texts].map(([file, text]) => [displayPath(file), text]));
      process.stdout.write(formatDiagnosticsText(shown, { textOf: (f) => texts.get(f) }) + '\n\n');
      process.stdout.write(`${summary(built.diagnostics, built.texts.size)} Nothing was run.\n`);
    }
    return 1;
  }
  const cordapp = await readCordapp(built.bundle);
  const flow = cordapp.manifest.flows.find((f) => f.name === options.flow);
  const startable = cordapp.manifest.flows.filter((f) => f.kind !== 'responder').map((f) => f.name);
  if (!flow)
    throw new InputError(
      `no flow named "${options.flow}" in ${cordapp.name} ${cordapp.version}` +
        (startable.length ? `; flows it can start: ${startable.sort().join(', ')}` : ''),
    );
  if (flow.kind === 'responder')
    throw new InputError(
      `"${flow.name}" is a responder flow: it starts when ${flow.respondsTo ?? 'its initiator'} opens a session; run ${flow.respondsTo ?? 'the initiator'} instead`,
    );
  const params = parseArgs(flow, options.arg ?? [], cordapp.types);
  const nodeNames = nodeNamesFor(options, flow, params);

  const temporary = options.store === undefined;
  const storeDir = options.store ?? mkdtempSync(path.join(tmpdir(), 'flowc-run-'));
  let network: MockNetwork | undefined;
  try {
    if (!temporary) mkdirSync(storeDir, { recursive: true });
    try {
      network = await createMockNetwork({
        nodes: nodeNames,
        cordapps: [cordapp],
        delivery: 'auto',
        clock: systemClock,
        store: (name) => SqliteStore.open(path.join(storeDir, `${name}.sqlite`)),
      });
    } catch (error) {
      throw new InputError(
        `cannot open the nodes' stores in ${displayPath(storeDir)}: ${(error as Error).message}`,
      );
    }
    return await runOnNetwork(network, cordapp, flow, params, {
      ...options,
      dir,
      timeoutMs,
      answerFile: answers,
      json,
    });
  } finally {
    network?.close();
    if (temporary) rmSync(storeDir, { recursive: true, force: true });
  }
}

async function runOnNetwork(
  network: MockNetwork,
  cordapp: LoadedCordapp,
  flow: ManifestFlow,
  params: Record<string, unknown>,
  options: RunOptions & { dir: string; timeoutMs: number; answerFile: Answers | undefined; json: boolean },
): Promise<number> {
  const node = network.node(options.as);
  const before = new Set<string>();
  const earlier = new Set<string>();
  for (const name of network.nodeNames) {
    for (const f of network.node(name).store.listFlows({ status: ['waiting', 'running'] })) {
      earlier.add(`${name}/${f.id}`);
      if (f.wait?.type === 'flow.input') before.add(`${name}/${f.id}`);
    }
  }

  let handle: FlowHandle;
  try {
    handle = node.startFlow(flow.name, params, { cordapp: cordapp.name });
  } catch (error) {
    if (error instanceof FlowRequestError) throw new InputError(error.message);
    throw error;
  }
  const tty = process.stderr.isTTY === true;
  const view = options.json ? undefined : new ProgressView(tty, () => node.progressTree(handle.id));
  if (!options.json)
    process.stderr.write(
      `Running ${signature(flow)} on ${options.as} (nodes: ${network.nodeNames.join(', ')})\n`,
    );
  const stopProgress = node.subscribeProgress(handle.id, (event) => view?.step(event));
  const run = new FlowRun(network, cordapp, options.answerFile, view, before);
  run.start(handle, options.timeoutMs);
  const end = await run.ended;
  stopProgress();
  if (end.kind === 'outcome') await settle(network, 2000);
  view?.redraw();

  const record = node.flow(handle.id);
  const report: Report = {
    status: record?.status ?? 'running',
    result: null,
    error: null,
    progress: node.progressTree(handle.id) ?? null,
  };
  let code = 1;
  switch (end.kind) {
    case 'outcome':
      report.status = end.outcome.status;
      if (end.outcome.status === 'done') {
        report.result = end.outcome.result ?? null;
        code = 0;
      } else report.error = `${flow.name} ${end.outcome.status}: ${end.outcome.error ?? 'no reason given'}`;
      break;
    case 'hospitalized': {
      const sick = end.node.flow(end.flowId);
      const where = locationText(options.dir, sick?.hospital?.location);
      report.status = 'hospitalized';
      report.error =
        `${sick?.flow ?? end.flowId} on ${end.node.name} is in the flow hospital: ${end.error}` +
        (where ? `\n  at ${where}` : '') +
        (sick?.hospital?.state ? ` (state ${sick.hospital.state})` : '');
      break;
    }
    case 'failure':
      report.error = end.message;
      break;
    case 'timeout': {
      report.status = 'timeout';
      const waits: string[] = [];
      for (const name of network.nodeNames) {
        const n = network.node(name);
        for (const f of n.store.listFlows({ status: ['waiting', 'running'] }))
          if (!earlier.has(`${name}/${f.id}`)) waits.push(describeWait(n, f));
      }
      report.error =
        `${flow.name} did not end within ${options.timeout}` +
        (waits.length ? `:\n  ${waits.join('\n  ')}` : ` (it is ${record?.status ?? 'running'})`);
      break;
    }
  }

  if (options.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else if (code === 0) {
    process.stdout.write(
      flow.returns === undefined || flow.returns === 'Unit'
        ? 'Done.\n'
        : `Result: ${JSON.stringify(report.result)}\n`,
    );
  } else process.stderr.write(`flowc: ${report.error ?? 'the flow did not end'}\n`);
  return code;
}
