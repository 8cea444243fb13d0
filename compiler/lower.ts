/**
 * Lowering: checked AST to flow IR. Statements are lowered back to front, each given the id of what follows it,
 * so every edge is known when its node is built. Suspending sub-expressions are hoisted into their own
 * `suspend` nodes ahead of the statement that uses them. Node ids are renumbered front to back at the end, and
 * suspension nodes get readable ids (`receive_price`) so machine states are recognisable and stable.
 */
import type * as A from '../language/ast.js';
import {
  printTypeRef,
  subExpressions,
  visit,
  type FileCheckResult,
  type TypeInfo,
} from '../language/index.js';
import type { Symbol } from '../language/checker/symbols.js';
import { typeToString, type Type } from '../language/types.js';
import { compileExpression, type ExpressionScope } from './expressions.js';
import {
  DONE,
  FAILED,
  type FlowIR,
  type IRExpression,
  type IRHostFunction,
  type IRNode,
  type Operation,
  type SuspendDetails,
  successors,
} from './ir.js';

/** Builds the IR of every flow of a checked file. `file` is the path to record (relative to the CorDapp). */
export function lowerFile(result: FileCheckResult, file: string): FlowIR[] {
  return result.document.items
    .filter((item): item is A.FlowDecl => item.kind === 'FlowDecl')
    .map((flow) => new FlowLowering(flow, result, file).lower());
}

type DraftNode = IRNode;

const SUSPENDING = new Set([
  'ReceiveExpression',
  'CallFlowExpression',
  'AwaitInputExpression',
  'AwaitExpression',
  'OpenExpression',
]);

function isSuspending(e: A.Expression): boolean {
  return SUSPENDING.has(e.kind);
}

interface LowerContext {
  /** Where a FlowError goes: the innermost `catch` node, or the failed final node. */
  onError: string;
}

class FlowLowering {
  private readonly nodes = new Map<string, DraftNode>();
  private counter = 0;
  private readonly names = new Map<Symbol, string>();
  private readonly used = new Set<string>();
  private readonly variables: FlowIR['variables'] = [];
  private temps = 0;

  constructor(
    private readonly flow: A.FlowDecl,
    private readonly result: FileCheckResult,
    private readonly file: string,
  ) {}

  lower(): FlowIR {
    const flow = this.flow;
    const typeInfo = this.result.typeInfo;
    this.nodes.set(DONE, { id: DONE, kind: 'done', loc: flow.loc });
    this.nodes.set(FAILED, { id: FAILED, kind: 'failed', loc: flow.loc });
    const params = flow.params.map((p) => {
      const type = typeInfo.typeRefs.get(p.type) ?? { kind: 'error' };
      const symbol = typeInfo.symbolOf(p.name);
      if (symbol) this.declare(symbol, type, p.name.name);
      return { name: p.name.name, type, typeText: printTypeRef(p.type) };
    });
    // statements are lowered back to front, so every local gets its unique name first, in source order
    this.predeclare(flow.body.statements);
    // a flow that ends without `return` finishes with no result
    const entry = this.block(flow.body.statements, DONE, { onError: FAILED });
    const ir: FlowIR = {
      name: flow.name.name,
      kind: flow.flowKind,
      file: this.file,
      loc: flow.loc,
      params,
      startable: flow.annotations.some((a) => a.name.name === 'startable'),
      idempotent: flow.annotations.some((a) => a.name.name === 'idempotent'),
      version: versionOf(flow),
      progress: (flow.progress?.steps ?? []).map((s) =>
        s.tracks
          ? { name: s.name.name, label: s.label, tracks: s.tracks.name }
          : { name: s.name.name, label: s.label },
      ),
      variables: this.variables,
      hostFunctions: hostFunctionsOf(flow, typeInfo),
      entry,
      nodes: [],
    };
    if (flow.doc) ir.doc = flow.doc;
    if (flow.respondsTo) ir.respondsTo = flow.respondsTo.name;
    if (flow.returnType) {
      ir.returnType = typeInfo.typeRefs.get(flow.returnType) ?? { kind: 'error' };
      ir.returnTypeText = printTypeRef(flow.returnType);
    }
    mergeStraightLines(this.nodes, entry);
    const ordered = renumber(this.nodes, entry);
    ir.entry = ordered.entry;
    ir.nodes = ordered.nodes;
    computeSteps(ir);
    return ir;
  }

  // ---- names --------------------------------------------------------------------------------------------------

