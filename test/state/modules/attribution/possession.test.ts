// Registration's commitment and proof of possession (state/modules/attribution/possession.ts), the
// pure functions the module and the prover share: the commitment is the documented
// keccak256(abi.encode(root, size, sender, salt)) (computed here with viem), the sampled indices
// are keccak256(seed ‖ commitment ‖ uint32be(i)) mod chunks, and a sample proves its chunk only
// with the chunk's exact bytes and its own Merkle path.
import { encodeAbiParameters, keccak256 } from 'viem';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { bytesToHex, concatBytes } from '../../../../core/bytes.ts';
import { ChunkTree, splitChunks } from '../../../../core/chunkTree.ts';
import {
  contributionCommitment,
  firstBadSample,
  possessionIndices,
} from '../../../../state/modules/attribution/possession.ts';

const SENDER: Address = '0x00000000000000000000000000000000000000b0';
const ROOT = new Uint8Array(32).fill(0x11);
const SALT = new Uint8Array(32).fill(0x22);
const SEED = new Uint8Array(32).fill(0x33);

describe('contributionCommitment', () => {
  it('is keccak256 of the ABI encoding of (chunkRoot, size, sender, salt)', () => {
    const expected = keccak256(
      encodeAbiParameters(
        [{ type: 'bytes32' }, { type: 'uint64' }, { type: 'address' }, { type: 'bytes32' }],
        [bytesToHex(ROOT), 2n ** 40n + 5n, SENDER, bytesToHex(SALT)],
      ),
    );
    expect(bytesToHex(contributionCommitment(ROOT, 2n ** 40n + 5n, SENDER, SALT))).toBe(expected);
  });
});

describe('possessionIndices', () => {
  it('draws each index from the seed, the commitment and its counter, modulo the chunk count', () => {
    const commitment = contributionCommitment(ROOT, 100n, SENDER, SALT);
    const indices = possessionIndices(SEED, commitment, 7, 4);
    expect(indices).toEqual(
      [0, 1, 2, 3].map((i) => {
        const counter = Uint8Array.of(0, 0, 0, i);
        return Number(BigInt(keccak256(concatBytes(SEED, commitment, counter))) % 7n);
      }),
    );
    expect(possessionIndices(SEED, commitment, 7, 0)).toEqual([]);
    // Another seed (a later block's hash) draws other chunks.
    expect(possessionIndices(new Uint8Array(32), commitment, 1_000_000, 4)).not.toEqual(
      possessionIndices(SEED, commitment, 1_000_000, 4),
    );
  });
});

describe('firstBadSample', () => {
  // 5 chunks of 16 bytes, the last one 4 bytes long.
  const content = Uint8Array.from({ length: 68 }, (_, i) => i);
  const tree = new ChunkTree(content, 16);
  const chunks = splitChunks(content, 16);
  const sample = (index: number) => ({ chunk: chunks[index]!, path: tree.path(index) });
  const check = (indices: number[], samples: { chunk: Uint8Array; path: readonly Uint8Array[] }[]) =>
    firstBadSample(tree.root, content.length, 16, indices, samples);

  it('accepts each chunk with its own path, the short last one included', () => {
    expect(check([0, 4, 2], [sample(0), sample(4), sample(2)])).toBe(-1);
  });

  it('names the first sample that does not prove its chunk', () => {
    // Another chunk's bytes and path for index 1.
    expect(check([0, 1], [sample(0), sample(3)])).toBe(1);
    // The right path with one byte changed.
    const changed = sample(2).chunk.slice();
    changed[0]! ^= 1;
    expect(check([2, 0], [{ ...sample(2), chunk: changed }, sample(0)])).toBe(0);
    // The last chunk padded to a full chunk, or cut short.
    const padded = concatBytes(sample(4).chunk, new Uint8Array(12));
    expect(check([4], [{ ...sample(4), chunk: padded }])).toBe(0);
    expect(check([4], [{ ...sample(4), chunk: sample(4).chunk.subarray(0, 3) }])).toBe(0);
    // A path from another tree.
    const other = new ChunkTree(
      content.map((b) => b ^ 0xff),
      16,
    );
    expect(check([3], [{ ...sample(3), path: other.path(3) }])).toBe(0);
  });
});
