// Fee arithmetic on worked examples with every amount written out by hand (split.test.ts checks the
// invariants over random inputs; these pin the exact amounts, order and roles).
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { Role } from '../../../../state/modules/attribution/records.ts';
import {
  apportion,
  inferenceFee,
  planPayouts,
  planPool,
  type SplitInput,
} from '../../../../state/modules/attribution/split.ts';

const at = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const [ADAPTER_OWNER, BASE_OWNER, ROOT_OWNER, BOB, CAROL, V1, V2, V3, TREASURY] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9,
].map(at) as [Address, Address, Address, Address, Address, Address, Address, Address, Address];

describe('inferenceFee', () => {
  it('adds the per-1,000-byte fee pro rata, rounded up to a whole unit', () => {
    expect(inferenceFee(10n, 3n, 0)).toBe(10n);
    expect(inferenceFee(10n, 3n, 1)).toBe(11n); // 0.003 rounds up to 1
    expect(inferenceFee(10n, 3n, 1_000)).toBe(13n);
    expect(inferenceFee(10n, 3n, 1_001)).toBe(14n); // 3.003
    expect(inferenceFee(0n, 1_000n, 999)).toBe(999n);
    expect(inferenceFee(5n, 0n, 4_000)).toBe(5n);
  });
});

describe('apportion', () => {
  it('floors each share and hands the leftover to the largest remainders', () => {
    expect(apportion(7n, [2n, 3n, 5n])).toEqual([1n, 2n, 4n]); // 1.4, 2.1, 3.5
    expect(apportion(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]); // ties: lower index first
    expect(apportion(2n, [1n, 1n, 1n, 1n])).toEqual([1n, 1n, 0n, 0n]);
    expect(apportion(5n, [1n, 3n])).toEqual([1n, 4n]); // 1.25, 3.75
    expect(apportion(6n, [2n, 5n])).toEqual([2n, 4n]); // 1.71, 4.29: the larger remainder, not the larger weight
    expect(apportion(9n, [0n, 3n])).toEqual([0n, 9n]);
    expect(apportion(0n, [1n, 2n])).toEqual([0n, 0n]);
    expect(apportion(100n, [25n, 75n])).toEqual([25n, 75n]);
  });

  it('refuses negative weights and weights summing to zero', () => {
    expect(() => apportion(5n, [1n, -1n, 3n])).toThrow(new RangeError('negative weight'));
    expect(() => apportion(5n, [0n, 0n])).toThrow(new RangeError('weights sum to zero'));
    expect(() => apportion(5n, [])).toThrow(new RangeError('weights sum to zero'));
  });
});

describe('planPayouts', () => {
  const base: SplitInput = {
    fee: 1_000n,
    split: { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 },
    lineage: [
      { modelId: 3n, owner: ADAPTER_OWNER, baseShareBps: 1_000 },
      { modelId: 2n, owner: BASE_OWNER, baseShareBps: 2_000 },
      { modelId: 1n, owner: ROOT_OWNER, baseShareBps: 0 },
    ],
    validators: [
      { rewardAddress: V1, power: 1n },
      { rewardAddress: V2, power: 3n },
      { rewardAddress: V3, power: 0n },
    ],
    treasury: TREASURY,
  };

  it('pays owners up the lineage, validators by power, then the treasury, and escrows the contributors share', () => {
    // Owner share 500: the adapter passes 10% of the whole fee (100) and keeps 400; its base keeps 80
    // and passes 20% of its 100 (20) to the root.
    // Contributors 300 escrowed; validators 100 by power 1:3:0 (nothing for 0); treasury 100.
    expect(planPayouts(base)).toEqual({
      payouts: [
        { role: Role.modelOwner, refId: 3n, recipient: ADAPTER_OWNER, amount: 400n },
        { role: Role.baseModelOwner, refId: 2n, recipient: BASE_OWNER, amount: 80n },
        { role: Role.baseModelOwner, refId: 1n, recipient: ROOT_OWNER, amount: 20n },
        { role: Role.validator, refId: 0n, recipient: V1, amount: 25n },
        { role: Role.validator, refId: 0n, recipient: V2, amount: 75n },
        { role: Role.treasury, refId: 0n, recipient: TREASURY, amount: 100n },
      ],
      contributorsPool: 300n,
    });
    // The pool of 300 over a 4-byte output, 2 bytes to bob and 1 to carol: 225 covered (2:1), 75 uncovered.
    expect(
      planPool({
        pool: 300n,
        outputBytes: 4,
        contributions: [
          { id: 4n, contributor: BOB, bytes: 2 },
          { id: 9n, contributor: CAROL, bytes: 1 },
        ],
        uncovered: [{ role: Role.treasury, refId: 0n, recipient: TREASURY }],
      }),
    ).toEqual([
      { role: Role.contributor, refId: 4n, recipient: BOB, amount: 150n },
      { role: Role.contributor, refId: 9n, recipient: CAROL, amount: 75n },
      { role: Role.treasury, refId: 0n, recipient: TREASURY, amount: 75n },
    ]);
  });

  it('gives a model without a base the whole owner share, rounding what is passed up down', () => {
    expect(planPayouts({ ...base, lineage: [base.lineage[0]!], validators: [] }).payouts).toEqual([
      { role: Role.modelOwner, refId: 3n, recipient: ADAPTER_OWNER, amount: 500n },
      { role: Role.treasury, refId: 0n, recipient: TREASURY, amount: 200n },
    ]);
    // A fee of 333: 10% is 33.3, so the base gets 33 and the adapter the other 300.
    const odd = planPayouts({
      ...base,
      fee: 333n,
      split: { ownerBps: 10_000, contributorsBps: 0, validatorsBps: 0, treasuryBps: 0 },
      lineage: base.lineage.slice(0, 2),
    });
    expect(odd.payouts.map((p) => p.amount)).toEqual([300n, 33n]);
  });

  it('sends a validators share nobody can receive to the treasury', () => {
    const { payouts } = planPayouts({ ...base, validators: [{ rewardAddress: V3, power: 0n }] });
    expect(payouts.at(-1)).toEqual({ role: Role.treasury, refId: 0n, recipient: TREASURY, amount: 200n });
    expect(payouts.filter((p) => p.role === Role.contributor || p.role === Role.validator)).toEqual([]);
  });

  it('leaves out zero amounts', () => {
    const { payouts } = planPayouts({
      ...base,
      split: { ownerBps: 10_000, contributorsBps: 0, validatorsBps: 0, treasuryBps: 0 },
      lineage: base.lineage.map((m) => ({ ...m, baseShareBps: 0 })),
    });
    expect(payouts).toEqual([{ role: Role.modelOwner, refId: 3n, recipient: ADAPTER_OWNER, amount: 1_000n }]);
  });
});
