// The authenticated state tree: a compressed sparse Merkle tree over 256-bit keys. The spec (hashes,
// records, proofs) is docs/state-tree.md. The tree never writes: update() returns the records that
// are new, for the caller to store in the same atomic batch as the block, and old records are never
// deleted, so every root ever returned stays readable and provable.
import { bytesToHex, compareBytes } from '../../core/bytes.ts';
import { EMPTY_HASH, equalHash, HASH_LENGTH, isEmptyHash, KEY_LENGTH, keyBit, keyNibble } from './hash.ts';
import {
  EMPTY,
  EMPTY_SUBTREE,
  FIRST_SLOT,
  INTERNAL,
  type InternalNode,
  LEAF,
  LeafNode,
  type Subtree,
} from './node.ts';
import type { StateProof } from './proof.ts';
import { type NodeReader, NodeStore } from './store.ts';
import { applyChanges, type Change } from './update.ts';

/** Root of the empty tree: 32 zero bytes. */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(HASH_LENGTH);

export interface StateTreeOptions {
  /** Decoded nodes kept in memory, about 1.5 KB each: the default of 100,000 is about 150 MB. */
  cacheSize?: number;
}

export interface UpdateResult {
  root: Uint8Array;
  /**
   * New records as [hash, encoded node], children before parents; store them under their hash. They
   * are views into one buffer per update, so keeping any of them keeps all of them in memory.
   */
  nodes: [Uint8Array, Uint8Array][];
  /**
   * Hashes of the old root's internal nodes that the new root does not have. Once the new root is
   * the one updates build on, pass them to release(): the old root stays readable, but its
   * superseded nodes no longer take the cache's room from current ones.
   */
  replaced: Uint8Array[];
}

export class StateTree {
  readonly #store: NodeStore;

  constructor(reader: NodeReader, opts: StateTreeOptions = {}) {
    this.#store = new NodeStore(reader, opts.cacheSize ?? 100_000);
  }

  /** The value of `key` in the tree with this root, or undefined if it has none. */
  async get(root: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    checkKey(key);
    let subtree = await this.#rootSubtree(root);
    for (let index = 0; subtree.kind === INTERNAL; index++) {
      const node = await this.#store.loadInternal(subtree.hash);
      subtree = node.slot(keyNibble(key, index));
    }
    if (subtree.kind === EMPTY || !equalHash(subtree.key, key)) return undefined;
    return (await this.#store.loadLeaf(subtree.hash)).value.slice(); // the cached node stays private
  }

  /**
   * Applies a batch of changes (value null deletes; deleting an absent key is a no-op) and returns
   * the new root with the records it adds. The root depends only on the resulting set of keys and
   * values, never on order or batching. Keys must be distinct within a batch.
   */
  async update(root: Uint8Array, changes: readonly Change[]): Promise<UpdateResult> {
    const sorted = sortChanges(changes);
    if (sorted.length === 0) return { root: root.slice(), nodes: [], replaced: [] };
    const result = await applyChanges(this.#store, await this.#rootSubtree(root), sorted);
    // One allocation for all new records and their hashes: typed arrays over 64 bytes are slow to
    // allocate one by one, and the caller only copies these into its write batch.
    let size = 0;
    for (const node of result.created) size += HASH_LENGTH + node.encodedLength;
    const arena = new Uint8Array(size);
    const nodes: [Uint8Array, Uint8Array][] = [];
    let offset = 0;
    for (const node of result.created) {
      const end = offset + HASH_LENGTH + node.encodedLength;
      arena.set(node.hash, offset);
      node.encodeInto(arena, offset + HASH_LENGTH);
      nodes.push([arena.subarray(offset, offset + HASH_LENGTH), arena.subarray(offset + HASH_LENGTH, end)]);
      offset = end;
      // Leaves are left out: updates never read them, and the state layer serves latest values itself.
      if (!(node instanceof LeafNode)) this.#store.remember(node);
    }
    const newRoot = result.root.kind === EMPTY ? EMPTY_HASH.slice() : result.root.hash.slice();
    return { root: newRoot, nodes, replaced: result.replaced };
  }

  /**
   * Drops these nodes from the cache. For the `replaced` of an update whose root was committed: each
   * block supersedes a version of most nodes on its paths, and a cache that kept them would fill
   * with nodes that only reads of old roots (proofs at past heights) ever ask for again, growing
   * the process by up to its whole budget on a state much smaller than that (docs/performance.md,
   * "Memory"). Correctness never depends on it: a node that is asked for again is read back.
   */
  release(hashes: readonly Uint8Array[]): void {
    this.#store.forget(hashes);
  }

  /** Decoded nodes the cache holds now (a gauge for the node's memory). */
  get cachedNodes(): number {
    return this.#store.cached;
  }

  /** An inclusion proof if `key` is present, an absence proof otherwise; check it with verifyProof. */
  async prove(root: Uint8Array, key: Uint8Array): Promise<StateProof> {
    checkKey(key);
    const siblings: Uint8Array[] = [];
    let subtree = await this.#rootSubtree(root);
    let depth = 0;
    while (subtree.kind === INTERNAL) {
      const node: InternalNode = await this.#store.loadInternal(subtree.hash);
      // Walk the node's binary positions until the path leaves it or reaches a leaf or nothing.
      let position = 1;
      while (position < FIRST_SLOT && node.kind(position) === INTERNAL) {
        const bit = keyBit(key, depth++);
        siblings.push(node.positionHash(2 * position + 1 - bit).slice());
        position = 2 * position + bit;
      }
      subtree =
        position >= FIRST_SLOT
          ? node.slot(position - FIRST_SLOT)
          : node.kind(position) === LEAF
            ? node.leafAt(position)
            : EMPTY_SUBTREE;
    }
    if (subtree.kind === EMPTY) return { siblings, leaf: null };
    return { siblings, leaf: { key: subtree.key.slice(), valueHash: subtree.valueHash.slice() } };
  }

  async #rootSubtree(root: Uint8Array): Promise<Subtree> {
    if (!(root instanceof Uint8Array) || root.length !== HASH_LENGTH)
      throw new RangeError('state root must be 32 bytes');
    if (isEmptyHash(root)) return EMPTY_SUBTREE;
    const node = await this.#store.load(root);
    return node instanceof LeafNode ? node.ref : { kind: INTERNAL, hash: root };
  }
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_LENGTH)
    throw new RangeError('state tree keys are 32 bytes');
}

/** A sorted copy; keys are copied too, since parent nodes keep them. */
function sortChanges(changes: readonly Change[]): Change[] {
  const sorted = changes.map((c) => {
    checkKey(c.key);
    if (c.value !== null && !(c.value instanceof Uint8Array)) throw new TypeError('a value is bytes or null');
    return { key: c.key.slice(), value: c.value };
  });
  sorted.sort((a, b) => compareBytes(a.key, b.key));
  for (let i = 1; i < sorted.length; i++) {
    if (equalHash(sorted[i - 1]!.key, sorted[i]!.key)) {
      throw new RangeError(`duplicate key ${bytesToHex(sorted[i]!.key)} in one state tree update`);
    }
  }
  return sorted;
}
