/**
 * The documentation's examples are real: every fenced block tagged `flow` in docs/language.md and README.md is
 * parsed, compared with the formatter's output and checked.
 *
 * Info strings of the fences:
 * - `flow`: a complete file. No syntax errors, canonical format (`print(parse(x).document) === x`), and no
 *   diagnostics at all, not even warnings.
 * - `flow error-CODE`: a complete file on which the checker reports CODE, and no error with another code. It must
 *   be canonical too, unless CODE is `syntax-error` (such a file cannot be printed).
 * - `flow fragment`: statements, parsed (and compared with the formatter's output) inside a flow body.
 * - `flow unformatted`: a file without syntax errors that is not canonical; `flowc fmt` must turn it into the next
 *   `flow` block of the document.
 * - `file=DIR/NAME.flow` after the tag names the block's file. Named blocks of one directory are checked together
 *   (they form one CorDapp), and any block may import a named one (`import { X } from "./NAME.flow"`). Unnamed
 *   blocks are checked alone.
 * - `ts file=NAME.ts`: a host module, read with ts-morph (as `flowc check` does) and given to the checker through
 *   `staticHostModules`, so that flow blocks can `import { f } from "./NAME.ts"`.
 *
 * docs/language.md also holds the table of diagnostic codes: it must list every code of `IssueCodes`, and each
 * example message in it must be one that a block of the document really produces.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSources,
  IssueCodes,
  parse,
  print,
  staticHostModules,
  type CheckerHost,
  type Diagnostic,
  type HostModule,
} from '../language/index.js';
import { libraryFiles } from '../language/node/files.js';
import { createTsHostModules } from '../language/node/tsHostModules.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(IssueCodes));

interface Block {
  /** The markdown file, relative to the repository root. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  tags: string[];
  /** The `file=` attribute, if any. */
  file?: string;
  text: string;
}

