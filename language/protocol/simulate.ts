/**
 * Runs an initiating flow's protocol program against its responder's, for each session the initiator opens, and
 * reports where the conversation goes wrong.
 *
 * The two sides run as processes with FIFO queues between them (sends never block, as in Corda). Branches on
 * values the checker cannot know are explored both ways; a decision about a value is remembered, and since a value
 * sent over the session keeps its identity on the other side, the receiver's branches follow the sender's
 * (external choice), while a choice on local data that the other side never learns (internal choice) is explored
 * independently. Loops run 0, 1 or 2 times; two loops over the same (sent) list run alike.
 *
 * Faults: `protocol-mismatch` (a received type that the sent one does not fit), `deadlock` (both sides wait to
 * receive), `early-end` (one side ends or closes while the other still waits, or leaves a message unread), and
 * `uncommunicated-choice` (a fault that only one branch of a local choice leads to: the other side cannot know
 * which branch was taken).
 */
import type { IssueCode } from '../diagnostics.js';
import { IssueCodes } from '../diagnostics.js';
import { isAssignable, typeToString, type Type } from '../types.js';
import type { PCond, PLoc, PStatement, PValue, ProtocolProgram } from './program.js';

export interface ProtocolFault {
  code: IssueCode;
  message: string;
  main: PLoc;
  related: { at: PLoc; message: string }[];
  /** Internal: the steps at which the faulty path chose on received values. */
  external?: number[];
}

export type FlowLookup = (name: string) => ProtocolProgram | undefined;

/** A value; `received` marks one that came over the session, so choices made on it follow the sender's. */
type Val = (
  | { lit: string | number | boolean }
  | { sym: number }
  | { session: true }
  | { list: Val[] }
  | { record: Record<string, Val> }
) & { received?: true };

interface Frame {
  body: PStatement[];
  i: number;
  env: Map<string, Val>;
  /** A loop frame repeats its body this many more times. */
  repeat?: number;
  /** A loop frame's elements, one per run of the body, and the loop variable they are bound to. */
  items?: Val[];
  bind?: string;
  /** A try frame: where a failure goes. */
  handler?: PStatement[];
  /** A call frame: popping it returns to the caller. */
  call?: boolean;
}

interface Proc {
  name: string;
  frames: Frame[];
  /** A responder is idle until the initiator opens the session. */
  state: 'idle' | 'running' | 'waiting' | 'ended' | 'failed';
  /** Where it ended or closed the session, for messages. */
  endedAt?: PLoc;
  closedAt?: PLoc;
  waitingAt?: PLoc;
  waitingFor?: Type;
}

interface Message {
  type: Type;
  value: Val;
  at: PLoc;
}

/** One step of the conversation, for messages; a list shared by the worlds forked from one another. */
interface TraceEntry {
  who: string;
  verb: 'sends' | 'receives';
  type: Type;
  at: PLoc;
  previous: TraceEntry | undefined;
}

function traceText(entry: TraceEntry): string {
  return `${entry.who} ${entry.verb} ${typeToString(entry.type)} (${where(entry.at)})`;
}

/** The last `count` steps of a trace (from `entry` back), oldest first. */
function lastSteps(entry: TraceEntry | undefined, count: number): string[] {
  const steps: string[] = [];
  for (let e = entry; e && steps.length < count; e = e.previous) steps.push(traceText(e));
  return steps.reverse();
}

/** Steps at which a choice was made on received values, newest first; shared like the trace. */
interface StepList {
  step: number;
  previous: StepList | undefined;
}

function stepsOf(list: StepList | undefined): number[] {
  const steps: number[] = [];
  for (let l = list; l; l = l.previous) steps.push(l.step);
  return steps.reverse();
}

interface Knowledge {
  eq?: string | number | boolean;
  neq: (string | number | boolean)[];
  count?: number;
}

