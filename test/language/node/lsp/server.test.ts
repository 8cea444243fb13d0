/**
 * `flowc lsp --stdio` as a child process, driven by a real LSP client over JSON-RPC: each feature on the
 * kitchen-sink CorDapp (two .flow files and a host module), the protocol fixtures, the trade sample, and CorDapps
 * written to temporary directories for the broken cases. Needs `npm run build`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LineIndex } from '../../../../language/services/positions.js';
import { LspClient, ROOT, uriOf } from './client.js';

const KITCHEN = path.join(ROOT, 'test/fixtures/kitchen-sink/kitchen-sink.flow');
const COMMON = path.join(ROOT, 'test/fixtures/kitchen-sink/common.flow');
const HOST = path.join(ROOT, 'test/fixtures/kitchen-sink/host.ts');
const kitchen = readFileSync(KITCHEN, 'utf8');

/** The LSP position of the `nth` `marker` in `text`, plus `delta` characters. */
function pos(text: string, marker: string, delta = 0, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(marker, at + 1);
  if (at < 0) throw new Error(`"${marker}" is not in the text.`);
  return new LineIndex(text).positionAt(at + delta);
}

const range = (line: number, start: number, endLine: number, end: number) => ({
  start: { line, character: start },
  end: { line: endLine, character: end },
});

let client: LspClient;
let tmp: string;

beforeAll(async () => {
  client = await LspClient.start({ diagnosticDelay: 0 });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'flowc-lsp-'));
  expect(await client.open(KITCHEN, kitchen)).toMatchObject({
    uri: uriOf(KITCHEN),
    version: 1,
    diagnostics: [],
  });
});

afterAll(async () => {
  expect(await client.stop()).toBe(0);
  rmSync(tmp, { recursive: true, force: true });
});

// a test that edits the kitchen sink in memory leaves it as it is on disk, even when it fails
afterEach(async () => {
  if (client.lastText.get(uriOf(KITCHEN)) !== kitchen) await client.change(KITCHEN, kitchen);
});

const doc = (file: string) => ({ textDocument: { uri: uriOf(file) } });

describe('diagnostics as you type', () => {
  it('publishes the errors of each version, and none once fixed', async () => {
    const broken = kitchen.replace('  step Done', '  step Dne');
    expect((await client.change(KITCHEN, broken)).diagnostics).toEqual([
      {
        range: range(58, 7, 58, 10),
        severity: 1,
        code: 'unknown-step',
        source: 'flowc',
        message:
          'Step "Dne" is not declared in the progress block of flow "SellerFlow". Did you mean "Done"?',
        relatedInformation: [
          { location: { uri: uriOf(KITCHEN), range: range(22, 2, 27, 3) }, message: 'The progress block.' },
        ],
      },
    ]);
    expect((await client.change(KITCHEN, kitchen)).diagnostics).toEqual([]);
  });

  it('relates a protocol fault to the other side of the conversation, in another file', async () => {
    const dir = path.join(tmp, 'protocol');
    const seller = path.join(dir, 'seller.flow');
    const buyer = path.join(dir, 'buyer.flow');
    mkdirSync(dir);
    const sellerText =
      'cordapp com.example.p version 1.0.0\n\ninitiating flow Seller(peer: Party) {\n  let s = open peer\n  send 42 to s\n}\n';
    writeFileSync(seller, sellerText);
    writeFileSync(
      buyer,
      'responder flow Buyer(s: Session) for Seller {\n  let text = receive String from s\n}\n',
    );
    // the fault is the responder's, reported in its file (not open) once the initiator's file is checked
    const buyerDiagnostics = client.nextDiagnostics(uriOf(buyer), (p) => p.diagnostics.length > 0);
    expect((await client.open(seller, sellerText)).diagnostics).toEqual([]);
    expect((await buyerDiagnostics).diagnostics).toEqual([
      {
        range: range(1, 13, 1, 34),
        severity: 1,
        code: 'protocol-mismatch',
        source: 'flowc',
        message:
          'Buyer expects String here, but Seller sends Int: Seller sends Int (seller.flow:5) → Buyer expects String (buyer.flow:2).',
        relatedInformation: [
          { location: { uri: uriOf(seller), range: range(4, 2, 4, 14) }, message: 'Seller sends Int here.' },
        ],
      },
    ]);
    await client.close(seller);
  });
});

