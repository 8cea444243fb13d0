/**
 * `npm run bench -- language [--iterations N] [--warmup N] [--dist [DIR]]`: throughput of the language front end
 * on a generated 10,000-line CorDapp, against chevrotain's bare lexer on the same text (the floor no parser can
 * beat). By default it measures the TypeScript sources as tsx runs them; `--dist` measures the JavaScript that
 * `npm run build` wrote to `dist/` (or DIR), which is what `flowc` runs: tsx compiles with esbuild's `keepNames`,
 * which makes every closure creation define a `name` property, a cost the built code does not pay.
 *
 * Cases: lex; parse (lex + parse + AST), which takes the fast parser's path on this valid text; the same through
 * the recovering `CstParser` and the CST-to-AST pass (`parseWithRecovery`, what text with syntax errors costs);
 * parse + check of the whole CorDapp in a fresh `Workspace`; and the editor's case, re-checking one edited file
 * of a workspace that holds them all. Each is timed after warm-up iterations, and the median is reported.
 *
 * Garbage is collected (`gc()`) before each timed iteration, so no iteration pays for another's garbage. That
 * full collection has a cost of its own for the iteration after it: V8 throws away optimised code that embeds
 * objects the collection freed (`--trace-deopt` shows about 230 "weak objects" deoptimisations after each forced
 * collection in the parse + check case), and the timed iteration pays for compiling it again. An editor's process
 * rarely sees that: its full collections are rare. So the two checking cases are also timed without the forced
 * collection ("no forced gc"), where V8 collects when it decides to and each collection's cost lands in the
 * iteration that triggers it (over the iterations, every iteration's garbage is paid for).
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as sourceLanguage from '../../language/index.js';
import * as sourceParse from '../../language/parse.js';
import * as sourceTokens from '../../language/tokens.js';
import { benchHostModules, generateCordapp, lineCount } from './cordapp.js';

interface Options {
  iterations: number;
  warmup: number;
  /** The build directory to measure instead of the sources. */
  dist?: string;
}

