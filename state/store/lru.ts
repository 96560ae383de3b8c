// A bounded cache with approximate least-recently-used eviction, in two generations: entries live
// in `young` until it fills half the budget, then the whole generation ages into `old` and the
// previous `old` is dropped. A hit in `old` moves the entry back to `young`. Unlike a Map used as
// an LRU (delete + re-insert per hit), this never deletes single entries, which V8's Map makes
// slower and slower as holes accumulate. Only used for caching; nothing consensus-relevant
// iterates it.
export class LruCache<K, V> {
  readonly #half: number;
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(max: number) {
    if (max < 2) throw new RangeError('cache size must be at least 2');
    this.#half = Math.floor(max / 2);
  }

  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) this.#insert(key, old);
    return old;
  }

  set(key: K, value: V): void {
    this.#insert(key, value);
  }

  /** Forgets a key (a value that changed elsewhere must not be served from here). */
  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  #insert(key: K, value: V): void {
    this.#young.set(key, value);
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
  }
}
