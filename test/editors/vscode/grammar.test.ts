/**
 * The TextMate grammar of the VS Code extension, run by the same engine as VS Code (vscode-textmate on the
 * oniguruma WebAssembly build), tokenizes the kitchen-sink CorDapp to a reviewed snapshot: one line per token with
 * its scopes, `source.flow` left out.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const GRAMMAR = path.join(ROOT, 'editors/vscode/syntaxes/flow.tmLanguage.json');

let grammar: Promise<IGrammar> | undefined;

function loadGrammar(): Promise<IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(
      path.join(path.dirname(createRequire(import.meta.url).resolve('vscode-oniguruma')), 'onig.wasm'),
    );
    await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
        createOnigString: (text: string) => new OnigString(text),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === 'source.flow' ? parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
    });
    const loaded = await registry.loadGrammar('source.flow');
    if (!loaded) throw new Error('The grammar source.flow did not load.');
    return loaded;
  })();
  return grammar;
}

/** Each token of the text as `LINE:COLUMN  text  scopes`, whitespace-only tokens left out. */
async function tokenize(text: string): Promise<string[]> {
  const g = await loadGrammar();
  const out: string[] = [];
  let state = INITIAL;
  text.split('\n').forEach((line, i) => {
    const result = g.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const part = line.slice(token.startIndex, token.endIndex);
      if (part.trim() === '') continue;
      const scopes = token.scopes.filter((s) => s !== 'source.flow').join(' ');
      out.push(`${i + 1}:${token.startIndex + 1}  ${JSON.stringify(part)}  ${scopes || '-'}`);
    }
    state = result.ruleStack;
  });
  return out;
}

/** The scopes of the token where the first `part` of `line` starts ('' for text no rule names). */
async function scopesOf(line: string, part: string): Promise<string> {
  const g = await loadGrammar();
  const tokens = g.tokenizeLine(line, INITIAL).tokens;
  const at = line.indexOf(part);
  const token = tokens.find((t) => t.startIndex <= at && at < t.endIndex);
  if (at < 0 || !token) throw new Error(`No "${part}" in: ${line}`);
  return token.scopes.filter((s) => s !== 'source.flow').join(' ');
}

describe('the TextMate grammar', () => {
  for (const name of ['kitchen-sink.flow', 'common.flow']) {
    it(`tokenizes test/fixtures/kitchen-sink/${name} to the reviewed snapshot`, async () => {
      const text = readFileSync(path.join(ROOT, 'test/fixtures/kitchen-sink', name), 'utf8');
      await expect((await tokenize(text)).join('\n') + '\n').toMatchFileSnapshot(
        `./__snapshots__/${name.replace('.flow', '')}.tokens.txt`,
      );
    });
  }

  it('scopes keywords, soft keywords used as names, strings with interpolations, durations and comments', async () => {
    expect(await scopesOf('  send Offer { a: 1 } to session', 'send')).toBe(
      'keyword.control.flow.suspend.flow',
    );
    expect(await scopesOf('  send Offer { a: 1 } to session', 'to')).toBe('keyword.other.soft.flow');
    expect(await scopesOf('  let to = me', 'to')).toBe('');
    expect(await scopesOf('  return Rejection { message: "x", from: to }', 'from')).toBe('');
    expect(await scopesOf('  let s = "a {b.c} \\n"', 'b')).toBe(
      'string.quoted.double.flow meta.interpolation.flow source.flow.embedded',
    );
    expect(await scopesOf('  let s = "a {b.c} \\n"', '\\n')).toBe(
      'string.quoted.double.flow constant.character.escape.flow',
    );
    expect(await scopesOf('  let s = "a \\q"', '\\q')).toBe(
      'string.quoted.double.flow invalid.illegal.escape.flow',
    );
    expect(await scopesOf('  sleep 500ms', '500ms')).toBe('constant.numeric.duration.flow');
    expect(await scopesOf('  let x = 2 // 3s', ' 3s')).toBe('comment.line.double-slash.flow');
    expect(await scopesOf('/// Documented.', ' Documented.')).toBe('comment.line.documentation.flow');
    expect(await scopesOf('  let e = error.message', 'message')).toBe('');
  });
});
