/**
 * The fast path of `parse`: a hand-written recursive-descent parser over the tokens of `flowLexer` that builds
 * the AST directly, with no CST and no second pass.
 *
 * Why it exists: chevrotain's `CstParser` (`parser.ts`) and the CST-to-AST pass (`cstToAst.ts`) cost about 20
 * times the lexer on valid text (see docs/performance.md). Most text the tools parse is valid, so this parser
 * handles valid text only, and gives up (`undefined`) at the first thing that would be a syntax error or a
 * diagnostic: an unexpected token, an unterminated string, a bad escape, an empty or broken interpolation.
 * `parse` then runs the `CstParser`, which remains the recovering parser and the only source of syntax
 * diagnostics.
 *
 * Equivalence: it follows the grammar of `parser.ts` rule by rule, with the same decisions (including
 * chevrotain's three-token lookahead for `await input`, and `Name {` not being a record in `if`/`for` headers),
 * and builds each node as `cstToAst.ts` does: the same kinds, fields in the same order, and the same locations
 * (a rule's location runs from its first to its last token). test/language/fastParser.test.ts asserts that
 * on every fixture, the benchmark CorDapp and generated and mutated documents, it either gives up or returns an
 * AST whose `JSON.stringify` equals that of the `CstParser` path; `npm run fuzz` runs the same comparison.
 */
import type { IToken, TokenType } from 'chevrotain';
import type * as A from './ast.js';
import * as t from './tokens.js';
import { attachDocs, findInterpolationEnd } from './sourceText.js';
import { escapeEnd, flowLexer, RESERVED_WORDS, scanString } from './tokens.js';

/** Token kinds: small integers, so a token's kind is one array read and a comparison. */
const enum K {
  EOF,
  Identifier,
  // soft keywords: Identifier category
  Version,
  From,
  To,
  In,
  Within,
  Until,
  Retry,
  Backoff,
  Input,
  Tracks,
  // hard keywords
  Cordapp,
  Import,
  Message,
  Enum,
  Initiating,
  Responder,
  Flow,
  Progress,
  Let,
  Var,
  Step,
  Send,
  Return,
  Require,
  Else,
  Fail,
  If,
  For,
  Sleep,
  Try,
  Catch,
  Close,
  Receive,
  Call,
  Await,
  Open,
  Me,
  True,
  False,
  // literals
  VersionLiteral,
  DurationLiteral,
  DecimalLiteral,
  IntLiteral,
  StringLiteral,
  // binary operators
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  AndAnd,
  OrOr,
  Lt,
  Gt,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  // punctuation
  Arrow,
  Equals,
  Bang,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
  At,
  Count,
}

const KIND_BY_TYPE_INDEX: number[] = [];
const FLAGS = new Uint8Array(K.Count);
/** The precedence of each binary operator (as in `cstToAst.ts`), 0 for every other kind. */
const PRECEDENCE = new Uint8Array(K.Count);

/** `Identifier`, or a soft keyword (which has the `Identifier` category). */
const F_IDENTIFIER = 1;
/** Any word, keywords included (the `Name` category). */
const F_NAME = 2;
/** May start an expression (the first tokens of the `expression` rule). */
const F_EXPRESSION = 4;
/** May start a statement. */
const F_STATEMENT = 8;

function kind(type: TokenType, k: K, flags = 0, precedence = 0): void {
  KIND_BY_TYPE_INDEX[type.tokenTypeIdx!] = k;
  FLAGS[k] = flags;
  PRECEDENCE[k] = precedence;
}

const EXPR = F_EXPRESSION | F_STATEMENT;
kind(t.Identifier, K.Identifier, F_IDENTIFIER | F_NAME | EXPR);
for (const [type, k] of [
  [t.Version, K.Version],
  [t.From, K.From],
  [t.To, K.To],
  [t.In, K.In],
  [t.Within, K.Within],
  [t.Until, K.Until],
  [t.Retry, K.Retry],
  [t.Backoff, K.Backoff],
  [t.Input, K.Input],
  [t.Tracks, K.Tracks],
] as const)
  kind(type, k, F_IDENTIFIER | F_NAME | EXPR);
for (const [type, k, flags] of [
  [t.Cordapp, K.Cordapp, 0],
  [t.Import, K.Import, 0],
  [t.Message, K.Message, 0],
  [t.Enum, K.Enum, 0],
  [t.Initiating, K.Initiating, 0],
  [t.Responder, K.Responder, 0],
  [t.Flow, K.Flow, 0],
  [t.Progress, K.Progress, 0],
  [t.Let, K.Let, F_STATEMENT],
  [t.Var, K.Var, F_STATEMENT],
  [t.Step, K.Step, F_STATEMENT],
  [t.Send, K.Send, F_STATEMENT],
  [t.Return, K.Return, F_STATEMENT],
  [t.Require, K.Require, F_STATEMENT],
  [t.Else, K.Else, 0],
  [t.Fail, K.Fail, F_STATEMENT],
  [t.If, K.If, F_STATEMENT],
  [t.For, K.For, F_STATEMENT],
  [t.Sleep, K.Sleep, F_STATEMENT],
  [t.Try, K.Try, F_STATEMENT],
  [t.Catch, K.Catch, 0],
  [t.Close, K.Close, F_STATEMENT],
  [t.Receive, K.Receive, EXPR],
  [t.Call, K.Call, EXPR],
  [t.Await, K.Await, EXPR],
  [t.Open, K.Open, EXPR],
  [t.Me, K.Me, EXPR],
  [t.True, K.True, EXPR],
  [t.False, K.False, EXPR],
] as const)
  kind(type, k, F_NAME | flags);
