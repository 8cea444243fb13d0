/** The features that work on a whole document: symbols, formatting, semantic tokens and diagnostics. */
import { describe, expect, it } from 'vitest';
import {
  documentSymbols,
  formatDocument,
  semanticTokenList,
  semanticTokens,
  toLspDiagnostics,
} from '../../../language/services/index.js';
import { indexOf, SHOP, SUPPLIER } from './shop.js';

const range = (line: number, start: number, endLine: number, end: number) => ({
  start: { line, character: start },
  end: { line: endLine, character: end },
});

describe('document symbols', () => {
  it('lists the header, messages with fields, enums with members, flows with their progress steps', () => {
    const symbols = documentSymbols(indexOf('shop/shop.flow').index.result.document);
    expect(
      symbols.map((s) => [s.name, s.kind, s.detail, s.children?.map((c) => `${c.name}: ${c.detail ?? ''}`)]),
    ).toEqual([
      ['com.example.shop', 3, 'version 1.0.0', undefined],
      ['Order', 23, 'message', ['sku: String', 'units: Int']],
      ['Answer', 10, 'enum', ['Accepted: ', 'OutOfStock: ']],
      [
        'PlaceOrder',
        12,
        'initiating flow PlaceOrder(supplier: Party, sku: String, units: Int) -> Answer',
        ['Sending: "Sending the order"', 'Waiting: "Waiting for the answer"'],
      ],
    ]);
    expect(symbols[3]!.range).toEqual(range(14, 0, 27, 1));
    expect(symbols[3]!.selectionRange).toEqual(range(15, 16, 15, 26));
  });
});

describe('formatting', () => {
  it("replaces the whole text with the printer's, or returns no edit when it is already formatted", () => {
    expect(formatDocument('flow  A(){}\n')).toEqual([{ range: range(0, 0, 1, 0), newText: 'flow A() {}\n' }]);
    expect(formatDocument(SHOP)).toEqual([]);
  });

  it('refuses text with syntax errors', () => {
    expect(() => formatDocument('flow A( {')).toThrow(
      'Cannot format: the file has syntax errors (the first at line 1, column 9: Expected ")" but found "{".)',
    );
  });
});

describe('semantic tokens', () => {
  const { index } = indexOf('shop/supplier.flow');

  it('classifies each name by what it refers to', () => {
    expect(
      semanticTokenList(index).map(
        (t) =>
          `${t.loc.line}:${t.loc.column} ${SUPPLIER.slice(t.loc.offset, t.loc.endOffset)} ${t.type} ${t.modifiers.join(',')}`,
      ),
    ).toEqual([
      '1:16 TakeOrder function declaration',
      '1:26 session parameter declaration,readonly',
      '1:35 Session type defaultLibrary',
      '1:48 PlaceOrder function ',
      '2:7 order variable declaration,readonly',
      '2:23 Order struct ',
      '2:34 session parameter readonly',
      '3:6 order variable readonly',
      '3:12 units property readonly',
      '4:10 Answer enum ',
      '4:17 OutOfStock enumMember readonly',
      '4:31 session parameter readonly',
      '6:10 Answer enum ',
      '6:17 Accepted enumMember readonly',
      '6:29 session parameter readonly',
    ]);
  });

  it('encodes them relative to each other, five numbers a token', () => {
    expect(semanticTokens(index).slice(0, 15)).toEqual([0, 15, 9, 5, 1, 0, 10, 7, 6, 3, 0, 9, 7, 1, 4]);
  });
});

describe('diagnostics', () => {
  it('become LSP diagnostics whose related places name their files: the other side of a protocol fault', () => {
    const { index } = indexOf('shop/shop.flow', {
      'shop/shop.flow': SHOP,
      'shop/supplier.flow': SUPPLIER.replace('send Answer.Accepted to session', 'send 1 to session'),
    });
    expect(toLspDiagnostics(index.result.diagnostics, index.path)).toEqual([
      {
        range: range(26, 9, 26, 46),
        severity: 1,
        code: 'protocol-mismatch',
        source: 'flowc',
        message:
          'PlaceOrder expects Answer here, but TakeOrder sends Int: PlaceOrder sends Order (shop.flow:25) → TakeOrder receives Order (supplier.flow:2) → TakeOrder sends Int (supplier.flow:6) → PlaceOrder expects Answer (shop.flow:27).',
        relatedInformation: [
          {
            location: { file: 'shop/supplier.flow', range: range(5, 4, 5, 21) },
            message: 'TakeOrder sends Int here.',
          },
        ],
      },
    ]);
  });
});
