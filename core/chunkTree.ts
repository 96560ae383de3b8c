// The chunk tree: how a contribution's content is committed to on chain and how one chunk of it is
// proven to every validator (docs/attribution.md, "Chunking and Merkle scheme"). Shared by the
// attribution module (verifier) and the off-chain prover, so both always agree byte for byte.
//
// Content is split into chunks of `chunkSize` bytes (the last one may be shorter; empty content has
// no tree). Hashes are sha256 with one-byte domain tags:
//   leaf  = sha256(0x00 || uint64be(index) || chunk)   -- a chunk cannot be proven at another index
//   inner = sha256(0x01 || left || right)              -- a leaf can never pass for an inner node
// A lone node at the end of a level is promoted unchanged, which is RFC 6962's shape (split at the
// largest power of two): the tree of n leaves is unique and a path's length follows from (index, n).
// The root is a collision-resistant commitment to the bytes (their number included, through the
// chunks), so it doubles as the content hash the chain de-duplicates on.
import { equalBytes, u64ToBytes } from './bytes.ts';
import { sha256Concat } from './hash.ts';

const LEAF = Uint8Array.of(0x00);
const INNER = Uint8Array.of(0x01);

/** Number of chunks (leaves) of content of `size` bytes; content must not be empty. */
export function chunkCount(size: number, chunkSize: number): number {
  if (!Number.isSafeInteger(size) || size < 1)
    throw new RangeError(`content size must be a positive integer, got ${size}`);
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new RangeError(`chunk size must be positive, got ${chunkSize}`);
  return Math.ceil(size / chunkSize);
}

/** Length of chunk `index` of content of `size` bytes. */
export function chunkLength(index: number, size: number, chunkSize: number): number {
  return Math.min(chunkSize, size - index * chunkSize);
}

/** The chunks of `content`, as views into it. */
export function splitChunks(content: Uint8Array, chunkSize: number): Uint8Array[] {
  const n = chunkCount(content.length, chunkSize);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < n; i++) chunks.push(content.subarray(i * chunkSize, (i + 1) * chunkSize));
  return chunks;
}

export function chunkLeafHash(index: number, chunk: Uint8Array): Uint8Array {
  return sha256Concat(LEAF, u64ToBytes(index), chunk);
}

export function chunkNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256Concat(INNER, left, right);
}

/** A whole chunk tree, kept level by level so that any chunk's path can be read off. */
export class ChunkTree {
  /** levels[0] are the leaf hashes, the last level holds the root alone. */
  readonly #levels: Uint8Array[][];

  constructor(content: Uint8Array, chunkSize: number) {
    let level = splitChunks(content, chunkSize).map((chunk, i) => chunkLeafHash(i, chunk));
    this.#levels = [level];
    while (level.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(chunkNodeHash(level[i]!, level[i + 1]!));
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      this.#levels.push(next);
      level = next;
    }
  }

  get leafCount(): number {
    return this.#levels[0]!.length;
  }

  get root(): Uint8Array {
    return this.#levels[this.#levels.length - 1]![0]!;
  }

  /** Sibling hashes from the leaf up; a promoted lone node contributes none at its level. */
  path(index: number): Uint8Array[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.leafCount) {
      throw new RangeError(`chunk index ${index} out of range (${this.leafCount} chunks)`);
    }
    const path: Uint8Array[] = [];
    let i = index;
    for (const level of this.#levels.slice(0, -1)) {
      const sibling = i % 2 === 1 ? i - 1 : i + 1;
      if (sibling < level.length) path.push(level[sibling]!);
      i = Math.floor(i / 2);
    }
    return path;
  }
}

/**
 * True if `path` leads from `leaf` at `index` to `root` in a tree of `leafCount` leaves. The path
 * must have exactly the length the tree's shape gives, so one proof has one encoding.
 */
export function verifyChunkPath(
  root: Uint8Array,
  index: number,
  leafCount: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafCount) return false;
  let hash = leaf;
  let i = index;
  let width = leafCount;
  let used = 0;
  while (width > 1) {
    if (i % 2 === 1 || i + 1 < width) {
      const sibling = path[used++];
      if (sibling === undefined || sibling.length !== 32) return false;
      hash = i % 2 === 1 ? chunkNodeHash(sibling, hash) : chunkNodeHash(hash, sibling);
    }
    i = Math.floor(i / 2);
    width = Math.ceil(width / 2);
  }
  return used === path.length && equalBytes(hash, root);
}