kind(t.VersionLiteral, K.VersionLiteral);
kind(t.DurationLiteral, K.DurationLiteral, EXPR);
kind(t.DecimalLiteral, K.DecimalLiteral, EXPR);
kind(t.IntLiteral, K.IntLiteral, EXPR);
kind(t.StringLiteral, K.StringLiteral, EXPR);
kind(t.OrOr, K.OrOr, 0, 1);
kind(t.AndAnd, K.AndAnd, 0, 2);
kind(t.EqEq, K.EqEq, 0, 3);
kind(t.NotEq, K.NotEq, 0, 3);
kind(t.Lt, K.Lt, 0, 4);
kind(t.LtEq, K.LtEq, 0, 4);
kind(t.Gt, K.Gt, 0, 4);
kind(t.GtEq, K.GtEq, 0, 4);
kind(t.Plus, K.Plus, 0, 5);
kind(t.Minus, K.Minus, EXPR, 5);
kind(t.Star, K.Star, 0, 6);
kind(t.Slash, K.Slash, 0, 6);
kind(t.Percent, K.Percent, 0, 6);
kind(t.Arrow, K.Arrow);
kind(t.Equals, K.Equals);
kind(t.Bang, K.Bang, EXPR);
kind(t.LBrace, K.LBrace);
kind(t.RBrace, K.RBrace);
kind(t.LParen, K.LParen, EXPR);
kind(t.RParen, K.RParen);
kind(t.LBracket, K.LBracket, EXPR);
kind(t.RBracket, K.RBracket);
kind(t.Comma, K.Comma);
kind(t.Colon, K.Colon);
kind(t.Dot, K.Dot);
kind(t.At, K.At);

/** Thrown to give up; allocated once, so giving up costs no stack trace. */
const BAIL: Error = new Error('The fast parser gives up: the text needs the recovering parser.');

/** The kinds of `tokens`, followed by three `EOF`s so that looking three tokens ahead needs no bounds check. */
function kindsOf(tokens: readonly IToken[]): Uint8Array {
  const n = tokens.length;
  const kinds = new Uint8Array(n + 3);
  for (let i = 0; i < n; i++) {
    // chevrotain copies its type's index onto each token
    const k = KIND_BY_TYPE_INDEX[tokens[i]!.tokenTypeIdx];
    if (k === undefined) throw BAIL;
    kinds[i] = k;
  }
  return kinds;
}

/**
 * The fast path's locations: plain objects (their prototype is `Object.prototype`, as for a literal) with a
 * hidden class of their own. Object literals with the same six fields share one hidden class with the CST path's
 * locations, whose numbers come straight from chevrotain's tokens, which hold them as heap numbers (its EOF token
 * has NaN positions). Once those have been stored, every location of that class boxes each of its six numbers:
 * twice the memory for the AST, and twice the garbage collector's work. For the same reason every number read
 * from a token takes `| 0`.
 */
const Loc = function SourceLocation(
  this: A.SourceLocation,
  offset: number,
  line: number,
  column: number,
  endOffset: number,
  endLine: number,
  endColumn: number,
): void {
  this.offset = offset;
  this.line = line;
  this.column = column;
  this.endOffset = endOffset;
  this.endLine = endLine;
  this.endColumn = endColumn;
} as unknown as new (
  offset: number,
  line: number,
  column: number,
  endOffset: number,
  endLine: number,
  endColumn: number,
) => A.SourceLocation;
Loc.prototype = Object.prototype;

function tokenLoc(token: IToken): A.SourceLocation {
  return new Loc(
    token.startOffset | 0,
    token.startLine! | 0,
    token.startColumn! | 0,
    (token.endOffset! + 1) | 0,
    token.endLine! | 0,
    (token.endColumn! + 1) | 0,
  );
}

function tokensLoc(first: IToken, last: IToken): A.SourceLocation {
  return new Loc(
    first.startOffset | 0,
    first.startLine! | 0,
    first.startColumn! | 0,
    (last.endOffset! + 1) | 0,
    last.endLine! | 0,
    (last.endColumn! + 1) | 0,
  );
}

function span(from: A.SourceLocation, to: A.SourceLocation): A.SourceLocation {
  return new Loc(from.offset, from.line, from.column, to.endOffset, to.endLine, to.endColumn);
}

function spanToToken(from: A.SourceLocation, last: IToken): A.SourceLocation {
  return new Loc(
    from.offset,
    from.line,
    from.column,
    (last.endOffset! + 1) | 0,
    last.endLine! | 0,
    (last.endColumn! + 1) | 0,
  );
}

function identifier(token: IToken): A.Identifier {
  return { kind: 'Identifier', name: token.image, loc: tokenLoc(token) };
}

