/**
 * `flowc build DIR --out OUT`: the kitchen-sink bundle is deterministic whatever the working directory or the
 * absolute path of the sources, holds the unpacked view the design names, and bad input gives one clear error.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectOneLineError,
  flowc,
  flowcOk,
  KITCHEN_SINK,
  KITCHEN_SINK_BUNDLE,
  KITCHEN_SINK_FLOWS,
  readContainer,
  readTextTree,
  readTree,
  REPO,
  sha256,
  SLOW,
  tempDirs,
  tinyCordapp,
  writeCordapp,
  type Manifest,
  type Run,
} from './helpers.js';

// every test spawns flowc, which takes seconds on a busy machine
vi.setConfig({ testTimeout: SLOW, hookTimeout: SLOW });

const temp = tempDirs();
afterAll(() => temp.cleanup());

interface TraceLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** What a suspension's source range must contain, by what the state waits for. */
const SUSPENSION_KEYWORD: Record<string, string> = {
  receive: 'receive',
  open: 'open',
  call: 'call',
  input: 'await input',
  external: 'await',
  sleep: 'sleep',
};

/** The text a 1-based range covers; the end column is exclusive. */
function textOf(lines: string[], loc: TraceLocation): string {
  if (loc.line === loc.endLine) return lines[loc.line - 1]!.slice(loc.column - 1, loc.endColumn - 1);
  return [
    lines[loc.line - 1]!.slice(loc.column - 1),
    ...lines.slice(loc.line, loc.endLine - 1),
    lines[loc.endLine - 1]!.slice(0, loc.endColumn - 1),
  ].join('\n');
}

function expectRangeInside(lines: string[], loc: TraceLocation, what: string): void {
  expect(loc.line, what).toBeGreaterThanOrEqual(1);
  expect(loc.endLine, what).toBeLessThanOrEqual(lines.length);
  expect(loc.endLine, what).toBeGreaterThanOrEqual(loc.line);
  expect(loc.column, what).toBeGreaterThanOrEqual(1);
  expect(loc.column, what).toBeLessThanOrEqual(lines[loc.line - 1]!.length + 1);
  expect(loc.endColumn, what).toBeLessThanOrEqual(lines[loc.endLine - 1]!.length + 1);
  if (loc.line === loc.endLine) expect(loc.endColumn, what).toBeGreaterThan(loc.column);
  expect(textOf(lines, loc).trim(), what).not.toBe('');
}

