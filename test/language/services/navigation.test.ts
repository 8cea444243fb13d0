import { describe, expect, it } from 'vitest';
import {
  definition,
  highlights,
  prepareRename,
  references,
  rename,
} from '../../../language/services/index.js';
import { indexOf, offsetOf, SHOP, SUPPLIER } from './shop.js';

const range = (line: number, start: number, end: number) => ({
  start: { line, character: start },
  end: { line, character: end },
});

describe('go to definition', () => {
  const { index, all } = indexOf('shop/shop.flow');
  const supplier = all.find((i) => i.path === 'shop/supplier.flow')!;

  it('finds a message declared in another file of the CorDapp', () => {
    expect(definition(supplier, offsetOf(SUPPLIER, 'Order from', 2))).toEqual([
      { file: 'shop/shop.flow', range: range(5, 8, 13) },
    ]);
  });

  it('finds a field, an enum member, a progress step and a local', () => {
    expect(definition(supplier, offsetOf(SUPPLIER, 'order.units', 7))).toEqual([
      { file: 'shop/shop.flow', range: range(8, 2, 7) },
    ]);
    expect(definition(supplier, offsetOf(SUPPLIER, 'OutOfStock'))).toEqual([
      { file: 'shop/shop.flow', range: range(11, 24, 34) },
    ]);
    expect(definition(index, offsetOf(SHOP, 'step Sending', 6))).toEqual([
      { file: 'shop/shop.flow', range: range(18, 4, 11) },
    ]);
    expect(definition(index, offsetOf(SHOP, 'to session', 4))).toEqual([
      { file: 'shop/shop.flow', range: range(22, 6, 13) },
    ]);
  });

  it('asks the host for host functions, and finds nothing on keywords and built-ins', () => {
    const hostLocation = { file: 'shop/host.ts', range: range(3, 16, 22) };
    expect(definition(index, offsetOf(SHOP, 'lookup(sku)'), { hostLocation: () => hostLocation })).toEqual([
      hostLocation,
    ]);
    expect(definition(index, offsetOf(SHOP, 'lookup(sku)'))).toEqual([]);
    expect(definition(index, offsetOf(SHOP, 'let session', 1))).toEqual([]);
    expect(definition(index, offsetOf(SHOP, 'Party'))).toEqual([]);
  });
});

describe('find references and highlights', () => {
  const { index, all } = indexOf('shop/shop.flow');

  it('finds a message across the files of its CorDapp, with or without its declaration', () => {
    const declaration = { file: 'shop/shop.flow', range: range(5, 8, 13) };
    const uses = [
      { file: 'shop/shop.flow', range: range(24, 7, 12) },
      { file: 'shop/supplier.flow', range: range(1, 22, 27) },
    ];
    expect(references(index, offsetOf(SHOP, 'message Order', 9), all)).toEqual([declaration, ...uses]);
    expect(references(index, offsetOf(SHOP, 'message Order', 9), all, false)).toEqual(uses);
  });

  it('finds a field through its declaration, record construction and member access', () => {
    expect(references(index, offsetOf(SHOP, 'units: Int'), all)).toEqual([
      { file: 'shop/shop.flow', range: range(8, 2, 7) },
      { file: 'shop/shop.flow', range: range(24, 32, 37) },
      { file: 'shop/supplier.flow', range: range(2, 11, 16) },
    ]);
  });

  it('highlights a local in its file, its declaration as a write', () => {
    expect(highlights(index, offsetOf(SHOP, 'let session', 5))).toEqual([
      { range: range(22, 6, 13), write: true },
      { range: range(24, 50, 57), write: false },
      { range: range(26, 29, 36), write: false },
    ]);
  });
});

describe('rename', () => {
  const { index, all } = indexOf('shop/shop.flow');

  it('renames a field everywhere, across files', () => {
    expect(rename(index, offsetOf(SHOP, 'units: Int'), 'quantity', all)).toEqual({
      'shop/shop.flow': [
        { range: range(8, 2, 7), newText: 'quantity' },
        { range: range(24, 32, 37), newText: 'quantity' },
      ],
      'shop/supplier.flow': [{ range: range(2, 11, 16), newText: 'quantity' }],
    });
  });

  it('renames an enum, a flow and a progress step', () => {
    expect(rename(index, offsetOf(SHOP, 'enum Answer', 6), 'Reply', all)).toEqual({
      'shop/shop.flow': [
        { range: range(11, 5, 11), newText: 'Reply' },
        { range: range(15, 72, 78), newText: 'Reply' },
        { range: range(26, 17, 23), newText: 'Reply' },
      ],
      'shop/supplier.flow': [
        { range: range(3, 9, 15), newText: 'Reply' },
        { range: range(5, 9, 15), newText: 'Reply' },
      ],
    });
    expect(rename(index, offsetOf(SHOP, 'PlaceOrder'), 'Order2', all)).toEqual({
      'shop/shop.flow': [{ range: range(15, 16, 26), newText: 'Order2' }],
      'shop/supplier.flow': [{ range: range(0, 47, 57), newText: 'Order2' }],
    });
    expect(rename(index, offsetOf(SHOP, 'step Sending', 6), 'Posting', all)).toEqual({
      'shop/shop.flow': [
        { range: range(18, 4, 11), newText: 'Posting' },
        { range: range(21, 7, 14), newText: 'Posting' },
      ],
    });
  });

  it('prepares with the name and its range', () => {
    expect(prepareRename(index, offsetOf(SHOP, 'message Order', 10))).toEqual({
      range: range(5, 8, 13),
      placeholder: 'Order',
    });
  });

  it('refuses keywords, built-ins, host functions, bad names and names already declared', () => {
    const refusal = (offset: number, name = 'x') => {
      try {
        rename(index, offset, name, all);
      } catch (error) {
        return (error as Error).message;
      }
      return 'renamed';
    };
    expect(refusal(offsetOf(SHOP, 'let session', 1))).toBe('"let" is a keyword and cannot be renamed.');
    expect(refusal(offsetOf(SHOP, 'Party'))).toBe(
      '"Party" is built into the language and cannot be renamed.',
    );
    expect(refusal(offsetOf(SHOP, 'lookup(sku)'))).toBe(
      '"lookup" is declared in the host module "./host.ts": rename it in the TypeScript, then here.',
    );
    expect(refusal(offsetOf(SHOP, 'message Order', 9), '2x')).toBe('"2x" is not a valid name.');
    expect(refusal(offsetOf(SHOP, 'message Order', 9), 'send')).toBe(
      '"send" is a keyword and cannot be a name.',
    );
    expect(refusal(offsetOf(SHOP, 'message Order', 9), 'Answer')).toBe(
      '"Answer" is already declared in this CorDapp.',
    );
    expect(refusal(offsetOf(SHOP, '\n\nenum'))).toBe('Nothing to rename here.');
  });
});