/**
 * One instance for the process, reset for each input, like chevrotain's parser: optimised code checks the
 * instance's hidden class, and a class whose every instance was collected would take that code with it.
 */
class FastParser {
  private tokens: readonly IToken[] = [];
  private kinds: Uint8Array = new Uint8Array(3);
  private pos = 0;
  /** True while parsing an `if`/`for` header, where `Name {` starts the block and not a record. */
  private noRecord = false;
  /** How many interpolations deep the parser is: strings re-lexed from an interpolation may be unterminated. */
  private depth = 0;
  /**
   * Keeps the hidden class of a complete location alive. Only the transitions from `Loc`'s initial class lead to
   * it, and they are weak: after a collection that finds no location left, V8 would drop it, and with it all
   * the optimised code of this parser, which checks it.
   */
  readonly locationShape: A.SourceLocation = new Loc(0, 1, 1, 0, 1, 1);

  /** Parses `tokens` as a document; throws `BAIL` to give up. */
  parse(tokens: readonly IToken[]): A.TopLevelItem[] {
    this.tokens = tokens;
    this.kinds = kindsOf(tokens);
    this.pos = 0;
    this.noRecord = false;
    this.depth = 0;
    try {
      return this.document();
    } finally {
      // let the tokens go
      this.tokens = NO_TOKENS;
      this.kinds = EMPTY_KINDS;
    }
  }

  // ---- tokens -------------------------------------------------------------------------------------------------

  /** The current token, which must be of kind `k`; moves past it. */
  private expect(k: K): IToken {
    if (this.kinds[this.pos] !== k) throw BAIL;
    return this.tokens[this.pos++]!;
  }

  /** The current token, which must carry `flag`; moves past it. */
  private expectFlag(flag: number): IToken {
    if ((FLAGS[this.kinds[this.pos]!]! & flag) === 0) throw BAIL;
    return this.tokens[this.pos++]!;
  }

  /** From the token at `start` to the last token consumed. */
  private locFrom(start: number): A.SourceLocation {
    return tokensLoc(this.tokens[start]!, this.tokens[this.pos - 1]!);
  }

  // ---- document -----------------------------------------------------------------------------------------------

  private document(): A.TopLevelItem[] {
    const items: A.TopLevelItem[] = [];
    const kinds = this.kinds;
    for (;;) {
      switch (kinds[this.pos]) {
        case K.EOF:
          if (this.pos !== this.tokens.length) throw BAIL;
          return items;
        case K.Cordapp:
          items.push(this.cordappDecl());
          break;
        case K.Import:
          items.push(this.importDecl());
          break;
        case K.At:
        case K.Message:
        case K.Enum:
        case K.Initiating:
        case K.Responder:
        case K.Flow:
          items.push(this.declaration());
          break;
        default:
          throw BAIL;
      }
    }
  }

  private cordappDecl(): A.CordappDecl {
    const start = this.pos++;
    const nameStart = this.pos;
    const parts: A.Identifier[] = [identifier(this.expectFlag(F_IDENTIFIER))];
    while (this.kinds[this.pos] === K.Dot) {
      this.pos++;
      parts.push(identifier(this.expectFlag(F_IDENTIFIER)));
    }
    const name: A.QualifiedName = { kind: 'QualifiedName', parts, loc: this.locFrom(nameStart) };
    this.expect(K.Version);
    const version = this.expect(K.VersionLiteral).image;
    return { kind: 'CordappDecl', name, version, loc: this.locFrom(start) };
  }

  private importDecl(): A.ImportDecl {
    const start = this.pos++;
    this.expect(K.LBrace);
    const specifiers: A.ImportSpecifier[] = [];
    if ((FLAGS[this.kinds[this.pos]!]! & F_IDENTIFIER) !== 0) {
      specifiers.push(this.importSpecifier());
      while (this.kinds[this.pos] === K.Comma) {
        this.pos++;
        specifiers.push(this.importSpecifier());
      }
    }
    this.expect(K.RBrace);
    this.expect(K.From);
    const source = this.expect(K.StringLiteral);
    if (!scanString(source.image, 0).terminated) throw BAIL;
    return {
      kind: 'ImportDecl',
      specifiers,
      source: source.image.slice(1, -1),
      sourceLoc: tokenLoc(source),
      loc: this.locFrom(start),
    };
  }

  private importSpecifier(): A.ImportSpecifier {
    const name = identifier(this.expectFlag(F_IDENTIFIER));
    return { kind: 'ImportSpecifier', name, loc: name.loc };
  }

