import { describe, expect, it } from 'vitest';
import { complete, type CompletionItem } from '../../../language/services/index.js';
import { indexOf, offsetOf, SHOP, SUPPLIER } from './shop.js';

const labels = (items: CompletionItem[]) => items.map((i) => i.label).join(' ');

/** Completion in `shop/shop.flow` edited to `shop`, at the end of the `nth` `marker` plus `delta`. */
function at(shop: string, marker: string, delta = marker.length, options = {}) {
  const { index } = indexOf('shop/shop.flow', { 'shop/shop.flow': shop, 'shop/supplier.flow': SUPPLIER });
  return complete(index, offsetOf(shop, marker, delta), options);
}

function inSupplier(supplier: string, marker: string, delta = marker.length) {
  const { index } = indexOf('shop/supplier.flow', { 'shop/shop.flow': SHOP, 'shop/supplier.flow': supplier });
  return complete(index, offsetOf(supplier, marker, delta));
}

describe('completion', () => {
  const edited = SHOP.replace('  step Waiting\n', '  step W\n  let x = call \n');

  it('offers the locals in scope, the names of the CorDapp, imports, built-in functions and keywords in a body', () => {
    expect(labels(at(edited, '  let x', 2))).toBe(
      'found session sku supplier units Answer Item Order amount lookup now ' +
        'await call close else fail false for if let me open receive require return send sleep step true try var',
    );
    expect(at(edited, '  let x', 2).find((i) => i.label === 'found')).toEqual({
      label: 'found',
      kind: 6,
      detail: 'let found: Item',
      sortText: '0found',
    });
  });

  it('offers the progress steps of the flow after step, and flows after call', () => {
    expect(labels(at(edited, 'step W', 5))).toBe('Sending Waiting');
    expect(at(edited, 'step W', 5)[0]).toEqual({
      label: 'Sending',
      kind: 23,
      detail: '(progress step) Sending "Sending the order"',
      documentation: 'The first step.',
      sortText: '0Sending',
    });
    expect(labels(at(edited, 'call '))).toBe('PlaceOrder TakeOrder');
  });

  it('offers fields after a dot, along a chain, with their doc comments, and enum members', () => {
    const supplier = SUPPLIER.replace('order.units > 100', 'order.sku.length > 100');
    expect(inSupplier(SUPPLIER, 'order.', 6)).toEqual([
      {
        label: 'sku',
        kind: 5,
        detail: '(field) Order.sku: String',
        documentation: 'The stock-keeping unit.',
        sortText: '0sku',
      },
      { label: 'units', kind: 5, detail: '(field) Order.units: Int', sortText: '0units' },
    ]);
    expect(labels(inSupplier(supplier, 'order.sku.', 10))).toBe('length');
    expect(labels(inSupplier(SUPPLIER, 'Answer.', 7))).toBe('Accepted OutOfStock');
    expect(labels(at(SHOP, 'found.', 6))).toBe('name price');
  });

  it('offers types where a type is expected', () => {
    expect(labels(at(SHOP, 'found: ', 7))).toBe(
      'Answer Item Order Amount Bool Decimal Duration FlowError Instant Int List Party SecureHash Session String',
    );
  });

  it('offers top-level keywords, annotations and the exports of a module inside import braces', () => {
    expect(labels(at(SHOP, 'cordapp', 0))).toBe('cordapp enum flow import initiating message responder');
    expect(labels(at(SHOP, '@startable', 1))).toBe('idempotent startable version');
    const exportsOf = () => [
      { name: 'lookup', kind: 'function' as const },
      { name: 'reserve', kind: 'function' as const },
      { name: 'Item', kind: 'type' as const },
    ];
    expect(at(SHOP, 'lookup, Item', 0, { exportsOf })).toEqual([
      { label: 'reserve', kind: 3, sortText: '0reserve' },
    ]);
  });

  it('offers nothing in strings and comments', () => {
    expect(at(SHOP, 'Sending the', 3)).toEqual([]);
    expect(at(SHOP, '/// An', 5)).toEqual([]);
  });
});
