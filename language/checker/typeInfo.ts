/**
 * Name resolution and types for one file, computed once before the rules run (like graphql-js's `TypeInfo`).
 * It records facts, never diagnostics: the rules decide what to report from them.
 */
import type * as A from '../ast.js';
import { T, type Type, commonType, typeToString } from '../types.js';
import {
  BUILTIN_FUNCTIONS,
  BUILTIN_TYPES,
  GENERIC_BUILTINS,
  binaryResultType,
  builtinMember,
  builtinMemberNames,
  unaryResultType,
} from './builtins.js';
import type { FileScope } from './program.js';
import type { Symbol } from './symbols.js';

export interface Unresolved {
  /** Names visible where the name was looked up, for suggestions. */
  candidates: string[];
  what: 'name' | 'type' | 'flow' | 'member';
  /** For members: what was searched, as in `message "Order"`. */
  owner?: string;
}

class Scope {
  private readonly names = new Map<string, Symbol>();
  constructor(
    private readonly parent: Scope | undefined,
    private readonly globals: Map<string, Symbol>,
  ) {}

  lookup(name: string): Symbol | undefined {
    return (
      this.names.get(name) ??
      this.parent?.lookup(name) ??
      this.globals.get(name) ??
      BUILTIN_FUNCTIONS.get(name)
    );
  }

  declare(symbol: Symbol): void {
    this.names.set(symbol.name, symbol);
  }

  visibleNames(): string[] {
    const names = new Set<string>(
      this.parent ? this.parent.visibleNames() : [...this.globals.keys(), ...BUILTIN_FUNCTIONS.keys()],
    );
    for (const name of this.names.keys()) names.add(name);
    return [...names];
  }
}

export class TypeInfo {
  private readonly symbolMap = new Map<A.Node, Symbol>();
  private readonly typeMap = new Map<A.Expression, Type>();
  private readonly typeRefMap = new Map<A.TypeRef, Type>();
  private readonly unresolvedMap = new Map<A.Node, Unresolved>();
  private readonly flowOfMap = new Map<A.Node, A.FlowDecl>();
  /** The flow each statement belongs to. */
  private currentFlow: A.FlowDecl | undefined;
  /** Lazy: the flows whose bodies were computed, until all are (then undefined). */
  private computedFlows: Set<A.FlowDecl> | undefined;
  /**
   * Set by the checker while its rules run on a lazy `TypeInfo`: queries answer from what was computed so far (the
   * checker computes each declaration before its rules visit it) instead of completing the whole file.
   */
  partial = false;

  /** What a name refers to: keyed by `NameExpression`, `TypeRef`, `RecordExpression`, `CallFlowExpression`, and the
   * `Identifier`s of `respondsTo`, `tracks` and declarations of locals. */
  get symbols(): Map<A.Node, Symbol> {
    this.complete();
    return this.symbolMap;
  }
  get types(): Map<A.Expression, Type> {
    this.complete();
    return this.typeMap;
  }
  get typeRefs(): Map<A.TypeRef, Type> {
    this.complete();
    return this.typeRefMap;
  }
  get unresolved(): Map<A.Node, Unresolved> {
    this.complete();
    return this.unresolvedMap;
  }
  /** The flow each statement belongs to. */
  get flowOf(): Map<A.Node, A.FlowDecl> {
    this.complete();
    return this.flowOfMap;
  }

  /**
   * `lazy`: compute only the declarations' headers (message fields, flow parameters and results) now, and each
   * flow's body when `computeDeclaration` asks for it (the checker, for flows it has no results for) or when
   * anything else is asked (then the whole file, in the same order as an eager `TypeInfo`).
   */
  constructor(
    readonly scope: FileScope,
    lazy = false,
  ) {
    if (lazy) {
      this.computedFlows = new Set();
      this.headers();
    } else this.all();
  }

  private all(): void {
    for (const item of this.scope.file.document.items) {
      switch (item.kind) {
        case 'MessageDecl':
          for (const field of item.fields) this.typeRef(field.type);
          break;
        case 'FlowDecl':
          this.flow(item);
          break;
        default:
          break;
      }
    }
  }