  private declaration(): A.Declaration {
    const start = this.pos;
    const annotations: A.Annotation[] = [];
    while (this.kinds[this.pos] === K.At) annotations.push(this.annotation());
    switch (this.kinds[this.pos]) {
      case K.Message: {
        this.pos++;
        const name = identifier(this.expectFlag(F_IDENTIFIER));
        this.expect(K.LBrace);
        const fields: A.FieldDecl[] = [];
        while ((FLAGS[this.kinds[this.pos]!]! & F_NAME) !== 0) fields.push(this.fieldDecl());
        this.expect(K.RBrace);
        return { kind: 'MessageDecl', annotations, name, fields, loc: this.locFrom(start) };
      }
      case K.Enum: {
        this.pos++;
        const name = identifier(this.expectFlag(F_IDENTIFIER));
        this.expect(K.LBrace);
        const members: A.EnumMember[] = [];
        while ((FLAGS[this.kinds[this.pos]!]! & F_IDENTIFIER) !== 0) {
          const member = identifier(this.tokens[this.pos++]!);
          members.push({ kind: 'EnumMember', name: member, loc: member.loc });
          if (this.kinds[this.pos] === K.Comma) this.pos++;
        }
        this.expect(K.RBrace);
        return { kind: 'EnumDecl', annotations, name, members, loc: this.locFrom(start) };
      }
      case K.Initiating:
      case K.Responder:
      case K.Flow:
        return this.flowDecl(start, annotations);
      default:
        throw BAIL;
    }
  }

  private annotation(): A.Annotation {
    const start = this.pos++;
    const name = identifier(this.expectFlag(F_IDENTIFIER));
    const args: A.Expression[] = [];
    if (this.kinds[this.pos] === K.LParen) {
      this.pos++;
      this.expressionList(args);
      this.expect(K.RParen);
    }
    return { kind: 'Annotation', name, args, loc: this.locFrom(start) };
  }

  private fieldDecl(): A.FieldDecl {
    const start = this.pos;
    const name = identifier(this.tokens[this.pos++]!);
    this.expect(K.Colon);
    const type = this.typeRef();
    if (this.kinds[this.pos] === K.Comma) this.pos++;
    return { kind: 'FieldDecl', name, type, loc: this.locFrom(start) };
  }

  private flowDecl(start: number, annotations: A.Annotation[]): A.FlowDecl {
    let flowKind: A.FlowKind = 'inline';
    if (this.kinds[this.pos] === K.Initiating) {
      flowKind = 'initiating';
      this.pos++;
    } else if (this.kinds[this.pos] === K.Responder) {
      flowKind = 'responder';
      this.pos++;
    }
    this.expect(K.Flow);
    const name = identifier(this.expectFlag(F_IDENTIFIER));
    this.expect(K.LParen);
    const params: A.Param[] = [];
    if ((FLAGS[this.kinds[this.pos]!]! & F_IDENTIFIER) !== 0) {
      params.push(this.param());
      while (this.kinds[this.pos] === K.Comma) {
        this.pos++;
        params.push(this.param());
      }
    }
    this.expect(K.RParen);
    let respondsTo: A.Identifier | undefined;
    if (this.kinds[this.pos] === K.For) {
      this.pos++;
      respondsTo = identifier(this.expectFlag(F_IDENTIFIER));
    }
    let returnType: A.TypeRef | undefined;
    if (this.kinds[this.pos] === K.Arrow) {
      this.pos++;
      returnType = this.typeRef();
    }
    const open = this.expect(K.LBrace);
    const progress = this.kinds[this.pos] === K.Progress ? this.progressDecl() : undefined;
    const statements: A.Statement[] = [];
    while ((FLAGS[this.kinds[this.pos]!]! & F_STATEMENT) !== 0) statements.push(this.statement());
    const close = this.expect(K.RBrace);
    const body: A.Block = { kind: 'Block', statements, loc: tokensLoc(open, close) };
    const loc = this.locFrom(start);
    const kind = 'FlowDecl';
    // the optional fields come last, as `cstToAst.ts` adds them; one literal per combination (see `FastParser`)
    if (respondsTo) {
      if (returnType) {
        return progress
          ? { kind, annotations, flowKind, name, params, body, loc, respondsTo, returnType, progress }
          : { kind, annotations, flowKind, name, params, body, loc, respondsTo, returnType };
      }
      return progress
        ? { kind, annotations, flowKind, name, params, body, loc, respondsTo, progress }
        : { kind, annotations, flowKind, name, params, body, loc, respondsTo };
    }
    if (returnType) {
      return progress
        ? { kind, annotations, flowKind, name, params, body, loc, returnType, progress }
        : { kind, annotations, flowKind, name, params, body, loc, returnType };
    }
    return progress
      ? { kind, annotations, flowKind, name, params, body, loc, progress }
      : { kind, annotations, flowKind, name, params, body, loc };
  }

  private param(): A.Param {
    const start = this.pos;
    const name = identifier(this.tokens[this.pos++]!);
    this.expect(K.Colon);
    const type = this.typeRef();
    return { kind: 'Param', name, type, loc: this.locFrom(start) };
  }

  private progressDecl(): A.ProgressDecl {
    const start = this.pos++;
    this.expect(K.LBrace);
    const steps: A.ProgressStep[] = [];
    while ((FLAGS[this.kinds[this.pos]!]! & F_IDENTIFIER) !== 0) {
      const stepStart = this.pos;
      const name = identifier(this.tokens[this.pos++]!);
      const label = this.expect(K.StringLiteral);
      if (!scanString(label.image, 0).terminated) throw BAIL;
      let tracks: A.Identifier | undefined;
      if (this.kinds[this.pos] === K.Tracks) {
        this.pos++;
        tracks = identifier(this.expectFlag(F_IDENTIFIER));
      }
      const text = unescape(label.image.slice(1, -1));
      const loc = this.locFrom(stepStart);
      steps.push(
        tracks
          ? { kind: 'ProgressStep', name, label: text, loc, tracks }
          : { kind: 'ProgressStep', name, label: text, loc },
      );
    }
    this.expect(K.RBrace);
    return { kind: 'ProgressDecl', steps, loc: this.locFrom(start) };
  }

