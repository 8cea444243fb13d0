/**
 * The `.flow` abstract syntax tree: plain JSON-able objects, each with a `kind` and a `loc`.
 *
 * Nodes hold no references to parents, tokens or types, so an AST can be cached, sent to a worker or compared
 * with `toEqual`. Semantic facts (symbols, types) live beside it in the checker's model.
 */

/** A source range. Lines and columns are 1-based; the end is exclusive (it points just past the last character). */
export interface SourceLocation {
  offset: number;
  line: number;
  column: number;
  endOffset: number;
  endLine: number;
  endColumn: number;
}

interface BaseNode {
  loc: SourceLocation;
}

export interface Identifier extends BaseNode {
  kind: 'Identifier';
  /** Empty when the parser recovered from a missing name; later stages ignore such names. */
  name: string;
}

export interface Comment extends BaseNode {
  kind: 'Comment';
  /** `line` is `// ...`, `doc` is `/// ...`, `block` is a `/* ... *\/` comment. */
  style: 'line' | 'doc' | 'block';
  /** The comment exactly as written, markers included. */
  text: string;
}

export interface Document extends BaseNode {
  kind: 'Document';
  items: TopLevelItem[];
  /** Every comment of the file in source order; the printer places them, the AST does not own them. */
  comments: Comment[];
}

export type TopLevelItem = CordappDecl | ImportDecl | Declaration;
export type Declaration = MessageDecl | EnumDecl | FlowDecl;

export interface CordappDecl extends BaseNode {
  kind: 'CordappDecl';
  name: QualifiedName;
  version: string;
}

export interface QualifiedName extends BaseNode {
  kind: 'QualifiedName';
  parts: Identifier[];
}

export interface ImportDecl extends BaseNode {
  kind: 'ImportDecl';
  specifiers: ImportSpecifier[];
  /** The module specifier without quotes: `"flows:std"`, `"./other.flow"` or `"./host.ts"`. */
  source: string;
  sourceLoc: SourceLocation;
}

export interface ImportSpecifier extends BaseNode {
  kind: 'ImportSpecifier';
  name: Identifier;
}

export interface Annotation extends BaseNode {
  kind: 'Annotation';
  name: Identifier;
  args: Expression[];
}

export interface MessageDecl extends BaseNode {
  kind: 'MessageDecl';
  doc?: string;
  annotations: Annotation[];
  name: Identifier;
  fields: FieldDecl[];
}

export interface FieldDecl extends BaseNode {
  kind: 'FieldDecl';
  doc?: string;
  name: Identifier;
  type: TypeRef;
}

export interface EnumDecl extends BaseNode {
  kind: 'EnumDecl';
  doc?: string;
  annotations: Annotation[];
  name: Identifier;
  members: EnumMember[];
}

export interface EnumMember extends BaseNode {
  kind: 'EnumMember';
  doc?: string;
  name: Identifier;
}

export type FlowKind = 'initiating' | 'responder' | 'inline';

export interface FlowDecl extends BaseNode {
  kind: 'FlowDecl';
  doc?: string;
  annotations: Annotation[];
  flowKind: FlowKind;
  name: Identifier;
  params: Param[];
  /** The initiating flow a responder answers (`responder flow B(s: Session) for A`). */
  respondsTo?: Identifier;
  returnType?: TypeRef;
  progress?: ProgressDecl;
  body: Block;
}

export interface Param extends BaseNode {
  kind: 'Param';
  name: Identifier;
  type: TypeRef;
}

export interface ProgressDecl extends BaseNode {
  kind: 'ProgressDecl';
  steps: ProgressStep[];
}

export interface ProgressStep extends BaseNode {
  kind: 'ProgressStep';
  doc?: string;
  name: Identifier;
  label: string;
  /** A flow whose own progress tracker nests under this step. */
  tracks?: Identifier;
}

export interface TypeRef extends BaseNode {
  kind: 'TypeRef';
  name: Identifier;
  args: TypeRef[];
}

export interface Block extends BaseNode {
  kind: 'Block';
  statements: Statement[];
}

// ---------------------------------------------------------------------------------------------------------------
// Statements

export type Statement =
  | LetStatement
  | AssignStatement
  | StepStatement
  | SendStatement
  | ReturnStatement
  | RequireStatement
  | FailStatement
  | IfStatement
  | ForStatement
  | SleepStatement
  | TryStatement
  | CloseStatement
  | ExpressionStatement;

export interface LetStatement extends BaseNode {
  kind: 'LetStatement';
  mutable: boolean;
  name: Identifier;
  type?: TypeRef;
  init: Expression;
}

export interface AssignStatement extends BaseNode {
  kind: 'AssignStatement';
  target: Expression;
  value: Expression;
}

export interface StepStatement extends BaseNode {
  kind: 'StepStatement';
  step: Identifier;
}

export interface SendStatement extends BaseNode {
  kind: 'SendStatement';
  value: Expression;
  session: Expression;
}

export interface ReturnStatement extends BaseNode {
  kind: 'ReturnStatement';
  value?: Expression;
}

