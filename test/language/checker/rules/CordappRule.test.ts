import { describe, expect, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('CordappRule', () => {
  describe('valid', () => {
    it('accepts one file with a header', () => {
      expectValid(dedent`
        cordapp com.example.greeting version 1.0.0

        message Greeting {
          text: String
        }
      `);
    });

    it('accepts a header with a pre-release version', () => {
      expectValid(dedent`
        cordapp com.example.greeting version 2.1.0-beta.1

        enum Mood { Happy, Grumpy }
      `);
    });

    it('accepts a CorDapp of several files where one file names it', () => {
      expectValid({
        'greeting.flow': dedent`
          cordapp com.example.greeting version 1.0.0

          message Greeting {
            text: String
          }
        `,
        'flows.flow': dedent`
          flow Echo(s: Session) -> Greeting {
            let g = receive Greeting from s
            send g to s
            return g
          }
        `,
      });
    });

    it('keeps two CorDapps of one directory apart', () => {
      expectValid({
        'one.flow': dedent`
          cordapp com.example.one version 1.0.0

          message Shared {
            a: Int
          }
        `,
        'two.flow': dedent`
          cordapp com.example.two version 1.0.0

          message Shared {
            b: String
          }
        `,
      });
    });

    it('gives files in different directories their own CorDapps', () => {
      expectValid({
        'a/one.flow': 'cordapp com.example.one version 1.0.0\n',
        'b/one.flow': 'cordapp com.example.one version 1.0.0\n',
      });
    });
  });

  describe('invalid', () => {
    it('warns about a file without a header, at its first declaration', () => {
      const diagnostics = checkFlow(dedent`
        // A greeting.

        message Greeting {
          text: String
        }
      `);
      expectDiagnostics(diagnostics, [
        { code: 'missing-cordapp', line: 3, column: 1, message: 'No "cordapp" header' },
      ]);
      expect(diagnostics[0]!.severity).toBe('warning');
      expect(diagnostics[0]!.range).toMatchObject({ endLine: 3, endColumn: 1 });
    });

    it('warns about an empty file', () => {
      expectDiagnostics(checkFlow(''), [
        { code: 'missing-cordapp', line: 1, column: 1, message: 'cordapp com.example.name version 1.0.0' },
      ]);
    });

    it('warns once for a CorDapp of several files without a header', () => {
      expectDiagnostics(
        checkFlow({
          'a.flow': 'message A {\n  n: Int\n}\n',
          'b.flow': 'message B {\n  a: A\n}\n',
        }),
        [{ code: 'missing-cordapp', line: 1, column: 1 }],
      );
    });

    it('warns about a file without a header beside two named CorDapps', () => {
      expectDiagnostics(
        checkFlow({
          'a.flow': 'cordapp com.example.a version 1.0.0\n',
          'b.flow': 'cordapp com.example.b version 1.0.0\n',
          'c.flow': '\nmessage C {\n  n: Int\n}\n',
        }),
        [{ code: 'missing-cordapp', line: 2, column: 1 }],
      );
    });

    it('reports a second header in the same file', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.greeting version 1.0.0
        cordapp com.example.greeting version 2.0.0
      `);
      expectDiagnostics(diagnostics, [
        { code: 'duplicate-declaration', line: 2, column: 1, message: 'A CorDapp is named once' },
      ]);
      expect(diagnostics[0]!.related).toEqual([
        expect.objectContaining({
          message: 'The first "cordapp" header.',
          range: expect.objectContaining({ line: 1 }),
        }),
      ]);
    });

    it('reports a header repeated in another file of the CorDapp, pointing at the first', () => {
      const results = checkFlow({
        'a.flow': 'cordapp com.example.greeting version 1.0.0\n',
        'b.flow': '// the same CorDapp\ncordapp com.example.greeting version 1.0.0\n',
      });
      expectDiagnostics(results, [
        { code: 'duplicate-declaration', line: 2, column: 1, message: 'repeats one' },
      ]);
      expect(results[0]!.related?.[0]).toMatchObject({ file: 'a.flow', range: { line: 1, column: 1 } });
    });

    it('stays quiet about the header while the file has syntax errors', () => {
      expectDiagnostics(checkFlow('message Greeting {\n  text:\n}\n'), [
        { code: 'syntax-error', line: 3, column: 1 },
      ]);
    });
  });
});