interface World {
  procs: [Proc, Proc];
  /** queues[0]: initiator to responder; queues[1]: responder to initiator. */
  queues: [Message[], Message[]];
  facts: Map<number, Knowledge>;
  /** Decided order comparisons (`x <= y`, by `orderAtom`'s key), so that a later comparison of the same values
   * agrees, on either side. */
  orders: Map<string, boolean>;
  /** Symbols sent over the session by some side: choices on them are communicated. */
  shared: Set<number>;
  /** Symbols standing for a part of another value (a field, an element), by `parent.part`, so that both sides
   * name the same part of a value they share with the same symbol. */
  derived: Map<string, number>;
  /** The value a derived symbol is part of: a part of a shared value is shared. */
  parents: Map<number, number>;
  nextSymbol: number;
  trace: TraceEntry | undefined;
  steps: number;
  opened: boolean;
  /** Steps at which a side chose on a value it received: after such a choice the sender's choice is known. */
  external: StepList | undefined;
}

interface Fork {
  worlds: World[];
  /** The step of the world where the choice was made. */
  step: number;
  /** A choice made on local data: faults in only some of its branches are the choice's fault. */
  local: boolean;
  at: PLoc;
  what: string;
}

const MAX_STEPS = 5_000;
const MAX_WORLDS = 20_000;
const LOOP_COUNTS = [0, 1, 2];
const MAX_FORK_DEPTH = 400;

function where(at: PLoc): string {
  const file = at.file.slice(at.file.lastIndexOf('/') + 1);
  return `${file}:${at.range.line}`;
}

/** Frames of one flow activation share their variables: the copy keeps that sharing. */
function cloneFrame(f: Frame, envs: Map<Map<string, Val>, Map<string, Val>>): Frame {
  let env = envs.get(f.env);
  if (!env) {
    env = new Map(f.env);
    envs.set(f.env, env);
  }
  const copy: Frame = { body: f.body, i: f.i, env };
  if (f.repeat !== undefined) copy.repeat = f.repeat;
  if (f.items) copy.items = f.items;
  if (f.bind !== undefined) copy.bind = f.bind;
  if (f.handler) copy.handler = f.handler;
  if (f.call) copy.call = true;
  return copy;
}

function cloneProc(p: Proc): Proc {
  const envs = new Map<Map<string, Val>, Map<string, Val>>();
  return { ...p, frames: p.frames.map((f) => cloneFrame(f, envs)) };
}

function cloneWorld(w: World): World {
  return {
    procs: [cloneProc(w.procs[0]), cloneProc(w.procs[1])],
    queues: [[...w.queues[0]], [...w.queues[1]]],
    facts: new Map([...w.facts].map(([k, v]) => [k, { ...v, neq: [...v.neq] }])),
    orders: new Map(w.orders),
    shared: new Set(w.shared),
    derived: new Map(w.derived),
    parents: new Map(w.parents),
    nextSymbol: w.nextSymbol,
    trace: w.trace,
    steps: w.steps,
    opened: w.opened,
    external: w.external,
  };
}

export interface PairOptions {
  /** The initiator's protocol version, which the responder sees as `session.version`. */
  initiatorVersion?: number;
  /** The sub-flows the responder calls, when they are not the initiator's (a counterpart on another version of
   * the CorDapp runs its own version of them); `lookup` by default. */
  responderLookup?: FlowLookup;
}

/** Checks one initiating flow against its responder; returns the faults found, deduplicated. */
export function checkPair(
  initiator: ProtocolProgram,
  responder: ProtocolProgram,
  lookup: FlowLookup,
  options: PairOptions = {},
): ProtocolFault[] {
  const sites = openSites(initiator.body);
  const faults = new Map<string, ProtocolFault>();
  for (const site of sites) {
    const simulator = new Simulator(
      initiator,
      responder,
      [lookup, options.responderLookup ?? lookup],
      site,
      options.initiatorVersion ?? initiator.version,
    );
    for (const fault of simulator.run()) {
      const key = `${fault.code}:${fault.main.file}:${fault.main.range.offset}:${fault.related[0]?.at.range.offset ?? ''}`;
      if (!faults.has(key)) faults.set(key, fault);
    }
  }
  return [...faults.values()];
}

function openSites(body: PStatement[]): string[] {
  const sites: string[] = [];
  const walk = (statements: PStatement[]): void => {
    for (const s of statements) {
      if (s.k === 'open') sites.push(s.site);
      else if (s.k === 'if') {
        walk(s.then);
        walk(s.else);
      } else if (s.k === 'for') walk(s.body);
      else if (s.k === 'try') {
        walk(s.body);
        walk(s.handler);
      }
    }
  };
  walk(body);
  return sites;
}