export interface RequireStatement extends BaseNode {
  kind: 'RequireStatement';
  condition: Expression;
  message: Expression;
}

export interface FailStatement extends BaseNode {
  kind: 'FailStatement';
  message: Expression;
}

export interface IfStatement extends BaseNode {
  kind: 'IfStatement';
  condition: Expression;
  then: Block;
  /** `else if` is an `IfStatement` here; a plain `else` is a `Block`. */
  else?: Block | IfStatement;
}

export interface ForStatement extends BaseNode {
  kind: 'ForStatement';
  variable: Identifier;
  iterable: Expression;
  body: Block;
}

export interface SleepStatement extends BaseNode {
  kind: 'SleepStatement';
  /** `sleep 5m` waits a duration; `sleep until t` waits for an instant. */
  until: boolean;
  value: Expression;
}

export interface TryStatement extends BaseNode {
  kind: 'TryStatement';
  body: Block;
  errorName?: Identifier;
  handler: Block;
}

export interface CloseStatement extends BaseNode {
  kind: 'CloseStatement';
  session: Expression;
}

export interface ExpressionStatement extends BaseNode {
  kind: 'ExpressionStatement';
  expression: Expression;
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions

export type Expression =
  | IntLiteral
  | DecimalLiteral
  | StringLiteral
  | BoolLiteral
  | DurationLiteral
  | ListExpression
  | RecordExpression
  | NameExpression
  | MeExpression
  | MemberExpression
  | CallExpression
  | UnaryExpression
  | BinaryExpression
  | ReceiveExpression
  | CallFlowExpression
  | AwaitInputExpression
  | AwaitExpression
  | OpenExpression
  | ErrorExpression;

export interface IntLiteral extends BaseNode {
  kind: 'IntLiteral';
  /** Digits as written, so large values survive. */
  value: string;
}

export interface DecimalLiteral extends BaseNode {
  kind: 'DecimalLiteral';
  value: string;
}

/** A string; `parts` alternate text and `{interpolated}` expressions. */
export interface StringLiteral extends BaseNode {
  kind: 'StringLiteral';
  parts: (string | Expression)[];
}

export interface BoolLiteral extends BaseNode {
  kind: 'BoolLiteral';
  value: boolean;
}

export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

export interface DurationLiteral extends BaseNode {
  kind: 'DurationLiteral';
  amount: string;
  unit: DurationUnit;
}

export interface ListExpression extends BaseNode {
  kind: 'ListExpression';
  elements: Expression[];
}

export interface RecordExpression extends BaseNode {
  kind: 'RecordExpression';
  type: Identifier;
  fields: RecordField[];
}

export interface RecordField extends BaseNode {
  kind: 'RecordField';
  name: Identifier;
  value: Expression;
}

export interface NameExpression extends BaseNode {
  kind: 'NameExpression';
  name: Identifier;
}

export interface MeExpression extends BaseNode {
  kind: 'MeExpression';
}

export interface MemberExpression extends BaseNode {
  kind: 'MemberExpression';
  object: Expression;
  member: Identifier;
}

export interface CallExpression extends BaseNode {
  kind: 'CallExpression';
  callee: Expression;
  args: Expression[];
}

export type UnaryOperator = '-' | '!';

export interface UnaryExpression extends BaseNode {
  kind: 'UnaryExpression';
  operator: UnaryOperator;
  operand: Expression;
}

export type BinaryOperator =
  '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpression extends BaseNode {
  kind: 'BinaryExpression';
  operator: BinaryOperator;
  left: Expression;
  right: Expression;
}

export interface ReceiveExpression extends BaseNode {
  kind: 'ReceiveExpression';
  type: TypeRef;
  session: Expression;
  within?: Expression;
}

export interface CallFlowExpression extends BaseNode {
  kind: 'CallFlowExpression';
  flow: Identifier;
  args: Expression[];
}

export interface AwaitInputExpression extends BaseNode {
  kind: 'AwaitInputExpression';
  type: TypeRef;
  prompt: StringLiteral;
  within?: Expression;
}

/** `await hostFn(args) retry N backoff D`: an external operation. */
export interface AwaitExpression extends BaseNode {
  kind: 'AwaitExpression';
  operation: Expression;
  retry?: Expression;
  backoff?: Expression;
}

export interface OpenExpression extends BaseNode {
  kind: 'OpenExpression';
  party: Expression;
}

/** Stands where the parser recovered from a missing expression; it has every type and reports nothing. */
export interface ErrorExpression extends BaseNode {
  kind: 'ErrorExpression';
}

export type Node =
  | Document
  | Identifier
  | QualifiedName
  | TopLevelItem
  | ImportSpecifier
  | Annotation
  | FieldDecl
  | EnumMember
  | Param
  | ProgressDecl
  | ProgressStep
  | TypeRef
  | Block
  | Statement
  | Expression
  | RecordField;

export type NodeKind = Node['kind'];
export type NodeOfKind<K extends NodeKind> = Extract<Node, { kind: K }>;
