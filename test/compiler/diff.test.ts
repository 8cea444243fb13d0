/**
 * `flowc diff OLD NEW [--format text|json]`, run as users run it (the built `bin/flowc.js` in a child process), on
 * copies of a small trading CorDapp changed one way per case: in temp source directories, and once on built
 * `.cordapp` bundles. Exit 0 when checkpoints and protocol both stay compatible, 1 otherwise, 2 on bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedent } from '../utils/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FLOWC = path.join(ROOT, 'bin/flowc.js');
/** Each `flowc diff` of two directories builds both in memory: seconds each when the machine is busy. */
const SLOW = 120_000;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function flowc(...args: string[]): Run {
  const result = spawnSync(process.execPath, [FLOWC, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: SLOW,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface StateVerdict {
  state: string;
  to?: string;
  problems: string[];
}

interface DiffJson {
  old: { name: string; version: string };
  new: { name: string; version: string };
  flows: {
    flow: string;
    status: string;
    kept: StateVerdict[];
    mapped: StateVerdict[];
    lost: StateVerdict[];
    protocol: { compatible: boolean; against: string; faults: string[] }[];
  }[];
  checkpointsCompatible: boolean;
  protocolCompatible: boolean;
}

/** The CorDapp every case starts from: a seller offers, waits for the buyer's answer, and thanks it. */
const BASE = dedent`
  cordapp com.example.upgrade version 1.0.0

  message Offer {
    item: String
    price: Int
  }

  @startable
  initiating flow Seller(buyer: Party, item: String, price: Int) -> Bool {
    progress {
      Offering "Sending the offer"
      Waiting "Waiting for the answer"
    }
    let session = open buyer
    let fee = price * 0.1
    step Offering
    send Offer { item: item, price: price } to session
    step Waiting
    let accepted = receive Bool from session within 1h
    if accepted {
      send "thanks" to session
    }
    return accepted && fee < 50.0
  }

  responder flow Buyer(session: Session) for Seller {
    let offer = receive Offer from session
    let ok = await input Bool "Buy {offer.item} for {offer.price}?"
    send ok to session
    if ok {
      let thanks = receive String from session
    }
  }
`;

/** BASE with each `[from, to]` replaced (every `from` must be there), as version 1.1.0. */
function changed(...edits: [string, string][]): string {
  let text = BASE.replace('version 1.0.0', 'version 1.1.0');
  for (const [from, to] of edits) {
    expect(text, `the base CorDapp contains ${JSON.stringify(from)}`).toContain(from);
    text = text.replace(from, to);
  }
  return text;
}

let work: string;

/** A CorDapp source directory holding one file. */
function cordapp(name: string, text: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trade.flow'), text);
  return dir;
}

function diffJson(oldPath: string, newPath: string): { run: Run; report: DiffJson } {
  const run = flowc('diff', oldPath, newPath, '--format', 'json');
  expect(run.stderr, 'nothing on stderr').toBe('');
  return { run, report: JSON.parse(run.stdout) as DiffJson };
}

function flowOf(report: DiffJson, name: string): DiffJson['flows'][number] {
  const flow = report.flows.find((f) => f.flow === name);
  expect(flow, `the report has flow ${name}`).toBeDefined();
  return flow!;
}

let base: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'flowc-diff-'));
  base = cordapp('base', BASE);
  if (existsSync(path.join(ROOT, 'dist/compiler/node/cli/flowc.js'))) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', shell: true });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}, SLOW);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('flowc diff on source directories', () => {
  it(
    'finds the base CorDapp clean and compatible with itself',
    () => {
      const check = flowc('check', base);
      expect(check.status, check.stdout + check.stderr).toBe(0);
      const { run, report } = diffJson(base, base);
      expect(run.status).toBe(0);
      expect(report).toMatchObject({ checkpointsCompatible: true, protocolCompatible: true });
      expect(report.flows.map((f) => [f.flow, f.status])).toEqual([
        ['Buyer', 'unchanged'],
        ['Seller', 'unchanged'],
      ]);
    },
    SLOW,
  );

  it(
    'calls renaming a progress step label compatible (exit 0)',
    () => {
      const next = cordapp(
        'label',
        changed(['Waiting "Waiting for the answer"', 'Waiting "Waiting for the buyer to answer"']),
      );
      const { run, report } = diffJson(base, next);
      expect(run.status, run.stdout).toBe(0);
      expect(report).toMatchObject({
        old: { name: 'com.example.upgrade', version: '1.0.0' },
        new: { name: 'com.example.upgrade', version: '1.1.0' },
        checkpointsCompatible: true,
        protocolCompatible: true,
      });
      const seller = flowOf(report, 'Seller');
      expect(seller.kept.map((k) => k.state)).toEqual(['open_session', 'receive_accepted']);
      expect([...seller.mapped, ...seller.lost]).toEqual([]);
      expect(seller.protocol.map((p) => p.compatible)).toEqual([true, true]);

      const text = flowc('diff', base, next, '--format', 'text');
      expect(text.status).toBe(0);
      expect(text.stdout).toContain('com.example.upgrade 1.0.0 → com.example.upgrade 1.1.0');
      expect(text.stdout).toContain('kept: open_session, receive_accepted');
      expect(text.stdout).toContain('checkpoints: compatible; protocol: compatible');
      expect(text.stdout).not.toContain('INCOMPATIBLE');
    },
    SLOW,
  );

  it(
    'calls inserting a send on both sides protocol-incompatible (exit 1), naming the flow and the fault',
    () => {
      const next = cordapp(
        'insert',
        changed(
          [
            'send Offer { item: item, price: price } to session',
            'send Offer { item: item, price: price } to session\n  send 3 to session',
          ],
          [
            'let offer = receive Offer from session',
            'let offer = receive Offer from session\n  let days = receive Int from session',
          ],
        ),
      );
      // each version is consistent on its own
      const check = flowc('check', next);
      expect(check.status, check.stdout).toBe(0);

      const { run, report } = diffJson(base, next);
      expect(run.status).toBe(1);
      expect(report.checkpointsCompatible).toBe(true);
      expect(report.protocolCompatible).toBe(false);
      const seller = flowOf(report, 'Seller');
      expect(seller.status).toBe('changed');
      expect(seller.protocol.map((p) => [p.against, p.compatible])).toEqual([
        ['new Seller with a counterpart on 1.0.0', false],
        ['old Seller (1.0.0) with the new responder', false],
      ]);
      // the new seller's Int meets the old buyer's receive of the thanks
      const [newWithOld, oldWithNew] = seller.protocol;
      expect(
        newWithOld!.faults.some((f) =>
          /^protocol-mismatch: Buyer expects String here, but Seller sends Int/.test(f),
        ),
      ).toBe(true);
      expect(newWithOld!.faults.join('\n')).toContain('Seller sends Int (trade.flow:18)');
      // the old seller waits for the answer while the new buyer waits for the days
      expect(oldWithNew!.faults).toEqual([
        expect.stringMatching(/^deadlock: Seller and Buyer both wait to receive/),
      ]);
      expect(flowOf(report, 'Buyer').protocol).toEqual([]);

      const text = flowc('diff', base, next);
      expect(text.status).toBe(1);
      expect(text.stdout).toContain('  Seller (changed)');
      expect(text.stdout).toContain('    protocol, new Seller with a counterpart on 1.0.0: INCOMPATIBLE');
      expect(text.stdout).toContain('    protocol, old Seller (1.0.0) with the new responder: INCOMPATIBLE');
      expect(text.stdout).toMatch(/^ {6}protocol-mismatch: Buyer expects String here, but Seller sends Int/m);
      expect(text.stdout).toMatch(/^ {6}deadlock: Seller and Buyer both wait/m);
      expect(text.stdout).toContain('checkpoints: compatible; protocol: INCOMPATIBLE');
    },
    SLOW,
  );

  it(
    'calls removing a state flows wait in checkpoint-incompatible (exit 1), naming the lost state',
    () => {
      const next = cordapp(
        'lost',
        changed([
          'let ok = await input Bool "Buy {offer.item} for {offer.price}?"',
          'let ok = offer.price < 100',
        ]),
      );
      const { run, report } = diffJson(base, next);
      expect(run.status).toBe(1);
      expect(report.checkpointsCompatible).toBe(false);
      expect(report.protocolCompatible).toBe(true);
      const buyer = flowOf(report, 'Buyer');
      expect(buyer.lost).toEqual([
        { state: 'input_ok', problems: ['no new state waits for "ok = await input Bool"'] },
      ]);
      expect(buyer.kept.map((k) => k.state)).toEqual(['receive_offer', 'receive_thanks']);
      expect(flowOf(report, 'Seller').lost).toEqual([]);

      const text = flowc('diff', base, next, '--format', 'text');
      expect(text.status).toBe(1);
      expect(text.stdout).toContain('    lost: input_ok: no new state waits for "ok = await input Bool"');
      expect(text.stdout).toContain('checkpoints: INCOMPATIBLE; protocol: compatible');
    },
    SLOW,
  );

  it(
    'calls an optional branch at the end, which the old counterpart never takes, compatible (exit 0)',
    () => {
      const next = cordapp(
        'branch',
        changed(
          // the responder talks more to initiators from version 2 on; this initiator stays version 1
          [
            '    let thanks = receive String from session\n  }\n',
            '    let thanks = receive String from session\n  }\n  if session.version >= 2 {\n    send offer.price * 2 to session\n  }\n',
          ],
          // and the seller computes a little more before it returns
          [
            'return accepted && fee < 50.0',
            'let margin = price - 10\n  return accepted && fee < 50.0 && margin > 0',
          ],
        ),
      );
      const check = flowc('check', next);
      expect(check.status, check.stdout).toBe(0);
      const { run, report } = diffJson(base, next);
      expect(run.status, run.stdout).toBe(0);
      expect(report).toMatchObject({ checkpointsCompatible: true, protocolCompatible: true });
      expect(flowOf(report, 'Buyer').status).toBe('changed');
      expect(flowOf(report, 'Seller').kept.every((k) => k.problems.length === 0)).toBe(true);

      const text = flowc('diff', base, next, '--format', 'text');
      expect(text.status).toBe(0);
      expect(text.stdout).toContain('checkpoints: compatible; protocol: compatible');

      // a version-2 seller that waits for the new message cannot talk to a buyer still on 1.0.0, while the old
      // seller (version 1) can talk to the new buyer
      const v2 = cordapp(
        'branch-v2',
        changed(
          [
            '    let thanks = receive String from session\n  }\n',
            '    let thanks = receive String from session\n  }\n  if session.version >= 2 {\n    send offer.price * 2 to session\n  }\n',
          ],
          ['@startable\n', '@startable\n@version(2)\n'],
          [
            'return accepted && fee < 50.0',
            'let doubled = receive Int from session\n  return accepted && fee < 50.0',
          ],
        ),
      );
      expect(flowc('check', v2).status).toBe(0);
      const eager = diffJson(base, v2);
      expect(eager.run.status).toBe(1);
      expect(eager.report.protocolCompatible).toBe(false);
      const [newWithOld, oldWithNew] = flowOf(eager.report, 'Seller').protocol;
      expect(newWithOld!.faults).toEqual([
        expect.stringMatching(/^early-end: Seller waits for Int here, but Buyer has ended/),
      ]);
      expect(oldWithNew).toMatchObject({ compatible: true, faults: [] });
    },
    SLOW,
  );

  it(
    'calls a changed type of a variable that a waiting state needs incompatible, naming the variable',
    () => {
      const next = cordapp(
        'retype',
        changed(['let fee = price * 0.1', 'let fee = price / 10'], ['fee < 50.0', 'fee < 50']),
      );
      const { run, report } = diffJson(base, next);
      expect(run.status).toBe(1);
      expect(report.checkpointsCompatible).toBe(false);
      expect(report.protocolCompatible).toBe(true);
      const seller = flowOf(report, 'Seller');
      expect(seller.kept).toContainEqual({
        state: 'receive_accepted',
        problems: ['needs "fee" as Int, but the old checkpoint holds Decimal'],
      });
      expect(seller.kept.find((k) => k.state === 'open_session')!.problems).toEqual([]);

      const text = flowc('diff', base, next, '--format', 'text');
      expect(text.status).toBe(1);
      expect(text.stdout).toContain(
        'receive_accepted: needs "fee" as Int, but the old checkpoint holds Decimal',
      );
      expect(text.stdout).toContain('checkpoints: INCOMPATIBLE; protocol: compatible');

      // the other way round, an Int checkpoint fits a Decimal the new version needs
      const widened = diffJson(next, base);
      expect(widened.report.checkpointsCompatible).toBe(true);
      expect(widened.run.status).toBe(0);
    },
    SLOW,
  );

  it(
    "runs each side with its own version's sub-flows: a sub-flow changed on both sides is incompatible",
    () => {
      const old = cordapp(
        'sub-old',
        dedent`
          cordapp com.example.subflows version 1.0.0

          initiating flow Ask(peer: Party, item: String) -> Bool {
            let session = open peer
            send item to session
            return call Listen(session)
          }

          flow Listen(session: Session) -> Bool {
            return receive Bool from session within 1h
          }

          responder flow Answer(session: Session) for Ask {
            let item = receive String from session
            call Reply(session, item)
          }

          flow Reply(session: Session, item: String) {
            send item.length > 0 to session
          }
        `,
      );
      const next = cordapp(
        'sub-new',
        dedent`
          cordapp com.example.subflows version 1.1.0

          initiating flow Ask(peer: Party, item: String) -> Bool {
            let session = open peer
            send item to session
            return call Listen(session)
          }

          flow Listen(session: Session) -> Bool {
            let answer = receive String from session within 1h
            return answer == "yes"
          }

          responder flow Answer(session: Session) for Ask {
            let item = receive String from session
            call Reply(session, item)
          }

          flow Reply(session: Session, item: String) {
            send "yes" to session
          }
        `,
      );
      for (const dir of [old, next]) expect(flowc('check', dir).status).toBe(0);
      const { run, report } = diffJson(old, next);
      expect(run.status).toBe(1);
      expect(report.protocolCompatible).toBe(false);
      const ask = flowOf(report, 'Ask');
      expect(ask.protocol.map((p) => p.compatible)).toEqual([false, false]);
      expect(ask.protocol[0]!.faults).toEqual([
        expect.stringMatching(/^protocol-mismatch: Ask expects String here, but Answer sends Bool/),
      ]);
      expect(ask.protocol[1]!.faults).toEqual([
        expect.stringMatching(/^protocol-mismatch: Ask expects Bool here, but Answer sends String/),
      ]);
    },
    SLOW,
  );
});