  private unique(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  private declare(symbol: Symbol, type: Type, source: string): string {
    const name = this.unique(source);
    this.names.set(symbol, name);
    this.variables.push({ name, type: typeToString(type), source });
    return name;
  }

  private predeclare(statements: readonly A.Statement[]): void {
    for (const s of statements) {
      switch (s.kind) {
        case 'LetStatement':
          this.localOf(s.name);
          break;
        case 'IfStatement': {
          let branch: A.IfStatement | A.Block | undefined = s;
          while (branch?.kind === 'IfStatement') {
            this.predeclare(branch.then.statements);
            branch = branch.else;
          }
          if (branch) this.predeclare(branch.statements);
          break;
        }
        case 'ForStatement':
          this.localOf(s.variable);
          this.predeclare(s.body.statements);
          break;
        case 'TryStatement':
          this.predeclare(s.body.statements);
          if (s.errorName) this.localOf(s.errorName);
          this.predeclare(s.handler.statements);
          break;
        default:
          break;
      }
    }
  }

  private temp(type: string): string {
    const name = `$t${++this.temps}`;
    this.variables.push({ name, type });
    return name;
  }

  private system(prefix: string, type: string): string {
    const name = this.unique(prefix);
    this.variables.push({ name, type });
    return name;
  }

  private localOf(id: A.Identifier): string | undefined {
    const symbol = this.result.typeInfo.symbolOf(id);
    if (!symbol) return undefined;
    return (
      this.names.get(symbol) ??
      this.declare(symbol, symbol.kind === 'local' ? symbol.type : { kind: 'error' }, id.name)
    );
  }

  private scope(hoisted: ReadonlyMap<A.Expression, string>): ExpressionScope {
    return {
      typeInfo: this.result.typeInfo,
      hoisted,
      localName: (symbol) => {
        const name = this.names.get(symbol);
        if (!name) throw new Error(`variable "${symbol.name}" used before its declaration was lowered`);
        return name;
      },
    };
  }

  private add(node: DraftNode): string {
    this.nodes.set(node.id, node);
    return node.id;
  }

  private id(): string {
    return `#${++this.counter}`;
  }

  // ---- statements ---------------------------------------------------------------------------------------------

  /** Lowers statements back to front; returns the id of the first node. */
  private block(statements: readonly A.Statement[], next: string, context: LowerContext): string {
    let target = next;
    for (let i = statements.length - 1; i >= 0; i--) target = this.statement(statements[i]!, target, context);
    return target;
  }

  private exec(loc: A.SourceLocation, ops: Operation[], next: string): string {
    if (ops.length === 0) return next;
    return this.add({ id: this.id(), kind: 'exec', loc, ops, next });
  }

  /**
   * Lowers what a statement computes: hoists its suspending sub-expressions (in evaluation order) ahead of `build`,
   * which receives the compiled expressions and returns the statement's own entry given its successor.
   */
  private withValues(
    expressions: (A.Expression | undefined)[],
    context: LowerContext,
    build: (compiled: (IRExpression | undefined)[], temps: string[], scope: ExpressionScope) => string,
  ): string {
    const hoisted = new Map<A.Expression, string>();
    const order: { expression: A.Expression; variable: string }[] = [];
    const collect = (e: A.Expression): void => {
      // operands first: a receive's session or a call's arguments may themselves suspend
      for (const child of subExpressions(e)) collect(child);
      if (isSuspending(e)) {
        const variable = this.temp(typeToString(this.result.typeInfo.typeOf(e)));
        hoisted.set(e, variable);
        order.push({ expression: e, variable });
      }
    };
    for (const e of expressions) if (e) collect(e);
    const temps = order.map((o) => o.variable);
    const scope = this.scope(hoisted);
    const compiled = expressions.map((e) => (e ? compileExpression(e, scope) : undefined));
    let target = build(compiled, temps, scope);
    for (let i = order.length - 1; i >= 0; i--) {
      const { expression, variable } = order[i]!;
      const inner = new Map(hoisted);
      inner.delete(expression);
      target = this.suspend(expression, variable, target, context, this.scope(inner));
    }
    return target;
  }

  private suspend(
    e: A.Expression,
    variable: string | undefined,
    next: string,
    context: LowerContext,
    scope: ExpressionScope,
  ): string {
    const c = (x: A.Expression): IRExpression => compileExpression(x, scope);
    let details: SuspendDetails;
    switch (e.kind) {
      case 'ReceiveExpression':
        details = { kind: 'receive', session: c(e.session), type: printTypeRef(e.type) };
        if (e.within) details.within = c(e.within);
        break;
      case 'OpenExpression':
        details = { kind: 'open', party: c(e.party) };
        break;
      case 'CallFlowExpression': {
        const symbol = this.result.typeInfo.symbolOf(e);
        details = { kind: 'call', flow: e.flow.name, args: e.args.map(c) };
        if (symbol?.kind === 'flow') details.flowKind = symbol.decl.flowKind;
        break;
      }
      case 'AwaitInputExpression':
        details = { kind: 'input', type: printTypeRef(e.type), prompt: c(e.prompt) };
        if (e.within) details.within = c(e.within);
        break;
      case 'AwaitExpression': {
        const call = e.operation;
        if (call.kind !== 'CallExpression' || call.callee.kind !== 'NameExpression') {
          throw new Error(`"await" needs a host function call (line ${e.loc.line})`);
        }
        const fn = call.callee.name.name;
        details = { kind: 'external', fn, args: call.args.map(c) };
        if (e.retry) details.retry = c(e.retry);
        if (e.backoff) details.backoff = c(e.backoff);
        break;
      }
      default:
        throw new Error(`not a suspending expression: ${e.kind}`);
    }
    if (variable) details.variable = variable;
    return this.add({
      id: this.id(),
      kind: 'suspend',
      loc: e.loc,
      suspend: details,
      next,
      onError: context.onError,
    });
  }

  private clearOps(temps: string[]): Operation[] {
    return temps.length ? [{ op: 'clear', variables: temps }] : [];
  }

  private statement(s: A.Statement, next: string, context: LowerContext): string {
    switch (s.kind) {
      case 'LetStatement':
      case 'AssignStatement': {
        const value = s.kind === 'LetStatement' ? s.init : s.value;
        const variable = s.kind === 'LetStatement' ? this.declareLet(s) : this.assignTarget(s.target);
        if (isSuspending(value)) return this.suspendDirect(value, variable, next, context);
        return this.withValues([value], context, ([v], temps) =>
          this.exec(s.loc, [{ op: 'assign', variable, value: v! }, ...this.clearOps(temps)], next),
        );
      }
      case 'ExpressionStatement': {
        if (isSuspending(s.expression)) return this.suspendDirect(s.expression, undefined, next, context);
        return this.withValues([s.expression], context, ([v], temps) =>
          this.exec(s.loc, [{ op: 'evaluate', value: v! }, ...this.clearOps(temps)], next),
        );
      }
      case 'StepStatement':
        return this.exec(s.loc, [{ op: 'step', step: s.step.name }], next);
      case 'SendStatement':
        return this.withValues([s.value, s.session], context, ([value, session], temps) =>
          this.exec(
            s.loc,
            [
              {
                op: 'send',
                session: session!,
                value: value!,
                messageType: typeToString(this.result.typeInfo.typeOf(s.value)),
              },
              ...this.clearOps(temps),
            ],
            next,
          ),
        );
      case 'CloseStatement':
        return this.withValues([s.session], context, ([session], temps) =>
          this.exec(s.loc, [{ op: 'close', session: session! }, ...this.clearOps(temps)], next),
        );
      case 'ReturnStatement':
        return this.withValues([s.value], context, ([value]) =>
          this.add(
            value
              ? { id: this.id(), kind: 'return', loc: s.loc, value }
              : { id: this.id(), kind: 'return', loc: s.loc },
          ),
        );
      case 'FailStatement':
        return this.withValues([s.message], context, ([message]) =>
          this.add({ id: this.id(), kind: 'fail', loc: s.loc, message: message!, onError: context.onError }),
        );
      case 'RequireStatement':
        return this.withValues([s.condition, s.message], context, ([condition, message], temps) => {
          const after = this.exec(s.loc, this.clearOps(temps), next);
          const fail = this.add({
            id: this.id(),
            kind: 'fail',
            loc: s.loc,
            message: message!,
            onError: context.onError,
          });
          return this.add({
            id: this.id(),
            kind: 'branch',
            label: 'require',
            loc: s.loc,
            condition: condition!,
            then: after,
            else: fail,
          });
        });
      case 'IfStatement':
        return this.ifStatement(s, next, context);
      case 'ForStatement':
        return this.forStatement(s, next, context);
      case 'SleepStatement':
        return this.withValues([s.value], context, ([value]) => {
          const details: SuspendDetails = s.until
            ? { kind: 'sleep', until: value! }
            : { kind: 'sleep', duration: value! };
          return this.add({
            id: this.id(),
            kind: 'suspend',
            loc: s.loc,
            suspend: details,
            next,
            onError: context.onError,
          });
        });
      case 'TryStatement': {
        const variable = s.errorName ? this.localOf(s.errorName) : undefined;
        const handler = this.block(s.handler.statements, next, context);
        const catchNode = this.add(
          variable
            ? { id: this.id(), kind: 'catch', loc: s.handler.loc, variable, next: handler }
            : { id: this.id(), kind: 'catch', loc: s.handler.loc, next: handler },
        );
        return this.block(s.body.statements, next, { onError: catchNode });
      }
    }
  }

  private declareLet(s: A.LetStatement): string {
    const symbol = this.result.typeInfo.symbolOf(s.name);
    if (!symbol) throw new Error(`unresolved variable "${s.name.name}" (line ${s.loc.line})`);
    return (
      this.names.get(symbol) ??
      this.declare(symbol, symbol.kind === 'local' ? symbol.type : { kind: 'error' }, s.name.name)
    );
  }

  private assignTarget(target: A.Expression): string {
    const symbol = target.kind === 'NameExpression' ? this.result.typeInfo.symbolOf(target) : undefined;
    const name = symbol ? this.names.get(symbol) : undefined;
    if (!name) throw new Error(`cannot assign to "${target.kind}" (line ${target.loc.line})`);
    return name;
  }

  /** A statement whose whole value is one suspending expression: it suspends straight into the variable. */
  private suspendDirect(
    e: A.Expression,
    variable: string | undefined,
    next: string,
    context: LowerContext,
  ): string {
    return this.withValues(subExpressions(e), context, (_compiled, temps, scope) => {
      const after = this.exec(e.loc, this.clearOps(temps), next);
      return this.suspend(e, variable, after, context, scope);
    });
  }

  private ifStatement(s: A.IfStatement, next: string, context: LowerContext): string {
    const otherwise = !s.else
      ? next
      : s.else.kind === 'Block'
        ? this.block(s.else.statements, next, context)
        : this.ifStatement(s.else, next, context);
    const then = this.block(s.then.statements, next, context);
    return this.withValues([s.condition], context, ([condition], temps) => {
      const clear = this.clearOps(temps);
      const thenEntry = clear.length ? this.exec(s.loc, clear, then) : then;
      const elseEntry = clear.length ? this.exec(s.loc, clear, otherwise) : otherwise;
      return this.add({
        id: this.id(),
        kind: 'branch',
        label: 'if',
        loc: s.loc,
        condition: condition!,
        then: thenEntry,
        else: elseEntry,
      });
    });
  }

  private forStatement(s: A.ForStatement, next: string, context: LowerContext): string {
    const list = this.system('$list', typeToString(this.result.typeInfo.typeOf(s.iterable)));
    const index = this.system('$index', 'Int');
    const variable = this.localOf(s.variable);
    if (!variable) throw new Error(`unresolved loop variable (line ${s.loc.line})`);
    const headId = this.id();
    const exit = this.exec(s.loc, [{ op: 'clear', variables: [list, index, variable] }], next);
    const advance = this.exec(
      s.loc,
      [{ op: 'assign', variable: index, value: { js: `(c.${index} + 1)`, text: `${index} + 1` } }],
      headId,
    );
    const body = this.block(s.body.statements, advance, context);
    const bind = this.exec(
      s.body.loc,
      [
        {
          op: 'assign',
          variable,
          value: { js: `c.${list}[c.${index}]`, text: 'next element' },
        },
      ],
      body,
    );
    this.add({
      id: headId,
      kind: 'branch',
      label: 'for',
      loc: s.loc,
      condition: { js: `(c.${index} < c.${list}.length)`, text: `for ${s.variable.name} in ...` },
      then: bind,
      else: exit,
    });
    return this.withValues([s.iterable], context, ([iterable], temps) =>
      this.exec(
        s.loc,
        [
          { op: 'assign', variable: list, value: iterable! },
          { op: 'assign', variable: index, value: { js: '0', text: '0' } },
          ...this.clearOps(temps),
        ],
        headId,
      ),
    );
  }
}

function hostFunctionsOf(flow: A.FlowDecl, typeInfo: TypeInfo): IRHostFunction[] {
  const found = new Map<string, IRHostFunction>();
  visit(flow, {
    CallExpression(node) {
      const symbol = node.callee.kind === 'NameExpression' ? typeInfo.symbolOf(node.callee) : undefined;
      if (symbol?.kind !== 'hostFunction') return;
      found.set(symbol.name, {
        name: symbol.name,
        module: symbol.module,
        context: symbol.fn.context ?? false,
        async: symbol.fn.async,
      });
    },
  });
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

function versionOf(flow: A.FlowDecl): number {
  const annotation = flow.annotations.find((a) => a.name.name === 'version');
  const arg = annotation?.args[0];
  return arg?.kind === 'IntLiteral' ? Number(arg.value) : 1;
}

// ---- graph passes -------------------------------------------------------------------------------------------------

/** Folds an `exec` into the `exec` before it when that is its only way in, so straight-line code is one state. */
function mergeStraightLines(nodes: Map<string, IRNode>, entry: string): void {
  const incoming = new Map<string, number>([[entry, 1]]);
  for (const node of nodes.values())
    for (const s of successors(node)) incoming.set(s, (incoming.get(s) ?? 0) + 1);
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of nodes.values()) {
      if (node.kind !== 'exec') continue;
      const next = nodes.get(node.next);
      if (next?.kind !== 'exec' || next === node || (incoming.get(next.id) ?? 0) !== 1) continue;
      node.ops.push(...next.ops);
      node.next = next.next;
      nodes.delete(next.id);
      changed = true;
    }
  }
}

