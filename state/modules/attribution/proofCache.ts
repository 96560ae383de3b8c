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
import { sha256 } from '../../../core/hash.ts';

// chunkLeafHash and chunkNodeHash of core/chunkTree.ts, hashing one buffer in one call instead of
// three parts: at 65 bytes the hasher's per-call overhead is most of the cost, and this takes a
// node hash from about 2.7 µs to 1.7 µs here. proofCache.test.ts holds them equal to chunkTree's.
const nodeInput = new Uint8Array(65);
nodeInput[0] = 0x01;
let leafInput = new Uint8Array(9 + 256);

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
}

export function leafHash(index: number, chunk: Uint8Array): Uint8Array {
  const length = 9 + chunk.length;
  if (leafInput.length < length) leafInput = new Uint8Array(length);
  const input = leafInput.subarray(0, length);
  input[0] = 0x00;
  const high = Math.floor(index / 2 ** 32);
  const low = index >>> 0;
  input[1] = high >>> 24;
  input[2] = high >>> 16;
  input[3] = high >>> 8;
  input[4] = high;
  input[5] = low >>> 24;
  input[6] = low >>> 16;
  input[7] = low >>> 8;
  input[8] = low;
  input.set(chunk, 9);
  return sha256(input);
}

// The nodes one verification met on its path (level, index, hash, and whether the hash is a view
// into calldata), learned only once the path reached the root. One verification runs at a time
// (verify is synchronous), so these are reused instead of allocated per node. A failed verification
// leaves its views here until the next one overwrites them: one path, of a transaction that failed.
const metLevels: number[] = [];
const metIndices: number[] = [];
const metNodes: Uint8Array[] = [];
const metViews: boolean[] = [];
let met = 0;
/** What a learned entry of metNodes is set to, so that it holds no calldata alive. */
const NONE = new Uint8Array(0);

function meet(level: number, index: number, node: Uint8Array, view: boolean): void {
  metLevels[met] = level;
  metIndices[met] = index;
  metNodes[met] = node;
  metViews[met] = view;
  met++;
}

/**
 * Known parts of one tree: its chunks and its nodes by level and index. Maps, not arrays sized by
 * the leaf count: a registration may claim any size, and nothing here may depend on that.
 */
interface TreeNodes {
  readonly root: Uint8Array;
  readonly leafCount: number;
  readonly chunks: Map<number, KnownChunk>;
  readonly levels: Map<number, Uint8Array>[];
  size: number;
}

/**
 * A chunk on a verified path, with the held siblings of that path in order: the same node objects
 * as in `levels` (references, not copies), so a proof of it again is a byte comparison per level
 * instead of a map lookup per level.
 */
interface KnownChunk {
  readonly bytes: Uint8Array;
  readonly siblings: readonly Uint8Array[];
}

export class ProofCache {
  readonly #capacity: number;
  /** Trees by root and leaf count, least recently used first. */
  readonly #trees = new Map<string, TreeNodes>();
  #size = 0;
  readonly #keys = new WeakMap<Uint8Array, { leafCount: number; key: string }>();
  /** Without a cache (capacity 0): what the current record's own proofs established, see `record`. */
  #recordTrees: Map<string, TreeNodes> | undefined;
  /** The tree of the last verification (the last of `#trees` or `#recordTrees`): spans citing one contribution come in runs. */
  #recent: TreeNodes | undefined;

  /** Keeps up to `capacity` nodes and chunks; 0 verifies without caching across records. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Nodes and chunks held across records (over the capacity only while one tree alone exceeds it). */
  get size(): number {
    return this.#size;
  }

