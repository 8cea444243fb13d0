/**
 * The ledger services a step sees (runtime/ledger/services.ts), over this node's store overlaid with the batch:
 * what the step reads includes what earlier steps of the same batch wrote, and what it writes joins the batch, so
 * it commits in the same transaction as the checkpoint. Soft locks are held in the name of the top-level flow and
 * released when it ends.
 */
import { ledgerCrypto, type KeyPair } from '../ledger/crypto.js';
import { LedgerServices, type LedgerAccess, type VaultQuery, type VaultState } from '../ledger/services.js';
import { matchesVaultQuery, type FlowRecord } from '../store.js';
import type { NodeCore } from './core.js';

const KEYS = 'ledger.keys';

/** The node's key pair: read from the store, or made and kept on first use. */
export function nodeKeys(core: NodeCore): KeyPair | undefined {
  if (core.keys) return core.keys;
  const stored = core.store.getMeta(KEYS) ?? core.batch.writes.meta.get(KEYS);
  if (stored) return (core.keys = JSON.parse(stored) as KeyPair);
  let crypto;
  try {
    crypto = ledgerCrypto();
  } catch {
    return undefined; // no cryptography installed (a browser simulation without a ledger)
  }
  core.keys = crypto.generateKeyPair();
  core.batch.writes.meta.set(KEYS, JSON.stringify(core.keys));
  return core.keys;
}

export function ledgerServices(core: NodeCore, flow: FlowRecord): LedgerServices {
  const writes = core.batch.writes;
  const access: LedgerAccess = {
    me: core.name,
    flowId: flow.root,
    now: core.clock.now(),
    get keys(): KeyPair {
      const keys = nodeKeys(core);
      if (!keys) throw new Error('This node has no key pair: no ledger cryptography is installed.');
      return keys;
    },
    keyOf: (party) => (party === core.name ? nodeKeys(core)?.publicKey : core.transport.keyOf?.(party)),
    transaction: (id) => writes.transactions.get(id) ?? core.store.getTransaction(id),
    vaultState: (ref) => writes.vault.get(ref) ?? core.store.getVaultState(ref),
    queryVault: (query: VaultQuery) => {
      const found = new Map<string, VaultState>();
      for (const state of core.store.queryVault({ ...query, limit: undefined } as VaultQuery))
        found.set(state.ref, writes.vault.get(state.ref) ?? state);
      for (const state of writes.vault.values()) found.set(state.ref, state);
      const result = [...found.values()].filter((s) => matchesVaultQuery(s, query));
      return query.limit === undefined ? result : result.slice(0, query.limit);
    },
    notaryCommit: (ref) => writes.notaryCommits.get(ref) ?? core.store.notaryCommit(ref),
    putTransaction: (stx) => void writes.transactions.set(stx.id, stx),
    putVaultState: (state) => void writes.vault.set(state.ref, state),
    putNotaryCommit: (ref, txId) => void writes.notaryCommits.set(ref, txId),
    verifiedSignatures: core.verifiedSignatures,
  };
  return new LedgerServices(access);
}

/** Releases the soft locks a top-level flow holds (it ended, failed or was killed). */
export function releaseLocks(core: NodeCore, root: string): void {
  const writes = core.batch.writes;
  const held = new Map<string, VaultState>();
  for (const state of core.store.lockedBy(root)) held.set(state.ref, writes.vault.get(state.ref) ?? state);
  for (const state of writes.vault.values()) if (state.lockedBy === root) held.set(state.ref, state);
  for (const state of held.values()) {
    if (state.lockedBy !== root) continue;
    const released = { ...state };
    delete released.lockedBy;
    writes.vault.set(released.ref, released);
  }
}
