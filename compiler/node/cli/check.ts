/** `flowc check PATH... [--format text|json]` */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  compareDiagnostics,
  formatDiagnosticsText,
  hasErrors,
  type FileDiagnostic,
} from '../../../language/index.js';
import { loadWorkspace } from '../../../language/node/files.js';

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
  related?: {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    message: string;
  }[];
}

export function displayPath(file: string): string {
  if (file.startsWith('flows:std')) return file;
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative)
    ? path.resolve(file)
    : relative.split(path.sep).join('/');
}

export function toJson(d: FileDiagnostic): JsonDiagnostic {
  const out: JsonDiagnostic = {
    file: displayPath(d.file),
    line: d.range.line,
    column: d.range.column,
    endLine: d.range.endLine,
    endColumn: d.range.endColumn,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
  if (d.related?.length) {
    out.related = d.related.map((r) => ({
      file: displayPath(r.file ?? d.file),
      line: r.range.line,
      column: r.range.column,
      endLine: r.range.endLine,
      endColumn: r.range.endColumn,
      message: r.message,
    }));
  }
  return out;
}

export async function checkCommand(
  paths: string[],
  options: { format: 'text' | 'json'; color: boolean },
): Promise<number> {
  const { workspace, requested } = await loadWorkspace(paths);
  const results = workspace.check(requested);
  const diagnostics: FileDiagnostic[] = results
    .flatMap((r) => r.diagnostics.map((d) => ({ ...d, file: r.path })))
    .sort(compareDiagnostics);
  if (options.format === 'json') {
    process.stdout.write(JSON.stringify(diagnostics.map(toJson), null, 2) + '\n');
  } else {
    const shown = diagnostics.map((d) => ({ ...d, file: displayPath(d.file) }));
    const texts = new Map(results.map((r) => [displayPath(r.path), workspace.getFile(r.path)?.text]));
    const color = options.color && process.stdout.isTTY === true;
    if (shown.length > 0) {
      process.stdout.write(
        formatDiagnosticsText(shown, { color, textOf: (f) => texts.get(f) ?? safeRead(f) }) + '\n\n',
      );
    }
    process.stdout.write(summary(diagnostics, results.length) + '\n');
  }
  return hasErrors(diagnostics) ? 1 : 0;
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summary(diagnostics: readonly FileDiagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (errors + warnings === 0) return `No problems in ${plural(files, 'file')}.`;
  return `${plural(errors, 'error')} and ${plural(warnings, 'warning')} in ${plural(files, 'file')}.`;
}
