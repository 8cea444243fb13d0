// The flow library's host functions: thin wrappers over the ledger services the runtime gives each step
// (runtime/ledger/services.ts). Transactions, signatures and states are opaque to flows: they are passed, sent,
// received and stored, and looked into only through these functions.
import type { LedgerServices } from '../ledger/services.js';
import type { SignedTransaction as Stx, StateAndRef as Sar, TransactionSignature } from '../ledger/types.js';

export type Party = string;
export type SecureHash = string;
export type Int = number;
export type Amount = { quantity: number; currency: string };

/** What the runtime passes as the first argument of a host function that declares it. */
export interface FlowContext {
  flowId: string;
  me: string;
  ledger: LedgerServices;
}

/** A transaction with its signatures. */
export declare class SignedTransaction {
  private readonly signedTransaction: true;
}

/** A state with the reference of the transaction output that created it. */
export declare class StateAndRef {
  private readonly stateAndRef: true;
}

/** A party's signature over a transaction. */
export declare class Signature {
  private readonly signature: true;
}

/** A notary's answer: its signature, or the reason it refused (a double spend names the transaction). */
export interface NotaryAnswer {
  ok: boolean;
  reason: string;
  signature: Signature;
}

type Opaque<T> = T & { readonly __opaque?: never };
const stx = (t: SignedTransaction): Stx => t as unknown as Stx;
const out = <T>(value: unknown): T => value as Opaque<T>;

/** The node's ledger services for this step (host functions called within a step have them). */
export function ledger(ctx: FlowContext): LedgerServices {
  if (!ctx.ledger) throw new Error('The runtime gave this flow no ledger services.');
  return ctx.ledger;
}

/** Why the transaction is not valid ('' when it is), allowing the signatures of `allowMissing` to be absent. */
export function checkTransaction(ctx: FlowContext, tx: SignedTransaction, allowMissing: Party[]): string {
  return ledger(ctx).check(stx(tx), allowMissing);
}

/** The parties that must still sign. */
export function missingSigners(ctx: FlowContext, tx: SignedTransaction): Party[] {
  return ledger(ctx).missingSigners(stx(tx));
}

export function transactionId(tx: SignedTransaction): SecureHash {
  return stx(tx).id;
}

/** The notary the transaction names ('' when it needs none). */
export function notaryOf(tx: SignedTransaction): Party {
  return stx(tx).tx.notary ?? '';
}

/** Whether the transaction needs a notary's signature: it consumes states or has a time window. */
export function needsNotary(tx: SignedTransaction): boolean {
  const t = stx(tx).tx;
  return t.inputs.length > 0 || t.timeWindow !== undefined;
}

/** The transaction signed by this node. */
export function sign(ctx: FlowContext, tx: SignedTransaction): SignedTransaction {
  return out(ledger(ctx).sign(stx(tx)));
}

/** This node's signature over the transaction. */
export function signatureOf(ctx: FlowContext, tx: SignedTransaction): Signature {
  return out(ledger(ctx).signature(stx(tx)));
}

/** The transaction with a counterparty's signature added (checked first). */
export function withSignature(
  ctx: FlowContext,
  tx: SignedTransaction,
  signature: Signature,
): SignedTransaction {
  return out(ledger(ctx).withSignature(stx(tx), signature as unknown as TransactionSignature));
}

/** Records a verified transaction and updates the vault. */
export function record(ctx: FlowContext, tx: SignedTransaction): void {
  ledger(ctx).record(stx(tx));
}

/** The transactions of `tx`'s backchain this node has, oldest first. */
export function ancestry(ctx: FlowContext, tx: SignedTransaction): SecureHash[] {
  return ledger(ctx).ancestry(stx(tx));
}

/** The backchain of a state: the transaction that created it and that transaction's own backchain. */
export function chainOf(ctx: FlowContext, state: StateAndRef): SecureHash[] {
  const services = ledger(ctx);
  const ref = (state as unknown as Sar).ref;
  const creator = services.transaction(ref.slice(0, ref.lastIndexOf(':')));
  return [...services.ancestry(creator), creator.id];
}

/** The ids of `ids` this node does not have, in batches of at most `size`. */
export function missingBatches(ctx: FlowContext, ids: SecureHash[], size: Int): SecureHash[][] {
  const missing = ledger(ctx).missing(ids);
  const n = Math.max(1, Number(size));
  const batches: SecureHash[][] = [];
  for (let i = 0; i < missing.length; i += n) batches.push(missing.slice(i, i + n));
  return batches;
}

/** The longest backchain sent along with a transaction or a state; a longer one is fetched in batches. */
export const PUSH_LIMIT = 16;

/** Whether a backchain is too long to send along, so the receiver fetches it in batches. */
export function mustFetch(ids: SecureHash[]): boolean {
  return ids.length > PUSH_LIMIT;
}

/** The backchain to send along (oldest first, as `ancestry` gives it): all of it when short, else none. */
export function pushedChain(ctx: FlowContext, ids: SecureHash[]): SignedTransaction[] {
  return mustFetch(ids) ? [] : transactions(ctx, ids);
}

export function transactions(ctx: FlowContext, ids: SecureHash[]): SignedTransaction[] {
  return ids.map((id) => out<SignedTransaction>(ledger(ctx).transaction(id)));
}

/** Verifies and keeps backchain transactions (dependencies first); why one is not valid, or ''. */
export function storeBackchain(ctx: FlowContext, txs: SignedTransaction[]): string {
  return ledger(ctx).storeBackchain(txs.map(stx));
}

/** Why the received state is not what its transaction created ('' when it is). */
export function checkStateAndRef(ctx: FlowContext, state: StateAndRef): string {
  const { ref, state: claimed } = state as unknown as Sar;
  const actual = ledger(ctx).resolve(ref);
  if (!actual) return `The state ${ref} is not in a transaction this node has.`;
  return JSON.stringify(actual) === JSON.stringify(claimed)
    ? ''
    : `The state ${ref} is not the one its transaction created.`;
}

/** A validating notary's commit of the transaction's inputs. */
export function notarise(ctx: FlowContext, tx: SignedTransaction): NotaryAnswer {
  try {
    const answer = ledger(ctx).notarise(stx(tx));
    if (answer.conflict)
      return {
        ok: false,
        reason: `Double spend: input ${answer.conflict.ref} was already consumed by transaction ${answer.conflict.consumedBy}.`,
        signature: out<Signature>(null),
      };
    return { ok: true, reason: '', signature: out<Signature>(answer.signature) };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? error.message : String(error),
      signature: out<Signature>(null),
    };
  }
}
