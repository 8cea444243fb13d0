import { describe, expect, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('MissingReturnRule', () => {
  describe('valid', () => {
    it('accepts a flow that ends with a return', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Double(n: Int) -> Int {
          let doubled = n * 2
          return doubled
        }
      `);
    });

    it('accepts a flow whose branches all return or fail', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Sign(n: Int) -> Int {
          if n > 0 {
            return 1
          } else if n < 0 {
            return -1
          } else {
            fail "Zero has no sign"
          }
        }
      `);
    });

    it('accepts a flow whose try and catch both return', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Ask(s: Session) -> String {
          try {
            return receive String from s within 1m
          } catch e {
            return e.message
          }
        }
      `);
    });

    it('accepts a flow without a result that ends without return', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Notify(s: Session, legs: List<Int>) {
          for leg in legs {
            send leg to s
          }
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports a flow with a result and no return, at its name', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        flow Double(n: Int) -> Int {
          let doubled = n * 2
        }
      `);
      expectDiagnostics(diagnostics, [
        {
          code: 'missing-return',
          line: 3,
          column: 6,
          message: 'Flow "Double" declares a result of type "Int" but can reach its end without "return".',
        },
      ]);
      expect(diagnostics[0]!.range).toMatchObject({ endLine: 3, endColumn: 12 });
    });

    it('reports an if without else that returns', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Positive(n: Int) -> Bool {
            if n > 0 {
              return true
            } else if n < 0 {
              return false
            }
          }
        `),
        [{ code: 'missing-return', line: 3, column: 6 }],
      );
    });

    it('reports a return inside a loop only, which may run zero times', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow First(values: List<Int>) -> Int {
            for v in values {
              return v
            }
          }
        `),
        [{ code: 'missing-return', line: 3, column: 6, message: 'Flow "First"' }],
      );
    });

    it('reports a catch block that completes', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Ask(s: Session) -> List<String> {
            try {
              return [receive String from s]
            } catch e {
              send e.message to s
            }
          }
        `),
        [{ code: 'missing-return', line: 3, column: 6, message: 'result of type "List<String>"' }],
      );
    });

    it('reports an empty flow with a result', () => {
      expectDiagnostics(
        checkFlow('cordapp com.example.trade version 1.0.0\n\nflow Nothing() -> Int {\n}\n'),
        [{ code: 'missing-return', line: 3, column: 6 }],
      );
    });
  });
});
