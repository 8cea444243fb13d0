/**
 * Quick fixes for common diagnostics: declare a missing progress step (`unknown-step`), import a name that another
 * module exports (`unknown-name`), and take the checker's "Did you mean" suggestion.
 */
import type * as A from '../ast.js';
import { IssueCodes } from '../diagnostics.js';
import type { FileIndex } from './occurrences.js';
import { itemAt } from './scope.js';
import type { Range, TextEdit } from './types.js';

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  /** The diagnostic the action fixes, as the client sent it. */
  diagnostic: ActionDiagnostic;
  edits: TextEdit[];
  isPreferred?: boolean;
}

export interface ActionDiagnostic {
  range: Range;
  code?: string | number;
  message: string;
}

export interface ImportCandidate {
  /** The specifier as an import would write it: `"./host.ts"`, `"./other.flow"`. */
  source: string;
  names: readonly string[];
}

export interface CodeActionOptions {
  /** Modules that could be imported from this file: other `.flow` files of its directory, host modules. */
  importCandidates?(file: string): ImportCandidate[];
}

/** "SendingOffer" → "Sending offer". */
function label(step: string): string {
  const words = step.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function indentOf(index: FileIndex, line: number): string {
  return /^[ \t]*/.exec(index.lines.lineText(line))![0];
}

function declareStep(index: FileIndex, flow: A.FlowDecl, name: string): TextEdit {
  const progress = flow.progress;
  const stepLine = `${name} ${JSON.stringify(label(name))}`;
  if (!progress) {
    const indent = indentOf(index, flow.loc.line - 1);
    const at = index.lines.positionAt(flow.body.loc.offset + 1);
    const text = `\n${indent}  progress {\n${indent}    ${stepLine}\n${indent}  }`;
    return { range: { start: at, end: at }, newText: text };
  }
  if (progress.loc.line === progress.loc.endLine) {
    const at = index.lines.positionAt(progress.loc.endOffset - 1);
    return { range: { start: at, end: at }, newText: `${stepLine} ` };
  }
  const closing = progress.loc.endLine - 1;
  const lastStep = progress.steps[progress.steps.length - 1];
  const indent = lastStep ? indentOf(index, lastStep.loc.line - 1) : `${indentOf(index, closing)}  `;
  const at = { line: closing, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}${stepLine}\n` };
}

function addImport(index: FileIndex, candidate: ImportCandidate, name: string): TextEdit {
  const items = index.result.document.items;
  const existing = items.find(
    (i): i is A.ImportDecl =>
      i.kind === 'ImportDecl' && i.source === candidate.source && i.specifiers.length > 0,
  );
  if (existing) {
    const at = index.lines.positionAt(existing.specifiers[existing.specifiers.length - 1]!.loc.endOffset);
    return { range: { start: at, end: at }, newText: `, ${name}` };
  }
  const line = `import { ${name} } from ${JSON.stringify(candidate.source)}\n`;
  const anchor =
    [...items].reverse().find((i) => i.kind === 'ImportDecl') ?? items.find((i) => i.kind === 'CordappDecl');
  if (!anchor)
    return {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      newText: `${line}\n`,
    };
  const at = { line: anchor.loc.endLine, character: 0 };
  return { range: { start: at, end: at }, newText: anchor.kind === 'CordappDecl' ? `\n${line}` : line };
}

export function codeActions(
  index: FileIndex,
  diagnostics: readonly ActionDiagnostic[],
  options: CodeActionOptions = {},
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const start = index.lines.offsetAt(diagnostic.range.start);
    const name = index.text.slice(start, index.lines.offsetAt(diagnostic.range.end));
    const suggestion = /Did you mean "([^"]+)"\?/.exec(diagnostic.message)?.[1];
    if (
      suggestion &&
      (diagnostic.code === IssueCodes.UnknownName || diagnostic.code === IssueCodes.UnknownStep)
    ) {
      actions.push({
        title: `Change to "${suggestion}"`,
        kind: 'quickfix',
        diagnostic,
        edits: [{ range: diagnostic.range, newText: suggestion }],
        isPreferred: true,
      });
    }
    if (diagnostic.code === IssueCodes.UnknownStep) {
      const flow = itemAt(index.result.document, start);
      if (flow?.kind !== 'FlowDecl' || !/^[A-Za-z_]\w*$/.test(name)) continue;
      actions.push({
        title: `Declare step "${name}" in the progress block of flow "${flow.name.name}"`,
        kind: 'quickfix',
        diagnostic,
        edits: [declareStep(index, flow, name)],
      });
    }
    if (diagnostic.code === IssueCodes.UnknownName && /^Unknown (name|type|flow) /.test(diagnostic.message)) {
      for (const candidate of options.importCandidates?.(index.path) ?? []) {
        if (!candidate.names.includes(name)) continue;
        actions.push({
          title: `Import "${name}" from "${candidate.source}"`,
          kind: 'quickfix',
          diagnostic,
          edits: [addImport(index, candidate, name)],
        });
      }
    }
  }
  return actions;
}
