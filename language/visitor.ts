/**
 * A typed AST visitor in the style of graphql-js: `visit(root, { FlowDecl: { enter, leave }, SendStatement(node) {} })`.
 * `visitInParallel` merges several visitors so that the checker's rules share one traversal.
 */
import type { Expression, Node, NodeKind, NodeOfKind } from './ast.js';

export type VisitFn<N> = (node: N) => void;
export type KindVisitor<N> = VisitFn<N> | { enter?: VisitFn<N>; leave?: VisitFn<N> };
export type Visitor = { [K in NodeKind]?: KindVisitor<NodeOfKind<K>> };

/** The child nodes of `node`, in source order. */
export function childrenOf(node: Node): Node[] {
  switch (node.kind) {
    case 'Document':
      return node.items;
    case 'CordappDecl':
      return [node.name];
    case 'QualifiedName':
      return node.parts;
    case 'ImportDecl':
      return node.specifiers;
    case 'ImportSpecifier':
      return [node.name];
    case 'Annotation':
      return [node.name, ...node.args];
    case 'MessageDecl':
      return [...node.annotations, node.name, ...node.fields];
    case 'FieldDecl':
      return [node.name, node.type];
    case 'EnumDecl':
      return [...node.annotations, node.name, ...node.members];
    case 'EnumMember':
      return [node.name];
    case 'FlowDecl': {
      const children: Node[] = [...node.annotations, node.name, ...node.params];
      if (node.respondsTo) children.push(node.respondsTo);
      if (node.returnType) children.push(node.returnType);
      if (node.progress) children.push(node.progress);
      children.push(node.body);
      return children;
    }
    case 'Param':
      return [node.name, node.type];
    case 'ProgressDecl':
      return node.steps;
    case 'ProgressStep':
      return node.tracks ? [node.name, node.tracks] : [node.name];
    case 'TypeRef':
      return [node.name, ...node.args];
    case 'Block':
      return node.statements;
    case 'LetStatement':
      return node.type ? [node.name, node.type, node.init] : [node.name, node.init];
    case 'AssignStatement':
      return [node.target, node.value];
    case 'StepStatement':
      return [node.step];
    case 'SendStatement':
      return [node.value, node.session];
    case 'ReturnStatement':
      return node.value ? [node.value] : [];
    case 'RequireStatement':
      return [node.condition, node.message];
    case 'FailStatement':
      return [node.message];
    case 'IfStatement':
      return node.else ? [node.condition, node.then, node.else] : [node.condition, node.then];
    case 'ForStatement':
      return [node.variable, node.iterable, node.body];
    case 'SleepStatement':
      return [node.value];
    case 'TryStatement':
      return node.errorName ? [node.body, node.errorName, node.handler] : [node.body, node.handler];
    case 'CloseStatement':
      return [node.session];
    case 'ExpressionStatement':
      return [node.expression];
    case 'StringLiteral':
      return node.parts.filter((p): p is Exclude<typeof p, string> => typeof p !== 'string');
    case 'ListExpression':
      return node.elements;
    case 'RecordExpression':
      return [node.type, ...node.fields];
    case 'RecordField':
      return [node.name, node.value];
    case 'NameExpression':
      return [node.name];
    case 'MemberExpression':
      return [node.object, node.member];
    case 'CallExpression':
      return [node.callee, ...node.args];
    case 'UnaryExpression':
      return [node.operand];
    case 'BinaryExpression':
      return [node.left, node.right];
    case 'ReceiveExpression':
      return node.within ? [node.type, node.session, node.within] : [node.type, node.session];
    case 'CallFlowExpression':
      return [node.flow, ...node.args];
    case 'AwaitInputExpression':
      return node.within ? [node.type, node.prompt, node.within] : [node.type, node.prompt];
    case 'AwaitExpression': {
      const children: Node[] = [node.operation];
      if (node.retry) children.push(node.retry);
      if (node.backoff) children.push(node.backoff);
      return children;
    }
    case 'OpenExpression':
      return [node.party];
    case 'Identifier':
    case 'IntLiteral':
    case 'DecimalLiteral':
    case 'BoolLiteral':
    case 'DurationLiteral':
    case 'MeExpression':
    case 'ErrorExpression':
      return [];
  }
}

function callbacks<N>(visitor: KindVisitor<N> | undefined): { enter?: VisitFn<N>; leave?: VisitFn<N> } {
  if (!visitor) return {};
  return typeof visitor === 'function' ? { enter: visitor } : visitor;
}

function each(nodes: readonly Node[], fn: (node: Node) => void): void {
  for (let i = 0; i < nodes.length; i++) fn(nodes[i]!);
}

