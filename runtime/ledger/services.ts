/**
 * The ledger as a flow sees it in one step: the node's identity and key, its transaction storage, its vault of
 * unconsumed states (with soft locks), and — on a notary — the record of consumed inputs. Reads see what the node
 * committed plus what this step wrote; writes go into the step's write set, so they commit in the same store
 * transaction as the checkpoint (a crash never leaves a recorded transaction without the step that recorded it).
 *
 * The flow library's host functions (`runtime/library/ledger.ts`) are thin wrappers over this class.
 */
import type { KeyPair } from './crypto.js';
import {
  missingSigners,
  signTransaction,
  toSigned,
  verifiedKey,
  verifyTransaction,
  short,
} from './transactions.js';
import {
  LedgerError,
  parseStateRef,
  stateRef,
  type NotaryResult,
  type Party,
  type SignedTransaction,
  type StateAndRef,
  type StateRef,
  type TransactionSignature,
  type TransactionState,
  type WireTransaction,
} from './types.js';
import { ledgerCrypto } from './crypto.js';

/** A state in the vault: relevant to this node (it is a participant), consumed or not, soft-locked by a flow or not. */
export interface VaultState {
  ref: StateRef;
  state: TransactionState;
  recordedAt: number;
  consumedBy?: string;
  lockedBy?: string;
}

export interface VaultQuery {
  contract?: string;
  /** Equality on fields of the state's data. */
  where?: Record<string, unknown>;
  /** Include states consumed already (default: only unconsumed ones). */
  consumed?: boolean;
  /**
   * Only states free of soft locks or soft-locked by one of these flows (by default the locks do not matter).
   * The services ask for the current flow's; the SQLite store filters it in SQL.
   */
  availableTo?: readonly string[];
  limit?: number;
}

/** What the services read and write: the store as committed, overlaid with the current step's writes. */
export interface LedgerAccess {
  readonly me: Party;
  /** The flow doing the work: soft locks are taken in its name. */
  readonly flowId: string;
  readonly now: number;
  readonly keys: KeyPair;
  keyOf(party: Party): string | undefined;
  transaction(id: string): SignedTransaction | undefined;
  vaultState(ref: StateRef): VaultState | undefined;
  /**
   * The states that answer a query, oldest first. May be read lazily, a page at a time as the caller iterates, so
   * a caller that stops early reads less.
   */
  queryVault(query: VaultQuery): Iterable<VaultState>;
  notaryCommit(ref: StateRef): string | undefined;
  putTransaction(stx: SignedTransaction): void;
  putVaultState(state: VaultState): void;
  putNotaryCommit(ref: StateRef, txId: string): void;
  /** The node's cache of signatures it verified, so that a transaction's are checked once. */
  readonly verifiedSignatures?: Set<string>;
}

export class LedgerServices {
  constructor(private readonly access: LedgerAccess) {}

  get me(): Party {
    return this.access.me;
  }

  // ---- building and signing -------------------------------------------------------------------------------------

  build(tx: WireTransaction): SignedTransaction {
    return toSigned(tx);
  }

  sign(stx: SignedTransaction): SignedTransaction {
    const signed = signTransaction(stx, this.access.me, this.access.keys);
    // a signature this node just made is valid: checking the transaction later need not verify it again
    const own = signed.signatures.find((s) => s.by === this.access.me);
    if (own && signed !== stx) this.noteVerified(signed.id, own);
    return signed;
  }

  private noteVerified(id: string, signature: TransactionSignature): void {
    const verified = this.access.verifiedSignatures;
    if (!verified) return;
    if (verified.size >= 10_000) verified.clear();
    verified.add(verifiedKey(id, signature));
  }

  /** This node's signature over the transaction, to send back to the party collecting signatures. */
  signature(stx: SignedTransaction): TransactionSignature {
    return this.sign(stx).signatures.find((s) => s.by === this.access.me)!;
  }

