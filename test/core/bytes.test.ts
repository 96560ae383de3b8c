// Hex and integer helpers: the fast paths against Buffer and BigInt on random values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bigintToBytes,
  bigintToFixedBytes,
  bigintToHex,
  bytesToBigint,
  bytesToHex,
  bytesToU64,
  bytesToUtf8,
  compareBytes,
  concatBytes,
  equalBytes,
  hexToBytes,
  isHex,
  u64ToBytes,
  utf8ToBytes,
} from '../../core/bytes.ts';

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
    // Characters past ASCII fall outside the digit table on either side of a pair, and Buffer
    // would read '\u0161' as 'a' on the long path.
    for (const bad of [
      '0xzz',
      '0x0g',
      '0xg0',
      '0x\u00e9a',
      '0xa\u00e9',
      `0x${'00'.repeat(80)}\u0161a`,
      `0x${'00'.repeat(80)}a\u0161`,
      'ab',
      'ab0xab',
      `0x${'00'.repeat(40)}0x`,
    ]) {
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

// Every integer below is checked against BigInt's own hex: each helper is a canonical encoding
// (RLP integers, fixed-width state keys), so one byte too many or too few changes a hash.
const anyWidth = fc.bigInt({ min: 0n, max: (1n << 300n) - 1n });

describe('isHex', () => {
  it('accepts 0x and hex digits of either case only', () => {
    expect(isHex('0x')).toBe(true);
    expect(isHex('0xdeadBEEF0')).toBe(true);
    for (const bad of ['', 'x00', '0X00', '00', '0x0g', ' 0x00', '0x00 ', '0x\n'])
      expect(isHex(bad)).toBe(false);
    for (const notString of [0, 0n, null, undefined, ['0x'], new Uint8Array(0)])
      expect(isHex(notString)).toBe(false);
  });
});

describe('bigintToHex', () => {
  it('writes the minimal lowercase quantity and refuses a negative one', () => {
    expect(bigintToHex(0n)).toBe('0x0');
    expect(bigintToHex(255n)).toBe('0xff');
    expect(bigintToHex(256n)).toBe('0x100');
    fc.assert(
      fc.property(anyWidth, (v) => {
        expect(BigInt(bigintToHex(v))).toBe(v);
      }),
    );
    expect(() => bigintToHex(-1n)).toThrow(new RangeError('negative quantity'));
  });
});

describe('bigintToBytes', () => {
  it('writes minimal big-endian bytes, empty for zero, and refuses a negative integer', () => {
    expect(bigintToBytes(0n)).toEqual(new Uint8Array(0));
    expect(bigintToBytes(1n)).toEqual(Uint8Array.of(1));
    expect(bigintToBytes(0x100n)).toEqual(Uint8Array.of(1, 0));
    expect(bigintToBytes(0xabcdefn)).toEqual(Uint8Array.of(0xab, 0xcd, 0xef));
    fc.assert(
      fc.property(anyWidth, (v) => {
        const bytes = bigintToBytes(v);
        expect(bytes[0]).not.toBe(0);
        expect(bytesToBigint(bytes)).toBe(v);
      }),
    );
    expect(() => bigintToBytes(-1n)).toThrow(new RangeError('negative integer'));
  });
});

describe('bigintToFixedBytes', () => {
  it('pads to the width, fits exactly at the width and refuses one bit more or a negative', () => {
    expect(bigintToFixedBytes(0n, 4)).toEqual(new Uint8Array(4));
    expect(bigintToFixedBytes(0x0102n, 4)).toEqual(Uint8Array.of(0, 0, 1, 2));
    expect(bigintToFixedBytes(0xffffffffn, 4)).toEqual(Uint8Array.of(255, 255, 255, 255));
    expect(() => bigintToFixedBytes(1n << 32n, 4)).toThrow(new RangeError('integer does not fit in 4 bytes'));
    expect(() => bigintToFixedBytes(-1n, 4)).toThrow(new RangeError('negative integer'));
    fc.assert(
      fc.property(anyWidth, fc.integer({ min: 38, max: 60 }), (v, width) => {
        const bytes = bigintToFixedBytes(v, width);
        expect(bytes.length).toBe(width);
        expect(bytesToBigint(bytes)).toBe(v);
      }),
    );
  });
});

describe('bytesToBigint at the widths its number paths end', () => {
  it('reads 6, 7, 12 and 13 bytes of 0xff exactly (the 48-bit halves and the hex path)', () => {
    for (const n of [0, 1, 5, 6, 7, 11, 12, 13, 32]) {
      expect(bytesToBigint(new Uint8Array(n).fill(0xff))).toBe((1n << BigInt(8 * n)) - 1n);
    }
  });
});

describe('concatBytes', () => {
  it('joins parts in order, copying them, including empty ones', () => {
    const a = Uint8Array.of(1, 2);
    const joined = concatBytes(a, new Uint8Array(0), Uint8Array.of(3), Uint8Array.of(4, 5, 6));
    expect(joined).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
    a[0] = 9;
    expect(joined[0]).toBe(1);
    expect(concatBytes()).toEqual(new Uint8Array(0));
  });
});

describe('equalBytes and compareBytes', () => {
  it('tell equal bytes from any difference in length or content, and order lexicographically', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2, 0), Uint8Array.of(1, 2))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(0, 2), Uint8Array.of(1, 2))).toBe(false);
    expect(compareBytes(Uint8Array.of(1), Uint8Array.of(1))).toBe(0);
    expect(compareBytes(Uint8Array.of(1), Uint8Array.of(2))).toBe(-1);
    expect(compareBytes(Uint8Array.of(1, 0), Uint8Array.of(1))).toBe(1);
    expect(compareBytes(Uint8Array.of(0xff), Uint8Array.of(1, 0))).toBe(1);
  });
});

