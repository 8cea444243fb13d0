// The IOU sample's state and contract, and the host functions that build the transactions that issue and settle
// an IOU. Cash and its coin selection come from the flow library (runtime/library/cash.ts).
import { defineContract, requireThat } from '../../runtime/ledger/contracts.js';
import type {
  Command,
  LedgerTransaction,
  SignedTransaction as Stx,
  StateAndRef as Sar,
  TransactionState,
} from '../../runtime/ledger/types.js';
import type { FlowContext, SignedTransaction, StateAndRef } from '../../runtime/library/ledger.ts';

export type Party = string;
export type Amount = { quantity: number; currency: string };

/** An IOU: `borrower` owes `lender` `amount`, of which `paid` is paid back. */
export interface Iou {
  reference: string;
  lender: Party;
  borrower: Party;
  amount: Amount;
  paid: Amount;
}

export const IOU = 'IOU';
const CASH = 'Cash';

const iouOf_ = (state: TransactionState): Iou => state.data as unknown as Iou;

/** How much cash in `currency` the transaction's outputs give `party`. */
function cashTo(tx: { outputs: TransactionState[] }, party: Party, currency: string): number {
  return tx.outputs
    .filter((o) => o.contract === CASH)
    .map((o) => o.data as { amount: Amount; owner: Party })
    .filter((c) => c.owner === party && c.amount.currency === currency)
    .reduce((sum, c) => sum + c.amount.quantity, 0);
}

/**
 * Issue: no IOU consumed, one created, for a positive amount with nothing paid yet, between two different parties,
 * signed by both. Settle: one IOU consumed; the cash the transaction gives the lender is added to what is paid;
 * the IOU is created again with the new `paid` (everything else unchanged) while something remains, and consumed
 * when it is paid in full; never paid beyond its amount; signed by both.
 */
defineContract(IOU, (tx: LedgerTransaction) => {
  const commands = tx.commands.filter((c) => c.contract === IOU);
  requireThat(commands.length === 1, 'A transaction with IOUs needs exactly one IOU command');
  const command = commands[0]!;
  const inputs = tx.inputs.filter((s) => s.state.contract === IOU).map((s) => iouOf_(s.state));
  const outputs = tx.outputs.filter((s) => s.contract === IOU).map(iouOf_);
  const bothSign = (iou: Iou, what: string) =>
    requireThat(
      command.signers.includes(iou.lender) && command.signers.includes(iou.borrower),
      `Both the lender and the borrower must sign ${what}`,
    );
  if (command.name === 'Issue') {
    requireThat(inputs.length === 0, 'Issuing an IOU consumes no IOU');
    requireThat(outputs.length === 1, 'Issuing an IOU creates exactly one');
    const iou = outputs[0]!;
    requireThat(iou.amount.quantity > 0, "An IOU's amount must be positive");
    requireThat(
      iou.paid.quantity === 0 && iou.paid.currency === iou.amount.currency,
      'A new IOU has nothing paid',
    );
    requireThat(iou.lender !== iou.borrower, 'The lender and the borrower of an IOU must differ');
    bothSign(iou, "an IOU's issue");
    return;
  }
  requireThat(command.name === 'Settle', 'IOU commands are Issue or Settle');
  requireThat(inputs.length === 1, 'Settling consumes exactly one IOU');
  requireThat(outputs.length <= 1, 'Settling leaves at most one IOU');
  const before = inputs[0]!;
  const paidNow = cashTo(tx, before.lender, before.amount.currency);
  requireThat(
    paidNow > 0,
    `Settling pays the lender ${before.lender} some ${before.amount.currency} in cash`,
  );
  const paid = before.paid.quantity + paidNow;
  requireThat(paid <= before.amount.quantity + 1e-9, 'An IOU cannot be paid beyond its amount');
  const after = outputs[0];
  if (after === undefined) {
    requireThat(Math.abs(paid - before.amount.quantity) < 1e-9, 'An IOU is consumed only when paid in full');
  } else {
    requireThat(paid < before.amount.quantity - 1e-9, 'An IOU paid in full is consumed, not kept');
    requireThat(
      JSON.stringify({ ...after, paid: null }) === JSON.stringify({ ...before, paid: null }),
      'Settling an IOU changes only what is paid',
    );
    requireThat(
      Math.abs(after.paid.quantity - paid) < 1e-9 && after.paid.currency === before.amount.currency,
      `The IOU kept must show ${paid} ${before.amount.currency} paid`,
    );
  }
  bothSign(before, "an IOU's settlement");
});

