// The per-block cap on voting-power change (state/modules/staking/endBlock/setUpdate.ts): which
// change goes first, how the budget is spent, and that every set links to the next within the cap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../../core/address.ts';
import { totalPower, type Validator, validatorAddress } from '../../../../../core/validator.ts';
import {
  nextValidatorSet,
  powerChangeBudget,
  type SetTarget,
} from '../../../../../state/modules/staking/endBlock/setUpdate.ts';

const operator = (i: number) => `0x${i.toString(16).padStart(40, '0')}` as Address;
const key = (i: number) => new Uint8Array(32).fill(i);
const validator = (i: number, power: bigint): Validator => ({
  address: validatorAddress(key(i)),
  pubKey: key(i),
  power,
  rewardAddress: operator(i),
});
const target = (i: number, power: bigint): SetTarget => ({ operator: operator(i), pubKey: key(i), power });
const powers = (set: readonly Validator[] | undefined) =>
  Object.fromEntries((set ?? []).map((v) => [Number.parseInt(v.rewardAddress.slice(2), 16), v.power]));

describe('powerChangeBudget', () => {
  it('is floor(total × bps / 10^4), at least 1', () => {
    expect(powerChangeBudget(100n, 3_333)).toBe(33n);
    expect(powerChangeBudget(10_000n, 3_333)).toBe(3_333n);
    expect(powerChangeBudget(2n, 3_333)).toBe(1n);
    expect(powerChangeBudget(0n, 3_333)).toBe(1n);
  });
});

