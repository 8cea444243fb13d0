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
type Val = ({ lit: string | number | boolean } | { sym: number } | { session: true }) & { received?: true };

interface Frame {
  body: PStatement[];
  i: number;
  env: Map<string, Val>;
  /** A loop frame repeats its body this many more times. */
  repeat?: number;
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
  /** Symbols that arrived over the session on some side: choices on them are communicated. */
  shared: Set<number>;
  nextSymbol: number;
  trace: string[];
  steps: number;
  opened: boolean;
  /** Steps at which a side chose on a value it received: after such a choice the sender's choice is known. */
  external: number[];
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
    shared: new Set(w.shared),
    nextSymbol: w.nextSymbol,
    trace: [...w.trace],
    steps: w.steps,
    opened: w.opened,
    external: [...w.external],
  };
}

export interface PairOptions {
  /** The initiator's protocol version, which the responder sees as `session.version`. */
  initiatorVersion?: number;
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
      lookup,
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
    private readonly lookup: FlowLookup,
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
      shared: new Set(),
      nextSymbol: 1,
      trace: [],
      steps: 0,
      opened: false,
      external: [],
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
      if (result === 'stuck') return this.judge(world).map((f) => ({ ...f, external: [...world.external] }));
      if (result === 'progress') continue;
      if ('fault' in result) return [{ ...result.fault, external: [...world.external] }];
      return this.exploreFork(result);
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
      const index = world.trace.lastIndexOf(sent);
      const before = index >= 0 ? world.trace.slice(Math.max(0, index - 2), index) : [];
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
    world.trace.push(`${proc.name} receives ${typeToString(expected)} (${where(at)})`);
    if ('sym' in message.value) world.shared.add(message.value.sym);
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

  /** A value in a side's variables; `session.version` is the initiator's version for the responder, else 1. */
  private evaluate(world: World, env: Map<string, Val>, value: PValue): Val {
    if ('lit' in value) return { lit: value.lit };
    if ('var' in value) return env.get(value.var) ?? this.fresh(world);
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
      case 'send':
        if (!isSession(s.session)) return 'progress';
        if (proc.closedAt) return 'progress';
        world.queues[side].push({ type: s.type, value: this.evaluate(world, env, s.value), at: s.at });
        world.trace.push(`${proc.name} sends ${typeToString(s.type)} (${where(s.at)})`);
        return 'progress';
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
        const callee = this.lookup(s.flow);
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
        const known = 'sym' in over ? world.facts.get(over.sym)?.count : undefined;
        if (known !== undefined) {
          if ('sym' in over && world.shared.has(over.sym)) world.external.push(world.steps);
          if (known > 0) proc.frames.push({ body: s.body, i: 0, env, repeat: known - 1 });
          return 'progress';
        }
        const worlds = LOOP_COUNTS.map((count) => {
          const w = cloneWorld(world);
          if ('sym' in over) this.know(w, over.sym).count = count;
          const p = w.procs[side];
          if (count > 0)
            p.frames.push({ body: s.body, i: 0, env: p.frames[p.frames.length - 1]!.env, repeat: count - 1 });
          return w;
        });
        const local = !('sym' in over) || !world.shared.has(over.sym);
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
          if (this.usesReceived(world, env, s.cond)) world.external.push(world.steps);
          this.enter(proc, decided.value ? s.then : s.else, env);
          return 'progress';
        }
        const worlds = [true, false].map((truth) => {
          const w = cloneWorld(world);
          const p = w.procs[side];
          const wEnv = p.frames[p.frames.length - 1]!.env;
          if (decided.shared) w.external.push(w.steps);
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
      if (!('var' in value)) return false;
      const v = env.get(value.var);
      return v !== undefined && (v.received === true || ('sym' in v && world.shared.has(v.sym)));
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
        return { atom: cond, shared: world.shared.has(v.sym) };
      }
      return { value: true };
    }
    const left = this.evaluate(world, env, cond.left);
    const right = this.evaluate(world, env, cond.right);
    if ('lit' in left && 'lit' in right) return { value: compare(cond.cmp, left.lit, right.lit) };
    const symbolic = 'sym' in left ? left : 'sym' in right ? right : undefined;
    const literal = 'lit' in left ? left : 'lit' in right ? right : undefined;
    if (symbolic && literal && (cond.cmp === '==' || cond.cmp === '!=')) {
      const k = world.facts.get(symbolic.sym);
      if (k?.eq !== undefined) return { value: compare(cond.cmp, k.eq, literal.lit) };
      if (k?.neq.includes(literal.lit)) return { value: cond.cmp === '!=' };
    }
    if (symbolic && 'sym' in left && 'sym' in right && left.sym === right.sym) {
      return { value: cond.cmp === '==' || cond.cmp === '<=' || cond.cmp === '>=' };
    }
    const shared = (symbolic && world.shared.has(symbolic.sym)) || false;
    return { atom: cond, shared };
  }

  /** Records that `atom` is `truth` in this world, so later conditions on the same values agree. */
  /** Returns false when there is nothing to remember, so re-evaluating the condition would decide nothing. */
  private assume(world: World, env: Map<string, Val>, atom: PCond, truth: boolean): boolean {
    if ('truthy' in atom) {
      if (!('var' in atom.truthy)) return false;
      const v = this.evaluate(world, env, atom.truthy);
      if (!('sym' in v)) return false;
      this.know(world, v.sym).eq = truth;
      return true;
    }
    if (!('cmp' in atom) || (atom.cmp !== '==' && atom.cmp !== '!=')) return false;
    if (!('var' in atom.left) && !('var' in atom.right)) return false;
    const left = this.evaluate(world, env, atom.left);
    const right = this.evaluate(world, env, atom.right);
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
    const trace = world.trace.slice(-4).join(' → ');
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
        const endAt = receiver.endedAt ?? (side === 0 ? this.responder.at : this.initiator.at);
        return [
          {
            code: IssueCodes.EarlyEnd,
            message: withTrace(
              `${sender.name} sends ${typeToString(unread.type)} here, but ${receiver.name} ends (${where(endAt)}) without receiving it.`,
            ),
            main: unread.at,
            related: [{ at: endAt, message: `${receiver.name} ends here.` }],
          },
        ];
      }
    }
    return [];
  }
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
