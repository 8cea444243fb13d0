import { describe, it } from 'vitest';
import type { Type } from '../../../../language/index.js';
import { checkFlow, dedent, expectDiagnostics, expectValid, hostFunction } from '../../../utils/index.js';

const StringType: Type = { kind: 'primitive', name: 'String' };
const DecimalType: Type = { kind: 'primitive', name: 'Decimal' };
const AmountType: Type = { kind: 'primitive', name: 'Amount' };
const StateAndRef: Type = { kind: 'opaque', name: 'StateAndRef', args: [] };

const discount = hostFunction(
  'discount',
  [
    ['price', AmountType],
    ['percent', DecimalType],
  ],
  AmountType,
);
const fetchQuote = hostFunction('fetchQuote', [['assetId', StringType]], AmountType, { async: true });
const host = {
  './pricing.ts': {
    functions: new Map([
      ['discount', discount],
      ['fetchQuote', fetchQuote],
    ]),
    types: new Map<string, Type>([['StateAndRef', StateAndRef]]),
  },
};

describe('TypeCompatibilityRule', () => {
  describe('valid', () => {
    it('widens Int to Decimal in declarations, assignments, arguments and results', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { discount } from "./pricing.ts"

          flow Average(values: List<Int>, price: Amount) -> Decimal {
            var total: Decimal = 0
            for v in values {
              total = total + v
            }
            let cheaper = discount(price, 10)
            require cheaper.quantity >= 0 else "A negative price"
            if values.size == 0 {
              return 0
            }
            return total / values.size
          }
        `,
        { host },
      );
    });

    it('types the operators of amounts, durations, instants and strings', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Schedule(price: Amount, wait: Duration) -> Instant {
          let doubled = price * 2 + price - price / 2
          let longer = wait * 3 + 5m - 30s
          let at = now() + longer
          let label = "price " + doubled.quantity + " at " + at
          require doubled > price && !(label == "") && longer >= wait else "Nothing to schedule"
          return at - 1h
        }
      `);
    });

    it('checks the statements that take sessions, durations and instants', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        enum Decision { Accept, Reject }

        initiating flow Ask(buyer: Party, wait: Duration) -> Decision {
          let s = open buyer
          send "Buy?" to s
          let answer = receive Decision from s within wait
          let owner = await input Decision "Confirm {answer}?" within 2d
          sleep 5s
          sleep until now() + 1m
          close s
          if owner != answer {
            fail "The owner and the buyer disagree"
          }
          return owner
        }

        responder flow Answer(s: Session) for Ask {
          let question = receive String from s
          send Decision.Accept to s
        }
      `);
    });

    it('types list literals, records, empty lists and flow results', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        message Leg {
          units: Int
          price: Decimal
        }

        flow Legs(extra: Bool) -> List<Leg> {
          let none: List<Leg> = []
          let legs = [Leg { units: 1, price: 1 }, Leg { units: 2, price: 2.5 }]
          if extra {
            return none
          }
          return legs
        }

        flow Count() -> Int {
          let legs = call Legs(true)
          return legs.size
        }
      `);
    });

    it('accepts await with retry and backoff, and type arguments of host types', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { StateAndRef, fetchQuote } from "./pricing.ts"

          @version(2)
          initiating flow Quote(buyer: Party, states: List<StateAndRef<Leg>>) -> Amount {
            let s = open buyer
            send states.size to s
            return await fetchQuote("x") retry 3 backoff 500ms
          }

          responder flow QuoteResponder(s: Session) for Quote {
            let count = receive Int from s
          }

          message Leg {
            units: Int
          }
        `,
        { host },
      );
    });
  });

  describe('invalid', () => {
    it('reports declared types that the value does not fit', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Count(s: Session) -> Int {
            let n: Int = 2.5
            var label = "n"
            label = n
            let total: Decimal = "12"
            return total
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 4,
            column: 16,
            message: 'The value of "n" must be an Int, but this is a Decimal.',
          },
          {
            code: 'type-mismatch',
            line: 6,
            column: 11,
            message: 'The assigned value must be a String, but this is an Int.',
          },
          {
            code: 'type-mismatch',
            line: 7,
            column: 24,
            message: 'The value of "total" must be a Decimal, but this is a String.',
          },
          {
            code: 'type-mismatch',
            line: 8,
            column: 10,
            message: 'The result of flow "Count" must be an Int, but this is a Decimal.',
          },
        ],
      );
    });

    it('reports results of the wrong kind: a missing one, an extra one, and values that are nothing', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Log(s: Session) {
            send "log" to s
            return 1
          }

          flow Count(s: Session) -> Int {
            let nothing = call Log(s)
            send call Log(s) to s
            return
          }
        `),
        [
          { code: 'type-mismatch', line: 5, column: 10, message: 'Flow "Log" declares no result' },
          {
            code: 'type-mismatch',
            line: 9,
            column: 17,
            message: '"nothing" cannot be given this value: it produces nothing.',
          },
          { code: 'type-mismatch', line: 10, column: 8, message: 'There is nothing to send' },
          { code: 'type-mismatch', line: 11, column: 3, message: 'Flow "Count" must return an Int.' },
        ],
      );
    });

    it('reports conditions and messages that are not Bool and String', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Check(units: Int, values: Int) {
            if units {
              fail 404
            }
            require units > 0 else units
            for v in values {
              sleep 1s
            }
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 4,
            column: 6,
            message: 'The condition of "if" must be a Bool, but this is an Int.',
          },
          { code: 'type-mismatch', line: 5, column: 10, message: 'The message of "fail" must be a String' },
          {
            code: 'type-mismatch',
            line: 7,
            column: 26,
            message: 'The message of "require" must be a String',
          },
          {
            code: 'type-mismatch',
            line: 8,
            column: 12,
            message: '"for" needs a list to go through, but this is an Int.',
          },
        ],
      );
    });

    it('reports sessions, parties and durations in the wrong places', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Misuse(buyer: Party, s: Session) {
            send 1 to buyer
            send s to s
            let n = receive Int from buyer within 60
            let d = await input Int "How many?" within "2d"
            sleep 5
            sleep until 5m
            close buyer
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 4,
            column: 13,
            message: 'The target of "send" must be a Session, but this is a Party.',
          },
          { code: 'type-mismatch', line: 5, column: 8, message: 'A session cannot be sent to another node' },
          {
            code: 'type-mismatch',
            line: 6,
            column: 28,
            message: 'The source of "receive" must be a Session',
          },
          {
            code: 'type-mismatch',
            line: 6,
            column: 41,
            message: 'The time limit of "receive" must be a Duration, but this is an Int.',
          },
          {
            code: 'type-mismatch',
            line: 7,
            column: 46,
            message: 'The time limit of "await input" must be a Duration',
          },
          { code: 'type-mismatch', line: 8, column: 9, message: 'The length of "sleep" must be a Duration' },
          {
            code: 'type-mismatch',
            line: 9,
            column: 15,
            message: 'The time of "sleep until" must be an Instant, but this is a Duration.',
          },
          {
            code: 'type-mismatch',
            line: 10,
            column: 9,
            message: 'The target of "close" must be a Session, but this is a Party.',
          },
        ],
      );
    });

    it('reports an open of something that is not a party', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          initiating flow Ask(s: Session) {
            let t = open s
          }

          responder flow Answer(s: Session) for Ask {
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 4,
            column: 16,
            message: 'The counterparty of "open" must be a Party, but this is a Session.',
          },
        ],
      );
    });

    it('reports operators applied to types they do not take', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Mix(price: Amount, units: Int, ok: Bool, label: String) -> Bool {
            let a = price + units
            let b = -label
            let c = !units
            let d = units == label
            let e = ok && units
            let f = label < units
            return units % 2.0 == 0
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 4,
            column: 11,
            message: 'Operator "+" cannot be applied to an Amount and an Int.',
          },
          {
            code: 'type-mismatch',
            line: 5,
            column: 11,
            message: 'Operator "-" cannot be applied to a String.',
          },
          {
            code: 'type-mismatch',
            line: 6,
            column: 11,
            message: 'Operator "!" cannot be applied to an Int.',
          },
          {
            code: 'type-mismatch',
            line: 7,
            column: 11,
            message: 'Operator "==" cannot be applied to an Int and a String.',
          },
          {
            code: 'type-mismatch',
            line: 8,
            column: 11,
            message: 'Operator "&&" cannot be applied to a Bool and an Int.',
          },
          {
            code: 'type-mismatch',
            line: 9,
            column: 11,
            message: 'Operator "<" cannot be applied to a String and an Int.',
          },
          {
            code: 'type-mismatch',
            line: 10,
            column: 10,
            message: 'Operator "%" cannot be applied to an Int and a Decimal.',
          },
        ],
      );
    });

    it('reports record constructions with missing or mistyped fields, and lists of mixed types', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Leg {
            units: Int
            price: Amount
          }

          flow Legs() -> List<Leg> {
            let mixed = [1, "two"]
            return [Leg { units: "1", price: amount(1, "EUR") }, Leg { units: 2 }]
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 9,
            column: 19,
            message: 'All elements of a list must have one type: this is a String, the first is an Int.',
          },
          {
            code: 'type-mismatch',
            line: 10,
            column: 24,
            message: 'Field "units" of "Leg" must be an Int, but this is a String.',
          },
          { code: 'type-mismatch', line: 10, column: 56, message: '"Leg" needs a value for "price"' },
        ],
      );
    });

    it('reports arguments of host functions and flows that do not fit their parameters', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { discount, fetchQuote } from "./pricing.ts"

            flow Price(assetId: String, units: Int) -> Amount {
              let quote = await fetchQuote(12) retry "3" backoff 5
              return discount(quote, "10%")
            }

            flow Twice() -> Amount {
              return call Price(1, 2.5)
            }
          `,
          { host },
        ),
        [
          {
            code: 'type-mismatch',
            line: 6,
            column: 32,
            message: 'Argument "assetId" of "fetchQuote" must be a String, but this is an Int.',
          },
          {
            code: 'type-mismatch',
            line: 6,
            column: 42,
            message: 'The retry count must be an Int, but this is a String.',
          },
          {
            code: 'type-mismatch',
            line: 6,
            column: 54,
            message: 'The backoff must be a Duration, but this is an Int.',
          },
          {
            code: 'type-mismatch',
            line: 7,
            column: 26,
            message: 'Argument "percent" of "discount" must be a Decimal, but this is a String.',
          },
          {
            code: 'type-mismatch',
            line: 11,
            column: 21,
            message: 'Argument "assetId" of flow "Price" must be a String, but this is an Int.',
          },
          {
            code: 'type-mismatch',
            line: 11,
            column: 24,
            message: 'Argument "units" of flow "Price" must be an Int, but this is a Decimal.',
          },
        ],
      );
    });

    it('reports protocol versions that are not whole numbers from 1', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          @version(0)
          initiating flow Zero() {
          }

          @version("2")
          initiating flow Text() {
          }

          responder flow ZeroResponder(s: Session) for Zero {
          }

          responder flow TextResponder(s: Session) for Text {
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 3,
            column: 10,
            message: 'The protocol version must be a whole number from 1 up',
          },
          {
            code: 'type-mismatch',
            line: 7,
            column: 10,
            message: 'The protocol version must be a whole number from 1 up',
          },
        ],
      );
    });

    it('reports type arguments that a type does not take', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Offer {
            legs: List
          }

          flow Read(s: Session) -> List<Int, String> {
            let units = receive Int<String> from s
            return []
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 4,
            column: 9,
            message: '"List" takes one type argument, as in "List<Int>".',
          },
          { code: 'type-mismatch', line: 7, column: 26, message: '"List" takes one type argument' },
          { code: 'type-mismatch', line: 8, column: 23, message: '"Int" takes no type arguments.' },
        ],
      );
    });

    it('reports record constructions of something that is not a record', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          enum Verdict { Accept, Reject }

          flow Answer(s: Session) {
            send Verdict { value: 1 } to s
            send Answer { } to s
          }
        `),
        [
          { code: 'type-mismatch', line: 6, column: 8, message: 'Enum "Verdict" is not a record' },
          { code: 'type-mismatch', line: 7, column: 8, message: 'Flow "Answer" is not a record' },
        ],
      );
    });
  });
});
