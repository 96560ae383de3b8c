// Sync progress for logs and RPC: where we are, where the best peer is, and how fast we close in.

export interface SyncProgress {
  readonly height: number;
  readonly target: number;
  /** Applied blocks per second since the previous report. */
  readonly blocksPerSecond: number;
  /** null while nothing has been applied in the last interval. */
  readonly etaSeconds: number | null;
  readonly peers: number;
}

export class ProgressMeter {
  readonly #now: () => number;
  #height: number;
  #at: number;

  constructor(height: number, now: () => number = Date.now) {
    this.#now = now;
    this.#height = height;
    this.#at = now();
  }

  sample(height: number, target: number, peers: number): SyncProgress {
    const now = this.#now();
    const seconds = Math.max(now - this.#at, 1) / 1000;
    const blocksPerSecond = Math.max(height - this.#height, 0) / seconds;
    this.#height = height;
    this.#at = now;
    const remaining = Math.max(target - height, 0);
    const etaSeconds =
      remaining === 0 ? 0 : blocksPerSecond > 0 ? Math.ceil(remaining / blocksPerSecond) : null;
    return { height, target, blocksPerSecond: Math.round(blocksPerSecond * 10) / 10, etaSeconds, peers };
  }
}
