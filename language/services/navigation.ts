/** Go to definition, find references, highlights and rename, all through the occurrence index. */
import type { Symbol } from '../checker/symbols.js';
import { IDENTIFIER, isReserved } from './keywords.js';
import { declarationOf, occurrenceAt, type FileIndex, type Occurrence } from './occurrences.js';
import { toRange } from './positions.js';
import { ServiceError, type FileRange, type Range, type WorkspaceEdits } from './types.js';

export type HostSymbol = Extract<Symbol, { kind: 'hostFunction' | 'hostType' }>;

export interface NavigationOptions {
  /** Where a host function or type is declared in its TypeScript module, seen from the `.flow` file `file`. */
  hostLocation?(symbol: HostSymbol, file: string): FileRange | undefined;
}

export function definition(index: FileIndex, offset: number, options: NavigationOptions = {}): FileRange[] {
  const occurrence = occurrenceAt(index, offset);
  if (!occurrence) return [];
  const target = occurrence.target;
  if (
    target.kind === 'symbol' &&
    (target.symbol.kind === 'hostFunction' || target.symbol.kind === 'hostType')
  ) {
    const location = options.hostLocation?.(target.symbol, index.path);
    return location ? [location] : [];
  }
  const place = declarationOf(target);
  return place ? [{ file: place.file, range: toRange(place.loc) }] : [];
}

function sameKey(files: readonly FileIndex[], key: string, includeDeclaration: boolean): FileRange[] {
  const found: FileRange[] = [];
  const seen = new Set<string>();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (seen.has(file.path)) continue;
    seen.add(file.path);
    for (const o of file.occurrences) {
      if (o.key === key && (includeDeclaration || !o.declaration))
        found.push({ file: file.path, range: toRange(o.loc) });
    }
  }
  return found;
}

/** Every occurrence of what the name at `offset` refers to, in `files` (which should include `index`'s file). */
export function references(
  index: FileIndex,
  offset: number,
  files: readonly FileIndex[],
  includeDeclaration = true,
): FileRange[] {
  const occurrence = occurrenceAt(index, offset);
  return occurrence ? sameKey(files, occurrence.key, includeDeclaration) : [];
}

/** The occurrences in this file, for the editor's highlight of the name under the cursor. */
export function highlights(index: FileIndex, offset: number): { range: Range; write: boolean }[] {
  const occurrence = occurrenceAt(index, offset);
  if (!occurrence) return [];
  return index.occurrences
    .filter((o) => o.key === occurrence.key)
    .map((o) => ({ range: toRange(o.loc), write: o.declaration }));
}

function renameable(index: FileIndex, offset: number): Occurrence {
  const occurrence = occurrenceAt(index, offset);
  if (!occurrence) {
    const word = /[A-Za-z_]\w*$/.exec(index.text.slice(0, offset))?.[0] ?? '';
    const rest = /^\w*/.exec(index.text.slice(offset))?.[0] ?? '';
    const text = word + rest;
    if (isReserved(text)) throw new ServiceError(`"${text}" is a keyword and cannot be renamed.`);
    throw new ServiceError(
      text ? `Nothing to rename: "${text}" is not a declared name.` : 'Nothing to rename here.',
    );
  }
  const target = occurrence.target;
  if (target.kind === 'symbol') {
    const symbol = target.symbol;
    if (symbol.kind === 'builtinType' || symbol.kind === 'builtinFunction') {
      throw new ServiceError(`"${symbol.name}" is built into the language and cannot be renamed.`);
    }
    if (symbol.kind === 'hostFunction' || symbol.kind === 'hostType') {
      throw new ServiceError(
        `"${symbol.name}" is declared in the host module "${symbol.module}": rename it in the TypeScript, then here.`,
      );
    }
  }
  return occurrence;
}

/** The range of the name to rename and its text, or a `ServiceError` saying why it cannot be renamed. */
export function prepareRename(index: FileIndex, offset: number): { range: Range; placeholder: string } {
  const occurrence = renameable(index, offset);
  return {
    range: toRange(occurrence.loc),
    placeholder: index.text.slice(occurrence.loc.offset, occurrence.loc.endOffset),
  };
}

export function rename(
  index: FileIndex,
  offset: number,
  newName: string,
  files: readonly FileIndex[],
): WorkspaceEdits {
  const occurrence = renameable(index, offset);
  const isField = occurrence.target.kind === 'field';
  if (!IDENTIFIER.test(newName)) throw new ServiceError(`"${newName}" is not a valid name.`);
  if (!isField && isReserved(newName))
    throw new ServiceError(`"${newName}" is a keyword and cannot be a name.`);
  const target = occurrence.target;
  if (
    target.kind === 'symbol' &&
    target.symbol.kind !== 'local' &&
    index.result.typeInfo.scope.names.has(newName)
  ) {
    throw new ServiceError(`"${newName}" is already declared in this CorDapp.`);
  }
  const edits: WorkspaceEdits = {};
  for (const place of sameKey(files, occurrence.key, true)) {
    (edits[place.file] ??= []).push({ range: place.range, newText: newName });
  }
  return edits;
}