  private typeRef(): A.TypeRef {
    const start = this.pos;
    const name = identifier(this.expectFlag(F_IDENTIFIER));
    const args: A.TypeRef[] = [];
    if (this.kinds[this.pos] === K.Lt) {
      this.pos++;
      args.push(this.typeRef());
      while (this.kinds[this.pos] === K.Comma) {
        this.pos++;
        args.push(this.typeRef());
      }
      this.expect(K.Gt);
    }
    return { kind: 'TypeRef', name, args, loc: this.locFrom(start) };
  }

  private block(): A.Block {
    const start = this.pos;
    this.expect(K.LBrace);
    const statements: A.Statement[] = [];
    while ((FLAGS[this.kinds[this.pos]!]! & F_STATEMENT) !== 0) statements.push(this.statement());
    this.expect(K.RBrace);
    return { kind: 'Block', statements, loc: this.locFrom(start) };
  }

  // ---- statements ---------------------------------------------------------------------------------------------

  private statement(): A.Statement {
    const start = this.pos;
    switch (this.kinds[start]) {
      case K.Let:
      case K.Var: {
        const mutable = this.kinds[this.pos++] === K.Var;
        const name = identifier(this.expectFlag(F_IDENTIFIER));
        let type: A.TypeRef | undefined;
        if (this.kinds[this.pos] === K.Colon) {
          this.pos++;
          type = this.typeRef();
        }
        this.expect(K.Equals);
        const init = this.expression();
        const loc = this.locFrom(start);
        return type
          ? { kind: 'LetStatement', mutable, name, init, loc, type }
          : { kind: 'LetStatement', mutable, name, init, loc };
      }
      case K.Step: {
        this.pos++;
        const step = identifier(this.expectFlag(F_IDENTIFIER));
        return { kind: 'StepStatement', step, loc: this.locFrom(start) };
      }
      case K.Send: {
        this.pos++;
        const value = this.expression();
        this.expect(K.To);
        const session = this.expression();
        return { kind: 'SendStatement', value, session, loc: this.locFrom(start) };
      }
      case K.Return: {
        this.pos++;
        if ((FLAGS[this.kinds[this.pos]!]! & F_EXPRESSION) === 0)
          return { kind: 'ReturnStatement', loc: this.locFrom(start) };
        const value = this.expression();
        return { kind: 'ReturnStatement', value, loc: this.locFrom(start) };
      }
      case K.Require: {
        this.pos++;
        const condition = this.expression();
        this.expect(K.Else);
        const message = this.expression();
        return { kind: 'RequireStatement', condition, message, loc: this.locFrom(start) };
      }
      case K.Fail: {
        this.pos++;
        const message = this.expression();
        return { kind: 'FailStatement', message, loc: this.locFrom(start) };
      }
      case K.If:
        return this.ifStatement();
      case K.For: {
        this.pos++;
        const variable = identifier(this.expectFlag(F_IDENTIFIER));
        this.expect(K.In);
        const iterable = this.condition();
        const body = this.block();
        return { kind: 'ForStatement', variable, iterable, body, loc: this.locFrom(start) };
      }
      case K.Sleep: {
        this.pos++;
        const until = this.kinds[this.pos] === K.Until;
        if (until) this.pos++;
        const value = this.expression();
        return { kind: 'SleepStatement', until, value, loc: this.locFrom(start) };
      }
      case K.Try: {
        this.pos++;
        const body = this.block();
        this.expect(K.Catch);
        const errorName =
          (FLAGS[this.kinds[this.pos]!]! & F_IDENTIFIER) !== 0
            ? identifier(this.tokens[this.pos++]!)
            : undefined;
        const handler = this.block();
        const loc = this.locFrom(start);
        return errorName
          ? { kind: 'TryStatement', body, handler, loc, errorName }
          : { kind: 'TryStatement', body, handler, loc };
      }
      case K.Close: {
        this.pos++;
        const session = this.expression();
        return { kind: 'CloseStatement', session, loc: this.locFrom(start) };
      }
      default: {
        const target = this.expression();
        if (this.kinds[this.pos] !== K.Equals)
          return { kind: 'ExpressionStatement', expression: target, loc: this.locFrom(start) };
        this.pos++;
        const value = this.expression();
        return { kind: 'AssignStatement', target, value, loc: this.locFrom(start) };
      }
    }
  }