function suspendName(node: Extract<IRNode, { kind: 'suspend' }>): string {
  const s = node.suspend;
  const subject = s.variable && !s.variable.startsWith('$') ? s.variable : undefined;
  switch (s.kind) {
    case 'receive':
      return `receive_${subject ?? s.type?.replace(/\W+/g, '_') ?? 'message'}`;
    case 'open':
      return `open_${subject ?? 'session'}`;
    case 'call':
      return `call_${s.flow}`;
    case 'input':
      return `input_${subject ?? s.type?.replace(/\W+/g, '_') ?? 'answer'}`;
    case 'external':
      return `await_${s.fn}`;
    case 'sleep':
      return 'sleep';
  }
}

/** Renames nodes in depth-first order from the entry: `n1`, `n2`, ... and suspension nodes by what they wait for. */
function renumber(nodes: Map<string, IRNode>, entry: string): { entry: string; nodes: IRNode[] } {
  const order: IRNode[] = [];
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = nodes.get(id);
    if (!node) continue;
    order.push(node);
    const next = successors(node);
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  for (const fixed of [DONE, FAILED]) {
    if (!seen.has(fixed)) order.push(nodes.get(fixed)!);
  }
  const renamed = new Map<string, string>();
  const taken = new Set<string>([DONE, FAILED]);
  let n = 0;
  for (const node of order) {
    if (node.id === DONE || node.id === FAILED) {
      renamed.set(node.id, node.id);
      continue;
    }
    let base = node.kind === 'suspend' ? suspendName(node) : `n${++n}`;
    if (node.kind === 'suspend') {
      let name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
      base = name;
    }
    taken.add(base);
    renamed.set(node.id, base);
  }
  const rename = (id: string): string => renamed.get(id) ?? id;
  const result = order.map((node): IRNode => {
    const copy = { ...node, id: rename(node.id) } as IRNode;
    switch (copy.kind) {
      case 'exec':
      case 'catch':
        copy.next = rename(copy.next);
        break;
      case 'branch':
        copy.then = rename(copy.then);
        copy.else = rename(copy.else);
        break;
      case 'suspend':
        copy.next = rename(copy.next);
        copy.onError = rename(copy.onError);
        break;
      case 'fail':
        copy.onError = rename(copy.onError);
        break;
      default:
        break;
    }
    return copy;
  });
  return { entry: rename(entry), nodes: result };
}

/** The progress step in force at each node, where all paths into it agree (a forward dataflow pass). */
function computeSteps(ir: FlowIR): void {
  const CONFLICT = '\u0000conflict';
  const byId = new Map(ir.nodes.map((n) => [n.id, n]));
  const atEntry = new Map<string, string | undefined>();
  const visited = new Set<string>();
  const work: { id: string; step: string | undefined }[] = [{ id: ir.entry, step: undefined }];
  while (work.length) {
    const { id, step } = work.pop()!;
    const node = byId.get(id);
    if (!node) continue;
    let current: string | undefined;
    if (!visited.has(id)) {
      visited.add(id);
      current = step;
    } else {
      const previous = atEntry.get(id);
      current = previous === step ? previous : CONFLICT;
      if (current === previous) continue;
    }
    atEntry.set(id, current);
    let out = current;
    if (node.kind === 'exec') for (const op of node.ops) if (op.op === 'step') out = op.step;
    for (const s of successors(node)) work.push({ id: s, step: out });
  }
  for (const node of ir.nodes) {
    const step = atEntry.get(node.id);
    if (step !== undefined && step !== CONFLICT) node.step = step;
  }
}
