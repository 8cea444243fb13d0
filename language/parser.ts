/**
 * The `.flow` grammar as a chevrotain `CstParser` with error recovery. `cstToAst.ts` turns its CST into the AST.
 *
 * Binary operators are parsed flat (`operand (op operand)*`) and given their precedence when building the AST:
 * one rule instead of seven nested ones keeps the parser fast on long files.
 *
 * Like Rust, a condition (`if c {`, `for x in xs {`) cannot be a bare record construction, because `Name {`
 * would be ambiguous with the block that follows; `(Name { ... })` is fine there.
 */
import { CstParser, type CstNode, type IOrAlt, type IToken, type TokenType } from 'chevrotain';
import { flowErrorMessages } from './syntaxErrors.js';
import * as t from './tokens.js';

class FlowParser extends CstParser {
  /** True while parsing an `if`/`for` header, where `Name {` starts the block and not a record. */
  private noRecord = false;
  /**
   * The alternatives of the hot rules, built on their first call and reused: a fresh array of closures on every
   * call of `statement`, `unary`, `postfix` and `primary` made most of the parser's garbage.
   */
  private readonly cached = new Map<string, IOrAlt<unknown>[]>();
  private alternatives(rule: string, build: () => IOrAlt<unknown>[]): IOrAlt<unknown>[] {
    let alternatives = this.cached.get(rule);
    if (!alternatives) this.cached.set(rule, (alternatives = build()));
    return alternatives;
  }

