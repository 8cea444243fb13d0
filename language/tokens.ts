/**
 * The `.flow` tokens.
 *
 * Order matters to chevrotain's lexer: the first pattern that matches wins, so
 * - comments come before the `/` operator, and `///` doc comments before `//` line comments;
 * - version numbers (`1.0.0`) before durations (`5m`) before decimals (`3.5`) before integers;
 * - two-character operators (`->`, `==`, `<=`, `&&`) before their one-character prefixes;
 * - keywords before `Identifier`, each with `longer_alt: Identifier` so `format` is a name, not `for` + `mat`.
 *
 * Soft keywords (`from`, `to`, `in`, `within`, `until`, `retry`, `backoff`, `input`, `tracks`, `version`, `as`)
 * carry the `Identifier` category, so they remain usable as names (a message field called `from`, say).
 */
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});
export const DocComment = createToken({ name: 'DocComment', pattern: /\/\/\/[^\n\r]*/, group: 'comments' });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: 'comments',
  line_breaks: true,
});

export const VersionLiteral = createToken({
  name: 'VersionLiteral',
  pattern: /\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?/,
});
export const DurationLiteral = createToken({ name: 'DurationLiteral', pattern: /\d+(?:ms|s|m|h|d)(?![\w])/ });
export const DecimalLiteral = createToken({ name: 'DecimalLiteral', pattern: /\d+\.\d+/ });
export const IntLiteral = createToken({ name: 'IntLiteral', pattern: /\d+/ });

/**
 * Scans a string literal with `{expr}` interpolations starting at `offset` (a `"`). A regular expression cannot
 * match the braces of nested interpolations that themselves hold strings (`"{f("}")}"`), so this is a small
 * hand-written scanner. An unterminated string runs to the end of its line: the lexer still makes one token of
 * it (so the parser carries on), and `parse` reports it.
 */
export function scanString(text: string, offset: number): { end: number; terminated: boolean } {
  let i = offset + 1;
  let depth = 0;
  const quoteStack: number[] = [];
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    if (c === 92 /* \ */) {
      i = escapeEnd(text, i);
      continue;
    }
    if (depth === 0) {
      if (c === 34) return { end: i + 1, terminated: true };
      if (c === 123 /* { */) depth++;
    } else if (quoteStack.length > 0 && quoteStack[quoteStack.length - 1] === depth) {
      // inside a string nested in an interpolation
      if (c === 34) quoteStack.pop();
    } else if (c === 34) {
      quoteStack.push(depth);
    } else if (c === 123) {
      depth++;
    } else if (c === 125 /* } */) {
      depth--;
    }
    i++;
  }
  return { end: Math.min(i, text.length), terminated: false };
}

/** The offset just past the escape at `i` (a backslash): `\u{1F600}` is one escape, not an interpolation. */
export function escapeEnd(text: string, i: number): number {
  const next = text.charCodeAt(i + 1);
  // a backslash cannot escape the line break that ends a string
  if (next === 10 || next === 13) return i + 1;
  if (next === 117 /* u */ && text.charCodeAt(i + 2) === 123 /* { */) {
    const close = text.indexOf('}', i + 3);
    if (close > 0 && /^[0-9a-fA-F]{1,6}$/.test(text.slice(i + 3, close))) return close + 1;
  }
  return i + 2;
}

const matchString: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 34 /* " */) return null;
  return [text.slice(offset, scanString(text, offset).end)] as unknown as RegExpExecArray;
};

export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: { exec: matchString },
  line_breaks: false,
  start_chars_hint: ['"'],
});

/** Any word, keywords included: what may follow `.` and name a field (`error.message`, `Err { message: "" }`). */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name],
});

const keywords: TokenType[] = [];
function keyword(word: string, soft = false): TokenType {
  const token = createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: soft ? [Identifier, Name] : [Name],
  });
  keywords.push(token);
  return token;
}

export const Cordapp = keyword('cordapp');
export const Import = keyword('import');
export const Message = keyword('message');
export const Enum = keyword('enum');
export const Initiating = keyword('initiating');
export const Responder = keyword('responder');
export const Flow = keyword('flow');
export const Progress = keyword('progress');
export const Let = keyword('let');
export const Var = keyword('var');
export const Step = keyword('step');
export const Send = keyword('send');
export const Return = keyword('return');
export const Require = keyword('require');
export const Else = keyword('else');
export const Fail = keyword('fail');
export const If = keyword('if');
export const For = keyword('for');
export const Sleep = keyword('sleep');
export const Try = keyword('try');
export const Catch = keyword('catch');
export const Close = keyword('close');
export const Receive = keyword('receive');
export const Call = keyword('call');
export const Await = keyword('await');
export const Open = keyword('open');
export const Me = keyword('me');
export const True = keyword('true');
export const False = keyword('false');

export const Version = keyword('version', true);
export const From = keyword('from', true);
export const To = keyword('to', true);
export const In = keyword('in', true);
export const Within = keyword('within', true);
export const Until = keyword('until', true);
export const Retry = keyword('retry', true);
export const Backoff = keyword('backoff', true);
export const Input = keyword('input', true);
export const Tracks = keyword('tracks', true);

/** The category of every infix operator: the parser reads `a op b op c` flat and the AST builder applies precedence. */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA });
const binary = { categories: [BinaryOperator] };

export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, ...binary });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, ...binary });
export const LtEq = createToken({ name: 'LtEq', pattern: /<=/, ...binary });
export const GtEq = createToken({ name: 'GtEq', pattern: />=/, ...binary });
export const AndAnd = createToken({ name: 'AndAnd', pattern: /&&/, ...binary });
export const OrOr = createToken({ name: 'OrOr', pattern: /\|\|/, ...binary });
export const Lt = createToken({ name: 'Lt', pattern: /</, ...binary });
export const Gt = createToken({ name: 'Gt', pattern: />/, ...binary });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Bang = createToken({ name: 'Bang', pattern: /!/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, ...binary });
export const Minus = createToken({ name: 'Minus', pattern: /-/, ...binary });
export const Star = createToken({ name: 'Star', pattern: /\*/, ...binary });
export const Slash = createToken({ name: 'Slash', pattern: /\//, ...binary });
export const Percent = createToken({ name: 'Percent', pattern: /%/, ...binary });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const At = createToken({ name: 'At', pattern: /@/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  VersionLiteral,
  DurationLiteral,
  DecimalLiteral,
  IntLiteral,
  StringLiteral,
  // longest first, so `in` does not shadow `input` and `me` does not shadow `message`
  ...[...keywords].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length),
  Identifier,
  Arrow,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  AndAnd,
  OrOr,
  Lt,
  Gt,
  Equals,
  Bang,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
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
  BinaryOperator,
  Name,
];

/** Words that cannot be used as names. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  keywords.filter((k) => !(k.CATEGORIES ?? []).includes(Identifier)).map((k) => k.name.toLowerCase()),
);

/**
 * One lexer for the whole process: chevrotain lexers are stateless between `tokenize` calls.
 * Lines end at `\n` only, as in `positionAt` and the code frame; chevrotain's default also ends one at a lone `\r`.
 */
export const flowLexer = new Lexer(allTokens, {
  positionTracking: 'full',
  ensureOptimizations: false,
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ['\n'],
});