  private ifStatement(): A.IfStatement {
    const start = this.pos++;
    const condition = this.condition();
    const then = this.block();
    let otherwise: A.Block | A.IfStatement | undefined;
    if (this.kinds[this.pos] === K.Else) {
      this.pos++;
      const k = this.kinds[this.pos];
      if (k === K.If) otherwise = this.ifStatement();
      else if (k === K.LBrace) otherwise = this.block();
      else throw BAIL;
    }
    const loc = this.locFrom(start);
    return otherwise
      ? { kind: 'IfStatement', condition, then, loc, else: otherwise }
      : { kind: 'IfStatement', condition, then, loc };
  }

  /** An expression in which `Name {` is not a record: the header of `if` and `for`. */
  private condition(): A.Expression {
    const saved = this.noRecord;
    this.noRecord = true;
    const e = this.expression();
    this.noRecord = saved;
    return e;
  }

  // ---- expressions --------------------------------------------------------------------------------------------

  private expression(): A.Expression {
    return this.binary(1);
  }

  /** Precedence climbing, as `cstToAst.ts` applies it to the flat operand list: left-associative operators. */
  private binary(minPrecedence: number): A.Expression {
    let left = this.unary();
    for (;;) {
      const precedence = PRECEDENCE[this.kinds[this.pos]!]!;
      if (precedence === 0 || precedence < minPrecedence) return left;
      const operator = this.tokens[this.pos++]!.image as A.BinaryOperator;
      const right = this.binary(precedence + 1);
      left = { kind: 'BinaryExpression', operator, left, right, loc: span(left.loc, right.loc) };
    }
  }

  private unary(): A.Expression {
    const start = this.pos;
    switch (this.kinds[start]) {
      case K.Minus:
      case K.Bang: {
        const operator = this.tokens[this.pos++]!.image as A.UnaryOperator;
        const operand = this.unary();
        return { kind: 'UnaryExpression', operator, operand, loc: this.locFrom(start) };
      }
      case K.Receive: {
        this.pos++;
        const type = this.typeRef();
        this.expect(K.From);
        const session = this.postfix();
        let within: A.Expression | undefined;
        if (this.kinds[this.pos] === K.Within) {
          this.pos++;
          within = this.postfix();
        }
        const loc = this.locFrom(start);
        return within
          ? { kind: 'ReceiveExpression', type, session, loc, within }
          : { kind: 'ReceiveExpression', type, session, loc };
      }
      case K.Call: {
        this.pos++;
        const flow = identifier(this.expectFlag(F_IDENTIFIER));
        const args = this.argumentList();
        return { kind: 'CallFlowExpression', flow, args, loc: this.locFrom(start) };
      }
      case K.Await:
        return this.awaitExpression();
      case K.Open: {
        this.pos++;
        const party = this.postfix();
        return { kind: 'OpenExpression', party, loc: this.locFrom(start) };
      }
      default:
        return this.postfix();
    }
  }

  private awaitExpression(): A.Expression {
    const start = this.pos++;
    const kinds = this.kinds;
    const pos = this.pos;
    // chevrotain decides with three tokens: `await input Type "prompt"` or `await input Type<`; otherwise `input`
    // is a name (`await input(x)`, `await input`)
    if (
      kinds[pos] === K.Input &&
      (FLAGS[kinds[pos + 1]!]! & F_IDENTIFIER) !== 0 &&
      (kinds[pos + 2] === K.StringLiteral || kinds[pos + 2] === K.Lt)
    ) {
      this.pos++;
      const type = this.typeRef();
      const prompt = this.stringLiteral(this.expect(K.StringLiteral));
      let within: A.Expression | undefined;
      if (this.kinds[this.pos] === K.Within) {
        this.pos++;
        within = this.postfix();
      }
      const loc = this.locFrom(start);
      return within
        ? { kind: 'AwaitInputExpression', type, prompt, loc, within }
        : { kind: 'AwaitInputExpression', type, prompt, loc };
    }
    const operation = this.postfix();
    if (this.kinds[this.pos] !== K.Retry)
      return { kind: 'AwaitExpression', operation, loc: this.locFrom(start) };
    this.pos++;
    const retry = this.postfix();
    if (this.kinds[this.pos] !== K.Backoff)
      return { kind: 'AwaitExpression', operation, loc: this.locFrom(start), retry };
    this.pos++;
    const backoff = this.postfix();
    return { kind: 'AwaitExpression', operation, loc: this.locFrom(start), retry, backoff };
  }

  /** `(a, b)`: inside brackets a record is unambiguous again. */
  private argumentList(): A.Expression[] {
    this.expect(K.LParen);
    const saved = this.noRecord;
    this.noRecord = false;
    const args: A.Expression[] = [];
    this.expressionList(args);
    this.noRecord = saved;
    this.expect(K.RParen);
    return args;
  }

  /** Zero or more expressions separated by commas, added to `into`. */
  private expressionList(into: A.Expression[]): void {
    if ((FLAGS[this.kinds[this.pos]!]! & F_EXPRESSION) === 0) return;
    into.push(this.expression());
    while (this.kinds[this.pos] === K.Comma) {
      this.pos++;
      into.push(this.expression());
    }
  }

