import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suffixArray } from '../../prover/suffixArray.ts';

/** Suffixes sorted by direct comparison; the end of the text sorts first. */
function naive(text: ArrayLike<number>): number[] {
  const n = text.length;
  const order = Array.from({ length: n }, (_, i) => i);
  return order.sort((a, b) => {
    for (;;) {
      if (a === n) return -1;
      if (b === n) return 1;
      if (text[a] !== text[b]) return text[a]! - text[b]!;
      a++;
      b++;
    }
  });
}

describe('suffixArray (SA-IS)', () => {
  it('sorts the suffixes of any text over small and large alphabets', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 257 })
          .chain((k) => fc.array(fc.integer({ min: 0, max: k - 1 }), { maxLength: 300 })),
        (symbols) => {
          expect(Array.from(suffixArray(Uint16Array.from(symbols), 257))).toEqual(naive(symbols));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles the repetitive texts that exercise the recursion', () => {
    const cases = [
      'aaaaaaaaaaaaaaaa',
      'abababababababab',
      'mississippi',
      'abcabcabcabcabcabcabd',
      'banana\0banana\0bandana\0',
      'zyxwvutsrqponmlkjihgfedcba',
    ];
    for (const c of cases) {
      const symbols = Uint16Array.from(c, (ch) => ch.charCodeAt(0));
      expect(Array.from(suffixArray(symbols, 257))).toEqual(naive(symbols));
    }
    expect(suffixArray(new Uint16Array(0), 257)).toEqual(new Int32Array(0));
  });
});
