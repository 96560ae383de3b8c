// Reward accounting: a per-share accumulator per validator (F1's idea, without slash periods: a
// slash lowers a validator's tokens, never its shares, so rewards per share need no correction).
//
// Allocating R to a validator: commission = floor(R * commissionBps / 10^4) goes to its commission;
// the rest r goes to its delegators through
//     rewardPerShare += floor((r * SCALE + carry) / delegatorShares),  carry = the remainder.
// A delegation of s shares last settled at rewardStart is owed s * (rewardPerShare - rewardStart) /
// SCALE; settling pays the floor and sends the remainder (below one wei, kept in wei * SCALE) to the
// pool's dust. So, exactly, in units of wei * SCALE (docs/staking.md, and the property test):
//   SCALE * distributed == SCALE * (paid + dust + sum commission) + dustScaled + sum carry
//                          + sum over delegations of shares * (rewardPerShare - rewardStart).
import { StakingError } from './errors.ts';
import type { DelegationRecord, Pool, ValidatorRecord } from './records.ts';
import { readPool, requireValidator, type StateWriter, writePool, writeValidator } from './store.ts';

/** Scale of rewardPerShare: 10^36 keeps 18 decimals of a wei per share for stakes up to 10^18 OPEN. */
export const REWARD_SCALE = 10n ** 36n;
const BPS = 10_000n;

/** Adds a remainder in wei * SCALE to the pool's dust, whole wei to `dust`. */
export function addDust(pool: Pool, scaled: bigint): Pool {
  const total = pool.dustScaled + scaled;
  return { ...pool, dust: pool.dust + total / REWARD_SCALE, dustScaled: total % REWARD_SCALE };
}

/** Commission, then the per-share accumulator; a validator without shares leaves it all to dust. */
export function allocate(v: ValidatorRecord, amount: bigint, pool: Pool): [ValidatorRecord, Pool] {
  const commission = (amount * BigInt(v.commissionBps)) / BPS;
  const scaled = (amount - commission) * REWARD_SCALE + v.rewardCarry;
  const distributed = { ...pool, distributed: pool.distributed + amount };
  const paidCommission = { ...v, commission: v.commission + commission };
  if (v.delegatorShares === 0n) return [{ ...paidCommission, rewardCarry: 0n }, addDust(distributed, scaled)];
  return [
    {
      ...paidCommission,
      rewardPerShare: v.rewardPerShare + scaled / v.delegatorShares,
      rewardCarry: scaled % v.delegatorShares,
    },
    distributed,
  ];
}

/** What a delegation is owed, in wei * SCALE. */
export function owedScaled(v: ValidatorRecord, d: DelegationRecord): bigint {
  return d.shares * (v.rewardPerShare - d.rewardStart);
}

/** Whole wei a delegation can withdraw now. */
export function pendingRewards(v: ValidatorRecord, d: DelegationRecord): bigint {
  return owedScaled(v, d) / REWARD_SCALE;
}

/**
 * Settles a delegation: returns what to pay its delegator, the delegation restarted at the
 * validator's current rewardPerShare, and the pool with the payment and the remainder counted.
 */
export function settle(
  v: ValidatorRecord,
  d: DelegationRecord,
  pool: Pool,
): [bigint, DelegationRecord, Pool] {
  const owed = owedScaled(v, d);
  const amount = owed / REWARD_SCALE;
  const settled = addDust({ ...pool, paid: pool.paid + amount }, owed % REWARD_SCALE);
  return [amount, { ...d, rewardStart: v.rewardPerShare }, settled];
}

/**
 * When a validator's last shares leave, the carry has nobody left to go to: it becomes dust, so
 * a later delegator does not receive rewards from before it delegated.
 */
export function dropCarryIfEmpty(v: ValidatorRecord, pool: Pool): [ValidatorRecord, Pool] {
  if (v.delegatorShares !== 0n) return [v, pool];
  return [{ ...v, rewardCarry: 0n }, addDust(pool, v.rewardCarry)];
}

/**
 * Seam for the end-of-block fee and reward routing: allocates `amount`, which the caller has
 * already placed in the staking module's balance, to the validator of `operator`.
 */
export function allocateReward(
  state: StateWriter,
  operator: Parameters<typeof requireValidator>[1],
  amount: bigint,
): void {
  if (amount < 0n) throw new StakingError('INVALID_ARGUMENT', `cannot allocate a negative reward ${amount}`);
  const [v, pool] = allocate(requireValidator(state, operator), amount, readPool(state));
  writeValidator(state, v);
  writePool(state, pool);
}
