/**
 * A flow's protocol program: the flow with everything but its conversation stripped away — sends, receives,
 * closes, opens, sub-flow calls, and the branches, loops and values that decide them. It is plain JSON so bundles
 * can carry it (for `flowc diff` against a bundle) and the simulator (`simulate.ts`) can run two of them against
 * each other.
 *
 * Values are tracked only as far as the protocol needs: literals (enum members, Bools, numbers), copies of
 * variables, and the counterparty's protocol version. Everything else is unknown, and branches on unknown values
 * are explored both ways.
 */
import type * as A from '../ast.js';
import type { FlowKind, SourceLocation } from '../ast.js';
import type { TypeInfo } from '../checker/typeInfo.js';
import { expr as printExpression } from '../printer.js';
import { forEachSubExpression, visit } from '../visitor.js';
import type { Type } from '../types.js';

export type PValue =
  /** `domain`: all the members of an enum literal's type, so that ruling out all others decides a value. */
  | { lit: string | number | boolean; domain?: string[] }
  | { var: string }
  /** The protocol version of the flow at the other end of a session (`session.version`). */
  | { version: string }
  /** A list built in place (`[a, b]`): its size and elements are known. */
  | { list: PValue[] }
  /** A record built in place (`Offer { legs: legs }`): its fields are known. */
  | { record: Record<string, PValue> }
  /** A field or built-in member of a tracked value (`offer.urgent`, `legs.size`). */
  | { member: string; of: PValue }
  | { unknown: true };

export type PCond =
  | { cmp: '==' | '!=' | '<' | '<=' | '>' | '>='; left: PValue; right: PValue }
  | { truthy: PValue }
  | { not: PCond }
  | { and: [PCond, PCond] }
  | { or: [PCond, PCond] };

export interface PLoc {
  file: string;
  range: SourceLocation;
}

export type PStatement =
  | { k: 'send'; session: string; type: Type; value: PValue; at: PLoc }
  | { k: 'recv'; session: string; type: Type; bind?: string; at: PLoc }
  | { k: 'close'; session: string; at: PLoc }
  | { k: 'open'; bind?: string; site: string; at: PLoc }
  | { k: 'assign'; bind: string; value: PValue }
  | { k: 'if'; cond: PCond; then: PStatement[]; else: PStatement[]; at: PLoc; text: string }
  /** `bind`: the loop variable, set to each element in turn. */
  | { k: 'for'; over: PValue; bind?: string; body: PStatement[]; at: PLoc }
  /** `require`: continues, or fails the flow (to the innermost `catch`). */
  | { k: 'require'; at: PLoc }
  | { k: 'fail'; at: PLoc }
  | { k: 'return'; at: PLoc }
  | { k: 'try'; body: PStatement[]; handler: PStatement[]; at: PLoc }
  /** A sub-flow. `args` are the caller's values for the callee's parameters, in order. */
  | { k: 'call'; flow: string; args: PValue[]; bind?: string; at: PLoc };

export interface ProtocolProgram {
  flow: string;
  kind: FlowKind;
  version: number;
  respondsTo?: string;
  /** Parameter names (unique variable keys), in order. */
  params: string[];
  /** The parameters of type Session, by key. */
  sessionParams: string[];
  body: PStatement[];
  at: PLoc;
}

const UNKNOWN: PValue = { unknown: true };

function versionOf(flow: A.FlowDecl): number {
  const arg = flow.annotations.find((a) => a.name.name === 'version')?.args[0];
  return arg?.kind === 'IntLiteral' ? Number(arg.value) : 1;
}

/** Extracts the protocol programs of every flow of a checked file. */
export function extractPrograms(document: A.Document, typeInfo: TypeInfo, file: string): ProtocolProgram[] {
  return document.items
    .filter((i): i is A.FlowDecl => i.kind === 'FlowDecl')
    .map((flow) => new Extractor(typeInfo, file).flow(flow));
}

/** Extracts the protocol program of one flow of a checked file. */
export function extractProgram(flow: A.FlowDecl, typeInfo: TypeInfo, file: string): ProtocolProgram {
  return new Extractor(typeInfo, file).flow(flow);
}

class Extractor {
  constructor(
    private readonly typeInfo: TypeInfo,
    private readonly file: string,
  ) {}

  private at(loc: SourceLocation): PLoc {
    return { file: this.file, range: loc };
  }

