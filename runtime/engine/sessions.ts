/**
 * Sessions between nodes, Corda-style: an initial message starts the responder and is confirmed, data flows with
 * per-direction sequence numbers, and every message is acknowledged. Outgoing messages go to the outbox in the
 * batch (sent after the commit, and again until acknowledged); incoming ones are kept in the session's inbox, in
 * order, until the flow that receives on it takes them.
 */
import { isAck, responderSessionId, type Envelope, type SessionBody, type WireMessage } from '../messages.js';
import type { FlowEventValue } from '../node.js';
import type { FlowRecord, FlowWait, InboxMessage, SessionRecord } from '../store.js';
import { typeFits, valueProblem } from '../valueTypes.js';
import type { NodeCore } from './core.js';
import { newFlowRecord } from './records.js';
import { newest } from './versions.js';

export function sendOnSession(
  core: NodeCore,
  flow: FlowRecord,
  sessionId: string,
  body: (s: SessionRecord) => SessionBody,
): void {
  const session = core.getSession(sessionId);
  if (!session) throw new Error(`${flow.flow} sent on a session this node does not have (${sessionId}).`);
  if (session.closed) return;
  const message = body(session);
  queueSend(core, session.peer, `${session.id}:${session.sendSeq}`, message);
  session.sendSeq++;
  core.putSession(session);
}

function queueSend(core: NodeCore, to: string, id: string, body: SessionBody): void {
  const envelope: Envelope = { id, from: core.name, to, body };
  core.batch.writes.outboxAdded.set(id, {
    id,
    to,
    message: envelope,
    attempts: 1,
    nextAttemptAt: core.clock.now(),
  });
  core.batch.sends.push(envelope);
}

export function openSession(
  core: NodeCore,
  flow: FlowRecord,
  party: string,
  wait: FlowWait,
  at: number,
): void {
  // the wait records the party; the session id is derived from the owner's counter, so a replay gives the same
  const owner = core.getFlow(flow.sessionOwner) ?? flow;
  const cordapp = core.cordapps.get(owner.bundle)!;
  // the initiating flow is the owner, or an initiating flow compiled into it (compiler/inline.ts): the innermost
  // frame the open ran in whose flow initiates
  const initiating = [...(wait.frames ?? [])]
    .reverse()
    .map(([, name]) => cordapp.flows.get(name))
    .find((f) => f?.manifest.kind === 'initiating');
  const ownerFlow = initiating ?? cordapp.flows.get(owner.flow);
  if (!core.transport.knows(party)) {
    core.enqueue({
      flow: flow.id,
      token: wait.token,
      event: {
        type: 'session.error',
        at,
        error: { message: `No party named "${party}" is known to ${core.name}.` },
      },
    });
    return;
  }
  owner.seq++;
  const id = `${owner.id}.s${owner.seq}`;
  if (owner !== flow) core.putFlow(owner);
  const session: SessionRecord = {
    id,
    owner: owner.id,
    peer: party,
    peerSession: responderSessionId(id),
    initiator: true,
    sendSeq: 1,
    recvSeq: 0,
    inbox: [],
    closed: false,
    peerEnded: false,
    confirmed: false,
  };
  core.putSession(session);
  queueSend(core, party, `${id}:0`, {
    kind: 'init',
    session: id,
    cordapp: cordapp.name,
    flow: initiating?.manifest.name ?? owner.flow,
    protocolVersion: ownerFlow?.manifest.protocolVersion ?? 1,
    seq: 0,
  });
  core.enqueue({ flow: flow.id, token: wait.token, event: { type: 'session.opened', at, session: id } });
}

export function handleWire(core: NodeCore, message: WireMessage): void {
  if (isAck(message)) {
    if (!core.batch.writes.outboxAdded.delete(message.ack)) core.batch.writes.outboxRemoved.add(message.ack);
    return;
  }
  const body = message.body;
  core.batch.acks.push({ ack: message.id, from: core.name, to: message.from });
  switch (body.kind) {
    case 'init':
      return handleInit(core, message, body);
    case 'confirm': {
      const session = core.getSession(body.session);
      if (!session || session.recvSeq !== 0) return;
      session.confirmed = true;
      session.recvSeq = 1;
      core.putSession(session);
      deliverToReceiver(core, session);
      return;
    }
    default: {
      let session = core.getSession(body.session);
      if (!session) {
        // ahead of its init: kept until the init comes
        session = {
          id: body.session,
          peer: message.from,
          peerSession: body.session.replace(/@r$/, ''),
          initiator: false,
          sendSeq: 1,
          recvSeq: 1,
          inbox: [],
          closed: false,
          peerEnded: false,
          confirmed: false,
        };
      }
      if (body.seq < session.recvSeq || session.inbox.some((m) => m.seq === body.seq)) return; // a duplicate
      if (session.closed) return; // this side is done with it: nothing will read the message
      const received: InboxMessage = { seq: body.seq, kind: body.kind };
      if (body.kind === 'data') {
        received.messageType = body.messageType;
        received.value = body.value;
      } else if (body.kind === 'error') received.message = body.message;
      session.inbox.push(received);
      session.inbox.sort((a, b) => a.seq - b.seq);
      core.putSession(session);
      deliverToReceiver(core, session);
    }
  }
}

