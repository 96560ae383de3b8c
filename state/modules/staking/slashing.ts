// Slashing, jailing and tombstoning (called by the end-of-block evidence and downtime handling),
// and the operator's unjail transaction.
//
// A slash for an infraction at height h takes fraction * (stake at h): first from the unbonding
// and redelegation entries created at or after h (they were bonded then), each by fraction of its
// initial balance, capped at what it still holds; then the rest from the validator's bonded tokens
// (never more than it has). Shares are untouched, so every delegator's tokens drop in proportion.
import type { Address } from '../../../core/address.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { unbond } from './bonding.ts';
import { type Call, requireNoValue } from './call.ts';
import { StakingError } from './errors.ts';
import { emit } from './events.ts';
import { stakingKeys as keys } from './keys.ts';
import { moveTokens, removeSlashed, tokensForShares } from './ledger.ts';
import { readStakingParams } from './params.ts';
import { EntryKind, type Pool } from './records.ts';
import {
  readDelegation,
  readEntries,
  readPool,
  readRedelegation,
  readUnbonding,
  requireValidator,
  type Stake,
  unmetered,
  writePool,
  writeUnbonding,
  writeValidator,
} from './store.ts';

const BPS = 10_000n;

export interface Slash {
  readonly operator: Address;
  /** Height of the offence: entries created at or after it are slashed too. */
  readonly infractionHeight: number;
  readonly fractionBps: number;
  /** The current height (entries that completed before it are gone already). */
  readonly height: number;
  /**
   * Voting power of the validator at the infraction height; the slash is fraction * power *
   * powerReduction. Without it, the validator's current tokens stand in for its stake then.
   */
  readonly infractionPower?: bigint;
}

/** What a slash took: from unbonding entries, from redelegations, and from bonded tokens. */
export interface Slashed {
  readonly unbonding: bigint;
  readonly redelegated: bigint;
  readonly bonded: bigint;
  readonly total: bigint;
}

function slashUnbonding(state: StateOverlay, id: number, fraction: bigint, pool: Pool): [bigint, Pool] {
  const u = readUnbonding(state, id)!;
  const wanted = (u.initialBalance * fraction) / BPS;
  const taken = wanted < u.balance ? wanted : u.balance;
  if (taken === 0n) return [0n, pool];
  writeUnbonding(state, id, { ...u, balance: u.balance - taken });
  return [taken, { ...pool, notBonded: pool.notBonded - taken }];
}

/**
 * Takes fraction of a redelegation's shares back from its destination delegation (capped at the
 * shares the delegator still holds there): they are unbonded (settling the delegation's rewards)
 * and their tokens slashed.
 */
function slashRedelegation(stake: Stake, id: number, fraction: bigint, pool: Pool): [bigint, Pool] {
  const r = readRedelegation(stake.state, id)!;
  const d = readDelegation(stake.state, r.delegator, r.to);
  if (!d) return [0n, pool];
  const wanted = (r.shares * fraction) / BPS;
  const shares = wanted < d.shares ? wanted : d.shares;
  if (shares === 0n) return [0n, pool];
  const unbonded = unbond(stake, r.delegator, requireValidator(stake.state, r.to), d, shares, pool);
  writeValidator(stake.state, unbonded.validator);
  return [unbonded.tokens, unbonded.pool];
}

/**
 * End-of-block seam: slashes a validator for an offence and removes the slashed tokens (burned,
 * or to the treasury with slashToTreasury). Returns what it took. Does not jail: the caller jails
 * or tombstones, and punishes one offence only once (a tombstoned validator is not slashed again
 * for double signing).
 */
export function slashValidator(state: StateOverlay, slash: Slash): Slashed {
  const stake = unmetered(state);
  const params = readStakingParams(state);
  if (slash.fractionBps < 0 || slash.fractionBps > 10_000)
    throw new StakingError('INVALID_ARGUMENT', `slash fraction ${slash.fractionBps} bps is outside 0..10000`);
  const fraction = BigInt(slash.fractionBps);
  let v = requireValidator(state, slash.operator);
  const stakeThen =
    slash.infractionPower === undefined ? v.tokens : slash.infractionPower * params.powerReduction;
  const amount = (stakeThen * fraction) / BPS;
  let pool = readPool(state);
  let unbonding = 0n;
  let redelegated = 0n;
  for (const ref of readEntries(state, keys.validatorEntries(slash.operator))) {
    let taken: bigint;
    if (ref.kind === EntryKind.unbonding) {
      if (readUnbonding(state, ref.id)!.creationHeight < slash.infractionHeight) continue;
      [taken, pool] = slashUnbonding(state, ref.id, fraction, pool);
      unbonding += taken;
    } else {
      if (readRedelegation(state, ref.id)!.creationHeight < slash.infractionHeight) continue;
      [taken, pool] = slashRedelegation(stake, ref.id, fraction, pool);
      redelegated += taken;
    }
  }
  const rest = amount - unbonding - redelegated;
  const bonded = rest <= 0n ? 0n : rest < v.tokens ? rest : v.tokens;
  [v, pool] = moveTokens(v, -bonded, pool);
  const total = unbonding + redelegated + bonded;
  writeValidator(state, v);
  writePool(state, { ...pool, slashed: pool.slashed + total });
  removeSlashed(stake, total, params.slashToTreasury);
  return { unbonding, redelegated, bonded, total };
}

/** End-of-block seam: jails a validator until `untilHeight` (it leaves the set at the next update). */
export function jailValidator(state: StateOverlay, operator: Address, untilHeight: number): void {
  const v = requireValidator(state, operator);
  writeValidator(state, { ...v, jailed: true, jailedUntil: Math.max(v.jailedUntil, untilHeight) });
}

/** End-of-block seam: jails a validator for ever (double signing); its key can never validate again. */
export function tombstoneValidator(state: StateOverlay, operator: Address): void {
  const v = requireValidator(state, operator);
  writeValidator(state, { ...v, jailed: true, tombstoned: true, jailedUntil: Number.MAX_SAFE_INTEGER });
}

/** The operator's own tokens in its validator (what minSelfBond is checked against). */
export function selfBondOf(state: StateReader, operator: Address): bigint {
  const d = readDelegation(state, operator, operator);
  return d ? tokensForShares(requireValidator(state, operator), d.shares) : 0n;
}

export function unjail(call: Call): void {
  requireNoValue(call, 'unjail');
  const { ctx, stake, params } = call;
  const v = requireValidator(stake.state, ctx.from);
  if (v.tombstoned)
    throw new StakingError('VALIDATOR_TOMBSTONED', `validator ${v.operator} is tombstoned for ever`);
  if (!v.jailed) throw new StakingError('NOT_JAILED', `validator ${v.operator} is not jailed`);
  if (ctx.block.height < v.jailedUntil)
    throw new StakingError(
      'STILL_JAILED',
      `validator ${v.operator} is jailed until height ${v.jailedUntil}; this is height ${ctx.block.height}`,
    );
  const selfBond = selfBondOf(stake.state, v.operator);
  if (selfBond < params.minSelfBond)
    throw new StakingError(
      'SELF_BOND_TOO_LOW',
      `self-bond ${selfBond} is below the minimum ${params.minSelfBond}: delegate to your validator first`,
    );
  writeValidator(stake.state, { ...v, jailed: false });
  emit(ctx, 'Unjailed', { operator: v.operator });
}
