// Host functions of the backchain test: the newest cash state in the vault, and how many transactions a node has.
import type { LedgerServices } from '../../../../runtime/ledger/services.js';
import type { StateAndRef } from '../../../../runtime/library/ledger.ts';

export type Int = number;

export interface FlowContext {
  flowId: string;
  me: string;
  ledger: LedgerServices;
}

/** The newest unconsumed Cash state this node holds. */
export function newestCash(ctx: FlowContext): StateAndRef {
  const all = ctx.ledger.query({ contract: 'Cash' });
  return all[all.length - 1] as unknown as StateAndRef;
}

/** Whether this node has the transaction that created the state (it resolved the backchain). */
export function hasCreator(ctx: FlowContext, state: StateAndRef): boolean {
  const ref = (state as unknown as { ref: string }).ref;
  return ctx.ledger.hasTransaction(ref.slice(0, ref.lastIndexOf(':')));
}
