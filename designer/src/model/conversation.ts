/**
 * The conversation view's model, from the protocol programs (`extractPrograms`): an initiating flow and its
 * responder in swimlanes, one lane per party; inline sub-flows as nested boxes in the lane of the flow that calls
 * them; an initiating sub-flow (the notary client of `Finality`) opens a lane for its counterparty (the notary);
 * and an edge from each send to the receive it meets (`pairing.ts`), with the protocol checker's diagnostics on
 * the edges and items they are about. Pure.
 */
import {
  extractPrograms,
  typeToString,
  type FileCheckResult,
  type FileDiagnostic,
  type PLoc,
  type PStatement,
  type ProtocolProgram,
} from '../../../language/index.js';
import { LIBRARY_PREFIX } from './checking.js';
import { pairMessages } from './pairing.js';

export type BoxKind = 'call' | 'if' | 'then' | 'else' | 'for' | 'try' | 'catch' | 'flow';

export interface ConvItem {
  /** Unique in the conversation and stable when unrelated text changes (counts, not offsets). */
  id: string;
  kind: 'send' | 'receive' | 'open' | 'close' | 'box';
  label: string;
  at: PLoc;
  /** The flow whose body holds the item. */
  flow: string;
  /** In a file of the CorDapp, so graph edits may change it (the flow library is read-only here). */
  editable: boolean;
  /** send and receive: the message type. */
  type?: string;
  /** The conversation's session the item talks on. */
  session?: string;
  box?: BoxKind;
  /** call boxes: the flow called, and whether it opens sessions of its own. */
  callee?: string;
  initiating?: boolean;
  children?: ConvItem[];
}

export interface Lane {
  id: string;
  label: string;
  /** The flow that runs at the top of the lane. */
  flow: string;
  items: ConvItem[];
}

export interface ProtocolNote {
  code: string;
  message: string;
  severity: string;
  file: string;
  line: number;
}

export interface MessageEdge {
  id: string;
  from: string;
  to: string;
  type: string;
  ok: boolean;
  diagnostics: ProtocolNote[];
}

export interface Conversation {
  initiator: string;
  responder?: string;
  lanes: Lane[];
  edges: MessageEdge[];
  /** Protocol diagnostics that are about an item rather than an edge (a deadlock, an early end), by item id. */
  itemDiagnostics: Record<string, ProtocolNote[]>;
}

const PROTOCOL_CODES = new Set(['protocol-mismatch', 'deadlock', 'early-end', 'uncommunicated-choice']);

type SessionValue = string | SessionValue[];

/** A session some activation opened: its responder runs in the lane of `party`. */
interface Opened {
  session: string;
  party: string;
  opener: string;
  /** The items of the activation that opened it: the initiating side of this conversation. */
  initiatorItems: ConvItem[];
  responder?: string;
  topLevel: boolean;
}

export interface ProgramIndex {
  programs: Map<string, { program: ProtocolProgram; editable: boolean }>;
  texts: Map<string, string>;
}

