import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { Role } from '../../../../state/modules/attribution/records.ts';
import {
  apportion,
  inferenceFee,
  planPayouts,
  planPool,
  withFloors,
} from '../../../../state/modules/attribution/split.ts';

const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((b) => `0x${Buffer.from(b).toString('hex')}` as Address);
const amount = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 2n ** 200n }));

/** Four basis-point shares summing to 10,000. */
const split = fc
  .tuple(
    fc.integer({ min: 0, max: 10_000 }),
    fc.integer({ min: 0, max: 10_000 }),
    fc.integer({ min: 0, max: 10_000 }),
  )
  .map(([a, b, c]) => {
    const [x, y, z] = [a, b, c].sort((p, q) => p - q) as [number, number, number];
    return { ownerBps: x, contributorsBps: y - x, validatorsBps: z - y, treasuryBps: 10_000 - z };
  });

const input = fc.record({
  fee: amount,
  split,
  lineage: fc.array(
    fc.record({
      modelId: fc.bigInt({ min: 1n, max: 1000n }),
      owner: address,
      baseShareBps: fc.integer({ min: 0, max: 10_000 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  contributions: fc.uniqueArray(fc.bigInt({ min: 1n, max: 10_000n }), { maxLength: 12 }).chain((ids) =>
    fc.tuple(
      ...[...ids]
        .sort((a, b) => (a < b ? -1 : 1))
        .map((id) =>
          fc.record({
            id: fc.constant(id),
            contributor: address,
            bytes: fc.integer({ min: 1, max: 20_000 }),
          }),
        ),
    ),
  ),
  validators: fc.array(
    fc.record({ rewardAddress: address, power: fc.bigInt({ min: 0n, max: 10n ** 12n }) }),
    {
      minLength: 1,
      maxLength: 10,
    },
  ),
  treasury: address,
});

describe('apportion', () => {
  it('hands out exactly the total, each part within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0n));
          const parts = apportion(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0n);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          parts.forEach((p, i) => {
            const floor = (total * weights[i]!) / sum;
            expect(p === floor || p === floor + 1n).toBe(true);
          });
        },
      ),
    );
  });

  it('gives leftover units to the largest remainders, ties to the lower index', () => {
    expect(apportion(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(apportion(100n, [2_500n, 2_500n, 2_500n, 2_500n])).toEqual([25n, 25n, 25n, 25n]);
    expect(apportion(7n, [1n, 2n])).toEqual([2n, 5n]);
    expect(apportion(1n, [0n, 5n, 5n])).toEqual([0n, 1n, 0n]);
    expect(() => apportion(1n, [0n, 0n])).toThrow(RangeError);
  });
});

describe('planPayouts', () => {
  it('pays out exactly the fee with the pool, never a negative or zero amount', () => {
    fc.assert(
      fc.property(input, (i) => {
        const { payouts, contributorsPool } = planPayouts(i);
        expect(payouts.reduce((sum, p) => sum + p.amount, 0n) + contributorsPool).toBe(i.fee);
        for (const p of payouts) expect(p.amount > 0n).toBe(true);
        expect(payouts.some((p) => p.role === Role.contributor)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('passes the base share of the whole fee to the base model, and each base its share of that up', () => {
    const owners = [
      '0x00000000000000000000000000000000000000a1',
      '0x00000000000000000000000000000000000000b2',
      '0x00000000000000000000000000000000000000c3',
    ] as const;
    const { payouts } = planPayouts({
      fee: 10_000n,
      split: { ownerBps: 5_000, contributorsBps: 0, validatorsBps: 0, treasuryBps: 5_000 },
      lineage: owners.map((owner, i) => ({ modelId: BigInt(3 - i), owner, baseShareBps: 2_500 })),
      validators: [{ rewardAddress: owners[0], power: 1n }],
      treasury: owners[0],
    });
    expect(payouts).toEqual([
      // 2,500 of the 10,000 fee leave the adapter's 5,000 owner share; model 2 keeps 1,875 of them.
      { role: Role.modelOwner, refId: 3n, recipient: owners[0], amount: 2_500n },
      { role: Role.baseModelOwner, refId: 2n, recipient: owners[1], amount: 1_875n },
      { role: Role.baseModelOwner, refId: 1n, recipient: owners[2], amount: 625n },
      { role: Role.treasury, refId: 0n, recipient: owners[0], amount: 5_000n },
    ]);
  });
});

const treasury = {
  role: Role.treasury,
  refId: 0n,
  recipient: '0x0000000000000000000000000000000000007ea5' as Address,
};
const pool = fc
  .record({
    pool: amount,
    outputBytes: fc.integer({ min: 1, max: 20_000 }),
    contributions: input.map((i) => i.contributions),
  })
  .filter((p) => p.contributions.reduce((s, c) => s + c.bytes, 0) <= p.outputBytes);

describe('planPool', () => {
  it('pays out exactly the pool: pool × attributed / output to contributors by bytes, the rest uncovered', () => {
    fc.assert(
      fc.property(pool, (p) => {
        const payouts = planPool({ ...p, uncovered: [treasury] });
        expect(payouts.reduce((sum, x) => sum + x.amount, 0n)).toBe(p.pool);
        for (const x of payouts) expect(x.amount > 0n).toBe(true);
        const attributed = BigInt(p.contributions.reduce((s, c) => s + c.bytes, 0));
        const covered = (p.pool * attributed) / BigInt(p.outputBytes);
        const paid = payouts.filter((x) => x.role === Role.contributor);
        expect(paid.reduce((s, x) => s + x.amount, 0n)).toBe(covered);
        for (const c of p.contributions) {
          const exact = (covered * BigInt(c.bytes)) / attributed;
          const got = paid.find((x) => x.refId === c.id)?.amount ?? 0n;
          expect(got - exact >= 0n && got - exact <= 1n).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives one short span only its coverage, and splits the uncovered part among Datanet owners', () => {
    const bob = '0x00000000000000000000000000000000000000b0' as Address;
    const owners = (
      ['0x00000000000000000000000000000000000000d1', '0x00000000000000000000000000000000000000d2'] as const
    ).map((recipient, i) => ({ role: Role.datanetOwner, refId: BigInt(i + 1), recipient }));
    // 32 of 1,000 bytes: 3.2% of 1,000 units to bob, 968 split 484/484.
    expect(
      planPool({
        pool: 1_000n,
        outputBytes: 1_000,
        contributions: [{ id: 5n, contributor: bob, bytes: 32 }],
        uncovered: owners,
      }),
    ).toEqual([
      { role: Role.contributor, refId: 5n, recipient: bob, amount: 32n },
      { ...owners[0], amount: 484n },
      { ...owners[1], amount: 484n },
    ]);
    expect(planPool({ pool: 10n, outputBytes: 4, contributions: [], uncovered: [treasury] })).toEqual([
      { ...treasury, amount: 10n },
    ]);
    expect(() => planPool({ pool: 10n, outputBytes: 4, contributions: [], uncovered: [] })).toThrow(
      RangeError,
    );
  });
});

describe('inferenceFee', () => {
  it('adds the per-kilobyte fee pro rata, rounded up', () => {
    expect(inferenceFee(5n, 0n, 123)).toBe(5n);
    expect(inferenceFee(0n, 1_000n, 1)).toBe(1n);
    expect(inferenceFee(0n, 999n, 1)).toBe(1n);
    expect(inferenceFee(0n, 1_000n, 2_500)).toBe(2_500n);
    expect(inferenceFee(7n, 3n, 1_001)).toBe(7n + 4n);
    expect(inferenceFee(0n, 0n, 0)).toBe(0n);
  });
});

// withFloors: the split an inference pays by once the protocol floors moved after the model registered.
const floors = fc.record({
  minContributorsBps: fc.integer({ min: 0, max: 5_000 }),
  minValidatorsBps: fc.integer({ min: 0, max: 5_000 }),
});

describe('withFloors', () => {
  it('raises shares below their floors, keeps the sum, and changes nothing that met them', () => {
    fc.assert(
      fc.property(split, floors, (s, f) => {
        const out = withFloors(s, f);
        expect(out.ownerBps + out.contributorsBps + out.validatorsBps + out.treasuryBps).toBe(10_000);
        expect(out.contributorsBps).toBeGreaterThanOrEqual(f.minContributorsBps);
        expect(out.validatorsBps).toBeGreaterThanOrEqual(f.minValidatorsBps);
        expect(Math.min(out.ownerBps, out.treasuryBps)).toBeGreaterThanOrEqual(0);
        if (s.contributorsBps >= f.minContributorsBps && s.validatorsBps >= f.minValidatorsBps)
          expect(out).toBe(s);
      }),
      { numRuns: 1_000 },
    );
  });

  it('takes the difference from the owner first, then the treasury', () => {
    const s = { ownerBps: 500, contributorsBps: 1_000, validatorsBps: 1_000, treasuryBps: 7_500 };
    expect(withFloors(s, { minContributorsBps: 2_000, minValidatorsBps: 1_000 })).toEqual({
      ownerBps: 0,
      contributorsBps: 2_000,
      validatorsBps: 1_000,
      treasuryBps: 7_000,
    });
  });
});
