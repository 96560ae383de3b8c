// withFloors: the split an inference pays by once the protocol floors moved after the model registered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withFloors } from '../../../../state/modules/attribution/split.ts';

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
