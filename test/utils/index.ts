/** Shared test helpers: `dedent`, `parseFlow`, `checkFlow`, `expectDiagnostics`. */
import { expect } from 'vitest';
import {
  checkSources,
  parse,
  staticHostModules,
  type CheckerHost,
  type Diagnostic,
  type Document,
  type HostFunction,
  type HostModule,
  type Type,
} from '../../language/index.js';

/** Removes the common indentation of a template literal and its first and last blank lines. */
export function dedent(strings: TemplateStringsArray | string, ...values: unknown[]): string {
  const raw =
    typeof strings === 'string'
      ? strings
      : strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '')
    .split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

/** A host function for in-memory host modules: parameters as `[name, type, optional?]`. */
export function hostFunction(
  name: string,
  params: [string, Type, boolean?][],
  result: Type,
  options: { async?: boolean } = {},
): HostFunction {
  return {
    name,
    params: params.map(([n, type, optional]) => ({ name: n, type, optional: optional ?? false })),
    result,
    async: options.async ?? false,
  };
}

/** Parses and fails the test on syntax errors. */
export function parseFlow(text: string): Document {
  const { document, diagnostics } = parse(text);
  expect(diagnostics, 'syntax errors').toEqual([]);
  return document;
}

/** Checks one file (path `test.flow`, or several files) and returns its diagnostics. */
export function checkFlow(
  text: string | Record<string, string>,
  options: { host?: Record<string, Omit<HostModule, 'path'>>; checker?: CheckerHost } = {},
): Diagnostic[] {
  const files = typeof text === 'string' ? { 'test.flow': text } : text;
  const host: CheckerHost = { ...options.checker };
  if (options.host) host.hostModules = staticHostModules(options.host);
  const results = checkSources(
    Object.entries(files).map(([path, t]) => ({ path, text: t })),
    host,
  );
  return results.flatMap((r) => r.diagnostics);
}

export interface ExpectedDiagnostic {
  code: string;
  line: number;
  column: number;
  /** A part of the message that must be there. */
  message?: string | RegExp;
}

/** Asserts exactly these diagnostics (by code, line and column; messages by substring or pattern). */
export function expectDiagnostics(actual: readonly Diagnostic[], expected: ExpectedDiagnostic[]): void {
  const got = actual.map((d) => ({
    code: d.code,
    line: d.range.line,
    column: d.range.column,
    message: d.message,
  }));
  expect(
    got.map(({ code, line, column }) => ({ code, line, column })),
    JSON.stringify(got, null, 1),
  ).toEqual(expected.map(({ code, line, column }) => ({ code, line, column })));
  expected.forEach((e, i) => {
    if (e.message) expect(got[i]!.message).toMatch(e.message);
  });
}

/** Asserts that the text checks clean (no errors or warnings). */
export function expectValid(
  text: string | Record<string, string>,
  options?: Parameters<typeof checkFlow>[1],
): void {
  expectDiagnostics(checkFlow(text, options), []);
}
