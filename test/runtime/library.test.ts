/** The flow library (runtime/library) checks clean, protocol checker included, and the checker does follow it. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { libraryFiles, workspaceFor } from '../../language/node/files.js';

describe('the flow library', () => {
  it('checks without a diagnostic', async () => {
    const workspace = await workspaceFor(libraryFiles());
    const diagnostics = workspace
      .check()
      .flatMap((r) => r.diagnostics.map((d) => `${r.path}:${d.range.line}: ${d.message}`));
    expect(diagnostics).toEqual([]);
  });

  it('has its notary conversation checked: a notary answering with the wrong type is a protocol error', async () => {
    const files = libraryFiles().map((f) =>
      f.path.endsWith('finality.flow')
        ? { ...f, text: f.text.replace('send notarise(stx) to session', 'send "notarised" to session') }
        : f,
    );
    expect(files.find((f) => f.path.endsWith('finality.flow'))!.text).toContain(
      'send "notarised" to session',
    );
    const workspace = await workspaceFor(files);
    const messages = workspace.check().flatMap((r) => r.diagnostics.map((d) => d.message));
    expect(
      messages.some((m) =>
        m.includes('NotaryClient expects NotaryAnswer here, but NotaryService sends String'),
      ),
    ).toBe(true);
  });

  it("follows a CorDapp's conversation into the library's flows", async () => {
    const file = path.resolve(import.meta.dirname, '../../samples/trade/trade.flow');
    const text = readFileSync(file, 'utf8').replace(
      '  step Trading\n  let final = call TwoPartyTradeBuyer(session)',
      '  step Trading\n  let oops = receive Int from session\n  let final = call TwoPartyTradeBuyer(session)',
    );
    expect(text).toContain('let oops');
    const workspace = await workspaceFor([{ path: file, text }]);
    const found = workspace.check().flatMap((r) => r.diagnostics);
    expect(found.map((d) => [d.code, d.message])).toEqual([
      [
        'protocol-mismatch',
        'BuyerFlow expects Int here, but SellerFlow sends SellerTradeInfo: SellerFlow sends SellerTradeInfo (trade.flow:22) → BuyerFlow expects Int (trade.flow:32).',
      ],
    ]);
    expect(found[0]!.related?.[0]).toMatchObject({ file: 'flows:std/trade.flow' });
  });
});