class Simulator {
  private explored = 0;
  private depth = 0;

  constructor(
    private readonly initiator: ProtocolProgram,
    private readonly responder: ProtocolProgram,
    /** Each side's sub-flows: [initiator's, responder's]. */
    private readonly lookups: [FlowLookup, FlowLookup],
    private readonly site: string,
    private readonly version: number,
  ) {}

  run(): ProtocolFault[] {
    const world: World = {
      procs: [
        { name: this.initiator.flow, frames: [], state: 'running' },
        { name: this.responder.flow, frames: [], state: 'running' },
      ],
      queues: [[], []],
      facts: new Map(),
      orders: new Map(),
      shared: new Set(),
      derived: new Map(),
      parents: new Map(),
      nextSymbol: 1,
      trace: undefined,
      steps: 0,
      opened: false,
      external: undefined,
    };
    const initiatorEnv = new Map<string, Val>();
    for (const p of this.initiator.params) initiatorEnv.set(p, { sym: world.nextSymbol++ });
    const responderEnv = new Map<string, Val>();
    this.responder.params.forEach((p, i) =>
      responderEnv.set(p, i === 0 ? { session: true } : { sym: world.nextSymbol++ }),
    );
    world.procs[0].frames.push({ body: this.initiator.body, i: 0, env: initiatorEnv });
    world.procs[1].frames.push({ body: this.responder.body, i: 0, env: responderEnv });
    // the responder starts only when the session is opened
    world.procs[1].state = 'idle';
    return this.explore(world);
  }

  /** Runs a world to its end, forking where it must; returns the faults of all its paths. */
  private explore(world: World): ProtocolFault[] {
    for (;;) {
      if (++this.explored > MAX_WORLDS || world.steps > MAX_STEPS) return [];
      const result = this.step(world);
      if (result === 'stuck')
        return this.judge(world).map((f) => ({ ...f, external: stepsOf(world.external) }));
      if (result === 'progress') continue;
      if ('fault' in result) return [{ ...result.fault, external: stepsOf(world.external) }];
      // a choice made before the session opens is no choice in this conversation (its other way has none)
      return this.exploreFork(world.opened ? result : { ...result, local: false });
    }
  }

  private exploreFork(fork: Fork): ProtocolFault[] {
    if (++this.depth > MAX_FORK_DEPTH) {
      this.depth--;
      return [];
    }
    const outcomes = fork.worlds.map((w) => this.explore(w));
    this.depth--;
    const faulty = outcomes.filter((o) => o.length > 0);
    // a fault on only some ways of a local choice, before the other side learnt which way: the choice is to blame
    const blamed = faulty
      .flat()
      .find(
        (f) =>
          f.code !== IssueCodes.UncommunicatedChoice && !(f.external ?? []).some((step) => step > fork.step),
      );
    if (fork.local && blamed && faulty.length < outcomes.length) {
      return [
        {
          code: IssueCodes.UncommunicatedChoice,
          message: `${fork.what}, and the other side cannot know which way it went: one way the conversation works, the other fails (${blamed.message.replace(/ Conversation:.*$/, '').replace(/\.$/, '')}). Send the choice (a Bool or an enum) and branch on it there.`,
          main: fork.at,
          related: [{ at: blamed.main, message: 'Where the conversation fails the other way.' }],
        },
      ];
    }
    return outcomes.flat();
  }

  // ---- one step -----------------------------------------------------------------------------------------------

  private step(world: World): 'progress' | 'stuck' | Fork | { fault: ProtocolFault } {
    for (const side of [0, 1] as const) {
      const proc = world.procs[side];
      if (proc.state === 'waiting' && world.queues[1 - side]!.length > 0) return this.deliver(world, side);
      if (proc.state !== 'running') continue;
      world.steps++;
      return this.execute(world, side);
    }
    return 'stuck';
  }

