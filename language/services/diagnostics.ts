/** Checker diagnostics as LSP diagnostics, with related places (the other side of a protocol fault) kept. */
import type { Diagnostic } from '../diagnostics.js';
import { toRange } from './positions.js';
import type { FileRange, Range } from './types.js';

export interface LspDiagnostic {
  range: Range;
  /** 1 error, 2 warning, 3 information. */
  severity: 1 | 2 | 3;
  code: string;
  source: 'flowc';
  message: string;
  relatedInformation?: { location: FileRange; message: string }[];
}

const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

/** `file` is the workspace path of the diagnostics' file: related places without a file of their own are there. */
export function toLspDiagnostics(diagnostics: readonly Diagnostic[], file: string): LspDiagnostic[] {
  return diagnostics.map((d) => {
    const result: LspDiagnostic = {
      range: toRange(d.range),
      severity: SEVERITY[d.severity],
      code: d.code,
      source: 'flowc',
      message: d.message,
    };
    if (d.related?.length) {
      result.relatedInformation = d.related.map((r) => ({
        location: { file: r.file ?? file, range: toRange(r.range) },
        message: r.message,
      }));
    }
    return result;
  });
}
