// How many transactions a block this node proposes may hold: as many as it can build in half the
// round's timeoutPropose, at the rate it has recently built and checked blocks.
//
// Why: under a burst the mempool holds more than a round can take. A proposer that builds from all of
// it outlasts the other validators' timeoutPropose, they prevote nil, the round fails, and the next
// proposer builds an even bigger block from the pool that kept filling: measured on the 4-validator
// devnet at saturation, 1,500-7,300-transfer builds took 1.6-5.3 s against a 1 s timeout, and each
// failed round cost 2-4 s (docs/performance.md "Proposals sized to the propose timeout"). What is
// left out waits for the next block, which comes sooner. This is local policy of the proposer: a
// block's validity does not depend on it, and other validators accept any valid block.
//
// The rate is wall-clock time per transaction of this node's own builds and of its checks of peers'
// proposals (both execute every transaction), so it counts what the node shares its cores with, which
// is what decides whether the proposal is out in time. Only blocks of at least MIN_SAMPLE_TXS
// transactions are samples: a block's fixed cost would dominate smaller ones. The cap is never below
// MIN_SAMPLE_TXS, so capped blocks stay samples and the rate keeps being measured as the load changes.
// Before the first sample (a node that has seen only empty or small blocks, as at the start of a burst)
// the cap is FIRST_CAP: the first loaded block then measures the rate instead of failing its round.

/** Share of the round's timeoutPropose a build may take: the rest is signing, sending and skew. */
export const BUILD_SHARE = 0.5;
/** Blocks with fewer transactions do not measure the rate, and no cap is lower. */
export const MIN_SAMPLE_TXS = 50;
/**
 * The cap before any sample. Builds were measured at 0.03-0.9 ms a transfer (a quiet machine to a load
 * average of 28 on 2 cores), so this many take at most about a quarter of the default 1 s timeout.
 */
export const FIRST_CAP = 256;

export class BlockBudget {
  /** Wall-clock ms per transaction, moving average of the samples; 0 before the first. */
  #msPerTx = 0;

  /** A block of `txs` transactions took `ms` to build or to check. */
  record(txs: number, ms: number): void {
    if (txs < MIN_SAMPLE_TXS) return;
    const sample = ms / txs;
    this.#msPerTx = this.#msPerTx === 0 ? sample : (this.#msPerTx + sample) / 2;
  }

  /** The most transactions a block built for a round with this timeoutPropose may hold. */
  maxTxs(timeoutProposeMs: number): number {
    if (this.#msPerTx === 0) return FIRST_CAP;
    return Math.max(MIN_SAMPLE_TXS, Math.floor((BUILD_SHARE * timeoutProposeMs) / this.#msPerTx));
  }
}
