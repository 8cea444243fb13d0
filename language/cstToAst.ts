/**
 * CST to AST. The CST may be partial after error recovery: every child can be missing, so each builder falls
 * back to an empty name or an `ErrorExpression` and the later stages stay quiet about those.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import { IssueCodes, type Diagnostic } from './diagnostics.js';
import { parseExpressionTokens } from './parser.js';
import { attachDocs, findInterpolationEnd } from './sourceText.js';
import { escapeEnd, flowLexer, RESERVED_WORDS, scanString } from './tokens.js';

type Children = Record<string, CstElement[] | undefined>;

const PRECEDENCE: Record<A.BinaryOperator, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

export function binaryPrecedence(op: A.BinaryOperator): number {
  return PRECEDENCE[op];
}

const NONE: readonly CstElement[] = [];

/** A name, or names joined by dots, with nothing around them (see `namePath`). */
const NAME_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Which of `names` a CST node holds: the alternative its rule took. Chevrotain's `children` are dictionaries
 * (`Object.create(null)`), where a few lookups cost less than enumerating the keys.
 */
function chosen(children: Children, names: readonly string[]): string | undefined {
  for (const name of names) if (children[name] !== undefined) return name;
  return undefined;
}

// the alternatives of `statement` and `primary`, the most frequent first
const STATEMENTS = [
  'letStatement',
  'expressionStatement',
  'sendStatement',
  'ifStatement',
  'returnStatement',
  'stepStatement',
  'requireStatement',
  'forStatement',
  'failStatement',
  'sleepStatement',
  'tryStatement',
  'closeStatement',
];
const PRIMARIES = [
  'nameOrRecord',
  'StringLiteral',
  'IntLiteral',
  'DecimalLiteral',
  'DurationLiteral',
  'True',
  'False',
  'Me',
  'listExpression',
  'parenExpression',
];

function isToken(element: CstElement | undefined): element is IToken {
  return element !== undefined && 'image' in element;
}

function isGoodToken(token: IToken | undefined): token is IToken {
  return token !== undefined && !token.isInsertedInRecovery && !Number.isNaN(token.startOffset);
}

