// The store's per-block and per-transaction keys are an on-disk format: their bytes must not move
// when the code that writes them changes.
import { describe, expect, it } from 'vitest';
import { bytesToHex, type Hex } from '../../../core/bytes.ts';
import { Bucket, decodeLocation, encodeLocation, keys } from '../../../state/store/keys.ts';

const HASH = `0x${'a5'.repeat(31)}0f` as Hex;

describe('store keys', () => {
  it('a transaction and its receipt by position: bucket, u64 height, u32 index, big-endian', () => {
    expect(bytesToHex(keys.tx(0x0102030405, 0x0a0b0c0d))).toBe(
      `0x${Bucket.tx.toString(16).padStart(2, '0')}00000001020304050a0b0c0d`,
    );
    expect(bytesToHex(keys.receipt(7, 1))).toBe(
      `0x${Bucket.receipt.toString(16).padStart(2, '0')}000000000000000700000001`,
    );
  });

  it('a transaction and a block by hash: bucket, the 32 hash bytes', () => {
    expect(bytesToHex(keys.txLocation(HASH))).toBe(
      `0x${Bucket.txLocation.toString(16).padStart(2, '0')}${HASH.slice(2)}`,
    );
    expect(bytesToHex(keys.blockHash(HASH))).toBe(
      `0x${Bucket.blockHash.toString(16).padStart(2, '0')}${HASH.slice(2)}`,
    );
  });

  it('a location is u64 height, u32 index, and reads back', () => {
    const bytes = encodeLocation(2 ** 40 + 3, 2 ** 32 - 1);
    expect(bytesToHex(bytes)).toBe('0x0000010000000003ffffffff');
    expect(decodeLocation(bytes)).toEqual({ height: 2 ** 40 + 3, index: 2 ** 32 - 1 });
    const highest = encodeLocation(Number.MAX_SAFE_INTEGER, 0x80000001);
    expect(bytesToHex(highest)).toBe('0x001fffffffffffff80000001');
    expect(decodeLocation(highest)).toEqual({ height: Number.MAX_SAFE_INTEGER, index: 0x80000001 });
    expect(bytesToHex(encodeLocation(0, 0))).toBe(`0x${'00'.repeat(12)}`);
    for (const bad of [-1, 1.5, 2 ** 53])
      expect(() => encodeLocation(bad, 0)).toThrow(
        `a height must be a non-negative safe integer, got ${bad}`,
      );
    expect(bytesToHex(keys.header(2 ** 32))).toBe(
      `0x${Bucket.header.toString(16).padStart(2, '0')}0000000100000000`,
    );
  });
});