  /** Declarations of the flow by offset, keyed `name#n` (the n-th declaration of that name): unique in the flow,
   * and unchanged when unrelated code moves, so two versions of a flow compare equal. */
  private readonly keys = new Map<number, string>();

  private key(id: A.Identifier): string {
    return this.keys.get(id.loc.offset) ?? `${id.name}#?`;
  }

  private collectKeys(flow: A.FlowDecl): void {
    const declarations: A.Identifier[] = flow.params.map((p) => p.name);
    visit(flow.body, {
      LetStatement: (node) => void declarations.push(node.name),
      ForStatement: (node) => void declarations.push(node.variable),
      TryStatement: (node) => {
        if (node.errorName) declarations.push(node.errorName);
      },
    });
    const counts = new Map<string, number>();
    for (const id of declarations.sort((a, b) => a.loc.offset - b.loc.offset)) {
      const n = (counts.get(id.name) ?? 0) + 1;
      counts.set(id.name, n);
      this.keys.set(id.loc.offset, `${id.name}#${n}`);
    }
  }

  private keyOf(e: A.Expression): string | undefined {
    // a session used where it is opened (`send x to open p`) is named after its place
    if (e.kind === 'OpenExpression') return `$open@${e.loc.offset - this.flowOffset}`;
    if (e.kind !== 'NameExpression') return undefined;
    const symbol = this.typeInfo.symbolOf(e);
    return symbol?.kind === 'local' ? this.key(symbol.declaration) : undefined;
  }

  /** Offsets inside the flow are taken relative to its start, so moving the flow changes no key. */
  private flowOffset = 0;

  flow(flow: A.FlowDecl): ProtocolProgram {
    this.flowOffset = flow.loc.offset;
    this.collectKeys(flow);
    const params = flow.params.map((p) => this.key(p.name));
    const sessionParams = flow.params
      .filter((p) => {
        const t = this.typeInfo.typeRefs.get(p.type);
        return t?.kind === 'primitive' && t.name === 'Session';
      })
      .map((p) => this.key(p.name));
    const program: ProtocolProgram = {
      flow: flow.name.name,
      kind: flow.flowKind,
      version: versionOf(flow),
      params,
      sessionParams,
      body: this.block(flow.body.statements),
      at: this.at(flow.name.loc),
    };
    if (flow.respondsTo) program.respondsTo = flow.respondsTo.name;
    return program;
  }

  private block(statements: readonly A.Statement[]): PStatement[] {
    const out: PStatement[] = [];
    for (const s of statements) this.statement(s, out);
    return out;
  }

  value(e: A.Expression): PValue {
    switch (e.kind) {
      case 'BoolLiteral':
        return { lit: e.value };
      case 'IntLiteral':
      case 'DecimalLiteral':
        return { lit: Number(e.value) };
      case 'NameExpression': {
        const key = this.keyOf(e);
        return key ? { var: key } : UNKNOWN;
      }
      case 'MemberExpression': {
        const objectSymbol =
          e.object.kind === 'NameExpression' ? this.typeInfo.symbolOf(e.object) : undefined;
        if (objectSymbol && (objectSymbol.kind === 'enum' || objectSymbol.kind === 'hostType')) {
          const type = this.typeInfo.typeOf(e);
          return type.kind === 'enum'
            ? { lit: e.member.name, domain: [...type.members] }
            : { lit: e.member.name };
        }
        const objectType = this.typeInfo.typeOf(e.object);
        if (e.member.name === 'version' && objectType.kind === 'primitive' && objectType.name === 'Session') {
          const key = this.keyOf(e.object);
          return key ? { version: key } : UNKNOWN;
        }
        const of = this.value(e.object);
        return 'unknown' in of || 'version' in of ? UNKNOWN : { member: e.member.name, of };
      }
      case 'ListExpression':
        return { list: e.elements.map((element) => this.value(element)) };
      case 'RecordExpression':
        return {
          record: Object.fromEntries(e.fields.map((field) => [field.name.name, this.value(field.value)])),
        };
      default:
        return UNKNOWN;
    }
  }