  private deliver(world: World, side: 0 | 1): 'progress' | { fault: ProtocolFault } {
    const proc = world.procs[side];
    const other = world.procs[1 - side]!;
    const message = world.queues[1 - side]!.shift()!;
    const expected = proc.waitingFor!;
    const at = proc.waitingAt!;
    if (!isAssignable(message.type, expected)) {
      const sent = `${other.name} sends ${typeToString(message.type)} (${where(message.at)})`;
      let found = world.trace;
      while (found && traceText(found) !== sent) found = found.previous;
      const before = found ? lastSteps(found.previous, 2) : [];
      const conversation = [...before, sent, `${proc.name} expects ${typeToString(expected)} (${where(at)})`];
      return {
        fault: {
          code: IssueCodes.ProtocolMismatch,
          message: `${proc.name} expects ${typeToString(expected)} here, but ${other.name} sends ${typeToString(message.type)}: ${conversation.join(' → ')}.`,
          main: at,
          related: [{ at: message.at, message: `${other.name} sends ${typeToString(message.type)} here.` }],
        },
      };
    }
    world.trace = { who: proc.name, verb: 'receives', type: expected, at, previous: world.trace };
    this.share(world, message.value);
    const frame = proc.frames[proc.frames.length - 1]!;
    const pending = frame.body[frame.i - 1];
    if (pending?.k === 'recv' && pending.bind)
      frame.env.set(pending.bind, { ...message.value, received: true });
    delete proc.waitingFor;
    delete proc.waitingAt;
    proc.state = 'running';
    return 'progress';
  }

  private fresh(world: World): Val {
    return { sym: world.nextSymbol++ };
  }

  /** The symbol of a part of a value, the same every time it is asked for (in this world and its forks). */
  private derived(world: World, key: string, parent?: number): Val {
    let sym = world.derived.get(key);
    if (sym === undefined) {
      sym = world.nextSymbol++;
      world.derived.set(key, sym);
      if (parent !== undefined) world.parents.set(sym, parent);
    }
    return { sym };
  }

  private member(world: World, base: Val, name: string): Val {
    if ('record' in base) return base.record[name] ?? this.fresh(world);
    if ('list' in base) return name === 'size' ? { lit: base.list.length } : this.fresh(world);
    if ('sym' in base) return this.derived(world, `${base.sym}.${name}`, base.sym);
    if ('lit' in base) return this.derived(world, `${JSON.stringify(base.lit)}.${name}`);
    return this.fresh(world);
  }

  /** Marks the symbols of a value sent over the session as known to both sides. */
  private share(world: World, value: Val): void {
    if ('sym' in value) world.shared.add(value.sym);
    else if ('list' in value) for (const item of value.list) this.share(world, item);
    else if ('record' in value) for (const field of Object.values(value.record)) this.share(world, field);
  }

  private isShared(world: World, sym: number): boolean {
    for (let s: number | undefined = sym; s !== undefined; s = world.parents.get(s))
      if (world.shared.has(s)) return true;
    return false;
  }

  /** A value in a side's variables; `session.version` is the initiator's version for the responder, else 1. */
  private evaluate(world: World, env: Map<string, Val>, value: PValue): Val {
    if ('lit' in value) return { lit: value.lit };
    if ('var' in value) {
      // a variable the program does not set (a `catch` variable) keeps one unknown value
      let v = env.get(value.var);
      if (!v) {
        v = this.fresh(world);
        env.set(value.var, v);
      }
      return v;
    }
    if ('list' in value) return { list: value.list.map((item) => this.evaluate(world, env, item)) };
    if ('record' in value) {
      const record: Record<string, Val> = {};
      for (const [name, field] of Object.entries(value.record))
        record[name] = this.evaluate(world, env, field);
      return { record };
    }
    if ('member' in value) return this.member(world, this.evaluate(world, env, value.of), value.member);
    if ('version' in value) {
      const session = env.get(value.version);
      if (!session || !('session' in session)) return this.fresh(world);
      return { lit: world.procs[1].frames.some((f) => f.env === env) ? this.version : 1 };
    }
    return this.fresh(world);
  }

