// A block's income for stakers: the fee split settled into balances, then the stakers' fees (with
// the income other modules handed over in the block) and the block reward allocated to the
// validators that signed the previous block, by their power in the set that signed it (each
// validator's commission first, then its delegators: allocateReward).
import type { Validator } from '../../../../core/validator.ts';
import { credit } from '../../../accounts.ts';
import type { ChainParams } from '../../../params.ts';
import type { StateOverlay } from '../../../stateDb.ts';
import { burnSupply } from '../../../supply.ts';
import { allocateReward, readPool, STAKING_ADDRESS, type StakingParams, writePool } from '../index.ts';
import { splitFees } from './fees.ts';
import { blockRewardAt, splitByPower } from './rewards.ts';

/** Credits the treasury's and the stakers' fee shares (the burned share is credited to nobody); returns the stakers'. */
export function settleFees(
  state: StateOverlay,
  chain: ChainParams,
  params: StakingParams,
  baseFees: bigint,
  tips: bigint,
): bigint {
  const split = splitFees(baseFees, tips, chain.baseFeeBurnBps, params.feesToStakersBps);
  // Checked credits that cannot fail: the fees were taken from balances in this block, and the
  // genesis bounds the total supply by MAX_BALANCE.
  credit(state, chain.treasury, split.treasury);
  credit(state, STAKING_ADDRESS, split.stakers);
  burnSupply(state, split.burned);
  return split.stakers;
}

/**
 * Allocates `fees` (the stakers' fees and the income other modules handed over in the block, already
 * in the module's balance) and the block reward (taken from the rewards pool) to `signers`. Without
 * signers (block 1 has no lastCommit) nothing is paid: the fees join the rewards pool and are paid
 * out with later block rewards.
 */
export function payBlockIncome(
  state: StateOverlay,
  params: StakingParams,
  height: number,
  signers: readonly Validator[] | undefined,
  fees: bigint,
): void {
  const pool = readPool(state);
  if (!signers || signers.length === 0) {
    if (fees > 0n) writePool(state, { ...pool, rewardsPool: pool.rewardsPool + fees });
    return;
  }
  const reward = blockRewardAt(
    params.blockReward,
    BigInt(params.rewardHalvingBlocks),
    BigInt(height),
    pool.rewardsPool,
  );
  if (reward > 0n) writePool(state, { ...pool, rewardsPool: pool.rewardsPool - reward });
  const shares = splitByPower(
    fees + reward,
    signers.map((v) => ({ operator: v.rewardAddress, power: v.power })),
  );
  for (const share of shares) allocateReward(state, share.operator, share.amount);
}