  /**
   * Runs the verification of one record's proofs. Without a cache, the nodes its earlier paths
   * established are still used by its later ones (and dropped afterwards): the record's paths are
   * checked as one multiproof, so a node two of its paths share, such as the upper levels of a
   * large tree or everything above two consecutive chunks of one span, is hashed once. With a
   * cache that happens anyway.
   */
  record<T>(verify: () => T): T {
    if (this.#capacity > 0 || this.#recordTrees) return verify();
    this.#recordTrees = new Map();
    this.#recent = undefined;
    try {
      return verify();
    } finally {
      this.#recordTrees = undefined;
      this.#recent = undefined;
    }
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
    const tree = this.#capacity > 0 || this.#recordTrees ? this.#tree(root, leafCount) : undefined;
    const levels = tree?.levels ?? [];

    // True while `hash` is known to equal the tree's node at (level, i).
    let authentic = false;
    let hash: Uint8Array;
    met = 0;
    const known = tree?.chunks.get(index);
    if (known) {
      // Proven before: the proof holds exactly when it is that chunk and each sibling is the held
      // one (any other bytes hash to another root).
      const { bytes, siblings } = known;
      if (!equalBytes(bytes, chunk) || path.length !== siblings.length) return false;
      for (let j = 0; j < path.length; j++) {
        const sibling = path[j]!;
        if (sibling.length !== 32 || !same32(siblings[j]!, sibling)) return false;
      }
      return true;
    }
    hash = leafHash(index, chunk);
    meet(0, index, hash, false);

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
      hash = i % 2 === 1 ? nodeHash(sibling, hash) : nodeHash(hash, sibling);
      meet(level, s, sibling, true);
      meet(level + 1, Math.floor(i / 2), hash, false);
    }
    if (used !== path.length || !equalBytes(hash, root)) return false;
    if (tree) this.#learn(tree, index, chunk);
    return true;
  }

  #tree(root: Uint8Array, leafCount: number): TreeNodes {
    const recent = this.#recent;
    if (recent !== undefined && recent.leafCount === leafCount && same32(recent.root, root)) return recent;
    // A root names one tree only together with its leaf count (the shape depends on it). Roots come
    // from decoded contribution records, the same object for every span citing one, so the key
    // string is built once per root object.
    let named = this.#keys.get(root);
    if (named === undefined || named.leafCount !== leafCount) {
      named = {
        leafCount,
        key: `${Buffer.from(root.buffer, root.byteOffset, 32).toString('latin1')}${leafCount}`,
      };
      this.#keys.set(root, named);
    }
    const key = named.key;
    const trees = this.#recordTrees ?? this.#trees;
    let tree = trees.get(key);
    if (tree) trees.delete(key);
    else tree = { root: root.slice(), leafCount, chunks: new Map(), levels: [], size: 0 };
    trees.set(key, tree);
    this.#recent = tree;
    return tree;
  }

  /**
   * Keeps the chunk and the nodes its verification met. Across records they are copied: chunks and
   * siblings are views into the transaction's calldata, which must not be kept alive (the siblings
   * of one path share one copy, evicted together with their tree). Within one record the calldata
   * outlives them, so views do.
   */
  #learn(tree: TreeNodes, index: number, chunk: Uint8Array): void {
    const keep = this.#recordTrees === undefined;
    let added = 0;
    let copies: Uint8Array | undefined;
    let copied = 0;
    for (let k = 0; k < met; k++) {
      const level = metLevels[k]!;
      let row = tree.levels[level];
      if (!row) {
        row = new Map();
        tree.levels[level] = row;
      }
      const i = metIndices[k]!;
      let node = metNodes[k]!;
      metNodes[k] = NONE;
      if (row.has(i)) continue;
      if (keep && metViews[k]) {
        copies ??= new Uint8Array(32 * met);
        const copy = copies.subarray(copied, copied + 32);
        copy.set(node);
        node = copy;
        copied += 32;
      }
      row.set(i, node);
      added++;
    }
    // The chunk was not known (or verify would have returned before hashing it); its path's
    // siblings are all held now, learned just above or met already held.
    const siblings = heldSiblings(tree.levels, index, tree.leafCount);
    if (siblings) {
      tree.chunks.set(index, { bytes: keep ? chunk.slice() : chunk, siblings });
      added++;
    }
    tree.size += added;
    if (this.#recordTrees) return; // bounded by the record's own proofs, dropped after it
    this.#size += added;
    for (const [key, oldest] of this.#trees) {
      if (this.#size <= this.#capacity || oldest === tree) break;
      this.#trees.delete(key);
      this.#size -= oldest.size;
    }
  }
}

/** The held siblings on the path of chunk `index`, in path order; undefined should one not be held. */
function heldSiblings(
  levels: readonly Map<number, Uint8Array>[],
  index: number,
  leafCount: number,
): Uint8Array[] | undefined {
  const siblings: Uint8Array[] = [];
  for (
    let level = 0, i = index, width = leafCount;
    width > 1;
    level++, i = Math.floor(i / 2), width = Math.ceil(width / 2)
  ) {
    const s = i % 2 === 1 ? i - 1 : i + 1;
    if (s >= width) continue; // a lone last node is promoted unchanged
    const held = levels[level]?.get(s);
    if (held === undefined) return undefined;
    siblings.push(held);
  }
  return siblings;
}

/** Equality of two 32-byte hashes; a loop beats allocating Buffer views at this size. */
function same32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}
