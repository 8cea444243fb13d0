/**
 * The IOU sample on a mock network: a borrower issues an IOU to a lender (both sign), then settles it in cash in
 * two payments; the contract refuses an IOU of a negative amount, with its own message.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractNamed } from '../../../runtime/ledger/contracts.js';
import type { LedgerTransaction, TransactionState } from '../../../runtime/ledger/types.js';
import { createMockNetwork, type MockNetwork } from '../../../runtime/index.js';
import { buildAndLoadCordapp } from '../../../runtime/node/index.js';
import { IOU, type Iou } from '../iou.ts';

const IOU_DIR = path.resolve(import.meta.dirname, '..');
const NODES = ['Alice', 'Bob', 'Notary'];
const cordapp = buildAndLoadCordapp(IOU_DIR);
const usd = (quantity: number) => ({ quantity, currency: 'USD' });

async function network(): Promise<MockNetwork> {
  let n = 0;
  const net = await createMockNetwork({
    nodes: NODES,
    cordapps: [await cordapp],
    newId: () => `flow-${++n}`,
  });
  expect(await run(net, 'Bob', 'IssueCash', { amount: usd(500), notary: 'Notary' })).toMatchObject({
    status: 'done',
  });
  return net;
}

async function run(net: MockNetwork, node: string, flow: string, params: Record<string, unknown>) {
  const handle = net.start(node, flow, params);
  await net.runUntilIdle();
  return handle.result;
}

/** A node's unconsumed states: IOUs as their data, cash as [owner, quantity]. */
function vault(net: MockNetwork, node: string) {
  return net
    .node(node)
    .store.queryVault({})
    .map((s) =>
      s.state.contract === IOU
        ? s.state.data
        : [s.state.data['owner'], (s.state.data['amount'] as { quantity: number }).quantity],
    );
}

const issued: Iou = { reference: 'iou-1', lender: 'Alice', borrower: 'Bob', amount: usd(100), paid: usd(0) };

