import { describe, expect, it } from 'vitest';
import type { Type } from '../../../../language/index.js';
import { checkFlow, dedent, expectDiagnostics, expectValid, hostFunction } from '../../../utils/index.js';

const StringType: Type = { kind: 'primitive', name: 'String' };
const IntType: Type = { kind: 'primitive', name: 'Int' };
const AmountType: Type = { kind: 'primitive', name: 'Amount' };

const quote = hostFunction(
  'quote',
  [
    ['assetId', StringType],
    ['units', IntType, true],
  ],
  AmountType,
);
const fetchQuote = hostFunction('fetchQuote', [['assetId', StringType]], AmountType, { async: true });
const host = {
  './pricing.ts': {
    functions: new Map([
      ['quote', quote],
      ['fetchQuote', fetchQuote],
    ]),
    types: new Map<string, Type>(),
  },
};

describe('CallsRule', () => {
  describe('valid', () => {
    it('accepts synchronous host calls, with and without optional arguments', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { quote } from "./pricing.ts"

          flow Price(assetId: String) -> Amount {
            return quote(assetId) + quote(assetId, 2)
          }
        `,
        { host },
      );
    });

    it('accepts async host functions run with await, also with retry', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { fetchQuote } from "./pricing.ts"

          flow Price(assetId: String) -> Amount {
            let first = await fetchQuote(assetId)
            let second = await fetchQuote(assetId) retry 3 backoff 1s
            return first + second
          }
        `,
        { host },
      );
    });

    it('accepts sub-flows started with call: inline and initiating flows', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Haggle(s: Session, price: Amount) -> Amount {
          send price to s
          return receive Amount from s
        }

        initiating flow Sell(buyer: Party) -> Amount {
          let s = open buyer
          return call Haggle(s, amount(10, "EUR"))
        }

        initiating flow SellTwice(buyer: Party) -> Amount {
          let first = call Sell(buyer)
          return first + call Sell(buyer)
        }

        responder flow Buy(s: Session) for Sell {
          let price = receive Amount from s
          send price to s
        }

        responder flow BuyTwice(s: Session) for SellTwice {
        }
      `);
    });

    it('accepts built-in functions with their arguments', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Stamp() -> Instant {
          let price = amount(2, "EUR")
          require price.quantity > 0 else "Free"
          return now()
        }
      `);
    });

    it('accepts a call of a flow imported from another file', () => {
      expectValid({
        'a.flow': dedent`
          cordapp com.example.trade version 1.0.0

          import { Double } from "./lib/math.flow"

          flow Quadruple(n: Int) -> Int {
            let twice = call Double(n)
            return call Double(twice)
          }
        `,
        'lib/math.flow': dedent`
          cordapp com.example.math version 1.0.0

          flow Double(n: Int) -> Int {
            return n * 2
          }
        `,
      });
    });
  });

  describe('invalid', () => {
    it('reports an async host function called without await', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { fetchQuote } from "./pricing.ts"

            flow Price(assetId: String) -> Amount {
              return fetchQuote(assetId)
            }
          `,
          { host },
        ),
        [
          {
            code: 'invalid-call',
            line: 6,
            column: 10,
            message: '"fetchQuote" is async: run it as an external operation with "await fetchQuote(...)"',
          },
        ],
      );
    });

    it('reports await of a synchronous function and of something that is not a call', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { quote } from "./pricing.ts"

            flow Price(assetId: String, price: Amount) -> Amount {
              let a = await quote(assetId)
              let b = await now()
              let c = await price
              return a
            }
          `,
          { host },
        ),
        [
          {
            code: 'invalid-call',
            line: 6,
            column: 17,
            message: '"quote" is not async, so there is nothing to await',
          },
          { code: 'invalid-call', line: 7, column: 17, message: '"now" is not async' },
          {
            code: 'invalid-call',
            line: 8,
            column: 17,
            message: '"await" needs a call of an async host function',
          },
        ],
      );
    });

    it('reports the wrong number of arguments, counting optional parameters', () => {
      const diagnostics = checkFlow(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { quote, fetchQuote } from "./pricing.ts"

          flow Double(n: Int) -> Int {
            return n * 2
          }

          flow Price(assetId: String) -> Amount {
            let a = quote()
            let b = quote(assetId, 1, 2)
            let c = await fetchQuote()
            let d = call Double(1, 2)
            let t = now(1)
            return a
          }
        `,
        { host },
      );
      expectDiagnostics(diagnostics, [
        {
          code: 'invalid-call',
          line: 10,
          column: 11,
          message: '"quote" takes 1 to 2 arguments, but 0 are given.',
        },
        {
          code: 'invalid-call',
          line: 11,
          column: 11,
          message: '"quote" takes 1 to 2 arguments, but 3 are given.',
        },
        {
          code: 'invalid-call',
          line: 12,
          column: 17,
          message: '"fetchQuote" takes 1 argument, but 0 are given.',
        },
        {
          code: 'invalid-call',
          line: 13,
          column: 11,
          message: 'Flow "Double" takes 1 argument, but 2 are given.',
        },
        { code: 'invalid-call', line: 14, column: 11, message: '"now" takes 0 arguments, but 1 is given.' },
      ]);
      expect(diagnostics[0]!.range).toMatchObject({ endLine: 10, endColumn: 18 });
    });

    it('reports a flow called like a function, and a message called like one', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Leg {
            units: Int
          }

          flow Double(n: Int) -> Int {
            return n * 2
          }

          flow Quadruple(n: Int) -> Int {
            let leg = Leg(n)
            return Double(Double(n))
          }
        `),
        [
          {
            code: 'invalid-call',
            line: 12,
            column: 13,
            message: 'Message "Leg" is not a function. Build one with "Leg { field: value }".',
          },
          {
            code: 'invalid-call',
            line: 13,
            column: 10,
            message: 'Flow "Double" is not a function. Start it as a sub-flow: "call Double(...)".',
          },
          { code: 'invalid-call', line: 13, column: 17, message: 'Flow "Double" is not a function.' },
        ],
      );
    });

    it('reports calls of values and of members', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Greet(buyer: Party) -> String {
            let name = buyer.name()
            return name()
          }
        `),
        [
          { code: 'invalid-call', line: 4, column: 14, message: 'Only functions can be called' },
          { code: 'invalid-call', line: 5, column: 10, message: 'Variable "name" is not a function.' },
        ],
      );
    });

    it('reports a responder started with call, pointing at its declaration', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        initiating flow Sell(buyer: Party) {
          let s = open buyer
          send 1 to s
        }

        responder flow Buy(s: Session) for Sell {
          let price = receive Int from s
        }

        flow Again(s: Session) {
          call Buy(s)
        }
      `);
      expectDiagnostics(diagnostics, [
        {
          code: 'invalid-call',
          line: 13,
          column: 8,
          message: '"Buy" is a responder flow: it starts when its initiator opens a session',
        },
      ]);
      expect(diagnostics[0]!.related?.[0]).toMatchObject({ range: { line: 8, column: 16 } });
    });

    it('reports call of something that is not a flow', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Leg {
            units: Int
          }

          flow Make() {
            call Leg()
          }
        `),
        [
          {
            code: 'invalid-call',
            line: 8,
            column: 8,
            message: 'Message "Leg" is not a flow, so it cannot be started with "call".',
          },
        ],
      );
    });
  });
});
