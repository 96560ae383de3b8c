// Price policy: when a same-nonce replacement is allowed, and which transaction goes first when the
// pool is full.
import { rejection } from './errors.ts';
import type { PoolTx, SenderTxs } from './sender-txs.ts';

/** Lowest value a replacement must offer: strictly more than `old` and at least `bumpPercent` more (geth). */
function bumped(old: bigint, bumpPercent: number): bigint {
  const floor = (old * BigInt(100 + bumpPercent)) / 100n;
  return floor > old ? floor : old + 1n;
}

/** Throws unless `next` raises both the max fee and the tip of `old` by the bump. */
export function checkReplacement(old: PoolTx, next: PoolTx, bumpPercent: number): void {
  const needFee = bumped(old.maxFee, bumpPercent);
  const needTip = bumped(old.tipCap, bumpPercent);
  if (next.maxFee < needFee || next.tipCap < needTip) {
    throw rejection.replacementUnderpriced(needFee, needTip, next.maxFee, next.tipCap, bumpPercent);
  }
}

/**
 * Eviction order over senders, by their tail (highest-nonce) tx: only tails are ever evicted, so an
 * eviction never leaves a gap in front of a pooled tx. Queued tails go before pending ones (they
 * cannot run now), then the lower worth, then the newer arrival.
 */
export function evictsBefore(a: SenderTxs, b: SenderTxs): boolean {
  const aQueued = a.tailQueued;
  if (aQueued !== b.tailQueued) return aQueued;
  const aWorth = a.worth;
  const bWorth = b.worth;
  if (aWorth !== bWorth) return aWorth < bWorth;
  return a.tail.seq > b.tail.seq;
}

/** Whether a tx that is `pending` with this worth should displace the tail of `victim`. */
export function outbids(pending: boolean, worth: bigint, victim: SenderTxs): boolean {
  const victimPending = !victim.tailQueued;
  if (pending !== victimPending) return pending;
  return worth > victim.worth;
}