  constructor() {
    super(t.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'full',
      maxLookahead: 3,
      errorMessageProvider: flowErrorMessages,
    });
    this.performSelfAnalysis();
  }

  public resetState(): void {
    this.noRecord = false;
  }

  public document = this.RULE('document', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.cordappDecl) },
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.declaration) },
      ]);
    });
  });

  private cordappDecl = this.RULE('cordappDecl', () => {
    this.CONSUME(t.Cordapp);
    this.SUBRULE(this.qualifiedName);
    this.CONSUME(t.Version);
    this.CONSUME(t.VersionLiteral);
  });

  private qualifiedName = this.RULE('qualifiedName', () => {
    this.CONSUME(t.Identifier);
    this.MANY(() => {
      this.CONSUME(t.Dot);
      this.CONSUME2(t.Identifier);
    });
  });

  private importDecl = this.RULE('importDecl', () => {
    this.CONSUME(t.Import);
    this.CONSUME(t.LBrace);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.CONSUME(t.Identifier) });
    this.CONSUME(t.RBrace);
    this.CONSUME(t.From);
    this.CONSUME(t.StringLiteral);
  });

  private declaration = this.RULE('declaration', () => {
    this.MANY(() => this.SUBRULE(this.annotation));
    this.OR([
      { ALT: () => this.SUBRULE(this.messageDecl) },
      { ALT: () => this.SUBRULE(this.enumDecl) },
      { ALT: () => this.SUBRULE(this.flowDecl) },
    ]);
  });

  private annotation = this.RULE('annotation', () => {
    this.CONSUME(t.At);
    this.CONSUME(t.Identifier);
    this.OPTION(() => {
      this.CONSUME(t.LParen);
      this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.expression) });
      this.CONSUME(t.RParen);
    });
  });

  private messageDecl = this.RULE('messageDecl', () => {
    this.CONSUME(t.Message);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.fieldDecl));
    this.CONSUME(t.RBrace);
  });

  private fieldDecl = this.RULE('fieldDecl', () => {
    this.CONSUME(t.Name, { LABEL: 'Identifier' });
    this.CONSUME(t.Colon);
    this.SUBRULE(this.typeRef);
    this.OPTION(() => this.CONSUME(t.Comma));
  });

  private enumDecl = this.RULE('enumDecl', () => {
    this.CONSUME(t.Enum);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.LBrace);
    this.MANY(() => {
      this.CONSUME2(t.Identifier, { LABEL: 'member' });
      this.OPTION(() => this.CONSUME(t.Comma));
    });
    this.CONSUME(t.RBrace);
  });

  private flowDecl = this.RULE('flowDecl', () => {
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(t.Initiating) }, { ALT: () => this.CONSUME(t.Responder) }]);
    });
    this.CONSUME(t.Flow);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.LParen);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(t.RParen);
    this.OPTION2(() => {
      this.CONSUME(t.For);
      this.CONSUME2(t.Identifier, { LABEL: 'respondsTo' });
    });
    this.OPTION3(() => {
      this.CONSUME(t.Arrow);
      this.SUBRULE(this.typeRef);
    });
    this.CONSUME(t.LBrace);
    this.OPTION4(() => this.SUBRULE(this.progressDecl));
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(t.RBrace);
  });

  private param = this.RULE('param', () => {
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Colon);
    this.SUBRULE(this.typeRef);
  });

  private progressDecl = this.RULE('progressDecl', () => {
    this.CONSUME(t.Progress);
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.progressStep));
    this.CONSUME(t.RBrace);
  });

  private progressStep = this.RULE('progressStep', () => {
    this.CONSUME(t.Identifier);
    this.CONSUME(t.StringLiteral);
    this.OPTION(() => {
      this.CONSUME(t.Tracks);
      this.CONSUME2(t.Identifier, { LABEL: 'tracks' });
    });
  });

  private typeRef = this.RULE('typeRef', () => {
    this.CONSUME(t.Identifier);
    this.OPTION(() => {
      this.CONSUME(t.Lt);
      this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.typeRef) });
      this.CONSUME(t.Gt);
    });
  });

  private block = this.RULE('block', () => {
    this.CONSUME(t.LBrace);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(t.RBrace);
  });

  // ---- statements ---------------------------------------------------------------------------------------------

  private statement = this.RULE('statement', () => {
    this.OR(
      this.alternatives('statement', () => [
        { ALT: () => this.SUBRULE(this.letStatement) },
        { ALT: () => this.SUBRULE(this.stepStatement) },
        { ALT: () => this.SUBRULE(this.sendStatement) },
        { ALT: () => this.SUBRULE(this.returnStatement) },
        { ALT: () => this.SUBRULE(this.requireStatement) },
        { ALT: () => this.SUBRULE(this.failStatement) },
        { ALT: () => this.SUBRULE(this.ifStatement) },
        { ALT: () => this.SUBRULE(this.forStatement) },
        { ALT: () => this.SUBRULE(this.sleepStatement) },
        { ALT: () => this.SUBRULE(this.tryStatement) },
        { ALT: () => this.SUBRULE(this.closeStatement) },
        { ALT: () => this.SUBRULE(this.expressionStatement) },
      ]),
    );
  });

  private letStatement = this.RULE('letStatement', () => {
    this.OR(
      this.alternatives('let', () => [
        { ALT: () => this.CONSUME(t.Let) },
        { ALT: () => this.CONSUME(t.Var) },
      ]),
    );
    this.CONSUME(t.Identifier);
    this.OPTION(() => {
      this.CONSUME(t.Colon);
      this.SUBRULE(this.typeRef);
    });
    this.CONSUME(t.Equals);
    this.SUBRULE(this.expression);
  });

  private stepStatement = this.RULE('stepStatement', () => {
    this.CONSUME(t.Step);
    this.CONSUME(t.Identifier);
  });

  private sendStatement = this.RULE('sendStatement', () => {
    this.CONSUME(t.Send);
    this.SUBRULE(this.expression, { LABEL: 'value' });
    this.CONSUME(t.To);
    this.SUBRULE2(this.expression, { LABEL: 'session' });
  });

  private returnStatement = this.RULE('returnStatement', () => {
    this.CONSUME(t.Return);
    this.OPTION(() => this.SUBRULE(this.expression));
  });

  private requireStatement = this.RULE('requireStatement', () => {
    this.CONSUME(t.Require);
    this.SUBRULE(this.expression, { LABEL: 'condition' });
    this.CONSUME(t.Else);
    this.SUBRULE2(this.expression, { LABEL: 'message' });
  });

  private failStatement = this.RULE('failStatement', () => {
    this.CONSUME(t.Fail);
    this.SUBRULE(this.expression);
  });

  private ifStatement = this.RULE('ifStatement', () => {
    this.CONSUME(t.If);
    this.SUBRULE(this.condition);
    this.SUBRULE(this.block, { LABEL: 'then' });
    this.OPTION(() => {
      this.CONSUME(t.Else);
      this.OR([
        { ALT: () => this.SUBRULE(this.ifStatement, { LABEL: 'elseIf' }) },
        { ALT: () => this.SUBRULE2(this.block, { LABEL: 'elseBlock' }) },
      ]);
    });
  });

  private forStatement = this.RULE('forStatement', () => {
    this.CONSUME(t.For);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.In);
    this.SUBRULE(this.condition);
    this.SUBRULE(this.block);
  });

  /** An expression in which `Name {` is not a record (see the file comment). */
  private condition = this.RULE('condition', () => {
    let saved = false;
    this.ACTION(() => {
      saved = this.noRecord;
      this.noRecord = true;
    });
    this.SUBRULE(this.expression);
    this.ACTION(() => (this.noRecord = saved));
  });

  private sleepStatement = this.RULE('sleepStatement', () => {
    this.CONSUME(t.Sleep);
    this.OPTION(() => this.CONSUME(t.Until));
    this.SUBRULE(this.expression);
  });

  private tryStatement = this.RULE('tryStatement', () => {
    this.CONSUME(t.Try);
    this.SUBRULE(this.block, { LABEL: 'body' });
    this.CONSUME(t.Catch);
    this.OPTION(() => this.CONSUME(t.Identifier));
    this.SUBRULE2(this.block, { LABEL: 'handler' });
  });

  private closeStatement = this.RULE('closeStatement', () => {
    this.CONSUME(t.Close);
    this.SUBRULE(this.expression);
  });

  private expressionStatement = this.RULE('expressionStatement', () => {
    this.SUBRULE(this.expression, { LABEL: 'target' });
    this.OPTION(() => {
      this.CONSUME(t.Equals);
      this.SUBRULE2(this.expression, { LABEL: 'value' });
    });
  });

  // ---- expressions --------------------------------------------------------------------------------------------

  public expression = this.RULE('expression', () => {
    this.SUBRULE(this.unary);
    this.MANY(this.binaryTail);
  });

  private readonly binaryTail = (): void => {
    this.CONSUME(t.BinaryOperator);
    this.SUBRULE2(this.unary);
  };

  private unary = this.RULE('unary', () => {
    this.OR(
      this.alternatives('unary', () => [
        {
          ALT: () => {
            this.OR2(
              this.alternatives('prefix', () => [
                { ALT: () => this.CONSUME(t.Minus) },
                { ALT: () => this.CONSUME(t.Bang) },
              ]),
            );
            this.SUBRULE(this.unary);
          },
        },
        { ALT: () => this.SUBRULE(this.receiveExpression) },
        { ALT: () => this.SUBRULE(this.callFlowExpression) },
        { ALT: () => this.SUBRULE(this.awaitExpression) },
        { ALT: () => this.SUBRULE(this.openExpression) },
        { ALT: () => this.SUBRULE(this.postfix) },
      ]),
    );
  });

  private receiveExpression = this.RULE('receiveExpression', () => {
    this.CONSUME(t.Receive);
    this.SUBRULE(this.typeRef);
    this.CONSUME(t.From);
    this.SUBRULE(this.postfix, { LABEL: 'session' });
    this.OPTION(() => {
      this.CONSUME(t.Within);
      this.SUBRULE2(this.postfix, { LABEL: 'within' });
    });
  });

  private callFlowExpression = this.RULE('callFlowExpression', () => {
    this.CONSUME(t.Call);
    this.CONSUME(t.Identifier);
    this.SUBRULE(this.argumentList);
  });

  private awaitExpression = this.RULE('awaitExpression', () => {
    this.CONSUME(t.Await);
    this.OR([
      {
        // `await input Type "prompt"`; `await input(x)` stays a call of a host function named `input`
        GATE: () => this.LA(2).tokenType !== t.LParen,
        ALT: () => {
          this.CONSUME(t.Input);
          this.SUBRULE(this.typeRef);
          this.CONSUME(t.StringLiteral);
          this.OPTION(() => {
            this.CONSUME(t.Within);
            this.SUBRULE(this.postfix, { LABEL: 'within' });
          });
        },
      },
      {
        ALT: () => {
          this.SUBRULE2(this.postfix, { LABEL: 'operation' });
          this.OPTION2(() => {
            this.CONSUME(t.Retry);
            this.SUBRULE3(this.postfix, { LABEL: 'retry' });
            this.OPTION3(() => {
              this.CONSUME(t.Backoff);
              this.SUBRULE4(this.postfix, { LABEL: 'backoff' });
            });
          });
        },
      },
    ]);
  });

  private openExpression = this.RULE('openExpression', () => {
    this.CONSUME(t.Open);
    this.SUBRULE(this.postfix);
  });

  private postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary);
    this.MANY(this.postfixSuffix);
  });

  private readonly postfixSuffix = (): void => {
    this.OR(
      this.alternatives('suffix', () => [
        {
          ALT: () => {
            this.CONSUME(t.Dot);
            this.CONSUME(t.Name, { LABEL: 'member' });
          },
        },
        { ALT: () => this.SUBRULE(this.argumentList) },
      ]),
    );
  };

  private argumentList = this.RULE('argumentList', () => {
    this.CONSUME(t.LParen);
    this.nested(this.argumentsBody);
    this.CONSUME(t.RParen);
  });

  private readonly argumentsBody = (): void => {
    this.MANY_SEP(this.argumentsSeparated);
  };
  private readonly argumentsSeparated = { SEP: t.Comma, DEF: () => this.SUBRULE(this.expression) };

  private primary = this.RULE('primary', () => {
    this.OR(
      this.alternatives('primary', () => [
        { ALT: () => this.CONSUME(t.IntLiteral) },
        { ALT: () => this.CONSUME(t.DecimalLiteral) },
        { ALT: () => this.CONSUME(t.DurationLiteral) },
        { ALT: () => this.CONSUME(t.StringLiteral) },
        { ALT: () => this.CONSUME(t.True) },
        { ALT: () => this.CONSUME(t.False) },
        { ALT: () => this.CONSUME(t.Me) },
        { ALT: () => this.SUBRULE(this.nameOrRecord) },
        { ALT: () => this.SUBRULE(this.listExpression) },
        { ALT: () => this.SUBRULE(this.parenExpression) },
      ]),
    );
  });

  private nameOrRecord = this.RULE('nameOrRecord', () => {
    this.CONSUME(t.Identifier);
    this.OPTION(this.recordBody);
  });

  /** Built once, like the cached alternatives: `nameOrRecord` runs for every name in an expression. */
  private readonly recordBody = {
    GATE: () => !this.noRecord && this.recordAhead(),
    DEF: () => {
      this.CONSUME(t.LBrace);
      this.nested(() => {
        this.MANY(() => {
          this.SUBRULE(this.recordField);
          this.OPTION2(() => this.CONSUME(t.Comma));
        });
      });
      this.CONSUME(t.RBrace);
    },
  };

  private recordField = this.RULE('recordField', () => {
    this.CONSUME(t.Name, { LABEL: 'Identifier' });
    this.CONSUME(t.Colon);
    this.SUBRULE(this.expression);
  });

  private listExpression = this.RULE('listExpression', () => {
    this.CONSUME(t.LBracket);
    this.nested(() => {
      this.MANY(() => {
        this.SUBRULE(this.expression);
        this.OPTION(() => this.CONSUME(t.Comma));
      });
    });
    this.CONSUME(t.RBracket);
  });

  private parenExpression = this.RULE('parenExpression', () => {
    this.CONSUME(t.LParen);
    this.nested(() => this.SUBRULE(this.expression));
    this.CONSUME(t.RParen);
  });

  /** `{` then `}` or `name:`: a record body, not a block. */
  private recordAhead(): boolean {
    if (this.LA(1).tokenType !== t.LBrace) return false;
    const next = this.LA(2).tokenType;
    if (next === t.RBrace) return true;
    return isName(next) && this.LA(3).tokenType === t.Colon;
  }

  /** Inside brackets a record is unambiguous again. */
  private nested(parse: () => void): void {
    let saved = false;
    this.ACTION(() => {
      saved = this.noRecord;
      this.noRecord = false;
    });
    parse();
    this.ACTION(() => (this.noRecord = saved));
  }
}

function isName(type: TokenType): boolean {
  return type === t.Identifier || (type.CATEGORIES ?? []).includes(t.Name);
}

/** One parser instance for the process; `parseCst` resets it for each input. */
export const flowParser = new FlowParser();

export interface CstResult {
  cst: CstNode;
  errors: { message: string; token: IToken; previousToken?: IToken }[];
}

export function parseTokens(tokens: IToken[]): CstResult {
  flowParser.input = tokens;
  flowParser.resetState();
  const cst = flowParser.document();
  const errors = flowParser.errors.map((e) => ({
    message: e.message,
    token: e.token,
    previousToken: (e as { previousToken?: IToken }).previousToken,
  }));
  return { cst, errors };
}

/** Parses the tokens of one expression (a string interpolation); leftover tokens are an error. */
export function parseExpressionTokens(tokens: IToken[]): CstResult {
  flowParser.input = tokens;
  flowParser.resetState();
  const cst = flowParser.expression();
  const errors = flowParser.errors.map((e) => ({ message: e.message, token: e.token }));
  return { cst, errors };
}
