/**
 * Contracts: TypeScript functions that accept or reject a transaction for the states they govern. A CorDapp's host
 * module defines them with `defineContract`; defining one registers it process-wide (on `globalThis`, because each
 * bundle carries its own copy of the modules it imports), so every node that installed the CorDapp can verify
 * transactions that use it — a validating notary included.
 */
import type { LedgerTransaction } from './types.js';

export type ContractVerify = (tx: LedgerTransaction) => void;

const REGISTRY = Symbol.for('flows.contracts');

function registry(): Map<string, ContractVerify> {
  const g = globalThis as { [REGISTRY]?: Map<string, ContractVerify> };
  return (g[REGISTRY] ??= new Map());
}

export function defineContract(name: string, verify: ContractVerify): string {
  registry().set(name, verify);
  return name;
}

export function contractNamed(name: string): ContractVerify | undefined {
  return registry().get(name);
}

/** `require` for contracts: throws the message when the condition does not hold. */
export function requireThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
