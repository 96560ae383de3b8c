// Timers behind an interface so tests drive time deterministically (test/consensus/harness) and the
// node uses setTimeout. The ticker keys pending timers so that scheduling the same timeout twice
// keeps one, and a height change cancels everything at once. A timer only enqueues an event for the
// engine's loop; whether it still matters is decided there, in order with every other input.
export interface Timers {
  /** Calls `fire` once after `delayMs`; the returned function cancels it. */
  setTimer(delayMs: number, fire: () => void): () => void;
}

export const systemTimers: Timers = {
  setTimer(delayMs, fire) {
    const timer = setTimeout(fire, delayMs);
    return () => clearTimeout(timer);
  },
};

export class Ticker {
  readonly #timers: Timers;
  readonly #pending = new Map<string, () => void>();

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /** Schedules `fire` under `key` unless a timer with that key is already pending. */
  schedule(key: string, delayMs: number, fire: () => void): void {
    if (this.#pending.has(key)) return;
    const cancel = this.#timers.setTimer(delayMs, () => {
      this.#pending.delete(key);
      fire();
    });
    this.#pending.set(key, cancel);
  }

  cancel(key: string): void {
    this.#pending.get(key)?.();
    this.#pending.delete(key);
  }

  cancelAll(): void {
    for (const cancel of this.#pending.values()) cancel();
    this.#pending.clear();
  }
}
