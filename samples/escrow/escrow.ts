// The escrow sample's state and contract, and the host functions that build its transactions. The escrowed funds
// are library Cash (runtime/library/cash.ts) held by the escrow agent; the Escrow state says whose they are, until
// when, and the contract says how they may leave the agent: to the seller (Release, signed by the buyer and the
// agent, before the deadline) or back to the buyer (Refund, by the agent, from the deadline on).
import { defineContract, requireThat } from '../../runtime/ledger/contracts.js';
import type {
  LedgerTransaction,
  SignedTransaction as Stx,
  StateAndRef as Sar,
  TransactionState,
  WireTransaction,
} from '../../runtime/ledger/types.js';
import type { FlowContext, SignedTransaction } from '../../runtime/library/ledger.ts';

export type Party = string;
export type Instant = number;
export type Amount = { quantity: number; currency: string };

/** Funds the buyer has put with the agent for the seller until the deadline. */
export interface Escrow {
  reference: string;
  buyer: Party;
  seller: Party;
  agent: Party;
  amount: Amount;
  deadline: Instant;
}

export const ESCROW = 'Escrow';
const CASH = 'Cash';

interface CashData {
  amount: Amount;
  owner: Party;
  issuer: Party;
}

const escrowIn = (state: TransactionState): Escrow => state.data as unknown as Escrow;
const cashIn = (state: TransactionState): CashData => state.data as unknown as CashData;

/** How much cash in `currency` the states give `owner`. */
function cashTo(states: TransactionState[], owner: Party, currency: string): number {
  return states
    .filter((s) => s.contract === CASH)
    .map(cashIn)
    .filter((c) => c.owner === owner && c.amount.currency === currency)
    .reduce((sum, c) => sum + c.amount.quantity, 0);
}

defineContract(ESCROW, (tx: LedgerTransaction) => {
  const commands = tx.commands.filter((c) => c.contract === ESCROW);
  requireThat(commands.length === 1, 'A transaction with an escrow needs exactly one Escrow command');
  const command = commands[0]!;
  const inputs = tx.inputs.filter((s) => s.state.contract === ESCROW).map((s) => escrowIn(s.state));
  const outputs = tx.outputs.filter((s) => s.contract === ESCROW).map(escrowIn);
  const signs = (party: Party) => command.signers.includes(party);
  if (command.name === 'Open') {
    requireThat(inputs.length === 0 && outputs.length === 1, 'Opening creates exactly one escrow');
    const escrow = outputs[0]!;
    requireThat(escrow.amount.quantity > 0, 'An escrow holds a positive amount');
    requireThat(
      new Set([escrow.buyer, escrow.seller, escrow.agent]).size === 3,
      'The buyer, the seller and the agent of an escrow are three parties',
    );
    requireThat(
      Math.abs(cashTo(tx.outputs, escrow.agent, escrow.amount.currency) - escrow.amount.quantity) < 1e-9,
      `The agent ${escrow.agent} receives exactly the escrowed amount in cash`,
    );
    requireThat(
      signs(escrow.buyer) && signs(escrow.seller) && signs(escrow.agent),
      'The buyer, the seller and the agent all sign the opening of an escrow',
    );
    return;
  }
  requireThat(inputs.length === 1 && outputs.length === 0, 'Closing an escrow consumes it');
  const escrow = inputs[0]!;
  const window = tx.timeWindow ?? {};
  if (command.name === 'Release') {
    requireThat(
      cashTo(tx.outputs, escrow.seller, escrow.amount.currency) >= escrow.amount.quantity - 1e-9,
      `A release pays the escrowed amount to the seller ${escrow.seller}`,
    );
    requireThat(signs(escrow.buyer) && signs(escrow.agent), 'The buyer and the agent sign a release');
    requireThat(
      window.until !== undefined && window.until <= escrow.deadline,
      'A release is notarised before the deadline: its time window ends by then',
    );
    return;
  }
  requireThat(command.name === 'Refund', 'Escrow commands are Open, Release or Refund');
  requireThat(
    cashTo(tx.outputs, escrow.buyer, escrow.amount.currency) >= escrow.amount.quantity - 1e-9,
    `A refund pays the escrowed amount back to the buyer ${escrow.buyer}`,
  );
  requireThat(signs(escrow.agent), 'The agent signs a refund');
  requireThat(
    window.from !== undefined && window.from >= escrow.deadline,
    'A refund is notarised from the deadline on: its time window starts then',
  );
});

/**
 * The opening of an escrow: `payment` (the library's `payCash` of the amount to the agent: the buyer's coins,
 * soft-locked, and its change) with the Escrow state added. Unsigned.
 */
