/**
 * The ledger core (runtime/ledger): transaction ids and salts, signatures, verification failures with their
 * messages, and the services a step uses (record, vault queries and soft locks, a notary's commits), over a
 * LedgerAccess kept in maps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineContract, requireThat } from '../../runtime/ledger/contracts.js';
import { canonicalJson, ledgerCrypto, useLedgerCrypto, type KeyPair } from '../../runtime/ledger/crypto.js';
import { LedgerServices, type LedgerAccess, type VaultState } from '../../runtime/ledger/services.js';
import {
  signTransaction,
  toSigned,
  transactionId,
  verifyTransaction,
} from '../../runtime/ledger/transactions.js';
import {
  stateRef,
  type SignedTransaction,
  type TransactionState,
  type WireTransaction,
} from '../../runtime/ledger/types.js';
import { matchesVaultQuery } from '../../runtime/store.js';
import '../../runtime/node/index.js';

defineContract('Token', (tx) => {
  for (const o of tx.outputs.filter((s) => s.contract === 'Token'))
    requireThat(Number(o.data['units']) > 0, 'Tokens come in positive units');
});

const keys: Record<string, KeyPair> = {};
const keyPair = (party: string): KeyPair => (keys[party] ??= ledgerCrypto().generateKeyPair());

function token(owner: string, units = 5): TransactionState {
  return { data: { owner, units }, contract: 'Token', participants: [owner], notary: 'Notary' };
}

function issue(owner: string, units = 5): SignedTransaction {
  const tx: WireTransaction = {
    inputs: [],
    references: [],
    outputs: [token(owner, units)],
    commands: [{ contract: 'Token', name: 'Issue', signers: [owner] }],
  };
  return signTransaction(toSigned(tx), owner, keyPair(owner));
}

/** A node's ledger in maps, with `me` as the node and a flow `flow-1` doing the work. */
function access(me: string, flowId = 'flow-1') {
  const txs = new Map<string, SignedTransaction>();
  const vault = new Map<string, VaultState>();
  const commits = new Map<string, string>();
  const a: LedgerAccess = {
    me,
    flowId,
    now: 1,
    keys: keyPair(me),
    keyOf: (party) => keyPair(party).publicKey,
    transaction: (id) => txs.get(id),
    vaultState: (ref) => vault.get(ref),
    queryVault: (q) => [...vault.values()].filter((s) => matchesVaultQuery(s, q)),
    notaryCommit: (ref) => commits.get(ref),
    putTransaction: (stx) => void txs.set(stx.id, stx),
    putVaultState: (s) => void vault.set(s.ref, s),
    putNotaryCommit: (ref, tx) => void commits.set(ref, tx),
  };
  return { access: a, txs, vault, commits };
}

const verify = (stx: SignedTransaction, known: Map<string, SignedTransaction>, allowMissing: string[] = []) =>
  verifyTransaction(stx, {
    resolve: (ref) =>
      known.get(ref.slice(0, ref.lastIndexOf(':')))?.tx.outputs[Number(ref.slice(ref.lastIndexOf(':') + 1))],
    keyOf: (party) => keyPair(party).publicKey,
    allowMissing,
  });

