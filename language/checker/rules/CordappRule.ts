/** `missing-cordapp` and duplicate `cordapp` headers: each CorDapp names itself exactly once. */
import { IssueCodes } from '../../diagnostics.js';
import type { Rule } from './context.js';

export const CordappRule: Rule = (context) => ({
  Document(node) {
    const headers = context.unit.files.flatMap((f) =>
      f.document.items.flatMap((item) => (item.kind === 'CordappDecl' ? [{ item, file: f.path }] : [])),
    );
    const first = headers[0];
    if (!first) {
      if (context.unit.files[0] === context.file && !context.hasSyntaxErrors) {
        const at = node.items[0]?.loc ?? node.loc;
        context.report(
          IssueCodes.MissingCordapp,
          { ...at, endOffset: at.offset, endLine: at.line, endColumn: at.column },
          'No "cordapp" header: start one file of the CorDapp with "cordapp com.example.name version 1.0.0".',
          { severity: 'warning' },
        );
      }
      return;
    }
    for (const header of headers.slice(1)) {
      if (header.file !== context.file.path) continue;
      context.report(
        IssueCodes.DuplicateDeclaration,
        header.item.loc,
        'A CorDapp is named once: this "cordapp" header repeats one in the same CorDapp. Keep it in one file only.',
        {
          related: [
            context.related({ file: first.file, loc: first.item.loc }, 'The first "cordapp" header.'),
          ],
        },
      );
    }
  },
});
