/** `flowc fmt PATH... [--check]`: rewrites files atomically, and only when the result parses to the same tree. */
import { renameSync, writeFileSync } from 'node:fs';
import { formatDiagnosticsText, parse, print, sameIgnoringLocations } from '../../../language/index.js';
import { collectFlowFiles, readSource } from '../../../language/node/files.js';
import { displayPath } from './check.js';

export interface FormatOutcome {
  formatted?: string;
  /** Why the file was left alone. */
  problem?: string;
}

/** Formats one text; refuses (with the reason) when it has syntax errors or the printer would change its meaning. */
export function formatText(file: string, text: string): FormatOutcome {
  const { document, diagnostics } = parse(text);
  if (diagnostics.length > 0) {
    return {
      problem: formatDiagnosticsText(
        diagnostics.map((d) => ({ ...d, file })),
        { textOf: () => text },
      ),
    };
  }
  const formatted = print(document);
  const again = parse(formatted);
  if (again.diagnostics.length > 0 || !sameIgnoringLocations(document, again.document)) {
    return {
      problem: `${file}: not formatted: the formatter would change the meaning of this file (a bug in flowc; please report it).`,
    };
  }
  return { formatted };
}

export async function fmtCommand(paths: string[], options: { check: boolean }): Promise<number> {
  const files = collectFlowFiles(paths);
  let changed = 0;
  let failed = 0;
  for (const file of files) {
    const source = readSource(file);
    const shown = displayPath(file);
    const outcome = formatText(shown, source.text);
    if (outcome.problem !== undefined) {
      failed++;
      process.stderr.write(`${outcome.problem}\n${shown}: left unchanged because of the errors above.\n`);
      continue;
    }
    if (outcome.formatted === source.text) continue;
    changed++;
    if (options.check) {
      process.stdout.write(`${shown}\n`);
    } else {
      const temporary = `${file}.flowc-${process.pid}.tmp`;
      writeFileSync(temporary, outcome.formatted!);
      renameSync(temporary, file);
      process.stdout.write(`formatted ${shown}\n`);
    }
  }
  if (options.check && changed > 0) {
    process.stderr.write(
      `${changed} of ${files.length} files would be reformatted; run "flowc fmt" on them.\n`,
    );
  }
  return failed > 0 || (options.check && changed > 0) ? 1 : 0;
}
