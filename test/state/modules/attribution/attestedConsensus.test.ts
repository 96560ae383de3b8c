// The pure parts of attested settlement (state/modules/attribution/attested/): the weighted median
// and clipping against references written from their definitions, agreement, the commitment
// against viem's ABI encoder, and the settlement plan paying out exactly what was escrowed.
import fc from 'fast-check';
import { encodeAbiParameters, keccak256 } from 'viem';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { bytesToHex } from '../../../../core/bytes.ts';
import { attestationCommitment } from '../../../../state/modules/attribution/attested/commitment.ts';
import {
  AGREEMENT_SCALE,
  agreement,
  clipScores,
  consensusScores,
  SCORE_MAX,
  weightedMedian,
} from '../../../../state/modules/attribution/attested/consensus.ts';
import { planSettlement } from '../../../../state/modules/attribution/attested/plan.ts';
import { Role } from '../../../../state/modules/attribution/records.ts';

const score = fc.integer({ min: 0, max: SCORE_MAX });
const vote = fc.record({ score, power: fc.bigInt({ min: 1n, max: 10n ** 6n }) });
const operator = (i: number) => `0x${(0x1000 + i).toString(16).padStart(40, '0')}` as Address;
const TREASURY = operator(999);

/** The definition, tried on every score: the lowest s with 2 × power(score ≤ s) ≥ total. */
function naiveMedian(votes: readonly { score: number; power: bigint }[]): number {
  const total = votes.reduce((sum, v) => sum + v.power, 0n);
  for (let s = 0; s <= SCORE_MAX; s++) {
    const atMost = votes.filter((v) => v.score <= s).reduce((sum, v) => sum + v.power, 0n);
    if (2n * atMost >= total) return s;
  }
  throw new Error('no median');
}

/** A random round: n revealers scoring c candidates. */
const round = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 })).chain(([n, c]) =>
  fc.array(
    fc.record({
      power: fc.bigInt({ min: 1n, max: 10n ** 6n }),
      scores: fc.array(score, { minLength: c, maxLength: c }),
    }),
    { minLength: n, maxLength: n },
  ),
);

describe('weighted median', () => {
  it('is the lowest score that at least half the power scores at or below, as the definition says', () => {
    fc.assert(
      fc.property(fc.array(vote, { minLength: 1, maxLength: 15 }), (votes) => {
        expect(weightedMedian(votes)).toBe(naiveMedian(votes));
      }),
      { numRuns: 300 },
    );
  });

  it('follows a majority of power whatever the others say', () => {
    // 51 of 100 power says 7,000; the rest disagree in both directions.
    const votes = [
      { score: 7_000, power: 51n },
      { score: 0, power: 25n },
      { score: SCORE_MAX, power: 24n },
    ];
    expect(weightedMedian(votes)).toBe(7_000);
    // Exactly half on each side: the lower median (Yuma's kappa = 0.5 takes the upper one, 9,000).
    expect(
      weightedMedian([
        { score: 9_000, power: 5n },
        { score: 1_000, power: 5n },
      ]),
    ).toBe(1_000);
  });

  it('refuses an empty vote', () => {
    expect(() => weightedMedian([])).toThrow(new RangeError('weighted median of no power'));
  });
});

