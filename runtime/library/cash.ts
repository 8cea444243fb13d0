// Cash, the fungible asset of the flow library: its contract, and the host functions that issue it, select it
// from the vault (coin selection with soft locks) and build the two-party trade's transaction.
import { defineContract, requireThat } from '../ledger/contracts.js';
import type { LedgerServices } from '../ledger/services.js';
import type {
  Command,
  LedgerTransaction,
  SignedTransaction as Stx,
  StateAndRef as Sar,
  TransactionState,
} from '../ledger/types.js';
import { ledger, type FlowContext, type SignedTransaction, type StateAndRef } from './ledger.js';

export type Party = string;
export type Decimal = number;
export type Amount = { quantity: number; currency: string };

/** A Cash state's data. */
interface CashData {
  amount: Amount;
  owner: Party;
  issuer: Party;
}

export const CASH = 'Cash';

function cashOf(state: TransactionState): CashData {
  return state.data as unknown as CashData;
}

/** Cash is conserved per currency and issuer; moving it needs its owners' signatures; issuing, its issuer's. */
defineContract(CASH, (tx: LedgerTransaction) => {
  const commands = tx.commands.filter((c) => c.contract === CASH);
  requireThat(commands.length > 0, 'A transaction with Cash states needs a Cash command');
  const inputs = tx.inputs.filter((s) => s.state.contract === CASH).map((s) => cashOf(s.state));
  const outputs = tx.outputs.filter((s) => s.contract === CASH).map(cashOf);
  for (const o of outputs) requireThat(o.amount.quantity > 0, 'Cash outputs must hold a positive amount');
  const signers = new Set(commands.flatMap((c) => c.signers));
  if (commands.some((c) => c.name === 'Issue')) {
    requireThat(inputs.length === 0, 'Issuing Cash consumes no Cash');
    for (const o of outputs) requireThat(signers.has(o.issuer), `The issuer ${o.issuer} must sign the issue`);
    return;
  }
  requireThat(
    commands.every((c) => c.name === 'Move'),
    'Cash commands are Issue or Move',
  );
  const totals = new Map<string, number>();
  for (const i of inputs) {
    const key = `${i.amount.currency}/${i.issuer}`;
    totals.set(key, (totals.get(key) ?? 0) + i.amount.quantity);
    requireThat(signers.has(i.owner), `The owner ${i.owner} of the Cash moved must sign`);
  }
  for (const o of outputs) {
    const key = `${o.amount.currency}/${o.issuer}`;
    totals.set(key, (totals.get(key) ?? 0) - o.amount.quantity);
  }
  for (const [key, rest] of totals)
    requireThat(
      Math.abs(rest) < 1e-9,
      `Cash in ${key.replace('/', ' issued by ')} is not conserved (${rest > 0 ? 'lost' : 'created'} ${Math.abs(rest)})`,
    );
});

/** A transaction issuing cash to `owner`, signed by this node as its issuer (no notary needed). */
export function issueCash(ctx: FlowContext, amount: Amount, owner: Party, notary: Party): SignedTransaction {
  const services = ledger(ctx);
  const tx = services.build({
    inputs: [],
    references: [],
    outputs: [
      {
        data: { amount, owner, issuer: ctx.me },
        contract: CASH,
        participants: [owner, ctx.me].filter(unique),
        notary,
      },
    ],
    commands: [{ contract: CASH, name: 'Issue', signers: [ctx.me] }],
  });
  return services.sign(tx) as unknown as SignedTransaction;
}

/** How much cash in `currency` the vault holds for this node (unconsumed, not locked by another flow). */
export function cashBalance(ctx: FlowContext, currency: string): Decimal {
  let sum = 0;
  for (const s of ownCash(ledger(ctx), ctx.me, currency)) sum += cashOf(s.state).amount.quantity;
  return sum;
}

/** This node's cash in `currency` that is not soft-locked by another flow, oldest first, read as it is iterated. */
function* ownCash(services: LedgerServices, me: Party, currency: string): Generator<Sar, void, undefined> {
  for (const s of services.scan({ contract: CASH, where: { owner: me } }))
    if (cashOf(s.state).amount.currency === currency) yield s;
}

/**
 * Selects cash of one issuer covering `amount` from the vault, and soft-locks it for this flow. The vault is read
 * oldest first, a page at a time, keeping a running total per issuer, and reading stops as soon as one issuer's
 * coins cover the amount: that issuer's coins so far are chosen. So the choice is the oldest coins that cover the
 * amount on their own: of the issuers, the one whose covering coin is the oldest (in a vault with one issuer, its
 * oldest coins). Coins locked by another flow are skipped. Fails when no issuer's coins cover the amount.
 */