  private execute(world: World, side: 0 | 1): 'progress' | Fork | { fault: ProtocolFault } {
    const proc = world.procs[side];
    const frame = proc.frames[proc.frames.length - 1];
    if (!frame) {
      proc.state = 'ended';
      return 'progress';
    }
    if (frame.i >= frame.body.length) {
      if (frame.repeat !== undefined && frame.repeat > 0) {
        frame.repeat--;
        frame.i = 0;
        if (frame.items && frame.bind !== undefined)
          frame.env.set(frame.bind, frame.items[frame.items.length - 1 - frame.repeat]!);
        return 'progress';
      }
      proc.frames.pop();
      if (proc.frames.length === 0) {
        proc.state = 'ended';
        proc.endedAt ??= side === 0 ? this.initiator.at : this.responder.at;
      }
      return 'progress';
    }
    const s = frame.body[frame.i++]!;
    const env = frame.env;
    const isSession = (key: string): boolean => {
      const v = env.get(key);
      return v !== undefined && 'session' in v;
    };
    switch (s.k) {
      case 'assign':
        env.set(s.bind, this.evaluate(world, env, s.value));
        return 'progress';
      case 'open':
        if (side === 0 && s.site === this.site && !world.opened) {
          world.opened = true;
          if (s.bind) env.set(s.bind, { session: true });
          world.procs[1].state = 'running';
        } else if (s.bind) env.set(s.bind, this.fresh(world));
        return 'progress';
      case 'send': {
        if (!isSession(s.session)) return 'progress';
        if (proc.closedAt) return 'progress';
        const value = this.evaluate(world, env, s.value);
        // the other side learns the value: a choice made on it from now on is communicated
        this.share(world, value);
        world.queues[side].push({ type: s.type, value, at: s.at });
        world.trace = { who: proc.name, verb: 'sends', type: s.type, at: s.at, previous: world.trace };
        return 'progress';
      }
      case 'recv':
        if (!isSession(s.session)) {
          if (s.bind) env.set(s.bind, this.fresh(world));
          return 'progress';
        }
        proc.state = 'waiting';
        proc.waitingFor = s.type;
        proc.waitingAt = s.at;
        return 'progress';
      case 'close':
        if (isSession(s.session)) proc.closedAt ??= s.at;
        return 'progress';
      case 'return': {
        // a return inside a sub-flow returns to its caller
        let index = proc.frames.length - 1;
        while (index > 0 && !proc.frames[index]!.call) index--;
        if (index > 0) {
          proc.frames.length = index;
          return 'progress';
        }
        proc.frames.length = 0;
        proc.state = 'ended';
        proc.endedAt = s.at;
        return 'progress';
      }
      case 'fail':
        this.raise(proc, s.at);
        return 'progress';
      case 'require': {
        const failing = cloneWorld(world);
        this.raise(failing.procs[side], s.at);
        return {
          worlds: [world, failing],
          step: world.steps,
          local: true,
          at: s.at,
          what: `${proc.name} may fail this "require"`,
        };
      }
      case 'try':
        proc.frames.push({ body: s.body, i: 0, env, handler: s.handler });
        return 'progress';
      case 'call': {
        const callee = this.lookups[side](s.flow);
        if (s.bind) env.set(s.bind, this.fresh(world));
        if (!callee || callee.kind !== 'inline') return 'progress';
        const calleeEnv = new Map<string, Val>();
        callee.params.forEach((p, i) => {
          const arg = s.args[i];
          calleeEnv.set(p, arg ? this.evaluate(world, env, arg) : this.fresh(world));
        });
        if (proc.frames.length > 64) return 'progress';
        proc.frames.push({ body: callee.body, i: 0, env: calleeEnv, call: true });
        return 'progress';
      }
      case 'for': {
        const over = this.evaluate(world, env, s.over);
        if ('list' in over) {
          // a list built in place: its elements are known
          if ('received' in over && over.received)
            world.external = { step: world.steps, previous: world.external };
          this.loop(proc, env, s, over.list);
          return 'progress';
        }
        const elements = (w: World, count: number): Val[] =>
          Array.from({ length: count }, (_, k) =>
            'sym' in over ? this.derived(w, `${over.sym}[${k}]`, over.sym) : this.fresh(w),
          );
        const known = 'sym' in over ? world.facts.get(over.sym)?.count : undefined;
        if (known !== undefined) {
          if ('sym' in over && this.isShared(world, over.sym))
            world.external = { step: world.steps, previous: world.external };
          this.loop(proc, env, s, elements(world, known));
          return 'progress';
        }
        const worlds = LOOP_COUNTS.map((count) => {
          const w = cloneWorld(world);
          if ('sym' in over) this.know(w, over.sym).count = count;
          const p = w.procs[side];
          this.loop(p, p.frames[p.frames.length - 1]!.env, s, elements(w, count));
          return w;
        });
        const local = !('sym' in over) || !this.isShared(world, over.sym);
        return {
          worlds,
          step: world.steps,
          local,
          at: s.at,
          what: `${proc.name} loops here a number of times the other side is not told`,
        };
      }
      case 'if': {
        const decided = this.decide(world, env, s.cond);
        if (decided.value !== undefined) {
          if (this.usesReceived(world, env, s.cond))
            world.external = { step: world.steps, previous: world.external };
          this.enter(proc, decided.value ? s.then : s.else, env);
          return 'progress';
        }
        const worlds = [true, false].map((truth) => {
          const w = cloneWorld(world);
          const p = w.procs[side];
          const wEnv = p.frames[p.frames.length - 1]!.env;
          if (decided.shared) w.external = { step: w.steps, previous: w.external };
          if (this.assume(w, wEnv, decided.atom!, truth)) {
            // re-enter the same if: the condition may need more than one atom decided
            p.frames[p.frames.length - 1]!.i--;
          } else {
            // nothing to remember (a value never seen again): take the branch as the atom says
            this.enter(p, truth ? s.then : s.else, wEnv);
          }
          return w;
        });
        return {
          worlds,
          step: world.steps,
          local: !decided.shared,
          at: s.at,
          what: `${proc.name} chooses here on "${s.text}"`,
        };
      }
    }
  }

