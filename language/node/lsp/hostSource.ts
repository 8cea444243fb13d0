/**
 * Where host functions and types are declared in their TypeScript modules, and their JSDoc: for go to definition
 * and hover. Reads the module's syntax only (no type checker), so it follows no re-exports.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ts } from 'ts-morph';
import { LIBRARY_SPECIFIER } from '../../checker/program.js';
import { onDisk } from './paths.js';
import type { FileRange } from '../../services/types.js';

export interface HostDeclaration {
  location: FileRange;
  doc?: string;
}

const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

/** The files a specifier may name, as the checker resolves them (see `tsHostModules.ts`). */
export function hostModuleFile(fromFile: string, specifier: string): string | undefined {
  const fromDir = path.dirname(path.resolve(onDisk(fromFile)));
  const resolved = specifier.startsWith(`${LIBRARY_SPECIFIER}/`)
    ? onDisk(specifier)
    : path.resolve(fromDir, specifier);
  const extension = path.extname(resolved);
  const candidates = TS_EXTENSIONS.includes(extension)
    ? [resolved]
    : /^\.[mc]?js$/.test(extension)
      ? [resolved.slice(0, -extension.length) + extension.replace('js', 'ts')]
      : [`${resolved}.ts`, path.join(resolved, 'index.ts')];
  return candidates.find((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
}

interface Parsed {
  stamp: string;
  declarations: Map<string, HostDeclaration>;
}

function exported(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

function docOf(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs
    .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
    .join('\n')
    .trim();
  return text || undefined;
}

function read(file: string): Map<string, HostDeclaration> {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const declarations = new Map<string, HostDeclaration>();
  const add = (name: ts.Node, doc: ts.Node): void => {
    const start = source.getLineAndCharacterOfPosition(name.getStart(source));
    const end = source.getLineAndCharacterOfPosition(name.getEnd());
    const declaration: HostDeclaration = {
      location: { file: file.split(path.sep).join('/'), range: { start, end } },
    };
    const comment = docOf(doc);
    if (comment) declaration.doc = comment;
    if (!declarations.has(name.getText(source))) declarations.set(name.getText(source), declaration);
  };
  for (const statement of source.statements) {
    if (!exported(statement)) continue;
    if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      add(statement.name, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) add(declaration.name, statement);
      }
    }
  }
  return declarations;
}

/** Reads each module once per version of it on disk. */
export class HostSource {
  private readonly cache = new Map<string, Parsed>();

  declaration(fromFile: string, specifier: string, name: string): HostDeclaration | undefined {
    try {
      const file = hostModuleFile(fromFile, specifier);
      if (!file) return undefined;
      const stats = statSync(file);
      const stamp = `${stats.mtimeMs}:${stats.size}`;
      let parsed = this.cache.get(file);
      if (parsed?.stamp !== stamp) {
        parsed = { stamp, declarations: read(file) };
        this.cache.set(file, parsed);
      }
      return parsed.declarations.get(name);
    } catch {
      return undefined;
    }
  }
}
