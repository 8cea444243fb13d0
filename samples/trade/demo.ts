/**
 * `npm run demo`: the trade sample end to end. Builds samples/trade, starts Seller, Buyer and Notary nodes on
 * SQLite files in a temporary directory, issues cash to the buyer and a commodity lot to the seller, runs
 * SellerFlow with its live progress tree (sub-flows nested, as Corda's shell shows them), then prints the
 * notarised transaction and both vaults before and after. Exits 0 when the trade is done, 1 otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createMockNetwork,
  renderProgressTree,
  systemClock,
  type MockNetwork,
  type ProgressEvent,
} from '../../runtime/index.js';
import { buildAndLoadCordapp, SqliteStore } from '../../runtime/node/index.js';

const NODES = ['Seller', 'Buyer', 'Notary'] as const;
const tty = process.stdout.isTTY === true;
const bold = (text: string): string => (tty ? `\x1b[1m${text}\x1b[0m` : text);
const dim = (text: string): string => (tty ? `\x1b[2m${text}\x1b[0m` : text);

function vaultTable(net: MockNetwork, node: string): string[] {
  const states = net.node(node).store.queryVault({});
  if (states.length === 0) return ['    (empty)'];
  return states.map((s) => {
    const d = s.state.data;
    const what =
      s.state.contract === 'Cash'
        ? `${(d['amount'] as { quantity: number }).quantity} ${(d['amount'] as { currency: string }).currency} issued by ${String(d['issuer'])}`
        : `${String(d['description'])} (${String(d['assetId'])})`;
    return `    ${s.state.contract.padEnd(10)} ${what.padEnd(34)} owner ${String(d['owner'])}  ${dim(s.ref.slice(0, 10) + '…')}`;
  });
}

function printVaults(net: MockNetwork, title: string): void {
  console.log(bold(title));
  for (const node of ['Seller', 'Buyer']) {
    console.log(`  ${node}`);
    for (const line of vaultTable(net, node)) console.log(line);
  }
  console.log();
}

async function main(): Promise<number> {
  const started = performance.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flows-demo-'));
  try {
    console.log(bold('Building samples/trade …'));
    const trade = await buildAndLoadCordapp(path.join(import.meta.dirname));
    console.log(
      `  ${trade.name} ${trade.version}: ${trade.flows.size} flows (the CorDapp's and the flow library's)\n`,
    );

    const net = await createMockNetwork({
      nodes: NODES,
      cordapps: [trade],
      store: (name) => new SqliteStore(path.join(dir, `${name}.sqlite`)),
      clock: systemClock,
      delivery: 'auto',
    });
    console.log(bold(`Nodes ${NODES.join(', ')} on SQLite files in ${dir}\n`));

    const cash = net.start('Buyer', 'IssueCash', {
      amount: { quantity: 1000, currency: 'USD' },
      notary: 'Notary',
    });
    const lot = net.start('Seller', 'IssueCommodity', {
      assetId: 'lot-7',
      description: '100 t of copper',
      quantity: 100,
      notary: 'Notary',
    });
    for (const issued of [await cash.result, await lot.result])
      if (issued.status !== 'done') throw new Error(`Issuing failed: ${issued.error ?? issued.status}`);
    printVaults(net, 'Vaults before the trade');

    console.log(bold('Seller runs SellerFlow(buyer: Buyer, assetId: "lot-7", price: 250 USD)'));
    const seller = net.node('Seller');
    const sale = seller.startFlow('SellerFlow', {
      buyer: 'Buyer',
      assetId: 'lot-7',
      price: { quantity: 250, currency: 'USD' },
    });
    let drawn = 0;
    const draw = (event: ProgressEvent): void => {
      if (!tty) {
        console.log(`  ${'    '.repeat(event.depth)}▶ ${event.label}`);
        return;
      }
      const tree = seller.progressTree(sale.id);
      if (!tree) return;
      const lines = renderProgressTree(tree, '  ');
      process.stdout.write(`${drawn ? `\x1b[${drawn}F` : ''}\x1b[J${lines.map((l) => `${l}\n`).join('')}`);
      drawn = lines.length;
    };
    const stop = seller.subscribeProgress(sale.id, draw);
    const outcome = await sale.result;
    stop();
    if (tty) draw({} as ProgressEvent);
    console.log();
    if (outcome.status !== 'done') {
      console.log(`The trade ${outcome.status}: ${outcome.error ?? ''}`);
      return 1;
    }

    const txId = outcome.result as string;
    const stx = seller.store.getTransaction(txId)!;
    console.log(bold(`Notarised transaction ${txId}`));
    console.log(
      `  inputs   ${stx.tx.inputs.map((r) => r.slice(0, 10) + '…' + r.slice(r.lastIndexOf(':'))).join(', ')}`,
    );
    stx.tx.outputs.forEach((o, i) =>
      console.log(`  output ${i} ${o.contract}: ${JSON.stringify(o.data)} (notary ${o.notary})`),
    );
    for (const c of stx.tx.commands)
      console.log(`  command  ${c.contract}.${c.name}, signed by ${c.signers.join(', ')}`);
    console.log(`  signed by ${stx.signatures.map((s) => s.by).join(', ')}`);
    const notary = net.node('Notary').store;
    console.log(
      `  the notary holds its ${stx.tx.inputs.filter((r) => notary.notaryCommit(r) === txId).length} inputs as consumed\n`,
    );

    // the buyer recorded the transaction before it sent it to the seller
    printVaults(net, 'Vaults after the trade');
    net.close();
    console.log(dim(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
