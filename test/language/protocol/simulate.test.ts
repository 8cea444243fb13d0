/**
 * The protocol checker's parts, in process: `extractPrograms` (a flow's conversation as a program) and
 * `checkPair` (an initiator run against its responder, per opened session).
 */
import { describe, expect, it } from 'vitest';
import {
  checkPair,
  checkSources,
  extractPrograms,
  type PStatement,
  type ProtocolFault,
  type ProtocolProgram,
} from '../../../language/index.js';
import { dedent } from '../../utils/index.js';

/** The protocol programs of a file's flows, by name (the file must check without errors but protocol ones). */
function programs(text: string): Map<string, ProtocolProgram> {
  const [result] = checkSources([{ path: 'test.flow', text }]);
  const errors = result!.diagnostics.filter(
    (d) =>
      d.severity === 'error' &&
      !['protocol-mismatch', 'deadlock', 'early-end', 'uncommunicated-choice'].includes(d.code),
  );
  expect(errors.map((d) => `${d.code} ${d.range.line}:${d.range.column} ${d.message}`)).toEqual([]);
  return new Map(extractPrograms(result!.document, result!.typeInfo, 'test.flow').map((p) => [p.flow, p]));
}

/** Runs `initiator` against `responder` with the file's flows as sub-flows. */
function pair(
  text: string,
  initiator: string,
  responder: string,
  options: Parameters<typeof checkPair>[3] = {},
): ProtocolFault[] {
  const flows = programs(text);
  return checkPair(flows.get(initiator)!, flows.get(responder)!, (name) => flows.get(name), options);
}

/** Faults as `code main-line:col -> related-line:col`. */
function summary(faults: ProtocolFault[]): string[] {
  return faults.map(
    (f) =>
      `${f.code} ${f.main.range.line}:${f.main.range.column} -> ${f.related
        .map((r) => `${r.at.range.line}:${r.at.range.column}`)
        .join(', ')}`,
  );
}

function statementKinds(body: PStatement[]): string[] {
  return body.map((s) => s.k);
}

describe('extractPrograms', () => {
  const text = dedent`
    cordapp com.example.programs version 1.0.0

    enum Decision { Accept, Reject, Counter }

    message Offer {
      urgent: Bool
      legs: List<Int>
    }

    @version(3)
    initiating flow Seller(buyer: Party, urgent: Bool, legs: List<Int>) {
      let session = open buyer
      send Offer { urgent: urgent, legs: legs } to session
      for leg in [1, 2] {
        send leg to session
      }
      let d = receive Decision from session
      if d == Decision.Counter {
        call Helper(session, 5)
      }
      close session
    }

    flow Helper(peer: Session, n: Int) {
      send n to peer
    }

    responder flow Buyer(session: Session) for Seller {
      let offer = receive Offer from session
      for leg in offer.legs {
        let n = receive Int from session
      }
      if session.version >= 2 {
        send Decision.Accept to session
      }
    }
  `;

  it('gives each flow its kind, version, parameters and session parameters', () => {
    const flows = programs(text);
    const seller = flows.get('Seller')!;
    expect(seller).toMatchObject({
      kind: 'initiating',
      version: 3,
      params: ['buyer#1', 'urgent#1', 'legs#1'],
    });
    expect(seller.sessionParams).toEqual([]);
    expect(flows.get('Buyer')).toMatchObject({
      kind: 'responder',
      version: 1,
      respondsTo: 'Seller',
      sessionParams: ['session#1'],
    });
    expect(flows.get('Helper')).toMatchObject({
      kind: 'inline',
      sessionParams: ['peer#1'],
      params: ['peer#1', 'n#1'],
    });
  });

  it('keeps the conversation and the values that decide it: records, lists, loop variables, enum members', () => {
    const seller = programs(text).get('Seller')!;
    expect(statementKinds(seller.body)).toEqual(['open', 'send', 'for', 'recv', 'if', 'close']);
    const [open, send, loop, recv, choice] = seller.body;
    expect(open).toMatchObject({ k: 'open', bind: 'session#1' });
    expect(send).toMatchObject({
      k: 'send',
      session: 'session#1',
      type: { kind: 'record', name: 'Offer' },
      value: { record: { urgent: { var: 'urgent#1' }, legs: { var: 'legs#1' } } },
    });
    expect(loop).toMatchObject({ k: 'for', bind: 'leg#1', over: { list: [{ lit: 1 }, { lit: 2 }] } });
    expect(recv).toMatchObject({ k: 'recv', session: 'session#1', bind: 'd#1', type: { kind: 'enum' } });
    expect(choice).toMatchObject({
      k: 'if',
      text: 'd == Decision.Counter',
      cond: {
        cmp: '==',
        left: { var: 'd#1' },
        right: { lit: 'Counter', domain: ['Accept', 'Reject', 'Counter'] },
      },
    });
    expect((choice as Extract<PStatement, { k: 'if' }>).then[0]).toMatchObject({
      k: 'call',
      flow: 'Helper',
      args: [{ var: 'session#1' }, { lit: 5 }],
    });
  });

  it('names fields of received records, and the counterparty version', () => {
    const buyer = programs(text).get('Buyer')!;
    expect(statementKinds(buyer.body)).toEqual(['recv', 'for', 'if']);
    expect(buyer.body[1]).toMatchObject({ over: { member: 'legs', of: { var: 'offer#1' } }, bind: 'leg#1' });
    expect(buyer.body[2]).toMatchObject({
      cond: { cmp: '>=', left: { version: 'session#1' }, right: { lit: 2 } },
    });
  });

  it('is plain JSON, so bundles can carry it', () => {
    for (const program of programs(text).values())
      expect(JSON.parse(JSON.stringify(program)) as unknown).toEqual(program);
  });
});

