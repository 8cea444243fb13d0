/**
 * Time, injected: the engine reads `now()` and asks for one wake-up at a time. Flows sleeping for days are tested
 * with `SimulatedClock`, whose time moves only when the test says so.
 */

export interface Clock {
  now(): number;
  /** Calls `callback` once, at or after `at`; returns a function that cancels it. */
  wakeAt(at: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  wakeAt(at, callback) {
    // setTimeout takes at most 2^31-1 ms; longer waits re-arm
    const MAX = 2 ** 31 - 1;
    let handle: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      const delay = at - Date.now();
      handle = setTimeout(delay > MAX ? arm : callback, Math.max(0, Math.min(delay, MAX)));
    };
    arm();
    return () => clearTimeout(handle);
  },
};

interface Alarm {
  at: number;
  order: number;
  callback: () => void;
}

/** A clock that moves only on `advance` / `set`; due wake-ups run in deadline order as time passes them. */
export class SimulatedClock implements Clock {
  private time: number;
  private alarms: Alarm[] = [];
  private order = 0;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  wakeAt(at: number, callback: () => void): () => void {
    const alarm: Alarm = { at, order: this.order++, callback };
    this.alarms.push(alarm);
    return () => {
      this.alarms = this.alarms.filter((a) => a !== alarm);
    };
  }

  /** Moves time forward by `ms`, running every wake-up that falls due, each at its own time. */
  advance(ms: number): void {
    this.set(this.time + ms);
  }

  set(to: number): void {
    if (to < this.time) throw new Error('A simulated clock does not go backwards.');
    for (;;) {
      const due = this.alarms.filter((a) => a.at <= to).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.alarms = this.alarms.filter((a) => a !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = to;
  }

  /** Wake-ups armed and not yet run. */
  get pending(): number {
    return this.alarms.length;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