describe('completion', () => {
  const labels = (list: { label: string }[]) => list.map((i) => i.label).join(' ');
  const completeAt = async (text: string, marker: string, delta: number) => {
    await client.change(KITCHEN, text);
    return client.request<{ label: string }[]>('textDocument/completion', {
      ...doc(KITCHEN),
      position: pos(text, marker, delta),
    });
  };

  it('offers progress steps after step, flows after call, fields after a dot', async () => {
    const text = kitchen.replace('  step Done\n', '  step \n  let c = call \n  let p = offer.\n');
    expect(labels(await completeAt(text, 'step \n', 5))).toBe('Done Offering Quoting Waiting');
    expect(labels(await completeAt(text, 'call \n', 5))).toBe('BuyerFlow Haggle SellerFlow Tally');
    const offer = kitchen.replace(
      '  let quote = receive Amount from seller',
      '  let x = offer.\n  let quote = receive Amount from seller',
    );
    expect(labels(await completeAt(offer, 'offer.\n', 6))).toBe('assetId legs payTo price priority');
    await client.change(KITCHEN, kitchen);
  });

  it('offers the functions and types a host module exports inside import braces', async () => {
    const text = kitchen.replace('import { Commodity,', 'import { ,');
    expect(labels(await completeAt(text, 'import { ', 9))).toBe(
      'Amount Commodity Decimal FlowContext Int Party',
    );
    await client.change(KITCHEN, kitchen);
  });

  it('offers the host functions and types the file imports among the names of a body', async () => {
    const items = await client.request<{ label: string; detail: string }[]>('textDocument/completion', {
      ...doc(KITCHEN),
      position: pos(kitchen, '  step Quoting', 2),
    });
    expect(items.filter((i) => ['fetchQuote', 'Commodity'].includes(i.label))).toEqual([
      expect.objectContaining({
        label: 'Commodity',
        detail: 'type Commodity = { id: String, description: String, units: Int }',
      }),
      expect.objectContaining({
        label: 'fetchQuote',
        detail: 'async function fetchQuote(assetId: String) -> Amount',
      }),
    ]);
  });
});

describe('hover', () => {
  const hoverAt = (marker: string, delta = 0, nth = 0, file = KITCHEN, text = kitchen) =>
    client.request('textDocument/hover', { ...doc(file), position: pos(text, marker, delta, nth) });

  it('shows types, doc comments and progress labels', async () => {
    expect(await hoverAt('Offer {', 0, 1)).toEqual({
      contents: {
        kind: 'markdown',
        value:
          '```flow\nmessage Offer {\n  assetId: String\n  price: Amount\n  legs: List<Leg>\n  payTo: Party\n  priority: Priority\n}\n```\n\nWhat the seller offers.',
      },
      range: range(37, 7, 37, 12),
    });
    expect(await hoverAt('step Offering', 5)).toEqual({
      contents: {
        kind: 'markdown',
        value:
          '```flow\n(progress step) Offering "Sending the offer" tracks Haggle\n```\n\nProgress of flow `SellerFlow`: "Sending the offer".',
      },
      range: range(36, 7, 36, 15),
    });
    expect(await hoverAt('total = total', 0, 0)).toMatchObject({
      contents: { value: '```flow\nvar total: Decimal\n```' },
    });
  });

  it('shows host types with their JSDoc', async () => {
    expect(await hoverAt('asset: Commodity', 7)).toEqual({
      contents: {
        kind: 'markdown',
        value:
          '```flow\ntype Commodity = { id: String, description: String, units: Int }\n```\n\nA commodity the seller owns.\n\nFrom the host module `./host.ts`.',
      },
      range: range(28, 13, 28, 22),
    });
  });
});

