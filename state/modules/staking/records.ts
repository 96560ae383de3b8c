// The staking module's records, declared once (state/codec/schema.ts derives their canonical RLP).
// Field order is the encoding: changing it is a state-breaking change.
import {
  address,
  bool,
  bytes,
  list,
  type RecordOf,
  record,
  text,
  uint8,
  uint16,
  uint64,
  uint256,
} from '../../codec/schema.ts';

/** What users see (IStaking's Validator.status); derived from the record's flags. */
export const ValidatorStatus = { active: 0, inactive: 1, jailed: 2, tombstoned: 3 } as const;
export type ValidatorStatus = (typeof ValidatorStatus)[keyof typeof ValidatorStatus];

/** Why a validator is slashed (IStaking's slash reason). */
export const SlashReason = { doubleSign: 1, downtime: 2 } as const;
export type SlashReason = (typeof SlashReason)[keyof typeof SlashReason];

export const LIMITS = { moniker: 70, metadata: 512 } as const;

const validatorFields = {
  operator: address,
  consensusKey: bytes(32),
  /** In the active set: its tokens count as pool.bonded (else pool.notBonded). */
  inSet: bool,
  jailed: bool,
  /** Jailed forever after double signing; its consensus key can never validate again. */
  tombstoned: bool,
  /** Height from which unjail is allowed. */
  jailedUntil: uint64,
  /** Bonded stake (self-bond + delegations, after slashes). */
  tokens: uint256,
  delegatorShares: uint256,
  /** Voting power in the current set (0 outside it), as last applied by applyActiveSet. */
  power: uint64,
  commissionBps: uint16,
  maxCommissionBps: uint16,
  /** Largest commission change per day of block time. */
  maxChangeBps: uint16,
  /** Block time (ms) of the last commission change (of creation at first). */
  commissionChangedAt: uint64,
  /** Commission earned and not yet withdrawn. */
  commission: uint256,
  /** Rewards per share since creation, scaled by REWARD_SCALE (rewards.ts). */
  rewardPerShare: uint256,
  /** What the last allocations left undivided, in wei * REWARD_SCALE (always < delegatorShares after one). */
  rewardCarry: uint256,
  /** Blocks missed in the current signing window (kept by the end-of-block downtime tracker). */
  missedBlocks: uint64,
  moniker: text(LIMITS.moniker),
  metadata: text(LIMITS.metadata),
};
export const validatorRecord = record('validator', validatorFields);
export type ValidatorRecord = RecordOf<typeof validatorFields>;

const delegationFields = {
  shares: uint256,
  /** The validator's rewardPerShare when this delegation was last settled. */
  rewardStart: uint256,
};
export const delegationRecord = record('delegation', delegationFields);
export type DelegationRecord = RecordOf<typeof delegationFields>;

const unbondingFields = {
  delegator: address,
  validator: address,
  creationHeight: uint64,
  completionHeight: uint64,
  initialBalance: uint256,
  /** What is paid at completion: initialBalance less slashes. */
  balance: uint256,
};
export const unbondingRecord = record('unbonding', unbondingFields);
export type UnbondingRecord = RecordOf<typeof unbondingFields>;

const redelegationFields = {
  delegator: address,
  from: address,
  to: address,
  creationHeight: uint64,
  completionHeight: uint64,
  initialBalance: uint256,
  /** Shares received at `to`: what a slash of `from` for an earlier offence takes back. */
  shares: uint256,
};
export const redelegationRecord = record('redelegation', redelegationFields);
export type RedelegationRecord = RecordOf<typeof redelegationFields>;

export const EntryKind = { unbonding: 0, redelegation: 1 } as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

const entryRefFields = { kind: uint8, id: uint64 };
export const entryRef = record('entry', entryRefFields);
export type EntryRef = RecordOf<typeof entryRefFields>;

/** Entry lists: a validator's (for slashing), a delegator's (for views and limits), a height's (maturity). */
export const entryList = list(entryRef);
export const entryListRecord = record('entries', { entries: entryList });

/** The operators of every validator ever created, in creation order. */
export const addressListRecord = record('addresses', { addresses: list(address) });

/** What an address has withdrawn from the module as delegation rewards and as commission (ledger.ts payIncome). */
const paidFields = { rewards: uint256, commission: uint256 };
export const paidRecord = record('rewards paid', paidFields);
export type PaidRecord = RecordOf<typeof paidFields>;

/** Income of the current block's signers received during the block (blockIncome.ts). */
export const blockIncomeRecord = record('block income', { amount: uint256 });

const poolFields = {
  /** Tokens of validators in the active set. */
  bonded: uint256,
  /** Tokens of other validators plus unbonding balances. */
  notBonded: uint256,
  /** Left to pay as block rewards. */
  rewardsPool: uint256,
  /** All rewards ever allocated (fees, block rewards, inference fees), commission included. */
  distributed: uint256,
  /** Rewards and commission ever withdrawn. */
  paid: uint256,
  /** Whole wei of rounding remainders. */
  dust: uint256,
  /** Rounding remainders below one wei, in wei * REWARD_SCALE (< REWARD_SCALE). */
  dustScaled: uint256,
  /** All tokens ever slashed. */
  slashed: uint256,
  /** Voting power of the active set. */
  totalPower: uint64,
  /** The last height whose maturing entries were completed. */
  maturedThrough: uint64,
  /** The last unbonding/redelegation entry id assigned (ids start at 1). */
  lastEntryId: uint64,
};
export const poolRecord = record('pool', poolFields);
export type Pool = RecordOf<typeof poolFields>;

export const EMPTY_POOL: Pool = {
  bonded: 0n,
  notBonded: 0n,
  rewardsPool: 0n,
  distributed: 0n,
  paid: 0n,
  dust: 0n,
  dustScaled: 0n,
  slashed: 0n,
  totalPower: 0,
  maturedThrough: 0,
  lastEntryId: 0,
};
