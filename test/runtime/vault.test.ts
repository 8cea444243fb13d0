/**
 * The vault as a step sees it (`runtime/engine/ledger.ts`): the store overlaid with the open batch, read a page at
 * a time, in the order the store will have once the batch is committed; and the flow library's coin selection
 * (`runtime/library/cash.ts`) over it, which stops reading once one issuer's coins cover the amount.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeCore } from '../../runtime/engine/core.js';
import { ledgerServices, releaseLocks, vaultStates } from '../../runtime/engine/ledger.js';
import type { VaultQuery, VaultState } from '../../runtime/ledger/services.js';
import type { SignedTransaction as Stx } from '../../runtime/ledger/types.js';
import { cashBalance, payCash } from '../../runtime/library/cash.js';
import type { FlowContext } from '../../runtime/library/ledger.js';
import { SqliteStore } from '../../runtime/node/index.js';
import {
  emptyWriteSet,
  MemoryStore,
  type CheckpointStore,
  type StoreVaultQuery,
} from '../../runtime/store.js';
import { flowRecord, vaultState } from './storeContract.js';

/** A node core on `store` (nothing is sent), and the rows its store gave to vault queries. */
function nodeOn(store: CheckpointStore) {
  const read = { rows: 0, queries: [] as StoreVaultQuery[] };
  const queryVault = store.queryVault.bind(store);
  store.queryVault = (query) => {
    const rows = queryVault(query);
    read.rows += rows.length;
    read.queries.push(query);
    return rows;
  };
  const core = new NodeCore({
    name: 'Buyer',
    store,
    transport: { send: () => undefined, knows: () => true },
  });
  return { core, read };
}

const stores: [string, () => CheckpointStore][] = [
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore(':memory:')],
];

function commitVault(store: CheckpointStore, states: VaultState[]): void {
  const writes = emptyWriteSet();
  for (const state of states) writes.vault.set(state.ref, state);
  store.commit(writes);
}

