/** The `flowc` command line, run as users run it: the built `bin/flowc.js` in a child process. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedent } from '../utils/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/flowc.js');

function flowc(args: string[], cwd = root): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

let work: string;
/** Writes a file in a fresh directory of its own (the CLI reads a file's siblings as part of its CorDapp). */
function scratch(name: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(work, 'case-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'flowc-test-'));
  if (existsSync(path.join(root, 'dist/compiler/node/cli/flowc.js'))) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', shell: true });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const valid = dedent`
  cordapp com.example.cli version 1.0.0

  initiating flow Ping(friend: Party) -> String {
    progress {
      Pinging "Sending the ping"
      Waiting "Waiting for the pong"
    }
    let s = open friend
    step Pinging
    send "ping" to s
    step Waiting
    return receive String from s
  }

  responder flow Pong(s: Session) for Ping {
    let ping = receive String from s
    send "pong" to s
  }
`;

/** Two errors: a misspelt step (line 9, columns 8-13) and a misspelt parameter (line 10, columns 8-13). */
const invalid = dedent`
  cordapp com.example.cli version 1.0.0

  flow Greet(s: Session, friend: Party) {
    progress {
      Greeting "Greeting"
      Waiting "Waiting"
    }
    step Greeting
    step Wating
    send frend.name to s
  }
`;

describe('flowc usage', () => {
  it('prints help and exits 0', () => {
    const result = flowc(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: flowc');
    for (const command of ['check', 'fmt', 'outline']) expect(result.stdout).toContain(command);
  });

  it('prints the version of the package and exits 0', () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = flowc(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('exits 2 with the usage on stderr when given no arguments', () => {
    const result = flowc([]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: flowc');
  });

  it('exits 2 on an unknown command', () => {
    const result = flowc(['compile', 'x.flow']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown command 'compile'");
  });

  it('exits 2 on an unknown option', () => {
    const result = flowc(['check', '--strict', 'test/fixtures']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--strict'");
  });

  it('exits 2 on a bad --format value, naming the allowed ones', () => {
    const result = flowc(['check', '--format', 'xml', 'test/fixtures']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/'xml' is invalid.*text, json/);
  });

  it('exits 2 when a command is missing its paths', () => {
    const result = flowc(['check']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("missing required argument 'paths'");
  });

  it.each([['check'], ['fmt'], ['outline']])(
    'exits 2 with one line on stderr for a missing path (%s)',
    (command) => {
      const result = flowc([command, 'test/fixtures', 'no/such/file.flow']);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toEqual([expect.stringContaining('"no/such/file.flow"')]);
    },
  );
});

describe('flowc check', () => {
  it('exits 0 and says so for a valid file', () => {
    const { dir } = scratch('ping.flow', valid);
    const result = flowc(['check', 'ping.flow'], dir);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('No problems');
    expect(result.stdout).toBe('No problems in 1 file.\n');
  });

  it('exits 0 when there are only warnings', () => {
    const { dir } = scratch('note.flow', 'message Note {\n  text: String\n}\n');
    const result = flowc(['check', 'note.flow'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('note.flow:1:1 warning missing-cordapp:');
    expect(result.stdout).toContain('0 errors and 1 warning in 1 file.');
  });

  it('prints each diagnostic as file:line:column, code and message, with a code frame and carets', () => {
    const { dir } = scratch('greet.flow', invalid);
    const result = flowc(['check', 'greet.flow'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const out = result.stdout.split('\n');
    const heads = out.filter((l) => l.startsWith('greet.flow:'));
    expect(heads).toEqual([
      'greet.flow:9:8 error unknown-step: Step "Wating" is not declared in the progress block of flow "Greet". Did you mean "Waiting"?',
      'greet.flow:10:8 error unknown-name: Unknown name "frend". Did you mean "friend"?',
    ]);
    for (const [line, column, width] of [
      [9, 8, 6],
      [10, 8, 5],
    ] as const) {
      const source = out.findIndex((l) => new RegExp(`^> +${line} \\| `).test(l));
      expect(source, `a frame line for line ${line}`).toBeGreaterThan(0);
      expect(out[source]).toContain(invalid.split('\n')[line - 1]);
      const textStart = out[source]!.indexOf(' | ') + 3;
      const carets = out[source + 1]!;
      expect(carets.indexOf('^') - textStart).toBe(column - 1);
      expect(carets.slice(textStart).trim()).toBe('^'.repeat(width));
    }
    expect(result.stdout).toContain('  note: greet.flow:4:3: The progress block.');
    expect(out).toContain('2 errors and 0 warnings in 1 file.');
  });

  it('shows the lines around the diagnostic in the frame', () => {
    const { dir } = scratch('greet.flow', invalid);
    const out = flowc(['check', 'greet.flow'], dir).stdout;
    expect(out).toContain(
      [
        '   8 |   step Greeting',
        '>  9 |   step Wating',
        '     |        ^^^^^^',
        '  10 |   send frend.name to s',
      ].join('\n'),
    );
  });

  it('prints JSON with exactly the documented fields and 1-based, end-exclusive positions', () => {
    const { dir } = scratch(
      'greet.flow',
      invalid.replace('flow Greet', 'cordapp com.example.cli version 1.0.0\nflow Greet'),
    );
    const result = flowc(['check', 'greet.flow', '--format', 'json'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const diagnostics = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(diagnostics).toEqual([
      {
        file: 'greet.flow',
        line: 3,
        column: 1,
        endLine: 3,
        endColumn: 38,
        severity: 'error',
        code: 'duplicate-declaration',
        message: expect.stringContaining('A CorDapp is named once'),
        related: [
          {
            file: 'greet.flow',
            line: 1,
            column: 1,
            endLine: 1,
            endColumn: 38,
            message: 'The first "cordapp" header.',
          },
        ],
      },
      {
        file: 'greet.flow',
        line: 10,
        column: 8,
        endLine: 10,
        endColumn: 14,
        severity: 'error',
        code: 'unknown-step',
        message: expect.stringContaining('Step "Wating"'),
        related: [expect.objectContaining({ file: 'greet.flow', line: 5, column: 3 })],
      },
      {
        file: 'greet.flow',
        line: 11,
        column: 8,
        endLine: 11,
        endColumn: 13,
        severity: 'error',
        code: 'unknown-name',
        message: 'Unknown name "frend". Did you mean "friend"?',
      },
    ]);
    const fields = ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message'];
    expect(Object.keys(diagnostics[2]!)).toEqual(fields);
    expect(Object.keys(diagnostics[0]!)).toEqual([...fields, 'related']);
  });

  it('prints an empty JSON array for a valid file', () => {
    const { dir } = scratch('ping.flow', valid);
    const result = flowc(['check', '--format', 'json', 'ping.flow'], dir);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('checks the .flow files of a directory, recursively', () => {
    const { dir } = scratch('ping.flow', valid);
    mkdirSync(path.join(dir, 'nested/deeper'), { recursive: true });
    writeFileSync(path.join(dir, 'nested/deeper/note.flow'), 'cordapp com.example.notes version 1.0.0\n');
    writeFileSync(path.join(dir, 'nested/readme.md'), 'not a flow\n');
    const result = flowc(['check', '.'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('No problems in 2 files.\n');
  });
});

describe('flowc fmt', () => {
  const messy = [
    'cordapp   com.example.fmt   version 1.0.0',
    'message Order{id:String,qty:Int}',
    'initiating flow Buy( seller:Party ,id:String)->Int{',
    'progress{Asking "Asking"}',
    '    let s=open seller',
    'step Asking',
    '  send Order{id:id,qty:1} to s',
    '      return receive Int from s',
    '}',
    'responder flow Sell(s:Session) for Buy{ let o=receive Order from s',
    'send o.qty to s }',
    '',
  ].join('\n');
  const canonical = dedent`
    cordapp com.example.fmt version 1.0.0

    message Order {
      id: String
      qty: Int
    }

    initiating flow Buy(seller: Party, id: String) -> Int {
      progress {
        Asking "Asking"
      }
      let s = open seller
      step Asking
      send Order { id: id, qty: 1 } to s
      return receive Int from s
    }

    responder flow Sell(s: Session) for Buy {
      let o = receive Order from s
      send o.qty to s
    }
  `;

  it('rewrites a badly formatted file to the canonical text, and a second run changes nothing', () => {
    const { dir, file } = scratch('trade.flow', messy);
    const first = flowc(['fmt', 'trade.flow'], dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('formatted trade.flow\n');
    expect(readFileSync(file, 'utf8')).toBe(canonical);
    const second = flowc(['fmt', 'trade.flow'], dir);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(canonical);
  });

  it('leaves a canonical file alone', () => {
    const { dir, file } = scratch('trade.flow', canonical);
    const result = flowc(['fmt', '--check', 'trade.flow'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(canonical);
  });

  it('with --check, lists the file, exits 1 and changes nothing', () => {
    const { dir, file } = scratch('trade.flow', messy);
    const result = flowc(['fmt', '--check', 'trade.flow'], dir);
    expect(result.status).toBe(1);
    expect(lines(result.stdout)).toEqual(['trade.flow']);
    expect(result.stderr).toContain('1 of 1 files would be reformatted');
    expect(readFileSync(file, 'utf8')).toBe(messy);
  });

  it('refuses a file with a syntax error: exits 1, prints the error, leaves the file byte-identical', () => {
    const broken = 'cordapp com.example.fmt   version 1.0.0\nflow Broken( {\n  let x=1\n}\n';
    const { dir, file } = scratch('broken.flow', broken);
    const result = flowc(['fmt', 'broken.flow'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('broken.flow:2:14 error syntax-error: Expected ")" but found "{".');
    expect(result.stderr).toContain('broken.flow: left unchanged');
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });
});

describe('flowc outline', () => {
  it('lists the CorDapp, its flows and their progress steps', () => {
    const { dir } = scratch('ping.flow', valid);
    const result = flowc(['outline', 'ping.flow'], dir);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const out = lines(result.stdout).map((l) => l.trimEnd());
    expect(out[0]).toBe('cordapp com.example.cli 1.0.0');
    expect(out).toContain('    initiating flow Ping(friend: Party) -> String    [line 3]');
    expect(out).toContain('      progress: Pinging "Sending the ping" → Waiting "Waiting for the pong"');
    expect(out).toContain('    responder flow Pong(s: Session) for Ping    [line 15]');
    expect(out.map((l) => l.trim())).toEqual(
      expect.arrayContaining([
        '9  step Pinging',
        '10  send "ping" to s',
        '11  step Waiting',
        '12  return receive String from s',
      ]),
    );
  });

  it('outlines the kitchen-sink fixture', () => {
    const result = flowc(['outline', 'test/fixtures/kitchen-sink']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cordapp com.example.kitchen 1.0.0');
    expect(result.stdout).toMatch(/initiating flow SellerFlow\(.*\) -> Decimal/);
    expect(result.stdout).toContain(
      'progress: Quoting "Getting a quote" → Offering "Sending the offer" (tracks Haggle)',
    );
    expect(result.stdout).toContain('responder flow BuyerFlow(seller: Session) for SellerFlow');
  });
});