/** Calls `fn` on each child of `node`, in the order of `childrenOf`, without building the list. */
export function forEachChild(node: Node, fn: (node: Node) => void): void {
  switch (node.kind) {
    case 'Document':
      return each(node.items, fn);
    case 'CordappDecl':
      return fn(node.name);
    case 'QualifiedName':
      return each(node.parts, fn);
    case 'ImportDecl':
      return each(node.specifiers, fn);
    case 'ImportSpecifier':
      return fn(node.name);
    case 'Annotation':
      fn(node.name);
      return each(node.args, fn);
    case 'MessageDecl':
      each(node.annotations, fn);
      fn(node.name);
      return each(node.fields, fn);
    case 'FieldDecl':
      fn(node.name);
      return fn(node.type);
    case 'EnumDecl':
      each(node.annotations, fn);
      fn(node.name);
      return each(node.members, fn);
    case 'EnumMember':
      return fn(node.name);
    case 'FlowDecl':
      each(node.annotations, fn);
      fn(node.name);
      each(node.params, fn);
      if (node.respondsTo) fn(node.respondsTo);
      if (node.returnType) fn(node.returnType);
      if (node.progress) fn(node.progress);
      return fn(node.body);
    case 'Param':
      fn(node.name);
      return fn(node.type);
    case 'ProgressDecl':
      return each(node.steps, fn);
    case 'ProgressStep':
      fn(node.name);
      if (node.tracks) fn(node.tracks);
      return;
    case 'TypeRef':
      fn(node.name);
      return each(node.args, fn);
    case 'Block':
      return each(node.statements, fn);
    case 'LetStatement':
      fn(node.name);
      if (node.type) fn(node.type);
      return fn(node.init);
    case 'AssignStatement':
      fn(node.target);
      return fn(node.value);
    case 'StepStatement':
      return fn(node.step);
    case 'SendStatement':
      fn(node.value);
      return fn(node.session);
    case 'ReturnStatement':
      if (node.value) fn(node.value);
      return;
    case 'RequireStatement':
      fn(node.condition);
      return fn(node.message);
    case 'FailStatement':
      return fn(node.message);
    case 'IfStatement':
      fn(node.condition);
      fn(node.then);
      if (node.else) fn(node.else);
      return;
    case 'ForStatement':
      fn(node.variable);
      fn(node.iterable);
      return fn(node.body);
    case 'SleepStatement':
      return fn(node.value);
    case 'TryStatement':
      fn(node.body);
      if (node.errorName) fn(node.errorName);
      return fn(node.handler);
    case 'CloseStatement':
      return fn(node.session);
    case 'ExpressionStatement':
      return fn(node.expression);
    case 'StringLiteral':
      for (const part of node.parts) if (typeof part !== 'string') fn(part);
      return;
    case 'ListExpression':
      return each(node.elements, fn);
    case 'RecordExpression':
      fn(node.type);
      return each(node.fields, fn);
    case 'RecordField':
      fn(node.name);
      return fn(node.value);
    case 'NameExpression':
      return fn(node.name);
    case 'MemberExpression':
      fn(node.object);
      return fn(node.member);
    case 'CallExpression':
      fn(node.callee);
      return each(node.args, fn);
    case 'UnaryExpression':
      return fn(node.operand);
    case 'BinaryExpression':
      fn(node.left);
      return fn(node.right);
    case 'ReceiveExpression':
      fn(node.type);
      fn(node.session);
      if (node.within) fn(node.within);
      return;
    case 'CallFlowExpression':
      fn(node.flow);
      return each(node.args, fn);
    case 'AwaitInputExpression':
      fn(node.type);
      fn(node.prompt);
      if (node.within) fn(node.within);
      return;
    case 'AwaitExpression':
      fn(node.operation);
      if (node.retry) fn(node.retry);
      if (node.backoff) fn(node.backoff);
      return;
    case 'OpenExpression':
      return fn(node.party);
    case 'Identifier':
    case 'IntLiteral':
    case 'DecimalLiteral':
    case 'BoolLiteral':
    case 'DurationLiteral':
    case 'MeExpression':
    case 'ErrorExpression':
      return;
  }
}

type Table = Record<string, VisitFn<Node> | undefined>;

/** A visitor's enter and leave functions by node kind, so the walk does no work for kinds nobody visits. */
function tables(visitor: Visitor): { enters: Table; leaves: Table } {
  const enters: Table = {};
  const leaves: Table = {};
  for (const kind of Object.keys(visitor)) {
    const { enter, leave } = callbacks(visitor[kind as NodeKind] as KindVisitor<Node> | undefined);
    if (enter) enters[kind] = enter;
    if (leave) leaves[kind] = leave;
  }
  return { enters, leaves };
}