/** Fenced code blocks (``` or ~~~, indented up to three spaces or inside a list) with their info strings. */
function extractBlocks(doc: string, markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim().startsWith(fence[0]!.repeat(fence.length)) && line.trim().replace(/[`~]/g, '') === '')
        break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    const [lang = '', ...rest] = info.trim().split(/\s+/);
    const file = rest.find((t) => t.startsWith('file='))?.slice('file='.length);
    const block: Block = {
      doc,
      line: i + 1,
      lang,
      tags: rest.filter((t) => !t.startsWith('file=')),
      text: body.length ? body.join('\n') + '\n' : '',
    };
    if (file) block.file = file;
    blocks.push(block);
    i = j;
  }
  return blocks;
}

function where(block: Block): string {
  return `${block.doc}:${block.line}`;
}

function describeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((d) => `  ${d.range.line}:${d.range.column} ${d.severity} ${d.code}: ${d.message}`)
    .join('\n');
}

/** The block's text as a file, with its statements indented into a flow body when it is a fragment. */
function fragmentFile(block: Block): string {
  const body = block.text
    .split('\n')
    .slice(0, -1)
    .map((line) => (line === '' ? '' : `  ${line}`));
  return `flow Fragment() {\n${body.join('\n')}\n}\n`;
}

const docs = ['docs/language.md', 'README.md'].filter((doc) => existsSync(path.join(ROOT, doc)));
const blocksByDoc = new Map(
  docs.map((doc) => [doc, extractBlocks(doc, readFileSync(path.join(ROOT, doc), 'utf8'))]),
);
const flowBlocks = (doc: string): Block[] => blocksByDoc.get(doc)!.filter((b) => b.lang === 'flow');

/** Host modules of each document, read from its `ts file=` blocks. */
const hostModules = new Map<string, Record<string, Omit<HostModule, 'path'>>>();
let tmp: string | undefined;

beforeAll(() => {
  for (const doc of docs) {
    const modules: Record<string, Omit<HostModule, 'path'>> = {};
    const tsBlocks = blocksByDoc.get(doc)!.filter((b) => b.lang === 'ts' && b.file);
    if (tsBlocks.length > 0) {
      tmp ??= mkdtempSync(path.join(os.tmpdir(), 'flows-docs-'));
      const dir = mkdtempSync(path.join(tmp, 'doc-'));
      for (const block of tsBlocks) writeFileSync(path.join(dir, block.file!), block.text);
      const reader = createTsHostModules({ baseDir: dir });
      for (const block of tsBlocks) {
        const specifier = `./${block.file!}`;
        const loaded = reader.load('example.flow', specifier);
        if (!loaded.ok) throw new Error(`${where(block)}: ${loaded.error}`);
        modules[specifier] = { functions: loaded.module.functions, types: loaded.module.types };
      }
    }
    hostModules.set(doc, modules);
  }
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function checkBlock(block: Block): Diagnostic[] {
  const named = flowBlocks(block.doc).filter((b) => b.file);
  const byPath = new Map(named.map((b) => [b.file!, b.text]));
  const filePath = block.file ?? `line-${block.line}.flow`;
  const dir = path.posix.dirname(filePath);
  const siblings = block.file
    ? named.filter((b) => b !== block && path.posix.dirname(b.file!) === dir).map((b) => b.file!)
    : [];
  const host: CheckerHost = {
    hostModules: staticHostModules(hostModules.get(block.doc) ?? {}),
    library: libraryFiles(),
    readFlowFile: (p) => byPath.get(p),
  };
  const sources = [filePath, ...siblings].map((p) => ({
    path: p,
    text: p === filePath ? block.text : byPath.get(p)!,
  }));
  const result = checkSources(sources, host).find((r) => r.path === filePath);
  return result?.diagnostics ?? [];
}

for (const doc of docs) {
  describe(doc, () => {
    const blocks = flowBlocks(doc);

    it('has tested examples with known tags', () => {
      if (doc === 'docs/language.md') expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        for (const tag of block.tags) {
          const known =
            tag === 'fragment' ||
            tag === 'unformatted' ||
            (tag.startsWith('error-') && KNOWN_CODES.has(tag.slice('error-'.length)));
          expect(
            known,
            `${where(block)}: unknown tag "${tag}" (use error-CODE, fragment or unformatted)`,
          ).toBe(true);
        }
        expect(block.tags.length, `${where(block)}: at most one tag`).toBeLessThanOrEqual(1);
      }
      const files = blocks.flatMap((b) => (b.file ? [b.file] : []));
      expect(new Set(files).size, 'a file= name is used once').toBe(files.length);
    });

    for (const block of blocks) {
      const tag = block.tags[0] ?? '';
      const expected = tag.startsWith('error-') ? tag.slice('error-'.length) : undefined;
      it(`${where(block)} ${['flow', ...block.tags].join(' ')}${block.file ? ` (${block.file})` : ''}`, () => {
        if (tag === 'fragment') {
          const text = fragmentFile(block);
          const { document, diagnostics } = parse(text);
          expect(diagnostics, `${where(block)}: the fragment has syntax errors`).toEqual([]);
          expect(print(document), `${where(block)}: the fragment is not in canonical format`).toBe(text);
          return;
        }

        if (tag === 'unformatted') {
          const { document, diagnostics } = parse(block.text);
          expect(diagnostics, `${where(block)}: syntax errors`).toEqual([]);
          const next = blocks[blocks.indexOf(block) + 1];
          expect(next, `${where(block)}: needs the formatted version in the next flow block`).toBeDefined();
          expect(next!.tags, `${where(next!)}: the formatted version is a plain flow block`).toEqual([]);
          expect(print(document), `${where(block)}: formats to something else than ${where(next!)}`).toBe(
            next!.text,
          );
          expect(block.text, `${where(block)}: already canonical`).not.toBe(next!.text);
          return;
        }

        const { document, diagnostics: syntax } = parse(block.text);
        if (expected !== 'syntax-error') {
          expect(
            syntax.map((d) => `${d.range.line}:${d.range.column} ${d.message}`),
            `${where(block)}: syntax errors`,
          ).toEqual([]);
          expect(
            print(document),
            `${where(block)}: not in canonical format; write it as "flowc fmt" prints it`,
          ).toBe(block.text);
        }

        const diagnostics = checkBlock(block);
        if (expected === undefined) {
          expect(
            diagnostics,
            `${where(block)}: expected no diagnostics, got\n${describeDiagnostics(diagnostics)}`,
          ).toEqual([]);
          return;
        }
        expect(
          diagnostics.some((d) => d.code === expected),
          `${where(block)}: expected "${expected}", got\n${describeDiagnostics(diagnostics)}`,
        ).toBe(true);
        if (expected !== 'syntax-error') {
          const others = diagnostics.filter((d) => d.severity === 'error' && d.code !== expected);
          expect(
            others,
            `${where(block)}: errors other than "${expected}":\n${describeDiagnostics(others)}`,
          ).toEqual([]);
        }
      });
    }
  });
}

describe('docs/language.md diagnostic table', () => {
  const doc = 'docs/language.md';
  const rows = docs.includes(doc)
    ? readFileSync(path.join(ROOT, doc), 'utf8')
        .split(/\r?\n/)
        .map((line, i) => ({ line: i + 1, cells: line.split('|').map((c) => c.trim()) }))
        .filter((r) => r.cells.length > 3 && /^`[a-z-]+`$/.test(r.cells[1]!))
        .filter((r) => KNOWN_CODES.has(r.cells[1]!.slice(1, -1)))
    : [];

  it('lists every diagnostic code', () => {
    expect(rows.map((r) => r.cells[1]!.slice(1, -1)).sort()).toEqual([...KNOWN_CODES].sort());
  });

  it('quotes messages that the examples really produce', () => {
    const produced = flowBlocks(doc)
      .filter((b) => !b.tags.includes('fragment'))
      .flatMap((b) => checkBlock(b));
    for (const row of rows) {
      // | `code` | severity | reported when | `example message` | fix |
      const code = row.cells[1]!.slice(1, -1);
      const severity = row.cells[2]!;
      const message = /^`(.*)`$/.exec(row.cells[4] ?? '')?.[1];
      if (message === undefined) continue;
      // `...` in a quoted message stands for a part that depends on the file (names, lines of a trace)
      const pattern = new RegExp(
        `^${message
          .split('...')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      const match = produced.find((d) => d.code === code && pattern.test(d.message));
      expect(
        match,
        `${doc}:${row.line}: no example produces "${code}" with the message ${message}; it produces\n${describeDiagnostics(produced.filter((d) => d.code === code))}`,
      ).toBeDefined();
      expect(match!.severity, `${doc}:${row.line}: severity`).toBe(severity);
    }
  });
});
