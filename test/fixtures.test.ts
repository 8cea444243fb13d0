/**
 * The fixtures, checked by the built `flowc`: every file under test/fixtures is clean, and every file under
 * test/invalid produces exactly the diagnostics its `// expect: code line:column` lines list, in order.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { IssueCodes } from '../language/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const invalidDir = 'test/invalid';
const rulesDir = 'test/fixtures/rules';

/** Codes of the protocol checker (language/protocol/), which has fixtures of its own. */
const PROTOCOL_CODES = new Set<string>([
  'protocol-mismatch',
  'deadlock',
  'early-end',
  'uncommunicated-choice',
]);
const CHECKER_CODES = Object.values(IssueCodes).filter((code) => !PROTOCOL_CODES.has(code));
const REQUIRED_CODES = [
  'syntax-error',
  'unknown-name',
  'duplicate-declaration',
  'type-mismatch',
  'unknown-step',
  'unreachable-code',
  'missing-responder',
  'not-initiating',
  'unknown-import',
];

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: string;
  message: string;
}

function flowc(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['bin/flowc.js', ...args], { cwd: root, encoding: 'utf8' });
}

/** The `// expect: code line:column` lines at the top of a fixture. */
function expectations(text: string): string[] {
  const expected: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^\/\/ expect: ([a-z-]+) (\d+):(\d+)\s*$/.exec(line);
    if (match) expected.push(`${match[1]} ${match[2]}:${match[3]}`);
    else if (!line.startsWith('//')) break;
  }
  return expected;
}

const invalidFiles = readdirSync(path.join(root, invalidDir))
  .filter((f) => f.endsWith('.flow'))
  .sort()
  .map((f) => `${invalidDir}/${f}`);

beforeAll(() => {
  if (existsSync(path.join(root, 'dist/compiler/node/cli/flowc.js'))) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', shell: true });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
});

describe('valid fixtures', () => {
  it('check clean with "flowc check test/fixtures"', () => {
    const result = flowc('check', 'test/fixtures', '--format', 'json');
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout) as JsonDiagnostic[]).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('include a clean CorDapp for every code of the checker, each with its own name', () => {
    const names = new Set<string>();
    for (const code of CHECKER_CODES) {
      const file = path.join(root, rulesDir, `${code}.flow`);
      expect(existsSync(file), `${rulesDir}/${code}.flow`).toBe(true);
      const header = /^cordapp ([\w.]+) version /m.exec(readFileSync(file, 'utf8'));
      expect(header, `a cordapp header in ${code}.flow`).not.toBeNull();
      names.add(header![1]!);
    }
    expect(names.size).toBe(CHECKER_CODES.length);
  });
});

describe('invalid fixtures', () => {
  it.each(invalidFiles)('%s produces exactly the diagnostics it expects', (file) => {
    const expected = expectations(readFileSync(path.join(root, file), 'utf8'));
    expect(expected.length, 'the file has "// expect:" lines').toBeGreaterThan(0);
    const result = flowc('check', file, '--format', 'json');
    expect(result.stderr).toBe('');
    const diagnostics = JSON.parse(result.stdout) as JsonDiagnostic[];
    expect(diagnostics.map((d) => d.file)).toEqual(diagnostics.map(() => file));
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(expected);
    expect(result.status).toBe(1);
  });

  it('cover every required code, and every code of the checker', () => {
    const covered = new Set(
      invalidFiles.flatMap((file) =>
        expectations(readFileSync(path.join(root, file), 'utf8')).map((e) => e.split(' ')[0]!),
      ),
    );
    expect(REQUIRED_CODES.filter((code) => !covered.has(code))).toEqual([]);
    expect(CHECKER_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });

  it('include a syntax error in the middle of a file that does not hide a later, independent error', () => {
    const file = `${invalidDir}/syntax-error.flow`;
    const expected = expectations(readFileSync(path.join(root, file), 'utf8'));
    expect(expected.map((e) => e.split(' ')[0])).toEqual(['syntax-error', 'unknown-step']);
    const diagnostics = JSON.parse(flowc('check', file, '--format', 'json').stdout) as JsonDiagnostic[];
    expect(diagnostics[1]!.line).toBeGreaterThan(diagnostics[0]!.line);
    expect(diagnostics[1]!.message).toContain('Step "Traking" is not declared');
  });
});
