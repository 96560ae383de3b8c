// Bonding and unbonding shares of a delegation: the exchange between tokens and shares, and the
// settling of a delegation's rewards that every change of its shares starts with (as in the Cosmos
// SDK, touching a delegation withdraws its rewards to the delegator).
import type { Address } from '../../../core/address.ts';
import { StakingError } from './errors.ts';
import { moveTokens, payIncome, sharesForTokens, tokensForShares } from './ledger.ts';
import type { DelegationRecord, Pool, ValidatorRecord } from './records.ts';
import { dropCarryIfEmpty, settle } from './rewards.ts';
import { readDelegation, type Stake, writeDelegation } from './store.ts';

export interface Bonded {
  readonly validator: ValidatorRecord;
  readonly pool: Pool;
  /** Shares bought or sold. */
  readonly shares: bigint;
  /** Tokens bonded or unbonded. */
  readonly tokens: bigint;
  /** Rewards the settling paid to the delegator. */
  readonly rewards: bigint;
}

/** Bonds `amount` tokens (already in the module's account) as a delegation of `delegator` to `v`. */
export function bond(
  stake: Stake,
  delegator: Address,
  v: ValidatorRecord,
  amount: bigint,
  pool: Pool,
): Bonded {
  // Tokens per share never exceed 1 (slashes only lower them, bonding rounds shares down, the
  // last shares take all tokens), so a positive amount always buys at least one share.
  const shares = sharesForTokens(v, amount);
  const existing = readDelegation(stake.state, delegator, v.operator);
  let rewards = 0n;
  let d: DelegationRecord = existing ?? { shares: 0n, rewardStart: v.rewardPerShare };
  if (existing) [rewards, d, pool] = settle(v, existing, pool);
  let validator: ValidatorRecord;
  [validator, pool] = moveTokens(v, amount, pool);
  validator = { ...validator, delegatorShares: validator.delegatorShares + shares };
  writeDelegation(stake.state, delegator, v.operator, { ...d, shares: d.shares + shares });
  payIncome(stake, delegator, rewards, 'rewards');
  return { validator, pool, shares, tokens: amount, rewards };
}

/**
 * The shares to sell for `amount` tokens of a delegation: rounded up so the delegator receives at
 * least `amount`, and all of them when what would remain is worth no token.
 */
export function sharesToUnbond(v: ValidatorRecord, d: DelegationRecord, amount: bigint): bigint {
  if (amount <= 0n) throw new StakingError('INVALID_ARGUMENT', `amount must be positive, got ${amount}`);
  const value = tokensForShares(v, d.shares);
  if (amount > value)
    throw new StakingError(
      'INSUFFICIENT_DELEGATION',
      `delegation to ${v.operator} is worth ${value}, cannot undelegate ${amount}`,
    );
  const shares = (amount * v.delegatorShares + v.tokens - 1n) / v.tokens;
  if (shares >= d.shares || tokensForShares(v, d.shares - shares) === 0n) return d.shares;
  return shares;
}

/** Sells `shares` of a delegation (settling its rewards first); the tokens leave the validator. */
export function unbond(
  stake: Stake,
  delegator: Address,
  v: ValidatorRecord,
  d: DelegationRecord,
  shares: bigint,
  pool: Pool,
): Bonded {
  let [rewards, settled, p] = settle(v, d, pool);
  const tokens = tokensForShares(v, shares);
  let validator: ValidatorRecord;
  [validator, p] = moveTokens(v, -tokens, p);
  [validator, p] = dropCarryIfEmpty({ ...validator, delegatorShares: validator.delegatorShares - shares }, p);
  settled = { ...settled, shares: settled.shares - shares };
  writeDelegation(stake.state, delegator, v.operator, settled);
  payIncome(stake, delegator, rewards, 'rewards');
  return { validator, pool: p, shares, tokens, rewards };
}
