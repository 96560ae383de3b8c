// Which path each helper of core/bytes.ts takes: short inputs in plain JavaScript, long ones through
// Buffer; integers up to 48 bits as one number, up to 96 bits as two, longer through hex; the empty
// string without the encoder. Every path gives the same result (bytes.test.ts compares them with
// Buffer and BigInt), so only the calls show which one ran: the built-ins are spied on to count them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesToBigint, bytesToHex, equalBytes, hexToBytes, utf8ToBytes } from '../../core/bytes.ts';

const bytes = (n: number) => new Uint8Array(n).map((_, i) => i + 1);
const hexOf = (n: number) => bytesToHex(bytes(n));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the path each helper takes', () => {
  it('bytesToHex: up to 64 bytes from character codes, longer through Buffer', () => {
    const from = vi.spyOn(Buffer, 'from');
    const codes = vi.spyOn(String, 'fromCharCode');
    bytesToHex(bytes(64));
    expect([from.mock.calls.length, codes.mock.calls.length]).toEqual([0, 1]);
    bytesToHex(bytes(65));
    expect([from.mock.calls.length, codes.mock.calls.length]).toEqual([1, 1]);
  });

  it('hexToBytes: up to 64 bytes digit by digit, longer through Buffer, odd lengths never', () => {
    const short = hexOf(64);
    const long = hexOf(65);
    const from = vi.spyOn(Buffer, 'from');
    expect(hexToBytes(short)).toHaveLength(64);
    expect(from).not.toHaveBeenCalled();
    expect(hexToBytes(long)).toHaveLength(65);
    expect(from).toHaveBeenCalledTimes(1);
    expect(() => hexToBytes(`${long}0`)).toThrow('hex has an odd number of digits');
    expect(from).toHaveBeenCalledTimes(1);
  });

  it('equalBytes: from 48 bytes through Buffer.compare, below it byte by byte', () => {
    const compare = vi.spyOn(Buffer, 'compare');
    expect(equalBytes(bytes(47), bytes(47))).toBe(true);
    expect(compare).not.toHaveBeenCalled();
    expect(equalBytes(bytes(48), bytes(48))).toBe(true);
    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('bytesToBigint: one number up to 6 bytes, two up to 12, hex beyond', () => {
    const big = vi.spyOn(globalThis, 'BigInt');
    const codes = vi.spyOn(String, 'fromCharCode');
    const calls = (n: number) => {
      big.mockClear();
      codes.mockClear();
      bytesToBigint(bytes(n));
      return [big.mock.calls.length, codes.mock.calls.length];
    };
    expect(calls(6)).toEqual([1, 0]);
    expect(calls(7)).toEqual([2, 0]);
    expect(calls(12)).toEqual([2, 0]);
    expect(calls(13)).toEqual([1, 1]);
  });

  it('utf8ToBytes: the empty string without the encoder', () => {
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    expect(utf8ToBytes('')).toEqual(new Uint8Array(0));
    expect(encode).not.toHaveBeenCalled();
    expect(utf8ToBytes('a')).toEqual(Uint8Array.of(0x61));
    expect(encode).toHaveBeenCalledTimes(1);
  });
});
