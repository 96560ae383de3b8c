// Record codecs: the fast path of decodeAmount (earnings totals and counters, read and rewritten by
// every inference record) against the strict RLP decoder, on canonical encodings and on junk.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asBigint, rlpDecode, rlpEncode } from '../../../../core/rlp.ts';
import { decodeAmount, encodeAmount } from '../../../../state/modules/attribution/records.ts';

function strict(bytes: Uint8Array): bigint | 'error' {
  try {
    return asBigint(rlpDecode(bytes, 'amount'), 'amount');
  } catch {
    return 'error';
  }
}

function fast(bytes: Uint8Array): bigint | 'error' {
  try {
    return decodeAmount(bytes);
  } catch {
    return 'error';
  }
}

describe('decodeAmount', () => {
  it('round-trips every uint256', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (v) => {
        expect(decodeAmount(encodeAmount(v))).toBe(v);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts and refuses exactly what the strict decoder does', () => {
    const nearCanonical = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }).chain((v) =>
      fc.tuple(fc.constant(rlpEncode(v)), fc.nat(40), fc.nat(255)).map(([bytes, at, value]) => {
        const copy = new Uint8Array(bytes);
        copy[at % copy.length] = value;
        return copy;
      }),
    );
    fc.assert(
      fc.property(fc.oneof(nearCanonical, fc.uint8Array({ minLength: 1, maxLength: 40 })), (bytes) => {
        expect(fast(bytes)).toBe(strict(bytes));
      }),
      { numRuns: 20_000 },
    );
    for (const bytes of [
      [0x00],
      [0x80],
      [0x81, 0x00],
      [0x81, 0x7f],
      [0x81, 0x80],
      [0x82, 0x00, 0x01],
      [0xa1],
    ]) {
      expect(fast(Uint8Array.from(bytes))).toBe(strict(Uint8Array.from(bytes)));
    }
  });
});
