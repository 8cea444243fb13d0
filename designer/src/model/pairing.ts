/**
 * Which receive each send meets: the two sides of one session run against each other with a FIFO queue each way
 * (sends never block, as in the runtime), taking every branch that talks on the session both ways and running
 * loops once. Each delivery pairs a send with a receive; the pairs of all the ways are kept, but for mismatches
 * where the same send or receive meets its match another way. The protocol checker decides what is wrong; this
 * only says who meets whom, for drawing. Pure.
 */
import type { ConvItem } from './conversation.js';

export interface MessagePair {
  from: string;
  to: string;
  /** The sent type is the received one (a wider check is the protocol checker's). */
  ok: boolean;
}

interface Frame {
  items: readonly ConvItem[];
  i: number;
}

interface Side {
  stack: Frame[];
  waiting?: ConvItem;
  ended: boolean;
}

interface World {
  sides: [Side, Side];
  queues: [ConvItem[], ConvItem[]];
}

const MAX_WORLDS = 2_000;
const MAX_STEPS = 10_000;

function clone(world: World): World {
  const side = (s: Side): Side => {
    const copy: Side = { stack: s.stack.map((f) => ({ ...f })), ended: s.ended };
    if (s.waiting) copy.waiting = s.waiting;
    return copy;
  };
  return {
    sides: [side(world.sides[0]), side(world.sides[1])],
    queues: [[...world.queues[0]], [...world.queues[1]]],
  };
}

export function pairMessages(
  initiator: readonly ConvItem[],
  responder: readonly ConvItem[],
  session: string,
): MessagePair[] {
  const talks = new Map<ConvItem, boolean>();
  const talksOn = (item: ConvItem): boolean => {
    let known = talks.get(item);
    if (known === undefined) {
      known =
        item.kind === 'send' || item.kind === 'receive'
          ? item.session === session
          : (item.children ?? []).some(talksOn);
      talks.set(item, known);
    }
    return known;
  };
  const pairs = new Map<string, MessagePair>();
  let worlds = 0;

  type Next = { event: ConvItem } | { fork: ConvItem[][] } | { end: true };
  const next = (side: Side): Next => {
    for (;;) {
      const frame = side.stack[side.stack.length - 1];
      if (!frame) return { end: true };
      const item = frame.items[frame.i++];
      if (!item) {
        side.stack.pop();
        continue;
      }
      if (!talksOn(item)) continue;
      if (item.kind === 'send' || item.kind === 'receive') return { event: item };
      if (item.box === 'catch') continue;
      if (item.box === 'if') {
        const [thenBox, elseBox] = item.children ?? [];
        return { fork: [thenBox?.children ?? [], elseBox?.children ?? []] };
      }
      side.stack.push({ items: item.children ?? [], i: 0 });
    }
  };

  const run = (world: World): void => {
    if (++worlds > MAX_WORLDS) return;
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      let progressed = false;
      for (const index of [0, 1] as const) {
        const side = world.sides[index];
        const inbox = world.queues[1 - index]!;
        if (side.waiting) {
          const message = inbox.shift();
          if (!message) continue;
          const ok = message.type === side.waiting.type;
          const key = `${message.id}->${side.waiting.id}`;
          const known = pairs.get(key);
          if (!known || (ok && !known.ok)) pairs.set(key, { from: message.id, to: side.waiting.id, ok });
          delete side.waiting;
          progressed = true;
          // the conversation goes wrong here: what follows is not drawn from this way
          if (!ok) return;
          continue;
        }
        if (side.ended) continue;
        const step = next(side);
        progressed = true;
        if ('end' in step) side.ended = true;
        else if ('fork' in step) {
          for (const way of step.fork) {
            const copy = clone(world);
            copy.sides[index].stack.push({ items: way, i: 0 });
            run(copy);
          }
          return;
        } else if (step.event.kind === 'send') world.queues[index].push(step.event);
        else side.waiting = step.event;
      }
      if (!progressed) return;
    }
  };

  run({
    sides: [
      { stack: [{ items: initiator, i: 0 }], ended: false },
      { stack: [{ items: responder, i: 0 }], ended: false },
    ],
    queues: [[], []],
  });
  // ways that contradict themselves are explored too (a branch on a value the other side sent is taken both ways on
  // each side: the library's `if got.fetch` against the sender's `if fetch`): a mismatch is drawn only where its
  // send and its receive meet nothing else, so a real fault shows and an impossible way does not
  const all = [...pairs.values()];
  const met = new Set(all.filter((p) => p.ok).flatMap((p) => [p.from, p.to]));
  return all.filter((p) => p.ok || (!met.has(p.from) && !met.has(p.to)));
}
