/**
 * The ledger services a step sees (runtime/ledger/services.ts), over this node's store overlaid with the batch:
 * what the step reads includes what earlier steps of the same batch wrote, and what it writes joins the batch, so
 * it commits in the same transaction as the checkpoint. Soft locks are held in the name of the top-level flow and
 * released when it ends.
 */
import { ledgerCrypto, type KeyPair } from '../ledger/crypto.js';
import { LedgerServices, type LedgerAccess, type VaultQuery, type VaultState } from '../ledger/services.js';
import type { SignedTransaction } from '../ledger/types.js';
import { matchesVaultQuery, type FlowRecord, type StoreVaultQuery } from '../store.js';
import type { NodeCore } from './core.js';
import { RecordCache } from './recordCache.js';

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
    transaction: (id) => writes.transactions.get(id) ?? storedTransaction(core, id),
    vaultState: (ref) => writes.vault.get(ref) ?? core.store.getVaultState(ref),
    queryVault: (query: VaultQuery) => vaultStates(core, query),
    notaryCommit: (ref) => writes.notaryCommits.get(ref) ?? core.store.notaryCommit(ref),
    putTransaction: (stx) => void writes.transactions.set(stx.id, stx),
    putVaultState: (state) => void writes.vault.set(state.ref, state),
    putNotaryCommit: (ref, txId) => void writes.notaryCommits.set(ref, txId),
    verifiedSignatures: core.verifiedSignatures,
  };
  return new LedgerServices(access);
}

/** How many committed transactions a node keeps parsed in memory. */
const TRANSACTION_CACHE = 4096;
const transactionCaches = new WeakMap<NodeCore, RecordCache<SignedTransaction>>();

/**
 * A transaction from the node's store, parsed once: a committed transaction never changes (its id is the hash of
 * its content), and a trade reads each of its inputs' transactions several times on each node (verification,
 * backchains, vault). Only what the store returned is kept, so nothing uncommitted is ever served; being immutable,
 * a kept transaction is looked at (`peek`), never taken out.
 */
function storedTransaction(core: NodeCore, id: string): SignedTransaction | undefined {
  let cache = transactionCaches.get(core);
  if (!cache) transactionCaches.set(core, (cache = new RecordCache(TRANSACTION_CACHE)));
  const cached = cache.peek(id);
  if (cached) return cached;
  const stored = core.store.getTransaction(id);
  if (stored) cache.put(id, stored);
  return stored;
}

/** The first page of a vault read, when the caller sets no limit, and the largest page. */
const FIRST_PAGE = 4;
const MAX_PAGE = 512;

/**
 * The states that answer `query` as the batch sees them, oldest first: the store's, read a page at a time as the
 * caller iterates (so coin selection reads a few rows, not the vault), each as the batch changed it; then the
 * states the batch added. The store leaves out the states the batch changed so that they no longer answer (locked
 * or consumed in this batch), and is asked also for those locked by flows whose locks the batch released, so that
 * the order is the store's once the batch is committed (`test/runtime/vault.test.ts` checks it).
 */
export function* vaultStates(core: NodeCore, query: VaultQuery): Generator<VaultState, void, undefined> {
  const limit = query.limit;
  if (limit !== undefined && limit <= 0) return;
  const writes = core.batch.writes;
  const released = core.batch.releasedLocks;
  const stored: StoreVaultQuery = { ...query };
  delete stored.limit;
  // consuming a state drops its lock too, so with consumed states the locks are checked here only
  if (query.consumed) delete stored.availableTo;
  else if (query.availableTo && released.size) stored.availableTo = [...query.availableTo, ...released];
  // the states the batch changed so that they no longer answer; of the contract and data asked for only, as the
  // store would not give the others anyway (a state's contract and data never change)
  const except: string[] = [];
  const unchanging: VaultQuery = { consumed: true };
  if (query.contract !== undefined) unchanging.contract = query.contract;
  if (query.where !== undefined) unchanging.where = query.where;
  for (const state of writes.vault.values())
    if (matchesVaultQuery(state, unchanging) && !matchesVaultQuery(state, query)) except.push(state.ref);
  if (except.length) stored.except = except;
  let page = Math.min(MAX_PAGE, limit ?? FIRST_PAGE);
  let found = 0;
  const seen = new Set<string>();
  for (let after: string | undefined; ;) {
    const states = core.store.queryVault(
      after === undefined ? { ...stored, limit: page } : { ...stored, limit: page, after },
    );
    for (const state of states) {
      const current = writes.vault.get(state.ref) ?? state;
      if (current !== state) seen.add(state.ref);
      if (!matchesVaultQuery(current, query)) continue;
      yield current;
      if (++found === limit) return;
    }
    if (states.length < page) break;
    after = states[states.length - 1]!.ref;
    page = Math.min(MAX_PAGE, page * 2);
  }
  for (const state of writes.vault.values()) {
    if (seen.has(state.ref) || !matchesVaultQuery(state, query)) continue;
    yield state;
    if (++found === limit) return;
  }
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
    core.batch.releasedLocks.add(root);
  }
}
