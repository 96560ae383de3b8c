// Moving OPEN in and out of the staking module's account, and a validator's tokens in and out of
// the pool's bonded/notBonded totals. The module's balance is always
//   pool.bonded + pool.notBonded + pool.rewardsPool + (pool.distributed - pool.paid)
//   + the income received in the current block (blockIncome.ts; none between blocks)
// (docs/staking.md); every function here keeps that true.
import type { Address } from '../../../core/address.ts';
import { readAccount, transfer, writeAccount } from '../../accounts.ts';
import { readParams } from '../../params.ts';
import { burnSupply } from '../../supply.ts';
import { STAKING_ADDRESS } from './abi.ts';
import { StakingError } from './errors.ts';
import { GAS } from './gas.ts';
import type { PaidRecord, Pool, ValidatorRecord } from './records.ts';
import { readPaid, type Stake, writePaid } from './store.ts';

const TRANSFER_GAS = 2n * (GAS.read + GAS.write);

/** Pays `amount` out of the module's account. */
export function payOut(stake: Stake, to: Address, amount: bigint): void {
  if (amount === 0n) return;
  stake.useGas(TRANSFER_GAS);
  transfer(stake.accounts, STAKING_ADDRESS, to, amount);
}

/** Pays a delegator's rewards or an operator's commission, adding it to what `to` has been paid. */
export function payIncome(stake: Stake, to: Address, amount: bigint, kind: keyof PaidRecord): void {
  if (amount === 0n) return;
  payOut(stake, to, amount);
  const paid = readPaid(stake.state, to);
  writePaid(stake.state, to, { ...paid, [kind]: paid[kind] + amount });
}

/** Takes `amount` from an account into the module (genesis self-bonds). */
export function payIn(stake: Stake, from: Address, amount: bigint): void {
  stake.useGas(TRANSFER_GAS);
  try {
    transfer(stake.accounts, from, STAKING_ADDRESS, amount);
  } catch (err) {
    if ((err as { code?: string }).code !== 'INSUFFICIENT_BALANCE') throw err;
    throw new StakingError('INSUFFICIENT_BALANCE', (err as Error).message);
  }
}

/** Slashed tokens leave the module: burned (out of the supply) or sent to the chain's treasury. */
export function removeSlashed(stake: Stake, amount: bigint, toTreasury: boolean): void {
  if (amount === 0n) return;
  if (toTreasury) {
    payOut(stake, readParams(stake.accounts).treasury, amount);
    return;
  }
  // The module holds every slashable token (custody invariant), so the balance covers the burn.
  stake.useGas(GAS.read + GAS.write);
  const account = readAccount(stake.accounts, STAKING_ADDRESS);
  writeAccount(stake.accounts, STAKING_ADDRESS, { ...account, balance: account.balance - amount });
  burnSupply(stake.accounts, amount);
}

/** Adds (or with a negative amount removes) tokens of a validator, in the pool total its status counts in. */
export function moveTokens(v: ValidatorRecord, amount: bigint, pool: Pool): [ValidatorRecord, Pool] {
  const counted = v.inSet
    ? { ...pool, bonded: pool.bonded + amount }
    : { ...pool, notBonded: pool.notBonded + amount };
  return [{ ...v, tokens: v.tokens + amount }, counted];
}

/** Shares that `amount` tokens buy at the validator's current exchange rate (rounded down). */
export function sharesForTokens(v: ValidatorRecord, amount: bigint): bigint {
  if (v.delegatorShares === 0n) return amount;
  if (v.tokens === 0n)
    throw new StakingError(
      'VALIDATOR_HAS_NO_TOKENS',
      `validator ${v.operator} has shares but no tokens left (slashed to zero); it takes no delegations`,
    );
  return (amount * v.delegatorShares) / v.tokens;
}

/** Tokens that `shares` are worth (rounded down; all of them for all the shares). */
export function tokensForShares(
  v: Pick<ValidatorRecord, 'tokens' | 'delegatorShares'>,
  shares: bigint,
): bigint {
  if (shares === v.delegatorShares) return v.tokens;
  return (shares * v.tokens) / v.delegatorShares;
}
