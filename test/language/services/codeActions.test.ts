import { describe, expect, it } from 'vitest';
import { codeActions, toLspDiagnostics } from '../../../language/services/index.js';
import { indexOf, SHOP, SUPPLIER } from './shop.js';

function actionsFor(shop: string, supplier = SUPPLIER, file = 'shop/shop.flow', options = {}) {
  const { index } = indexOf(file, { 'shop/shop.flow': shop, 'shop/supplier.flow': supplier });
  return codeActions(index, toLspDiagnostics(index.result.diagnostics, index.path), options).map(
    ({ title, edits, isPreferred }) => ({ title, edits, ...(isPreferred ? { isPreferred } : {}) }),
  );
}

const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });

describe('code actions', () => {
  it('declares a missing progress step at the end of the progress block', () => {
    expect(actionsFor(SHOP.replace('  step Waiting', '  step Shipping'))).toEqual([
      {
        title: 'Declare step "Shipping" in the progress block of flow "PlaceOrder"',
        edits: [{ range: at(20, 0), newText: '    Shipping "Shipping"\n' }],
      },
    ]);
  });

  it('declares a progress block for a flow without one', () => {
    const supplier = SUPPLIER.replace('  let order', '  step CheckingStock\n  let order');
    expect(actionsFor(SHOP, supplier, 'shop/supplier.flow')).toEqual([
      {
        title: 'Declare step "CheckingStock" in the progress block of flow "TakeOrder"',
        edits: [{ range: at(0, 59), newText: '\n  progress {\n    CheckingStock "Checking stock"\n  }' }],
      },
    ]);
  });

  it("takes the checker's suggestion for a misspelt name", () => {
    expect(actionsFor(SHOP, SUPPLIER.replace('receive Order', 'receive Ordr'), 'shop/supplier.flow')).toEqual(
      [
        {
          title: 'Change to "Order"',
          edits: [
            {
              range: { start: { line: 1, character: 22 }, end: { line: 1, character: 26 } },
              newText: 'Order',
            },
          ],
          isPreferred: true,
        },
      ],
    );
  });

  it('imports a missing name from a module that exports it: into its import, or on a new line', () => {
    const shop = SHOP.replace('lookup(sku)', 'lookup(sku)\n  let ok = await reserve(sku, units)');
    const importCandidates = () => [
      { source: './host.ts', names: ['lookup', 'reserve', 'Item'] },
      { source: './stock.ts', names: ['reserve'] },
    ];
    expect(actionsFor(shop, SUPPLIER, 'shop/shop.flow', { importCandidates })).toEqual([
      { title: 'Import "reserve" from "./host.ts"', edits: [{ range: at(2, 21), newText: ', reserve' }] },
      {
        title: 'Import "reserve" from "./stock.ts"',
        edits: [{ range: at(3, 0), newText: 'import { reserve } from "./stock.ts"\n' }],
      },
    ]);
  });
});
