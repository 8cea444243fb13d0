import { describe, expect, it } from 'vitest';
import { hover } from '../../../language/services/index.js';
import { indexOf, offsetOf, SHOP, SUPPLIER } from './shop.js';

const code = (text: string) => '```flow\n' + text + '\n```';

describe('hover', () => {
  const { index, all } = indexOf('shop/shop.flow');
  const supplier = all.find((i) => i.path === 'shop/supplier.flow')!;
  const contents = (i: typeof index, offset: number) => hover(i, offset)?.contents;

  it('shows a message with its fields and doc comment, and its range', () => {
    expect(hover(index, offsetOf(SHOP, 'Order {', 1, 1))).toEqual({
      contents: `${code('message Order {\n  sku: String\n  units: Int\n}')}\n\nAn order.`,
      range: { start: { line: 24, character: 7 }, end: { line: 24, character: 12 } },
    });
  });

  it('shows fields with their doc comments, enum members, flows and locals', () => {
    expect(contents(index, offsetOf(SHOP, 'sku: String'))).toBe(
      `${code('(field) Order.sku: String')}\n\nThe stock-keeping unit.`,
    );
    expect(contents(supplier, offsetOf(SUPPLIER, 'Accepted'))).toBe(code('(enum member) Answer.Accepted'));
    expect(contents(supplier, offsetOf(SUPPLIER, 'PlaceOrder'))).toBe(
      `${code('initiating flow PlaceOrder(supplier: Party, sku: String, units: Int) -> Answer')}\n\nPlaces an order.`,
    );
    expect(contents(supplier, offsetOf(SUPPLIER, 'order.units'))).toBe(code('let order: Order'));
    expect(contents(index, offsetOf(SHOP, 'open supplier', 5))).toBe(code('(parameter) supplier: Party'));
    expect(contents(index, offsetOf(SHOP, 'Party'))).toBe(code('(built-in type) Party'));
  });

  it('shows progress steps with their labels', () => {
    expect(contents(index, offsetOf(SHOP, 'step Sending', 6))).toBe(
      `${code('(progress step) Sending "Sending the order"')}\n\nProgress of flow \`PlaceOrder\`: "Sending the order".\n\nThe first step.`,
    );
  });

  it('shows host functions and types with where they come from, and their JSDoc when the host has it', () => {
    expect(contents(index, offsetOf(SHOP, 'lookup(sku)'))).toBe(
      `${code('function lookup(sku: String) -> Item')}\n\nFrom the host module \`./host.ts\`.`,
    );
    expect(
      hover(index, offsetOf(SHOP, 'Item ='), { hostDoc: () => 'An item of the catalogue.' })?.contents,
    ).toBe(
      `${code('type Item = { name: String, price: Amount }')}\n\nAn item of the catalogue.\n\nFrom the host module \`./host.ts\`.`,
    );
  });

  it('shows the type of a member of a host record, and nothing on keywords', () => {
    expect(contents(index, offsetOf(SHOP, 'found.name', 7))).toBe(code('(property) Item.name: String'));
    expect(hover(index, offsetOf(SHOP, 'let session', 1))).toBeUndefined();
  });
});
