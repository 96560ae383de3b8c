// Delegators' transactions: delegate, undelegate (tokens unbond for unbondingBlocks and stay
// slashable for earlier offences), redelegate (shares move at once; slashable for the source's
// earlier offences until they mature; no chains), withdraw rewards (and commission, for operators).
import type { Address } from '../../../core/address.ts';
import { bond, sharesToUnbond, unbond } from './bonding.ts';
import { type Call, requireNoValue } from './call.ts';
import { addRedelegation, addUnbonding, hasIncomingRedelegation } from './entries.ts';
import { StakingError } from './errors.ts';
import { emit } from './events.ts';
import { payIncome } from './ledger.ts';
import type { DelegationRecord, Pool, ValidatorRecord } from './records.ts';
import { settle } from './rewards.ts';
import {
  readDelegation,
  readPool,
  requireValidator,
  writeDelegation,
  writePool,
  writeValidator,
} from './store.ts';

function requireOpen(v: ValidatorRecord): void {
  if (v.tombstoned)
    throw new StakingError(
      'VALIDATOR_TOMBSTONED',
      `validator ${v.operator} is tombstoned and takes no delegations`,
    );
}

function requireDelegation(call: Call, v: ValidatorRecord): DelegationRecord {
  const d = readDelegation(call.stake.state, call.ctx.from, v.operator);
  if (!d) throw new StakingError('NO_DELEGATION', `${call.ctx.from} has no delegation to ${v.operator}`);
  return d;
}

function rewardsEvent(call: Call, validator: Address, amount: bigint): void {
  if (amount > 0n) emit(call.ctx, 'RewardsWithdrawn', { delegator: call.ctx.from, validator, amount });
}

export function delegate(call: Call, validator: Address): void {
  const { ctx, stake } = call;
  if (ctx.value === 0n)
    throw new StakingError('INVALID_ARGUMENT', 'delegate needs a value: the amount to bond');
  const v = requireValidator(stake.state, validator);
  requireOpen(v);
  const bonded = bond(stake, ctx.from, v, ctx.value, readPool(stake.state));
  writeValidator(stake.state, bonded.validator);
  writePool(stake.state, bonded.pool);
  rewardsEvent(call, validator, bonded.rewards);
  emit(ctx, 'Delegated', { delegator: ctx.from, validator, amount: ctx.value, shares: bonded.shares });
}

export function undelegate(call: Call, validator: Address, amount: bigint): void {
  requireNoValue(call, 'undelegate');
  const { ctx, stake, params } = call;
  const v = requireValidator(stake.state, validator);
  const d = requireDelegation(call, v);
  const shares = sharesToUnbond(v, d, amount);
  const completionHeight = ctx.block.height + params.unbondingBlocks;
  let pool = readPool(stake.state);
  const unbonded = unbond(stake, ctx.from, v, d, shares, pool);
  // The tokens leave the validator and wait, unbonding, in notBonded.
  pool = { ...unbonded.pool, notBonded: unbonded.pool.notBonded + unbonded.tokens };
  pool = addUnbonding(
    stake.state,
    {
      delegator: ctx.from,
      validator,
      creationHeight: ctx.block.height,
      completionHeight,
      initialBalance: unbonded.tokens,
      balance: unbonded.tokens,
    },
    params.maxEntries,
    pool,
  );
  writeValidator(stake.state, unbonded.validator);
  writePool(stake.state, pool);
  rewardsEvent(call, validator, unbonded.rewards);
  emit(ctx, 'Undelegated', {
    delegator: ctx.from,
    validator,
    amount: unbonded.tokens,
    completionHeight: BigInt(completionHeight),
  });
}

export function redelegate(call: Call, from: Address, to: Address, amount: bigint): void {
  requireNoValue(call, 'redelegate');
  const { ctx, stake, params } = call;
  if (from === to) throw new StakingError('SELF_REDELEGATION', `cannot redelegate from ${from} to itself`);
  const source = requireValidator(stake.state, from);
  const target = requireValidator(stake.state, to);
  requireOpen(target);
  const d = requireDelegation(call, source);
  if (hasIncomingRedelegation(stake.state, ctx.from, from))
    throw new StakingError(
      'REDELEGATION_CHAIN',
      `a redelegation of ${ctx.from} into ${from} is still maturing; it cannot be redelegated again before`,
    );
  const shares = sharesToUnbond(source, d, amount);
  const unbonded = unbond(stake, ctx.from, source, d, shares, readPool(stake.state));
  writeValidator(stake.state, unbonded.validator);
  const bonded = bond(stake, ctx.from, target, unbonded.tokens, unbonded.pool);
  const completionHeight = ctx.block.height + params.unbondingBlocks;
  const pool = addRedelegation(
    stake.state,
    {
      delegator: ctx.from,
      from,
      to,
      creationHeight: ctx.block.height,
      completionHeight,
      initialBalance: unbonded.tokens,
      shares: bonded.shares,
    },
    params.maxEntries,
    bonded.pool,
  );
  writeValidator(stake.state, bonded.validator);
  writePool(stake.state, pool);
  rewardsEvent(call, from, unbonded.rewards);
  rewardsEvent(call, to, bonded.rewards);
  emit(ctx, 'Redelegated', {
    delegator: ctx.from,
    from,
    to,
    amount: unbonded.tokens,
    completionHeight: BigInt(completionHeight),
  });
}

/** The sender's rewards from `validator`, and its commission if the sender is its operator. */
export function withdrawRewards(call: Call, validator: Address): void {
  requireNoValue(call, 'withdrawRewards');
  const { ctx, stake } = call;
  let v = requireValidator(stake.state, validator);
  const d = readDelegation(stake.state, ctx.from, validator);
  const isOperator = ctx.from === validator;
  if (!d && !isOperator)
    throw new StakingError('NO_DELEGATION', `${ctx.from} has no delegation to ${validator}`);
  let pool: Pool = readPool(stake.state);
  if (d) {
    let amount: bigint;
    let settled: DelegationRecord;
    [amount, settled, pool] = settle(v, d, pool);
    writeDelegation(stake.state, ctx.from, validator, settled);
    payIncome(stake, ctx.from, amount, 'rewards');
    emit(ctx, 'RewardsWithdrawn', { delegator: ctx.from, validator, amount });
  }
  if (isOperator) {
    const commission = v.commission;
    pool = { ...pool, paid: pool.paid + commission };
    v = { ...v, commission: 0n };
    writeValidator(stake.state, v);
    payIncome(stake, ctx.from, commission, 'commission');
    emit(ctx, 'CommissionWithdrawn', { operator: ctx.from, amount: commission });
  }
  writePool(stake.state, pool);
}