export function openEscrow(ctx: FlowContext, escrow: Escrow, payment: SignedTransaction): SignedTransaction {
  const pay = (payment as unknown as Stx).tx;
  const notary = pay.notary!;
  const tx: WireTransaction = {
    ...pay,
    outputs: [
      {
        data: { ...escrow },
        contract: ESCROW,
        participants: [escrow.buyer, escrow.seller, escrow.agent],
        notary,
      },
      ...pay.outputs,
    ],
    commands: [
      { contract: ESCROW, name: 'Open', signers: [escrow.buyer, escrow.seller, escrow.agent] },
      ...pay.commands,
    ],
  };
  return ctx.ledger.build(tx) as unknown as SignedTransaction;
}

/** The escrow `reference` this node takes part in, unless closed already. */
function held(ctx: FlowContext, reference: string): Sar | undefined {
  return ctx.ledger.query({ contract: ESCROW, where: { reference } })[0];
}

/** Whether the escrow `reference` is still open (as far as this node knows). */
export function isOpen(ctx: FlowContext, reference: string): boolean {
  return held(ctx, reference) !== undefined;
}

/** The open escrow `reference` (check `isOpen` first). */
export function escrowNamed(ctx: FlowContext, reference: string): Escrow {
  const found = held(ctx, reference);
  if (!found) throw new Error(`${ctx.me} knows no open escrow ${reference}.`);
  return escrowIn(found.state);
}

/** The escrow a transaction opens. */
export function escrowOpenedBy(tx: SignedTransaction): Escrow {
  const state = (tx as unknown as Stx).tx.outputs.find((o) => o.contract === ESCROW);
  if (!state) throw new Error('The transaction opens no escrow.');
  return escrowIn(state);
}

/** The escrow state and the agent's cash that the opening transaction put in it. */
function escrowed(ctx: FlowContext, reference: string): { escrow: Sar; cash: Sar } {
  const escrow = held(ctx, reference);
  if (!escrow) throw new Error(`${ctx.me} knows no open escrow ${reference}.`);
  const terms = escrowIn(escrow.state);
  const txId = escrow.ref.slice(0, escrow.ref.lastIndexOf(':'));
  const opening = ctx.ledger.transaction(txId);
  const index = opening.tx.outputs.findIndex(
    (o) =>
      o.contract === CASH &&
      cashIn(o).owner === terms.agent &&
      cashIn(o).amount.currency === terms.amount.currency,
  );
  return { escrow, cash: ctx.ledger.stateAndRef(`${txId}:${index}`) };
}

/** The transaction closing the escrow `reference`: its cash to `payTo`, by `command` within `window`. */
function close(
  ctx: FlowContext,
  reference: string,
  command: 'Release' | 'Refund',
  payTo: (e: Escrow) => Party,
  signers: (e: Escrow) => Party[],
  window: (e: Escrow) => { from?: number; until?: number },
): SignedTransaction {
  const { escrow, cash } = escrowed(ctx, reference);
  const terms = escrowIn(escrow.state);
  if (ctx.me === terms.agent) ctx.ledger.lock([escrow.ref, cash.ref]);
  const notary = escrow.state.notary;
  const owner = payTo(terms);
  const tx = ctx.ledger.build({
    inputs: [escrow.ref, cash.ref],
    references: [],
    outputs: [
      {
        data: { ...cashIn(cash.state), owner },
        contract: CASH,
        participants: [owner],
        notary: cash.state.notary,
      },
    ],
    commands: [
      { contract: ESCROW, name: command, signers: signers(terms) },
      { contract: CASH, name: 'Move', signers: [terms.agent] },
    ],
    notary,
    timeWindow: window(terms),
  });
  return tx as unknown as SignedTransaction;
}

/** The buyer's release of the escrow `reference` to the seller, to be notarised before the deadline. Unsigned. */
export function releaseEscrow(ctx: FlowContext, reference: string): SignedTransaction {
  return close(
    ctx,
    reference,
    'Release',
    (e) => e.seller,
    (e) => [e.buyer, e.agent],
    (e) => ({ until: e.deadline }),
  );
}

/** The agent's refund of the escrow `reference` to the buyer, from the deadline on. Unsigned; soft-locks the escrow. */
export function refundEscrow(ctx: FlowContext, reference: string): SignedTransaction {
  return close(
    ctx,
    reference,
    'Refund',
    (e) => e.buyer,
    (e) => [e.agent],
    (e) => ({ from: e.deadline }),
  );
}

/** What this node knows of the escrow `reference`: `none`, `open` or `closed` (released or refunded). */
export function escrowStatus(ctx: FlowContext, reference: string): string {
  const found = ctx.ledger.query({ contract: ESCROW, where: { reference }, consumed: true });
  if (found.length === 0) return 'none';
  return held(ctx, reference) ? 'open' : 'closed';
}

/** The open escrows this node takes part in. */
export function escrows(ctx: FlowContext): Escrow[] {
  return ctx.ledger.query({ contract: ESCROW }).map((s) => escrowIn(s.state));
}