describe.each(stores)('the vault a step sees, on %s', (_name, open) => {
  const refs = Array.from({ length: 10 }, (_, i) => `r${i}`);
  const added = ['n0', 'n1', 'n2'];
  const flows = ['f0', 'f1', 'f2'];
  const stateOf = (ref: string, fields: { consumedBy?: string; lockedBy?: string } = {}): VaultState => {
    const i = Number(ref.slice(1)) + (ref.startsWith('n') ? 10 : 0);
    return vaultState(ref, {
      contract: i % 4 ? 'Cash' : 'Token',
      data: { owner: i % 3 ? 'A' : 'B' },
      ...fields,
    });
  };
  const committedArb = fc.array(
    fc.record({
      consumedBy: fc.option(fc.constant('tx0'), { nil: undefined, freq: 4 }),
      lockedBy: fc.option(fc.constantFrom(...flows), { nil: undefined }),
    }),
    { minLength: refs.length, maxLength: refs.length },
  );
  const opArb = fc.oneof(
    fc.record({
      op: fc.constant('lock' as const),
      ref: fc.constantFrom(...refs, ...added),
      flow: fc.constantFrom(...flows),
    }),
    fc.record({ op: fc.constant('consume' as const), ref: fc.constantFrom(...refs, ...added) }),
    fc.record({ op: fc.constant('release' as const), flow: fc.constantFrom(...flows) }),
    fc.record({ op: fc.constant('add' as const), ref: fc.constantFrom(...added) }),
  );
  const queryArb = fc.record(
    {
      contract: fc.constantFrom('Cash', 'Token'),
      consumed: fc.boolean(),
      where: fc.constant({ owner: 'A' }),
      availableTo: fc.subarray(flows, { maxLength: 2 }),
      limit: fc.nat(6),
    },
    { requiredKeys: [] },
  );

  it('gives what the store will give once the batch is committed', () => {
    fc.assert(
      fc.property(committedArb, fc.array(opArb, { maxLength: 12 }), queryArb, (committed, ops, query) => {
        const initial = committed.map((fields, i) => stateOf(refs[i]!, fields));
        const store = open();
        const after = new MemoryStore();
        try {
          commitVault(store, initial);
          commitVault(after, initial);
          const { core } = nodeOn(store);
          const writes = core.batch.writes;
          const current = (ref: string) => writes.vault.get(ref) ?? store.getVaultState(ref);
          for (const op of ops) {
            if (op.op === 'release') releaseLocks(core, op.flow);
            else if (op.op === 'add') {
              if (!current(op.ref)) writes.vault.set(op.ref, stateOf(op.ref));
            } else {
              // as the ledger services do: a state locked by another flow is refused
              const held = current(op.ref);
              if (!held || held.consumedBy !== undefined) continue;
              if (op.op === 'lock' && held.lockedBy !== undefined && held.lockedBy !== op.flow) continue;
              const changed = { ...held };
              if (op.op === 'lock') changed.lockedBy = op.flow;
              else {
                changed.consumedBy = 'tx1';
                delete changed.lockedBy;
              }
              writes.vault.set(op.ref, changed);
            }
          }
          const seen = [...vaultStates(core, query)];
          after.commit(writes);
          expect(seen).toEqual(after.queryVault(query));
        } finally {
          store.close();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads a page at a time, as far as the caller goes, leaving out what the batch locked', () => {
    const store = open();
    try {
      commitVault(
        store,
        Array.from({ length: 100 }, (_, i) => vaultState(`c${i}`, { data: { owner: 'A' } })),
      );
      const { core, read } = nodeOn(store);
      const query: VaultQuery = { contract: 'Cash', availableTo: ['f0'] };
      const first = (): string => vaultStates(core, query).next().value!.ref;
      expect(first()).toBe('c0');
      expect(read.rows).toBe(4);
      // the batch locked the 50 oldest for other flows: the store leaves them out, it does not read them
      for (let i = 0; i < 50; i++)
        core.batch.writes.vault.set(`c${i}`, vaultState(`c${i}`, { lockedBy: 'f1' }));
      read.rows = 0;
      expect(first()).toBe('c50');
      expect(read.rows).toBe(4);
      expect(read.queries.at(-1)!.except).toHaveLength(50);
      // to the end: pages of 4, 8, 16, 32 (the last one short)
      read.rows = 0;
      read.queries = [];
      expect([...vaultStates(core, query)].map((s) => s.ref)).toEqual(
        Array.from({ length: 50 }, (_, i) => `c${i + 50}`),
      );
      expect(read.queries.map((q) => q.limit)).toEqual([4, 8, 16, 32]);
      expect(read.rows).toBe(50);
      // a limit is the first page
      read.queries = [];
      expect([...vaultStates(core, { ...query, limit: 3 })].map((s) => s.ref)).toEqual(['c50', 'c51', 'c52']);
      expect(read.queries.map((q) => q.limit)).toEqual([3]);
      expect([...vaultStates(core, { ...query, limit: 0 })]).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe.each(stores)('coin selection, on %s', (_name, open) => {
  const usd = (quantity: number) => ({ quantity, currency: 'USD' });
  /** A coin owned by the buyer. */
  const coin = (
    ref: string,
    quantity: number,
    issuer = 'Bank',
    fields: { lockedBy?: string; currency?: string } = {},
  ) =>
    vaultState(ref, {
      data: { amount: { quantity, currency: fields.currency ?? 'USD' }, owner: 'Buyer', issuer },
      ...(fields.lockedBy ? { lockedBy: fields.lockedBy } : {}),
    });
  /** Pays `quantity` USD from a vault of `coins` in flow `f0`: the coins chosen, and what the store read. */
  function pay(coins: VaultState[], quantity: number) {
    const store = open();
    try {
      commitVault(store, coins);
      const { core, read } = nodeOn(store);
      const ctx: FlowContext = { flowId: 'f0', me: 'Buyer', ledger: ledgerServices(core, flowRecord('f0')) };
      const tx = payCash(ctx, usd(quantity), 'Seller', 'Notary') as unknown as Stx;
      const locked = [...core.batch.writes.vault.values()]
        .filter((s) => s.lockedBy === 'f0')
        .map((s) => s.ref);
      expect(locked).toEqual(tx.tx.inputs);
      return { chosen: tx.tx.inputs, outputs: tx.tx.outputs.map((o) => o.data), rows: read.rows };
    } finally {
      store.close();
    }
  }

  it('takes the oldest coins that cover the amount, skipping those locked by other flows', () => {
    const coins = [coin('a', 100, 'Bank', { lockedBy: 'f1' }), coin('b', 50), coin('c', 60), coin('d', 70)];
    const { chosen, outputs } = pay(coins, 100);
    expect(chosen).toEqual(['b', 'c']);
    expect(outputs).toEqual([
      { amount: usd(100), owner: 'Seller', issuer: 'Bank' },
      { amount: usd(10), owner: 'Buyer', issuer: 'Bank' },
    ]);
    // a coin the flow locked itself is its own to spend
    expect(pay([coin('a', 100, 'Bank', { lockedBy: 'f0' }), coin('b', 50)], 100).chosen).toEqual(['a']);
  });

  it('takes one issuer: the first whose coins so far cover the amount, reading the vault oldest first', () => {
    // Bank's 100 covers before Other's 10 + 95 do (the older rule took Other, the first issuer seen)
    expect(pay([coin('a', 10, 'Other'), coin('b', 100), coin('c', 95, 'Other')], 100).chosen).toEqual(['b']);
    // Other's 60 + 50 cover at the third coin, Bank's 30 + 80 only at the fourth
    expect(
      pay([coin('a', 60, 'Other'), coin('b', 30), coin('c', 50, 'Other'), coin('d', 80)], 100).chosen,
    ).toEqual(['a', 'c']);
    // coins of another currency are passed over
    expect(pay([coin('a', 500, 'Bank', { currency: 'EUR' }), coin('b', 100)], 100).chosen).toEqual(['b']);
  });

  it('reads only what it needs, not the vault', () => {
    const coins = Array.from({ length: 1000 }, (_, i) => coin(`c${i}`, 100));
    const { chosen, rows } = pay(coins, 150);
    expect(chosen).toEqual(['c0', 'c1']);
    expect(rows).toBe(4);
  });

  it('fails with a FlowError when no issuer covers the amount', () => {
    expect(() =>
      pay([coin('a', 60, 'Other'), coin('b', 50), coin('c', 100, 'Bank', { lockedBy: 'f1' })], 100),
    ).toThrow(
      expect.objectContaining({
        name: 'FlowError',
        message: 'Insufficient funds: Buyer holds less than 100 USD of one issuer.',
      }),
    );
  });

  it('counts the balance over every issuer, without the coins other flows locked', () => {
    const store = open();
    try {
      commitVault(store, [coin('a', 60, 'Other'), coin('b', 50), coin('c', 100, 'Bank', { lockedBy: 'f1' })]);
      const { core } = nodeOn(store);
      const ctx: FlowContext = { flowId: 'f0', me: 'Buyer', ledger: ledgerServices(core, flowRecord('f0')) };
      expect(cashBalance(ctx, 'USD')).toBe(110);
      expect(cashBalance(ctx, 'EUR')).toBe(0);
    } finally {
      store.close();
    }
  });
});
