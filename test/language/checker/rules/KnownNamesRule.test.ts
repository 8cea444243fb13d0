import { describe, it } from 'vitest';
import type { Type } from '../../../../language/index.js';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

const StringType: Type = { kind: 'primitive', name: 'String' };
const IntType: Type = { kind: 'primitive', name: 'Int' };
const host = {
  './assets.ts': {
    functions: new Map(),
    types: new Map<string, Type>([
      [
        'Asset',
        {
          kind: 'record',
          name: 'Asset',
          origin: 'host',
          fields: [
            { name: 'id', type: StringType },
            { name: 'units', type: IntType },
          ],
        },
      ],
      ['Priority', { kind: 'enum', name: 'Priority', members: ['Low', 'High'] }],
    ]),
  },
};

describe('KnownNamesRule', () => {
  describe('valid', () => {
    it('resolves parameters, locals, messages, enums and members', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        message Offer {
          assetId: String
          price: Amount
          legs: List<Int>
        }

        enum Verdict { Accept, Reject }

        flow Review(s: Session, offer: Offer) -> Verdict {
          let total = offer.price.quantity * offer.legs.size
          let label = "{offer.assetId} for {offer.price.currency}, {s}"
          if total > 100 && label.length > 0 {
            return Verdict.Reject
          }
          return receive Verdict from s
        }
      `);
    });

    it('resolves built-in functions and members of built-in types', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Stamp(buyer: Party, wait: Duration) -> String {
          let at = now() + wait
          let price = amount(1.5, "EUR")
          try {
            sleep until at
          } catch e {
            return e.message
          }
          return "{buyer.name} {me.name} {wait.millis} {price.quantity}"
        }
      `);
    });

    it('resolves host types and their members', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { Asset, Priority } from "./assets.ts"

          flow Rank(asset: Asset) -> Priority {
            if asset.units > 10 && asset.id != "" {
              return Priority.High
            }
            return Priority.Low
          }
        `,
        { host },
      );
    });

    it('resolves flows named in call, for and tracks, across the files of a CorDapp', () => {
      expectValid({
        'a.flow': dedent`
          cordapp com.example.trade version 1.0.0

          @startable
          initiating flow Seller(buyer: Party) -> Int {
            progress {
              Haggling "Haggling" tracks Haggle
            }
            let s = open buyer
            step Haggling
            return call Haggle(s)
          }
        `,
        'b.flow': dedent`
          flow Haggle(s: Session) -> Int {
            return receive Int from s
          }

          responder flow Buyer(s: Session) for Seller {
            send 12 to s
          }
        `,
      });
    });

    it('sees a variable in the blocks nested in its own', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Sum(values: List<Int>) -> Int {
          var sum = 0
          for v in values {
            if v > 0 {
              sum = sum + v
            }
          }
          return sum
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports an unknown name with a suggestion', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Double(amount: Int) -> Int {
            let doubled = amout * 2
            return doubled
          }
        `),
        [
          {
            code: 'unknown-name',
            line: 4,
            column: 17,
            message: 'Unknown name "amout". Did you mean "amount"?',
          },
        ],
      );
    });

    it('reports a variable used outside the block that declares it', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Pick(big: Bool) -> Int {
            if big {
              let chosen = 100
            }
            return chosen
          }
        `),
        [{ code: 'unknown-name', line: 7, column: 10, message: 'Unknown name "chosen".' }],
      );
    });

    it('reports unknown types wherever a type is written', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Offer {
            legs: List<Lg>
          }

          flow Ask(s: Sesion) -> Strng {
            let v: Verdict = receive Verdict from s
            return "no"
          }
        `),
        [
          {
            code: 'unknown-name',
            line: 4,
            column: 14,
            message: 'Unknown type "Lg". Declare it as a message or enum',
          },
          {
            code: 'unknown-name',
            line: 7,
            column: 13,
            message: 'Unknown type "Sesion". Did you mean "Session"?',
          },
          {
            code: 'unknown-name',
            line: 7,
            column: 24,
            message: 'Unknown type "Strng". Did you mean "String"?',
          },
          { code: 'unknown-name', line: 8, column: 10, message: 'Unknown type "Verdict"' },
          { code: 'unknown-name', line: 8, column: 28, message: 'Unknown type "Verdict"' },
        ],
      );
    });

    it('reports unknown flows after call, for and tracks', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Haggle(s: Session) -> Int {
            progress {
              Asking "Asking" tracks Ask
            }
            step Asking
            return call Hagle(s)
          }

          responder flow Buyer(s: Session) for Seller {
            send 1 to s
          }
        `),
        [
          { code: 'unknown-name', line: 5, column: 28, message: 'Unknown flow "Ask".' },
          {
            code: 'unknown-name',
            line: 8,
            column: 15,
            message: 'Unknown flow "Hagle". Did you mean "Haggle"?',
          },
          { code: 'unknown-name', line: 11, column: 38, message: 'Unknown flow "Seller".' },
        ],
      );
    });

    it('reports members that a message, enum or built-in type does not have', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Offer {
            price: Amount
          }

          enum Verdict { Accept, Reject }

          flow Review(offer: Offer, buyer: Party, legs: List<Int>) -> Verdict {
            let a = offer.prise
            let b = offer.price.currncy
            let c = buyer.nam
            let d = legs.length
            return Verdict.Acept
          }
        `),
        [
          {
            code: 'unknown-name',
            line: 10,
            column: 17,
            message: 'Message "Offer" has no member "prise". Did you mean "price"?',
          },
          {
            code: 'unknown-name',
            line: 11,
            column: 23,
            message: 'Type "Amount" has no member "currncy". Did you mean "currency"?',
          },
          {
            code: 'unknown-name',
            line: 12,
            column: 17,
            message: 'Type "Party" has no member "nam". Did you mean "name"?',
          },
          { code: 'unknown-name', line: 13, column: 16, message: 'Type "List<Int>" has no member "length".' },
          {
            code: 'unknown-name',
            line: 14,
            column: 18,
            message: 'Enum "Verdict" has no member "Acept". Did you mean "Accept"?',
          },
        ],
      );
    });

    it('reports unknown fields of a record construction and members of host types', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { Asset, Priority } from "./assets.ts"

            flow Rebuild(asset: Asset) -> Asset {
              let p = Priority.Medium
              return Asset { id: asset.idd, units: 1, unit: 2 }
            }
          `,
          { host },
        ),
        [
          { code: 'unknown-name', line: 6, column: 20, message: 'Enum "Priority" has no member "Medium".' },
          {
            code: 'unknown-name',
            line: 7,
            column: 28,
            message: 'Host type "Asset" has no member "idd". Did you mean "id"?',
          },
          {
            code: 'unknown-name',
            line: 7,
            column: 43,
            message: 'Host type "Asset" has no member "unit". Did you mean "units"?',
          },
        ],
      );
    });

    it('reports unknown names inside string interpolations, once each', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Greet(buyer: Party) -> String {
            let text = "Hello {buyr}, from {me.nme}"
            return text
          }
        `),
        [
          {
            code: 'unknown-name',
            line: 4,
            column: 22,
            message: 'Unknown name "buyr". Did you mean "buyer"?',
          },
          { code: 'unknown-name', line: 4, column: 38, message: 'Type "Party" has no member "nme".' },
        ],
      );
    });

    it('does not report again what depends on an unknown name', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Count(s: Session) -> Int {
            let offer = recieve
            let units = offer.legs.size + offer.extra
            send units to s
            return units
          }
        `),
        [{ code: 'unknown-name', line: 4, column: 15, message: 'Unknown name "recieve".' }],
      );
    });
  });
});
