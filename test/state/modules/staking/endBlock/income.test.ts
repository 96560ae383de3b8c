// The arithmetic of block income (state/modules/staking/endBlock/rewards.ts, fees.ts): the reward
// schedule, the split by power, and the fee split, each exact to the wei.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../../core/address.ts';
import { splitFees } from '../../../../../state/modules/staking/endBlock/fees.ts';
import { blockRewardAt, splitByPower } from '../../../../../state/modules/staking/endBlock/rewards.ts';

const op = (i: number) => `0x${i.toString(16).padStart(40, '0')}` as Address;

describe('blockRewardAt', () => {
  it('pays a fixed reward without halving, capped by the pool', () => {
    expect(blockRewardAt(100n, 0n, 1n, 1_000n)).toBe(100n);
    expect(blockRewardAt(100n, 0n, 10_000_000n, 1_000n)).toBe(100n);
    expect(blockRewardAt(100n, 0n, 5n, 99n)).toBe(99n);
    expect(blockRewardAt(100n, 0n, 5n, 100n)).toBe(100n);
    expect(blockRewardAt(100n, 0n, 5n, 0n)).toBe(0n);
  });

  it('halves every halvingBlocks blocks counted from height 1', () => {
    expect(blockRewardAt(100n, 10n, 1n, 1_000n)).toBe(100n);
    expect(blockRewardAt(100n, 10n, 10n, 1_000n)).toBe(100n);
    expect(blockRewardAt(100n, 10n, 11n, 1_000n)).toBe(50n);
    expect(blockRewardAt(100n, 10n, 21n, 1_000n)).toBe(25n);
    expect(blockRewardAt(100n, 10n, 61n, 1_000n)).toBe(1n);
    expect(blockRewardAt(100n, 10n, 71n, 1_000n)).toBe(0n);
  });

  it('reaches zero after 256 halvings even for the largest reward', () => {
    const max = 2n ** 256n - 1n;
    expect(blockRewardAt(max, 1n, 256n, max)).toBe(1n);
    expect(blockRewardAt(max, 1n, 257n, max)).toBe(0n);
    expect(blockRewardAt(max, 1n, 10n ** 12n, max)).toBe(0n);
  });
});

describe('splitByPower', () => {
  it('splits pro rata, the remainder to the most powerful signer', () => {
    expect(
      splitByPower(100n, [
        { operator: op(1), power: 1n },
        { operator: op(2), power: 2n },
      ]),
    ).toEqual([
      { operator: op(2), amount: 67n },
      { operator: op(1), amount: 33n },
    ]);
  });

  it('gives the remainder to the most powerful signer wherever it is listed', () => {
    const shares = splitByPower(10n, [
      { operator: op(1), power: 1n },
      { operator: op(2), power: 1n },
      { operator: op(3), power: 4n },
      { operator: op(4), power: 3n },
    ]);
    // 10 × 4/9 = 4.4, 10 × 3/9 = 3.3, 10 × 1/9 = 1.1 (twice): 9 paid, the 1 left to operator 3.
    expect(shares).toEqual([
      { operator: op(3), amount: 5n },
      { operator: op(4), amount: 3n },
      { operator: op(1), amount: 1n },
      { operator: op(2), amount: 1n },
    ]);
  });

  it('breaks power ties by the lower operator address', () => {
    const shares = splitByPower(10n, [
      { operator: op(3), power: 1n },
      { operator: op(2), power: 1n },
      { operator: op(4), power: 1n },
    ]);
    expect(shares).toEqual([
      { operator: op(2), amount: 4n },
      { operator: op(3), amount: 3n },
      { operator: op(4), amount: 3n },
    ]);
  });

  it('leaves out zero shares and gives nothing to nobody', () => {
    expect(
      splitByPower(1n, [
        { operator: op(1), power: 1n },
        { operator: op(2), power: 5n },
      ]),
    ).toEqual([{ operator: op(2), amount: 1n }]);
    expect(splitByPower(0n, [{ operator: op(1), power: 1n }])).toEqual([]);
    expect(splitByPower(5n, [])).toEqual([]);
  });

  it('always sums to the amount, each share within one wei of its exact part', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 20 }),
        (amount, ps) => {
          const signers = ps.map((power, i) => ({ operator: op(i + 1), power }));
          const shares = splitByPower(amount, signers);
          expect(shares.reduce((s, x) => s + x.amount, 0n)).toBe(amount);
          const total = ps.reduce((a, b) => a + b, 0n);
          for (const s of shares) {
            const power = signers.find((x) => x.operator === s.operator)!.power;
            expect(s.amount * total >= amount * power - total).toBe(true);
          }
        },
      ),
    );
  });
});

describe('splitFees', () => {
  it('burns its share of the base fee, gives stakers theirs of the rest and the tips, the treasury the remainder', () => {
    expect(splitFees(10_000n, 7n, 2_500, 4_000)).toEqual({
      burned: 2_500n,
      stakers: 3_000n + 7n,
      treasury: 4_500n,
    });
    expect(splitFees(10_000n, 0n, 10_000, 4_000)).toEqual({ burned: 10_000n, stakers: 0n, treasury: 0n });
    expect(splitFees(10_000n, 5n, 0, 10_000)).toEqual({ burned: 0n, stakers: 10_005n, treasury: 0n });
  });

  it('rounds burn and stakers down: the treasury takes the rounding, nothing is lost', () => {
    // 63,000 × 0.3333 = 20,997.9 burned 20,997; 42,003 × 0.3333 = 13,999.6 to stakers 13,999.
    expect(splitFees(63_000n, 0n, 3_333, 3_333)).toEqual({
      burned: 20_997n,
      stakers: 13_999n,
      treasury: 28_004n,
    });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (base, tips, burn, stake) => {
          const s = splitFees(base, tips, burn, stake);
          expect(s.burned + s.stakers + s.treasury).toBe(base + tips);
        },
      ),
    );
  });
});
