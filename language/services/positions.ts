/** Offsets and LSP positions (0-based line, UTF-16 character) of one text, and AST ranges as LSP ranges. */
import type { SourceLocation } from '../ast.js';
import type { Position, Range } from './types.js';

export class LineIndex {
  /** The offset at which each line starts. */
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The offset of a position, clamped to its line and to the text. */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line]!;
    const next = this.starts[position.line + 1] ?? this.text.length + 1;
    return Math.min(start + Math.max(0, position.character), next - 1, this.text.length);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - this.starts[low]! };
  }

  /** The text of a line without its line break. */
  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const end = this.starts[line + 1] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }

  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }
}

/** An AST range (1-based lines and columns, end exclusive) as an LSP range. */
export function toRange(loc: SourceLocation): Range {
  return {
    start: { line: loc.line - 1, character: loc.column - 1 },
    end: { line: loc.endLine - 1, character: loc.endColumn - 1 },
  };
}

export function containsOffset(loc: SourceLocation, offset: number): boolean {
  return loc.offset <= offset && offset <= loc.endOffset;
}
