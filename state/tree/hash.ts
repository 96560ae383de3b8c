// The commitment (docs/state-tree.md, "Hashes"): how leaves, internal nodes and empty subtrees hash,
// and how a key picks its path. Shared by the tree and the standalone proof verifier so the two
// cannot drift apart.
import { sha256 } from '../../core/hash.ts';

export const HASH_LENGTH = 32;
export const KEY_LENGTH = 32;
export const KEY_BITS = KEY_LENGTH * 8;

/** Hash of an empty subtree, and so the root of the empty tree. */
export const EMPTY_HASH: Uint8Array = new Uint8Array(HASH_LENGTH);

const LEAF_TAG = 0x00;
const INTERNAL_TAG = 0x01;

// Both preimages are 65 bytes. Hashing one contiguous buffer is about 1.5x faster than feeding the
// WASM hasher three parts; sharing the buffer is safe because hashing is synchronous.
const preimage = new Uint8Array(1 + 2 * HASH_LENGTH);

export function valueHash(value: Uint8Array): Uint8Array {
  return sha256(value);
}

/** sha256(0x00 || key || valueHash) */
export function leafHash(key: Uint8Array, valueHash: Uint8Array): Uint8Array {
  preimage[0] = LEAF_TAG;
  preimage.set(key, 1);
  preimage.set(valueHash, 1 + KEY_LENGTH);
  return sha256(preimage);
}

/** sha256(0x01 || left || right) */
export function internalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  preimage[0] = INTERNAL_TAG;
  preimage.set(left, 1);
  preimage.set(right, 1 + HASH_LENGTH);
  return sha256(preimage);
}

/** internalHash of a left || right pair that is already laid out as 64 contiguous bytes. */
export function internalHashOfPair(pair: Uint8Array): Uint8Array {
  preimage[0] = INTERNAL_TAG;
  preimage.set(pair, 1);
  return sha256(preimage);
}

/**
 * Equality of two 32-byte values (hashes, keys). A plain loop on purpose: core's equalBytes wraps its
 * arguments in Buffers, and reading .buffer moves a small typed array off the V8 heap, which costs
 * about a microsecond per fresh array.
 */
export function equalHash(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < HASH_LENGTH; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isEmptyHash(hash: Uint8Array): boolean {
  for (let i = 0; i < hash.length; i++) if (hash[i] !== 0) return false;
  return hash.length === HASH_LENGTH;
}

/** Bit `depth` of the key, most significant first: 0 goes left, 1 goes right. */
export function keyBit(key: Uint8Array, depth: number): number {
  return (key[depth >> 3]! >> (7 - (depth & 7))) & 1;
}

/** Nibble `index` of the key, most significant first: the child slot at depth 4 * index. */
export function keyNibble(key: Uint8Array, index: number): number {
  const byte = key[index >> 1]!;
  return index & 1 ? byte & 0x0f : byte >> 4;
}
