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

export function visit(root: Node, visitor: Visitor): void {
  const walk = (node: Node): void => {
    const { enter, leave } = callbacks(visitor[node.kind] as KindVisitor<Node> | undefined);
    enter?.(node);
    for (const child of childrenOf(node)) walk(child);
    leave?.(node);
  };
  walk(root);
}

/** One visitor that calls each of `visitors` in order, on enter and on leave. */
export function visitInParallel(visitors: Visitor[]): Visitor {
  const merged: Record<string, { enter: VisitFn<Node>; leave: VisitFn<Node> }> = {};
  const kinds = new Set(visitors.flatMap((v) => Object.keys(v)));
  for (const kind of kinds) {
    const all = visitors.map((v) => callbacks(v[kind as NodeKind] as KindVisitor<Node> | undefined));
    const enters = all.flatMap((c) => (c.enter ? [c.enter] : []));
    const leaves = all.flatMap((c) => (c.leave ? [c.leave] : []));
    merged[kind] = {
      enter: (node) => {
        for (const fn of enters) fn(node);
      },
      leave: (node) => {
        for (const fn of leaves) fn(node);
      },
    };
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
