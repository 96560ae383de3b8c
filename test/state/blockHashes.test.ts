// The block-hash ring: written at each block end with the parent's hash, readable for 256 heights,
// and a slot overwritten by a later height answers nothing for the earlier one (never another
// block's hash). Through a real chain, block H+1's end records block H's header hash.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../core/bytes.ts';
import { BLOCK_HASH_RING, readBlockHash, recordParentHash } from '../../state/blockHashes.ts';
import { StateOverlay } from '../../state/stateDb.ts';
import { openTestChain } from '../helpers/chain.ts';

const hash = (n: number) => new Uint8Array(32).fill(n % 256);

describe('block-hash ring', () => {
  it('keeps the last 256 heights and forgets overwritten ones', () => {
    const state = new StateOverlay({ get: () => undefined });
    recordParentHash(state, 1, hash(99)); // height 1 has no parent block to record
    expect(readBlockHash(state, 0)).toBeUndefined();
    for (let h = 2; h <= BLOCK_HASH_RING + 2; h++) recordParentHash(state, h, hash(h - 1));
    expect(readBlockHash(state, 1)).toBeUndefined(); // its slot now holds height 257
    expect(readBlockHash(state, 2)).toEqual(hash(2));
    expect(readBlockHash(state, BLOCK_HASH_RING + 1)).toEqual(hash(BLOCK_HASH_RING + 1));
    expect(readBlockHash(state, BLOCK_HASH_RING + 2)).toBeUndefined(); // not recorded yet
    expect(readBlockHash(state, -1)).toBeUndefined();
  });

  it("holds each committed block's header hash once its child has ended", async () => {
    const t = await openTestChain();
    try {
      const first = await t.produce();
      expect(readBlockHash(t.chain.state, first.block.header.height)).toBeUndefined();
      await t.produce();
      const recorded = readBlockHash(t.chain.state, first.block.header.height);
      expect(recorded && bytesToHex(recorded)).toBe(first.hash);
    } finally {
      await t.close();
    }
  });
});
