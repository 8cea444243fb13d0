/**
 * Shared by the samples' README tests (`readme.test.ts` of each sample). Runs the `npx flowc ...` commands of a
 * sample's README through the built CLI (`node bin/flowc.js`), as a reader would type them, and reads what each should give from the comment after it: `# Result: X` (exit 0 and exactly
 * that line on stdout), `# exit N: text` (exit N and the text on stderr), or nothing (exit 0). A `sleep N` line
 * waits N seconds. Store directories written as `/tmp/NAME` are replaced by a fresh temporary directory per README.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ReadmeCommand {
  /** The line as the README writes it, without its comment. */
  line: string;
  args: string[];
  exit: number;
  /** A `sleep N` line: seconds to wait, and no command. */
  sleep?: number;
  stdout?: string;
  stderr?: string;
}

/** The shell words of a command line: blanks separate them; single and double quotes group. */
export function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:'([^']*)'|"([^"]*)"|([^\s'"]+))+/g)) out.push(m[0].replace(/['"]/g, ''));
  return out;
}

const made: string[] = [];

/** Removes the temporary store directories the commands used. */
export function cleanUp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function readmeCommands(readme: string): ReadmeCommand[] {
  const text = readFileSync(readme, 'utf8');
  const commands: ReadmeCommand[] = [];
  const stores = new Map<string, string>();
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      const sleep = /^sleep (\d+(?:\.\d+)?)$/.exec(raw.trim());
      if (sleep) commands.push({ line: raw.trim(), args: [], exit: 0, sleep: Number(sleep[1]) });
      if (!raw.startsWith('npx flowc ')) continue;
      const hash = raw.indexOf(' # ');
      const line = (hash < 0 ? raw : raw.slice(0, hash)).trim();
      const comment = hash < 0 ? '' : raw.slice(hash + 3).trim();
      const args = words(line)
        .slice(2)
        .map((w) => {
          if (!/^\/tmp\/[\w-]+$/.test(w)) return w;
          if (!stores.has(w)) {
            stores.set(w, mkdtempSync(path.join(tmpdir(), 'flows-readme-')));
            made.push(stores.get(w)!);
          }
          return stores.get(w)!;
        });
      const command: ReadmeCommand = { line, args, exit: 0 };
      const exit = /^exit (\d+): (.*)$/.exec(comment);
      if (exit) {
        command.exit = Number(exit[1]);
        command.stderr = exit[2]!;
      } else if (comment.startsWith('Result: ')) command.stdout = `${comment}\n`;
      commands.push(command);
    }
  }
  return commands;
}

/** Builds the CLI once if it is not built yet. */
export function ensureBuilt(): void {
  if (existsSync(path.join(ROOT, 'dist/compiler/node/cli/run.js'))) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', shell: true });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

/** Runs `node bin/flowc.js ARGS` from the repository's root, with stdin not a terminal; a sleep just waits. */
export function flowc(args: string[], sleep?: number): Promise<Ran> {
  if (sleep !== undefined)
    return new Promise((resolve) =>
      setTimeout(() => resolve({ status: 0, stdout: '', stderr: '' }), sleep * 1000),
    );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/flowc.js'), ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs one README command and checks it gives what the README says after it: exit status, stdout, stderr. */
export async function runAsWritten(command: ReadmeCommand): Promise<void> {
  const ran = await flowc(command.args, command.sleep);
  const shown = `${command.line}\n${ran.stdout}${ran.stderr}`;
  expect(ran.status, shown).toBe(command.exit);
  if (command.stdout !== undefined) expect(ran.stdout, shown).toBe(command.stdout);
  if (command.stderr !== undefined) expect(ran.stderr, shown).toContain(command.stderr);
}
