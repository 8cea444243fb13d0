/**
 * The protocol corpus: initiator/responder pairs, correct ones in test/fixtures/protocol and faulty ones in
 * test/invalid/protocol. Each faulty file starts with one line per diagnostic it must produce, all of them, in
 * order: `// expect: CODE LINE:COL related LINE:COL` (the main place on one side, the related place on the other).
 * Files are loaded as `flowc check` loads them (`loadWorkspace`: each file with a header of its own is a CorDapp).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkSources,
  parse,
  print,
  type Diagnostic,
  type FileCheckResult,
  type FlowDecl,
} from '../../../language/index.js';
import { loadWorkspace } from '../../../language/node/files.js';
import { dedent } from '../../utils/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const VALID_DIR = path.join(ROOT, 'test/fixtures/protocol');
const INVALID_DIR = path.join(ROOT, 'test/invalid/protocol');
const PROTOCOL_CODES = ['protocol-mismatch', 'deadlock', 'early-end', 'uncommunicated-choice'];

interface Expectation {
  code: string;
  line: number;
  column: number;
  relatedLine: number;
  relatedColumn: number;
}

function flowFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.flow'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The `// expect:` lines of a file's leading comment. */
function expectations(text: string): Expectation[] {
  const expected: Expectation[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) break;
    const match = /^\/\/ expect: ([a-z-]+) (\d+):(\d+) related (\d+):(\d+)\s*$/.exec(line);
    if (match) {
      const [, code, l, c, rl, rc] = match;
      expected.push({
        code: code!,
        line: Number(l),
        column: Number(c),
        relatedLine: Number(rl),
        relatedColumn: Number(rc),
      });
    } else expect(line, 'a malformed expectation line').not.toMatch(/^\/\/\s*expect:/);
  }
  return expected;
}

function actual(d: Diagnostic): Expectation {
  expect(d.related, `${d.code} at ${d.range.line}:${d.range.column} has one related place`).toHaveLength(1);
  const related = d.related![0]!;
  expect(related.file, 'the related place is in the same file').toBeUndefined();
  return {
    code: d.code,
    line: d.range.line,
    column: d.range.column,
    relatedLine: related.range.line,
    relatedColumn: related.range.column,
  };
}

function flowsOf(text: string): FlowDecl[] {
  return parse(text).document.items.filter((i): i is FlowDecl => i.kind === 'FlowDecl');
}

/** The flow declared around a line. */
function flowAt(flows: FlowDecl[], line: number): string | undefined {
  return flows.find((f) => f.loc.line <= line && line <= f.loc.endLine)?.name.name;
}

/** The flows named by a conversation trace: `Flow sends T (file:line)`, `Flow receives T (...)`, ... */
function traceNames(message: string): string[] {
  const names = [
    ...message.matchAll(/\b(\w+) (?:sends|receives|expects) [\w<>]+(?:, [\w<>]+)* \([\w.-]+:\d+\)/g),
  ].map((m) => m[1]!);
  return [...new Set(names)];
}

async function check(dir: string): Promise<Map<string, FileCheckResult>> {
  const { workspace, requested } = await loadWorkspace([dir]);
  const results = workspace.check(requested);
  return new Map(results.map((r) => [path.resolve(r.path), r]));
}

const validFiles = flowFiles(VALID_DIR);
const invalidFiles = flowFiles(INVALID_DIR);
let validResults: Map<string, FileCheckResult>;
let invalidResults: Map<string, FileCheckResult>;

beforeAll(async () => {
  validResults = await check(VALID_DIR);
  invalidResults = await check(INVALID_DIR);
});