  /** What rules may read about declarations other than the one they visit: message fields, flow signatures. */
  private headers(): void {
    for (const item of this.scope.file.document.items) {
      if (item.kind === 'MessageDecl') for (const field of item.fields) this.typeRef(field.type);
      else if (item.kind === 'FlowDecl') {
        for (const param of item.params) this.typeRef(param.type);
        if (item.returnType) this.typeRef(item.returnType);
      }
    }
  }

  /** Computes a declaration of a lazy `TypeInfo` (nothing when it is computed already). */
  computeDeclaration(item: A.Document['items'][number]): void {
    if (!this.computedFlows || item.kind !== 'FlowDecl' || this.computedFlows.has(item)) return;
    this.computedFlows.add(item);
    this.flow(item);
  }

  /** Completes a lazy `TypeInfo`: starts afresh and computes every declaration, in order, as an eager one does. */
  private complete(): void {
    if (!this.computedFlows || this.partial) return;
    this.computedFlows = undefined;
    this.symbolMap.clear();
    this.typeMap.clear();
    this.typeRefMap.clear();
    this.unresolvedMap.clear();
    this.flowOfMap.clear();
    this.all();
  }

  typeOf(e: A.Expression): Type {
    this.complete();
    return this.typeMap.get(e) ?? T.error;
  }

  symbolOf(node: A.Node): Symbol | undefined {
    this.complete();
    return this.symbolMap.get(node);
  }

  // ---- declarations -------------------------------------------------------------------------------------------

  private lookupGlobal(id: A.Identifier, what: Unresolved['what']): Symbol | undefined {
    if (id.name === '') return undefined;
    const symbol = this.scope.names.get(id.name);
    if (symbol) this.symbolMap.set(id, symbol);
    else this.unresolvedMap.set(id, { what, candidates: [...this.scope.names.keys()] });
    return symbol;
  }

  private flow(flow: A.FlowDecl): void {
    this.currentFlow = flow;
    const scope = new Scope(undefined, this.scope.names);
    for (const param of flow.params) {
      const type = this.typeRef(param.type);
      this.declareLocal(scope, param.name, type, 'param');
    }
    if (flow.respondsTo) this.lookupGlobal(flow.respondsTo, 'flow');
    if (flow.returnType) this.typeRef(flow.returnType);
    for (const step of flow.progress?.steps ?? []) if (step.tracks) this.lookupGlobal(step.tracks, 'flow');
    for (const annotation of flow.annotations) for (const arg of annotation.args) this.expression(arg, scope);
    this.block(flow.body, scope);
    this.currentFlow = undefined;
  }

  private declareLocal(
    scope: Scope,
    id: A.Identifier,
    type: Type,
    binding: 'let' | 'var' | 'param' | 'for' | 'catch',
  ): void {
    if (id.name === '') return;
    const symbol: Symbol = {
      kind: 'local',
      name: id.name,
      declaration: id,
      mutable: binding === 'var',
      binding,
      type,
      origin: { file: this.scope.file.path, loc: id.loc },
    };
    scope.declare(symbol);
    this.symbolMap.set(id, symbol);
  }

  /** Resolves a written type; records the symbol of the name and the resulting type. */
  typeRef(ref: A.TypeRef): Type {
    const name = ref.name.name;
    let type: Type;
    if (name === '') {
      type = T.error;
    } else if (GENERIC_BUILTINS.has(name)) {
      const args = ref.args.map((a) => this.typeRef(a));
      type = args.length === 1 ? T.list(args[0]!) : T.error;
    } else {
      for (const arg of ref.args) this.typeRef(arg);
      const symbol = BUILTIN_TYPES.get(name) ?? this.scope.names.get(name);
      if (!symbol) {
        this.unresolvedMap.set(ref, {
          what: 'type',
          candidates: [
            ...BUILTIN_TYPES.keys(),
            ...GENERIC_BUILTINS.keys(),
            ...[...this.scope.names.values()]
              .filter((s) => s.kind !== 'flow' && s.kind !== 'hostFunction')
              .map((s) => s.name),
          ],
        });
        type = T.error;
      } else {
        this.symbolMap.set(ref, symbol);
        type = 'type' in symbol && symbol.kind !== 'local' ? symbol.type : T.error;
      }
    }
    this.typeRefMap.set(ref, type);
    return type;
  }

  // ---- statements ---------------------------------------------------------------------------------------------

  private block(block: A.Block, parent: Scope): void {
    const scope = new Scope(parent, this.scope.names);
    for (const statement of block.statements) this.statement(statement, scope);
  }

