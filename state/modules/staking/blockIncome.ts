// Income other modules hand to the validators during a block (the validators' share of inference
// fees). The caller credits it to the module's account at once; it is recorded here and allocated
// at the end of the block together with the block's fees, by the same path: to the signers of its
// lastCommit by power, each validator's commission first, then its delegators pro rata
// (endBlock/income.ts). The record is deleted then, so nothing is left between blocks and the
// custody identity (ledger.ts) holds at every block boundary.
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { StakingError } from './errors.ts';
import { stakingKeys as keys } from './keys.ts';
import { blockIncomeRecord } from './records.ts';

/** Seam for other modules: `amount`, already credited to STAKING_ADDRESS, is this block's signers' income. */
export function addBlockIncome(state: StateOverlay, amount: bigint): void {
  if (amount < 0n) throw new StakingError('INVALID_ARGUMENT', `cannot add a negative income ${amount}`);
  if (amount === 0n) return;
  state.set(keys.blockIncome(), blockIncomeRecord.encode({ amount: readBlockIncome(state) + amount }));
}

/** The income received so far in this block. */
export function readBlockIncome(state: StateReader): bigint {
  const bytes = state.get(keys.blockIncome());
  return bytes ? blockIncomeRecord.decode(bytes).amount : 0n;
}

/** End of block: the income received in the block, leaving none recorded. */
export function takeBlockIncome(state: StateOverlay): bigint {
  const amount = readBlockIncome(state);
  if (amount > 0n) state.set(keys.blockIncome(), null);
  return amount;
}