describe('the protocol corpus', () => {
  it('holds at least 30 initiator/responder pairs, each initiating flow with its responder in its file', () => {
    let pairs = 0;
    const names = new Set<string>();
    for (const file of [...validFiles, ...invalidFiles]) {
      const text = readFileSync(file, 'utf8');
      const header = /^cordapp (com\.example\.protocol\.\w+) version 1\.0\.0$/m.exec(text);
      expect(header, `${path.basename(file)} has its own com.example.protocol.<name> header`).not.toBeNull();
      names.add(header![1]!);
      const flows = flowsOf(text);
      for (const initiator of flows.filter((f) => f.flowKind === 'initiating')) {
        const responder = flows.find(
          (f) => f.flowKind === 'responder' && f.respondsTo?.name === initiator.name.name,
        );
        expect(responder, `${path.basename(file)}: a responder for ${initiator.name.name}`).toBeDefined();
        pairs++;
      }
    }
    expect(names.size, 'every file is a CorDapp of its own').toBe(validFiles.length + invalidFiles.length);
    expect(pairs).toBeGreaterThanOrEqual(30);
    expect(validFiles.length).toBeGreaterThanOrEqual(15);
    expect(invalidFiles.length).toBeGreaterThanOrEqual(15);
  });

  it('covers every protocol code with a faulty pair', () => {
    const covered = new Set(
      invalidFiles.flatMap((f) => expectations(readFileSync(f, 'utf8')).map((e) => e.code)),
    );
    expect(PROTOCOL_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });

  it.each(validFiles.map((f) => [path.basename(f), f]))('%s checks clean', (_name, file) => {
    const result = validResults.get(file);
    expect(result, 'checked').toBeDefined();
    expect(
      result!.diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.column} ${d.message}`),
    ).toEqual([]);
  });

  it.each(invalidFiles.map((f) => [path.basename(f), f]))(
    '%s produces exactly the diagnostics it expects, with both places',
    (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const expected = expectations(text);
      expect(expected.length, 'the file has "// expect:" lines').toBeGreaterThan(0);
      const result = invalidResults.get(file);
      expect(result, 'checked').toBeDefined();
      const diagnostics = result!.diagnostics;
      expect(
        diagnostics.map(actual),
        diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.column}: ${d.message}`).join('\n'),
      ).toEqual(expected);
      const flows = flowsOf(text);
      for (const d of diagnostics) {
        expect(d.severity).toBe('error');
        // the main place is on one side of the conversation, the related place on the other
        const main = flowAt(flows, d.range.line);
        const related = flowAt(flows, d.related![0]!.range.line);
        expect(main, 'the main place is in a flow').toBeDefined();
        expect(related, 'the related place is in a flow').toBeDefined();
        expect(related, `${d.code}: the related place is in another flow than ${main}`).not.toBe(main);
        // a conversation trace, where the message has one, names both flows
        const named = traceNames(d.message);
        if (named.length > 0) {
          expect(named.length, `the trace of "${d.message}" names both flows`).toBeGreaterThanOrEqual(2);
          const declared = new Set(flows.map((f) => f.name.name));
          expect(named.filter((n) => !declared.has(n))).toEqual([]);
          expect(named.some((n) => flows.find((f) => f.name.name === n)?.flowKind === 'initiating')).toBe(
            true,
          );
          expect(named.some((n) => flows.find((f) => f.name.name === n)?.flowKind === 'responder')).toBe(
            true,
          );
        }
      }
    },
  );

  it('gives conversation traces in most faults, each naming both flows', () => {
    const messages = [...invalidResults.values()].flatMap((r) => r.diagnostics.map((d) => d.message));
    const traced = messages.filter((m) => traceNames(m).length > 0);
    expect(traced.length).toBeGreaterThan(messages.length / 2);
    for (const m of traced) expect(traceNames(m).length, m).toBeGreaterThanOrEqual(2);
  });
});

/**
 * A correct `@version(2)` pair whose responder branches on the initiator's version. It stays out of
 * test/fixtures: test/compiler/machines/fixtures.test.ts requires every machine state of every fixture to be
 * reachable, and the runtime does not give `session.version` a value yet, so the version-2 branch never runs there.
 * Its faulty siblings are test/invalid/protocol/version-*.flow.
 */
const VERSION_BRANCH = dedent`
  cordapp com.example.protocol.versionBranch version 1.0.0

  message Memo {
    text: String
  }

  @version(2)
  initiating flow Transfer(to: Party, units: Int) {
    let session = open to
    send units to session
    send Memo { text: "v2 memo" } to session
    let ack = receive Bool from session
  }

  responder flow AcceptTransfer(session: Session) for Transfer {
    let units = receive Int from session
    let version = session.version
    if version >= 2 {
      let memo = receive Memo from session
    }
    if session.version == 1 {
      return
    }
    send true to session
  }
`;

describe('versions', () => {
  it("checks a responder that branches on session.version with the initiator's @version", () => {
    const check = (text: string): string[] =>
      checkSources([{ path: 'version-branch.flow', text }]).flatMap((r) =>
        r.diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.column}`),
      );
    expect(check(VERSION_BRANCH)).toEqual([]);
    // as version 1, the same initiator waits for an answer that the responder, returning early, never sends
    expect(check(VERSION_BRANCH.replace('@version(2)\n', ''))).toEqual(['early-end 11:13']);
    expect(print(parse(VERSION_BRANCH).document)).toBe(VERSION_BRANCH);
  });
});

describe('no false alarm', () => {
  it('reports no protocol diagnostic on any other fixture or sample of the repository', async () => {
    const roots = ['test/fixtures', 'samples']
      .map((d) => path.join(ROOT, d))
      .filter((d) => existsSync(d) && flowFilesUnder(d).length > 0);
    const found: string[] = [];
    let checked = 0;
    for (const dir of roots) {
      const results = await check(dir);
      for (const [file, result] of results) {
        if (file.startsWith(VALID_DIR + path.sep)) continue;
        checked++;
        for (const d of result.diagnostics)
          if (PROTOCOL_CODES.includes(d.code))
            found.push(
              `${path.relative(ROOT, file)}:${d.range.line}:${d.range.column} ${d.code}: ${d.message}`,
            );
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(found).toEqual([]);
  });
});

function flowFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.flow'))
    .map((e) => e.name);
}
