// Read-only functions answered through eth_call: the parameters, the pool, validators, a
// delegator's delegations, entries and pending rewards, as IStaking's structs.
import type { Address } from '../../../core/address.ts';
import { bytesToHex } from '../../../core/bytes.ts';
import { validatorAddress } from '../../../core/validator.ts';
import type { StateReader } from '../../stateDb.ts';
import type { ViewHandlersOf, ViewName, ViewResult } from '../abiRouter.ts';
import type { stakingAbi } from './abi.ts';
import { byTokensThenOperator, listValidators } from './activeSet.ts';
import { delegatorRedelegations, delegatorUnbondings } from './entries.ts';
import { tokensForShares } from './ledger.ts';
import { readStakingParams } from './params.ts';
import { type ValidatorRecord, ValidatorStatus } from './records.ts';
import { pendingRewards } from './rewards.ts';
import { selfBondOf } from './slashing.ts';
import { delegatorValidators, readDelegation, readPaid, readPool, requireValidator } from './store.ts';

/** A view's answer, computed from its decoded arguments. */
export type ViewHandlers = ViewHandlersOf<typeof stakingAbi>;
type Result<N extends ViewName<typeof stakingAbi>> = ViewResult<typeof stakingAbi, N>;

export function statusOf(v: ValidatorRecord): ValidatorStatus {
  if (v.tombstoned) return ValidatorStatus.tombstoned;
  if (v.jailed) return ValidatorStatus.jailed;
  return v.inSet ? ValidatorStatus.active : ValidatorStatus.inactive;
}

function validatorView(state: StateReader, v: ValidatorRecord): Result<'validator'> {
  return {
    operator: v.operator,
    consensusKey: bytesToHex(v.consensusKey),
    consensusAddress: validatorAddress(v.consensusKey),
    status: statusOf(v),
    tokens: v.tokens,
    delegatorShares: v.delegatorShares,
    selfBond: selfBondOf(state, v.operator),
    power: BigInt(v.power),
    commissionBps: v.commissionBps,
    maxCommissionBps: v.maxCommissionBps,
    maxChangeBps: v.maxChangeBps,
    commissionChangedAt: BigInt(v.commissionChangedAt),
    jailedUntil: BigInt(v.jailedUntil),
    missedBlocks: BigInt(v.missedBlocks),
    commission: v.commission,
    moniker: v.moniker,
    metadata: v.metadata,
  };
}

function delegationView(state: StateReader, delegator: Address, validator: Address): Result<'delegation'> {
  const v = requireValidator(state, validator);
  const d = readDelegation(state, delegator, validator);
  return {
    delegator,
    validator,
    shares: d?.shares ?? 0n,
    tokens: d ? tokensForShares(v, d.shares) : 0n,
    pendingRewards: d ? pendingRewards(v, d) : 0n,
  };
}

export const views: ViewHandlers = {
  params: (state) => {
    const p = readStakingParams(state);
    return {
      ...p,
      unbondingBlocks: BigInt(p.unbondingBlocks),
      signedBlocksWindow: BigInt(p.signedBlocksWindow),
      downtimeJailBlocks: BigInt(p.downtimeJailBlocks),
      rewardHalvingBlocks: BigInt(p.rewardHalvingBlocks),
    };
  },

  pool: (state) => {
    const p = readPool(state);
    return {
      bonded: p.bonded,
      notBonded: p.notBonded,
      rewardsPool: p.rewardsPool,
      distributed: p.distributed,
      paid: p.paid,
      dust: p.dust,
      slashed: p.slashed,
      totalPower: BigInt(p.totalPower),
    };
  },

  validator: (state, [operator]) => validatorView(state, requireValidator(state, operator)),

  validators: (state) =>
    listValidators(state)
      .sort((a, b) => (a.inSet === b.inSet ? byTokensThenOperator(a, b) : a.inSet ? -1 : 1))
      .map((v) => validatorView(state, v)),

  delegation: (state, [delegator, validator]) => delegationView(state, delegator, validator),

  delegations: (state, [delegator]) =>
    delegatorValidators(state, delegator).map((validator) => delegationView(state, delegator, validator)),

  unbondings: (state, [delegator]) =>
    delegatorUnbondings(state, delegator).map(([, u]) => ({
      ...u,
      creationHeight: BigInt(u.creationHeight),
      completionHeight: BigInt(u.completionHeight),
    })),

  redelegations: (state, [delegator]) =>
    delegatorRedelegations(state, delegator).map(([, r]) => ({
      ...r,
      creationHeight: BigInt(r.creationHeight),
      completionHeight: BigInt(r.completionHeight),
    })),

  pendingRewards: (state, [delegator, validator]) =>
    delegationView(state, delegator, validator).pendingRewards,

  paid: (state, [recipient]) => {
    const p = readPaid(state, recipient);
    return [p.rewards, p.commission];
  },
};
