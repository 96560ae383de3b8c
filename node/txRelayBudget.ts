// Gossiped transactions that fail admission cost a decode and usually a sender recovery (the
// expensive step, about 1/15,000 s of a core natively and 1/540 s without the binding) and give
// nothing back. Each peer gets a budget of such failures, a token bucket. A check in progress
// holds a token until its outcome is known (the transactions of a batch are checked concurrently,
// so counting failures only when they come back would let a whole flood through first). A peer
// with no token left that is not held has its transactions dropped unchecked (no recovery), and
// once failures have emptied its bucket it is penalized, at most once per PENALTY_EVERY_MS, so one
// relay of junk can neither burn a core nor stay connected for long.
import { PeerBuckets } from '../p2p/rateLimit.ts';
import type { PeerAction } from '../p2p/scoring.ts';

/**
 * Failures per second a peer may relay without consequence. Honest relays fail too (a transaction
 * that a block included while it travelled, a base fee that rose), far below this.
 */
export const FAILED_TXS_PER_SECOND = 50;
/** Also the most transactions of one peer checked at once: above a busy relay's batches. */
export const FAILED_TX_BURST = 2_000;
/** While failures keep a peer's bucket empty: three 'low' penalties (three seconds) ban it. */
const PENALTY_EVERY_MS = 1_000;
/** More peers than connections are ever allowed; the stalest is forgotten first. */
const MAX_TRACKED = 1_024;

export type Penalize = (peerId: string, action: PeerAction, reason: string) => void;

export class TxRelayBudget {
  readonly #failures: PeerBuckets;
  readonly #penalize: Penalize;
  readonly #now: () => number;
  /** Checks in progress per peer; a peer leaves the map when it has none. */
  readonly #pending = new Map<string, number>();
  readonly #penalizedAt = new Map<string, number>();

  constructor(penalize: Penalize, now: () => number = Date.now) {
    this.#penalize = penalize;
    this.#now = now;
    this.#failures = new PeerBuckets(FAILED_TXS_PER_SECOND, FAILED_TX_BURST, now);
  }

  /**
   * Whether to check the next transaction from `peer`; if so, call `settle` with its outcome.
   * When not, the transaction is to be dropped unchecked.
   */
  admits(peer: string): boolean {
    const tokens = this.#failures.available(peer);
    const pending = this.#pending.get(peer) ?? 0;
    if (tokens > pending) {
      this.#pending.set(peer, pending + 1);
      return true;
    }
    if (tokens === 0) this.#blame(peer);
    return false;
  }

  /** The outcome of an admitted check: `wasted` when it failed for a reason any node at our height sees. */
  settle(peer: string, wasted: boolean): void {
    const pending = (this.#pending.get(peer) ?? 1) - 1;
    if (pending > 0) this.#pending.set(peer, pending);
    else this.#pending.delete(peer);
    if (wasted) this.#failures.take(peer);
  }

  #blame(peer: string): void {
    const now = this.#now();
    const last = this.#penalizedAt.get(peer);
    if (last !== undefined && now - last < PENALTY_EVERY_MS) return;
    this.#penalizedAt.delete(peer);
    this.#penalizedAt.set(peer, now);
    if (this.#penalizedAt.size > MAX_TRACKED)
      this.#penalizedAt.delete(this.#penalizedAt.keys().next().value!);
    this.#penalize(peer, 'low', `relays more than ${FAILED_TXS_PER_SECOND} failing transactions a second`);
  }
}