  private postfix(): A.Expression {
    let result = this.primary();
    const kinds = this.kinds;
    for (;;) {
      const k = kinds[this.pos];
      if (k === K.Dot) {
        this.pos++;
        const member = identifier(this.expectFlag(F_NAME));
        result = { kind: 'MemberExpression', object: result, member, loc: span(result.loc, member.loc) };
      } else if (k === K.LParen) {
        const args = this.argumentList();
        result = {
          kind: 'CallExpression',
          callee: result,
          args,
          loc: spanToToken(result.loc, this.tokens[this.pos - 1]!),
        };
      } else {
        return result;
      }
    }
  }

  private primary(): A.Expression {
    const start = this.pos;
    const token = this.tokens[start]!;
    switch (this.kinds[start]) {
      case K.Identifier:
      case K.Version:
      case K.From:
      case K.To:
      case K.In:
      case K.Within:
      case K.Until:
      case K.Retry:
      case K.Backoff:
      case K.Input:
      case K.Tracks:
        return this.nameOrRecord();
      case K.StringLiteral:
        this.pos++;
        return this.stringLiteral(token);
      case K.IntLiteral:
        this.pos++;
        return { kind: 'IntLiteral', value: token.image, loc: tokenLoc(token) };
      case K.DecimalLiteral:
        this.pos++;
        return { kind: 'DecimalLiteral', value: token.image, loc: tokenLoc(token) };
      case K.DurationLiteral: {
        this.pos++;
        const image = token.image;
        const unit = durationUnit(image);
        return {
          kind: 'DurationLiteral',
          amount: image.slice(0, image.length - unit.length),
          unit,
          loc: tokenLoc(token),
        };
      }
      case K.True:
        this.pos++;
        return { kind: 'BoolLiteral', value: true, loc: tokenLoc(token) };
      case K.False:
        this.pos++;
        return { kind: 'BoolLiteral', value: false, loc: tokenLoc(token) };
      case K.Me:
        this.pos++;
        return { kind: 'MeExpression', loc: tokenLoc(token) };
      case K.LBracket: {
        this.pos++;
        const saved = this.noRecord;
        this.noRecord = false;
        const elements: A.Expression[] = [];
        while ((FLAGS[this.kinds[this.pos]!]! & F_EXPRESSION) !== 0) {
          elements.push(this.expression());
          if (this.kinds[this.pos] === K.Comma) this.pos++;
        }
        this.noRecord = saved;
        this.expect(K.RBracket);
        return { kind: 'ListExpression', elements, loc: this.locFrom(start) };
      }
      case K.LParen: {
        this.pos++;
        const saved = this.noRecord;
        this.noRecord = false;
        const e = this.expression();
        this.noRecord = saved;
        this.expect(K.RParen);
        return e;
      }
      default:
        throw BAIL;
    }
  }

  private nameOrRecord(): A.Expression {
    const start = this.pos++;
    const name = identifier(this.tokens[start]!);
    const kinds = this.kinds;
    const pos = this.pos;
    // `{` then `}` or `name:`: a record body, not a block
    if (
      this.noRecord ||
      kinds[pos] !== K.LBrace ||
      (kinds[pos + 1] !== K.RBrace &&
        ((FLAGS[kinds[pos + 1]!]! & F_NAME) === 0 || kinds[pos + 2] !== K.Colon))
    )
      return { kind: 'NameExpression', name, loc: name.loc };
    this.pos++;
    const saved = this.noRecord;
    this.noRecord = false;
    const fields: A.RecordField[] = [];
    while ((FLAGS[kinds[this.pos]!]! & F_NAME) !== 0) {
      const fieldStart = this.pos;
      const fieldName = identifier(this.tokens[this.pos++]!);
      this.expect(K.Colon);
      const value = this.expression();
      fields.push({ kind: 'RecordField', name: fieldName, value, loc: this.locFrom(fieldStart) });
      if (kinds[this.pos] === K.Comma) this.pos++;
    }
    this.noRecord = saved;
    this.expect(K.RBrace);
    return { kind: 'RecordExpression', type: name, fields, loc: this.locFrom(start) };
  }

  // ---- strings ------------------------------------------------------------------------------------------------

  /** Splits `"a {x} b"` into text and expressions, as `cstToAst.ts` does. */
  private stringLiteral(token: IToken): A.StringLiteral {
    const loc = tokenLoc(token);
    const image = token.image;
    const length = image.length;
    // most strings have no escape and no interpolation: then the closing quote is the last character
    let plain = length >= 2 && image.charCodeAt(length - 1) === 34;
    for (let i = 1; plain && i < length - 1; i++) {
      const c = image.charCodeAt(i);
      if (c === 92 /* \ */ || c === 123 /* { */) plain = false;
    }
    if (plain) return { kind: 'StringLiteral', parts: [image.slice(1, -1)], loc };
    let raw = image;
    if (!scanString(image, 0).terminated) {
      // an unterminated string is a syntax error, unless it was re-lexed from an interpolation
      if (this.depth === 0) throw BAIL;
      raw = image + '"';
    }
    const parts: (string | A.Expression)[] = [];
    let text = '';
    let textStart = 1;
    let i = 1;
    const end = raw.length - 1;
    while (i < end) {
      const ch = raw.charCodeAt(i);
      if (ch === 92) {
        i = escapeEnd(raw, i);
        continue;
      }
      if (ch === 123) {
        const close = findInterpolationEnd(raw, i + 1);
        text += unescape(raw.slice(textStart, i));
        if (text) parts.push(text);
        text = '';
        parts.push(this.interpolation(raw.slice(i + 1, close), token, i + 1));
        i = close + 1;
        textStart = i;
        continue;
      }
      i++;
    }
    text += unescape(raw.slice(textStart, end));
    if (text || parts.length === 0) parts.push(text);
    return { kind: 'StringLiteral', parts, loc };
  }

