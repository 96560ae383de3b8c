// Attribution consensus over revealed scores (docs/attribution.md, "Attested scores"), in integer
// arithmetic only, so every node settles a record to the same wei:
//
//   consensus_c  = the stake-weighted median of the revealed scores for candidate c: the lowest
//                  score s such that 2 × (power of the revealers scoring c at most s) ≥ revealed power
//   clipped_v,c  = min(score_v,c, consensus_c)                    (Yuma's clipping)
//   agreement_v  = Σ_c min(score_v,c, consensus_c) / Σ_c max(score_v,c, consensus_c)
//                  (1 when both sums are 0), floored to AGREEMENT_SCALE parts
//   weight_v     = power_v × agreement_v                           (the validators' pool by apportion)
//
// Yuma (Bittensor) takes the highest score that a kappa (0.5) share of stake reaches or exceeds:
// the upper weighted median; this is the lower one, which differs only when exactly half the
// power lies on each side. Yuma rewards by the clipped mass alone, which pays a validator that
// scores every candidate 10,000 without looking as much as an honest one; dividing by the max mass
// makes over-scoring cost agreement as under-scoring does.
export const SCORE_MAX = 10_000;
/** Agreement is a fraction in parts of 10^12. */
export const AGREEMENT_SCALE = 10n ** 12n;

export interface Vote {
  readonly score: number;
  readonly power: bigint;
}

export interface Revealed {
  readonly power: bigint;
  /** One per candidate, in the record's candidate order. */
  readonly scores: readonly number[];
}

/** The lowest score s with 2 × power(score ≤ s) ≥ total power. */
export function weightedMedian(votes: readonly Vote[]): number {
  let total = 0n;
  for (const v of votes) total += v.power;
  if (total <= 0n) throw new RangeError('weighted median of no power');
  const sorted = [...votes].sort((a, b) => a.score - b.score);
  let below = 0n;
  for (const v of sorted) {
    below += v.power;
    if (2n * below >= total) return v.score;
  }
  throw new Error('unreachable: the running power reaches the total');
}

/** Each candidate's consensus score. */
export function consensusScores(revealed: readonly Revealed[], candidates: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < candidates; c++) {
    out.push(weightedMedian(revealed.map((r) => ({ score: r.scores[c]!, power: r.power }))));
  }
  return out;
}

/** A validator's scores clipped to the consensus (none above it). */
export function clipScores(scores: readonly number[], consensus: readonly number[]): number[] {
  return scores.map((s, c) => Math.min(s, consensus[c]!));
}

/** Σ min / Σ max of the scores against the consensus, in AGREEMENT_SCALE parts (floored). */
export function agreement(scores: readonly number[], consensus: readonly number[]): bigint {
  let min = 0;
  let max = 0;
  scores.forEach((s, c) => {
    const k = consensus[c]!;
    min += Math.min(s, k);
    max += Math.max(s, k);
  });
  if (max === 0) return AGREEMENT_SCALE;
  return (BigInt(min) * AGREEMENT_SCALE) / BigInt(max);
}

/** Each revealer's share weight of the validators' pool: power × agreement. */
export function attesterWeights(revealed: readonly Revealed[], consensus: readonly number[]): bigint[] {
  return revealed.map((r) => r.power * agreement(r.scores, consensus));
}
