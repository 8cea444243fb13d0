import { describe, it } from 'vitest';
import type { Type } from '../../../../language/index.js';
import { checkFlow, dedent, expectDiagnostics, expectValid, hostFunction } from '../../../utils/index.js';

const AmountType: Type = { kind: 'primitive', name: 'Amount' };
const StringType: Type = { kind: 'primitive', name: 'String' };
const quote = hostFunction('quote', [['assetId', StringType]], AmountType);
const host = {
  './pricing.ts': {
    functions: new Map([['quote', quote]]),
    types: new Map<string, Type>([
      ['Priority', { kind: 'enum', name: 'Priority', members: ['Low', 'High'] }],
    ]),
  },
};

describe('ValueNamesRule', () => {
  describe('valid', () => {
    it('accepts enum members named through their enum', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        enum Verdict { Accept, Reject }

        flow Answer(s: Session, ok: Bool) {
          if ok {
            send Verdict.Accept to s
          } else {
            send Verdict.Reject to s
          }
        }
      `);
    });

    it('accepts functions and flows in call position', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { quote } from "./pricing.ts"

          flow Price(assetId: String) -> Amount {
            return quote(assetId)
          }

          flow Twice(assetId: String) -> Amount {
            let at = now()
            let first = call Price(assetId)
            return first + quote("{assetId} at {at}")
          }
        `,
        { host },
      );
    });

    it('accepts members of host enums', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { Priority } from "./pricing.ts"

          flow Rank(units: Int) -> Priority {
            if units > 10 {
              return Priority.High
            }
            return Priority.Low
          }
        `,
        { host },
      );
    });

    it('accepts parameters, locals and record constructions as values', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        message Leg {
          units: Int
        }

        flow Make(units: Int) -> List<Leg> {
          let leg = Leg { units: units }
          return [leg, Leg { units: 1 }]
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports an enum used as a value, suggesting a member', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          enum Verdict { Accept, Reject }

          flow Answer(s: Session) {
            send Verdict to s
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 6,
            column: 8,
            message: 'Enum "Verdict" is not a value. Name one of its members, as in "Verdict.Accept".',
          },
        ],
      );
    });

    it('reports a message used as a value', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Leg {
            units: Int
          }

          flow Make() -> List<Leg> {
            return [Leg]
          }
        `),
        [{ code: 'type-mismatch', line: 8, column: 11, message: 'Message "Leg" is not a value.' }],
      );
    });

    it('reports a flow used as a value, suggesting "call"', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Price() -> Int {
            return 1
          }

          flow Twice() -> Int {
            let p = Price
            return 2
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 8,
            column: 11,
            message: 'Flow "Price" is not a value. Start it with "call Price(...)".',
          },
        ],
      );
    });

    it('reports host and built-in functions used without a call', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { quote } from "./pricing.ts"

            flow Stamp() -> String {
              return "{now} {quote}"
            }
          `,
          { host },
        ),
        [
          {
            code: 'type-mismatch',
            line: 6,
            column: 12,
            message: 'Function "now" is not a value. Call it: "now(...)".',
          },
          { code: 'type-mismatch', line: 6, column: 18, message: 'Function "quote" is not a value.' },
        ],
      );
    });

    it('reports a host enum used as a value', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { Priority } from "./pricing.ts"

            flow Rank(s: Session) {
              send Priority to s
            }
          `,
          { host },
        ),
        [{ code: 'type-mismatch', line: 6, column: 8, message: 'Type "Priority" is not a value.' }],
      );
    });
  });
});