describe('navigation', () => {
  const at = (method: string, marker: string, delta = 0, nth = 0, extra = {}) =>
    client.request(method, { ...doc(KITCHEN), position: pos(kitchen, marker, delta, nth), ...extra });

  it('goes to definitions in another .flow file and into the host TypeScript', async () => {
    expect(await at('textDocument/definition', 'Leg {', 0, 0)).toEqual([
      { uri: uriOf(COMMON), range: range(4, 8, 4, 11) },
    ]);
    expect(await at('textDocument/definition', 'findCommodity(assetId)')).toEqual([
      { uri: uriOf(HOST), range: range(19, 16, 19, 29) },
    ]);
    expect(await at('textDocument/definition', 'Haggle(session', 0)).toEqual([
      { uri: uriOf(KITCHEN), range: range(64, 5, 64, 11) },
    ]);
  });

  it('finds references across the files of the CorDapp', async () => {
    expect(
      await at('textDocument/references', 'Verdict.Reject', 0, 0, { context: { includeDeclaration: true } }),
    ).toEqual([
      { uri: uriOf(COMMON), range: range(1, 5, 1, 12) },
      { uri: uriOf(KITCHEN), range: range(4, 14, 4, 21) },
      { uri: uriOf(KITCHEN), range: range(43, 24, 43, 31) },
      { uri: uriOf(KITCHEN), range: range(44, 16, 44, 23) },
      { uri: uriOf(KITCHEN), range: range(77, 9, 77, 16) },
      { uri: uriOf(KITCHEN), range: range(79, 9, 79, 16) },
    ]);
  });

  it('renames a message field, a step and a flow across files, and refuses keywords', async () => {
    expect(await at('textDocument/rename', 'units: asset.units', 0, 0, { newName: 'count' })).toEqual({
      changes: {
        [uriOf(COMMON)]: [{ range: range(6, 2, 6, 7), newText: 'count' }],
        [uriOf(KITCHEN)]: [
          { range: range(35, 52, 35, 57), newText: 'count' },
          { range: range(35, 100, 35, 105), newText: 'count' },
          { range: range(39, 24, 39, 29), newText: 'count' },
        ],
      },
    });
    expect(await at('textDocument/rename', 'step Asking', 5, 0, { newName: 'Begging' })).toEqual({
      changes: {
        [uriOf(KITCHEN)]: [
          { range: range(66, 4, 66, 10), newText: 'Begging' },
          { range: range(68, 7, 68, 13), newText: 'Begging' },
        ],
      },
    });
    expect(await at('textDocument/prepareRename', 'Tally')).toEqual({
      range: range(89, 5, 89, 10),
      placeholder: 'Tally',
    });
    await expect(at('textDocument/rename', 'return total', 0, 0, { newName: 'x' })).rejects.toMatchObject({
      code: -32803,
      message: '"return" is a keyword and cannot be renamed.',
    });
  });

  it('lists the document symbols', async () => {
    const symbols = await client.request<{ name: string; kind: number; children?: { name: string }[] }[]>(
      'textDocument/documentSymbol',
      doc(KITCHEN),
    );
    expect(
      symbols.map((s) => `${s.name}/${s.kind}: ${(s.children ?? []).map((c) => c.name).join(' ')}`),
    ).toEqual([
      'com.example.kitchen/3: ',
      'Offer/23: assetId price legs payTo priority',
      'Decision/10: Accept Reject Counter',
      'SellerFlow/12: Quoting Offering Waiting Done',
      'Haggle/12: Asking',
      'BuyerFlow/12: ',
      'Tally/12: ',
    ]);
  });
});

describe('formatting, semantic tokens and code actions', () => {
  it('formats with the printer and refuses text with syntax errors', async () => {
    expect(
      await client.request('textDocument/formatting', {
        ...doc(KITCHEN),
        options: { tabSize: 2, insertSpaces: true },
      }),
    ).toEqual([]);
    const messy = kitchen.replace('var sum = 0', 'var   sum=0');
    await client.change(KITCHEN, messy);
    expect(
      await client.request('textDocument/formatting', {
        ...doc(KITCHEN),
        options: { tabSize: 2, insertSpaces: true },
      }),
    ).toEqual([{ range: range(0, 0, 96, 0), newText: kitchen }]);
    await client.change(KITCHEN, kitchen.replace('flow Tally(', 'flow Tally('.slice(0, -1) + ' {'));
    await expect(
      client.request('textDocument/formatting', {
        ...doc(KITCHEN),
        options: { tabSize: 2, insertSpaces: true },
      }),
    ).rejects.toMatchObject({
      code: -32803,
      message: expect.stringMatching(/^Cannot format: the file has syntax errors \(the first at line 90/),
    });
    await client.change(KITCHEN, kitchen);
  });

  it('gives semantic tokens with the legend of the initialize result', async () => {
    const common = readFileSync(COMMON, 'utf8');
    await client.open(COMMON, common);
    expect(await client.request('textDocument/semanticTokens/full', doc(COMMON))).toEqual({
      data: [
        1, 5, 7, 3, 1, 0, 10, 6, 4, 3, 0, 8, 6, 4, 3, 3, 8, 3, 2, 1, 1, 2, 11, 8, 3, 0, 13, 6, 1, 4, 1, 2, 5,
        8, 3, 0, 7, 3, 1, 4,
      ],
    });
    await client.close(COMMON);
  });

  it('declares a missing progress step', async () => {
    const broken = kitchen.replace('  step Done', '  step Closing');
    const { diagnostics } = await client.change(KITCHEN, broken);
    const actions = await client.request('textDocument/codeAction', {
      ...doc(KITCHEN),
      range: diagnostics[0]!.range,
      context: { diagnostics },
    });
    expect(actions).toEqual([
      {
        title: 'Declare step "Closing" in the progress block of flow "SellerFlow"',
        kind: 'quickfix',
        diagnostics,
        edit: {
          changes: { [uriOf(KITCHEN)]: [{ range: range(27, 0, 27, 0), newText: '    Closing "Closing"\n' }] },
        },
      },
    ]);
    await client.change(KITCHEN, kitchen);
  });

  it('imports a missing name from a host module of the directory', async () => {
    const dir = path.join(tmp, 'imports');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'pricing.ts'),
      'export function price(id: string): number {\n  return id.length;\n}\n',
    );
    const file = path.join(dir, 'shop.flow');
    const text =
      'cordapp com.example.imports version 1.0.0\n\nflow Quote(id: String) -> Decimal {\n  return price(id)\n}\n';
    writeFileSync(file, text);
    const { diagnostics } = await client.open(file, text);
    expect(diagnostics.map((d) => d.code)).toEqual(['unknown-name']);
    const actions = await client.request('textDocument/codeAction', {
      ...doc(file),
      range: diagnostics[0]!.range,
      context: { diagnostics },
    });
    expect(actions).toEqual([
      {
        title: 'Import "price" from "./pricing.ts"',
        kind: 'quickfix',
        diagnostics,
        edit: {
          changes: {
            [uriOf(file)]: [
              { range: range(1, 0, 1, 0), newText: '\nimport { price } from "./pricing.ts"\n' },
            ],
          },
        },
      },
    ]);
    await client.close(file);
  });
});

