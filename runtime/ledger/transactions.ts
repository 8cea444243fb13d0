/**
 * Building, signing and verifying transactions. Pure, over the installed `LedgerCrypto`.
 *
 * Verification checks, in order: the id is the hash of the content; every signature is valid and made by the key
 * of the party it names; every party a command requires has signed (the notary's signature may be left out before
 * notarisation); a transaction with inputs names a notary, and all its input states name that notary; and every
 * contract of its states and commands accepts it.
 */
import { contractNamed } from './contracts.js';
import { canonicalJson, ledgerCrypto, type KeyPair } from './crypto.js';
import {
  LedgerError,
  type LedgerTransaction,
  type Party,
  type SignedTransaction,
  type StateAndRef,
  type StateRef,
  type TransactionState,
  type WireTransaction,
} from './types.js';

export function transactionId(tx: WireTransaction): string {
  return ledgerCrypto().sha256(canonicalJson(tx));
}

/** A transaction ready to be signed; it gets a random salt unless it has one. */
export function toSigned(tx: WireTransaction): SignedTransaction {
  const salted = tx.salt === undefined ? { ...tx, salt: randomSalt() } : tx;
  return { id: transactionId(salted), tx: salted, signatures: [] };
}

function randomSalt(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function signTransaction(stx: SignedTransaction, party: Party, keys: KeyPair): SignedTransaction {
  if (stx.signatures.some((s) => s.by === party)) return stx;
  const signature = ledgerCrypto().sign(keys.privateKey, stx.id);
  return { ...stx, signatures: [...stx.signatures, { by: party, key: keys.publicKey, signature }] };
}

/** The parties the commands require, in order of first appearance. */
export function requiredSigners(tx: WireTransaction): Party[] {
  return [...new Set(tx.commands.flatMap((c) => c.signers))];
}

export function missingSigners(stx: SignedTransaction, except: readonly Party[] = []): Party[] {
  const signed = new Set(stx.signatures.map((s) => s.by));
  return requiredSigners(stx.tx).filter((p) => !signed.has(p) && !except.includes(p));
}

export interface VerifyOptions {
  /** A state a transaction refers to, from the node's storage (a resolved backchain). */
  resolve: (ref: StateRef) => TransactionState | undefined;
  /** A party's public key, from the node's identities. */
  keyOf: (party: Party) => string | undefined;
  /** Required signers whose signatures may still be missing (the notary before notarisation). */
  allowMissing?: readonly Party[];
  /** Signatures this node already verified (`key|id|signature`): each is checked once per node. */
  verified?: Set<string>;
}

/** How a verified signature is remembered in `VerifyOptions.verified`. */
export function verifiedKey(id: string, signature: { key: string; signature: string }): string {
  return `${signature.key}|${id}|${signature.signature}`;
}

export function verifySignatures(stx: SignedTransaction, options: VerifyOptions): void {
  const crypto = ledgerCrypto();
  for (const s of stx.signatures) {
    const known = options.keyOf(s.by);
    if (known !== undefined && known !== s.key)
      throw new LedgerError(
        `Transaction ${short(stx.id)} carries a signature of ${s.by} made with a key that is not theirs.`,
      );
    const key = verifiedKey(stx.id, s);
    if (options.verified?.has(key)) continue;
    if (!crypto.verify(s.key, stx.id, s.signature))
      throw new LedgerError(`Transaction ${short(stx.id)} carries an invalid signature of ${s.by}.`);
    if (options.verified) {
      if (options.verified.size >= 10_000) options.verified.clear();
      options.verified.add(key);
    }
  }
  const missing = missingSigners(stx, options.allowMissing ?? []);
  if (missing.length)
    throw new LedgerError(`Transaction ${short(stx.id)} is missing the signature of ${missing.join(', ')}.`);
}

export function resolveTransaction(
  stx: SignedTransaction,
  resolve: VerifyOptions['resolve'],
): LedgerTransaction {
  const load = (ref: StateRef): StateAndRef => {
    const state = resolve(ref);
    if (!state)
      throw new LedgerError(`Transaction ${short(stx.id)} uses state ${ref}, which this node does not have.`);
    return { ref, state };
  };
  const ltx: LedgerTransaction = {
    id: stx.id,
    inputs: stx.tx.inputs.map(load),
    references: stx.tx.references.map(load),
    outputs: stx.tx.outputs,
    commands: stx.tx.commands,
  };
  if (stx.tx.notary !== undefined) ltx.notary = stx.tx.notary;
  if (stx.tx.timeWindow !== undefined) ltx.timeWindow = stx.tx.timeWindow;
  return ltx;
}

/** Every contract of the transaction's states and commands accepts it. */
export function verifyContracts(ltx: LedgerTransaction): void {
  const names = new Set([
    ...ltx.inputs.map((s) => s.state.contract),
    ...ltx.outputs.map((s) => s.contract),
    ...ltx.commands.map((c) => c.contract),
  ]);
  for (const name of [...names].sort()) {
    const verify = contractNamed(name);
    if (!verify)
      throw new LedgerError(
        `Contract ${name} is not installed on this node: cannot verify ${short(ltx.id)}.`,
      );
    try {
      verify(ltx);
    } catch (error) {
      throw new LedgerError(
        `Contract ${name} rejects transaction ${short(ltx.id)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

export function verifyTransaction(stx: SignedTransaction, options: VerifyOptions): LedgerTransaction {
  if (transactionId(stx.tx) !== stx.id)
    throw new LedgerError(
      `Transaction ${short(stx.id)} has been changed: its id is not the hash of its content.`,
    );
  const ltx = resolveTransaction(stx, options.resolve);
  if ((ltx.inputs.length || ltx.timeWindow) && !ltx.notary)
    throw new LedgerError(`Transaction ${short(stx.id)} consumes states but names no notary.`);
  for (const input of ltx.inputs) {
    if (input.state.notary !== ltx.notary)
      throw new LedgerError(
        `Transaction ${short(stx.id)} is notarised by ${ltx.notary ?? 'nobody'}, but its input ${input.ref} is governed by ${input.state.notary}.`,
      );
  }
  verifySignatures(stx, options);
  verifyContracts(ltx);
  return ltx;
}

/** The first characters of an id, for messages. */
export function short(id: string): string {
  return id.slice(0, 12);
}