export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  /** Where a node without any location of its own is placed: just after the last good location seen. */
  private cursor: A.SourceLocation = {
    offset: 0,
    line: 1,
    column: 1,
    endOffset: 0,
    endLine: 1,
    endColumn: 1,
  };

  // ---- locations ----------------------------------------------------------------------------------------------

  private tokenLoc(token: IToken): A.SourceLocation {
    const loc = {
      offset: token.startOffset,
      line: token.startLine!,
      column: token.startColumn!,
      endOffset: token.endOffset! + 1,
      endLine: token.endLine!,
      endColumn: token.endColumn! + 1,
    };
    this.cursor = loc;
    return loc;
  }

  private nodeLoc(node: CstNode): A.SourceLocation {
    const l = node.location;
    if (!l || Number.isNaN(l.startOffset) || l.startLine === undefined || Number.isNaN(l.startLine)) {
      return this.emptyLoc();
    }
    const loc = {
      offset: l.startOffset,
      line: l.startLine,
      column: l.startColumn!,
      endOffset: l.endOffset! + 1,
      endLine: l.endLine!,
      endColumn: l.endColumn! + 1,
    };
    if (Number.isNaN(loc.endOffset) || Number.isNaN(loc.endLine)) {
      loc.endOffset = loc.offset;
      loc.endLine = loc.line;
      loc.endColumn = loc.column;
    }
    this.cursor = loc;
    return loc;
  }

  private emptyLoc(): A.SourceLocation {
    const c = this.cursor;
    return {
      offset: c.endOffset,
      line: c.endLine,
      column: c.endColumn,
      endOffset: c.endOffset,
      endLine: c.endLine,
      endColumn: c.endColumn,
    };
  }

  private span(from: A.SourceLocation, to: A.SourceLocation): A.SourceLocation {
    return {
      offset: from.offset,
      line: from.line,
      column: from.column,
      endOffset: to.endOffset,
      endLine: to.endLine,
      endColumn: to.endColumn,
    };
  }

  // ---- child access -------------------------------------------------------------------------------------------
  // A name holds only tokens or only nodes (it is a token type, a rule, or a label of one), so the CST's own
  // arrays are returned as they are: copying them on every access made much of the parser's garbage.

  private tokens(children: Children, name: string): IToken[] {
    const list = children[name];
    if (!list) return NONE as IToken[];
    return list.every(isToken) ? list : list.filter(isToken);
  }

  private token(children: Children, name: string, index = 0): IToken | undefined {
    const token = this.tokens(children, name)[index];
    return isGoodToken(token) ? token : undefined;
  }

  private nodes(children: Children, name: string): CstNode[] {
    const list = children[name];
    if (!list) return NONE as CstNode[];
    return list.some(isToken) ? list.filter((e): e is CstNode => !isToken(e)) : (list as CstNode[]);
  }

  private node(children: Children, name: string, index = 0): CstNode | undefined {
    return this.nodes(children, name)[index];
  }

  private identifier(token: IToken | undefined): A.Identifier {
    if (!isGoodToken(token)) return { kind: 'Identifier', name: '', loc: this.emptyLoc() };
    return { kind: 'Identifier', name: token.image, loc: this.tokenLoc(token) };
  }

  // ---- document -----------------------------------------------------------------------------------------------

  document(cst: CstNode, comments: A.Comment[]): A.Document {
    const c = cst.children as Children;
    const items: A.TopLevelItem[] = [];
    const elements = [
      ...this.nodes(c, 'cordappDecl'),
      ...this.nodes(c, 'importDecl'),
      ...this.nodes(c, 'declaration'),
    ].sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0));
    for (const element of elements) {
      const item = this.topLevelItem(element);
      if (item) items.push(item);
    }
    attachDocs(items, comments);
    return { kind: 'Document', items, comments, loc: this.nodeLoc(cst) };
  }

  private topLevelItem(node: CstNode): A.TopLevelItem | undefined {
    switch (node.name) {
      case 'cordappDecl':
        return this.cordappDecl(node);
      case 'importDecl':
        return this.importDecl(node);
      default:
        return this.declaration(node);
    }
  }

  private cordappDecl(node: CstNode): A.CordappDecl {
    const c = node.children as Children;
    const loc = this.nodeLoc(node);
    const qn = this.node(c, 'qualifiedName');
    const parts = qn ? this.tokens(qn.children as Children, 'Identifier').map((t) => this.identifier(t)) : [];
    const name: A.QualifiedName = {
      kind: 'QualifiedName',
      parts,
      loc: qn ? this.nodeLoc(qn) : this.emptyLoc(),
    };
    return { kind: 'CordappDecl', name, version: this.token(c, 'VersionLiteral')?.image ?? '', loc };
  }

  private importDecl(node: CstNode): A.ImportDecl {
    const c = node.children as Children;
    const loc = this.nodeLoc(node);
    const specifiers = this.tokens(c, 'Identifier')
      .filter(isGoodToken)
      .map((t): A.ImportSpecifier => {
        const name = this.identifier(t);
        return { kind: 'ImportSpecifier', name, loc: name.loc };
      });
    const source = this.token(c, 'StringLiteral');
    return {
      kind: 'ImportDecl',
      specifiers,
      source: source ? unquote(source.image) : '',
      sourceLoc: source ? this.tokenLoc(source) : this.emptyLoc(),
      loc,
    };
  }

  private declaration(node: CstNode): A.Declaration | undefined {
    const c = node.children as Children;
    const loc = this.nodeLoc(node);
    const annotations = this.nodes(c, 'annotation').map((a) => this.annotation(a));
    const message = this.node(c, 'messageDecl');
    if (message) return { ...this.messageDecl(message, annotations), loc };
    const enumNode = this.node(c, 'enumDecl');
    if (enumNode) return { ...this.enumDecl(enumNode, annotations), loc };
    const flow = this.node(c, 'flowDecl');
    if (flow) return { ...this.flowDecl(flow, annotations), loc };
    return undefined;
  }

  private annotation(node: CstNode): A.Annotation {
    const c = node.children as Children;
    return {
      kind: 'Annotation',
      name: this.identifier(this.token(c, 'Identifier')),
      args: this.nodes(c, 'expression').map((e) => this.expression(e)),
      loc: this.nodeLoc(node),
    };
  }

  private messageDecl(node: CstNode, annotations: A.Annotation[]): A.MessageDecl {
    const c = node.children as Children;
    return {
      kind: 'MessageDecl',
      annotations,
      name: this.identifier(this.token(c, 'Identifier')),
      fields: this.nodes(c, 'fieldDecl').map((f): A.FieldDecl => {
        const fc = f.children as Children;
        return {
          kind: 'FieldDecl',
          name: this.identifier(this.token(fc, 'Identifier')),
          type: this.typeRefOrMissing(this.node(fc, 'typeRef')),
          loc: this.nodeLoc(f),
        };
      }),
      loc: this.nodeLoc(node),
    };
  }

  private enumDecl(node: CstNode, annotations: A.Annotation[]): A.EnumDecl {
    const c = node.children as Children;
    return {
      kind: 'EnumDecl',
      annotations,
      name: this.identifier(this.token(c, 'Identifier')),
      members: this.tokens(c, 'member')
        .filter(isGoodToken)
        .map((t): A.EnumMember => {
          const name = this.identifier(t);
          return { kind: 'EnumMember', name, loc: name.loc };
        }),
      loc: this.nodeLoc(node),
    };
  }

  private flowDecl(node: CstNode, annotations: A.Annotation[]): A.FlowDecl {
    const c = node.children as Children;
    const loc = this.nodeLoc(node);
    const flowKind: A.FlowKind = this.token(c, 'Initiating')
      ? 'initiating'
      : this.token(c, 'Responder')
        ? 'responder'
        : 'inline';
    const name = this.identifier(this.token(c, 'Identifier'));
    const params = this.nodes(c, 'param').map((p): A.Param => {
      const pc = p.children as Children;
      return {
        kind: 'Param',
        name: this.identifier(this.token(pc, 'Identifier')),
        type: this.typeRefOrMissing(this.node(pc, 'typeRef')),
        loc: this.nodeLoc(p),
      };
    });
    const respondsToken = this.token(c, 'respondsTo');
    const returnNode = this.node(c, 'typeRef');
    const returnType = returnNode ? this.typeRef(returnNode) : undefined;
    const progressNode = this.node(c, 'progressDecl');
    const progress = progressNode ? this.progressDecl(progressNode) : undefined;
    const open = this.token(c, 'LBrace');
    const close = this.token(c, 'RBrace');
    const statements = this.nodes(c, 'statement').map((s) => this.statement(s));
    const bodyStart = open ? this.tokenLoc(open) : loc;
    const bodyEnd = close ? this.tokenLoc(close) : loc;
    const flow: A.FlowDecl = {
      kind: 'FlowDecl',
      annotations,
      flowKind,
      name,
      params,
      body: { kind: 'Block', statements, loc: this.span(bodyStart, bodyEnd) },
      loc,
    };
    if (respondsToken) flow.respondsTo = this.identifier(respondsToken);
    if (returnType) flow.returnType = returnType;
    if (progress) flow.progress = progress;
    return flow;
  }

  private progressDecl(node: CstNode): A.ProgressDecl {
    const c = node.children as Children;
    return {
      kind: 'ProgressDecl',
      steps: this.nodes(c, 'progressStep').map((s): A.ProgressStep => {
        const sc = s.children as Children;
        const label = this.token(sc, 'StringLiteral');
        const step: A.ProgressStep = {
          kind: 'ProgressStep',
          name: this.identifier(this.token(sc, 'Identifier')),
          label: label
            ? this.unescape(
                label.image.slice(1, scanString(label.image, 0).terminated ? -1 : undefined),
                label,
              )
            : '',
          loc: this.nodeLoc(s),
        };
        const tracks = this.token(sc, 'tracks');
        if (tracks) step.tracks = this.identifier(tracks);
        return step;
      }),
      loc: this.nodeLoc(node),
    };
  }

  private typeRefOrMissing(node: CstNode | undefined): A.TypeRef {
    if (node) return this.typeRef(node);
    return { kind: 'TypeRef', name: this.identifier(undefined), args: [], loc: this.emptyLoc() };
  }

  private typeRef(node: CstNode): A.TypeRef {
    const c = node.children as Children;
    return {
      kind: 'TypeRef',
      name: this.identifier(this.token(c, 'Identifier')),
      args: this.nodes(c, 'typeRef').map((n) => this.typeRef(n)),
      loc: this.nodeLoc(node),
    };
  }

  private block(node: CstNode | undefined): A.Block {
    if (!node) return { kind: 'Block', statements: [], loc: this.emptyLoc() };
    const c = node.children as Children;
    const loc = this.nodeLoc(node);
    return { kind: 'Block', statements: this.nodes(c, 'statement').map((s) => this.statement(s)), loc };
  }

  // ---- statements ---------------------------------------------------------------------------------------------

  private statement(node: CstNode): A.Statement {
    const c = node.children as Children;
    const first = chosen(c, STATEMENTS);
    const inner = first === undefined ? undefined : c[first]?.[0];
    if (!inner || isToken(inner)) {
      return { kind: 'ExpressionStatement', expression: this.missingExpression(), loc: this.nodeLoc(node) };
    }
    const ic = inner.children as Children;
    const loc = this.nodeLoc(inner);
    switch (inner.name) {
      case 'letStatement': {
        const s: A.LetStatement = {
          kind: 'LetStatement',
          mutable: this.token(ic, 'Var') !== undefined,
          name: this.identifier(this.token(ic, 'Identifier')),
          init: this.expressionOrMissing(this.node(ic, 'expression')),
          loc,
        };
        const type = this.node(ic, 'typeRef');
        if (type) s.type = this.typeRef(type);
        return s;
      }
      case 'stepStatement':
        return { kind: 'StepStatement', step: this.identifier(this.token(ic, 'Identifier')), loc };
      case 'sendStatement':
        return {
          kind: 'SendStatement',
          value: this.expressionOrMissing(this.node(ic, 'value')),
          session: this.expressionOrMissing(this.node(ic, 'session')),
          loc,
        };
      case 'returnStatement': {
        const value = this.node(ic, 'expression');
        return value
          ? { kind: 'ReturnStatement', value: this.expression(value), loc }
          : { kind: 'ReturnStatement', loc };
      }
      case 'requireStatement':
        return {
          kind: 'RequireStatement',
          condition: this.expressionOrMissing(this.node(ic, 'condition')),
          message: this.expressionOrMissing(this.node(ic, 'message')),
          loc,
        };
      case 'failStatement':
        return { kind: 'FailStatement', message: this.expressionOrMissing(this.node(ic, 'expression')), loc };
      case 'ifStatement':
        return this.ifStatement(inner);
      case 'forStatement':
        return {
          kind: 'ForStatement',
          variable: this.identifier(this.token(ic, 'Identifier')),
          iterable: this.conditionExpression(this.node(ic, 'condition')),
          body: this.block(this.node(ic, 'block')),
          loc,
        };
      case 'sleepStatement':
        return {
          kind: 'SleepStatement',
          until: this.token(ic, 'Until') !== undefined,
          value: this.expressionOrMissing(this.node(ic, 'expression')),
          loc,
        };
      case 'tryStatement': {
        const s: A.TryStatement = {
          kind: 'TryStatement',
          body: this.block(this.node(ic, 'body')),
          handler: this.block(this.node(ic, 'handler')),
          loc,
        };
        const errorName = this.token(ic, 'Identifier');
        if (errorName) s.errorName = this.identifier(errorName);
        return s;
      }
      case 'closeStatement':
        return {
          kind: 'CloseStatement',
          session: this.expressionOrMissing(this.node(ic, 'expression')),
          loc,
        };
      default: {
        const target = this.expressionOrMissing(this.node(ic, 'target'));
        const value = this.node(ic, 'value');
        if (value || this.token(ic, 'Equals')) {
          return { kind: 'AssignStatement', target, value: this.expressionOrMissing(value), loc };
        }
        return { kind: 'ExpressionStatement', expression: target, loc };
      }
    }
  }

  private ifStatement(node: CstNode): A.IfStatement {
    const c = node.children as Children;
    const s: A.IfStatement = {
      kind: 'IfStatement',
      condition: this.conditionExpression(this.node(c, 'condition')),
      then: this.block(this.node(c, 'then')),
      loc: this.nodeLoc(node),
    };
    const elseIf = this.node(c, 'elseIf');
    const elseBlock = this.node(c, 'elseBlock');
    if (elseIf) s.else = this.ifStatement(elseIf);
    else if (elseBlock) s.else = this.block(elseBlock);
    return s;
  }

  private conditionExpression(node: CstNode | undefined): A.Expression {
    return this.expressionOrMissing(node ? this.node(node.children as Children, 'expression') : undefined);
  }

  // ---- expressions --------------------------------------------------------------------------------------------

  private missingExpression(): A.ErrorExpression {
    return { kind: 'ErrorExpression', loc: this.emptyLoc() };
  }

  private expressionOrMissing(node: CstNode | undefined): A.Expression {
    return node ? this.expression(node) : this.missingExpression();
  }

  /** `unary (op unary)*` with precedence climbing: all binary operators are left-associative. */
  expression(node: CstNode): A.Expression {
    const c = node.children as Children;
    const operands = this.nodes(c, 'unary');
    // most expressions have no operator
    if (operands.length === 1 && !c['BinaryOperator']) return this.unary(operands[0]!);
    const operators = this.tokens(c, 'BinaryOperator').filter(isGoodToken);
    if (operands.length === 0) return this.missingExpression();
    const values = operands.map((o) => this.unary(o));
    while (values.length < operators.length + 1) values.push(this.missingExpression());
    let index = 0;
    const climb = (minPrecedence: number): A.Expression => {
      let left = values[index]!;
      while (index < operators.length) {
        const op = operators[index]!.image as A.BinaryOperator;
        const precedence = PRECEDENCE[op];
        if (precedence < minPrecedence) break;
        index++;
        const right = climb(precedence + 1);
        left = { kind: 'BinaryExpression', operator: op, left, right, loc: this.span(left.loc, right.loc) };
      }
      return left;
    };
    return climb(0);
  }

  private unary(node: CstNode): A.Expression {
    const c = node.children as Children;
    const operator = this.token(c, 'Minus') ?? this.token(c, 'Bang');
    if (operator) {
      const operand = this.node(c, 'unary');
      return {
        kind: 'UnaryExpression',
        operator: operator.image as A.UnaryOperator,
        operand: operand ? this.unary(operand) : this.missingExpression(),
        loc: this.nodeLoc(node),
      };
    }
    const receive = this.node(c, 'receiveExpression');
    if (receive) return this.receiveExpression(receive);
    const call = this.node(c, 'callFlowExpression');
    if (call) {
      const cc = call.children as Children;
      return {
        kind: 'CallFlowExpression',
        flow: this.identifier(this.token(cc, 'Identifier')),
        args: this.argumentList(this.node(cc, 'argumentList')),
        loc: this.nodeLoc(call),
      };
    }
    const awaitNode = this.node(c, 'awaitExpression');
    if (awaitNode) return this.awaitExpression(awaitNode);
    const open = this.node(c, 'openExpression');
    if (open) {
      return {
        kind: 'OpenExpression',
        party: this.postfixOrMissing(this.node(open.children as Children, 'postfix')),
        loc: this.nodeLoc(open),
      };
    }
    return this.postfixOrMissing(this.node(c, 'postfix'));
  }

  private receiveExpression(node: CstNode): A.ReceiveExpression {
    const c = node.children as Children;
    const e: A.ReceiveExpression = {
      kind: 'ReceiveExpression',
      type: this.typeRefOrMissing(this.node(c, 'typeRef')),
      session: this.postfixOrMissing(this.node(c, 'session')),
      loc: this.nodeLoc(node),
    };
    const within = this.node(c, 'within');
    if (within) e.within = this.postfix(within);
    return e;
  }

  private awaitExpression(node: CstNode): A.Expression {
    const c = node.children as Children;
    const loc = this.nodeLoc(node);
    const within = this.node(c, 'within');
    if (this.token(c, 'Input')) {
      const prompt = this.token(c, 'StringLiteral');
      const e: A.AwaitInputExpression = {
        kind: 'AwaitInputExpression',
        type: this.typeRefOrMissing(this.node(c, 'typeRef')),
        prompt: prompt
          ? this.stringLiteral(prompt)
          : { kind: 'StringLiteral', parts: [], loc: this.emptyLoc() },
        loc,
      };
      if (within) e.within = this.postfix(within);
      return e;
    }
    const e: A.AwaitExpression = {
      kind: 'AwaitExpression',
      operation: this.postfixOrMissing(this.node(c, 'operation')),
      loc,
    };
    const retry = this.node(c, 'retry');
    const backoff = this.node(c, 'backoff');
    if (retry) e.retry = this.postfix(retry);
    if (backoff) e.backoff = this.postfix(backoff);
    return e;
  }

  private argumentList(node: CstNode | undefined): A.Expression[] {
    if (!node) return [];
    return this.nodes(node.children as Children, 'expression').map((e) => this.expression(e));
  }

  private postfixOrMissing(node: CstNode | undefined): A.Expression {
    return node ? this.postfix(node) : this.missingExpression();
  }

  private postfix(node: CstNode): A.Expression {
    const c = node.children as Children;
    const primary = this.node(c, 'primary');
    let result: A.Expression = primary ? this.primary(primary) : this.missingExpression();
    if (!c['member'] && !c['argumentList']) return result;
    const suffixes: (IToken | CstNode)[] = [
      ...this.tokens(c, 'member').filter(isGoodToken),
      ...this.nodes(c, 'argumentList'),
    ];
    if (suffixes.length === 0) return result;
    const offsetOf = (e: IToken | CstNode): number =>
      isToken(e) ? e.startOffset : (e.location?.startOffset ?? Number.MAX_SAFE_INTEGER);
    suffixes.sort((a, b) => offsetOf(a) - offsetOf(b));
    for (const suffix of suffixes) {
      if (isToken(suffix)) {
        const member = this.identifier(suffix);
        result = { kind: 'MemberExpression', object: result, member, loc: this.span(result.loc, member.loc) };
      } else {
        const end = this.nodeLoc(suffix);
        result = {
          kind: 'CallExpression',
          callee: result,
          args: this.argumentList(suffix),
          loc: this.span(result.loc, end),
        };
      }
    }
    return result;
  }

  private primary(node: CstNode): A.Expression {
    const c = node.children as Children;
    const key = chosen(c, PRIMARIES);
    const element = key === undefined ? undefined : c[key]?.[0];
    if (!key || !element) return this.missingExpression();
    if (isToken(element)) {
      if (!isGoodToken(element)) return this.missingExpression();
      const loc = this.tokenLoc(element);
      switch (key) {
        case 'IntLiteral':
          return { kind: 'IntLiteral', value: element.image, loc };
        case 'DecimalLiteral':
          return { kind: 'DecimalLiteral', value: element.image, loc };
        case 'DurationLiteral': {
          const match = /^(\d+)(ms|s|m|h|d)$/.exec(element.image)!;
          return { kind: 'DurationLiteral', amount: match[1]!, unit: match[2] as A.DurationUnit, loc };
        }
        case 'StringLiteral':
          return this.stringLiteral(element);
        case 'True':
          return { kind: 'BoolLiteral', value: true, loc };
        case 'False':
          return { kind: 'BoolLiteral', value: false, loc };
        default:
          return { kind: 'MeExpression', loc };
      }
    }
    switch (element.name) {
      case 'nameOrRecord':
        return this.nameOrRecord(element);
      case 'listExpression':
        return {
          kind: 'ListExpression',
          elements: this.nodes(element.children as Children, 'expression').map((e) => this.expression(e)),
          loc: this.nodeLoc(element),
        };
      default:
        return this.expressionOrMissing(this.node(element.children as Children, 'expression'));
    }
  }

  private nameOrRecord(node: CstNode): A.Expression {
    const c = node.children as Children;
    const name = this.identifier(this.token(c, 'Identifier'));
    if (!this.tokens(c, 'LBrace').length) return { kind: 'NameExpression', name, loc: name.loc };
    return {
      kind: 'RecordExpression',
      type: name,
      fields: this.nodes(c, 'recordField').map((f): A.RecordField => {
        const fc = f.children as Children;
        return {
          kind: 'RecordField',
          name: this.identifier(this.token(fc, 'Identifier')),
          value: this.expressionOrMissing(this.node(fc, 'expression')),
          loc: this.nodeLoc(f),
        };
      }),
      loc: this.nodeLoc(node),
    };
  }

  // ---- strings ------------------------------------------------------------------------------------------------

  /** Splits `"a {x} b"` into text and expressions, parsing each interpolation with the same parser. */
  private stringLiteral(token: IToken): A.StringLiteral {
    const loc = this.tokenLoc(token);
    // an unterminated string (already reported) has no closing quote to drop
    const raw = scanString(token.image, 0).terminated ? token.image : token.image + '"';
    const parts: (string | A.Expression)[] = [];
    let text = '';
    let textStart = 1;
    let i = 1;
    const end = raw.length - 1;
    while (i < end) {
      const ch = raw[i]!;
      if (ch === '\\') {
        i = escapeEnd(raw, i);
        continue;
      }
      if (ch === '{') {
        const close = findInterpolationEnd(raw, i + 1);
        text += this.unescape(raw.slice(textStart, i), token, textStart);
        if (text) parts.push(text);
        text = '';
        parts.push(this.interpolation(raw.slice(i + 1, close), token, i + 1));
        i = close + 1;
        textStart = i;
        continue;
      }
      i++;
    }
    text += this.unescape(raw.slice(textStart, end), token, textStart);
    if (text || parts.length === 0) parts.push(text);
    this.cursor = loc;
    return { kind: 'StringLiteral', parts, loc };
  }

  private interpolation(source: string, token: IToken, start: number): A.Expression {
    const offset = token.startOffset + start;
    const column = token.startColumn! + start;
    const at = (length: number, delta = 0): A.SourceLocation => ({
      offset: offset + delta,
      line: token.startLine!,
      column: column + delta,
      endOffset: offset + delta + length,
      endLine: token.startLine!,
      endColumn: column + delta + length,
    });
    if (source.trim() === '') {
      this.error(
        at(0, -1),
        'An interpolation "{}" needs an expression inside the braces; write "\\{" for a brace.',
      );
      return { kind: 'ErrorExpression', loc: at(0) };
    }
    if (NAME_PATH.test(source) && !RESERVED_WORDS.has(source.split('.', 1)[0]!))
      return this.namePath(source, at);
    const lexed = flowLexer.tokenize(source);
    for (const e of lexed.errors)
      this.error(at(e.length, e.offset), `Unexpected character "${source[e.offset]}".`);
    for (const tok of lexed.tokens) {
      tok.startOffset += offset;
      tok.endOffset = tok.endOffset! + offset;
      tok.startColumn = tok.startColumn! + column - 1;
      tok.endColumn = tok.endColumn! + column - 1;
      tok.startLine = tok.endLine = token.startLine!;
    }
    const { cst, errors } = parseExpressionTokens(lexed.tokens);
    for (const e of errors) {
      const message = e.message.replace('the end of the file', 'the end of the interpolation');
      this.error(isGoodToken(e.token) ? this.tokenLoc(e.token) : at(0, source.length), message);
    }
    const saved = this.cursor;
    this.cursor = at(0);
    const expression = this.expression(cst);
    this.cursor = saved;
    return expression;
  }

  /**
   * `{name}` or `{a.b.c}`, most interpolations, built as the parser would build them but without lexing and
   * parsing the text again: each of those costs tens of microseconds for a few characters.
   */
  private namePath(source: string, at: (length: number, delta: number) => A.SourceLocation): A.Expression {
    let result: A.Expression | undefined;
    let delta = 0;
    for (const word of source.split('.')) {
      const name: A.Identifier = { kind: 'Identifier', name: word, loc: at(word.length, delta) };
      result = result
        ? { kind: 'MemberExpression', object: result, member: name, loc: this.span(result.loc, name.loc) }
        : { kind: 'NameExpression', name, loc: name.loc };
      delta += word.length + 1;
    }
    return result!;
  }

  private unescape(raw: string, token: IToken, start = 1): string {
    if (!raw.includes('\\')) return raw;
    return raw.replace(/\\(u\{[0-9a-fA-F]{1,6}\}|.)/g, (all, escape: string, index: number) => {
      switch (escape[0]) {
        case 'n':
          return '\n';
        case 't':
          return '\t';
        case 'r':
          return '\r';
        case '"':
        case '\\':
        case '{':
        case '}':
          return escape;
        case 'u': {
          // beyond U+10FFFF is no character (fromCodePoint throws): reported below like any bad escape
          const code = parseInt(escape.slice(2, -1), 16);
          if (escape.length > 1 && code <= 0x10ffff) return String.fromCodePoint(code);
        }
      }
      const column = token.startColumn! + start + index;
      this.error(
        {
          offset: token.startOffset + start + index,
          line: token.startLine!,
          column,
          endOffset: token.startOffset + start + index + all.length,
          endLine: token.startLine!,
          endColumn: column + all.length,
        },
        `Unknown escape "${all}" in a string: use \\n, \\t, \\r, \\", \\\\, \\{, \\} or \\u{XXXX}.`,
      );
      return escape;
    });
  }

  private error(range: A.SourceLocation, message: string): void {
    this.diagnostics.push({ severity: 'error', code: IssueCodes.SyntaxError, message, range });
  }
}

function unquote(image: string): string {
  return image.slice(1, scanString(image, 0).terminated ? -1 : undefined);
}
