// The canonical attribution against a per-byte reference: each byte to the lowest contribution id
// among the spans covering it. Checked over random spans, with the properties the challenge game
// rests on: the result does not depend on the order spans arrive in or how they are grouped, and
// adding a span only moves bytes to an earlier contribution or from nobody to someone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesByContribution,
  bytesMoved,
  canonicalSegments,
  ownedBytes,
  type Segment,
} from '../../../../state/modules/attribution/canonical.ts';

const OUTPUT = 64;
const span = fc
  .record({
    outputStart: fc.integer({ min: 0, max: OUTPUT - 1 }),
    contributionId: fc.bigInt({ min: 1n, max: 6n }),
    length: fc.integer({ min: 1, max: OUTPUT }),
  })
  .map((s) => ({ ...s, length: Math.min(s.length, OUTPUT - s.outputStart) }));
const spans = fc.array(span, { maxLength: 12 });

/** The naive reference: owner of every byte. */
function perByte(list: readonly Segment[]): (bigint | undefined)[] {
  const owners: (bigint | undefined)[] = Array(OUTPUT).fill(undefined);
  for (const s of list) {
    for (let b = s.outputStart; b < s.outputStart + s.length; b++) {
      const o = owners[b];
      if (o === undefined || s.contributionId < o) owners[b] = s.contributionId;
    }
  }
  return owners;
}

const expand = (segments: readonly Segment[]) => perByte(segments);

describe('canonicalSegments', () => {
  it('gives every byte to the lowest-id span covering it, in disjoint merged segments', () => {
    fc.assert(
      fc.property(spans, (list) => {
        const segments = canonicalSegments(list);
        expect(expand(segments)).toEqual(perByte(list));
        segments.forEach((s, i) => {
          expect(s.length).toBeGreaterThan(0);
          const next = segments[i + 1];
          if (next) {
            expect(next.outputStart).toBeGreaterThanOrEqual(s.outputStart + s.length);
            // Adjacent ranges of one owner are one segment.
            if (next.outputStart === s.outputStart + s.length)
              expect(next.contributionId).not.toBe(s.contributionId);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is order-independent and can be applied in steps (a record, then challenges)', () => {
    fc.assert(
      fc.property(spans, spans, fc.integer(), (a, b, seed) => {
        const all = [...a, ...b];
        const shuffled = fc.sample(fc.shuffledSubarray(all, { minLength: all.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        expect(canonicalSegments(shuffled)).toEqual(canonicalSegments(all));
        expect(canonicalSegments([...canonicalSegments(a), ...b])).toEqual(canonicalSegments(all));
      }),
      { numRuns: 300 },
    );
  });

  it('is monotone: an added span moves bytes only to an earlier contribution or from nobody', () => {
    fc.assert(
      fc.property(spans, span, (list, extra) => {
        const before = perByte(list);
        const after = expand(canonicalSegments([...canonicalSegments(list), extra]));
        let moved = 0;
        before.forEach((owner, b) => {
          if (after[b] === owner) return;
          moved++;
          expect(after[b]).toBeDefined();
          if (owner !== undefined) expect(after[b]! < owner).toBe(true);
        });
        expect(bytesMoved(canonicalSegments(list), canonicalSegments([...list, extra]))).toBe(moved);
      }),
      { numRuns: 300 },
    );
  });
});

describe('shares of the attribution', () => {
  it('per contribution and per span, sum to the attributed bytes', () => {
    fc.assert(
      fc.property(spans, (list) => {
        const owners = perByte(list);
        const attributed = owners.filter((o) => o !== undefined).length;
        const segments = canonicalSegments(list);
        const byId = bytesByContribution(segments);
        expect(byId.reduce((sum, c) => sum + c.bytes, 0)).toBe(attributed);
        for (const c of byId) expect(c.bytes).toBe(owners.filter((o) => o === c.id).length);
        expect(ownedBytes(list, segments).reduce((sum, n) => sum + n, 0)).toBe(attributed);
      }),
      { numRuns: 300 },
    );
  });

  it('per span, as the per-byte reference: bytes its contribution owns that no earlier span of it covers', () => {
    fc.assert(
      fc.property(spans, (list) => {
        const owners = perByte(list);
        const expected = list.map((s, k) => {
          let owned = 0;
          for (let b = s.outputStart; b < s.outputStart + s.length; b++) {
            const earlier = list
              .slice(0, k)
              .some(
                (e) =>
                  e.contributionId === s.contributionId && e.outputStart <= b && b < e.outputStart + e.length,
              );
            if (owners[b] === s.contributionId && !earlier) owned++;
          }
          return owned;
        });
        expect(ownedBytes(list, canonicalSegments(list))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
