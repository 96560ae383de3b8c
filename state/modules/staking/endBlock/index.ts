// The staking module's end-of-block step (docs/staking.md "End of block"), in this order:
//   1. fees: the burn, the treasury's share, and the stakers' share (credited to the module);
//   2. block income (stakers' fees, the income other modules handed over during the block, e.g. the
//      validators' share of inference fees, and the block reward) to the signers of lastCommit by power;
//   3. downtime: each validator of the signing set updates its window; too many misses jail it;
//   4. evidence: each double signer is slashed and tombstoned, once;
//   5. unbondings that mature at this height are paid out;
//   6. the next validator set (capped power change), which nextValidatorsHash then commits to.
// Every step costs O(validators) or O(evidence); none looks at delegations.

import type { BlockEnd } from '../../../execution/endBlock.ts';
import type { StateOverlay } from '../../../stateDb.ts';
import type { BlockInfo } from '../../module.ts';
import { completeMaturedUnbondings, readStakingParams, takeBlockIncome } from '../index.ts';
import { updateValidatorSet } from './activeSet.ts';
import { slashDoubleSigners } from './doubleSign.ts';
import { trackDowntime } from './downtime.ts';
import { payBlockIncome, settleFees } from './income.ts';
import { readSigningSet } from './signingSet.ts';

export function stakingEndBlock(state: StateOverlay, block: BlockInfo, end: BlockEnd): void {
  const params = readStakingParams(state);
  const height = block.height;
  const income = settleFees(state, block.params, params, end.baseFees, end.tips) + takeBlockIncome(state);
  const signingSet = end.lastCommit ? readSigningSet(state) : undefined;
  const signed = new Set(end.lastCommit?.signatures.map((s) => s.validator));
  payBlockIncome(
    state,
    params,
    height,
    signingSet?.filter((v) => signed.has(v.address)),
    income,
  );
  if (end.lastCommit && signingSet)
    trackDowntime(state, params, end.lastCommit.height, height, signingSet, signed);
  slashDoubleSigners(state, params, height, end.evidence);
  completeMaturedUnbondings(state, height);
  updateValidatorSet(state, params);
}
