/**
 * The ledger's data, as plain JSON so that it travels in messages and checkpoints as any other value: states with
 * their participants, transactions that consume states by reference and create new ones, commands with the parties
 * that must sign, a notary, a time window. A transaction's id is the sha256 of its canonical encoding; signatures
 * sign that id.
 */

/** A party is its node's name (`O=Bank, L=London, C=GB` style names are fine: any string). */
export type Party = string;

/** `TXID:INDEX`: output INDEX of transaction TXID. */
export type StateRef = string;

export interface TransactionState {
  /** The state's fields, as its contract defines them. */
  data: Record<string, unknown>;
  /** The contract that governs the state: its name in the contract registry. */
  contract: string;
  /** Who the state concerns: they record it in their vaults. */
  participants: Party[];
  notary: Party;
}

export interface StateAndRef {
  ref: StateRef;
  state: TransactionState;
}

export interface Command {
  /** What the transaction does to its contract's states (`Issue`, `Move`, `Settle`). */
  name: string;
  contract: string;
  /** Who must sign. */
  signers: Party[];
  data?: Record<string, unknown>;
}

export interface TimeWindow {
  from?: number;
  until?: number;
}

export interface WireTransaction {
  inputs: StateRef[];
  references: StateRef[];
  outputs: TransactionState[];
  commands: Command[];
  /** Needed when the transaction has inputs or a time window. */
  notary?: Party;
  timeWindow?: TimeWindow;
  /**
   * Random, so that two transactions with the same content (two equal issues) get different ids, as Corda's
   * privacy salt does; it also keeps ids from being guessed from the content.
   */
  salt?: string;
}

export interface TransactionSignature {
  by: Party;
  /** The signer's Ed25519 public key (SPKI, base64). */
  key: string;
  /** Over the transaction id (base64). */
  signature: string;
}

export interface SignedTransaction {
  id: string;
  tx: WireTransaction;
  signatures: TransactionSignature[];
}

/** What a notary answers: its signature, or the transaction that already consumed one of the inputs. */
export interface NotaryResult {
  signature?: TransactionSignature;
  conflict?: { ref: StateRef; consumedBy: string };
}

/** A transaction resolved for contract verification: its inputs and references as states. */
export interface LedgerTransaction {
  id: string;
  inputs: StateAndRef[];
  references: StateAndRef[];
  outputs: TransactionState[];
  commands: Command[];
  notary?: Party;
  timeWindow?: TimeWindow;
}

export function stateRef(txId: string, index: number): StateRef {
  return `${txId}:${index}`;
}

export function parseStateRef(ref: StateRef): { txId: string; index: number } {
  const at = ref.lastIndexOf(':');
  return { txId: ref.slice(0, at), index: Number(ref.slice(at + 1)) };
}

export class LedgerError extends Error {
  override name = 'LedgerError';
}
