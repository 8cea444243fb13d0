/**
 * A `Workspace` keeps what is still valid between checks (the protocol checker's programs and pair results, and each
 * top-level declaration's diagnostics, with names and types computed only for declarations that changed). After
 * every edit, its diagnostics must be those of a fresh check of the same texts: a fixed sequence of edits that
 * reach across files (a message type, a renamed flow, a sub-flow in another file, files added, moved and removed),
 * and a fast-check property over random sequences of edits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../../language/ast.js';
import { checkSources, Workspace, type FileCheckResult, type SourceFile } from '../../../language/index.js';
import { typeToString } from '../../../language/types.js';
import { childrenOf } from '../../../language/visitor.js';
import { benchHostModules, generateCordapp } from '../../bench/cordapp.js';
import { dedent } from '../../utils/index.js';

type Texts = Record<string, string>;

const BASE: Texts = {
  'app/messages.flow': dedent`
    cordapp com.example.incremental version 1.0.0

    message Offer {
      price: Amount
      units: Int
    }

    message Answer {
      ok: Bool
    }

    enum Mood {
      Happy
      Sad
    }
  `,
  'app/buyer.flow': dedent`
    initiating flow Buy(seller: Party, units: Int) {
      let session = open seller
      send Offer { price: amount(1, "GBP"), units: units } to session
      let answer = receive Answer from session
      if answer.ok {
        call Pay(session, units)
      }
    }

    flow Pay(session: Session, units: Int) {
      send units to session
    }
  `,
  'app/seller.flow': dedent`
    responder flow Sell(session: Session) for Buy {
      let offer = receive Offer from session
      let ok = true
      send Answer { ok: ok } to session
      let paid = receive Int from session
    }

    initiating flow Ping(peer: Party, mood: Mood) {
      let session = open peer
      send mood to session
      if mood == Mood.Happy {
        send 1 to session
      }
    }

    responder flow Pong(session: Session) for Ping {
      let mood = receive Mood from session
      if mood == Mood.Happy {
        call Collect(session)
      }
    }
  `,
  'app/collect.flow': dedent`
    flow Collect(session: Session) {
      let n = receive Int from session
    }
  `,
};

const EXTRA = dedent`
  initiating flow Ask(peer: Party) {
    let session = open peer
    send "question" to session
    let reply = receive Answer from session
  }

  responder flow Tell(session: Session) for Ask {
    let question = receive String from session
    send 42 to session
  }
`;

const OTHER = dedent`
  cordapp com.example.other version 1.0.0

  import { Offer } from "../app/messages.flow"

  initiating flow Forward(peer: Party, offer: Offer) {
    let session = open peer
    send offer to session
    send offer.units to session
  }

  responder flow Receive(session: Session) for Forward {
    let offer = receive Offer from session
    let units = offer.units + 1
    let more = receive Int from session
  }
`;

function sources(texts: Texts): SourceFile[] {
  return Object.entries(texts).map(([path, text]) => ({ path, text }));
}

/** What a check says, without the objects that belong to one check (documents, types, units). */
function outcome(results: FileCheckResult[]): { path: string; diagnostics: unknown }[] {
  return results.map((r) => ({ path: r.path, diagnostics: JSON.parse(JSON.stringify(r.diagnostics)) }));
}

/** Brings the workspace to `texts`, checks the changed files first, then all, and compares with a fresh check. */
function expectSameAsFresh(workspace: Workspace, texts: Texts, host = {}): number {
  const changed: string[] = [];
  for (const path of workspace.paths()) {
    if (!(path in texts)) workspace.removeFile(path);
  }
  for (const [path, text] of Object.entries(texts)) {
    if (workspace.getFile(path)?.text !== text) changed.push(path);
    workspace.setFile(path, text);
  }
  const fresh = outcome(checkSources(sources(texts), host));
  if (changed.length > 0) {
    const partial = outcome(workspace.check(changed));
    expect(partial).toEqual(fresh.filter((r) => changed.includes(r.path)));
  }
  expect(outcome(workspace.check())).toEqual(fresh);
  return fresh.reduce((n, r) => n + (r.diagnostics as unknown[]).length, 0);
}

function replace(texts: Texts, path: string, from: string, to: string): Texts {
  const text = texts[path]!;
  if (!text.includes(from)) throw new Error(`"${from}" is not in ${path}.`);
  return { ...texts, [path]: text.replace(from, to) };
}

