import { describe, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('OpenInInitiatingRule', () => {
  describe('valid', () => {
    it('accepts open in an initiating flow', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        initiating flow Seller(buyer: Party, price: Amount) {
          let s = open buyer
          send price to s
          close s
        }

        responder flow Buyer(s: Session) for Seller {
          let price = receive Amount from s
        }
      `);
    });

    it('accepts open inside a block', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        initiating flow Greet(friend: Party, urgent: Bool) {
          if urgent {
            let s = open friend
            send "hello now" to s
          } else {
            sleep 1m
            let s = open friend
            send "hello later" to s
          }
        }

        initiating flow Notarise(notary: Party, urgent: Bool) {
          let s = open notary
          send urgent to s
        }

        responder flow Listen(s: Session) for Greet {
          let text = receive String from s
        }

        responder flow Stamp(s: Session) for Notarise {
          let urgent = receive Bool from s
        }
      `);
    });

    it('accepts inline and responder flows that use sessions they are given', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Haggle(s: Session) -> Int {
          send 1 to s
          return receive Int from s
        }

        initiating flow Seller(buyer: Party) -> Int {
          let s = open buyer
          return call Haggle(s)
        }

        responder flow Buyer(s: Session) for Seller {
          let offer = receive Int from s
          send offer + 1 to s
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports open in an inline flow, over the whole open expression', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Haggle(buyer: Party) -> Int {
            let s = open buyer
            return receive Int from s
          }
        `),
        [
          {
            code: 'open-outside-initiating',
            line: 4,
            column: 11,
            message: 'Flow "Haggle" is not an initiating flow, so it cannot open sessions',
          },
        ],
      );
    });

    it('reports open in a responder flow', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          initiating flow Seller(buyer: Party) {
            let s = open buyer
            send me to s
          }

          responder flow Buyer(s: Session) for Seller {
            let seller = receive Party from s
            let back = open seller
          }
        `),
        [{ code: 'open-outside-initiating', line: 10, column: 14, message: 'Flow "Buyer"' }],
      );
    });

    it('reports each open of a nested expression', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Spam(parties: List<Party>) {
            for p in parties {
              send "hello" to open p
              close open p
            }
          }
        `),
        [
          { code: 'open-outside-initiating', line: 5, column: 21 },
          { code: 'open-outside-initiating', line: 6, column: 11 },
        ],
      );
    });
  });
});