function selectCash(services: LedgerServices, me: Party, amount: Amount): Sar[] {
  const byIssuer = new Map<Party, { coins: Sar[]; total: number }>();
  for (const coin of ownCash(services, me, amount.currency)) {
    const issuer = cashOf(coin.state).issuer;
    let held = byIssuer.get(issuer);
    if (!held) byIssuer.set(issuer, (held = { coins: [], total: 0 }));
    held.coins.push(coin);
    held.total += cashOf(coin.state).amount.quantity;
    if (held.total >= amount.quantity) {
      services.lock(held.coins.map((c) => c.ref));
      return held.coins;
    }
  }
  throw Object.assign(
    new Error(
      `Insufficient funds: ${me} holds less than ${amount.quantity} ${amount.currency} of one issuer.`,
    ),
    {
      name: 'FlowError',
    },
  );
}

/** Cash outputs paying `amount` to `payTo` out of `coins`, with the change back to `me`. */
function payment(coins: Sar[], amount: Amount, payTo: Party, me: Party, notary: Party): TransactionState[] {
  const first = cashOf(coins[0]!.state);
  const total = coins.reduce((sum, c) => sum + cashOf(c.state).amount.quantity, 0);
  const outputs: TransactionState[] = [
    { data: { amount, owner: payTo, issuer: first.issuer }, contract: CASH, participants: [payTo], notary },
  ];
  const change = total - amount.quantity;
  if (change > 1e-9)
    outputs.push({
      data: { amount: { quantity: change, currency: amount.currency }, owner: me, issuer: first.issuer },
      contract: CASH,
      participants: [me],
      notary,
    });
  return outputs;
}

/** A transaction paying `amount` of this node's cash to `payTo` (unsigned; the coins are soft-locked). */
export function payCash(ctx: FlowContext, amount: Amount, payTo: Party, notary: Party): SignedTransaction {
  const services = ledger(ctx);
  const coins = selectCash(services, ctx.me, amount);
  const tx = services.build({
    inputs: coins.map((c) => c.ref),
    references: [],
    outputs: payment(coins, amount, payTo, ctx.me, notary),
    commands: [{ contract: CASH, name: 'Move', signers: [ctx.me] }],
    notary,
  });
  return tx as unknown as SignedTransaction;
}

/**
 * The two-party trade's transaction, as the buyer builds it: the asset moves to the buyer, the price in cash to
 * the seller, the change back to the buyer. Unsigned; the buyer's coins are soft-locked.
 */
export function buildTrade(
  ctx: FlowContext,
  asset: StateAndRef,
  price: Amount,
  payTo: Party,
): SignedTransaction {
  const services = ledger(ctx);
  const sold = asset as unknown as Sar;
  const notary = sold.state.notary;
  const coins = selectCash(services, ctx.me, price);
  const seller = String(sold.state.data['owner']);
  const moved: TransactionState = {
    ...sold.state,
    data: { ...sold.state.data, owner: ctx.me },
    participants: sold.state.participants.map((p) => (p === seller ? ctx.me : p)).filter(unique),
  };
  const commands: Command[] = [
    { contract: sold.state.contract, name: 'Move', signers: [seller] },
    { contract: CASH, name: 'Move', signers: [ctx.me] },
  ];
  const tx = services.build({
    inputs: [sold.ref, ...coins.map((c) => c.ref)],
    references: [],
    outputs: [moved, ...payment(coins, price, payTo, ctx.me, notary)],
    commands,
    notary,
  });
  return tx as unknown as SignedTransaction;
}

/** How much cash in `currency` the transaction pays to `party`. */
export function paidTo(tx: SignedTransaction, party: Party, currency: string): Decimal {
  return (tx as unknown as Stx).tx.outputs
    .filter((o) => o.contract === CASH && cashOf(o).owner === party && cashOf(o).amount.currency === currency)
    .reduce((sum, o) => sum + cashOf(o).amount.quantity, 0);
}

/** Whether the transaction gives the state `asset` to `party`, unchanged otherwise. */
export function transfers(tx: SignedTransaction, asset: StateAndRef, party: Party): boolean {
  const sold = asset as unknown as Sar;
  const t = (tx as unknown as Stx).tx;
  if (!t.inputs.includes(sold.ref)) return false;
  return t.outputs.some(
    (o) =>
      o.contract === sold.state.contract &&
      JSON.stringify({ ...o.data, owner: undefined }) ===
        JSON.stringify({ ...sold.state.data, owner: undefined }) &&
      o.data['owner'] === party,
  );
}

function unique<T>(value: T, index: number, all: T[]): boolean {
  return all.indexOf(value) === index;
}
