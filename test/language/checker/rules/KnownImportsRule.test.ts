import { describe, expect, it } from 'vitest';
import type { Type } from '../../../../language/index.js';
import { checkFlow, dedent, expectDiagnostics, expectValid, hostFunction } from '../../../utils/index.js';

const StringType: Type = { kind: 'primitive', name: 'String' };
const AmountType: Type = { kind: 'primitive', name: 'Amount' };

const quote = hostFunction('quote', [['assetId', StringType]], AmountType);
const host = {
  './pricing.ts': {
    functions: new Map([['quote', quote]]),
    types: new Map<string, Type>([['Currency', { kind: 'enum', name: 'Currency', members: ['EUR', 'USD'] }]]),
  },
};

const common = dedent`
  message Leg {
    units: Int
  }

  enum Verdict { Accept, Reject }
`;

const library = [
  {
    path: 'flows:std/finality.flow',
    text: dedent`
      cordapp flows.std version 1.0.0

      flow Finality(s: Session, tx: String) -> String {
        send tx to s
        return receive String from s
      }
    `,
  },
];

describe('KnownImportsRule', () => {
  describe('valid', () => {
    it('imports declarations of another .flow file', () => {
      expectValid({
        'trade.flow': dedent`
          cordapp com.example.trade version 1.0.0

          import { Leg, Verdict } from "./shared/common.flow"

          flow Ask(s: Session, leg: Leg) -> Verdict {
            send leg to s
            return receive Verdict from s
          }
        `,
        'shared/common.flow': `cordapp com.example.common version 1.0.0\n\n${common}`,
      });
    });

    it('imports functions and types of a host module', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { Currency, quote } from "./pricing.ts"

          flow Price(assetId: String) -> Currency {
            let price = quote(assetId)
            require price.quantity > 0.0 else "No price for {assetId}"
            return Currency.EUR
          }
        `,
        { host },
      );
    });

    it('imports flows of the flow library', () => {
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { Finality } from "flows:std"

          flow Settle(s: Session) -> String {
            return call Finality(s, "tx")
          }
        `,
        { checker: { library } },
      );
    });

    it('reads an imported file that is not among the checked files', () => {
      const read: string[] = [];
      expectValid(
        dedent`
          cordapp com.example.trade version 1.0.0

          import { Leg } from "../shared/common.flow"

          flow Count(legs: List<Leg>) -> Int {
            return legs.size
          }
        `,
        {
          checker: {
            readFlowFile: (path) => {
              read.push(path);
              return path === '../shared/common.flow' ? common : undefined;
            },
          },
        },
      );
      expect(read).toEqual(['../shared/common.flow']);
    });

    it('lets an imported file import in turn', () => {
      expectValid({
        'app/trade.flow': dedent`
          cordapp com.example.trade version 1.0.0

          import { Offer } from "../lib/offer.flow"

          flow Units(o: Offer) -> Int {
            return o.leg.units
          }
        `,
        'lib/offer.flow': dedent`
          cordapp com.example.lib version 1.0.0

          import { Leg } from "./common.flow"

          message Offer {
            leg: Leg
          }
        `,
        'lib/common.flow': common,
      });
    });
  });

  describe('invalid', () => {
    it('reports a .flow file that does not exist, at the module string', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          import { Leg } from "./missing.flow"
        `),
        [
          {
            code: 'unknown-import',
            line: 3,
            column: 21,
            message: 'Cannot find the flow file "./missing.flow"',
          },
        ],
      );
    });

    it('reports a name the .flow file does not declare, with a suggestion', () => {
      expectDiagnostics(
        checkFlow({
          'trade.flow': dedent`
            cordapp com.example.trade version 1.0.0

            import { Leg, Verdict2 } from "./lib/common.flow"
          `,
          'lib/common.flow': `cordapp com.example.common version 1.0.0\n\n${common}`,
        }),
        [
          {
            code: 'unknown-import',
            line: 3,
            column: 15,
            message: '"./lib/common.flow" has no declaration "Verdict2". Did you mean "Verdict"?',
          },
        ],
      );
    });

    it('reports a host module that cannot be found', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { quote } from "./nowhere.ts"
          `,
          { host },
        ),
        [{ code: 'unknown-import', line: 3, column: 23, message: 'Cannot find host module "./nowhere.ts"' }],
      );
    });

    it('reports a host module when no reader is configured', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          import { quote } from "./pricing.ts"
        `),
        [{ code: 'unknown-import', line: 3, column: 23, message: 'no host module reader is configured' }],
      );
    });

    it('reports a name the host module does not export, with a suggestion', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { Currency, quotes } from "./pricing.ts"
          `,
          { host },
        ),
        [
          {
            code: 'unknown-import',
            line: 3,
            column: 20,
            message:
              'Host module "./pricing.ts" has no exported function or type "quotes". Did you mean "quote"?',
          },
        ],
      );
    });

    it('reports the flow library when it is not available', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          import { Finality } from "flows:std"
        `),
        [{ code: 'unknown-import', line: 3, column: 26, message: '"flows:std" is not available' }],
      );
    });

    it('reports a name the flow library does not declare', () => {
      expectDiagnostics(
        checkFlow(
          dedent`
            cordapp com.example.trade version 1.0.0

            import { Finality, CollectSignatures } from "flows:std"
          `,
          { checker: { library } },
        ),
        [
          {
            code: 'unknown-import',
            line: 3,
            column: 20,
            message: '"flows:std" has no declaration "CollectSignatures"',
          },
        ],
      );
    });

    it('leaves the uses of an unknown import alone', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          import { Leg } from "./missing.flow"

          flow Count(legs: List<Leg>) -> Int {
            return legs.size
          }
        `),
        [
          { code: 'unknown-import', line: 3, column: 21 },
          { code: 'unknown-name', line: 5, column: 23, message: 'Unknown type "Leg"' },
        ],
      );
    });
  });
});
