import { describe, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('AnnotationsRule', () => {
  describe('valid', () => {
    it('accepts @startable and @version on an initiating flow', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        @startable
        @version(2)
        initiating flow Seller(buyer: Party) {
          let s = open buyer
          send 1 to s
        }

        responder flow Buyer(s: Session) for Seller {
          let n = receive Int from s
        }
      `);
    });

    it('accepts @idempotent on any flow and @startable on an inline flow', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        @idempotent
        @startable
        flow Tally(values: List<Int>) -> Int {
          var sum = 0
          for v in values {
            sum = sum + v
          }
          return sum
        }

        @idempotent
        initiating flow Seller(buyer: Party) {
          let s = open buyer
          send 1 to s
        }

        @idempotent
        responder flow Buyer(s: Session) for Seller {
          let n = receive Int from s
        }
      `);
    });

    it('accepts annotations written on one line with the flow', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        @startable @version(3) initiating flow Seller(buyer: Party) {
          let s = open buyer
          send 1 to s
        }

        responder flow Buyer(s: Session) for Seller {
          let n = receive Int from s
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports an unknown annotation with a suggestion', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          @startabl
          flow Tally() {
          }
        `),
        [
          {
            code: 'unknown-annotation',
            line: 3,
            column: 1,
            message: 'Unknown annotation "@startabl". Did you mean "@startable"?',
          },
        ],
      );
    });

    it('reports an unknown annotation without a close match, listing the known ones', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          @deprecated
          flow Tally() {
          }
        `),
        [
          {
            code: 'unknown-annotation',
            line: 3,
            column: 1,
            message: 'Unknown annotation "@deprecated". Known: @startable, @version(N), @idempotent.',
          },
        ],
      );
    });

    it('reports annotations on messages and enums', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          @idempotent
          message Offer {
            price: Amount
          }

          @startable
          enum Verdict { Accept, Reject }
        `),
        [
          {
            code: 'unknown-annotation',
            line: 3,
            column: 1,
            message: 'Annotation "@idempotent" does not apply to a message.',
          },
          {
            code: 'unknown-annotation',
            line: 8,
            column: 1,
            message: 'Annotation "@startable" does not apply to an enum.',
          },
        ],
      );
    });

    it('reports @version where it does not apply or without one number', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          @version
          initiating flow Seller(buyer: Party) {
            let s = open buyer
          }

          @version(1, 2)
          initiating flow Lender(borrower: Party) {
            let s = open borrower
          }

          @version(2)
          responder flow Buyer(s: Session) for Seller {
          }

          @version(2)
          responder flow Borrower(s: Session) for Lender {
          }

          @version(1)
          flow Haggle() {
          }
        `),
        [
          {
            code: 'unknown-annotation',
            line: 3,
            column: 1,
            message: '"@version" takes one number, as in "@version(2)".',
          },
          { code: 'unknown-annotation', line: 8, column: 1, message: '"@version" takes one number' },
          {
            code: 'unknown-annotation',
            line: 13,
            column: 1,
            message: '"@version" is the protocol version of an initiating flow',
          },
          { code: 'unknown-annotation', line: 17, column: 1, message: 'it does not apply here' },
          { code: 'unknown-annotation', line: 21, column: 1, message: 'it does not apply here' },
        ],
      );
    });

    it('reports arguments given to @startable and @idempotent', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          @startable(true)
          @idempotent(1, 2)
          flow Tally() {
          }
        `),
        [
          { code: 'unknown-annotation', line: 3, column: 1, message: '"@startable" takes no arguments.' },
          { code: 'unknown-annotation', line: 4, column: 1, message: '"@idempotent" takes no arguments.' },
        ],
      );
    });

    it('reports a @startable responder', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          initiating flow Seller(buyer: Party) {
            let s = open buyer
          }

          @startable
          responder flow Buyer(s: Session) for Seller {
          }
        `),
        [
          {
            code: 'unknown-annotation',
            line: 7,
            column: 1,
            message: 'A responder flow cannot be "@startable"',
          },
        ],
      );
    });
  });
});
