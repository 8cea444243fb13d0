/**
 * Helpers of the compiler's CLI tests: run the built `flowc` (bin/flowc.js runs dist/, so `npm run build` first),
 * make temp directories that are removed after the tests, and read a bundle's unpacked view.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FLOWC = path.join(REPO, 'bin', 'flowc.js');
export const KITCHEN_SINK = path.join(REPO, 'test', 'fixtures', 'kitchen-sink');
export const KITCHEN_SINK_FLOW = path.join(KITCHEN_SINK, 'kitchen-sink.flow');
export const KITCHEN_SINK_BUNDLE = 'com.example.kitchen-1.0.0.cordapp';
export const KITCHEN_SINK_FLOWS = ['SellerFlow', 'Haggle', 'BuyerFlow', 'Tally'];

/** Generous: the CLI spawns take seconds each when the machine is busy. */
export const SLOW = 240_000;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/flowc.js ARGS` (from the repository root unless `cwd` says otherwise). */
export function flowc(args: readonly string[], options: { cwd?: string } = {}): Run {
  const result = spawnSync(process.execPath, [FLOWC, ...args], {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: SLOW,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `flowc ARGS` must succeed; returns its output. */
export function flowcOk(args: readonly string[], options: { cwd?: string } = {}): Run {
  const run = flowc(args, options);
  expect(run.status, `flowc ${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

/** Asserts the usage-error contract: exit 2, nothing on stdout, one line on stderr starting with `flowc: `. */
export function expectOneLineError(run: Run, pattern?: RegExp): string {
  expect(run.status, run.stdout + run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^flowc: /);
  if (pattern) expect(lines[0]).toMatch(pattern);
  return lines[0]!;
}

/** Temp directories under the OS temp dir, all removed by `cleanup()`. */
export function tempDirs(): { make: (prefix?: string) => string; cleanup: () => void } {
  const made: string[] = [];
  return {
    make: (prefix = 'flowc-test-') => {
      const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    cleanup: () => {
      for (const dir of made) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Every file under `dir`, by POSIX path relative to `dir`, with its bytes. */
export function readTree(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${entry}` : entry;
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else files[rel] = readFileSync(path.join(dir, rel));
    }
  };
  walk('');
  return files;
}

/** The same tree as text, for readable comparisons. */
export function readTextTree(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(readTree(dir)).map(([f, b]) => [f, b.toString('utf8')]));
}

/** The `.cordapp` container, as `flowc build` writes it. */
export interface Container {
  format: string;
  manifestSha256: string;
  files: Record<string, string>;
  signature?: { algorithm: string; publicKey: string; signature: string };
}

export interface Manifest {
  format: string;
  name: string;
  version: string;
  flows: {
    name: string;
    kind: string;
    startable: boolean;
    protocolVersion: number;
    respondsTo?: string;
    responder?: string;
    file: string;
    params: { name: string; type: string }[];
    returns?: string;
    progress: { name: string; label: string; tracks?: string }[];
    machine: string;
  }[];
  files: Record<string, string>;
  sources: Record<string, string>;
  protocol: Record<string, string>;
}

export function readContainer(file: string): Container {
  return JSON.parse(readFileSync(file, 'utf8')) as Container;
}

/** Replaces the character at `index` with another ASCII character (one byte changed, the length kept). */
export function changeOneByte(text: string, index: number): string {
  const current = text[index];
  const replacement = current === 'x' ? 'y' : 'x';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** An index near the middle of `text` whose character is ASCII, so changing it changes exactly one byte. */
export function middleAsciiIndex(text: string): number {
  for (let i = Math.floor(text.length / 2); i < text.length; i++) if (text.charCodeAt(i) < 0x80) return i;
  throw new Error('no ASCII character in the second half of the text');
}

/** A CorDapp directory in `parent` with these files (name → text). */
export function writeCordapp(parent: string, name: string, files: Record<string, string>): string {
  const dir = path.join(parent, name);
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

/** A small valid CorDapp: two flows, no host modules. */
export function tinyCordapp(version = '1.0.0', flows: 'both' | 'first' = 'both'): Record<string, string> {
  const second = `
flow Pay(total: Int) -> Int {
  require total > 0 else "costs $5 at least"
  return total
}
`;
  return {
    'tiny.flow': `cordapp com.example.tiny version ${version}

@startable
flow Add(a: Int, b: Int) -> Int {
  return a + b
}
${flows === 'both' ? second : ''}`,
  };
}