  private statement(s: A.Statement, scope: Scope): void {
    if (this.currentFlow) this.flowOfMap.set(s, this.currentFlow);
    switch (s.kind) {
      case 'LetStatement': {
        const init = this.expression(s.init, scope);
        const declared = s.type ? this.typeRef(s.type) : init.kind === 'unit' ? T.error : init;
        this.declareLocal(scope, s.name, declared, s.mutable ? 'var' : 'let');
        return;
      }
      case 'AssignStatement':
        this.expression(s.target, scope);
        this.expression(s.value, scope);
        return;
      case 'StepStatement':
        return;
      case 'SendStatement':
        this.expression(s.value, scope);
        this.expression(s.session, scope);
        return;
      case 'ReturnStatement':
        if (s.value) this.expression(s.value, scope);
        return;
      case 'RequireStatement':
        this.expression(s.condition, scope);
        this.expression(s.message, scope);
        return;
      case 'FailStatement':
        this.expression(s.message, scope);
        return;
      case 'IfStatement':
        this.expression(s.condition, scope);
        this.block(s.then, scope);
        if (s.else?.kind === 'Block') this.block(s.else, scope);
        else if (s.else) this.statement(s.else, scope);
        return;
      case 'ForStatement': {
        const iterable = this.expression(s.iterable, scope);
        const inner = new Scope(scope, this.scope.names);
        this.declareLocal(inner, s.variable, iterable.kind === 'list' ? iterable.element : T.error, 'for');
        this.block(s.body, inner);
        return;
      }
      case 'SleepStatement':
        this.expression(s.value, scope);
        return;
      case 'TryStatement': {
        this.block(s.body, scope);
        const inner = new Scope(scope, this.scope.names);
        if (s.errorName) this.declareLocal(inner, s.errorName, T.FlowError, 'catch');
        this.block(s.handler, inner);
        return;
      }
      case 'CloseStatement':
        this.expression(s.session, scope);
        return;
      case 'ExpressionStatement':
        this.expression(s.expression, scope);
        return;
    }
  }

  // ---- expressions --------------------------------------------------------------------------------------------

  private expression(e: A.Expression, scope: Scope): Type {
    const type = this.computeType(e, scope);
    this.typeMap.set(e, type);
    return type;
  }

