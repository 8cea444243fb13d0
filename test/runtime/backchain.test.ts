/**
 * Backchain resolution in batches: a peer shown a state whose backchain is 1,000 transactions long fetches them in
 * batches of 100, one round trip per batch, verifying each before keeping it.
 */
import { describe, expect, it } from 'vitest';
import type { KeyPair } from '../../runtime/ledger/crypto.js';
import { signTransaction, toSigned } from '../../runtime/ledger/transactions.js';
import { stateRef, type SignedTransaction, type TransactionState } from '../../runtime/ledger/types.js';
import { emptyWriteSet } from '../../runtime/store.js';
import '../../runtime/node/index.js';
import { network } from './helpers.js';

const LENGTH = 1000;

describe('backchain resolution', () => {
  it('resolves a backchain of 1,000 transactions in 10 batched round trips', async () => {
    const net = await network('backchain', ['Alice', 'Bob', 'Notary']);
    const alice = net.node('Alice');
    const keys = JSON.parse(alice.store.getMeta('ledger.keys')!) as KeyPair;
    // a chain of cash moves Alice made to herself, written straight into her store
    const cash = (quantity: number): TransactionState => ({
      data: { amount: { quantity, currency: 'USD' }, owner: 'Alice', issuer: 'Alice' },
      contract: 'Cash',
      participants: ['Alice'],
      notary: 'Notary',
    });
    const chain: SignedTransaction[] = [];
    let previous = signTransaction(
      toSigned({
        inputs: [],
        references: [],
        outputs: [cash(10)],
        commands: [{ contract: 'Cash', name: 'Issue', signers: ['Alice'] }],
      }),
      'Alice',
      keys,
    );
    chain.push(previous);
    while (chain.length < LENGTH) {
      previous = signTransaction(
        toSigned({
          inputs: [stateRef(previous.id, 0)],
          references: [],
          outputs: [cash(10)],
          commands: [{ contract: 'Cash', name: 'Move', signers: ['Alice'] }],
          notary: 'Notary',
        }),
        'Alice',
        keys,
      );
      chain.push(previous);
    }
    const writes = emptyWriteSet();
    for (const stx of chain) writes.transactions.set(stx.id, stx);
    writes.vault.set(stateRef(previous.id, 0), {
      ref: stateRef(previous.id, 0),
      state: cash(10),
      recordedAt: 0,
    });
    alice.store.commit(writes);

    const show = net.start('Alice', 'Show', { peer: 'Bob' });
    await net.runUntilIdle();
    expect(await show.result).toMatchObject({ status: 'done', result: true });
    const bob = net.node('Bob');
    expect(chain.every((stx) => bob.store.getTransaction(stx.id) !== undefined)).toBe(true);
    // Bob's side of the session (sequence numbers from 1): the plan, one request per batch, the answer, the end
    const session = bob.store.listFlows().find((f) => f.flow === 'Look')!;
    const [bobSession] = bob.store.sessionsOf(session.id);
    const batches = Math.ceil(LENGTH / 100);
    expect(bobSession!.sendSeq - 1).toBe(1 + batches + 1 + 1);
    // Alice's side: the state, the offer, one answer per batch, the end
    const [aliceSession] = alice.store.sessionsOf(show.id);
    expect(aliceSession!.sendSeq - 1).toBe(2 + batches + 1);
  }, 60_000);
});