describe('checkPair: choices', () => {
  const choice = (told: boolean, follows: boolean): string => dedent`
    cordapp com.example.choice version 1.0.0

    initiating flow Notify(peer: Party, urgent: Bool) {
      let session = open peer
      ${told ? 'send urgent to session' : 'let quiet = 0'}
      if urgent {
        send 1 to session
      }
      send "text" to session
    }

    responder flow Listen(session: Session) for Notify {
      ${told ? 'let urgent = receive Bool from session' : 'let loud = 0'}
      ${follows ? 'if urgent {' : 'if true {'}
        let priority = receive Int from session
      }
      let text = receive String from session
    }
  `;

  it('follows a communicated choice branch by branch', () => {
    expect(summary(pair(choice(true, true), 'Notify', 'Listen'))).toEqual([]);
  });

  it('blames a local choice that changes the conversation: uncommunicated-choice at the choice', () => {
    const faults = pair(choice(false, false), 'Notify', 'Listen');
    expect(summary(faults)).toEqual(['uncommunicated-choice 6:3 -> 15:20']);
    expect(faults[0]!.message).toContain('Notify chooses here on "urgent"');
    expect(faults[0]!.message).toContain('Listen expects Int here, but Notify sends String');
  });

  it('reports the plain fault when the choice was sent but the other side does not follow it', () => {
    const faults = pair(choice(true, false), 'Notify', 'Listen');
    expect(summary(faults)).toEqual(['protocol-mismatch 15:20 -> 9:3']);
  });

  it('rules out the other members of an enum, so an "else" meets an "else if" on the last member', () => {
    const text = dedent`
      cordapp com.example.enums version 1.0.0

      enum Size { Small, Medium, Large }

      initiating flow Order(shop: Party, size: Size) {
        let session = open shop
        send size to session
        if size == Size.Small {
          send 1 to session
        } else if size == Size.Medium {
          send "m" to session
        } else {
          send true to session
        }
      }

      responder flow Shop(session: Session) for Order {
        let size = receive Size from session
        if size != Size.Large && size != Size.Medium {
          let n = receive Int from session
        } else if size == Size.Large {
          let b = receive Bool from session
        } else {
          let s = receive String from session
        }
      }
    `;
    expect(summary(pair(text, 'Order', 'Shop'))).toEqual([]);
  });

  it('remembers comparisons of a sent value, whichever way round they are written', () => {
    const text = (bound: string): string => dedent`
      cordapp com.example.compare version 1.0.0

      initiating flow Buy(seller: Party, units: Int) {
        let session = open seller
        send units to session
        if units > 100 {
          send "discount?" to session
        }
      }

      responder flow Sell(session: Session) for Buy {
        let units = receive Int from session
        if ${bound} {
          let ask = receive String from session
        }
      }
    `;
    expect(summary(pair(text('100 < units'), 'Buy', 'Sell'))).toEqual([]);
    expect(summary(pair(text('!(units <= 100)'), 'Buy', 'Sell'))).toEqual([]);
    // another bound is another question: the two sides can disagree
    expect(pair(text('units > 50'), 'Buy', 'Sell').length).toBeGreaterThan(0);
  });

  it('follows a choice on a field of a sent record, and on the variable the sender put in it', () => {
    const text = dedent`
      cordapp com.example.fields version 1.0.0

      message Request {
        urgent: Bool
      }

      initiating flow Ask(helper: Party, urgent: Bool) {
        let session = open helper
        let request = Request { urgent: urgent }
        send request to session
        if urgent {
          send 1h to session
        }
        if request.urgent {
          let done = receive String from session
        }
      }

      responder flow Help(session: Session) for Ask {
        let request = receive Request from session
        if request.urgent {
          let within = receive Duration from session
          send "ok" to session
        }
      }
    `;
    expect(summary(pair(text, 'Ask', 'Help'))).toEqual([]);
  });

  it('treats a failing "require" as a local choice, and a failure as no early end', () => {
    const text = (handler: string): string => dedent`
      cordapp com.example.requirements version 1.0.0

      initiating flow Limit(peer: Party, limit: Int) {
        let session = open peer
        try {
          require limit > 0 else "negative"
          send limit to session
        } catch e {
          ${handler}
        }
      }

      responder flow Take(session: Session) for Limit {
        let limit = receive Int from session
      }
    `;
    expect(summary(pair(text('send 0 to session'), 'Limit', 'Take'))).toEqual([]);
    expect(summary(pair(text('fail "stop"'), 'Limit', 'Take'))).toEqual([]);
    expect(summary(pair(text('send "no" to session'), 'Limit', 'Take'))).toEqual([
      'uncommunicated-choice 6:5 -> 14:15',
    ]);
  });

  it('does not blame a choice made before the session opens: its other way has no conversation', () => {
    const text = (received: string): string => dedent`
      cordapp com.example.validate version 1.0.0

      initiating flow Pay(payee: Party, units: Int) {
        require units > 0 else "Nothing to pay"
        if units > 1000 {
          fail "Too much"
        }
        let session = open payee
        send units to session
      }

      responder flow GetPaid(session: Session) for Pay {
        let units = receive ${received} from session
      }
    `;
    expect(summary(pair(text('Int'), 'Pay', 'GetPaid'))).toEqual([]);
    expect(summary(pair(text('String'), 'Pay', 'GetPaid'))).toEqual(['protocol-mismatch 13:15 -> 9:3']);
  });
});

