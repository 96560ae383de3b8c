// The staking module's ABI: the same interface as IStaking.sol (test/state/modules/staking/abi.test.ts
// holds them equal), as human-readable signatures that ox and viem parse at the type level too.
// `stakingAbi` is the JSON ABI for tools (viem's readContract/decodeEventLog, ethers).
import { Abi } from 'ox';
import type { Address } from '../../../core/address.ts';

/** The module's reserved address ("57a4" for staking). */
export const STAKING_ADDRESS: Address = '0x00000000000000000000000000000000000057a4';

export const stakingSignatures = [
  'struct Params { uint32 maxValidators; uint256 minSelfBond; uint256 powerReduction; uint64 unbondingBlocks; uint32 maxEntries; uint64 signedBlocksWindow; uint16 minSignedPerWindowBps; uint64 downtimeJailBlocks; uint16 slashFractionDoubleSignBps; uint16 slashFractionDowntimeBps; bool slashToTreasury; uint16 feesToStakersBps; uint16 maxPowerChangeBps; uint256 blockReward; uint64 rewardHalvingBlocks; }',
  'struct Validator { address operator; bytes32 consensusKey; address consensusAddress; uint8 status; uint256 tokens; uint256 delegatorShares; uint256 selfBond; uint64 power; uint16 commissionBps; uint16 maxCommissionBps; uint16 maxChangeBps; uint64 commissionChangedAt; uint64 jailedUntil; uint64 missedBlocks; uint256 commission; string moniker; string metadata; }',
  'struct Delegation { address delegator; address validator; uint256 shares; uint256 tokens; uint256 pendingRewards; }',
  'struct Unbonding { address delegator; address validator; uint64 creationHeight; uint64 completionHeight; uint256 initialBalance; uint256 balance; }',
  'struct Redelegation { address delegator; address from; address to; uint64 creationHeight; uint64 completionHeight; uint256 initialBalance; uint256 shares; }',
  'struct Pool { uint256 bonded; uint256 notBonded; uint256 rewardsPool; uint256 distributed; uint256 paid; uint256 dust; uint256 slashed; uint64 totalPower; }',

  'event ValidatorCreated(address indexed operator, bytes32 consensusKey, uint256 selfBond, uint16 commissionBps, string moniker)',
  'event ValidatorEdited(address indexed operator, uint16 commissionBps, string moniker, string metadata)',
  'event Delegated(address indexed delegator, address indexed validator, uint256 amount, uint256 shares)',
  'event Undelegated(address indexed delegator, address indexed validator, uint256 amount, uint64 completionHeight)',
  'event Redelegated(address indexed delegator, address indexed from, address indexed to, uint256 amount, uint64 completionHeight)',
  'event RewardsWithdrawn(address indexed delegator, address indexed validator, uint256 amount)',
  'event CommissionWithdrawn(address indexed operator, uint256 amount)',
  'event Unjailed(address indexed operator)',

  'function createValidator(bytes32 consensusKey, bytes keySignature, uint16 commissionBps, uint16 maxCommissionBps, uint16 maxChangeBps, string moniker, string metadata) external payable',
  'function editValidator(uint16 commissionBps, string moniker, string metadata) external',
  'function delegate(address validator) external payable',
  'function undelegate(address validator, uint256 amount) external',
  'function redelegate(address from, address to, uint256 amount) external',
  'function withdrawRewards(address validator) external',
  'function unjail() external',

  'function params() external view returns (Params)',
  'function pool() external view returns (Pool)',
  'function validator(address operator) external view returns (Validator)',
  'function validators() external view returns (Validator[])',
  'function delegation(address delegator, address validator) external view returns (Delegation)',
  'function delegations(address delegator) external view returns (Delegation[])',
  'function unbondings(address delegator) external view returns (Unbonding[])',
  'function redelegations(address delegator) external view returns (Redelegation[])',
  'function pendingRewards(address delegator, address validator) external view returns (uint256)',
  'function paid(address recipient) external view returns (uint256 rewards, uint256 commission)',
] as const;

export const stakingAbi = Abi.from(stakingSignatures);