describe('the IOU sample', () => {
  it('issues an IOU signed by the borrower and the lender, in both vaults', async () => {
    const net = await network();
    const outcome = await run(net, 'Bob', 'IssueIou', {
      lender: 'Alice',
      amount: usd(100),
      reference: 'iou-1',
      notary: 'Notary',
    });
    expect(outcome).toMatchObject({ status: 'done' });
    const stx = net.node('Alice').store.getTransaction(outcome.result as string)!;
    expect(stx).toEqual(net.node('Bob').store.getTransaction(stx.id));
    expect(stx.signatures.map((s) => s.by).sort()).toEqual(['Alice', 'Bob']);
    expect(vault(net, 'Alice')).toEqual([issued]);
    expect(vault(net, 'Bob')).toEqual([['Bob', 500], issued]);
    expect((await run(net, 'Alice', 'Ious', {})).result).toEqual([issued]);
    // the lender's responder tracked the library's flows under its own steps
    const responder = net
      .node('Alice')
      .flows()
      .find((f) => f.flow === 'IssueIouResponder')!;
    expect(net.node('Alice').progressTree(responder.id)?.status).toBe('done');
  });

  it('settles an IOU in two cash payments: kept with what is paid, then consumed; both vaults agree', async () => {
    const net = await network();
    await run(net, 'Bob', 'IssueIou', {
      lender: 'Alice',
      amount: usd(100),
      reference: 'iou-1',
      notary: 'Notary',
    });
    const first = await run(net, 'Bob', 'SettleIou', { reference: 'iou-1', amount: usd(40) });
    expect(first).toMatchObject({ status: 'done', result: usd(60) });
    const partly = { ...issued, paid: usd(40) };
    expect(vault(net, 'Alice')).toEqual([partly, ['Alice', 40]]);
    expect(vault(net, 'Bob')).toEqual([partly, ['Bob', 460]]);

    const second = await run(net, 'Bob', 'SettleIou', { reference: 'iou-1', amount: usd(60) });
    expect(second).toMatchObject({ status: 'done', result: usd(0) });
    expect(vault(net, 'Alice')).toEqual([
      ['Alice', 40],
      ['Alice', 60],
    ]);
    expect(vault(net, 'Bob')).toEqual([['Bob', 400]]);
    // the last settlement consumed the IOU and the coins, both signed it, and the notary committed its inputs
    const settled = net.node('Bob').store.queryVault({ contract: IOU, consumed: true });
    expect(settled.map((s) => s.consumedBy !== undefined)).toEqual([true, true]);
    const last = settled[1]!.consumedBy!;
    const stx = net.node('Alice').store.getTransaction(last)!;
    expect(stx.signatures.map((s) => s.by).sort()).toEqual(['Alice', 'Bob', 'Notary']);
    for (const ref of stx.tx.inputs) expect(net.node('Notary').store.notaryCommit(ref)).toBe(last);
    expect(
      net
        .node('Bob')
        .store.queryVault({ consumed: true })
        .every((s) => !s.lockedBy),
    ).toBe(true);
  });

  it("refuses an IOU of a negative amount with the contract's message, before the lender is asked", async () => {
    const net = await network();
    const outcome = await run(net, 'Bob', 'IssueIou', {
      lender: 'Alice',
      amount: usd(-5),
      reference: 'iou-2',
      notary: 'Notary',
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(
      /^Contract IOU rejects transaction [0-9a-f]{12}: An IOU's amount must be positive$/,
    );
    expect(net.node('Alice').store.listFlows()).toEqual([]);
    expect(vault(net, 'Bob')).toEqual([['Bob', 500]]);
  });

  it('refuses to pay more than remains, or in another currency, and leaves the IOU and the cash unlocked', async () => {
    const net = await network();
    await run(net, 'Bob', 'IssueIou', {
      lender: 'Alice',
      amount: usd(100),
      reference: 'iou-1',
      notary: 'Notary',
    });
    expect(await run(net, 'Bob', 'SettleIou', { reference: 'iou-1', amount: usd(150) })).toMatchObject({
      status: 'failed',
      error: 'Cannot pay 150 USD: only 100 USD remains to pay on the IOU iou-1',
    });
    expect(
      await run(net, 'Bob', 'SettleIou', { reference: 'iou-1', amount: { quantity: 10, currency: 'EUR' } }),
    ).toMatchObject({ status: 'failed', error: 'The IOU iou-1 is in USD, not EUR' });
    expect(await run(net, 'Bob', 'SettleIou', { reference: 'iou-9', amount: usd(10) })).toMatchObject({
      status: 'failed',
      error: 'Bob owes no IOU iou-9',
    });
    expect(
      await run(net, 'Bob', 'IssueIou', {
        lender: 'Alice',
        amount: usd(5),
        reference: 'iou-1',
        notary: 'Notary',
      }),
    ).toMatchObject({
      status: 'failed',
      error: 'Bob already owes an IOU iou-1',
    });
    expect(
      net
        .node('Bob')
        .store.queryVault({})
        .map((s) => s.lockedBy),
    ).toEqual([undefined, undefined]);
    expect(await run(net, 'Bob', 'SettleIou', { reference: 'iou-1', amount: usd(100) })).toMatchObject({
      status: 'done',
      result: usd(0),
    });
  });
});

describe('the IOU contract', () => {
  const verify = contractNamed(IOU)!;
  const state = (iou: Iou): TransactionState => ({
    data: { ...iou },
    contract: IOU,
    participants: [iou.lender, iou.borrower],
    notary: 'Notary',
  });
  const cash = (owner: string, quantity: number): TransactionState => ({
    data: { amount: usd(quantity), owner, issuer: 'Bob' },
    contract: 'Cash',
    participants: [owner],
    notary: 'Notary',
  });
  const settle = (outputs: TransactionState[], signers = ['Bob', 'Alice']): LedgerTransaction => ({
    id: 'tx',
    inputs: [{ ref: 'issue:0', state: state(issued) }],
    references: [],
    outputs,
    commands: [{ contract: IOU, name: 'Settle', signers }],
    notary: 'Notary',
  });

  it('accepts a partial and a full settlement', () => {
    expect(() => verify(settle([state({ ...issued, paid: usd(30) }), cash('Alice', 30)]))).not.toThrow();
    expect(() => verify(settle([cash('Alice', 100)]))).not.toThrow();
  });

  it.each([
    ['paying nothing', [state(issued)], 'Settling pays the lender Alice some USD in cash'],
    ['paying beyond the amount', [cash('Alice', 120)], 'An IOU cannot be paid beyond its amount'],
    ['consuming it partly paid', [cash('Alice', 30)], 'An IOU is consumed only when paid in full'],
    [
      'keeping it paid in full',
      [state({ ...issued, paid: usd(100) }), cash('Alice', 100)],
      'An IOU paid in full is consumed, not kept',
    ],
    [
      'changing its amount',
      [state({ ...issued, amount: usd(50), paid: usd(30) }), cash('Alice', 30)],
      'Settling an IOU changes only what is paid',
    ],
    [
      'misstating what is paid',
      [state({ ...issued, paid: usd(10) }), cash('Alice', 30)],
      'The IOU kept must show 30 USD paid',
    ],
  ])('refuses %s', (_, outputs, message) => {
    expect(() => verify(settle(outputs))).toThrow(message);
  });

  it('needs both signatures', () => {
    expect(() => verify(settle([cash('Alice', 100)], ['Bob']))).toThrow(
      "Both the lender and the borrower must sign an IOU's settlement",
    );
  });
});
