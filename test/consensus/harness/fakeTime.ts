// Deterministic time: a clock and timers that only move when the test fires the next timer.
// Timers due at the same instant fire in the order they were set.
import type { Timers } from '../../../consensus/ticker.ts';
import type { Clock } from '../../../consensus/types.ts';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
  live: boolean;
}

export class FakeTime implements Clock, Timers {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  /** Timers fired so far: what an idle engine wakes up for. */
  fired = 0;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, fire: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fire, live: true };
    this.#timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  #next(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) {
      if (t.live && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    }
    return best;
  }

  /** When the next timer is due, if any. */
  nextAt(): number | undefined {
    return this.#next()?.at;
  }

  /** Advances to the next timer and fires it. */
  fireNext(): boolean {
    const t = this.#next();
    if (!t) return false;
    t.live = false;
    this.fired++;
    this.#now = Math.max(this.#now, t.at);
    if (this.#timers.length > 256) this.#timers = this.#timers.filter((x) => x.live);
    t.fire();
    return true;
  }

  advanceTo(at: number): void {
    this.#now = Math.max(this.#now, at);
  }
}