  private enter(proc: Proc, body: PStatement[], env: Map<string, Val>): void {
    if (body.length) proc.frames.push({ body, i: 0, env });
  }

  /** Runs a loop's body once per element, with the loop variable bound to it. */
  private loop(proc: Proc, env: Map<string, Val>, s: Extract<PStatement, { k: 'for' }>, items: Val[]): void {
    if (items.length === 0) return;
    const frame: Frame = { body: s.body, i: 0, env, repeat: items.length - 1, items };
    if (s.bind !== undefined) {
      frame.bind = s.bind;
      env.set(s.bind, items[0]!);
    }
    proc.frames.push(frame);
  }

  /** A failure unwinds to the innermost `try` (its handler runs) or ends the flow with an error. */
  private raise(proc: Proc, at: PLoc): void {
    for (let i = proc.frames.length - 1; i >= 0; i--) {
      const frame = proc.frames[i]!;
      if (frame.handler) {
        const handler = frame.handler;
        proc.frames.length = i;
        proc.frames.push({ body: handler, i: 0, env: frame.env });
        return;
      }
    }
    proc.frames.length = 0;
    proc.state = 'failed';
    proc.endedAt = at;
  }

  // ---- conditions -----------------------------------------------------------------------------------------------

  /** Whether a condition reads a value that came over the session (or the counterparty's version). */
  private usesReceived(world: World, env: Map<string, Val>, cond: PCond): boolean {
    const reads = (value: PValue): boolean => {
      if ('version' in value) return true;
      if ('member' in value && reads(value.of)) return true;
      if (!('var' in value) && !('member' in value)) return false;
      const v = this.evaluate(world, env, value);
      return v.received === true || ('sym' in v && this.isShared(world, v.sym));
    };
    if ('not' in cond) return this.usesReceived(world, env, cond.not);
    if ('and' in cond) return cond.and.some((c) => this.usesReceived(world, env, c));
    if ('or' in cond) return cond.or.some((c) => this.usesReceived(world, env, c));
    if ('truthy' in cond) return reads(cond.truthy);
    return reads(cond.left) || reads(cond.right);
  }

  private know(world: World, sym: number): Knowledge {
    let k = world.facts.get(sym);
    if (!k) {
      k = { neq: [] };
      world.facts.set(sym, k);
    }
    return k;
  }

