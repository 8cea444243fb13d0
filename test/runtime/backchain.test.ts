/**
 * Backchain resolution: a peer shown a state whose backchain is 1,000 transactions long fetches them in batches of
 * 100, one round trip per batch, verifying each before keeping it; a backchain of up to 16 transactions comes with
 * the state, in the same message, and is verified without a round trip.
 */
import { describe, expect, it } from 'vitest';
import type { KeyPair } from '../../runtime/ledger/crypto.js';
import { signTransaction, toSigned } from '../../runtime/ledger/transactions.js';
import { stateRef, type SignedTransaction, type TransactionState } from '../../runtime/ledger/types.js';
import { emptyWriteSet } from '../../runtime/store.js';
import '../../runtime/node/index.js';
import { PUSH_LIMIT } from '../../runtime/library/ledger.js';
import { network } from './helpers.js';

/** Alice shows Bob a state at the end of a chain of `length` transactions; what each side sent, once done. */
async function show(length: number) {
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
  while (chain.length < length) {
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

  const shown = net.start('Alice', 'Show', { peer: 'Bob' });
  await net.runUntilIdle();
  expect(await shown.result).toMatchObject({ status: 'done', result: true });
  const bob = net.node('Bob');
  expect(chain.every((stx) => bob.store.getTransaction(stx.id) !== undefined)).toBe(true);
  const look = bob.store.listFlows().find((f) => f.flow === 'Look')!;
  const [bobSession] = bob.store.sessionsOf(look.id);
  const [aliceSession] = alice.store.sessionsOf(shown.id);
  // messages sent on the session by each side (sequence numbers from 1)
  return { bob: bobSession!.sendSeq - 1, alice: aliceSession!.sendSeq - 1 };
}

describe('backchain resolution', () => {
  it('resolves a backchain of 1,000 transactions in 10 batched round trips', async () => {
    const sent = await show(1000);
    const batches = 10;
    // Bob: the plan, one request per batch, the answer, the end
    expect(sent.bob).toBe(1 + batches + 1 + 1);
    // Alice: the state (nothing pushed), the offer, one answer per batch, the end
    expect(sent.alice).toBe(2 + batches + 1);
  }, 60_000);

  it('sends a short backchain with the state: no round trip at all, and one more transaction fetches', async () => {
    // Bob: only the answer and the end; Alice: the state with its chain, and the end
    expect(await show(PUSH_LIMIT)).toEqual({ bob: 2, alice: 2 });
    // one over the limit: offered and fetched in one batch
    expect(await show(PUSH_LIMIT + 1)).toEqual({ bob: 1 + 1 + 1 + 1, alice: 2 + 1 + 1 });
  });
});
