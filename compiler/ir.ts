/**
 * The flow IR: one flow as a graph of nodes, with every suspension point explicit. Lowering (`lower.ts`) builds
 * it from the checked AST; machine generation (`machine.ts`), the graph view (`graph.ts`) and the typed client
 * API read it. Plain JSON: expressions are carried as generated JavaScript plus their `.flow` text.
 */
import type { FlowKind, SourceLocation } from '../language/index.js';
import type { Type } from '../language/types.js';

/** An expression compiled to JavaScript over the flow context `c` (see `expressions.ts`). */
export interface IRExpression {
  /** JavaScript source; reads variables as `c.name`, host functions as `h.name`, runtime helpers as `rt.name`. */
  js: string;
  /** The expression as written in `.flow`, for graphs and messages. */
  text: string;
}

export type Operation =
  | { op: 'assign'; variable: string; value: IRExpression }
  /** Evaluate for its effect (a host call); the value is dropped. */
  | { op: 'evaluate'; value: IRExpression }
  | { op: 'send'; session: IRExpression; value: IRExpression; messageType: string }
  | { op: 'close'; session: IRExpression }
  | { op: 'step'; step: string }
  /** Forget variables that went out of scope (loop state), so checkpoints stay small. */
  | { op: 'clear'; variables: string[] };

export type SuspendKind = 'receive' | 'open' | 'call' | 'input' | 'external' | 'sleep';

export interface SuspendDetails {
  kind: SuspendKind;
  /** The variable that receives the result, if the result is kept. */
  variable?: string;
  /** receive: the session; open: the party; call: the flow name; external: the host function name. */
  session?: IRExpression;
  party?: IRExpression;
  flow?: string;
  /** Whether the called flow is inline (shares the caller's sessions) or initiating (opens its own). */
  flowKind?: FlowKind;
  fn?: string;
  args?: IRExpression[];
  /** receive and input: the expected DSL type, by name (`Amount`, `List<Leg>`). */
  type?: string;
  prompt?: IRExpression;
  /** A time limit (receive, input), a sleep length, or `until` an instant. */
  within?: IRExpression;
  duration?: IRExpression;
  until?: IRExpression;
  retry?: IRExpression;
  backoff?: IRExpression;
}

interface BaseNode {
  id: string;
  loc: SourceLocation;
  /** The progress step in force here when every path agrees; undefined before the first step or where paths differ. */
  step?: string;
}

export type IRNode =
  | (BaseNode & { kind: 'exec'; ops: Operation[]; next: string })
  | (BaseNode & {
      kind: 'branch';
      condition: IRExpression;
      then: string;
      else: string;
      label: 'if' | 'for' | 'require';
    })
  | (BaseNode & { kind: 'suspend'; suspend: SuspendDetails; next: string; onError: string })
  /** Raises a FlowError: to the innermost `catch`, or the flow fails. */
  | (BaseNode & { kind: 'fail'; message: IRExpression; onError: string })
  /** Entry of a `catch` block: binds the error to `variable`. */
  | (BaseNode & { kind: 'catch'; variable?: string; next: string })
  | (BaseNode & { kind: 'return'; value?: IRExpression })
  /** The two final nodes every flow has. */
  | (BaseNode & { kind: 'done' })
  | (BaseNode & { kind: 'failed' });

export type IRNodeKind = IRNode['kind'];

export interface IRParam {
  name: string;
  type: Type;
  typeText: string;
}

export interface IRHostFunction {
  name: string;
  module: string;
  /** Takes the implicit `ctx` first parameter. */
  context: boolean;
  async: boolean;
}

export interface IRProgressStep {
  name: string;
  label: string;
  tracks?: string;
}

export interface FlowIR {
  name: string;
  kind: FlowKind;
  /** The source file, relative to the CorDapp's directory. */
  file: string;
  loc: SourceLocation;
  doc?: string;
  params: IRParam[];
  returnType?: Type;
  returnTypeText?: string;
  startable: boolean;
  idempotent: boolean;
  /** `@version(N)`; 1 when absent. */
  version: number;
  respondsTo?: string;
  progress: IRProgressStep[];
  /** Every variable of the flow (parameters, locals, loop state), with unique names. */
  variables: { name: string; type: string; source?: string }[];
  /** Host functions the flow calls: `module` is the import specifier, relative to the flow's file. */
  hostFunctions: IRHostFunction[];
  entry: string;
  nodes: IRNode[];
}

export const DONE = '$done';
export const FAILED = '$failed';

/** The nodes control can go to from `node`: the graph's edges, error edges included. */
export function successors(node: IRNode): string[] {
  switch (node.kind) {
    case 'exec':
    case 'catch':
      return [node.next];
    case 'branch':
      return [node.then, node.else];
    case 'suspend':
      return [node.next, node.onError];
    case 'fail':
      return [node.onError];
    case 'return':
      return [DONE];
    case 'done':
    case 'failed':
      return [];
  }
}
