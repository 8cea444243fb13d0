import { describe, expect, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('AssignmentRule', () => {
  describe('valid', () => {
    it('assigns a var in its own block and in nested blocks', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Sum(values: List<Int>) -> Int {
          var sum = 0
          for v in values {
            if v > 0 {
              sum = sum + v
            } else {
              sum = sum - v
            }
          }
          return sum
        }
      `);
    });

    it('assigns a var with a declared type, and inside try and catch', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Ask(s: Session) -> String {
          var answer: String = ""
          try {
            answer = receive String from s within 1m
          } catch e {
            answer = e.message
          }
          return answer
        }
      `);
    });

    it('assigns a var that shadows a constant of an outer block', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Count(n: Int, big: Bool) -> Int {
          if big {
            var n = 100
            n = n + 1
            return n
          }
          return n
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports an assignment to a let, suggesting var and pointing at the declaration', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        flow Count(values: List<Int>) -> Int {
          let count = 0
          for v in values {
            count = count + 1
          }
          return count
        }
      `);
      expectDiagnostics(diagnostics, [
        {
          code: 'assign-to-constant',
          line: 6,
          column: 5,
          message:
            'Cannot assign to variable "count": only variables declared with "var" can change. Declare it with "var"',
        },
      ]);
      expect(diagnostics[0]!.related).toEqual([
        { range: expect.objectContaining({ line: 4, column: 7 }), message: '"count" is declared here.' },
      ]);
    });

    it('reports assignments to parameters, loop variables and caught errors', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Retry(s: Session, values: List<Int>) {
            s = s
            for v in values {
              v = 0
            }
            try {
              send values to s
            } catch e {
              e = e
            }
          }
        `),
        [
          { code: 'assign-to-constant', line: 4, column: 3, message: 'Cannot assign to parameter "s"' },
          { code: 'assign-to-constant', line: 6, column: 5, message: 'Cannot assign to variable "v"' },
          { code: 'assign-to-constant', line: 11, column: 5, message: 'Cannot assign to variable "e"' },
        ],
      );
    });

    it('reports an assignment to a field', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Leg {
            units: Int
          }

          flow More(leg: Leg) -> Leg {
            var copy = leg
            copy.units = 2
            return copy
          }
        `),
        [
          {
            code: 'assign-to-constant',
            line: 9,
            column: 3,
            message: 'Fields cannot be assigned: build a new record instead.',
          },
        ],
      );
    });

    it('reports an assignment to something that is not a name', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Odd(n: Int) {
            n + 1 = 2
          }
        `),
        [
          {
            code: 'assign-to-constant',
            line: 4,
            column: 3,
            message: 'Only a variable declared with "var" can be assigned.',
          },
        ],
      );
    });

    it('reports an assignment to a flow once, without a related location', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        flow Odd() -> Int {
          Odd = 1
          return 1
        }
      `);
      expectDiagnostics(diagnostics, [
        { code: 'assign-to-constant', line: 4, column: 3, message: 'Cannot assign to flow "Odd"' },
      ]);
      expect(diagnostics[0]!.related).toBeUndefined();
    });

    it('does not report an assignment to an unknown name twice', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Odd() {
            total = 1
          }
        `),
        [{ code: 'unknown-name', line: 4, column: 3 }],
      );
    });
  });
});