/** Each step: a name and the texts after it. Protocol faults appear and go away along the way. */
const STEPS: [string, (texts: Texts) => Texts][] = [
  ['a same-length edit in a body', (t) => replace(t, 'app/seller.flow', 'let ok = true', 'let ok = fals')],
  ['the edit fixed', (t) => replace(t, 'app/seller.flow', 'let ok = fals', 'let ok = true')],
  [
    'lines inserted above the flows (every place moves)',
    (t) => ({ ...t, 'app/buyer.flow': `// the buyer\n\n${t['app/buyer.flow']!}` }),
  ],
  [
    'a message field changes type in another file',
    (t) => replace(t, 'app/messages.flow', 'ok: Bool', 'ok: Int'),
  ],
  ['the field changes back', (t) => replace(t, 'app/messages.flow', 'ok: Int', 'ok: Bool')],
  ['a sent message changes', (t) => replace(t, 'app/seller.flow', 'send Answer { ok: ok }', 'send ok')],
  ['it is sent again', (t) => replace(t, 'app/seller.flow', 'send ok', 'send Answer { ok: ok }')],
  ['an initiating flow is renamed', (t) => replace(t, 'app/buyer.flow', 'flow Buy(', 'flow Purchase(')],
  ['its responder follows', (t) => replace(t, 'app/seller.flow', 'for Buy', 'for Purchase')],
  [
    'a receive is removed',
    (t) => replace(t, 'app/seller.flow', '  let paid = receive Int from session\n', ''),
  ],
  [
    'the receive is back',
    (t) =>
      replace(
        t,
        'app/seller.flow',
        '  send Answer { ok: ok } to session\n',
        '  send Answer { ok: ok } to session\n  let paid = receive Int from session\n',
      ),
  ],
  [
    'a sub-flow in another file sends another type',
    (t) => replace(t, 'app/buyer.flow', 'send units', 'send "units"'),
  ],
  ['the sub-flow is fixed', (t) => replace(t, 'app/buyer.flow', 'send "units"', 'send units')],
  [
    'a sub-flow the responder calls changes',
    (t) => replace(t, 'app/collect.flow', 'receive Int', 'receive Bool'),
  ],
  ['and changes back', (t) => replace(t, 'app/collect.flow', 'receive Bool', 'receive Int')],
  ['a file with a faulty pair is added', (t) => ({ ...t, 'app/extra.flow': EXTRA })],
  ['its pair is fixed', (t) => replace(t, 'app/extra.flow', 'send 42', 'send Answer { ok: true }')],
  [
    'the file is removed',
    (t) => Object.fromEntries(Object.entries(t).filter(([p]) => p !== 'app/extra.flow')),
  ],
  ['a syntax error', (t) => replace(t, 'app/seller.flow', 'let ok = true', 'let ok = ')],
  ['the syntax error is fixed', (t) => replace(t, 'app/seller.flow', 'let ok = ', 'let ok = true')],
  [
    'a sub-flow moves to another file',
    (t) => ({
      ...replace(t, 'app/collect.flow', 'flow Collect', 'flow Gather'),
      'app/seller.flow': `${t['app/seller.flow']!}\nflow Collect(session: Session) {\n  let n = receive Bool from session\n}\n`,
    }),
  ],
  ['a CorDapp in another directory imports a message', (t) => ({ ...t, 'other/forward.flow': OTHER })],
  ['the imported message changes', (t) => replace(t, 'app/messages.flow', 'units: Int', 'units: String')],
  ['and changes back', (t) => replace(t, 'app/messages.flow', 'units: String', 'units: Int')],
  [
    'a duplicate flow name',
    (t) => ({ ...t, 'app/dup.flow': 'flow Pay(session: Session, units: Int) {\n}\n' }),
  ],
  ['the enum loses a member', (t) => replace(t, 'app/messages.flow', '  Sad\n', '')],
  ['everything back as it was', () => BASE],
  [
    'unchanged flows with diagnostics that point into other files',
    (t) =>
      replace(
        t,
        'app/collect.flow',
        '  let n = receive Int from session\n',
        '  let n = receive Int from session\n  n = 2\n  call Sell(session)\n  call Pay(session, "x")\n',
      ),
  ],
  ['the responder they point at moves', (t) => ({ ...t, 'app/seller.flow': `\n\n${t['app/seller.flow']!}` })],
  [
    'the sub-flow they call changes its parameters',
    (t) => replace(t, 'app/buyer.flow', 'units: Int) {\n  send', 'units: String) {\n  send'),
  ],
  [
    'a second responder for Buy, before the first',
    (t) => ({ ...t, 'app/a.flow': 'responder flow Early(session: Session) for Buy {\n}\n' }),
  ],
  ['it moves', (t) => ({ ...t, 'app/a.flow': '\nresponder flow Early(session: Session) for Buy {\n}\n' })],
  ['it goes', (t) => Object.fromEntries(Object.entries(t).filter(([p]) => p !== 'app/a.flow'))],
  ['an unknown name becomes known', (t) => replace(t, 'app/messages.flow', '  Sad\n', '  Sad\n  Angry\n')],
  ['everything back again', () => BASE],
];