describe('flowc diff and sub-flows compiled into their caller', () => {
  const NAP = dedent`
    cordapp com.example.inlined version 1.0.0

    @startable
    flow Outer() -> Int {
      var got = 0
      try {
        got = call Nap(2)
      } catch e {
        got = -1
      }
      return got
    }

    flow Nap(n: Int) -> Int {
      sleep 1s
      return n
    }
  `;

  it(
    'says a call that is now compiled in no longer waits, and that a checkpoint in its frame needs the frame',
    () => {
      // inside `try` the call is a sub-flow (a waiting state); moved out, it is compiled into Outer
      const moved = NAP.replace('version 1.0.0', 'version 1.1.0').replace(
        /var got = 0\n {2}try \{\n {4}got = call Nap\(2\)\n {2}\} catch e \{\n {4}got = -1\n {2}\}/,
        'let got = call Nap(2)',
      );
      expect(moved).not.toContain('try');
      const { report } = diffJson(cordapp('nap-1', NAP), cordapp('nap-2', moved));
      const outer = flowOf(report, 'Outer');
      const call = outer.lost.find((l) => l.state.startsWith('call_'));
      expect(call?.problems).toEqual([
        `the new "${call!.state}" does not wait: its call of Nap is compiled into the flow (a checkpoint waiting for the call cannot resume inside it)`,
      ]);
      expect(report.checkpointsCompatible).toBe(false);
    },
    SLOW,
  );
});

