/**
 * What nodes say to each other. Every session message carries the receiver's id for the session and a sequence
 * number per direction, so the receiver keeps order and drops duplicates without remembering message ids; every
 * envelope has a deterministic id (the sender's session id and the sequence number), acknowledged by the
 * receiver once it has committed the message. Until then the sender keeps it in its outbox and sends it again.
 */

export type SessionBody =
  /** Opens a session: the receiver starts the responder of `flow` (seq 0 from the initiator). */
  | { kind: 'init'; session: string; cordapp: string; flow: string; protocolVersion: number; seq: 0 }
  /** The responder exists (seq 0 from the responder). */
  | { kind: 'confirm'; session: string; seq: 0 }
  | { kind: 'data'; session: string; seq: number; messageType: string; value: unknown }
  /** The sender's flow failed with this FlowError message (never its internals), or refused the session. */
  | { kind: 'error'; session: string; seq: number; message: string }
  /** The sender closed the session or its flow ended. */
  | { kind: 'end'; session: string; seq: number };

export interface Envelope {
  id: string;
  from: string;
  to: string;
  body: SessionBody;
}

export interface Ack {
  ack: string;
  from: string;
  to: string;
}

export type WireMessage = Envelope | Ack;

export function isAck(message: WireMessage): message is Ack {
  return 'ack' in message;
}

/** How a node reaches others; delivery may lose, repeat, delay or reorder messages. */
export interface Transport {
  send(message: WireMessage): void;
  /** Whether a party of this name can be reached at all. */
  knows(party: string): boolean;
  /** A party's ledger public key (SPKI, base64), from the network map. */
  keyOf?(party: string): string | undefined;
}

/** The responder's id for a session the initiator calls `initiatorSession`. */
export function responderSessionId(initiatorSession: string): string {
  return `${initiatorSession}@r`;
}
