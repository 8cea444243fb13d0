import { describe, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('UnusedValueRule', () => {
  describe('valid', () => {
    it('accepts calls and suspending expressions as statements', () => {
      expectValid(dedent`
        cordapp com.example.unused version 1.0.0

        flow Uses(s: Session, values: List<Int>) {
          receive Int from s
          now()
          call Count(values)
        }

        flow Count(values: List<Int>) -> Int {
          return values.size
        }
      `);
    });
  });

  describe('invalid', () => {
    it('warns about a value computed and dropped', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.unused version 1.0.0

          flow Drops(names: List<String>, n: Int) {
            names.size
            n + 1
            "text"
          }
        `),
        [
          { code: 'unused-value', line: 4, column: 3, message: 'This value is computed and then dropped' },
          { code: 'unused-value', line: 5, column: 3 },
          { code: 'unused-value', line: 6, column: 3 },
        ],
      );
    });

    it('catches a line meant to continue the one before', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.unused version 1.0.0

          flow First(names: List<String>) -> List<String> {
            let all = names
            [0]
            return all
          }
        `),
        [{ code: 'unused-value', line: 5, column: 3, message: 'join the lines' }],
      );
    });

    it('is a warning, not an error', () => {
      const [diagnostic] = checkFlow('cordapp com.example.unused version 1.0.0\n\nflow F() {\n  1\n}\n');
      if (diagnostic?.severity !== 'warning')
        throw new Error(`expected a warning, got ${JSON.stringify(diagnostic)}`);
    });
  });
});
