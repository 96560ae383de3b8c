// The committed state: a flat copy of the latest values for fast reads (with an LRU cache in front
// of LevelDB), and the state tree for roots, proofs and reads at past heights.
import { sha256 } from '../core/hash.ts';
import { mapKey, type StateChange, type StateReader } from './stateDb.ts';
import type { Database, WriteBatch } from './store/database.ts';
import { keys } from './store/keys.ts';
import { LruCache } from './store/lru.ts';
import { type StateProof, StateTree } from './tree/index.ts';

export interface PreparedStateCommit {
  readonly parentRoot: Uint8Array;
  readonly root: Uint8Array;
  readonly changes: readonly StateChange[];
  readonly nodes: readonly [Uint8Array, Uint8Array][];
  /** Tree nodes of parentRoot that root no longer has, to drop from the cache once committed. */
  readonly replaced: readonly Uint8Array[];
}

const ABSENT = new Uint8Array(0);

export class StateStore implements StateReader {
  readonly #db: Database;
  readonly #tree: StateTree;
  // Caches absence too (as ABSENT): most reads in a busy block hit accounts the block just touched.
  readonly #cache: LruCache<string, Uint8Array>;

  constructor(db: Database, opts: { cacheSize?: number; treeCacheSize?: number } = {}) {
    this.#db = db;
    this.#cache = new LruCache(opts.cacheSize ?? 200_000);
    this.#tree = new StateTree(
      { get: (hash) => db.getSync(keys.treeNode(hash)) },
      { cacheSize: opts.treeCacheSize ?? 100_000 },
    );
  }

  /** Latest committed value of a state key. */
  get(key: Uint8Array): Uint8Array | undefined {
    const k = mapKey(key);
    let value = this.#cache.get(k);
    if (value === undefined) {
      value = this.#db.getSync(keys.stateLatest(key)) ?? ABSENT;
      this.#cache.set(k, value);
    }
    return value === ABSENT ? undefined : value;
  }

  /** Computes the root after `changes` without writing anything (a proposal may be discarded). */
  async prepare(parentRoot: Uint8Array, changes: readonly StateChange[]): Promise<PreparedStateCommit> {
    const { root, nodes, replaced } = await this.#tree.update(
      parentRoot,
      changes.map((c) => ({ key: sha256(c.key), value: c.value })),
    );
    return { parentRoot, root, changes, nodes, replaced };
  }

  /** Adds a prepared commit to the block's batch. */
  write(batch: WriteBatch, prepared: PreparedStateCommit): void {
    for (const [hash, node] of prepared.nodes) batch.put(keys.treeNode(hash), node);
    for (const { key, value } of prepared.changes) {
      if (value === null) batch.del(keys.stateLatest(key));
      else batch.put(keys.stateLatest(key), value);
    }
  }

  /** Call after the batch holding `write` was written, to bring the caches up to date. */
  markCommitted(prepared: PreparedStateCommit): void {
    for (const { key, value } of prepared.changes) {
      this.#cache.set(mapKey(key), value ?? ABSENT);
    }
    // Not at prepare: a proposal may be discarded, and then the parent's nodes are still current.
    this.#tree.release(prepared.replaced);
  }

  /** Decoded state tree nodes held in memory. */
  get treeCachedNodes(): number {
    return this.#tree.cachedNodes;
  }

  /** Value at an earlier state root (through the tree). */
  getAt(root: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#tree.get(root, sha256(key));
  }

  prove(root: Uint8Array, key: Uint8Array): Promise<StateProof> {
    return this.#tree.prove(root, sha256(key));
  }
}
