import { describe, expect, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('ReachableCodeRule', () => {
  describe('valid', () => {
    it('accepts return and fail as the last statement of their blocks', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Check(units: Int) -> Int {
          if units < 0 {
            fail "Negative units"
          }
          if units == 0 {
            return 0
          }
          return units
        }
      `);
    });

    it('accepts code after an if without else, a loop, and a require', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Find(values: List<Int>, wanted: Int) -> Bool {
          for v in values {
            if v == wanted {
              return true
            }
          }
          require values.size > 0 else "Nothing to search"
          return false
        }
      `);
    });

    it('accepts code after an if whose else branch completes', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Pick(big: Bool, s: Session) -> Int {
          if big {
            return 100
          } else if !big {
            send 1 to s
          } else {
            fail "Impossible"
          }
          return 1
        }
      `);
    });

    it('accepts code after a try whose handler completes', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Ask(s: Session) -> Int {
          try {
            return receive Int from s within 1m
          } catch e {
            send e.message to s
          }
          return 0
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports the statements after a return, as one range, pointing at the return', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        flow Double(n: Int) -> Int {
          return n * 2
          let unused = n
          fail "never"
        }
      `);
      expectDiagnostics(diagnostics, [
        {
          code: 'unreachable-code',
          line: 5,
          column: 3,
          message: 'Unreachable code: it comes after a "return".',
        },
      ]);
      expect(diagnostics[0]!.range).toMatchObject({ endLine: 6, endColumn: 15 });
      expect(diagnostics[0]!.related).toEqual([
        { range: expect.objectContaining({ line: 4, column: 3 }), message: 'The flow always ends here.' },
      ]);
    });

    it('reports the statements after a fail in a nested block', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Check(values: List<Int>, s: Session) {
            for v in values {
              if v < 0 {
                fail "Negative value {v}"
                send v to s
              }
            }
          }
        `),
        [{ code: 'unreachable-code', line: 7, column: 7, message: 'it comes after a "fail"' }],
      );
    });

    it('reports the statements after an if whose branches all end the flow', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Pick(mode: Int) -> Int {
            if mode == 1 {
              return 1
            } else if mode == 2 {
              fail "Two"
            } else {
              return 3
            }
            return 4
          }
        `),
        [
          {
            code: 'unreachable-code',
            line: 11,
            column: 3,
            message: 'it comes after a statement that always ends the flow',
          },
        ],
      );
    });

    it('reports the statements after a try whose body and handler both end the flow', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Ask(s: Session) -> Int {
            try {
              return receive Int from s
            } catch e {
              fail e.message
            }
            send 1 to s
            return 0
          }
        `),
        [{ code: 'unreachable-code', line: 9, column: 3 }],
      );
    });

    it('reports each block once, at its first unreachable statement', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Twice(big: Bool) {
            if big {
              return
              return
            }
            fail "Always"
            return
            fail "Again"
          }
        `),
        [
          { code: 'unreachable-code', line: 6, column: 5 },
          { code: 'unreachable-code', line: 9, column: 3 },
        ],
      );
    });

    it('stays quiet in a flow with a syntax error', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Broken() {
            return
            let x =
          }
        `),
        [{ code: 'syntax-error', line: 6, column: 1 }],
      );
    });
  });
});
