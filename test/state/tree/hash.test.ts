// The small helpers of the commitment that the tree and the verifier share.
import { describe, expect, it } from 'vitest';
import { isEmptyHash, keyBit, keyNibble } from '../../../state/tree/hash.ts';

describe('state tree hash helpers', () => {
  it('only 32 zero bytes are the empty hash', () => {
    expect(isEmptyHash(new Uint8Array(32))).toBe(true);
    expect(isEmptyHash(new Uint8Array(31))).toBe(false);
    expect(isEmptyHash(new Uint8Array(33))).toBe(false);
    const last = new Uint8Array(32);
    last[31] = 1;
    expect(isEmptyHash(last)).toBe(false);
  });

  it('reads bits and nibbles most significant first, up to the last of the key', () => {
    const key = new Uint8Array(32);
    key[0] = 0b1010_0001;
    key[31] = 0x0f;
    expect([0, 1, 2, 3, 7].map((d) => keyBit(key, d))).toEqual([1, 0, 1, 0, 1]);
    expect([keyNibble(key, 0), keyNibble(key, 1), keyNibble(key, 62), keyNibble(key, 63)]).toEqual([
      0xa, 0x1, 0, 0xf,
    ]);
    expect([keyBit(key, 251), keyBit(key, 252), keyBit(key, 255)]).toEqual([0, 1, 1]);
  });
});
