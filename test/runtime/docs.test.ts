/**
 * docs/testing.md's examples run: every ```ts block is written to a module (its `flows/runtime` imports pointed at
 * the sources) and imported, so a block that throws — its `assert`s included — fails here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = 'docs/testing.md';
const OUT = path.join(ROOT, 'test/runtime/.docs-examples');

function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ line: start + 1, code: body.join('\n') });
  }
  return blocks;
}

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe(DOC, () => {
  const blocks = tsBlocks(readFileSync(path.join(ROOT, DOC), 'utf8'));
  it('has examples', () => {
    if (blocks.length === 0) throw new Error(`${DOC} has no ts examples`);
  });
  for (const block of blocks) {
    it(`runs the example at line ${block.line}`, async () => {
      mkdirSync(OUT, { recursive: true });
      const file = path.join(OUT, `example-${block.line}.ts`);
      const code = block.code
        .replace(
          /from 'flows\/runtime\/node'/g,
          `from ${JSON.stringify(path.join(ROOT, 'runtime/node/index.ts'))}`,
        )
        .replace(/from 'flows\/runtime'/g, `from ${JSON.stringify(path.join(ROOT, 'runtime/index.ts'))}`);
      writeFileSync(file, `${code}\nexport {};\n`);
      const cwd = process.cwd();
      process.chdir(ROOT);
      try {
        await import(pathToFileURL(file).href);
      } finally {
        process.chdir(cwd);
      }
    });
  }
});
