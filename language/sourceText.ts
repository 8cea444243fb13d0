/**
 * What both parsers share (the fast one, `fastParser.ts`, and the recovering one's CST-to-AST pass, `cstToAst.ts`),
 * so that they build the same AST: where a string's interpolation ends, and which doc comments belong to which
 * declaration, field or progress step.
 */
import type * as A from './ast.js';
import { escapeEnd } from './tokens.js';

/** The index of the `}` closing an interpolation that starts at `from`, skipping nested braces and strings. */
export function findInterpolationEnd(raw: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < raw.length - 1; i++) {
    const ch = raw.charCodeAt(i);
    if (ch === 92) {
      i = escapeEnd(raw, i) - 1;
    } else if (inString) {
      if (ch === 34) inString = false;
    } else if (ch === 34) {
      inString = true;
    } else if (ch === 123) {
      depth++;
    } else if (ch === 125) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return raw.length - 1;
}

/** `///` lines directly above a declaration, a field or a progress step become its `doc`. */
export function attachDocs(items: A.TopLevelItem[], comments: readonly A.Comment[]): void {
  let byLine: Map<number, A.Comment> | undefined;
  for (const comment of comments) {
    if (comment.style !== 'doc') continue;
    byLine ??= new Map();
    byLine.set(comment.loc.line, comment);
  }
  if (!byLine) return;
  for (const item of items) {
    switch (item.kind) {
      case 'MessageDecl':
        annotate(byLine, item, 0);
        for (const field of item.fields) annotate(byLine, field, item.name.loc.line);
        break;
      case 'EnumDecl':
        annotate(byLine, item, 0);
        for (const member of item.members) annotate(byLine, member, item.name.loc.line);
        break;
      case 'FlowDecl':
        annotate(byLine, item, 0);
        if (item.progress)
          for (const step of item.progress.steps) annotate(byLine, step, item.progress.loc.line);
        break;
      default:
        break;
    }
  }
}

/** Sets the node's `doc` from the doc comments on the lines above it, if it starts below `belowLine`. */
function annotate(
  byLine: ReadonlyMap<number, A.Comment>,
  node: { doc?: string; loc: A.SourceLocation },
  belowLine: number,
): void {
  const line = node.loc.line;
  if (line <= belowLine || !byLine.has(line - 1)) return;
  const lines: string[] = [];
  for (let l = line - 1; byLine.has(l); l--) {
    // line ends trimmed, as the formatter prints them
    lines.unshift(
      byLine
        .get(l)!
        .text.replace(/^\/\/\/ ?/, '')
        .trimEnd(),
    );
  }
  node.doc = lines.join('\n');
}
