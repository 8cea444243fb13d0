/** Formatting: the printer's canonical text as one edit, refused on syntax errors as `flowc fmt` refuses. */
import { sameIgnoringLocations } from '../equality.js';
import { parse } from '../parse.js';
import { print } from '../printer.js';
import { LineIndex } from './positions.js';
import { ServiceError, type TextEdit } from './types.js';

/** The edits that format `text` (none when it is already formatted); a `ServiceError` when it cannot be. */
export function formatDocument(text: string): TextEdit[] {
  const { document, diagnostics } = parse(text);
  const first = diagnostics[0];
  if (first) {
    throw new ServiceError(
      `Cannot format: the file has syntax errors (the first at line ${first.range.line}, column ${first.range.column}: ${first.message})`,
    );
  }
  const formatted = print(document);
  if (formatted === text) return [];
  const again = parse(formatted);
  if (again.diagnostics.length > 0 || !sameIgnoringLocations(document, again.document)) {
    throw new ServiceError(
      'Cannot format: the formatter would change the meaning of this file (a bug in flowc).',
    );
  }
  const lines = new LineIndex(text);
  return [{ range: lines.rangeOf(0, text.length), newText: formatted }];
}