describe('checkPair: loops', () => {
  const loops = (initiatorList: string, responderList: string): string => dedent`
    cordapp com.example.loops version 1.0.0

    initiating flow Send(peer: Party, mine: List<Int>) {
      let session = open peer
      send mine to session
      for x in ${initiatorList} {
        send x to session
      }
      send "end" to session
    }

    responder flow Receive(session: Session, own: List<Int>) for Send {
      let theirs = receive List<Int> from session
      for y in ${responderList} {
        let n = receive Int from session
      }
      let end = receive String from session
    }
  `;

  it('runs two loops over the same sent list alike', () => {
    expect(summary(pair(loops('mine', 'theirs'), 'Send', 'Receive'))).toEqual([]);
  });

  it('runs loops over lists written in place exactly as many times as they have elements', () => {
    expect(summary(pair(loops('[1, 2, 3]', '[4, 5, 6]'), 'Send', 'Receive'))).toEqual([]);
    expect(summary(pair(loops('[1, 2, 3]', '[4, 5]'), 'Send', 'Receive'))).toEqual([
      'protocol-mismatch 17:13 -> 7:5',
    ]);
  });

  it('explores 0, 1 and 2 runs of a loop over a list the other side never sees', () => {
    const faults = pair(loops('[1, 2]', 'own'), 'Send', 'Receive');
    expect(summary(faults)).toEqual(['uncommunicated-choice 14:3 -> 17:13']);
    expect(faults[0]!.message).toContain('Receive loops here a number of times the other side is not told');
  });

  it('binds the loop variable to each element, so a list of sessions reaches every session', () => {
    const text = dedent`
      cordapp com.example.sessions version 1.0.0

      initiating flow Tell(a: Party, b: Party) {
        let first = open a
        let second = open b
        for session in [first, second] {
          send "news" to session
        }
      }

      responder flow Hear(session: Session) for Tell {
        let news = receive Int from session
      }
    `;
    const faults = pair(text, 'Tell', 'Hear');
    // one fault (found once per opened session, reported once): the send inside the loop, for each session
    expect(summary(faults)).toEqual(['protocol-mismatch 12:14 -> 7:5']);
  });
});

