// The batched update (docs/state-tree.md, "Updates"). Changes arrive sorted by key, so the changes
// below any node are one contiguous run: a single descent visits each touched node once and rehashes
// it once, after all of its changed children.
import { compareBytes } from '../../core/bytes.ts';
import { equalHash, keyNibble } from './hash.ts';
import {
  EMPTY_SUBTREE,
  INTERNAL,
  InternalNode,
  LEAF,
  LeafNode,
  type LeafRef,
  type Node,
  type Subtree,
} from './node.ts';
import type { NodeStore } from './store.ts';

export interface Change {
  readonly key: Uint8Array;
  /** null deletes the key. */
  readonly value: Uint8Array | null;
}

/**
 * Applies changes (sorted by key, no duplicates) to the subtree at the root. Returns the new root
 * subtree, the nodes it has that the old tree did not (children before parents), and the hashes of
 * the old tree's internal nodes that the new one no longer has.
 */
export async function applyChanges(
  store: NodeStore,
  root: Subtree,
  changes: readonly Change[],
): Promise<{ root: Subtree; created: Node[]; replaced: Uint8Array[] }> {
  const batch = new Batch(store, changes);
  const newRoot = await batch.update(root, 0, 0, changes.length);
  return { root: newRoot, created: batch.created, replaced: batch.replaced };
}

/** End of the run of items, from `start`, that share nibble `index` of their key with items[start]. */
function runEnd(
  items: readonly { readonly key: Uint8Array }[],
  start: number,
  end: number,
  index: number,
): number {
  const nibble = keyNibble(items[start]!.key, index);
  let i = start + 1;
  while (i < end && keyNibble(items[i]!.key, index) === nibble) i++;
  return i;
}

class Batch {
  readonly #store: NodeStore;
  readonly #changes: readonly Change[];
  readonly created: Node[] = [];
  readonly replaced: Uint8Array[] = [];

  constructor(store: NodeStore, changes: readonly Change[]) {
    this.#store = store;
    this.#changes = changes;
  }

  /** New version of `subtree`, at binary depth `depth`, after changes[lo..hi). */
  async update(subtree: Subtree, depth: number, lo: number, hi: number): Promise<Subtree> {
    if (subtree.kind !== INTERNAL) return this.#build(depth, this.#merge(subtree, lo, hi), 0);
    // This version of the node is about to be replaced, so reading it is not a use (see NodeStore).
    const cached = this.#store.peek(subtree.hash, false);
    const node =
      cached instanceof InternalNode ? cached : await this.#store.loadInternal(subtree.hash, false);
    const slots: number[] = [];
    const children: Subtree[] = [];
    const index = depth >> 2;
    for (let i = lo; i < hi; ) {
      const end = runEnd(this.#changes, i, hi, index);
      const slot = keyNibble(this.#changes[i]!.key, index);
      const child = node.slot(slot);
      slots.push(slot);
      // Only internal children need reads; the others are rebuilt synchronously, saving a promise.
      children.push(
        child.kind === INTERNAL
          ? await this.update(child, depth + 4, i, end)
          : this.#build(depth + 4, this.#merge(child, i, end), 0),
      );
      i = end;
    }
    const next = InternalNode.derive(node, slots, children);
    // The result may have collapsed to a single leaf (already stored) or to nothing.
    const result = next.asSubtree();
    if (result.kind === INTERNAL && equalHash(next.hash, node.hash)) return result;
    if (result.kind === INTERNAL) this.created.push(next);
    this.replaced.push(node.hash);
    return result;
  }

  /** The leaves of an empty or single-leaf subtree after changes[lo..hi), sorted by key. */
  #merge(subtree: Subtree, lo: number, hi: number): LeafRef[] {
    const leaves: LeafRef[] = [];
    let existing = subtree.kind === LEAF ? subtree : undefined;
    for (let i = lo; i < hi; i++) {
      const { key, value } = this.#changes[i]!;
      const order = existing ? compareBytes(existing.key, key) : 1;
      if (order < 0) {
        leaves.push(existing!);
        existing = undefined;
      }
      if (value !== null) leaves.push(this.#leaf(key, value, order === 0 ? existing : undefined));
      if (order === 0) existing = undefined;
    }
    if (existing) leaves.push(existing);
    return leaves;
  }

  #leaf(key: Uint8Array, value: Uint8Array, previous: LeafRef | undefined): LeafRef {
    const leaf = new LeafNode(key, value);
    if (previous && equalHash(previous.hash, leaf.hash)) return previous;
    this.created.push(leaf);
    return leaf.ref;
  }

  /** The subtree, at binary depth `depth`, holding exactly leaves[lo..]. */
  #build(depth: number, leaves: readonly LeafRef[], lo: number, hi = leaves.length): Subtree {
    if (hi - lo === 0) return EMPTY_SUBTREE;
    if (hi - lo === 1) return leaves[lo]!;
    const slots: number[] = [];
    const children: Subtree[] = [];
    const index = depth >> 2;
    for (let i = lo; i < hi; ) {
      const end = runEnd(leaves, i, hi, index);
      slots.push(keyNibble(leaves[i]!.key, index));
      children.push(this.#build(depth + 4, leaves, i, end));
      i = end;
    }
    const node = InternalNode.derive(null, slots, children);
    this.created.push(node);
    return node.asSubtree();
  }
}