describe('nextValidatorSet', () => {
  const four = [1, 2, 3, 4].map((i) => validator(i, 10n));

  it('returns undefined when the targets equal the set', () => {
    expect(
      nextValidatorSet(
        four,
        [1, 2, 3, 4].map((i) => target(i, 10n)),
        3_333,
      ),
    ).toBeUndefined();
  });

  it('applies a change within the budget whole: a validator leaves, one joins', () => {
    // total 40, budget 13: removing 1 (10) fits, then 3 of the 5 the newcomer asks for.
    const next = nextValidatorSet(
      four,
      [2, 3, 4, 5].map((i) => target(i, i === 5 ? 5n : 10n)),
      3_333,
    );
    expect(powers(next)).toEqual({ 2: 10n, 3: 10n, 4: 10n, 5: 3n });
    expect(next!.find((v) => v.rewardAddress === operator(5))!.address).toBe(validatorAddress(key(5)));
  });

  it('spends the budget on leaving validators first, largest first, then decreases, then increases', () => {
    const set = [validator(1, 30n), validator(2, 20n), validator(3, 50n)];
    // total 100, budget 33. 2 leaves (20), 1 drops 30->25 (5), 3 grows 50->100 (50): 20 + 5 + 8.
    const next = nextValidatorSet(set, [target(1, 25n), target(3, 100n)], 3_333);
    expect(powers(next)).toEqual({ 1: 25n, 3: 58n });
    // Two leaving: the larger (1, 30) goes first; the budget ends inside the second, which stays reduced.
    const two = nextValidatorSet(set, [target(3, 50n)], 3_333);
    expect(powers(two)).toEqual({ 2: 17n, 3: 50n });
  });

  it('takes a leaving validator before a larger decrease, and a decrease before a larger increase', () => {
    // total 100, budget 33: 2 leaves (5) although 1's decrease (30) is larger; 1 then drops 28.
    const leaving = [validator(1, 40n), validator(2, 5n), validator(3, 55n)];
    expect(powers(nextValidatorSet(leaving, [target(1, 10n), target(3, 55n)], 3_333))).toEqual({
      1: 12n,
      3: 55n,
    });
    // total 100, budget 33: 2's decrease (10) before 1's larger increase (50), which gets the other 23.
    const both = [validator(1, 50n), validator(2, 50n)];
    expect(powers(nextValidatorSet(both, [target(1, 100n), target(2, 40n)], 3_333))).toEqual({
      1: 73n,
      2: 40n,
    });
    // A newcomer is an increase, not a leaving validator: the decrease goes first.
    expect(powers(nextValidatorSet(both, [target(1, 50n), target(2, 40n), target(3, 30n)], 3_333))).toEqual({
      1: 50n,
      2: 40n,
      3: 23n,
    });
  });

  it('spends the budget on the largest change first, whatever order the validators are listed in', () => {
    // total 100, budget 33: 2's +30 first, then 3 of 1's +20.
    const set = [validator(1, 10n), validator(2, 10n), validator(3, 80n)];
    expect(powers(nextValidatorSet(set, [target(1, 30n), target(2, 40n), target(3, 80n)], 3_333))).toEqual({
      1: 13n,
      2: 40n,
      3: 80n,
    });
    expect(
      powers(nextValidatorSet([...set].reverse(), [target(2, 40n), target(1, 30n), target(3, 80n)], 3_333)),
    ).toEqual({
      1: 13n,
      2: 40n,
      3: 80n,
    });
  });

  it('lets a newcomer in first when the removal alone would empty the set', () => {
    expect(powers(nextValidatorSet([validator(1, 1n)], [target(2, 1n)], 3_333))).toEqual({ 1: 1n, 2: 1n });
    expect(powers(nextValidatorSet([validator(2, 1n)], [target(1, 1n)], 3_333))).toEqual({ 1: 1n, 2: 1n });
  });

  it('breaks ties in change size by operator address', () => {
    const set = [validator(1, 10n), validator(2, 10n), validator(3, 10n)];
    // budget 9: both 1 and 2 ask for +10; operator 1 first.
    expect(powers(nextValidatorSet(set, [target(1, 20n), target(2, 20n), target(3, 10n)], 3_333))).toEqual({
      1: 19n,
      2: 10n,
      3: 10n,
    });
    expect(powers(nextValidatorSet(set, [target(2, 20n), target(1, 20n), target(3, 10n)], 3_333))).toEqual({
      1: 19n,
      2: 10n,
      3: 10n,
    });
  });

  it('lets a tiny set change by one power at a time and never empties the set', () => {
    expect(powers(nextValidatorSet([validator(1, 1n)], [target(1, 1n), target(2, 5n)], 3_333))).toEqual({
      1: 1n,
      2: 1n,
    });
    expect(nextValidatorSet([validator(1, 1n)], [], 3_333)).toBeUndefined();
    expect(powers(nextValidatorSet([validator(1, 3n)], [], 3_333))).toEqual({ 1: 2n });
  });

  it('converges to the targets, every step within the cap of the previous total', () => {
    const arb = fc.record({
      current: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.bigInt({ min: 1n, max: 200n })), {
        selector: ([i]) => i,
        minLength: 1,
        maxLength: 8,
      }),
      targets: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.bigInt({ min: 1n, max: 200n })), {
        selector: ([i]) => i,
        minLength: 1,
        maxLength: 8,
      }),
      bps: fc.integer({ min: 1, max: 3_333 }),
    });
    fc.assert(
      fc.property(arb, ({ current, targets, bps }) => {
        let set = current.map(([i, p]) => validator(i, p));
        const want = targets.map(([i, p]) => target(i, p));
        for (let step = 0; step < 10_000; step++) {
          const next = nextValidatorSet(set, want, bps);
          if (!next) break;
          const before = powers(set);
          const after = powers(next);
          let changed = 0n;
          for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
            const d = (after[id] ?? 0n) - (before[id] ?? 0n);
            changed += d < 0n ? -d : d;
          }
          expect(changed <= powerChangeBudget(totalPower(set), bps)).toBe(true);
          expect(next.length).toBeGreaterThan(0);
          set = next;
        }
        expect(powers(set)).toEqual(Object.fromEntries(want.map((t, j) => [targets[j]![0], t.power])));
      }),
      { numRuns: 100 },
    );
  });
});