describe('flowc diff on built bundles', () => {
  let oldBundle: string;
  let insertBundle: string;
  let labelBundle: string;

  function build(dir: string, out: string): string {
    const run = flowc('build', dir, '--out', out);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const bundle = readdirSync(out).find((f) => f.endsWith('.cordapp'));
    expect(bundle).toBeDefined();
    return path.join(out, bundle!);
  }

  beforeAll(() => {
    oldBundle = build(base, path.join(work, 'out-base'));
    labelBundle = build(
      cordapp('b-label', changed(['Offering "Sending the offer"', 'Offering "Offering the item"'])),
      path.join(work, 'out-label'),
    );
    insertBundle = build(
      cordapp(
        'b-insert',
        changed(
          ['send ok to session', 'send ok to session\n  send "note" to session'],
          [
            'let accepted = receive Bool from session within 1h',
            'let accepted = receive Bool from session within 1h\n  let note = receive String from session',
          ],
        ),
      ),
      path.join(work, 'out-insert'),
    );
  }, SLOW);

  it(
    'gives the verdicts of the sources: a label is compatible, an inserted send is not',
    () => {
      expect(path.basename(oldBundle)).toBe('com.example.upgrade-1.0.0.cordapp');
      const label = diffJson(oldBundle, labelBundle);
      expect(label.run.status).toBe(0);
      expect(label.report).toMatchObject({ checkpointsCompatible: true, protocolCompatible: true });

      const insert = diffJson(oldBundle, insertBundle);
      expect(insert.run.status).toBe(1);
      expect(insert.report.protocolCompatible).toBe(false);
      const seller = flowOf(insert.report, 'Seller');
      expect(seller.protocol.map((p) => p.compatible)).toEqual([false, false]);
      expect(seller.protocol.flatMap((p) => p.faults).join('\n')).toMatch(/Seller|Buyer/);

      const text = flowc('diff', oldBundle, insertBundle, '--format', 'text');
      expect(text.status).toBe(1);
      expect(text.stdout).toContain('com.example.upgrade 1.0.0 → com.example.upgrade 1.1.0');
      expect(text.stdout).toContain('protocol: INCOMPATIBLE');
    },
    SLOW,
  );

  it(
    'compares a bundle with a source directory, either way round, as two directories',
    () => {
      const fromDirs = diffJson(base, path.join(work, 'b-insert'));
      const mixed = diffJson(oldBundle, path.join(work, 'b-insert'));
      const reversed = diffJson(path.join(work, 'b-insert'), oldBundle);
      expect(mixed.run.status).toBe(1);
      expect(mixed.report).toEqual(fromDirs.report);
      expect(reversed.run.status).toBe(1);
      expect(reversed.report.old.version).toBe('1.1.0');
    },
    SLOW,
  );
});

