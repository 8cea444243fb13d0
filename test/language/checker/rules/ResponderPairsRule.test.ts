import { describe, expect, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('ResponderPairsRule', () => {
  describe('valid', () => {
    it('accepts an initiating flow with its responder', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        @startable
        initiating flow Seller(buyer: Party, price: Amount) -> Bool {
          let s = open buyer
          send price to s
          return receive Bool from s
        }

        responder flow Buyer(seller: Session) for Seller {
          let price = receive Amount from seller
          send price.quantity < 100.0 to seller
        }
      `);
    });

    it('accepts a responder in another file of the CorDapp', () => {
      expectValid({
        'seller.flow': dedent`
          cordapp com.example.trade version 1.0.0

          initiating flow Seller(buyer: Party) {
            let s = open buyer
            send 1 to s
          }
        `,
        'buyer.flow': dedent`
          responder flow Buyer(s: Session) for Seller {
            let n = receive Int from s
          }
        `,
      });
    });

    it('accepts a responder declared before its initiator, and several pairs', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        responder flow Buyer(s: Session) for Seller {
          send 1 to s
        }

        responder flow Auditor(s: Session) for Audit {
          let report = receive String from s
        }

        initiating flow Seller(buyer: Party) -> Int {
          let s = open buyer
          return receive Int from s
        }

        initiating flow Audit(auditor: Party) {
          let s = open auditor
          send "report" to s
        }
      `);
    });

    it('does not ask inline flows for a responder', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Haggle(s: Session) -> Int {
          return receive Int from s
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports an initiating flow without a responder, at its name', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          initiating flow Seller(buyer: Party) {
            let s = open buyer
            send 1 to s
          }
        `),
        [
          {
            code: 'missing-responder',
            line: 3,
            column: 17,
            message:
              'Initiating flow "Seller" has no responder in this CorDapp: add "responder flow SellerResponder(session: Session) for Seller { ... }".',
          },
        ],
      );
    });

    it('does not count a responder of another CorDapp', () => {
      expectDiagnostics(
        checkFlow({
          'seller/seller.flow': dedent`
            cordapp com.example.seller version 1.0.0

            initiating flow Seller(buyer: Party) {
              let s = open buyer
              send 1 to s
            }
          `,
          'buyer/buyer.flow': dedent`
            cordapp com.example.buyer version 1.0.0

            import { Seller } from "../seller/seller.flow"

            responder flow Buyer(s: Session) for Seller {
              let n = receive Int from s
            }
          `,
        }),
        [{ code: 'missing-responder', line: 3, column: 17 }],
      );
    });

    it('reports a responder for an inline flow, another responder or a message', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        message Offer {
          price: Amount
        }

        flow Haggle(s: Session) {
          send 1 to s
        }

        responder flow A(s: Session) for Haggle {
        }

        responder flow B(s: Session) for A {
        }

        responder flow C(s: Session) for Offer {
        }
      `);
      expectDiagnostics(diagnostics, [
        {
          code: 'not-initiating',
          line: 11,
          column: 34,
          message:
            '"Haggle" is an inline flow, so nothing can answer it: a responder must name an "initiating flow".',
        },
        { code: 'not-initiating', line: 14, column: 34, message: '"A" is a responder flow' },
        { code: 'not-initiating', line: 17, column: 34, message: '"Offer" is not a flow' },
      ]);
      expect(diagnostics[0]!.related?.[0]).toMatchObject({ range: { line: 7, column: 6 } });
    });

    it('reports a responder that names no initiator', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          responder flow Buyer(s: Session) {
            send 1 to s
          }
        `),
        [
          {
            code: 'not-initiating',
            line: 3,
            column: 16,
            message: 'Responder flow "Buyer" must say which initiating flow it answers',
          },
        ],
      );
    });

    it('reports "for" on a flow that is not a responder', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          initiating flow Seller(buyer: Party) {
            let s = open buyer
            send 1 to s
          }

          responder flow Buyer(s: Session) for Seller {
            let n = receive Int from s
          }

          flow Watcher(s: Session) for Seller {
            let n = receive Int from s
          }
        `),
        [
          {
            code: 'not-initiating',
            line: 12,
            column: 30,
            message:
              'Only a responder flow answers another flow: write "responder flow Watcher(...) for Seller".',
          },
        ],
      );
    });

    it('reports a second responder for one initiating flow', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        initiating flow Seller(buyer: Party) {
          let s = open buyer
          send 1 to s
        }

        responder flow Buyer(s: Session) for Seller {
          let n = receive Int from s
        }

        responder flow OtherBuyer(s: Session) for Seller {
          let n = receive Int from s
        }
      `);
      expectDiagnostics(diagnostics, [
        {
          code: 'duplicate-declaration',
          line: 12,
          column: 43,
          message: 'Flow "Seller" already has the responder "Buyer"',
        },
      ]);
      expect(diagnostics[0]!.related?.[0]).toMatchObject({
        range: { line: 8, column: 16 },
        message: 'The first responder.',
      });
    });

    it('reports a responder whose first parameter is not the session', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          initiating flow Seller(buyer: Party) {
            let s = open buyer
          }

          initiating flow Lender(borrower: Party) {
            let s = open borrower
          }

          responder flow Buyer(seller: Party) for Seller {
          }

          responder flow Borrower() for Lender {
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 11,
            column: 30,
            message:
              'The first parameter of responder flow "Buyer" must be the session with its initiator: "(session: Session)".',
          },
          { code: 'type-mismatch', line: 14, column: 16, message: 'responder flow "Borrower"' },
        ],
      );
    });

    it('does not ask for responders while the CorDapp has syntax errors', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          initiating flow Seller(buyer: Party) {
            let s = open buyer
            send 1 to
          }
        `),
        [{ code: 'syntax-error', line: 6, column: 1 }],
      );
    });
  });
});