describe('clipping and agreement', () => {
  it('clips each score to the consensus, and agreement is Σmin / Σmax in parts of 10^12', () => {
    fc.assert(
      fc.property(round, (reveals) => {
        const c = reveals[0]!.scores.length;
        const consensus = consensusScores(reveals, c);
        for (let i = 0; i < c; i++)
          expect(consensus[i]).toBe(
            naiveMedian(reveals.map((r) => ({ score: r.scores[i]!, power: r.power }))),
          );
        for (const r of reveals) {
          const clipped = clipScores(r.scores, consensus);
          clipped.forEach((x, i) => {
            expect(x).toBe(r.scores[i]! <= consensus[i]! ? r.scores[i] : consensus[i]);
          });
          const min = clipped.reduce((a, b) => a + b, 0);
          const max = r.scores.reduce((sum, s, i) => sum + (s > consensus[i]! ? s : consensus[i]!), 0);
          const a = agreement(r.scores, consensus);
          expect(a).toBe(max === 0 ? AGREEMENT_SCALE : (BigInt(min) * AGREEMENT_SCALE) / BigInt(max));
          expect(a <= AGREEMENT_SCALE).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is full only for the consensus itself; over-scoring and under-scoring both cost agreement', () => {
    const consensus = [6_000, 2_000, 0];
    expect(agreement(consensus, consensus)).toBe(AGREEMENT_SCALE);
    const lazyHigh = agreement([SCORE_MAX, SCORE_MAX, SCORE_MAX], consensus);
    const lazyLow = agreement([0, 0, 0], consensus);
    expect(lazyHigh).toBe((8_000n * AGREEMENT_SCALE) / 30_000n);
    expect(lazyLow).toBe(0n);
    expect(agreement([0, 0, 0], [0, 0, 0])).toBe(AGREEMENT_SCALE);
  });
});

describe('attestationCommitment', () => {
  it('is keccak256(abi.encode(uint64, address, uint16[], bytes32)) as viem encodes it', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (id, who, scores, salt) => {
          const validator = bytesToHex(who) as Address;
          const expected = keccak256(
            encodeAbiParameters(
              [{ type: 'uint64' }, { type: 'address' }, { type: 'uint16[]' }, { type: 'bytes32' }],
              [id, validator, scores, bytesToHex(salt)],
            ),
          );
          expect(attestationCommitment(id, validator, scores, salt)).toBe(expected);
          expect(attestationCommitment(id, validator, scores, bytesToHex(salt))).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a salt that is not 32 bytes and a score that is not a uint16', () => {
    const who = operator(1);
    const salt = new Uint8Array(32);
    expect(() => attestationCommitment(1n, who, [], new Uint8Array(31))).toThrow(
      new RangeError('salt must be 32 bytes, got 31'),
    );
    expect(() => attestationCommitment(1n, who, [], new Uint8Array(33))).toThrow(
      new RangeError('salt must be 32 bytes, got 33'),
    );
    for (const bad of [0x10000, -1, 1.5])
      expect(() => attestationCommitment(1n, who, [0, bad], salt)).toThrow(
        new RangeError(`score ${bad} is not a uint16`),
      );
    // The bounds themselves are scores.
    expect(attestationCommitment(1n, who, [0, 0xffff], salt)).toMatch(/^0x[0-9a-f]{64}$/);
  });
});

describe('planSettlement', () => {
  const candidates = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: BigInt(n - i), contributor: operator(100 + i) }));

  it('pays out exactly what was escrowed, to the wei', () => {
    fc.assert(
      fc.property(
        round,
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        (scored, pool, validatorsPool) => {
          const reveals = scored.map((r, i) => ({ ...r, operator: operator(i) }));
          const plan = planSettlement({
            pool,
            validatorsPool,
            candidates: candidates(reveals[0]!.scores.length),
            reveals,
            uncovered: [{ role: Role.treasury, refId: 0n, recipient: TREASURY }],
            treasury: TREASURY,
          });
          const sum = (ps: readonly { amount: bigint }[]) => ps.reduce((s, p) => s + p.amount, 0n);
          expect(sum(plan.contributors)).toBe(pool);
          expect(sum(plan.attesters)).toBe(validatorsPool);
          for (const p of [...plan.contributors, ...plan.attesters]) expect(p.amount > 0n).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('splits the contributors’ pool by consensus score and pays an outlier less of the validators’ pool', () => {
    // Three honest validators of equal power agree; the fourth, of the same power, scores the opposite.
    const honest = [8_000, 2_000];
    const reveals = [0, 1, 2].map((i) => ({ operator: operator(i), power: 10n, scores: honest }));
    reveals.push({ operator: operator(3), power: 10n, scores: [2_000, 8_000] });
    const plan = planSettlement({
      pool: 1_000n,
      validatorsPool: 1_000n,
      candidates: [
        { id: 5n, contributor: operator(50) },
        { id: 3n, contributor: operator(30) },
      ],
      reveals,
      uncovered: [{ role: Role.treasury, refId: 0n, recipient: TREASURY }],
      treasury: TREASURY,
    });
    expect(plan.consensus).toEqual(honest);
    // Ascending contribution id: contribution 3 (consensus 2,000) then 5 (8,000).
    expect(plan.contributors).toEqual([
      { role: Role.contributor, refId: 3n, recipient: operator(30), amount: 200n },
      { role: Role.contributor, refId: 5n, recipient: operator(50), amount: 800n },
    ]);
    // The outlier's agreement: (2,000 + 2,000) / (8,000 + 8,000) = 1/4 of an honest one's.
    expect(plan.attesters.map((p) => p.amount)).toEqual([308n, 308n, 307n, 77n]);
    expect(plan.attesters.every((p) => p.role === Role.validator)).toBe(true);
  });

  it('sends a pool no candidate earns to the uncovered recipients, and one nobody agrees with to the treasury', () => {
    // Half the power scores only the first candidate, half only the second: both medians are 0.
    const plan = planSettlement({
      pool: 999n,
      validatorsPool: 50n,
      candidates: candidates(2),
      reveals: [
        { operator: operator(0), power: 5n, scores: [100, 0] },
        { operator: operator(1), power: 5n, scores: [0, 100] },
      ],
      uncovered: [{ role: Role.datanetOwner, refId: 7n, recipient: operator(70) }],
      treasury: TREASURY,
    });
    expect(plan.consensus).toEqual([0, 0]);
    expect(plan.contributors).toEqual([
      { role: Role.datanetOwner, refId: 7n, recipient: operator(70), amount: 999n },
    ]);
    expect(plan.attesters).toEqual([{ role: Role.treasury, refId: 0n, recipient: TREASURY, amount: 50n }]);
  });

  it('pays contributors in ascending id order, which decides who gets a remainder wei', () => {
    // Three candidates of equal consensus split 100 wei: the one wei left over goes to the lowest
    // id, since apportion breaks ties by position.
    const plan = planSettlement({
      pool: 100n,
      validatorsPool: 0n,
      candidates: [4n, 2n, 9n].map((id) => ({ id, contributor: operator(Number(id)) })),
      reveals: [{ operator: operator(0), power: 1n, scores: [10, 10, 10] }],
      uncovered: [],
      treasury: TREASURY,
    });
    expect(plan.contributors.map((p) => [p.refId, p.amount])).toEqual([
      [2n, 34n],
      [4n, 33n],
      [9n, 33n],
    ]);
  });

  it('pays no attester, not even the treasury, from an empty validators’ pool', () => {
    // Nobody agrees (as above), so a non-empty pool would go to the treasury; an empty one pays nothing.
    const plan = planSettlement({
      pool: 10n,
      validatorsPool: 0n,
      candidates: candidates(2),
      reveals: [
        { operator: operator(0), power: 5n, scores: [100, 0] },
        { operator: operator(1), power: 5n, scores: [0, 100] },
      ],
      uncovered: [{ role: Role.treasury, refId: 0n, recipient: TREASURY }],
      treasury: TREASURY,
    });
    expect(plan.attesters).toEqual([]);
  });

  it('shares the validators’ pool among those who agree when one revealer agrees with nothing', () => {
    // Two of three score 100, so the consensus is 100; the third scored 0: agreement 0, weight 0.
    const plan = planSettlement({
      pool: 0n,
      validatorsPool: 90n,
      candidates: candidates(1),
      reveals: [
        { operator: operator(0), power: 1n, scores: [100] },
        { operator: operator(1), power: 1n, scores: [0] },
        { operator: operator(2), power: 1n, scores: [100] },
      ],
      uncovered: [],
      treasury: TREASURY,
    });
    expect(plan.consensus).toEqual([100]);
    expect(plan.attesters).toEqual([
      { role: Role.validator, refId: 0n, recipient: operator(0), amount: 45n },
      { role: Role.validator, refId: 0n, recipient: operator(2), amount: 45n },
    ]);
  });
});