/** A transaction issuing an IOU of `amount` from this node (the borrower) to `lender`; unsigned. */
export function issueIou(
  ctx: FlowContext,
  lender: Party,
  amount: Amount,
  reference: string,
  notary: Party,
): SignedTransaction {
  const iou: Iou = {
    reference,
    lender,
    borrower: ctx.me,
    amount,
    paid: { quantity: 0, currency: amount.currency },
  };
  const tx = ctx.ledger.build({
    inputs: [],
    references: [],
    outputs: [{ data: { ...iou }, contract: IOU, participants: [lender, ctx.me], notary }],
    commands: [{ contract: IOU, name: 'Issue', signers: [ctx.me, lender] }],
  });
  return tx as unknown as SignedTransaction;
}

function owed(ctx: FlowContext, reference: string): Sar[] {
  return ctx.ledger.query({ contract: IOU, where: { reference, borrower: ctx.me } });
}

/** Whether this node owes an unsettled IOU `reference`. */
export function owesIou(ctx: FlowContext, reference: string): boolean {
  return owed(ctx, reference).length > 0;
}

/** The unsettled IOU `reference` this node owes, soft-locked for this flow (check `owesIou` first). */
export function findIou(ctx: FlowContext, reference: string): StateAndRef {
  const found = owed(ctx, reference)[0];
  if (!found) throw new Error(`${ctx.me} owes no IOU ${reference}.`);
  ctx.ledger.lock([found.ref]);
  return found as unknown as StateAndRef;
}

/** The IOU a state holds. */
export function iouOf(state: StateAndRef): Iou {
  return iouOf_((state as unknown as Sar).state);
}

/** The notary of a state: the one that must notarise the transaction consuming it. */
export function notaryOfState(state: StateAndRef): Party {
  return (state as unknown as Sar).state.notary;
}

/**
 * The settlement of `iou` by `payment` (a cash payment to the lender, built by the library's `payCash`): the
 * payment's inputs and outputs with the IOU consumed and, unless paid in full, created again with what is now
 * paid. Unsigned.
 */
export function settleIou(ctx: FlowContext, iou: StateAndRef, payment: SignedTransaction): SignedTransaction {
  const { ref, state } = iou as unknown as Sar;
  const before = iouOf_(state);
  const pay = (payment as unknown as Stx).tx;
  const paid = before.paid.quantity + cashTo(pay, before.lender, before.amount.currency);
  const outputs = [...pay.outputs];
  if (paid < before.amount.quantity - 1e-9)
    outputs.unshift({
      ...state,
      data: { ...before, paid: { quantity: paid, currency: before.amount.currency } },
    });
  const commands: Command[] = [
    { contract: IOU, name: 'Settle', signers: [ctx.me, before.lender] },
    ...pay.commands,
  ];
  const tx = ctx.ledger.build({
    inputs: [ref, ...pay.inputs],
    references: [],
    outputs,
    commands,
    notary: state.notary,
  });
  return tx as unknown as SignedTransaction;
}

/** The unsettled IOUs this node is the lender or the borrower of. */
export function ious(ctx: FlowContext): Iou[] {
  return ctx.ledger.query({ contract: IOU }).map((s) => iouOf_(s.state));
}