  private computeType(e: A.Expression, scope: Scope): Type {
    switch (e.kind) {
      case 'IntLiteral':
        return T.Int;
      case 'DecimalLiteral':
        return T.Decimal;
      case 'BoolLiteral':
        return T.Bool;
      case 'DurationLiteral':
        return T.Duration;
      case 'StringLiteral':
        for (const part of e.parts) if (typeof part !== 'string') this.expression(part, scope);
        return T.String;
      case 'MeExpression':
        return T.Party;
      case 'ErrorExpression':
        return T.error;
      case 'ListExpression': {
        let element: Type = T.nothing;
        for (const item of e.elements) {
          const type = this.expression(item, scope);
          element = commonType(element, type) ?? T.error;
        }
        return T.list(element);
      }
      case 'RecordExpression': {
        for (const field of e.fields) this.expression(field.value, scope);
        const symbol = this.lookupGlobal(e.type, 'type');
        if (!symbol) return T.error;
        this.symbolMap.set(e, symbol);
        if ((symbol.kind !== 'message' && symbol.kind !== 'hostType') || symbol.type.kind !== 'record')
          return T.error;
        const record = symbol.type;
        for (const field of e.fields) {
          if (field.name.name === '' || record.fields.some((f) => f.name === field.name.name)) continue;
          this.unresolvedMap.set(field.name, {
            what: 'member',
            owner: `${record.origin === 'message' ? 'message' : 'host type'} "${record.name}"`,
            candidates: record.fields.map((f) => f.name),
          });
        }
        return record;
      }
      case 'NameExpression': {
        const name = e.name.name;
        if (name === '') return T.error;
        const symbol = scope.lookup(name);
        if (!symbol) {
          this.unresolvedMap.set(e, { what: 'name', candidates: scope.visibleNames() });
          return T.error;
        }
        this.symbolMap.set(e, symbol);
        return symbol.kind === 'local' ? symbol.type : T.error;
      }
      case 'MemberExpression':
        return this.member(e, scope);
      case 'CallExpression': {
        for (const arg of e.args) this.expression(arg, scope);
        if (e.callee.kind === 'NameExpression') {
          const symbol = e.callee.name.name === '' ? undefined : scope.lookup(e.callee.name.name);
          if (symbol) {
            this.symbolMap.set(e.callee, symbol);
            this.typeMap.set(e.callee, T.error);
            if (symbol.kind === 'hostFunction' || symbol.kind === 'builtinFunction') return symbol.fn.result;
            return T.error;
          }
          this.expression(e.callee, scope);
          return T.error;
        }
        this.expression(e.callee, scope);
        return T.error;
      }
      case 'UnaryExpression': {
        const operand = this.expression(e.operand, scope);
        return unaryResultType(e.operator, operand) ?? T.error;
      }
      case 'BinaryExpression': {
        const left = this.expression(e.left, scope);
        const right = this.expression(e.right, scope);
        return binaryResultType(e.operator, left, right) ?? T.error;
      }
      case 'ReceiveExpression':
        this.expression(e.session, scope);
        if (e.within) this.expression(e.within, scope);
        return this.typeRef(e.type);
      case 'CallFlowExpression': {
        for (const arg of e.args) this.expression(arg, scope);
        const symbol = this.lookupGlobal(e.flow, 'flow');
        if (!symbol) return T.error;
        this.symbolMap.set(e, symbol);
        if (symbol.kind !== 'flow') return T.error;
        const returnType = symbol.decl.returnType;
        return returnType
          ? (this.typeRefMap.get(returnType) ?? this.foreignTypeRef(returnType, symbol))
          : T.unit;
      }
      case 'AwaitInputExpression':
        this.expression(e.prompt, scope);
        if (e.within) this.expression(e.within, scope);
        return this.typeRef(e.type);
      case 'AwaitExpression': {
        if (e.retry) this.expression(e.retry, scope);
        if (e.backoff) this.expression(e.backoff, scope);
        return this.expression(e.operation, scope);
      }
      case 'OpenExpression':
        this.expression(e.party, scope);
        return T.Session;
    }
  }

  /** The return type of a flow declared in another file: resolved in that file's own names. */
  private foreignTypeRef(ref: A.TypeRef, symbol: Extract<Symbol, { kind: 'flow' }>): Type {
    if (symbol.origin.file === this.scope.file.path) return this.typeRef(ref);
    const known = BUILTIN_TYPES.get(ref.name.name) ?? this.scope.names.get(ref.name.name);
    if (ref.name.name === 'List' && ref.args[0]) return T.list(this.foreignTypeRef(ref.args[0], symbol));
    return known && 'type' in known && known.kind !== 'local' ? known.type : T.error;
  }

  private member(e: A.MemberExpression, scope: Scope): Type {
    const name = e.member.name;
    // `Mood.Happy`: an enum member through its type name
    if (e.object.kind === 'NameExpression') {
      const symbol = e.object.name.name === '' ? undefined : scope.lookup(e.object.name.name);
      if (symbol?.kind === 'enum' || (symbol?.kind === 'hostType' && symbol.type.kind === 'enum')) {
        this.symbolMap.set(e.object, symbol);
        this.typeMap.set(e.object, T.error);
        const type = symbol.type;
        if (type.kind === 'enum' && type.members.includes(name)) return type;
        if (name !== '') {
          this.unresolvedMap.set(e, {
            what: 'member',
            owner: `enum "${symbol.name}"`,
            candidates: type.kind === 'enum' ? type.members : [],
          });
        }
        return T.error;
      }
    }
    const object = this.expression(e.object, scope);
    if (object.kind === 'error' || name === '') return T.error;
    if (object.kind === 'record') {
      const field = object.fields.find((f) => f.name === name);
      if (field) return field.type;
      this.unresolvedMap.set(e, {
        what: 'member',
        owner: `${object.origin === 'message' ? 'message' : 'host type'} "${object.name}"`,
        candidates: object.fields.map((f) => f.name),
      });
      return T.error;
    }
    const builtin = builtinMember(object, name);
    if (builtin) return builtin;
    this.unresolvedMap.set(e, {
      what: 'member',
      owner: `type "${typeToString(object)}"`,
      candidates: builtinMemberNames(object),
    });
    return T.error;
  }
}
