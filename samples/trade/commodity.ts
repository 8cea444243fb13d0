// The trade sample's asset: a commodity lot with an owner. Its contract, and the host functions that issue a lot
// and find one in the vault.
import { defineContract, requireThat } from '../../runtime/ledger/contracts.js';
import type { LedgerServices } from '../../runtime/ledger/services.js';
import type { LedgerTransaction, StateAndRef as Sar } from '../../runtime/ledger/types.js';
import type {
  FlowContext as LibraryContext,
  SignedTransaction,
  StateAndRef,
} from '../../runtime/library/ledger.ts';

export type Party = string;
export type Int = number;

export interface FlowContext {
  flowId: string;
  me: string;
  ledger: LedgerServices;
}

export const COMMODITY = 'Commodity';

/** A lot is issued by its first owner and moves whole, with its owner's signature. */
defineContract(COMMODITY, (tx: LedgerTransaction) => {
  const command = tx.commands.find((c) => c.contract === COMMODITY);
  requireThat(command, 'A transaction with Commodity states needs a Commodity command');
  const inputs = tx.inputs.filter((s) => s.state.contract === COMMODITY);
  const outputs = tx.outputs.filter((s) => s.contract === COMMODITY);
  if (command.name === 'Issue') {
    requireThat(inputs.length === 0, 'Issuing a commodity consumes none');
    for (const o of outputs)
      requireThat(command.signers.includes(String(o.data['owner'])), 'The first owner signs the issue');
    return;
  }
  requireThat(command.name === 'Move', 'Commodity commands are Issue or Move');
  requireThat(inputs.length === outputs.length, 'A commodity move keeps every lot');
  inputs.forEach((input, i) => {
    const output = outputs[i]!;
    const { owner: from, ...before } = input.state.data;
    const { owner: to, ...after } = output.data;
    void to;
    requireThat(
      JSON.stringify(before) === JSON.stringify(after),
      'A moved lot keeps its description and quantity',
    );
    requireThat(command.signers.includes(String(from)), `The owner ${String(from)} signs the move`);
  });
});

/** A transaction issuing a lot to this node, signed (no notary needed to issue). */
export function issueCommodity(
  ctx: FlowContext,
  assetId: string,
  description: string,
  quantity: Int,
  notary: Party,
): SignedTransaction {
  const tx = ctx.ledger.build({
    inputs: [],
    references: [],
    outputs: [
      {
        data: { assetId, description, quantity, owner: ctx.me },
        contract: COMMODITY,
        participants: [ctx.me],
        notary,
      },
    ],
    commands: [{ contract: COMMODITY, name: 'Issue', signers: [ctx.me] }],
  });
  return ctx.ledger.sign(tx) as unknown as SignedTransaction;
}

/** The lot `assetId` this node owns, from its vault. */
export function findCommodity(ctx: FlowContext, assetId: string): StateAndRef {
  const found = ctx.ledger.query({ contract: COMMODITY, where: { assetId, owner: ctx.me }, limit: 1 })[0];
  if (!found)
    throw Object.assign(new Error(`${ctx.me} owns no commodity ${assetId}.`), { name: 'FlowError' });
  return found as unknown as StateAndRef;
}

/** Whether this node owns the lot `assetId`. */
export function ownsCommodity(ctx: FlowContext, assetId: string): boolean {
  return ctx.ledger.query({ contract: COMMODITY, where: { assetId, owner: ctx.me }, limit: 1 }).length > 0;
}

export type { LibraryContext, Sar };
