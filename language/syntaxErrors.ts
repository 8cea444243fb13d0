/** Syntax error sentences for chevrotain, in the words a `.flow` author uses. */
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as t from './tokens.js';

const TOKEN_LABELS = new Map<TokenType, string>([
  [t.Identifier, 'a name'],
  [t.StringLiteral, 'a string'],
  [t.IntLiteral, 'a number'],
  [t.DecimalLiteral, 'a decimal number'],
  [t.DurationLiteral, 'a duration such as 30s'],
  [t.VersionLiteral, 'a version such as 1.0.0'],
  [t.BinaryOperator, 'an operator'],
  [EOF, 'the end of the file'],
]);

const RULE_LABELS: Record<string, string> = {
  document: 'a declaration (cordapp, import, message, enum or flow)',
  declaration: 'a declaration (message, enum or flow)',
  statement: 'a statement',
  expression: 'an expression',
  unary: 'an expression',
  primary: 'an expression',
  postfix: 'an expression',
  typeRef: 'a type',
  block: 'a block in braces',
  awaitExpression: 'what to await: "input Type" or a host function call',
};

export function tokenLabel(type: TokenType): string {
  const label = TOKEN_LABELS.get(type);
  if (label) return label;
  const pattern = type.PATTERN;
  if (pattern instanceof RegExp) return `"${pattern.source.replace(/\\/g, '')}"`;
  return type.name;
}

export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the file';
  return `"${token.image}"`;
}

export const flowErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `Expected ${tokenLabel(expected)} but found ${describeToken(actual)}.`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `Unexpected ${describeToken(firstRedundant)}: expected ${RULE_LABELS['document']}.`;
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const token = actual[0];
    const found = token ? describeToken(token) : 'input';
    return `Unexpected ${found}: expected ${RULE_LABELS[ruleName] ?? ruleName}.`;
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    const token = actual[0];
    const found = token ? describeToken(token) : 'input';
    return `Unexpected ${found}: expected ${RULE_LABELS[ruleName] ?? ruleName}.`;
  },
};