/** The protocol programs of every checked file (the CorDapp's win over the library's of the same name). */
export function indexPrograms(results: readonly FileCheckResult[]): ProgramIndex {
  const programs = new Map<string, { program: ProtocolProgram; editable: boolean }>();
  const texts = new Map<string, string>();
  const ordered = [...results].sort(
    (a, b) => Number(a.path.startsWith(LIBRARY_PREFIX)) - Number(b.path.startsWith(LIBRARY_PREFIX)),
  );
  for (const result of ordered) {
    texts.set(result.path, result.unit.files.find((f) => f.path === result.path)?.text ?? '');
    const editable = !result.path.startsWith(LIBRARY_PREFIX);
    for (const program of extractPrograms(result.document, result.typeInfo, result.path))
      if (!programs.has(program.flow)) programs.set(program.flow, { program, editable });
  }
  return { programs, texts };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `SellerFlow` → `Seller`: what the initiator's lane is called. */
export function partyOfFlow(flow: string): string {
  return flow.replace(/(Flow|Initiator|Responder|Service)$/, '') || flow;
}

class Expander {
  readonly opened: Opened[] = [];
  private sessions = 0;

  constructor(
    private readonly index: ProgramIndex,
    private readonly rootInitiator: string,
  ) {}

  private partyText(at: PLoc): string {
    const text = this.index.texts.get(at.file)?.slice(at.range.offset, at.range.endOffset) ?? '';
    return text.replace(/^open\s+/, '').trim() || 'party';
  }

  private responderOf(flow: string): string | undefined {
    for (const { program } of this.index.programs.values())
      if (program.respondsTo === flow) return program.flow;
    return undefined;
  }

  /** The items of one activation of `program`; `env` maps its variable keys to conversation sessions. */
  expand(
    program: ProtocolProgram,
    env: Map<string, SessionValue>,
    prefix: string,
    editable: boolean,
    stack: readonly string[],
  ): ConvItem[] {
    const items: ConvItem[] = [];
    const counts = new Map<string, number>();
    const id = (what: string): string => {
      const n = (counts.get(what) ?? 0) + 1;
      counts.set(what, n);
      return `${prefix}${what}#${n}`;
    };
    const context = { program, env, editable, stack, id, items };
    items.push(...this.block(program.body, context));
    return items;
  }

  private block(
    body: readonly PStatement[],
    c: {
      program: ProtocolProgram;
      env: Map<string, SessionValue>;
      editable: boolean;
      stack: readonly string[];
      id: (what: string) => string;
      items: ConvItem[];
    },
  ): ConvItem[] {
    const out: ConvItem[] = [];
    const flow = c.program.flow;
    const base = (kind: ConvItem['kind'], what: string, label: string, at: PLoc): ConvItem => ({
      id: c.id(what),
      kind,
      label,
      at,
      flow,
      editable: c.editable,
    });
    const box = (kind: BoxKind, what: string, label: string, at: PLoc, children: ConvItem[]): ConvItem => ({
      ...base('box', what, label, at),
      box: kind,
      children,
    });
    for (const s of body) {
      switch (s.k) {
        case 'send':
        case 'recv': {
          const session = c.env.get(s.session);
          if (typeof session !== 'string') break;
          const type = typeToString(s.type);
          const kind = s.k === 'send' ? 'send' : 'receive';
          out.push({ ...base(kind, `${kind}:${type}`, `${kind} ${type}`, s.at), type, session });
          break;
        }
        case 'open': {
          const session = `${c.program.flow}@${s.site}#${++this.sessions}`;
          if (s.bind) c.env.set(s.bind, session);
          const party = this.partyText(s.at);
          const item: ConvItem = { ...base('open', `open:${party}`, `open ${party}`, s.at), session };
          out.push(item);
          const opened: Opened = {
            session,
            party: capitalize(party),
            opener: c.program.flow,
            initiatorItems: c.items,
            topLevel: c.program.flow === this.rootInitiator && c.stack.length === 1,
          };
          const responder = this.responderOf(c.program.flow);
          if (responder) opened.responder = responder;
          this.opened.push(opened);
          break;
        }
        case 'close': {
          const session = c.env.get(s.session);
          if (typeof session === 'string') out.push({ ...base('close', 'close', 'close', s.at), session });
          break;
        }
        case 'assign': {
          const value = this.resolve(s.value, c.env);
          if (value !== undefined) c.env.set(s.bind, value);
          break;
        }
        case 'if': {
          const thenItems = this.block(s.then, c);
          const elseItems = this.block(s.else, c);
          if (thenItems.length === 0 && elseItems.length === 0) break;
          const children = [box('then', 'then', 'then', s.at, thenItems)];
          if (elseItems.length) children.push(box('else', 'else', 'else', s.at, elseItems));
          out.push(box('if', 'if', `if ${s.text}`, s.at, children));
          break;
        }
        case 'for': {
          const over = this.resolve(s.over, c.env);
          if (s.bind && Array.isArray(over) && over[0] !== undefined) c.env.set(s.bind, over[0]);
          const children = this.block(s.body, c);
          if (children.length) out.push(box('for', 'for', 'for each', s.at, children));
          break;
        }
        case 'try': {
          const children = this.block(s.body, c);
          if (children.length) out.push(box('try', 'try', 'try', s.at, children));
          const handler = this.block(s.handler, c);
          if (handler.length) out.push(box('catch', 'catch', 'catch', s.at, handler));
          break;
        }
        case 'call': {
          const callee = this.index.programs.get(s.flow);
          if (!callee || c.stack.includes(s.flow)) break;
          const env = new Map<string, SessionValue>();
          callee.program.params.forEach((param, i) => {
            const arg = s.args[i];
            const value = arg ? this.resolve(arg, c.env) : undefined;
            if (value !== undefined) env.set(param, value);
          });
          const item = box('call', `call:${s.flow}`, `call ${s.flow}`, s.at, []);
          item.callee = s.flow;
          item.initiating = callee.program.kind === 'initiating';
          item.children = this.expand(callee.program, env, `${item.id}/`, callee.editable, [
            ...c.stack,
            s.flow,
          ]);
          if (item.children.length) out.push(item);
          break;
        }
        default:
          break;
      }
    }
    return out;
  }

  private resolve(value: PValue, env: Map<string, SessionValue>): SessionValue | undefined {
    if ('var' in value) return env.get(value.var);
    if ('list' in value) {
      const items = value.list.map((v) => this.resolve(v, env));
      return items.every((v) => v !== undefined) ? (items as SessionValue[]) : undefined;
    }
    return undefined;
  }
}

type PValue = Extract<PStatement, { k: 'send' }>['value'];

/** The conversation of an initiating flow and its responder, with the sub-conversations its sub-flows open. */
export function buildConversation(
  index: ProgramIndex,
  initiator: string,
  diagnostics: readonly FileDiagnostic[] = [],
): Conversation | undefined {
  const root = index.programs.get(initiator);
  if (!root) return undefined;
  const expander = new Expander(index, initiator);
  const lanes: Lane[] = [];
  const laneFor = (label: string, flow: string): Lane => {
    let lane = lanes.find((l) => l.label === label);
    if (!lane) {
      lane = { id: `lane:${label}`, label, flow, items: [] };
      lanes.push(lane);
    }
    return lane;
  };
  const rootLane = laneFor(partyOfFlow(initiator), initiator);
  rootLane.items.push(
    ...expander.expand(root.program, new Map(), `${rootLane.id}/`, root.editable, [initiator]),
  );

  const conversations: { session: string; initiatorItems: ConvItem[]; responderItems: ConvItem[] }[] = [];
  let responderName: string | undefined;
  // responders are expanded as their sessions are found; expanding one may open more (a notary's client)
  for (let i = 0; i < expander.opened.length && i < 50; i++) {
    const opened = expander.opened[i]!;
    if (!opened.responder) continue;
    const responder = index.programs.get(opened.responder);
    if (!responder) continue;
    if (opened.topLevel) responderName ??= opened.responder;
    const lane = laneFor(opened.party, opened.responder);
    const env = new Map<string, SessionValue>();
    const sessionParam = responder.program.sessionParams[0] ?? responder.program.params[0];
    if (sessionParam) env.set(sessionParam, opened.session);
    const prefix = `${lane.id}/${opened.responder}@${i}/`;
    const items = expander.expand(responder.program, env, prefix, responder.editable, [opened.responder]);
    if (opened.topLevel && lane.items.length === 0) lane.items.push(...items);
    else
      lane.items.push({
        id: `${prefix}flow`,
        kind: 'box',
        box: 'flow',
        label: `${opened.responder} (for ${opened.opener})`,
        at: responder.program.at,
        flow: opened.responder,
        editable: responder.editable,
        children: items,
      });
    conversations.push({
      session: opened.session,
      initiatorItems: opened.initiatorItems,
      responderItems: items,
    });
  }

  const byId = new Map<string, ConvItem>();
  const walk = (items: readonly ConvItem[]): void => {
    for (const item of items) {
      byId.set(item.id, item);
      if (item.children) walk(item.children);
    }
  };
  for (const lane of lanes) walk(lane.items);

  const pairs = conversations.flatMap((c) => pairMessages(c.initiatorItems, c.responderItems, c.session));
  const notes = diagnostics.filter((d) => PROTOCOL_CODES.has(d.code)).map((d) => ({ d, note: toNote(d) }));
  const sameLoc = (item: ConvItem | undefined, file: string, offset: number): boolean =>
    item !== undefined && item.at.file === file && item.at.range.offset === offset;
  const edges: MessageEdge[] = [];
  const used = new Set<FileDiagnostic>();
  for (const pair of pairs) {
    const from = byId.get(pair.from);
    const to = byId.get(pair.to);
    const attached: typeof notes = notes.filter(
      ({ d }) =>
        sameLoc(to, d.file, d.range.offset) &&
        (d.related ?? []).some((r) => sameLoc(from, r.file ?? d.file, r.range.offset)),
    );
    if (!pair.ok && attached.length === 0) {
      // the checker may tell the same fault from one end (a side that ends or waits): show it on the edge
      attached.push(
        ...notes.filter(
          ({ d }) =>
            sameLoc(to, d.file, d.range.offset) ||
            sameLoc(from, d.file, d.range.offset) ||
            (d.related ?? []).some((r) => sameLoc(from, r.file ?? d.file, r.range.offset)),
        ),
      );
    }
    for (const { d } of attached) used.add(d);
    // a mismatch the checker puts elsewhere comes from branches that never meet: not an edge (and types that
    // differ in name only, which the checker accepts, meet)
    const elsewhere = notes.some(
      ({ d }) => d.code === 'protocol-mismatch' && sameLoc(to, d.file, d.range.offset),
    );
    if (!pair.ok && attached.length === 0 && elsewhere) continue;
    edges.push({
      id: `msg:${pair.from}->${pair.to}`,
      from: pair.from,
      to: pair.to,
      type: from?.type ?? '',
      ok: pair.ok && attached.every(({ d }) => d.severity !== 'error'),
      diagnostics: attached.map(({ note }) => note),
    });
  }
  const itemDiagnostics: Record<string, ProtocolNote[]> = {};
  for (const { d, note } of notes) {
    if (used.has(d)) continue;
    // a mismatch with no edge of ours: draw the edge the checker describes
    if (d.code === 'protocol-mismatch') {
      const to = [...byId.values()].find((item) => sameLoc(item, d.file, d.range.offset));
      const related = d.related?.[0];
      const from = related
        ? [...byId.values()].find((item) => sameLoc(item, related.file ?? d.file, related.range.offset))
        : undefined;
      if (from && to) {
        edges.push({
          id: `msg:${from.id}->${to.id}`,
          from: from.id,
          to: to.id,
          type: from.type ?? '',
          ok: false,
          diagnostics: [note],
        });
        continue;
      }
    }
    for (const item of byId.values()) {
      if (item.kind === 'box') continue;
      const here =
        sameLoc(item, d.file, d.range.offset) ||
        (d.related ?? []).some((r) => sameLoc(item, r.file ?? d.file, r.range.offset));
      if (here) (itemDiagnostics[item.id] ??= []).push(note);
    }
  }
  const conversation: Conversation = { initiator, lanes, edges, itemDiagnostics };
  if (responderName) conversation.responder = responderName;
  return conversation;
}

function toNote(d: FileDiagnostic): ProtocolNote {
  return { code: d.code, message: d.message, severity: d.severity, file: d.file, line: d.range.line };
}

/** Every item of a conversation, depth first. */
export function allItems(conversation: Conversation): ConvItem[] {
  const out: ConvItem[] = [];
  const walk = (items: readonly ConvItem[]): void => {
    for (const item of items) {
      out.push(item);
      if (item.children) walk(item.children);
    }
  };
  for (const lane of conversation.lanes) walk(lane.items);
  return out;
}
