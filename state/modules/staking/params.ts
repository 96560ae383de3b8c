// The staking parameters, declared once with their bounds: the record codec, the module's reads and
// the genesis validation (stakingParams.check) all come from this declaration. Like the chain
// parameters they live in the state, so the state root commits to them.
import { bool, param, paramSet, uint16, uint32, uint64, uint256 } from '../../codec/schema.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { stateKeys } from '../../stateKeys.ts';
import { StakingError } from './errors.ts';

const MAX_UINT256 = 2n ** 256n - 1n;
const BPS = 10_000;

export const stakingParams = paramSet('staking params', {
  /** Size of the active set. */
  maxValidators: param(uint32, { min: 1, max: 10_000 }),
  /** Least self-bond (operator's own delegation, in tokens) to be in the active set or unjail. */
  minSelfBond: param(uint256, { min: 1n, max: MAX_UINT256 }),
  /** Voting power = bonded tokens / powerReduction (1 OPEN = 1 power with 10^18). */
  powerReduction: param(uint256, { min: 1n, max: 10n ** 36n }),
  /** Blocks an unbonding takes, and a redelegation stays slashable for the source's offences. */
  unbondingBlocks: param(uint64, { min: 1, max: 100_000_000 }),
  /** Unbonding entries per (delegator, validator), redelegation entries per (delegator, from, to). */
  maxEntries: param(uint32, { min: 1, max: 100 }),
  signedBlocksWindow: param(uint64, { min: 1, max: 1_000_000 }),
  minSignedPerWindowBps: param(uint16, { min: 0, max: BPS }),
  downtimeJailBlocks: param(uint64, { min: 0, max: 100_000_000 }),
  slashFractionDoubleSignBps: param(uint16, { min: 0, max: BPS }),
  slashFractionDowntimeBps: param(uint16, { min: 0, max: BPS }),
  /** false: slashed tokens are burned; true: they go to the chain's treasury. */
  slashToTreasury: param(bool),
  /** Share of the unburned base fee that goes to stakers (the rest: treasury). */
  feesToStakersBps: param(uint16, { min: 0, max: BPS }),
  /** Cap on the voting power that changes in one block, of the previous total (<= 1/3). */
  maxPowerChangeBps: param(uint16, { min: 1, max: 3_333 }),
  /** Paid per block from the rewards pool while it lasts. */
  blockReward: param(uint256, { min: 0n, max: MAX_UINT256 }),
  /** 0: a fixed block reward; else it halves every this many blocks. */
  rewardHalvingBlocks: param(uint64, { min: 0, max: 1_000_000_000_000 }),
});

export type StakingParams = ReturnType<typeof stakingParams.decode>;

const KEY = stateKeys.params('staking');

/** The parameters; a chain whose genesis has no staking section refuses every staking call. */
export function readStakingParams(state: StateReader): StakingParams {
  const bytes = state.get(KEY);
  if (!bytes)
    throw new StakingError(
      'STAKING_NOT_ENABLED',
      'staking is not enabled on this chain: its genesis has no staking parameters',
    );
  return stakingParams.decode(bytes);
}

/** Throws ParamError (naming the parameter) for a value outside its bounds, writing nothing. */
export function writeStakingParams(state: StateOverlay, params: StakingParams): void {
  state.set(KEY, stakingParams.encode(params));
}
