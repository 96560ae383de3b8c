// The reference encoder (@ethereumjs/rlp behind rlpEncodeReference) is what the fast encoder is
// held to, so it must take the same inputs: nested lists mixing byte strings, bigints and numbers
// encode the same through both, and both refuse negative and fractional numbers with RangeError.
// And asList without a length takes a list of any length.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asList, type RlpInput, rlpEncode, rlpEncodeReference } from '../../core/rlp.ts';
import { hexOf } from './helpers.ts';

const { input } = fc.letrec<{ input: RlpInput }>((tie) => ({
  input: fc.oneof(
    { depthSize: 'small' },
    fc.uint8Array({ maxLength: 60 }),
    fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    fc.array(tie('input'), { maxLength: 5 }),
  ),
}));

describe('rlpEncodeReference', () => {
  it('encodes nested byte strings, bigints and numbers as the fast encoder does', () => {
    expect(rlpEncodeReference([hexOf('0102'), [7n, 300], []])).toEqual(hexOf('c9820102c40782012cc0'));
    fc.assert(
      fc.property(input, (x) => {
        expect(rlpEncodeReference(x)).toEqual(rlpEncode(x));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses negative and fractional numbers with RangeError, as the fast encoder does', () => {
    for (const bad of [-1n, -1, 1.5]) {
      expect(() => rlpEncodeReference(bad)).toThrow(RangeError);
      expect(() => rlpEncode(bad)).toThrow(RangeError);
      expect(() => rlpEncodeReference([bad])).toThrow(RangeError);
    }
  });
});

describe('asList without a length', () => {
  it('returns a list of any length as it is', () => {
    const list = [hexOf('01'), [], hexOf('')];
    expect(asList(list, 'l')).toBe(list);
    expect(asList([], 'l')).toEqual([]);
  });
});
