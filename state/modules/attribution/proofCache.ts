// Chunk-path verification with a cache of authentic tree nodes.
//
// Hashing dominates the cost of an inference record (a path over a 10,000-chunk contribution is 14
// sha256 calls, about 1.5 µs each here), and records citing a popular contribution keep proving
// paths through the same upper nodes. A node that was on a path verified up to the root is an
// authentic node of that tree forever (a registered root never changes), so later paths can stop
// hashing where they meet a known node and compare the remaining siblings byte for byte instead.
// Chunks on verified paths are kept too, so a chunk proven before is recognised by comparing
// bytes instead of hashing them. The answer is the same as verifyChunkPath's with or without the
// cache (barring a sha256 collision), so the cache's contents, which differ between validators, cannot split consensus;
// test/state/modules/attribution/proofCache.test.ts checks the two against each other.
import { equalBytes } from '../../../core/bytes.ts';
import { chunkLeafHash, chunkNodeHash } from '../../../core/chunkTree.ts';

/**
 * Known parts of one tree: its chunks and its nodes by level and index. Maps, not arrays sized by
 * the leaf count: a registration may claim any size, and nothing here may depend on that.
 */
interface TreeNodes {
  readonly chunks: Map<number, Uint8Array>;
  readonly levels: Map<number, Uint8Array>[];
  size: number;
}

export class ProofCache {
  readonly #capacity: number;
  /** Trees by root and leaf count, least recently used first. */
  readonly #trees = new Map<string, TreeNodes>();
  #size = 0;

  /** Keeps up to `capacity` nodes and chunks; 0 verifies without caching. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /**
   * verifyChunkPath(root, index, leafCount, chunkLeafHash(index, chunk), path), computed with as
   * little hashing as the cache allows: a chunk equal to a known one needs no leaf hash at all.
   */
  verify(
    root: Uint8Array,
    index: number,
    leafCount: number,
    chunk: Uint8Array,
    path: readonly Uint8Array[],
  ): boolean {
    if (!Number.isSafeInteger(index) || index < 0 || index >= leafCount) return false;
    const tree = this.#capacity > 0 ? this.#tree(root, leafCount) : undefined;
    const levels = tree?.levels ?? [];

    // True while `hash` is known to equal the tree's node at (level, i).
    let authentic = false;
    let hash: Uint8Array;
    const knownChunk = tree?.chunks.get(index);
    if (knownChunk) {
      if (!equalBytes(knownChunk, chunk)) return false;
      hash = levels[0]!.get(index)!;
      authentic = true;
    } else {
      hash = chunkLeafHash(index, chunk);
    }
    const learned: [number, number, Uint8Array][] = [[0, index, hash]];

    let used = 0;
    for (
      let level = 0, i = index, width = leafCount;
      width > 1;
      level++, i = Math.floor(i / 2), width = Math.ceil(width / 2)
    ) {
      const row = levels[level];
      if (!authentic) {
        const node = row?.get(i);
        if (node) {
          if (!same32(node, hash)) return false;
          authentic = true;
        }
      }
      const s = i % 2 === 1 ? i - 1 : i + 1;
      if (s >= width) continue; // a lone last node is promoted unchanged
      const sibling = path[used++];
      if (sibling === undefined || sibling.length !== 32) return false;
      if (authentic) {
        const expected = row?.get(s);
        if (expected) {
          if (!same32(expected, sibling)) return false;
          const parent = levels[level + 1]?.get(Math.floor(i / 2));
          if (parent) {
            hash = parent;
            continue;
          }
        } else {
          authentic = false;
        }
      }
      hash = i % 2 === 1 ? chunkNodeHash(sibling, hash) : chunkNodeHash(hash, sibling);
      learned.push([level, s, sibling], [level + 1, Math.floor(i / 2), hash]);
    }
    if (used !== path.length || !equalBytes(hash, root)) return false;
    if (tree) this.#learn(tree, index, chunk, learned);
    return true;
  }

  #tree(root: Uint8Array, leafCount: number): TreeNodes {
    // A root names one tree only together with its leaf count (the shape depends on it).
    const key = `${Buffer.from(root.buffer, root.byteOffset, 32).toString('latin1')}${leafCount}`;
    let tree = this.#trees.get(key);
    if (tree) this.#trees.delete(key);
    else tree = { chunks: new Map(), levels: [], size: 0 };
    this.#trees.set(key, tree);
    return tree;
  }

  // Copies: chunks and siblings are views into the transaction's calldata, which must not be kept alive.
  #learn(
    tree: TreeNodes,
    index: number,
    chunk: Uint8Array,
    nodes: readonly [number, number, Uint8Array][],
  ): void {
    let added = 0;
    if (!tree.chunks.has(index)) {
      tree.chunks.set(index, chunk.slice());
      added++;
    }
    for (const [level, i, node] of nodes) {
      let row = tree.levels[level];
      if (!row) {
        row = new Map();
        tree.levels[level] = row;
      }
      if (row.has(i)) continue;
      row.set(i, node.slice());
      added++;
    }
    tree.size += added;
    this.#size += added;
    for (const [key, oldest] of this.#trees) {
      if (this.#size <= this.#capacity || oldest === tree) break;
      this.#trees.delete(key);
      this.#size -= oldest.size;
    }
  }
}

/** Equality of two 32-byte hashes; a loop beats allocating Buffer views at this size. */
function same32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}