describe('transactions', () => {
  it('have the hash of their content as id, salted so that equal contents differ', () => {
    const a = issue('Alice');
    const b = issue('Alice');
    expect(a.id).toBe(transactionId(a.tx));
    expect(a.id).not.toBe(b.id);
    expect(a.tx.salt).toMatch(/^[0-9a-f]{32}$/);
  });

  it('verify when signed and accepted by their contracts', () => {
    const stx = issue('Alice');
    expect(verify(stx, new Map()).outputs).toHaveLength(1);
  });

  it('refuse a changed content, a bad or foreign signature, a missing signer, and a contract rejection', () => {
    const stx = issue('Alice');
    const changed = { ...stx, tx: { ...stx.tx, outputs: [token('Mallory')] } };
    expect(() => verify(changed, new Map())).toThrow(
      /has been changed: its id is not the hash of its content/,
    );
    const signature = stx.signatures[0]!;
    const flipped = signature.signature.startsWith('A')
      ? `B${signature.signature.slice(1)}`
      : `A${signature.signature.slice(1)}`;
    const forged = { ...stx, signatures: [{ ...signature, signature: flipped }] };
    expect(() => verify(forged, new Map())).toThrow(/carries an invalid signature of Alice/);
    const foreign = signTransaction({ ...stx, signatures: [] }, 'Alice', keyPair('Mallory'));
    expect(() => verify(foreign, new Map())).toThrow(/signature of Alice made with a key that is not theirs/);
    const unsigned = toSigned(stx.tx);
    expect(() => verify(unsigned, new Map())).toThrow(/is missing the signature of Alice/);
    const zero = signTransaction(
      toSigned({ ...stx.tx, outputs: [token('Alice', 0)], salt: undefined }),
      'Alice',
      keyPair('Alice'),
    );
    expect(() => verify(zero, new Map())).toThrow(
      /Contract Token rejects transaction .*: Tokens come in positive units/,
    );
  });

  it('refuse inputs this node cannot resolve, and inputs of another notary', () => {
    const issued = issue('Alice');
    const move = (notary: string) =>
      signTransaction(
        toSigned({
          inputs: [stateRef(issued.id, 0)],
          references: [],
          outputs: [token('Bob')],
          commands: [{ contract: 'Token', name: 'Move', signers: ['Alice'] }],
          notary,
        }),
        'Alice',
        keyPair('Alice'),
      );
    expect(() => verify(move('Notary'), new Map())).toThrow(/uses state .*, which this node does not have/);
    const known = new Map([[issued.id, issued]]);
    expect(verify(move('Notary'), known).inputs).toHaveLength(1);
    expect(() => verify(move('Other'), known)).toThrow(
      /is notarised by Other, but its input .* is governed by Notary/,
    );
  });
});

describe('ledger services', () => {
  it('record a transaction: the outputs this node takes part in enter its vault, its inputs are consumed', () => {
    const alice = access('Alice');
    const services = new LedgerServices(alice.access);
    const issued = issue('Alice');
    services.record(issued);
    services.record(issued);
    expect(services.query({ contract: 'Token' }).map((s) => s.state.data)).toEqual([
      { owner: 'Alice', units: 5 },
    ]);
    const move = services.sign(
      services.build({
        inputs: [stateRef(issued.id, 0)],
        references: [],
        outputs: [token('Bob')],
        commands: [{ contract: 'Token', name: 'Move', signers: ['Alice'] }],
        notary: 'Notary',
      }),
    );
    expect(services.check(move)).toBe('');
    services.record(move);
    expect(services.query({ contract: 'Token' })).toEqual([]);
    expect(alice.vault.get(stateRef(issued.id, 0))!.consumedBy).toBe(move.id);
    expect(services.ancestry(move)).toEqual([issued.id]);
    expect(services.missing([issued.id, move.id, 'unknown'])).toEqual(['unknown']);
  });

  it('soft-locks states for a flow: other flows neither see nor lock them', () => {
    const alice = access('Alice', 'flow-1');
    const mine = new LedgerServices(alice.access);
    const issued = issue('Alice');
    mine.record(issued);
    const ref = stateRef(issued.id, 0);
    mine.lock([ref]);
    const other = new LedgerServices({ ...alice.access, flowId: 'flow-2' });
    expect(other.query({ contract: 'Token' })).toEqual([]);
    expect(mine.query({ contract: 'Token' })).toHaveLength(1);
    expect(() => other.lock([ref])).toThrow(`State ${ref} is locked by flow flow-1.`);
  });

  it('notarise: commit the inputs once, answer a second spender with the transaction that consumed them', () => {
    const notary = access('Notary');
    const services = new LedgerServices(notary.access);
    const issued = issue('Alice');
    services.store(issued);
    const spend = (to: string) =>
      signTransaction(
        toSigned({
          inputs: [stateRef(issued.id, 0)],
          references: [],
          outputs: [token(to)],
          commands: [{ contract: 'Token', name: 'Move', signers: ['Alice'] }],
          notary: 'Notary',
        }),
        'Alice',
        keyPair('Alice'),
      );
    const first = spend('Bob');
    expect(services.notarise(first).signature?.by).toBe('Notary');
    expect(services.notarise(first).signature?.by).toBe('Notary');
    expect(services.notarise(spend('Carol'))).toEqual({
      conflict: { ref: stateRef(issued.id, 0), consumedBy: first.id },
    });
  });

  it('refuses, as a notary, a transaction outside its time window', () => {
    const notary = access('Notary');
    const services = new LedgerServices({ ...notary.access, now: Date.UTC(2025, 5, 1) });
    const issued = issue('Alice');
    services.store(issued);
    const late = signTransaction(
      toSigned({
        inputs: [stateRef(issued.id, 0)],
        references: [],
        outputs: [token('Bob')],
        commands: [{ contract: 'Token', name: 'Move', signers: ['Alice'] }],
        notary: 'Notary',
        timeWindow: { until: Date.UTC(2025, 0, 1) },
      }),
      'Alice',
      keyPair('Alice'),
    );
    expect(() => services.notarise(late)).toThrow(
      /is outside its time window \(from any time until 2025-01-01T00:00:00.000Z\); the notary's time is 2025-06-01/,
    );
  });
});

