/**
 * `npm run bench -- lsp [--iterations N] [--warmup N]`: how soon `flowc lsp --stdio` publishes diagnostics after
 * an edit, measured through the real server over stdio: the time from sending `textDocument/didChange` to receiving
 * the `textDocument/publishDiagnostics` of that version, for one ~2,000-line file of the generated 10,000-line
 * CorDapp (the other files read from disk by the server, the host module read with ts-morph). Target: a median
 * within 50 ms with the default diagnostic delay.
 *
 * To show where the time goes, the same edit is also re-checked in this process with the build's `Workspace`
 * (`setFile` + `check` of the file): what is left is the debounce delay, JSON-RPC and the server's own work
 * (indexing the file, converting the diagnostics). Needs `npm run build` (the server is `bin/flowc.js`).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type * as Language from '../../language/index.js';
import { LspClient, ROOT, uriOf } from '../language/node/lsp/client.js';
import { benchHostModules, generateCordapp, lineCount } from './cordapp.js';

/** The host module the generated CorDapp imports, matching `benchHostModules` (as in compiler.bench.ts). */
const HOST_TS = `export type Int = number;
export type Amount = { quantity: number; currency: string };
export interface Asset { id: string; description: string; units: Int }
export type Priority = 'Low' | 'High';
export function findAsset(id: string): Asset { return { id, description: 'ore', units: 3 }; }
export function priceOf(asset: Asset): Amount { return { quantity: asset.units * 10, currency: 'USD' }; }
export function score(a: Int, b: Int): Int { return a + b; }
export function log(message: string): void { void message; }
export async function fetchQuote(assetId: string): Promise<Amount> { return { quantity: assetId.length, currency: 'USD' }; }
export async function approve(assetId: string, price: Amount): Promise<boolean> { return assetId.length > 0 && price.quantity > 0; }
`;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a whole number from 1 up.`);
  return value;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Setup {
  dir: string;
  edited: string;
  variants: [string, string];
  siblings: string[];
}

/** Edits the file `iterations + warmup` times; returns the milliseconds from each didChange to its diagnostics. */
async function latencies(setup: Setup, delay: number, iterations: number, warmup: number): Promise<number[]> {
  const client = await LspClient.start({ diagnosticDelay: delay });
  try {
    // the first check loads ts-morph and reads the whole CorDapp; the siblings' diagnostics follow
    const siblingsDone = (): Promise<unknown> =>
      Promise.all(setup.siblings.map((file) => client.nextDiagnostics(uriOf(file))));
    let settled = siblingsDone();
    const opened = await client.open(setup.edited, setup.variants[1]);
    if (opened.diagnostics.length > 0)
      throw new Error(`The edited file does not check clean: ${opened.diagnostics[0]!.message}`);
    await settled;
    const times: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      settled = siblingsDone();
      const start = performance.now();
      const published = await client.change(setup.edited, setup.variants[i % 2]!);
      const elapsed = performance.now() - start;
      if (published.diagnostics.length > 0)
        throw new Error(`Unexpected diagnostics: ${published.diagnostics[0]!.message}`);
      if (i >= warmup) times.push(elapsed);
      // the other files of the CorDapp are re-checked after a quiet moment: let them finish before the next edit
      await settled;
    }
    return times;
  } finally {
    await client.stop();
  }
}

/** The same edits, re-checked in this process by the build's Workspace: the checker's share of the latency. */
async function inProcess(
  setup: Setup,
  files: Language.SourceFile[],
  iterations: number,
  warmup: number,
): Promise<number[]> {
  const entry = path.join(ROOT, 'dist/language/index.js');
  const { Workspace } = (await import(pathToFileURL(entry).href)) as typeof Language;
  const workspace = new Workspace({ hostModules: benchHostModules });
  const editedPath = files.find((f) => setup.edited.endsWith(path.basename(f.path)))!.path;
  for (const file of files) workspace.setFile(file.path, file.text);
  workspace.check();
  const times: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    globalThis.gc?.();
    const start = performance.now();
    workspace.setFile(editedPath, setup.variants[i % 2]!);
    const [result] = workspace.check([editedPath]);
    const elapsed = performance.now() - start;
    if (result?.diagnostics.length) throw new Error('The edited file no longer checks clean.');
    if (i >= warmup) times.push(elapsed);
  }
  return times;
}

export async function run(args: string[]): Promise<void> {
  const iterations = option(args, 'iterations', 20);
  const warmup = option(args, 'warmup', 5);
  if (!existsSync(path.join(ROOT, 'dist/language/node/lsp/server.js')))
    throw new Error('No build: run "npm run build" first.');
  const files = generateCordapp();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flows-lsp-bench-'));
  try {
    for (const file of files) writeFileSync(path.join(dir, path.basename(file.path)), file.text);
    writeFileSync(path.join(dir, 'host.ts'), HOST_TS);
    const middle = files[Math.floor(files.length / 2)]!;
    const statement = 'count = score(count, 1)';
    if (!middle.text.includes(statement)) throw new Error(`"${statement}" is not in ${middle.path}.`);
    const setup: Setup = {
      dir,
      edited: path.join(dir, path.basename(middle.path)),
      variants: [middle.text.replace(statement, 'count = score(count, 2)'), middle.text],
      siblings: files.filter((f) => f !== middle).map((f) => path.join(dir, path.basename(f.path))),
    };
    const total = files.reduce((sum, f) => sum + lineCount(f.text), 0);
    console.log(
      `CorDapp: ${files.length} files, ${total.toLocaleString('en-US')} lines; the edited file has ${lineCount(middle.text).toLocaleString('en-US')} lines; ${warmup} warm-up + ${iterations} timed edits\n`,
    );
    const rows: [string, number[], string][] = [
      [
        'didChange → publishDiagnostics (default delay, 10 ms)',
        await latencies(setup, 10, iterations, warmup),
        '<= 50 ms',
      ],
      ['didChange → publishDiagnostics (delay 0)', await latencies(setup, 0, iterations, warmup), '-'],
      [
        'in process: setFile + check of the file (the checker)',
        await inProcess(setup, files, iterations, warmup),
        '-',
      ],
    ];
    console.log('| case | median | p90 | min | target | verdict |');
    console.log('| --- | ---: | ---: | ---: | --- | --- |');
    for (const [name, times, target] of rows) {
      const m = median(times);
      const verdict = target === '-' ? 'baseline' : m <= 50 ? 'met' : 'MISSED';
      console.log(
        `| ${name} | ${m.toFixed(1)} ms | ${quantile(times, 0.9).toFixed(1)} ms | ${Math.min(...times).toFixed(1)} ms | ${target} | ${verdict} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