describe('flowc build: the kitchen-sink bundle', () => {
  let root: string;
  /** The same sources built four ways: two working directories, two copies at other absolute paths. */
  const outs: Record<'repoCwd' | 'otherCwd' | 'deepCopy' | 'renamedCopy', string> = {
    repoCwd: '',
    otherCwd: '',
    deepCopy: '',
    renamedCopy: '',
  };
  let firstRun: Run;

  beforeAll(() => {
    root = temp.make('flowc-build-');
    const deep = path.join(root, 'a', 'deep', 'nested', 'kitchen-sink');
    const renamed = path.join(root, 'b', 'elsewhere');
    cpSync(KITCHEN_SINK, deep, { recursive: true });
    cpSync(KITCHEN_SINK, renamed, { recursive: true });

    outs.repoCwd = path.join(root, 'out-repo-cwd');
    firstRun = flowcOk(['build', 'test/fixtures/kitchen-sink', '--out', outs.repoCwd, '--timings']);

    outs.otherCwd = path.join(root, 'out-other-cwd');
    flowcOk(['build', KITCHEN_SINK, '--out', 'out-other-cwd'], { cwd: root });

    outs.deepCopy = path.join(root, 'out-deep-copy');
    flowcOk(['build', path.join('deep', 'nested', 'kitchen-sink'), '--out', outs.deepCopy], {
      cwd: path.join(root, 'a'),
    });

    outs.renamedCopy = path.join(root, 'out-renamed-copy');
    flowcOk(['build', renamed, '--out', outs.renamedCopy], { cwd: path.join(REPO, 'test') });
  });

  const bundleOf = (out: string): string => path.join(out, KITCHEN_SINK_BUNDLE);
  const manifestOf = (out: string): Manifest =>
    JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;

  it('reports the bundle it wrote and the time of each phase', () => {
    expect(firstRun.stdout).toContain(`built com.example.kitchen 1.0.0: `);
    expect(firstRun.stdout).toContain(KITCHEN_SINK_BUNDLE);
    for (const phase of ['parse', 'check', 'lower', 'machines', 'emit', 'bundle'])
      expect(firstRun.stdout).toMatch(new RegExp(`^\\s+${phase}\\s+\\d+\\.\\d ms$`, 'm'));
    expect(firstRun.stderr).toBe('');
  });

  it('gives the same .cordapp sha256 from two different working directories', () => {
    const a = sha256(readFileSync(bundleOf(outs.repoCwd)));
    const b = sha256(readFileSync(bundleOf(outs.otherCwd)));
    expect(b).toBe(a);
  });

  it('gives the same .cordapp sha256 from copies of the sources at other absolute paths', () => {
    const hashes = Object.values(outs).map((out) => sha256(readFileSync(bundleOf(out))));
    expect(new Set(hashes).size).toBe(1);
  });

  it('gives identical unpacked views', () => {
    const [first, ...others] = Object.values(outs).map(readTextTree);
    for (const other of others) expect(other).toEqual(first);
  });

  it('leaks no absolute path of the sources or the output into the bundle', () => {
    const text = readFileSync(bundleOf(outs.deepCopy), 'utf8');
    for (const leak of [REPO, root, path.join('deep', 'nested'), 'elsewhere'])
      expect(text).not.toContain(leak);
  });

  it('holds manifest.json, one machines/*.json per flow, flows.js, flows.d.ts and trace.json', () => {
    const out = outs.repoCwd;
    const tree = readTree(out);
    const manifest = manifestOf(out);
    expect(manifest.flows.map((f) => f.name).sort()).toEqual([...KITCHEN_SINK_FLOWS].sort());
    const required = [
      'flows.d.ts',
      'flows.js',
      ...KITCHEN_SINK_FLOWS.map((f) => `machines/${f}.json`),
      'manifest.json',
      'trace.json',
    ];
    const view = Object.keys(tree)
      .filter((f) => f !== KITCHEN_SINK_BUNDLE)
      .sort();
    expect(Object.keys(tree)).toContain(KITCHEN_SINK_BUNDLE);
    for (const file of required) expect(view).toContain(file);
    // one machine per flow, and nothing else under machines/
    expect(view.filter((f) => f.startsWith('machines/'))).toEqual(
      KITCHEN_SINK_FLOWS.map((f) => `machines/${f}.json`).sort(),
    );
    for (const flow of manifest.flows) expect(flow.machine).toBe(`machines/${flow.name}.json`);

    // manifest.files: the sha256 of every other file of the view
    expect(Object.keys(manifest.files).sort()).toEqual(view.filter((f) => f !== 'manifest.json'));
    for (const [file, hash] of Object.entries(manifest.files)) expect(sha256(tree[file]!), file).toBe(hash);

    // the .cordapp holds the same files, byte for byte, and the manifest's hash
    const container = readContainer(bundleOf(out));
    expect(container.format).toBe('flows-cordapp/1');
    expect(Object.keys(container.files).sort()).toEqual(view);
    for (const file of view) expect(container.files[file], file).toBe(tree[file]!.toString('utf8'));
    expect(container.manifestSha256).toBe(sha256(tree['manifest.json']!));
    expect(container.signature).toBeUndefined();
  });

  it('lists each flow with its kind, startable, protocol version, responder pair, parameters and progress', () => {
    const manifest = manifestOf(outs.repoCwd);
    expect(manifest).toMatchObject({
      format: 'flows-cordapp/1',
      name: 'com.example.kitchen',
      version: '1.0.0',
    });
    const flow = (name: string) => manifest.flows.find((f) => f.name === name)!;
    expect(flow('SellerFlow')).toEqual({
      name: 'SellerFlow',
      kind: 'initiating',
      startable: true,
      protocolVersion: 2,
      responder: 'BuyerFlow',
      file: 'kitchen-sink.flow',
      params: [
        { name: 'buyer', type: 'Party' },
        { name: 'assetId', type: 'String' },
        { name: 'price', type: 'Amount' },
        { name: 'urgent', type: 'Bool' },
      ],
      returns: 'Decimal',
      progress: [
        { name: 'Quoting', label: 'Getting a quote' },
        { name: 'Offering', label: 'Sending the offer', tracks: 'Haggle' },
        { name: 'Waiting', label: 'Waiting for the buyer' },
        { name: 'Done', label: 'Finished' },
      ],
      machine: 'machines/SellerFlow.json',
    });
    expect(flow('BuyerFlow')).toEqual({
      name: 'BuyerFlow',
      kind: 'responder',
      startable: false,
      protocolVersion: 1,
      respondsTo: 'SellerFlow',
      file: 'kitchen-sink.flow',
      params: [{ name: 'seller', type: 'Session' }],
      progress: [],
      machine: 'machines/BuyerFlow.json',
    });
    expect(flow('Haggle')).toMatchObject({
      kind: 'inline',
      startable: false,
      protocolVersion: 1,
      params: [
        { name: 'session', type: 'Session' },
        { name: 'quote', type: 'Amount' },
      ],
      returns: 'Amount',
      progress: [{ name: 'Asking', label: 'Asking for a counter-offer' }],
    });
    expect(flow('Tally')).toMatchObject({
      kind: 'inline',
      params: [{ name: 'values', type: 'List<Int>' }],
      returns: 'Int',
      progress: [],
    });
    // the pair is recorded on both sides, and only there
    for (const f of manifest.flows) {
      if (f.name !== 'SellerFlow') expect(f.responder, f.name).toBeUndefined();
      if (f.name !== 'BuyerFlow') expect(f.respondsTo, f.name).toBeUndefined();
    }
  });

  it('records the sha256 of every source and a protocol fingerprint per initiating flow', () => {
    const manifest = manifestOf(outs.repoCwd);
    expect(Object.keys(manifest.sources).sort()).toEqual(['common.flow', 'host.ts', 'kitchen-sink.flow']);
    for (const [file, hash] of Object.entries(manifest.sources))
      expect(sha256(readFileSync(path.join(KITCHEN_SINK, file))), file).toBe(hash);
    expect(Object.keys(manifest.protocol)).toEqual(['SellerFlow']);
    expect(manifest.protocol['SellerFlow']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('trace.json maps every state of every machine to a range in a .flow file', () => {
    const out = outs.repoCwd;
    const trace = JSON.parse(readFileSync(path.join(out, 'trace.json'), 'utf8')) as Record<
      string,
      Record<string, TraceLocation>
    >;
    expect(Object.keys(trace).sort()).toEqual([...KITCHEN_SINK_FLOWS].sort());
    for (const flow of KITCHEN_SINK_FLOWS) {
      const machine = JSON.parse(readFileSync(path.join(out, 'machines', `${flow}.json`), 'utf8')) as {
        id: string;
        initial: string;
        states: Record<string, { meta: { loc: TraceLocation; waitsFor?: string } }>;
      };
      expect(machine.id).toBe(flow);
      expect(Object.keys(machine.states)).toContain(machine.initial);
      expect(Object.keys(trace[flow]!).sort(), flow).toEqual(Object.keys(machine.states).sort());
      for (const [state, loc] of Object.entries(trace[flow]!)) {
        const what = `${flow}.${state}`;
        expect(loc.file, what).toMatch(/\.flow$/);
        expect(path.isAbsolute(loc.file), what).toBe(false);
        const lines = readFileSync(path.join(KITCHEN_SINK, loc.file), 'utf8').split('\n');
        expectRangeInside(lines, loc, what);
        // the machine carries the same range in the state's meta
        expect(machine.states[state]!.meta.loc, what).toEqual(loc);
        const waitsFor = machine.states[state]!.meta.waitsFor;
        if (waitsFor) expect(textOf(lines, loc), what).toContain(SUSPENSION_KEYWORD[waitsFor]);
      }
    }
  });
});

describe('flowc build: bad input', () => {
  it('prints the diagnostics, exits 1 and writes nothing when the sources have errors', () => {
    const root = temp.make('flowc-bad-');
    const dir = writeCordapp(root, 'broken', {
      'broken.flow': 'cordapp com.example.broken version 1.0.0\n\nflow F() {\n  let x: Int = "text"\n}\n',
    });
    const out = path.join(root, 'out');
    const run = flowc(['build', dir, '--out', out]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('broken.flow:4:16');
    expect(run.stdout).toContain('type-mismatch');
    expect(run.stdout).toMatch(/\^+/);
    expect(run.stdout).toContain('Nothing was written.');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['broken']);

    // an earlier bundle in the out directory is left as it was
    writeFileSync(path.join(dir, 'broken.flow'), tinyCordapp()['tiny.flow']!);
    flowcOk(['build', dir, '--out', out]);
    const before = readTextTree(out);
    writeFileSync(path.join(dir, 'broken.flow'), tinyCordapp()['tiny.flow']!.replace('a + b', 'a + "b"'));
    const again = flowc(['build', dir, '--out', out]);
    expect(again.status, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain('Nothing was written.');
    expect(readTextTree(out)).toEqual(before);
    expect(readdirSync(root).sort()).toEqual(['broken', 'out']);
  });

  it('refuses a directory with two different cordapp headers with one line naming both', () => {
    const root = temp.make('flowc-two-');
    const dir = writeCordapp(root, 'two', {
      'alpha.flow': 'cordapp com.example.alpha version 1.0.0\n\nflow A() {\n}\n',
      'beta.flow': 'cordapp com.example.beta version 2.0.0\n\nflow B() {\n}\n',
    });
    const out = path.join(root, 'out');
    const line = expectOneLineError(flowc(['build', dir, '--out', out]));
    expect(line).toContain('com.example.alpha');
    expect(line).toContain('com.example.beta');
    expect(line).toContain('alpha.flow');
    expect(line).toContain('beta.flow');
    expect(existsSync(out)).toBe(false);
  });

  it('reports one CorDapp named twice with two versions as a duplicate header (a diagnostic, exit 1)', () => {
    const root = temp.make('flowc-twice-');
    const dir = writeCordapp(root, 'twice', {
      'a.flow': 'cordapp com.example.same version 1.0.0\n\nflow A() {\n}\n',
      'b.flow': 'cordapp com.example.same version 2.0.0\n\nflow B() {\n}\n',
    });
    const out = path.join(root, 'out');
    const run = flowc(['build', dir, '--out', out]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('duplicate-declaration');
    expect(run.stdout).toContain('a.flow:1:1');
    expect(run.stdout).toContain('b.flow:1:1');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a CorDapp without a header with one clear line', () => {
    const root = temp.make('flowc-none-');
    const dir = writeCordapp(root, 'none', { 'a.flow': 'flow A() {\n}\n' });
    const out = path.join(root, 'out');
    expectOneLineError(flowc(['build', dir, '--out', out]), /no cordapp header.*cordapp com\.example/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unreadable .flow file with one line naming it', () => {
    const root = temp.make('flowc-unreadable-');
    const dir = writeCordapp(root, 'unreadable', tinyCordapp());
    const file = path.join(dir, 'x.flow');
    writeFileSync(file, 'flow X() {\n}\n');
    chmodSync(file, 0o000);
    let readable = true;
    try {
      readFileSync(file);
    } catch {
      readable = false;
    }
    if (readable) {
      // root reads whatever the mode says: a dangling symlink is unreadable for everyone
      rmSync(file);
      symlinkSync(path.join(root, 'missing.flow'), file);
    }
    const out = path.join(root, 'out');
    expectOneLineError(flowc(['build', dir, '--out', out]), /cannot read .*x\.flow/);
    expect(existsSync(out)).toBe(false);

    // a directory that is named like a .flow file
    rmSync(file, { force: true });
    mkdirSync(file);
    expectOneLineError(flowc(['build', dir, '--out', out]), /cannot read .*x\.flow/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a directory that does not exist or holds no .flow file', () => {
    const root = temp.make('flowc-empty-');
    expectOneLineError(
      flowc(['build', path.join(root, 'missing'), '--out', path.join(root, 'o')]),
      /missing/,
    );
    mkdirSync(path.join(root, 'empty'));
    expectOneLineError(
      flowc(['build', path.join(root, 'empty'), '--out', path.join(root, 'o')]),
      /no \.flow/,
    );
    expect(readdirSync(root)).toEqual(['empty']);
  });

  it('refuses an --out directory that is not empty and holds no earlier bundle, and touches nothing', () => {
    const root = temp.make('flowc-nonempty-');
    const dir = writeCordapp(root, 'tiny', tinyCordapp());
    const out = path.join(root, 'precious');
    mkdirSync(path.join(out, 'notes'), { recursive: true });
    writeFileSync(path.join(out, 'thesis.txt'), 'years of work\n');
    writeFileSync(path.join(out, 'notes', 'a.md'), '# notes\n');
    const before = readTextTree(out);
    expectOneLineError(flowc(['build', dir, '--out', out]), /precious.*not empty/);
    expect(readTextTree(out)).toEqual(before);
    expect(readdirSync(root).sort()).toEqual(['precious', 'tiny']);

    // a regular file is no place for a bundle either
    const file = path.join(root, 'file.txt');
    writeFileSync(file, 'keep me\n');
    expectOneLineError(flowc(['build', dir, '--out', file]), /file\.txt/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(readdirSync(root).sort()).toEqual(['file.txt', 'precious', 'tiny']);
  });

  it('rebuilding into the same out directory replaces the earlier bundle cleanly', () => {
    const root = temp.make('flowc-rebuild-');
    const dir = writeCordapp(root, 'tiny', tinyCordapp('1.0.0', 'both'));
    const out = path.join(root, 'out');
    flowcOk(['build', dir, '--out', out]);
    const first = readTextTree(out);
    expect(Object.keys(first).filter((f) => f.startsWith('machines/') || f.endsWith('.cordapp'))).toEqual([
      'com.example.tiny-1.0.0.cordapp',
      'machines/Add.json',
      'machines/Pay.json',
    ]);

    // the same sources: the same bytes
    flowcOk(['build', dir, '--out', out]);
    expect(readTextTree(out)).toEqual(first);

    // a new version without Pay: the out directory holds what a fresh build does, nothing of the old bundle
    writeFileSync(path.join(dir, 'tiny.flow'), tinyCordapp('1.1.0', 'first')['tiny.flow']!);
    flowcOk(['build', dir, '--out', out]);
    const second = readTextTree(out);
    const fresh = path.join(temp.make('flowc-fresh-'), 'out');
    flowcOk(['build', dir, '--out', fresh]);
    expect(second).toEqual(readTextTree(fresh));
    expect(Object.keys(second).filter((f) => f.startsWith('machines/') || f.endsWith('.cordapp'))).toEqual([
      'com.example.tiny-1.1.0.cordapp',
      'machines/Add.json',
    ]);
    const manifest = JSON.parse(second['manifest.json']!) as Manifest;
    expect(manifest.version).toBe('1.1.0');
    expect(manifest.flows.map((f) => f.name)).toEqual(['Add']);
    // no staging or backup directory is left beside it
    expect(readdirSync(root).sort()).toEqual(['out', 'tiny']);
  });
});
