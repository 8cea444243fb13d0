/** A two-file CorDapp with a host module, checked and indexed for the language services' tests. */
import { checkSources, staticHostModules, type Type } from '../../../language/index.js';
import { indexFile, type FileIndex } from '../../../language/services/index.js';
import { T } from '../../../language/types.js';
import { dedent, hostFunction } from '../../utils/index.js';

export const item: Type = {
  kind: 'record',
  name: 'Item',
  origin: 'host',
  fields: [
    { name: 'name', type: T.String },
    { name: 'price', type: T.Amount },
  ],
};

export const hostModules = staticHostModules({
  './host.ts': {
    functions: new Map([
      ['lookup', hostFunction('lookup', [['sku', T.String]], item)],
      [
        'reserve',
        hostFunction(
          'reserve',
          [
            ['sku', T.String],
            ['units', T.Int],
          ],
          T.Bool,
          { async: true },
        ),
      ],
    ]),
    types: new Map([['Item', item]]),
  },
});

export const SHOP = dedent`
  cordapp com.example.shop version 1.0.0

  import { lookup, Item } from "./host.ts"

  /// An order.
  message Order {
    /// The stock-keeping unit.
    sku: String
    units: Int
  }

  enum Answer { Accepted, OutOfStock }

  /// Places an order.
  @startable
  initiating flow PlaceOrder(supplier: Party, sku: String, units: Int) -> Answer {
    progress {
      /// The first step.
      Sending "Sending the order"
      Waiting "Waiting for the answer"
    }
    step Sending
    let session = open supplier
    let found: Item = lookup(sku)
    send Order { sku: found.name, units: units } to session
    step Waiting
    return receive Answer from session within 1h
  }
`;

export const SUPPLIER = dedent`
  responder flow TakeOrder(session: Session) for PlaceOrder {
    let order = receive Order from session
    if order.units > 100 {
      send Answer.OutOfStock to session
    } else {
      send Answer.Accepted to session
    }
  }
`;

/** Checks the files (by default the shop) and indexes each. */
export function indexAll(
  files: Record<string, string> = { 'shop/shop.flow': SHOP, 'shop/supplier.flow': SUPPLIER },
): FileIndex[] {
  const texts = new Map(Object.entries(files));
  return checkSources(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { hostModules },
  ).map((result) => indexFile(result, texts.get(result.path)!));
}

export function indexOf(
  path: string,
  files?: Record<string, string>,
): { index: FileIndex; all: FileIndex[] } {
  const all = indexAll(files);
  return { index: all.find((i) => i.path === path)!, all };
}

/** The offset of the `nth` occurrence of `text`, plus `delta`. */
export function offsetOf(source: string, text: string, delta = 0, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = source.indexOf(text, at + 1);
    if (at < 0) throw new Error(`"${text}" (${nth}) is not in the source.`);
  }
  return at + delta;
}
