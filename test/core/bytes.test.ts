// Hex and integer helpers: the fast paths against Buffer and BigInt on random values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToBigint, bytesToHex, equalBytes, hexToBytes } from '../../core/bytes.ts';

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

describe('equalBytes', () => {
  it('on both sides of the native path: equal copies, views and Buffers, and a difference at any position', () => {
    const backing = Uint8Array.from({ length: 400 }, (_, i) => (i * 31 + 7) & 0xff);
    for (let length = 0; length <= 200; length++) {
      // A view at an odd offset, a copy on its own buffer and a Buffer: the kinds callers pass.
      const view = backing.subarray(3, 3 + length);
      const copy = view.slice();
      expect(equalBytes(view, copy)).toBe(true);
      expect(equalBytes(Buffer.from(copy), view)).toBe(true);
      expect(equalBytes(view, backing.subarray(3, 4 + length))).toBe(false);
      expect(equalBytes(backing.subarray(3, 4 + length), view)).toBe(false);
      for (const at of [0, length >> 1, length - 1]) {
        if (at < 0 || at >= length) continue;
        const other = copy.slice();
        other[at]! ^= 0x80;
        expect(equalBytes(view, other)).toBe(false);
        expect(equalBytes(other, view)).toBe(false);
      }
    }
  });

  it('agrees with Buffer.equals on random arrays of random lengths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.uint8Array({ maxLength: 120 }), (a, b) => {
        expect(equalBytes(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(equalBytes(a, a.slice())).toBe(true);
      }),
    );
  });
});
