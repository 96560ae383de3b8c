// Token buckets per peer for the request/response servers. Hand-written because @libp2p/utils'
// RateLimiter is a fixed window (a burst at each window edge doubles the rate) and keeps a timer
// per key; a bucket is a few lines, refills continuously and can grant part of a request.

export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  /** `rate` tokens per second, holding at most `burst`; starts full. */
  constructor(rate: number, burst: number, now: () => number = Date.now) {
    this.#rate = rate;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
  }

  /** Takes up to `n` whole tokens and returns how many it took (0 when empty). */
  takeUpTo(n: number): number {
    this.#refill();
    const taken = Math.min(n, Math.floor(this.#tokens));
    this.#tokens -= taken;
    return taken;
  }

  /** Whole tokens available now. */
  available(): number {
    this.#refill();
    return Math.floor(this.#tokens);
  }

  /** Milliseconds until one token is available. */
  waitMs(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
  }
}

/** More peers than connections are ever allowed; the least recently seen is forgotten first. */
const MAX_PEERS = 1_024;

/** One bucket per peer, created full on first use. */
export class PeerBuckets {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(rate: number, burst: number, now: () => number = Date.now) {
    this.#rate = rate;
    this.#burst = burst;
    this.#now = now;
  }

  /** Whole tokens `peerId` has left (a peer not seen yet has a full bucket). Takes none. */
  available(peerId: string): number {
    return this.#buckets.get(peerId)?.available() ?? this.#burst;
  }

  /** Grants up to `wanted` tokens; with none granted, `retryAfterMs` says when to come back. */
  take(peerId: string, wanted = 1): { granted: number; retryAfterMs: number } {
    const bucket = this.#buckets.get(peerId) ?? new TokenBucket(this.#rate, this.#burst, this.#now);
    this.#buckets.delete(peerId);
    this.#buckets.set(peerId, bucket);
    if (this.#buckets.size > MAX_PEERS) this.#buckets.delete(this.#buckets.keys().next().value!);
    const granted = bucket.takeUpTo(wanted);
    return { granted, retryAfterMs: granted === 0 ? bucket.waitMs() : 0 };
  }
}
