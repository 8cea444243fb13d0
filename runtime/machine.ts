/**
 * Turns a compiled flow (machine config JSON + named action and guard code) into an XState machine. Pure and
 * isomorphic: the node runtime and the designer's in-browser simulation both use it.
 *
 * Bundles carry the implementations as real functions (`flows.js`); `compileImplementations` builds the same
 * functions from the code strings in memory, for tests and the designer.
 */
import { assign, emit, setup, type AnyStateMachine } from 'xstate';
import { runtimeHelpers, type RuntimeHelpers } from './values.js';

export interface ActionCode {
  kind: 'assign' | 'emit';
  code: string;
}

export interface CompiledFlow {
  config: Record<string, unknown>;
  actions: Record<string, ActionCode>;
  guards: Record<string, string>;
}

type Context = Record<string, unknown>;
type Event = Record<string, unknown> & { type: string };
export type HostFunctions = Record<string, (...args: unknown[]) => unknown>;

export interface FlowContextValue {
  flowId: string;
  me: string;
}

/** The `ctx` that host functions receive as their implicit first parameter. */
export function flowContextOf(c: Context): FlowContextValue {
  return { flowId: String(c['$flowId']), me: String(c['$me']) };
}

export interface Implementations {
  // XState's own action and guard types are too precise to write out for generated code
  actions: Record<string, unknown>;
  guards: Record<string, (args: { context: Context; event: Event }) => boolean>;
}

type Evaluator = (
  c: Context,
  e: Event,
  h: HostFunctions,
  rt: RuntimeHelpers,
  ctx: typeof flowContextOf,
) => unknown;

function evaluator(code: string): Evaluator {
  // the code comes from our own compiler, never from user input at run time
  return new Function('c', 'e', 'h', 'rt', 'ctx', `"use strict"; return (${code});`) as Evaluator;
}

export function compileImplementations(flow: CompiledFlow, host: HostFunctions = {}): Implementations {
  const actions: Record<string, unknown> = {};
  for (const [name, action] of Object.entries(flow.actions)) {
    const fn = evaluator(action.code);
    actions[name] =
      action.kind === 'assign'
        ? assign(
            ({ context, event }: { context: Context; event: Event }) =>
              fn(context, event, host, runtimeHelpers, flowContextOf) as Context,
          )
        : emit(
            ({ context, event }: { context: Context; event: Event }) =>
              fn(context, event, host, runtimeHelpers, flowContextOf) as Event,
          );
  }
  const guards: Implementations['guards'] = {};
  for (const [name, code] of Object.entries(flow.guards)) {
    const fn = evaluator(code);
    guards[name] = ({ context, event }) => Boolean(fn(context, event, host, runtimeHelpers, flowContextOf));
  }
  return { actions, guards };
}

/** What a finished flow produced: its result, or the FlowError that ended it. */
export function flowOutput(context: Context): { result?: unknown; error?: { message: string } } {
  const error = context['$error'] as { message: string } | undefined;
  return error ? { error } : { result: context['$result'] };
}

export function createFlowMachine(
  flow: Pick<CompiledFlow, 'config'>,
  implementations: Implementations,
): AnyStateMachine {
  const machine = setup({
    actions: implementations.actions as never,
    guards: implementations.guards as never,
  }).createMachine({
    ...(flow.config as object),
    output: ({ context }: { context: Context }) => flowOutput(context),
  } as never);
  return machine as unknown as AnyStateMachine;
}