describe('incremental check', () => {
  it(`matches a fresh check after each of ${STEPS.length} edits`, () => {
    const workspace = new Workspace();
    let texts = BASE;
    expect(expectSameAsFresh(workspace, texts)).toBe(0);
    const faulty: string[] = [];
    for (const [name, step] of STEPS) {
      texts = step(texts);
      const count = expectSameAsFresh(workspace, texts);
      if (count > 0) faulty.push(name);
    }
    // the sequence exercises faults, not only clean states
    expect(faulty.length).toBeGreaterThan(8);
  });

  it('answers names and types of a re-checked file as a fresh check does', () => {
    const workspace = new Workspace();
    for (const [path, text] of Object.entries(BASE)) workspace.setFile(path, text);
    workspace.check();
    const edited = replace(BASE, 'app/seller.flow', 'let ok = true', 'let ok = fals');
    workspace.setFile('app/seller.flow', edited['app/seller.flow']!);
    const [result] = workspace.check(['app/seller.flow']);
    const fresh = checkSources(sources(edited)).find((r) => r.path === 'app/seller.flow')!;
    const facts = (r: FileCheckResult): string[] => {
      const out: string[] = [];
      const walk = (node: Node): void => {
        const symbol = r.typeInfo.symbolOf(node);
        const type =
          'kind' in node && r.typeInfo.types.has(node as never)
            ? typeToString(r.typeInfo.typeOf(node as never))
            : '';
        out.push(
          `${node.kind}@${node.loc.offset} ${symbol?.kind ?? ''} ${symbol?.name ?? ''} ${type} ${r.typeInfo.flowOf.get(node)?.name.name ?? ''}`,
        );
        childrenOf(node).forEach(walk);
      };
      walk(r.document);
      return out;
    };
    expect(facts(result!)).toEqual(facts(fresh));
    expect([...result!.typeInfo.typeRefs.values()].map(typeToString)).toEqual(
      [...fresh.typeInfo.typeRefs.values()].map(typeToString),
    );
  });

  it('matches a fresh check of the benchmark CorDapp after edits to one file', () => {
    const files = generateCordapp(3, 400);
    const host = { hostModules: benchHostModules };
    const workspace = new Workspace(host);
    let texts: Texts = Object.fromEntries(files.map((f) => [f.path, f.text]));
    expect(expectSameAsFresh(workspace, texts, host)).toBe(0);
    const path = files[1]!.path;
    const edits: [string, string][] = [
      ['count = score(count, 1)', 'count = score(count, 2)'],
      ['receive ', '\n\nreceive '],
      ['send ', 'send 1 to session\n  send '],
    ];
    for (const [from, to] of edits) {
      texts = replace(texts, path, from, to);
      expectSameAsFresh(workspace, texts, host);
    }
  });

  /** Variants of each file, the first being the base text and `undefined` standing for a removed file. */
  const VARIANTS: Record<string, (string | undefined)[]> = {
    'app/messages.flow': [
      BASE['app/messages.flow']!,
      BASE['app/messages.flow']!.replace('ok: Bool', 'ok: Int'),
      BASE['app/messages.flow']!.replace('units: Int', 'units: Decimal'),
      `// moved\n${BASE['app/messages.flow']!}`,
      BASE['app/messages.flow']!.replace('  Sad\n', '  Sad\n  Angry\n'),
    ],
    'app/buyer.flow': [
      BASE['app/buyer.flow']!,
      BASE['app/buyer.flow']!.replace('send units', 'send true'),
      BASE['app/buyer.flow']!.replace('flow Buy(', 'flow Purchase('),
      BASE['app/buyer.flow']!.replace(
        'call Pay(session, units)',
        'call Pay(session, "units")\n        call Sell(session)',
      ),
      `\n\n${BASE['app/buyer.flow']!.replace('if answer.ok {', 'if units > 2 {')}`,
      undefined,
    ],
    'app/seller.flow': [
      BASE['app/seller.flow']!,
      BASE['app/seller.flow']!.replace('let ok = true', 'let ok = false'),
      BASE['app/seller.flow']!.replace('  let paid = receive Int from session\n', ''),
      BASE['app/seller.flow']!.replace('send 1 to session', 'send 1 to session\n    send 2 to session'),
      BASE['app/seller.flow']!.replace('let ok = true', 'let ok = '),
      `// moved down\n\n${BASE['app/seller.flow']!}`,
      BASE['app/seller.flow']!.replace('for Ping', 'for Buy'),
    ],
    'app/collect.flow': [
      BASE['app/collect.flow']!,
      BASE['app/collect.flow']!.replace('receive Int', 'receive String'),
      BASE['app/collect.flow']!.replace(
        '  let n = receive Int from session\n',
        '  let n = receive Int from session\n  n = 2\n  call Sell(session)\n  let m: Mood = Mood.Angry\n',
      ),
      `${BASE['app/collect.flow']!}\nflow Pay(session: Session, units: Int) {\n  send "x" to session\n}\n`,
      undefined,
    ],
    'app/extra.flow': [undefined, EXTRA, EXTRA.replace('send 42', 'send Answer { ok: true }')],
    'other/forward.flow': [undefined, OTHER],
  };
  const paths = Object.keys(VARIANTS);

  it('matches a fresh check after random sequences of edits (60 sequences)', () => {
    const edit = fc.tuple(fc.constantFrom(...paths), fc.nat());
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
        const workspace = new Workspace();
        let texts: Texts = { ...BASE };
        expectSameAsFresh(workspace, texts);
        for (const [path, n] of edits) {
          const variants = VARIANTS[path]!;
          const text = variants[n % variants.length];
          texts = { ...texts };
          if (text === undefined) delete texts[path];
          else texts[path] = text;
          expectSameAsFresh(workspace, texts);
        }
      }),
      { numRuns: 60, seed: 20_261_128 },
    );
  });
});