function handleInit(core: NodeCore, message: Envelope, body: Extract<SessionBody, { kind: 'init' }>): void {
  const id = responderSessionId(body.session);
  const existing = core.getSession(id);
  if (existing?.owner !== undefined || existing?.closed) return; // a duplicate
  const at = core.clock.now();
  if (existing?.pendingInit) return; // a duplicate of one kept in the hospital
  const candidates = core.installed().filter((c) => c.name === body.cordapp);
  const cordapp = candidates.length ? newest(candidates) : undefined;
  const responder = cordapp
    ? [...cordapp.flows.values()].find((f) => f.manifest.respondsTo === body.flow)
    : undefined;
  const session: SessionRecord = existing ?? {
    id,
    peer: message.from,
    peerSession: body.session,
    initiator: false,
    sendSeq: 1,
    recvSeq: 1,
    inbox: [],
    closed: false,
    peerEnded: false,
    confirmed: true,
  };
  if (!cordapp || !responder) {
    // kept in the hospital, not dropped: installing a CorDapp that responds starts the responder
    if (session.pendingInit) return;
    session.pendingInit = {
      cordapp: body.cordapp,
      flow: body.flow,
      protocolVersion: body.protocolVersion,
      at,
      reason: !cordapp
        ? `${core.name} does not have the CorDapp ${body.cordapp} installed`
        : `${core.name} has no flow that responds to ${body.flow} in ${body.cordapp}`,
    };
    core.putSession(session);
    core.batch.after.push(() =>
      core.notify({ type: 'flow.hospitalized', flowId: id, error: session.pendingInit!.reason }),
    );
    return;
  }
  acceptInit(core, session, body.flow, body.cordapp);
}

/** Starts the responder of a session's initial message, and confirms the session. */
export function acceptInit(
  core: NodeCore,
  session: SessionRecord,
  initiator: string,
  cordappName: string,
): boolean {
  const candidates = core.installed().filter((c) => c.name === cordappName);
  const cordapp = candidates.length ? newest(candidates) : undefined;
  const responder = cordapp
    ? [...cordapp.flows.values()].find((f) => f.manifest.respondsTo === initiator)
    : undefined;
  if (!cordapp || !responder) return false;
  const at = core.clock.now();
  const flowId = session.id;
  session.owner = flowId;
  session.confirmed = true;
  delete session.pendingInit;
  core.putSession(session);
  const record = newFlowRecord({
    id: flowId,
    root: flowId,
    sessionOwner: flowId,
    bundle: cordapp.hash,
    flow: responder.manifest.name,
    at,
  });
  core.putFlow(record);
  const sessionParam = responder.manifest.params[0]?.name ?? 'session';
  core.enqueue({ flow: flowId, event: { type: 'flow.start', at, params: { [sessionParam]: session.id } } });
  queueSend(core, session.peer, `${session.id}:0`, {
    kind: 'confirm',
    session: session.peerSession,
    seq: 0,
  });
  return true;
}

function deliverToReceiver(core: NodeCore, session: SessionRecord): void {
  if (session.owner === undefined) return;
  const flow = core.receivingOn(session.id, session.owner);
  if (flow) deliverNext(core, session, flow);
}

/** Feeds the flow the session's next message, if it has come. */
export function deliverNext(core: NodeCore, session: SessionRecord, flow: FlowRecord): void {
  const wait = flow.wait!;
  const next = session.inbox[0];
  const at = core.clock.now();
  if (!next || next.seq !== session.recvSeq) {
    if (session.peerEnded && session.inbox.length === 0) {
      core.answer(flow, {
        type: 'session.error',
        at,
        session: session.id,
        error: { message: `${session.peer} ended the session; no ${wait.messageType} will come.` },
      });
      core.batch.receiving.set(session.id, null);
    }
    return;
  }
  session.inbox.shift();
  session.recvSeq++;
  core.putSession(session);
  core.batch.receiving.set(session.id, null);
  let event: FlowEventValue;
  if (next.kind === 'data') {
    const expected = wait.messageType ?? next.messageType!;
    const types = core.cordapps.get(flow.bundle)?.types ?? {};
    const problem = typeFits(next.messageType!, expected)
      ? valueProblem(next.value, expected, types)
      : `got ${next.messageType}`;
    event = problem
      ? {
          type: 'session.error',
          at,
          session: session.id,
          error: {
            message: `${session.peer} sent a message that is not the ${expected} ${flow.flow} expects: ${problem}.`,
          },
        }
      : { type: 'session.message', at, session: session.id, value: next.value };
  } else if (next.kind === 'error') {
    session.peerEnded = true;
    event = {
      type: 'session.error',
      at,
      session: session.id,
      error: { message: next.message ?? 'The counterparty failed.' },
    };
  } else {
    session.peerEnded = true;
    event = {
      type: 'session.error',
      at,
      session: session.id,
      error: { message: `${session.peer} ended the session; no ${wait.messageType} will come.` },
    };
  }
  core.answer(flow, event);
}