describe('the trade sample', () => {
  const TRADE = path.join(ROOT, 'samples/trade/trade.flow');
  const trade = readFileSync(TRADE, 'utf8');

  it('checks clean, and goes into the flow library and the host modules', async () => {
    expect((await client.open(TRADE, trade)).diagnostics).toEqual([]);
    const definition = (marker: string, delta = 0) =>
      client.request<{ uri: string }[]>('textDocument/definition', {
        ...doc(TRADE),
        position: pos(trade, marker, delta),
      });
    expect(
      (await definition('call TwoPartyTradeSeller', 5)).map((l) =>
        path.relative(ROOT, new URL(l.uri).pathname),
      ),
    ).toEqual(['runtime/library/trade.flow']);
    expect(
      (await definition('findCommodity(assetId)')).map((l) => path.relative(ROOT, new URL(l.uri).pathname)),
    ).toEqual(['samples/trade/commodity.ts']);
    expect(
      await client.request('textDocument/hover', { ...doc(TRADE), position: pos(trade, 'step Finding', 5) }),
    ).toMatchObject({
      contents: {
        value:
          '```flow\n(progress step) Finding "Finding the lot in the vault"\n```\n\nProgress of flow `SellerFlow`: "Finding the lot in the vault".',
      },
    });
    await client.close(TRADE);
  });
});

describe('bad requests', () => {
  it('answers an unknown document with an error, and stays up', async () => {
    await expect(
      client.request('textDocument/hover', {
        textDocument: { uri: uriOf(path.join(tmp, 'missing.flow')) },
        position: { line: 0, character: 0 },
      }),
    ).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(
        /^Unknown document "file:.*missing\.flow": it is not open and no such \.flow file exists\.$/,
      ),
    });
    await expect(
      client.request('textDocument/hover', {
        textDocument: { uri: 'untitled:Nope' },
        position: { line: 0, character: 0 },
      }),
    ).rejects.toMatchObject({ code: -32602 });
  });

  it('answers malformed requests and unknown methods with errors, and stays up', async () => {
    await expect(
      client.request('textDocument/hover', { textDocument: { uri: uriOf(KITCHEN) } }),
    ).rejects.toMatchObject({
      code: -32602,
      message: 'The request has no valid position {line, character}.',
    });
    await expect(
      client.request('textDocument/definition', { position: { line: 0, character: 0 } }),
    ).rejects.toMatchObject({
      code: -32602,
      message: 'The request has no textDocument.uri.',
    });
    await expect(client.request('flows/noSuchMethod', {})).rejects.toMatchObject({ code: -32601 });
    // bytes that are not JSON-RPC at all
    client.child.stdin!.write('Content-Length: 9\r\n\r\n{"broken"');
    client.child.stdin!.write('Content-Length: 26\r\n\r\n{"jsonrpc":"2.0","id":999}');
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', doc(KITCHEN));
    expect(symbols).toHaveLength(7);
    expect(client.child.exitCode).toBeNull();
  });
});