function options(args: string[]): Options {
  const value = (flag: string, fallback: number): number => {
    const i = args.indexOf(flag);
    const parsed = i >= 0 ? Number(args[i + 1]) : fallback;
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} needs a whole number from 1 up.`);
    return parsed;
  };
  const result: Options = { iterations: value('--iterations', 15), warmup: value('--warmup', 5) };
  const dist = args.indexOf('--dist');
  if (dist >= 0) {
    const dir = args[dist + 1];
    result.dist = path.resolve(
      dir && !dir.startsWith('--') ? dir : path.join(import.meta.dirname, '../../dist'),
    );
  }
  return result;
}

/** What the benchmark calls: the sources, or the same modules from a build. */
interface FrontEnd {
  parse: typeof sourceLanguage.parse;
  parseWithRecovery: typeof sourceParse.parseWithRecovery;
  Workspace: typeof sourceLanguage.Workspace;
  flowLexer: typeof sourceTokens.flowLexer;
  origin: string;
}

async function frontEnd(dist: string | undefined): Promise<FrontEnd> {
  if (!dist) {
    const { parseWithRecovery } = sourceParse;
    return {
      ...sourceLanguage,
      ...sourceTokens,
      parseWithRecovery,
      origin: 'TypeScript sources, run by tsx',
    };
  }
  const file = (name: string): string => path.join(dist, 'language', name);
  if (!existsSync(file('index.js'))) throw new Error(`No build in ${dist}: run "npm run build" first.`);
  const language = (await import(pathToFileURL(file('index.js')).href)) as typeof sourceLanguage;
  const tokens = (await import(pathToFileURL(file('tokens.js')).href)) as typeof sourceTokens;
  const { parseWithRecovery } = (await import(pathToFileURL(file('parse.js')).href)) as typeof sourceParse;
  const shown = path.relative(process.cwd(), dist);
  const origin = `the build in ${shown.startsWith('..') ? dist : shown}`;
  return { ...language, ...tokens, parseWithRecovery, origin };
}

interface Sample {
  /** CPU time of the process (all its threads, pinned to one core), immune to other processes' load. */
  cpu: number[];
  wall: number[];
}

/** Milliseconds of each timed iteration, after `warmup` untimed ones; garbage is collected before each one. */
function sample(
  run: (iteration: number) => void,
  { iterations, warmup }: Options,
  prepare?: (iteration: number) => void,
  forcedGc = true,
): Sample {
  for (let i = 0; i < warmup; i++) {
    prepare?.(i);
    run(i);
  }
  const result: Sample = { cpu: [], wall: [] };
  for (let i = 0; i < iterations; i++) {
    prepare?.(warmup + i);
    if (forcedGc) globalThis.gc?.();
    const cpu = process.cpuUsage();
    const start = performance.now();
    run(warmup + i);
    result.wall.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    result.cpu.push((used.user + used.system) / 1000);
  }
  return result;
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // not Linux: fall back to what node knows
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

function assertChecksClean({ Workspace }: FrontEnd, files: readonly sourceLanguage.SourceFile[]): void {
  const workspace = new Workspace({ hostModules: benchHostModules });
  for (const file of files) workspace.setFile(file.path, file.text);
  const problems = workspace
    .check()
    .flatMap((r) =>
      r.diagnostics.map((d) => `${r.path}:${d.range.line}:${d.range.column} ${d.code} ${d.message}`),
    );
  if (problems.length > 0) {
    throw new Error(`The benchmark CorDapp must check clean, but:\n${problems.slice(0, 20).join('\n')}`);
  }
}

interface Row {
  name: string;
  sample: Sample;
  lines: number;
  target: string;
  /** Whether the CPU-time median meets the target, given the median in ms and lines per second. */
  meets?: (median: number, linesPerSecond: number) => boolean;
}

function printTable(rows: Row[]): void {
  const cells = [
    ['case', 'median (CPU)', 'median (wall)', 'lines/s', 'target', 'verdict'],
    ...rows.map((r) => {
      const cpu = median(r.sample.cpu);
      const perSecond = (r.lines / cpu) * 1000;
      const verdict = r.meets ? (r.meets(cpu, perSecond) ? 'met' : 'MISSED') : 'baseline';
      return [r.name, ms(cpu), ms(median(r.sample.wall)), integer(perSecond), r.target, verdict];
    }),
  ];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const left = (c: number): boolean => c === 0 || c >= 4;
  const line = (row: string[]): string =>
    `| ${row.map((cell, c) => (left(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  console.log(line(cells[0]!));
  console.log(
    `|${widths.map((w, c) => (left(c) ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`,
  );
  for (const row of cells.slice(1)) console.log(line(row));
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  const front = await frontEnd(opts.dist);
  const { parse, parseWithRecovery, Workspace, flowLexer } = front;
  const files = generateCordapp();
  const lines = files.reduce((sum, f) => sum + lineCount(f.text), 0);
  console.log(`${cpuModel()}, ${os.cpus().length} cores; node ${process.version}; measuring ${front.origin}`);
  console.log(
    `CorDapp: ${files.length} files, ${integer(lines)} lines; ${opts.warmup} warm-up + ${opts.iterations} timed iterations\n`,
  );
  assertChecksClean(front, files);
  const host = { hostModules: benchHostModules };

  const lex = sample(() => files.forEach((f) => flowLexer.tokenize(f.text)), opts);
  const parsed = sample(() => files.forEach((f) => parse(f.text)), opts);
  const recovered = sample(() => files.forEach((f) => parseWithRecovery(f.text)), opts);
  const checkAll = (): void => {
    const workspace = new Workspace(host);
    for (const file of files) workspace.setFile(file.path, file.text);
    workspace.check();
  };
  const checked = sample(checkAll, opts);
  const checkedNoGc = sample(checkAll, opts, undefined, false);

  // the editor's case: one statement of one file changes, and that file is re-checked
  const edited = files[Math.floor(files.length / 2)]!;
  const statement = 'count = score(count, 1)';
  if (!edited.text.includes(statement)) throw new Error(`"${statement}" is not in ${edited.path}.`);
  const variants = [edited.text.replace(statement, 'count = score(count, 2)'), edited.text];
  const workspace = new Workspace(host);
  for (const file of files) workspace.setFile(file.path, file.text);
  workspace.check();
  const recheck = (): void => {
    const [result] = workspace.check([edited.path]);
    if (result?.diagnostics.length) throw new Error('The edited file no longer checks clean.');
  };
  const edit = (i: number): void => void workspace.setFile(edited.path, variants[i % 2]!);
  const rechecked = sample(recheck, opts, edit);
  const recheckedNoGc = sample(recheck, opts, edit, false);
  const editedAndRechecked = sample((i) => (edit(i), recheck()), opts);
  const editedLines = lineCount(edited.text);

  printTable([
    { name: 'lex (chevrotain, the floor)', sample: lex, lines, target: '-' },
    {
      name: 'parse (lex + parse + AST)',
      sample: parsed,
      lines,
      target: '>= 200,000 lines/s',
      meets: (_, perSecond) => perSecond >= 200_000,
    },
    { name: 'parse through the CstParser path', sample: recovered, lines, target: '-' },
    {
      name: 'parse + check, fresh Workspace',
      sample: checked,
      lines,
      target: '>= 50,000 lines/s',
      meets: (_, perSecond) => perSecond >= 50_000,
    },
    {
      name: 'parse + check, no forced gc',
      sample: checkedNoGc,
      lines,
      target: '>= 50,000 lines/s',
      meets: (_, perSecond) => perSecond >= 50_000,
    },
    {
      name: `re-check 1 edited file (${integer(editedLines)} lines)`,
      sample: rechecked,
      lines: editedLines,
      target: '<= 20 ms',
      meets: (median) => median <= 20,
    },
    {
      name: 're-check, no forced gc',
      sample: recheckedNoGc,
      lines: editedLines,
      target: '<= 20 ms',
      meets: (median) => median <= 20,
    },
    {
      name: 'edit + re-check (setFile + check)',
      sample: editedAndRechecked,
      lines: editedLines,
      target: '<= 20 ms',
      meets: (median) => median <= 20,
    },
  ]);
  const ratio = (s: Sample): string => `${(median(s.cpu) / median(lex.cpu)).toFixed(1)}x`;
  console.log(
    `\nparse / bare lexer (CPU medians): ${ratio(parsed)}; through the CstParser path: ${ratio(recovered)}`,
  );
}
