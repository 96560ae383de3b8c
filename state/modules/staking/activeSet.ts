// The active set's inputs and its application. Who is in the next set (top maxValidators, the
// per-block power-change cap) is decided by the end-of-block set update; this file lists the
// candidates in a deterministic order and applies a decided set to the records and the pool.
import type { Address } from '../../../core/address.ts';
import { type Validator, validatorAddress } from '../../../core/validator.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { moveTokens } from './ledger.ts';
import { readStakingParams } from './params.ts';
import type { ValidatorRecord } from './records.ts';
import { selfBondOf } from './slashing.ts';
import { readOperators, readPool, requireValidator, writePool, writeValidator } from './store.ts';

export interface Candidate {
  readonly operator: Address;
  readonly consensusKey: Uint8Array;
  readonly tokens: bigint;
  /** tokens / powerReduction: the power it would have in the set. */
  readonly power: bigint;
  /** Its power in the current set (0 outside it). */
  readonly currentPower: bigint;
}

/** Every validator's record, in creation order. */
export function listValidators(state: StateReader): ValidatorRecord[] {
  return readOperators(state).map((operator) => requireValidator(state, operator));
}

/** Descending tokens, then ascending operator address (addresses are lowercase hex of one length). */
export function byTokensThenOperator(
  a: { tokens: bigint; operator: Address },
  b: { tokens: bigint; operator: Address },
): number {
  if (a.tokens !== b.tokens) return a.tokens > b.tokens ? -1 : 1;
  return a.operator < b.operator ? -1 : a.operator > b.operator ? 1 : 0;
}

/**
 * End-of-block seam: the validators that may be in the set (not jailed or tombstoned, self-bond at
 * least minSelfBond, power at least 1), by descending tokens then operator.
 */
export function validatorCandidates(state: StateReader): Candidate[] {
  const params = readStakingParams(state);
  const out: Candidate[] = [];
  for (const v of listValidators(state)) {
    const power = v.tokens / params.powerReduction;
    if (v.jailed || v.tombstoned || power < 1n) continue;
    if (selfBondOf(state, v.operator) < params.minSelfBond) continue;
    out.push({
      operator: v.operator,
      consensusKey: v.consensusKey,
      tokens: v.tokens,
      power,
      currentPower: BigInt(v.power),
    });
  }
  return out.sort(byTokensThenOperator);
}

export interface SetMember {
  readonly operator: Address;
  readonly power: bigint;
}

/**
 * End-of-block seam: makes `members` the active set. Members count as bonded with the given power,
 * everyone else (leaving validators) as not bonded with power 0; the pool's totals follow. Returns
 * the set as consensus sees it, for writeValidators (reward address = operator).
 */
export function applyActiveSet(state: StateOverlay, members: readonly SetMember[]): Validator[] {
  const powers = new Map<Address, bigint>();
  for (const m of members) {
    if (powers.has(m.operator)) throw new Error(`applyActiveSet: ${m.operator} listed twice`);
    if (m.power <= 0n) throw new Error(`applyActiveSet: ${m.operator} with power ${m.power}`);
    requireValidator(state, m.operator);
    powers.set(m.operator, m.power);
  }
  let pool = readPool(state);
  let totalPower = 0n;
  const set: Validator[] = [];
  for (const operator of readOperators(state)) {
    let v = requireValidator(state, operator);
    const power = powers.get(operator);
    if (power === undefined && !v.inSet) continue;
    if (power !== undefined) {
      totalPower += power;
      set.push({
        address: validatorAddress(v.consensusKey),
        pubKey: v.consensusKey,
        power,
        rewardAddress: operator,
      });
    }
    const inSet = power !== undefined;
    if (inSet !== v.inSet) {
      // Move its tokens from one pool total to the other.
      const tokens = v.tokens;
      [v, pool] = moveTokens(v, -tokens, pool);
      [v, pool] = moveTokens({ ...v, inSet }, tokens, pool);
    }
    writeValidator(state, { ...v, power: Number(power ?? 0n) });
  }
  writePool(state, { ...pool, totalPower: Number(totalPower) });
  return set;
}
