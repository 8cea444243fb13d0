/** Structural comparison of documents that ignores where things are: the formatter's safety net. */
import type { Document } from './ast.js';

/** The document as JSON without locations; comments reduced to their text, in order. */
export function withoutLocations(document: Document): unknown {
  return JSON.parse(
    JSON.stringify(document, (key, value: unknown) =>
      key === 'loc' || key === 'sourceLoc'
        ? undefined
        : key === 'comments'
          ? (value as { text: string }[]).map((c) => normalizeComment(c.text))
          : value,
    ),
  );
}

export function sameIgnoringLocations(a: Document, b: Document): boolean {
  return JSON.stringify(withoutLocations(a)) === JSON.stringify(withoutLocations(b));
}

/** The formatter re-indents comments and trims line ends; neither changes what a comment says. */
function normalizeComment(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .join('\n');
}