  private cond(e: A.Expression): PCond {
    if (e.kind === 'UnaryExpression' && e.operator === '!') return { not: this.cond(e.operand) };
    if (e.kind === 'BinaryExpression') {
      switch (e.operator) {
        case '&&':
          return { and: [this.cond(e.left), this.cond(e.right)] };
        case '||':
          return { or: [this.cond(e.left), this.cond(e.right)] };
        case '==':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=':
          return { cmp: e.operator, left: this.value(e.left), right: this.value(e.right) };
        default:
          break;
      }
    }
    return { truthy: this.value(e) };
  }

  /** Appends the communication hidden in an expression (`receive`, `call`, `open`), in evaluation order. */
  private expression(e: A.Expression, out: PStatement[], bind?: string): void {
    forEachSubExpression(e, (child) => this.expression(child, out));
    switch (e.kind) {
      case 'ReceiveExpression': {
        const session = this.keyOf(e.session);
        if (!session) return;
        const s: PStatement = { k: 'recv', session, type: this.typeInfo.typeOf(e), at: this.at(e.loc) };
        if (bind) s.bind = bind;
        out.push(s);
        return;
      }
      case 'OpenExpression': {
        const s: PStatement = { k: 'open', site: `${this.file}:${e.loc.offset}`, at: this.at(e.loc) };
        s.bind = bind ?? this.keyOf(e)!;
        out.push(s);
        return;
      }
      case 'CallFlowExpression': {
        const s: PStatement = {
          k: 'call',
          flow: e.flow.name,
          args: e.args.map((a) => this.value(a)),
          at: this.at(e.loc),
        };
        if (bind) s.bind = bind;
        out.push(s);
        return;
      }
      default:
        return;
    }
  }

  private statement(s: A.Statement, out: PStatement[]): void {
    switch (s.kind) {
      case 'LetStatement':
      case 'AssignStatement': {
        const value = s.kind === 'LetStatement' ? s.init : s.value;
        const bind = s.kind === 'LetStatement' ? this.key(s.name) : this.keyOf(s.target);
        if (!bind) {
          this.expression(value, out);
          return;
        }
        const communicates =
          value.kind === 'ReceiveExpression' ||
          value.kind === 'OpenExpression' ||
          value.kind === 'CallFlowExpression';
        this.expression(value, out, communicates ? bind : undefined);
        if (!communicates) out.push({ k: 'assign', bind, value: this.value(value) });
        return;
      }
      case 'ExpressionStatement':
        this.expression(s.expression, out);
        return;
      case 'SendStatement': {
        this.expression(s.value, out);
        this.expression(s.session, out);
        const session = this.keyOf(s.session);
        if (session)
          out.push({
            k: 'send',
            session,
            type: this.typeInfo.typeOf(s.value),
            value: this.value(s.value),
            at: this.at(s.loc),
          });
        return;
      }
      case 'CloseStatement': {
        const session = this.keyOf(s.session);
        if (session) out.push({ k: 'close', session, at: this.at(s.loc) });
        return;
      }
      case 'ReturnStatement':
        if (s.value) this.expression(s.value, out);
        out.push({ k: 'return', at: this.at(s.loc) });
        return;
      case 'FailStatement':
        this.expression(s.message, out);
        out.push({ k: 'fail', at: this.at(s.loc) });
        return;
      case 'RequireStatement':
        this.expression(s.condition, out);
        out.push({ k: 'require', at: this.at(s.loc) });
        return;
      case 'IfStatement': {
        this.expression(s.condition, out);
        const otherwise: PStatement[] = [];
        if (s.else?.kind === 'Block') otherwise.push(...this.block(s.else.statements));
        else if (s.else) this.statement(s.else, otherwise);
        out.push({
          k: 'if',
          cond: this.cond(s.condition),
          then: this.block(s.then.statements),
          else: otherwise,
          at: this.at(s.loc),
          text: printExpression(s.condition),
        });
        return;
      }
      case 'ForStatement': {
        this.expression(s.iterable, out);
        const body = this.block(s.body.statements);
        out.push({
          k: 'for',
          over: this.value(s.iterable),
          bind: this.key(s.variable),
          body,
          at: this.at(s.loc),
        });
        return;
      }
      case 'TryStatement':
        out.push({
          k: 'try',
          body: this.block(s.body.statements),
          handler: this.block(s.handler.statements),
          at: this.at(s.loc),
        });
        return;
      case 'SleepStatement':
        this.expression(s.value, out);
        return;
      case 'StepStatement':
        return;
    }
  }
}
