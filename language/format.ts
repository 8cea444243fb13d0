/** Diagnostics as text: `file:line:column severity code: message`, then a code frame with carets. */
import type { FileDiagnostic, RelatedInformation } from './diagnostics.js';
import type { SourceLocation } from './ast.js';

export interface FormatOptions {
  /** Reads a file's text for the code frame; without it, no frame is shown. */
  textOf?: (file: string) => string | undefined;
  /** ANSI colours, for terminals. */
  color?: boolean;
  contextLines?: number;
}

const ansi = (code: string, on: boolean) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** The lines around `range` with a caret line under the first line of it. */
export function codeFrame(
  text: string,
  range: SourceLocation,
  options: { color?: boolean; contextLines?: number } = {},
): string {
  const lines = text.split(/\r?\n/);
  const context = options.contextLines ?? 1;
  const first = Math.max(1, range.line - context);
  const last = Math.min(lines.length, range.line + context);
  const width = String(last).length;
  const red = ansi('31;1', options.color ?? false);
  const dim = ansi('2', options.color ?? false);
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const line = (lines[n - 1] ?? '').replace(/\t/g, ' ');
    const marker = n === range.line ? red('>') : ' ';
    out.push(`${marker} ${dim(String(n).padStart(width) + ' |')} ${line}`);
    if (n === range.line) {
      const start = Math.max(1, range.column);
      const end = range.endLine === range.line ? Math.max(range.endColumn, start + 1) : line.length + 1;
      const carets = '^'.repeat(Math.max(1, end - start));
      out.push(`  ${dim(' '.repeat(width) + ' |')} ${' '.repeat(start - 1)}${red(carets)}`);
    }
  }
  return out.join('\n');
}

function location(file: string, range: SourceLocation): string {
  return `${file}:${range.line}:${range.column}`;
}

export function formatDiagnosticsText(
  diagnostics: readonly FileDiagnostic[],
  options: FormatOptions = {},
): string {
  const color = options.color ?? false;
  const bold = ansi('1', color);
  const severityColor = (s: string) =>
    ansi(s === 'error' ? '31;1' : s === 'warning' ? '33;1' : '36', color)(s);
  const blocks = diagnostics.map((d) => {
    const head = `${bold(location(d.file, d.range))} ${severityColor(d.severity)} ${d.code}: ${d.message}`;
    const parts = [head];
    const text = options.textOf?.(d.file);
    if (text !== undefined)
      parts.push(codeFrame(text, d.range, { color, contextLines: options.contextLines ?? 1 }));
    for (const related of d.related ?? []) parts.push(formatRelated(d.file, related));
    return parts.join('\n');
  });
  return blocks.join('\n\n');
}

function formatRelated(file: string, related: RelatedInformation): string {
  return `  note: ${location(related.file ?? file, related.range)}: ${related.message}`;
}
