// The next consensus set from the current one and the targets the stake asks for, with the voting
// power that may change in one block capped (docs/staking.md "Active set"), so a light client that
// trusts one set can always verify the next: the power that changed between consecutive sets is at
// most maxPowerChangeBps (<= 1/3) of the previous total.
import type { Address } from '../../../../core/address.ts';
import { compareBytes, hexToBytes } from '../../../../core/bytes.ts';
import { totalPower, type Validator, validatorAddress } from '../../../../core/validator.ts';

/** A validator the stake puts in the set, with the power its tokens give it. */
export interface SetTarget {
  readonly operator: Address;
  readonly pubKey: Uint8Array;
  readonly power: bigint;
}

interface Change {
  readonly operator: Address;
  readonly pubKey: Uint8Array;
  readonly from: bigint;
  readonly delta: bigint;
  /** Leaving the set entirely (not in the targets any more): applied before every other change. */
  readonly leaving: boolean;
}

const byOperator = (a: Address, b: Address) => compareBytes(hexToBytes(a), hexToBytes(b));
const abs = (n: bigint) => (n < 0n ? -n : n);

/** 0 = leaving, 1 = other decreases, 2 = increases; within a rank the largest change first. */
function rank(c: Change): number {
  if (c.leaving) return 0;
  return c.delta < 0n ? 1 : 2;
}

/** Increases first: the order when removals first would leave no validator at all. */
function rankGrowingFirst(c: Change): number {
  return c.delta > 0n ? 0 : rank(c) + 1;
}

function compareChanges(a: Change, b: Change, rankOf: (c: Change) => number): number {
  const r = rankOf(a) - rankOf(b);
  if (r !== 0) return r;
  const size = abs(b.delta) - abs(a.delta);
  if (size !== 0n) return size > 0n ? 1 : -1;
  return byOperator(a.operator, b.operator);
}

/**
 * The power budget of one block: floor(total * maxPowerChangeBps / 10^4), and at least 1 so a tiny
 * set can still change (a set of total power 1 has no smaller step).
 */
export function powerChangeBudget(total: bigint, maxPowerChangeBps: number): bigint {
  const budget = (total * BigInt(maxPowerChangeBps)) / 10_000n;
  return budget > 0n ? budget : 1n;
}

/**
 * Moves each validator's power towards its target, spending at most the block's budget: leaving
 * validators first, then decreases, then increases, each group largest change first (ties by
 * operator address); the change that exhausts the budget is applied in part, the rest waits for
 * the next block. The set is never emptied (a chain without validators cannot make a block): when
 * removals first would empty it, increases go first.
 * Returns undefined when the set stays as it is.
 */
export function nextValidatorSet(
  current: readonly Validator[],
  targets: readonly SetTarget[],
  maxPowerChangeBps: number,
): Validator[] | undefined {
  const now = new Map<Address, Validator>();
  for (const v of current) now.set(v.rewardAddress, v);
  const wanted = new Map<Address, SetTarget>();
  for (const t of targets) wanted.set(t.operator, t);

  const changes: Change[] = [];
  for (const v of current) {
    const target = wanted.get(v.rewardAddress)?.power ?? 0n;
    if (target !== v.power) {
      changes.push({
        operator: v.rewardAddress,
        pubKey: v.pubKey,
        from: v.power,
        delta: target - v.power,
        leaving: !wanted.has(v.rewardAddress),
      });
    }
  }
  for (const t of targets) {
    if (!now.has(t.operator)) {
      changes.push({ operator: t.operator, pubKey: t.pubKey, from: 0n, delta: t.power, leaving: false });
    }
  }
  if (changes.length === 0) return undefined;
  const budget = powerChangeBudget(totalPower(current), maxPowerChangeBps);
  const next = applyChanges(now, changes, budget, rank);
  if (next.size > 0) return [...next.values()];
  // The budget emptied the set before anyone joined (a tiny set replaced by another): let the
  // newcomers in first; with no newcomers at all the set stays.
  const growing = applyChanges(now, changes, budget, rankGrowingFirst);
  return growing.size > 0 ? [...growing.values()] : undefined;
}

function applyChanges(
  now: ReadonlyMap<Address, Validator>,
  changes: Change[],
  budget: bigint,
  rankOf: (c: Change) => number,
): Map<Address, Validator> {
  const next = new Map(now);
  let left = budget;
  for (const c of [...changes].sort((a, b) => compareChanges(a, b, rankOf))) {
    if (left === 0n) break;
    const step = abs(c.delta) < left ? abs(c.delta) : left;
    left -= step;
    const power = c.delta < 0n ? c.from - step : c.from + step;
    if (power === 0n) next.delete(c.operator);
    else {
      next.set(c.operator, {
        address: validatorAddress(c.pubKey),
        pubKey: c.pubKey,
        power,
        rewardAddress: c.operator,
      });
    }
  }
  return next;
}
