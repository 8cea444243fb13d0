import { describe, expect, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('UniqueDeclarationsRule', () => {
  describe('valid', () => {
    it('accepts distinct declarations, fields, members and steps', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        message Offer {
          price: Amount
          units: Int
        }

        enum Verdict { Accept, Reject }

        flow Haggle(s: Session, offer: Offer) -> Verdict {
          progress {
            Offering "Sending the offer"
            Waiting "Waiting for the verdict"
          }
          step Offering
          send Offer { price: offer.price, units: offer.units } to s
          step Waiting
          return receive Verdict from s
        }
      `);
    });

    it('lets an inner block declare a name again', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Sum(values: List<Int>, big: Bool) -> Int {
          var total = 0
          if big {
            let extra = 100
            total = total + extra
          } else {
            let extra = 1
            total = total + extra
          }
          for v in values {
            let total2 = total + v
            total = total2
          }
          return total
        }
      `);
    });

    it('lets a loop variable and a catch variable shadow outer names', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Tally(s: Session, v: Int, values: List<Int>) -> Int {
          var sum = v
          for v in values {
            sum = sum + v
          }
          let e = 0
          try {
            send sum to s
          } catch e {
            fail e.message
          }
          return sum + e
        }
      `);
    });

    it('accepts the same name imported twice from one file', () => {
      expectValid({
        'trade.flow': dedent`
          cordapp com.example.trade version 1.0.0

          import { Leg } from "./lib/common.flow"
          import { Leg } from "./lib/common.flow"

          flow Units(leg: Leg) -> Int {
            return leg.units
          }
        `,
        'lib/common.flow': 'cordapp com.example.lib version 1.0.0\n\nmessage Leg {\n  units: Int\n}\n',
      });
    });

    it('accepts declarations spread over the files of a CorDapp', () => {
      expectValid({
        'a.flow': 'cordapp com.example.trade version 1.0.0\n\nmessage Leg {\n  units: Int\n}\n',
        'b.flow': 'message Offer {\n  legs: List<Leg>\n}\n',
      });
    });
  });

  describe('invalid', () => {
    it('reports two declarations of one name, pointing at the first', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        message Offer {
          units: Int
        }

        enum Offer { Low, High }
      `);
      expectDiagnostics(diagnostics, [
        { code: 'duplicate-declaration', line: 7, column: 6, message: '"Offer" is already declared' },
      ]);
      expect(diagnostics[0]!.related).toEqual([
        {
          range: expect.objectContaining({ line: 3, column: 9 }),
          message: '"Offer" is first declared here.',
        },
      ]);
    });

    it('reports a declaration repeated in another file of the CorDapp', () => {
      const diagnostics = checkFlow({
        'a.flow': 'cordapp com.example.trade version 1.0.0\n\nflow Pay() {\n}\n',
        'b.flow': '\nflow Pay() {\n}\n',
      });
      expectDiagnostics(diagnostics, [{ code: 'duplicate-declaration', line: 2, column: 6 }]);
      expect(diagnostics[0]!.related?.[0]).toMatchObject({ file: 'a.flow', range: { line: 3, column: 6 } });
    });

    it('reports a declaration named like a built-in type', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Amount {
            quantity: Int
          }
        `),
        [{ code: 'duplicate-declaration', line: 3, column: 9, message: '"Amount" is a built-in type' }],
      );
    });

    it('reports duplicate fields, members and progress steps', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Offer {
            units: Int
            units: Decimal
          }

          enum Verdict { Accept, Reject, Accept }

          flow Haggle() {
            progress {
              Asking "Asking"
              Asking "Asking again"
            }
            step Asking
          }
        `),
        [
          { code: 'duplicate-declaration', line: 5, column: 3, message: 'Duplicate field "units".' },
          { code: 'duplicate-declaration', line: 8, column: 32, message: 'Duplicate enum member "Accept".' },
          {
            code: 'duplicate-declaration',
            line: 13,
            column: 5,
            message: 'Duplicate progress step "Asking".',
          },
        ],
      );
    });

    it('reports duplicate parameters, annotations and record fields', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Leg {
            units: Int
          }

          @idempotent
          @idempotent
          flow Make(units: Int, units: Int) -> Leg {
            return Leg { units: 1, units: 2 }
          }
        `),
        [
          {
            code: 'duplicate-declaration',
            line: 8,
            column: 2,
            message: 'Duplicate annotation "idempotent".',
          },
          { code: 'duplicate-declaration', line: 9, column: 23, message: 'Duplicate parameter "units".' },
          { code: 'duplicate-declaration', line: 10, column: 26, message: 'Duplicate field "units".' },
        ],
      );
    });

    it('reports a variable declared twice in one block, and one that repeats a parameter', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Count(n: Int, big: Bool) -> Int {
            let n = 2
            if big {
              var total = 1
              let total = 2
              return total
            }
            return n
          }
        `),
        [
          {
            code: 'duplicate-declaration',
            line: 4,
            column: 7,
            message: 'Duplicate variable "n" in the same block.',
          },
          { code: 'duplicate-declaration', line: 7, column: 9, message: 'Duplicate variable "total"' },
        ],
      );
    });

    it('reports a name imported twice, and an import that clashes with a declaration', () => {
      const diagnostics = checkFlow({
        'trade.flow': dedent`
          cordapp com.example.trade version 1.0.0

          import { Leg, Leg } from "./lib/a.flow"
          import { Leg } from "./lib/b.flow"
          import { Offer } from "./lib/a.flow"

          message Offer {
            units: Int
          }
        `,
        'lib/a.flow':
          'cordapp com.example.lib version 1.0.0\n\nmessage Leg {\n  units: Int\n}\n\nmessage Offer {\n  leg: Leg\n}\n',
        'lib/b.flow': 'cordapp com.example.other version 1.0.0\n\nmessage Leg {\n  name: String\n}\n',
      });
      expectDiagnostics(diagnostics, [
        { code: 'duplicate-declaration', line: 3, column: 15, message: 'Duplicate import "Leg".' },
        { code: 'duplicate-declaration', line: 4, column: 10, message: '"Leg" is already imported' },
        {
          code: 'duplicate-declaration',
          line: 5,
          column: 10,
          message: 'clashes with a declaration of the CorDapp',
        },
      ]);
      expect(diagnostics[1]!.related?.[0]).toMatchObject({
        file: 'lib/a.flow',
        range: { line: 3, column: 9 },
      });
    });
  });
});