  /** Three-valued evaluation; when undecided, names the first atom to fork on and whether it was communicated. */
  private decide(
    world: World,
    env: Map<string, Val>,
    cond: PCond,
  ): { value?: boolean; atom?: PCond; shared?: boolean } {
    if ('not' in cond) {
      const inner = this.decide(world, env, cond.not);
      return inner.value === undefined ? inner : { value: !inner.value };
    }
    if ('and' in cond || 'or' in cond) {
      const isAnd = 'and' in cond;
      const [a, b] = isAnd ? cond.and : cond.or;
      const left = this.decide(world, env, a);
      if (left.value === !isAnd) return { value: !isAnd };
      const right = this.decide(world, env, b);
      if (right.value === !isAnd) return { value: !isAnd };
      if (left.value !== undefined && right.value !== undefined) return { value: isAnd };
      return left.value === undefined ? left : right;
    }
    if ('truthy' in cond) {
      const v = this.evaluate(world, env, cond.truthy);
      if ('lit' in v) return { value: Boolean(v.lit) };
      if ('sym' in v) {
        const k = world.facts.get(v.sym);
        if (k?.eq !== undefined) return { value: Boolean(k.eq) };
        // a Bool that is not one of its two values is the other
        if (k?.neq.includes(true)) return { value: false };
        if (k?.neq.includes(false)) return { value: true };
        return { atom: cond, shared: this.isShared(world, v.sym) };
      }
      return { value: true };
    }
    const left = this.evaluate(world, env, cond.left);
    const right = this.evaluate(world, env, cond.right);
    if ('lit' in left && 'lit' in right) return { value: compare(cond.cmp, left.lit, right.lit) };
    const order = orderAtom(cond.cmp, left, right);
    const decided = order && world.orders.get(order.key);
    if (order && decided !== undefined) return { value: decided !== order.negated };
    const symbolic = 'sym' in left ? left : 'sym' in right ? right : undefined;
    const literal = 'lit' in left ? left : 'lit' in right ? right : undefined;
    if (symbolic && literal && (cond.cmp === '==' || cond.cmp === '!=')) {
      const k = world.facts.get(symbolic.sym);
      if (k?.eq !== undefined) return { value: compare(cond.cmp, k.eq, literal.lit) };
      if (k?.neq.includes(literal.lit)) return { value: cond.cmp === '!=' };
      // a value of an enum (or a Bool) that is none of the other members is the one left
      const written = [cond.left, cond.right].find((v) => 'lit' in v);
      const domain =
        typeof literal.lit === 'boolean'
          ? [true, false]
          : written && 'lit' in written
            ? written.domain
            : undefined;
      const remaining = domain?.filter((member) => !k?.neq.includes(member));
      if (remaining?.length === 1) return { value: compare(cond.cmp, remaining[0]!, literal.lit) };
    }
    if (symbolic && 'sym' in left && 'sym' in right && left.sym === right.sym) {
      return { value: cond.cmp === '==' || cond.cmp === '<=' || cond.cmp === '>=' };
    }
    const shared = (symbolic && this.isShared(world, symbolic.sym)) || false;
    return { atom: cond, shared };
  }

  /** Records that `atom` is `truth` in this world, so later conditions on the same values agree. */
  /** Returns false when there is nothing to remember, so re-evaluating the condition would decide nothing. */
  private assume(world: World, env: Map<string, Val>, atom: PCond, truth: boolean): boolean {
    if ('truthy' in atom) {
      if (!stable(atom.truthy)) return false;
      const v = this.evaluate(world, env, atom.truthy);
      if (!('sym' in v)) return false;
      this.know(world, v.sym).eq = truth;
      return true;
    }
    if (!('cmp' in atom)) return false;
    if (!stable(atom.left) && !stable(atom.right)) return false;
    const left = this.evaluate(world, env, atom.left);
    const right = this.evaluate(world, env, atom.right);
    if (atom.cmp !== '==' && atom.cmp !== '!=') {
      // an order comparison is remembered as a whole, when both its operands are the same on every evaluation
      const fixed = (v: PValue): boolean => 'lit' in v || 'version' in v || stable(v);
      const order = orderAtom(atom.cmp, left, right);
      if (!order || !fixed(atom.left) || !fixed(atom.right)) return false;
      world.orders.set(order.key, truth !== order.negated);
      return true;
    }
    const symbolic = 'sym' in left ? left : 'sym' in right ? right : undefined;
    const literal = 'lit' in left ? left : 'lit' in right ? right : undefined;
    if (!symbolic || !literal) return false;
    const equal = atom.cmp === '==' ? truth : !truth;
    const k = this.know(world, symbolic.sym);
    if (equal) k.eq = literal.lit;
    else k.neq.push(literal.lit);
    return true;
  }

  // ---- the end of a path ----------------------------------------------------------------------------------------