describe('signature verification, once per node', () => {
  it('verifies neither a signature the node made nor one it already checked, and still refuses a bad one', () => {
    const real = ledgerCrypto();
    let verifications = 0;
    useLedgerCrypto({
      ...real,
      verify: (key, message, signature) => {
        verifications++;
        return real.verify(key, message, signature);
      },
    });
    try {
      const bob = access('Bob');
      const services = new LedgerServices({ ...bob.access, verifiedSignatures: new Set() });
      const issued = issue('Alice');
      services.record(issued);
      const tx: WireTransaction = {
        inputs: [],
        references: [],
        outputs: [token('Bob')],
        commands: [{ contract: 'Token', name: 'Issue', signers: ['Alice', 'Bob'] }],
      };
      // Bob signs: his own signature is known good
      const mine = services.sign(toSigned(tx));
      expect(services.check(mine, ['Alice'])).toBe('');
      expect(verifications).toBe(0);
      // Alice's signature, added: verified once, then known
      const alices = signTransaction(mine, 'Alice', keyPair('Alice')).signatures.find(
        (s) => s.by === 'Alice',
      )!;
      const both = services.withSignature(mine, alices);
      expect(verifications).toBe(1);
      expect(services.check(both)).toBe('');
      expect(verifications).toBe(1);
      // a forged signature is still verified, and refused
      const forged = { ...alices, signature: mine.signatures[0]!.signature };
      expect(() => services.withSignature(mine, forged)).toThrow('is not valid');
    } finally {
      useLedgerCrypto(real);
    }
  });
});

describe('canonical JSON', () => {
  /** The same value with every object's keys inserted in reverse order. */
  const reversed = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reversed)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .reverse()
              .map((k) => [k, reversed((v as Record<string, unknown>)[k])]),
          )
        : v;

  it('is the JSON of the value, the same whatever order its keys were written in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversed(value))).toBe(text);
      }),
      { numRuns: 2000 },
    );
    // keys by UTF-16 code units ("" before "0", "B" before "a"), undefined left out of objects, null in arrays
    expect(canonicalJson({ b: 1, a: [undefined, { d: undefined, c: 'x' }], '0': 0, '': 2, B: 3 })).toBe(
      '{"":2,"0":0,"B":3,"a":[null,{"c":"x"}],"b":1}',
    );
  });
});
