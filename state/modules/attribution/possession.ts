// Registration's commitment and proof of possession, as pure functions shared by the module (the
// verifier) and the prover/CLI (the registrant), so both derive the same bytes and indices.
//
//   commitment = keccak256(abi.encode(bytes32 chunkRoot, uint64 size, address sender, bytes32 salt))
//   index_i    = uint256(keccak256(seed ‖ commitment ‖ uint32be(i))) mod chunkCount, i < samples
//
// where seed is the hash of the block after the commit's block, unknown when the commitment was
// signed. Indices may repeat (each is proven anyway); the chunk count is that of the size at the
// chunk size in force at the reveal, which is the size the contribution is registered with.
import { type Address, addressToBytes } from '../../../core/address.ts';
import { bigintToFixedBytes, bytesToBigint } from '../../../core/bytes.ts';
import { chunkCount, chunkLeafHash, chunkLength, verifyChunkPath } from '../../../core/chunkTree.ts';
import { keccak256, keccak256Concat } from '../../../core/hash.ts';

/** One proven chunk of a reveal: its bytes and its Merkle path (index derived, not sent). */
export interface ChunkSample {
  readonly chunk: Uint8Array;
  readonly path: readonly Uint8Array[];
}

export function contributionCommitment(
  chunkRoot: Uint8Array,
  size: bigint,
  sender: Address,
  salt: Uint8Array,
): Uint8Array {
  const words = new Uint8Array(128);
  words.set(chunkRoot, 0);
  words.set(bigintToFixedBytes(size, 32), 32);
  words.set(addressToBytes(sender), 76);
  words.set(salt, 96);
  return keccak256(words);
}

export function possessionIndices(
  seed: Uint8Array,
  commitment: Uint8Array,
  chunks: number,
  samples: number,
): number[] {
  const out: number[] = [];
  const counter = new Uint8Array(4);
  for (let i = 0; i < samples; i++) {
    new DataView(counter.buffer).setUint32(0, i);
    const draw = bytesToBigint(keccak256Concat(seed, commitment, counter));
    out.push(Number(draw % BigInt(chunks)));
  }
  return out;
}

/**
 * The first sample that does not prove its chunk against `chunkRoot` (wrong length, or a path that
 * does not lead to the root), or -1 if all do. `samples` must be as many as `indices`.
 */
export function firstBadSample(
  chunkRoot: Uint8Array,
  size: number,
  chunkSize: number,
  indices: readonly number[],
  samples: readonly ChunkSample[],
): number {
  const leaves = chunkCount(size, chunkSize);
  return indices.findIndex((index, i) => {
    const { chunk, path } = samples[i]!;
    if (chunk.length !== chunkLength(index, size, chunkSize)) return true;
    return !verifyChunkPath(chunkRoot, index, leaves, chunkLeafHash(index, chunk), path);
  });
}
