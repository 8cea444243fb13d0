/**
 * `npm run bench -- compiler`: `flowc build` of the generated benchmark CorDapp (about 10,000 lines, some 280
 * flows), with the time of each phase, against `flowc check` of the same sources measured in the same run; and the
 * cost of the protocol checker: `check` with every rule against `check` without the protocol rule.
 *
 * The CorDapp is written to a temporary directory with a real host module, so the build reads it with ts-morph and
 * bundles it with esbuild exactly as `flowc build` does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { specifiedRules, Workspace } from '../../language/index.js';
import { ProtocolRule } from '../../language/checker/rules/ProtocolRule.js';
import { buildCordapp, type Phase } from '../../compiler/node/build.js';
import { benchHostModules, generateCordapp, lineCount } from './cordapp.js';

/** The host module the generated CorDapp imports, matching `benchHostModules`. */
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

function time(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

export async function run(args: string[]): Promise<void> {
  const iterations = option(args, 'iterations', 5);
  const files = generateCordapp();
  const lines = files.reduce((sum, f) => sum + lineCount(f.text), 0);
  const flows = files.reduce(
    (sum, f) => sum + (f.text.match(/^(?:initiating |responder )?flow /gm) ?? []).length,
    0,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flows-bench-'));
  try {
    for (const file of files) writeFileSync(path.join(dir, path.basename(file.path)), file.text);
    writeFileSync(path.join(dir, 'host.ts'), HOST_TS);
    console.log(
      `compiler: ${files.length} files, ${lines.toLocaleString('en-US')} lines, ${flows} flows; ${iterations} timed builds after 1 warm-up\n`,
    );

    // flowc build, phase by phase
    const phases: Record<Phase | 'total', number[]> = {
      parse: [],
      check: [],
      lower: [],
      machines: [],
      emit: [],
      bundle: [],
      total: [],
    };
    for (let i = 0; i <= iterations; i++) {
      const start = performance.now();
      const result = await buildCordapp(dir);
      const total = performance.now() - start;
      if (!result.ok) {
        const first = result.diagnostics[0]!;
        throw new Error(
          `the benchmark CorDapp must build: ${first.file}:${first.range.line} ${first.code} ${first.message}`,
        );
      }
      if (i === 0) continue;
      for (const [phase, ms] of Object.entries(result.timings)) phases[phase as Phase].push(ms);
      phases.total.push(total);
    }

    // the same sources checked, with and without the protocol checker (host modules in memory: check only)
    const withoutProtocol = specifiedRules.filter((rule) => rule !== ProtocolRule);
    const check = (rules: typeof specifiedRules): number =>
      time(() => {
        const workspace = new Workspace({ hostModules: benchHostModules }, rules);
        for (const file of files) workspace.setFile(file.path, file.text);
        workspace.check();
      });
    const full: number[] = [];
    const bare: number[] = [];
    check(specifiedRules);
    check(withoutProtocol);
    for (let i = 0; i < iterations; i++) {
      full.push(check(specifiedRules));
      bare.push(check(withoutProtocol));
    }

    const row = (name: string, ms: number, note = ''): string =>
      `| ${name.padEnd(34)} | ${ms.toFixed(1).padStart(9)} ms | ${note}`;
    console.log(`| ${'flowc build phase'.padEnd(34)} | ${'median'.padStart(12)} |`);
    console.log(`| ${'-'.repeat(34)} | ${'-'.repeat(11)}: |`);
    for (const phase of ['parse', 'check', 'lower', 'machines', 'emit', 'bundle'] as const) {
      console.log(row(phase, median(phases[phase])));
    }
    const total = median(phases.total);
    console.log(row('total (target ≤ 5,000 ms)', total, total <= 5000 ? 'met' : 'MISSED'));
    console.log('');
    const withRule = median(full);
    const withoutRule = median(bare);
    const overhead = (withRule / withoutRule - 1) * 100;
    console.log(row('check without the protocol rule', withoutRule, 'baseline'));
    console.log(
      row(
        'check with the protocol rule',
        withRule,
        `+${overhead.toFixed(1)}% (target ≤ 20%) ${overhead <= 20 ? 'met' : 'MISSED'}`,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