export function visit(root: Node, visitor: Visitor): void {
  walker(visitor)(root);
}

/** A function that visits a subtree with `visitor`, for visiting several subtrees with one visitor. */
export function walker(visitor: Visitor): (root: Node) => void {
  const { enters, leaves } = tables(visitor);
  const walk = (node: Node): void => {
    const kind = node.kind;
    const enter = enters[kind];
    if (enter !== undefined) enter(node);
    forEachChild(node, walk);
    const leave = leaves[kind];
    if (leave !== undefined) leave(node);
  };
  return walk;
}

/** Runs each of `fns` in order; one function stays itself. */
function sequence(fns: VisitFn<Node>[]): VisitFn<Node> | undefined {
  if (fns.length === 0) return undefined;
  if (fns.length === 1) return fns[0];
  if (fns.length === 2) {
    const [a, b] = fns as [VisitFn<Node>, VisitFn<Node>];
    return (node) => {
      a(node);
      b(node);
    };
  }
  return (node) => {
    for (let i = 0; i < fns.length; i++) fns[i]!(node);
  };
}

/** One visitor that calls each of `visitors` in order, on enter and on leave. */
export function visitInParallel(visitors: Visitor[]): Visitor {
  const merged: Record<string, { enter?: VisitFn<Node>; leave?: VisitFn<Node> }> = {};
  const kinds = new Set(visitors.flatMap((v) => Object.keys(v)));
  for (const kind of kinds) {
    const all = visitors.map((v) => callbacks(v[kind as NodeKind] as KindVisitor<Node> | undefined));
    const enter = sequence(all.flatMap((c) => (c.enter ? [c.enter] : [])));
    const leave = sequence(all.flatMap((c) => (c.leave ? [c.leave] : [])));
    const callbacksOfKind: { enter?: VisitFn<Node>; leave?: VisitFn<Node> } = {};
    if (enter) callbacksOfKind.enter = enter;
    if (leave) callbacksOfKind.leave = leave;
    merged[kind] = callbacksOfKind;
  }
  return merged as Visitor;
}

/**
 * The expressions an expression evaluates first, in evaluation order: a suspending expression's operands, a call's
 * callee and arguments, and so on. Lowering hoists suspensions in this order; the protocol checker follows it.
 */
export function subExpressions(e: Expression): Expression[] {
  switch (e.kind) {
    case 'ReceiveExpression':
      return e.within ? [e.session, e.within] : [e.session];
    case 'OpenExpression':
      return [e.party];
    case 'CallFlowExpression':
      return e.args;
    case 'AwaitInputExpression':
      return e.within ? [e.prompt, e.within] : [e.prompt];
    case 'AwaitExpression':
      return [e.operation, ...(e.retry ? [e.retry] : []), ...(e.backoff ? [e.backoff] : [])];
    case 'StringLiteral':
      return e.parts.filter((p): p is Expression => typeof p !== 'string');
    case 'ListExpression':
      return e.elements;
    case 'RecordExpression':
      return e.fields.map((f) => f.value);
    case 'MemberExpression':
      return [e.object];
    case 'CallExpression':
      return [e.callee, ...e.args];
    case 'UnaryExpression':
      return [e.operand];
    case 'BinaryExpression':
      return [e.left, e.right];
    default:
      return [];
  }
}

/** Calls `fn` on each of `subExpressions(e)`, in that order, without building the list. */
export function forEachSubExpression(e: Expression, fn: (e: Expression) => void): void {
  switch (e.kind) {
    case 'ReceiveExpression':
      fn(e.session);
      if (e.within) fn(e.within);
      return;
    case 'OpenExpression':
      return fn(e.party);
    case 'CallFlowExpression':
      for (const arg of e.args) fn(arg);
      return;
    case 'AwaitInputExpression':
      fn(e.prompt);
      if (e.within) fn(e.within);
      return;
    case 'AwaitExpression':
      fn(e.operation);
      if (e.retry) fn(e.retry);
      if (e.backoff) fn(e.backoff);
      return;
    case 'StringLiteral':
      for (const part of e.parts) if (typeof part !== 'string') fn(part);
      return;
    case 'ListExpression':
      for (const element of e.elements) fn(element);
      return;
    case 'RecordExpression':
      for (const field of e.fields) fn(field.value);
      return;
    case 'MemberExpression':
      return fn(e.object);
    case 'CallExpression':
      fn(e.callee);
      for (const arg of e.args) fn(arg);
      return;
    case 'UnaryExpression':
      return fn(e.operand);
    case 'BinaryExpression':
      fn(e.left);
      return fn(e.right);
    default:
      return;
  }
}