  private interpolation(source: string, token: IToken, start: number): A.Expression {
    const offset = (token.startOffset + start) | 0;
    const column = (token.startColumn! + start) | 0;
    const line = token.startLine! | 0;
    if (isNamePath(source)) return namePath(source, offset, line, column);
    if (source.trim() === '') throw BAIL;
    const lexed = flowLexer.tokenize(source);
    if (lexed.errors.length > 0) throw BAIL;
    const tokens = lexed.tokens;
    for (const tok of tokens) {
      tok.startOffset += offset;
      tok.endOffset = tok.endOffset! + offset;
      tok.startColumn = tok.startColumn! + column - 1;
      tok.endColumn = tok.endColumn! + column - 1;
      tok.startLine = tok.endLine = line;
    }
    const saved = { tokens: this.tokens, kinds: this.kinds, pos: this.pos, noRecord: this.noRecord };
    this.tokens = tokens;
    this.kinds = kindsOf(tokens);
    this.pos = 0;
    this.noRecord = false;
    this.depth++;
    const expression = this.expression();
    if (this.pos !== tokens.length) throw BAIL;
    this.depth--;
    this.tokens = saved.tokens;
    this.kinds = saved.kinds;
    this.pos = saved.pos;
    this.noRecord = saved.noRecord;
    return expression;
  }
}

const NO_TOKENS: readonly IToken[] = [];
const EMPTY_KINDS = new Uint8Array(3);
const parser = new FastParser();

/** `name` or `a.b.c` with nothing around it, whose first name is not a reserved word (as in `cstToAst.ts`). */
function isNamePath(source: string): boolean {
  const length = source.length;
  let wordStart = true;
  let firstEnd = -1;
  for (let i = 0; i < length; i++) {
    const c = source.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    if (wordStart) {
      if (!letter) return false;
      wordStart = false;
    } else if (c === 46 /* . */) {
      if (firstEnd < 0) firstEnd = i;
      wordStart = true;
    } else if (!letter && !(c >= 48 && c <= 57)) {
      return false;
    }
  }
  if (wordStart) return false; // empty, or ends with a dot
  return !RESERVED_WORDS.has(firstEnd < 0 ? source : source.slice(0, firstEnd));
}

/** The AST of a name path in an interpolation, located in the string's line. */
function namePath(source: string, offset: number, line: number, column: number): A.Expression {
  let result: A.Expression | undefined;
  let delta = 0;
  for (;;) {
    const dot = source.indexOf('.', delta);
    const wordEnd = dot < 0 ? source.length : dot;
    const name: A.Identifier = {
      kind: 'Identifier',
      name: source.slice(delta, wordEnd),
      loc: new Loc(offset + delta, line, column + delta, offset + wordEnd, line, column + wordEnd),
    };
    result = result
      ? { kind: 'MemberExpression', object: result, member: name, loc: span(result.loc, name.loc) }
      : { kind: 'NameExpression', name, loc: name.loc };
    if (dot < 0) return result;
    delta = dot + 1;
  }
}

/** The unit of a duration literal (`500ms`, `30s`), without a regular expression. */
function durationUnit(image: string): A.DurationUnit {
  switch (image.charCodeAt(image.length - 1)) {
    case 115 /* s */:
      return image.charCodeAt(image.length - 2) === 109 /* m */ ? 'ms' : 's';
    case 109:
      return 'm';
    case 104:
      return 'h';
    default:
      return 'd';
  }
}

const ESCAPE = /\\(u\{[0-9a-fA-F]{1,6}\}|.)/g;

/** The text of a string part with its escapes replaced; an unknown escape is an error, so the parser gives up. */
function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(ESCAPE, unescapeOne);
}

function unescapeOne(_all: string, escape: string): string {
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
      const code = parseInt(escape.slice(2, -1), 16);
      if (escape.length > 1 && code <= 0x10ffff) return String.fromCodePoint(code);
    }
  }
  throw BAIL;
}

/**
 * The AST of valid text, or `undefined` when the text needs the recovering parser: anything that would make a
 * syntax error or another diagnostic of `parse`. `tokens` are `flowLexer`'s tokens of `text`, which lexed
 * without errors; `comments` are its comments, in order, as `parse` builds them; `loc` is the whole text's.
 */
export function fastParse(
  tokens: readonly IToken[],
  comments: A.Comment[],
  loc: A.SourceLocation,
): A.Document | undefined {
  let items: A.TopLevelItem[];
  try {
    items = parser.parse(tokens);
  } catch (error) {
    if (error === BAIL) return undefined;
    throw error;
  }
  attachDocs(items, comments);
  return { kind: 'Document', items, comments, loc };
}
