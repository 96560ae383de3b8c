// Hex and integer helpers: the fast paths against Buffer and BigInt on random values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToBigint, bytesToHex, hexToBytes } from '../../core/bytes.ts';

describe('hexToBytes', () => {
  it('parses lowercase and uppercase hex of any length as Buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, upper) => {
        const digits = Buffer.from(bytes).toString('hex');
        expect(hexToBytes(`0x${upper ? digits.toUpperCase() : digits}`)).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it('parses every length on both sides of the short-hex path (fast-check keeps arrays small)', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      const digits = Buffer.from(bytes).toString('hex');
      expect(hexToBytes(`0x${digits}`)).toEqual(bytes);
      expect(hexToBytes(`0x${digits.toUpperCase()}`)).toEqual(bytes);
    }
  });

  it('rejects a non-hex character anywhere, a missing prefix and an odd number of digits', () => {
    for (const bad of ['0xzz', '0x0g', '0xg0', '0x\u00e9a', 'ab', 'ab0xab', `0x${'00'.repeat(40)}0x`]) {
      expect(() => hexToBytes(bad)).toThrow('expected 0x-prefixed hex');
    }
    expect(() => hexToBytes('0xabc')).toThrow('odd number of digits');
    expect(() => hexToBytes(`0x${'ab'.repeat(100)}c`)).toThrow('odd number of digits');
    // Long strings too (Buffer's path), including characters whose low byte is a hex digit.
    const long = 'ab'.repeat(100);
    for (const bad of [
      `0x${long}zz`,
      `0x${long}0g`,
      `0x${long}\u0161\u0161`,
      `0x\uff41\uff41${long}`,
      long + long,
    ]) {
      expect(() => hexToBytes(bad)).toThrow('expected 0x-prefixed hex');
    }
    expect(() => hexToBytes(`0x${long}\u0161`)).toThrow('expected 0x-prefixed hex');
  });
});

describe('bytesToHex', () => {
  it('writes lowercase hex as Buffer does, for views and on both sides of the small-array path', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.nat(), (bytes, cut) => {
        expect(bytesToHex(bytes)).toBe(`0x${Buffer.from(bytes).toString('hex')}`);
        const view = bytes.subarray(cut % (bytes.length + 1));
        expect(bytesToHex(view)).toBe(`0x${Buffer.from(view).toString('hex')}`);
      }),
    );
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length: length + 3 }, (_, i) => (i * 53 + length) & 0xff);
      const view = bytes.subarray(3);
      expect(bytesToHex(view)).toBe(`0x${Buffer.from(view).toString('hex')}`);
    }
    // Lengths in turn, each shorter than the last: nothing of a longer call is left in the result.
    for (const length of [64, 65, 32, 20, 1, 0]) {
      const bytes = Uint8Array.from({ length }, (_, i) => 255 - i);
      expect(bytesToHex(bytes)).toBe(`0x${Buffer.from(bytes).toString('hex')}`);
    }
  });
});

describe('bytesToBigint', () => {
  it('reads any width, and any range of the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const from = a % (bytes.length + 1);
        const to = from + (b % (bytes.length - from + 1));
        const asBigint = (range: Uint8Array) => (range.length === 0 ? 0n : BigInt(bytesToHex(range)));
        expect(bytesToBigint(bytes, from, to)).toBe(asBigint(bytes.subarray(from, to)));
        expect(bytesToBigint(bytes)).toBe(asBigint(bytes));
      }),
    );
  });
});