  private judge(world: World): ProtocolFault[] {
    const [a, b] = world.procs;
    if (!world.opened) return [];
    const waiting = (p: Proc): boolean => p.state === 'waiting' && p.waitingFor !== undefined;
    const trace = lastSteps(world.trace, 4).join(' → ');
    const withTrace = (text: string): string => (trace ? `${text} Conversation: ${trace}.` : text);
    if (waiting(a) && waiting(b)) {
      return [
        {
          code: IssueCodes.Deadlock,
          message: withTrace(
            `${a.name} and ${b.name} both wait to receive on the same session (${where(a.waitingAt!)}, ${where(b.waitingAt!)}): neither will ever send.`,
          ),
          main: a.waitingAt!,
          related: [{ at: b.waitingAt!, message: `${b.name} also waits here.` }],
        },
      ];
    }
    for (const [p, q, side] of [
      [a, b, 0],
      [b, a, 1],
    ] as const) {
      if (waiting(p) && (q.state === 'ended' || q.state === 'failed')) {
        if (q.state === 'failed') return [];
        const endAt = q.closedAt ?? q.endedAt ?? (side === 0 ? this.responder.at : this.initiator.at);
        return [
          {
            code: IssueCodes.EarlyEnd,
            message: withTrace(
              `${p.name} waits for ${typeToString(p.waitingFor!)} here, but ${q.name} has ${q.closedAt ? 'closed the session' : 'ended'} (${where(endAt)}) without sending it.`,
            ),
            main: p.waitingAt!,
            related: [
              { at: endAt, message: `${q.name} ${q.closedAt ? 'closes the session' : 'ends'} here.` },
            ],
          },
        ];
      }
      if (waiting(p) && q.closedAt && world.queues[1 - side]!.length === 0) {
        return [
          {
            code: IssueCodes.EarlyEnd,
            message: withTrace(
              `${p.name} waits for ${typeToString(p.waitingFor!)} here, but ${q.name} has closed the session (${where(q.closedAt)}).`,
            ),
            main: p.waitingAt!,
            related: [{ at: q.closedAt, message: `${q.name} closes the session here.` }],
          },
        ];
      }
    }
    for (const side of [0, 1] as const) {
      const unread = world.queues[side][0];
      const receiver = world.procs[1 - side]!;
      if (unread && receiver.state === 'ended') {
        const sender = world.procs[side];
        // a side that closed the session stopped listening there, before it ended
        const endAt =
          receiver.closedAt ?? receiver.endedAt ?? (side === 0 ? this.responder.at : this.initiator.at);
        const ends = receiver.closedAt ? 'closes the session' : 'ends';
        return [
          {
            code: IssueCodes.EarlyEnd,
            message: withTrace(
              `${sender.name} sends ${typeToString(unread.type)} here, but ${receiver.name} ${ends} (${where(endAt)}) without receiving it.`,
            ),
            main: unread.at,
            related: [{ at: endAt, message: `${receiver.name} ${ends} here.` }],
          },
        ];
      }
    }
    return [];
  }
}

/**
 * An order comparison of two values (symbols or literals, at least one a symbol) as `x <= y` (its key) and
 * whether the comparison is that atom's negation: `a < b` is `!(b <= a)`, `a > b` is `!(a <= b)`, `a >= b` is
 * `b <= a`.
 */
function orderAtom(cmp: string, left: Val, right: Val): { key: string; negated: boolean } | undefined {
  const name = (v: Val): string | undefined =>
    'sym' in v ? `#${v.sym}` : 'lit' in v ? JSON.stringify(v.lit) : undefined;
  const a = name(left);
  const b = name(right);
  if (a === undefined || b === undefined || !('sym' in left || 'sym' in right)) return undefined;
  switch (cmp) {
    case '<=':
      return { key: `${a}<=${b}`, negated: false };
    case '>=':
      return { key: `${b}<=${a}`, negated: false };
    case '<':
      return { key: `${b}<=${a}`, negated: true };
    case '>':
      return { key: `${a}<=${b}`, negated: true };
    default:
      return undefined;
  }
}

/** A value that evaluates to the same thing every time in a world (a variable, or a part of one). */
function stable(value: PValue): boolean {
  return 'var' in value || ('member' in value && stable(value.of));
}

function compare(op: string, a: string | number | boolean, b: string | number | boolean): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}