describe('checkPair: versions', () => {
  const text = (version: number): string => dedent`
    cordapp com.example.versions version 1.0.0

    @version(${version})
    initiating flow Transfer(to: Party, units: Int) {
      let session = open to
      send units to session
      send "memo" to session
    }

    responder flow Accept(session: Session) for Transfer {
      let units = receive Int from session
      if session.version >= 2 {
        let memo = receive String from session
      }
    }
  `;

  it("checks the responder with the initiator's own @version by default", () => {
    expect(summary(pair(text(2), 'Transfer', 'Accept'))).toEqual([]);
    const faults = pair(text(1), 'Transfer', 'Accept');
    expect(summary(faults)).toEqual(['early-end 7:3 -> 10:16']);
    expect(faults[0]!.message).toContain('Transfer sends String here, but Accept ends');
  });

  it('checks each version on its own when given the version the counterpart runs', () => {
    expect(summary(pair(text(2), 'Transfer', 'Accept', { initiatorVersion: 1 }))).toEqual([
      'early-end 7:3 -> 10:16',
    ]);
    expect(summary(pair(text(1), 'Transfer', 'Accept', { initiatorVersion: 3 }))).toEqual([]);
  });
});

describe('checkPair: sub-flows and sessions', () => {
  it('expands inline sub-flows on the session they are given, whatever its name and position', () => {
    const text = (helperSends: string): string => dedent`
      cordapp com.example.subflows version 1.0.0

      initiating flow Quote(dealer: Party, item: String) -> Amount {
        let session = open dealer
        let alias = session
        call Ask(item, alias)
        return receive Amount from session
      }

      flow Ask(what: String, target: Session) {
        send ${helperSends} to target
      }

      responder flow Dealer(session: Session) for Quote {
        let item = receive String from session
        call Answer(amount(1, "GBP"), session)
      }

      flow Answer(price: Amount, back: Session) {
        if price.quantity <= 0.0 {
          return
        }
        send price to back
      }
    `;
    // the sub-flows' sessions are followed: Answer may return before it sends (a local choice the initiator,
    // waiting for the Amount, cannot follow), and Ask's send is checked against the dealer's receive
    const faults = pair(text('what'), 'Quote', 'Dealer');
    expect(summary(faults)).toEqual(['uncommunicated-choice 20:3 -> 7:10']);
    expect(faults[0]!.message).toContain('Dealer chooses here on "price.quantity <= 0.0"');
    expect(summary(pair(text('what.length'), 'Quote', 'Dealer'))).toEqual([
      'protocol-mismatch 15:14 -> 11:3',
    ]);
  });

  it('finds a deadlock inside sub-flows on both sides', () => {
    const text = dedent`
      cordapp com.example.deadlock version 1.0.0

      initiating flow Start(peer: Party) {
        let session = open peer
        call Wait(session)
      }

      responder flow Reply(session: Session) for Start {
        call Wait(session)
      }

      flow Wait(s: Session) {
        let x = receive String from s
      }
    `;
    const faults = pair(text, 'Start', 'Reply');
    expect(summary(faults)).toEqual(['deadlock 13:11 -> 13:11']);
    expect(faults[0]!.message).toContain('Start and Reply both wait to receive');
  });

  it('leaves a sub-flow it cannot find, or an initiating one, out of the conversation', () => {
    const text = dedent`
      cordapp com.example.nested version 1.0.0

      initiating flow Outer(peer: Party, notary: Party) {
        let session = open peer
        send 1 to session
        call Inner(notary)
        send 2 to session
      }

      responder flow OuterResponder(session: Session) for Outer {
        let a = receive Int from session
        let b = receive Int from session
      }

      initiating flow Inner(notary: Party) {
        let session = open notary
        send "x" to session
      }

      responder flow InnerResponder(session: Session) for Inner {
        let x = receive String from session
      }
    `;
    expect(summary(pair(text, 'Outer', 'OuterResponder'))).toEqual([]);
    expect(summary(pair(text, 'Inner', 'InnerResponder'))).toEqual([]);
    const flows = programs(text);
    expect(checkPair(flows.get('Outer')!, flows.get('OuterResponder')!, () => undefined)).toEqual([]);
  });

  it("runs each side's sub-flows from its own lookup when they differ (a counterpart on another version)", () => {
    const text = (sends: string): string => dedent`
      cordapp com.example.lookups version 1.0.0

      initiating flow Ask(peer: Party) -> Bool {
        let session = open peer
        send "?" to session
        return receive Bool from session
      }

      responder flow Answer(session: Session) for Ask {
        let q = receive String from session
        call Reply(session)
      }

      flow Reply(session: Session) {
        send ${sends} to session
      }
    `;
    const good = programs(text('true'));
    const bad = programs(text('"yes"'));
    const run = (responderSide: Map<string, ProtocolProgram>): ProtocolFault[] =>
      checkPair(good.get('Ask')!, responderSide.get('Answer')!, (name) => good.get(name), {
        responderLookup: (name) => responderSide.get(name),
      });
    expect(summary(run(good))).toEqual([]);
    expect(summary(run(bad))).toEqual(['protocol-mismatch 6:10 -> 15:3']);
  });

  it('checks every session the initiator opens, and starts the responder only when its session opens', () => {
    const text = dedent`
      cordapp com.example.sites version 1.0.0

      initiating flow Two(a: Party, b: Party, both: Bool) {
        let first = open a
        send 1 to first
        if both {
          let second = open b
          send "two" to second
        }
      }

      responder flow One(session: Session) for Two {
        let n = receive Int from session
      }
    `;
    const faults = pair(text, 'Two', 'One');
    expect(summary(faults)).toEqual(['protocol-mismatch 13:11 -> 8:5']);
    expect(faults[0]!.related[0]!.message).toBe('Two sends String here.');
    expect(faults[0]!.main.file).toBe('test.flow');
  });

  it('reports the close as where the conversation ended, for a wait and for an unread reply', () => {
    const text = (responderTail: string): string => dedent`
      cordapp com.example.closing version 1.0.0

      initiating flow Fire(peer: Party) {
        let session = open peer
        send "event" to session
        close session
        sleep 1s
      }

      responder flow Catch(session: Session) for Fire {
        let event = receive String from session
        ${responderTail}
      }
    `;
    const waiting = pair(text('let more = receive String from session'), 'Fire', 'Catch');
    expect(summary(waiting)).toEqual(['early-end 12:14 -> 6:3']);
    expect(waiting[0]!.message).toContain('Fire has closed the session');
    const unread = pair(text('send "ack" to session'), 'Fire', 'Catch');
    expect(summary(unread)).toEqual(['early-end 12:3 -> 6:3']);
    expect(unread[0]!.message).toContain('Fire closes the session');
    expect(unread[0]!.related[0]!.message).toBe('Fire closes the session here.');
  });
});