describe('flowc diff on bad input', () => {
  it(
    'exits 2 with one line for a path that does not exist, in both formats',
    () => {
      for (const format of ['text', 'json']) {
        const run = flowc('diff', base, path.join(work, 'missing'), '--format', format);
        expect(run.status).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr.trim().split('\n')).toEqual([
          `flowc: cannot read "${path.join(work, 'missing')}": no such file or directory`,
        ]);
      }
    },
    SLOW,
  );

  it(
    'exits 2 for a directory with errors, showing them and saying to fix them, in both formats',
    () => {
      const broken = cordapp(
        'broken',
        dedent`
          cordapp com.example.upgrade version 1.1.0

          initiating flow Lonely(peer: Party) {
            let session = open peer
            send 1 to session
          }
        `,
      );
      for (const format of ['text', 'json']) {
        const run = flowc('diff', base, broken, '--format', format);
        expect(run.status).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toContain('missing-responder');
        expect(run.stderr.trim().split('\n').at(-1)).toBe(
          `flowc: "${broken}" has errors: fix them before comparing`,
        );
      }
    },
    SLOW,
  );

  it(
    'exits 2 for a file that is not a bundle, and for an unknown format',
    () => {
      const notBundle = path.join(work, 'not-a.cordapp');
      writeFileSync(notBundle, '{"hello": true}');
      const run = flowc('diff', notBundle, base);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^flowc: .*not-a\.cordapp" is not a sound bundle/);

      const format = flowc('diff', base, base, '--format', 'yaml');
      expect(format.status).toBe(2);
      expect(format.stdout).toBe('');
    },
    SLOW,
  );
});