describe('utf8ToBytes and bytesToUtf8', () => {
  it('round-trip text and refuse invalid UTF-8 instead of replacing it', () => {
    expect(utf8ToBytes('é€')).toEqual(Uint8Array.of(0xc3, 0xa9, 0xe2, 0x82, 0xac));
    expect(bytesToUtf8(Uint8Array.of(0xc3, 0xa9, 0xe2, 0x82, 0xac))).toBe('é€');
    expect(() => bytesToUtf8(Uint8Array.of(0xc3))).toThrow(TypeError);
    expect(() => bytesToUtf8(Uint8Array.of(0xff, 0x41))).toThrow(TypeError);
  });

  it('encode the empty string as no bytes, and decode alike after a refusal (one shared decoder)', () => {
    expect(utf8ToBytes('')).toEqual(new Uint8Array(0));
    expect(bytesToUtf8(new Uint8Array(0))).toBe('');
    // A truncated sequence must not leave a partial character behind for the next call.
    expect(() => bytesToUtf8(Uint8Array.of(0x41, 0xe2, 0x82))).toThrow(TypeError);
    expect(bytesToUtf8(Uint8Array.of(0xac, 0x41).subarray(1))).toBe('A');
    expect(() => bytesToUtf8(Uint8Array.of(0xac))).toThrow(TypeError);
  });
});

describe('u64ToBytes and bytesToU64', () => {
  it('write 8 big-endian bytes from a number or a bigint and read them back, from any view', () => {
    expect(u64ToBytes(1)).toEqual(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1));
    expect(u64ToBytes(0x0102030405060708n)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const max = (1n << 64n) - 1n;
    expect(bytesToU64(u64ToBytes(max))).toBe(max);
    const padded = Uint8Array.of(0xaa, 0, 0, 0, 0, 0, 0, 1, 2, 0xbb);
    expect(bytesToU64(padded.subarray(1, 9))).toBe(0x0102n);
    expect(() => bytesToU64(new Uint8Array(7))).toThrow(new RangeError('expected 8 bytes'));
    expect(() => bytesToU64(new Uint8Array(9))).toThrow(new RangeError('expected 8 bytes'));
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