  /** Adds a signature after checking it is valid and made by the key of the party it names. */
  withSignature(stx: SignedTransaction, signature: TransactionSignature): SignedTransaction {
    const key = this.access.keyOf(signature.by);
    if (key !== undefined && key !== signature.key)
      throw new LedgerError(`The signature of ${signature.by} is made with a key that is not theirs.`);
    if (
      !this.access.verifiedSignatures?.has(verifiedKey(stx.id, signature)) &&
      !ledgerCrypto().verify(signature.key, stx.id, signature.signature)
    )
      throw new LedgerError(`The signature of ${signature.by} over ${short(stx.id)} is not valid.`);
    this.noteVerified(stx.id, signature);
    if (stx.signatures.some((s) => s.by === signature.by)) return stx;
    return { ...stx, signatures: [...stx.signatures, signature] };
  }

  missingSigners(stx: SignedTransaction): Party[] {
    return missingSigners(stx);
  }

  // ---- verification ---------------------------------------------------------------------------------------------

  /** A state a transaction refers to: the output of a transaction in storage. */
  resolve(ref: StateRef): TransactionState | undefined {
    const { txId, index } = parseStateRef(ref);
    return this.access.transaction(txId)?.tx.outputs[index];
  }

  /** Verifies the transaction against what is in storage; returns why it is not valid, or '' when it is. */
  check(stx: SignedTransaction, allowMissing: readonly Party[] = []): string {
    try {
      verifyTransaction(stx, {
        resolve: (ref) => this.resolve(ref),
        keyOf: (party) => this.access.keyOf(party),
        allowMissing,
        ...(this.access.verifiedSignatures ? { verified: this.access.verifiedSignatures } : {}),
      });
      return '';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  // ---- storage --------------------------------------------------------------------------------------------------

  hasTransaction(id: string): boolean {
    return this.access.transaction(id) !== undefined;
  }

  transaction(id: string): SignedTransaction {
    const stx = this.access.transaction(id);
    if (!stx) throw new LedgerError(`This node has no transaction ${short(id)}.`);
    return stx;
  }

  /**
   * Records a verified transaction: keeps it, marks the vault's states it consumes, and adds the outputs this node
   * takes part in to the vault. Recording the same transaction again changes nothing.
   */
  record(stx: SignedTransaction): void {
    if (this.access.transaction(stx.id)) return;
    this.access.putTransaction(stx);
    for (const ref of stx.tx.inputs) {
      const held = this.access.vaultState(ref);
      if (held && held.consumedBy === undefined) {
        const consumed: VaultState = { ...held, consumedBy: stx.id };
        delete consumed.lockedBy;
        this.access.putVaultState(consumed);
      }
    }
    stx.tx.outputs.forEach((state, index) => {
      if (state.participants.includes(this.access.me))
        this.access.putVaultState({ ref: stateRef(stx.id, index), state, recordedAt: this.access.now });
    });
  }

  /** Keeps a transaction of a backchain (verified by the caller) without touching the vault. */
  store(stx: SignedTransaction): void {
    if (!this.access.transaction(stx.id)) this.access.putTransaction(stx);
  }

  /** The ids among `ids` this node does not have. */
  missing(ids: readonly string[]): string[] {
    return [...new Set(ids)].filter((id) => !this.access.transaction(id));
  }

  /** The transactions whose outputs `stx` consumes or refers to. */
  dependencies(stx: SignedTransaction): string[] {
    return [...new Set([...stx.tx.inputs, ...stx.tx.references].map((ref) => parseStateRef(ref).txId))];
  }

  /**
   * Every transaction in `stx`'s backchain that this node has, oldest first (each after the ones it depends on):
   * what a counterparty may need to verify it.
   */
  ancestry(stx: SignedTransaction): string[] {
    const order: string[] = [];
    const seen = new Set<string>();
    const visit = (id: string): void => {
      if (seen.has(id)) return;
      seen.add(id);
      const tx = this.access.transaction(id);
      if (!tx) return;
      // iterative over deep chains: dependencies first
      const stack: { id: string; deps: string[]; i: number }[] = [{ id, deps: this.dependencies(tx), i: 0 }];
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        if (top.i < top.deps.length) {
          const dep = top.deps[top.i++]!;
          if (seen.has(dep)) continue;
          seen.add(dep);
          const depTx = this.access.transaction(dep);
          if (depTx) stack.push({ id: dep, deps: this.dependencies(depTx), i: 0 });
        } else {
          order.push(top.id);
          stack.pop();
        }
      }
    };
    for (const dep of this.dependencies(stx)) visit(dep);
    return order;
  }

  /** Verifies and keeps backchain transactions, in the order given (dependencies first). */
  storeBackchain(txs: readonly SignedTransaction[]): string {
    for (const stx of txs) {
      if (this.access.transaction(stx.id)) continue;
      const problem = this.check(stx);
      if (problem) return problem;
      this.store(stx);
    }
    return '';
  }

  // ---- the vault ------------------------------------------------------------------------------------------------

  /** The states that answer a query and are not soft-locked by another flow, oldest first. */
  query(query: VaultQuery = {}): StateAndRef[] {
    return [...this.scan(query)];
  }

  /**
   * `query`, read as the caller iterates: the store is read a page at a time, so a caller that stops once it has
   * what it needs (coin selection) does not read the whole vault.
   */
  *scan(query: VaultQuery = {}): Generator<StateAndRef, void, undefined> {
    for (const v of this.access.queryVault({ ...query, availableTo: [this.access.flowId] }))
      yield { ref: v.ref, state: v.state };
  }

  stateAndRef(ref: StateRef): StateAndRef {
    const state = this.resolve(ref);
    if (!state) throw new LedgerError(`This node has no state ${ref}.`);
    return { ref, state };
  }

  /** Soft-locks vault states for the current flow; released when it ends, fails or is killed. */
  lock(refs: readonly StateRef[]): void {
    for (const ref of refs) {
      const held = this.access.vaultState(ref);
      if (!held) throw new LedgerError(`The vault holds no state ${ref}.`);
      if (held.consumedBy !== undefined) throw new LedgerError(`State ${ref} is already consumed.`);
      if (held.lockedBy !== undefined && held.lockedBy !== this.access.flowId)
        throw new LedgerError(`State ${ref} is locked by flow ${held.lockedBy}.`);
      this.access.putVaultState({ ...held, lockedBy: this.access.flowId });
    }
  }

  // ---- the notary -----------------------------------------------------------------------------------------------

  /**
   * A validating notary's commit: verifies the transaction (all signatures but its own), then either commits all its
   * inputs to it at once, or answers with the transaction that already consumed one of them. Committing the same
   * transaction again gives the same answer.
   */
  notarise(stx: SignedTransaction): NotaryResult {
    if (stx.tx.notary !== this.access.me)
      throw new LedgerError(
        `Transaction ${short(stx.id)} names ${stx.tx.notary ?? 'no notary'}, not ${this.access.me}.`,
      );
    const problem = this.check(stx, [this.access.me]);
    if (problem) throw new LedgerError(problem);
    const window = stx.tx.timeWindow;
    const now = this.access.now;
    if (
      window &&
      ((window.from !== undefined && now < window.from) ||
        (window.until !== undefined && now >= window.until))
    )
      throw new LedgerError(
        `Transaction ${short(stx.id)} is outside its time window (${describeWindow(window)}); the notary's time is ${new Date(now).toISOString()}.`,
      );
    for (const ref of stx.tx.inputs) {
      const consumedBy = this.access.notaryCommit(ref);
      if (consumedBy !== undefined && consumedBy !== stx.id) return { conflict: { ref, consumedBy } };
    }
    for (const ref of stx.tx.inputs) this.access.putNotaryCommit(ref, stx.id);
    return { signature: this.signature(stx) };
  }
}

function describeWindow(window: { from?: number; until?: number }): string {
  const from = window.from === undefined ? 'any time' : new Date(window.from).toISOString();
  const until = window.until === undefined ? 'any time' : new Date(window.until).toISOString();
  return `from ${from} until ${until}`;
}
