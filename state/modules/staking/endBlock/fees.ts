// Where a block's fees go (docs/staking.md "Fees and block rewards"): baseFeeBurnBps of the base
// fees is burned (credited to nobody), feesToStakersBps of the rest goes to the stakers with all
// priority fees, and the remainder to the treasury. Each division rounds down, so the burn and the
// stakers never get more than their share and the treasury takes the rounding.
export interface FeeSplit {
  readonly burned: bigint;
  readonly treasury: bigint;
  readonly stakers: bigint;
}

export function splitFees(
  baseFees: bigint,
  tips: bigint,
  baseFeeBurnBps: number,
  feesToStakersBps: number,
): FeeSplit {
  const burned = (baseFees * BigInt(baseFeeBurnBps)) / 10_000n;
  const unburned = baseFees - burned;
  const toStakers = (unburned * BigInt(feesToStakersBps)) / 10_000n;
  return { burned, treasury: unburned - toStakers, stakers: toStakers + tips };
}
