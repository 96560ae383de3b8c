// Read access to tree nodes: a cache of decoded nodes in front of the injected content-addressed
// reader. Every record read is decoded and checked against the hash it was asked for, so a corrupt
// or foreign database fails loudly instead of yielding a wrong root.
import { bytesToHex } from '../../core/bytes.ts';
import { DecodeError, OpenchainError } from '../../core/errors.ts';
import { NodeCache } from './cache.ts';
import { equalHash } from './hash.ts';
import { decodeNode, InternalNode, LeafNode, type Node } from './node.ts';

/**
 * Where the caller keeps the records that update() returned: encoded node by node hash. A
 * synchronous reader is preferred: an update reads nodes one after another, and each read that
 * goes through the event loop waits behind whatever else the process is doing (RPC batches).
 */
export interface NodeReader {
  get(hash: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

/** The root names a node the reader does not have (never written, or written elsewhere). */
export class MissingNodeError extends OpenchainError<'TREE_MISSING_NODE'> {
  constructor(hash: Uint8Array) {
    super('TREE_MISSING_NODE', `state tree node ${bytesToHex(hash)} is not in the store`);
  }
}

/** A stored record does not decode, or does not hash to the key it is stored under. */
export class CorruptNodeError extends OpenchainError<'TREE_CORRUPT_NODE'> {
  constructor(hash: Uint8Array, reason: string, options?: ErrorOptions) {
    super('TREE_CORRUPT_NODE', `state tree node ${bytesToHex(hash)} is corrupt: ${reason}`, options);
  }
}

export class NodeStore {
  readonly #reader: NodeReader;
  readonly #cache: NodeCache<Node>;

  constructor(reader: NodeReader, cacheSize: number) {
    this.#reader = reader;
    // A node kept for another generation moves out of its slab, so old slabs can be freed.
    this.#cache = new NodeCache<Node>(cacheSize, (node) =>
      node instanceof InternalNode ? node.relocate() : node,
    );
  }

  /**
   * The node if it is cached; lets hot paths skip a promise per node. Here and in load, `use` false
   * marks the read of a node that is about to be replaced by its next version: it does not keep the
   * node cached, or superseded versions would crowd out nodes that are still current.
   */
  peek(hash: Uint8Array, use = true): Node | undefined {
    return this.#cache.get(hash, use);
  }

  async load(hash: Uint8Array, use = true): Promise<Node> {
    const cached = this.peek(hash, use);
    if (cached) return cached;
    const record = await this.#reader.get(hash);
    if (!record) throw new MissingNodeError(hash);
    let node: Node;
    try {
      node = decodeNode(record);
    } catch (err) {
      if (err instanceof DecodeError) throw new CorruptNodeError(hash, err.message, { cause: err });
      throw err;
    }
    if (!equalHash(node.hash, hash)) throw new CorruptNodeError(hash, 'record hashes to a different key');
    if (use) this.#cache.set(node);
    return node;
  }

  /** Loads a node that its parent says is internal. */
  async loadInternal(hash: Uint8Array, use = true): Promise<InternalNode> {
    const node = await this.load(hash, use);
    if (!(node instanceof InternalNode))
      throw new CorruptNodeError(hash, 'expected an internal node, found a leaf');
    return node;
  }

  /** Loads a node that its parent says is a leaf. */
  async loadLeaf(hash: Uint8Array): Promise<LeafNode> {
    const node = await this.load(hash);
    if (!(node instanceof LeafNode))
      throw new CorruptNodeError(hash, 'expected a leaf, found an internal node');
    return node;
  }

  /** Caches a node the caller is about to store, so the next block's update does not read it back. */
  remember(node: Node): void {
    this.#cache.set(node);
  }

  /** Drops cached nodes that will not be read again (see StateTree.release). */
  forget(hashes: readonly Uint8Array[]): void {
    for (const hash of hashes) this.#cache.delete(hash);
  }

  /** Decoded nodes in the cache. */
  get cached(): number {
    return this.#cache.size;
  }
}
