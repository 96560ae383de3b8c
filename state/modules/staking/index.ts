// The staking module's public surface: the module, its address and ABI, its parameters, and the
// seam functions the end-of-block work and the genesis call (docs/staking.md).
export { STAKING_ADDRESS, stakingAbi, stakingSignatures } from './abi.ts';
export {
  applyActiveSet,
  byTokensThenOperator,
  type Candidate,
  listValidators,
  type SetMember,
  validatorCandidates,
} from './activeSet.ts';
export { addBlockIncome, readBlockIncome, takeBlockIncome } from './blockIncome.ts';
export { completeMaturedUnbondings, type Matured } from './entries.ts';
export { StakingError, type StakingErrorCode } from './errors.ts';
export { GAS as STAKING_GAS } from './gas.ts';
export { StakingModule, stakingModule } from './module.ts';
export { readStakingParams, type StakingParams, stakingParams, writeStakingParams } from './params.ts';
export { type Pool, SlashReason, type ValidatorRecord, ValidatorStatus } from './records.ts';
export { allocateReward, REWARD_SCALE } from './rewards.ts';
export {
  jailValidator,
  type Slash,
  type Slashed,
  selfBondOf,
  slashValidator,
  tombstoneValidator,
} from './slashing.ts';
export {
  operatorOfConsensusAddress,
  readPool,
  readValidator,
  writePool,
  writeValidator,
} from './store.ts';
export { createGenesisValidator, type GenesisValidator, keyBindingMessage } from './validators.ts';
export { statusOf } from './views.ts';
