// Decoded nodes by hash: bounded, with approximately least-recently-used eviction.
//
// Two generations, after hashlru: entries go into the young map; after half the cache's size of
// additions it becomes the old map and the previous old map is dropped whole; a hit in the old map
// copies the entry to the young one. Eviction never looks for an oldest key, and that is the point:
// a V8 Map keeps deleted slots until it rehashes, so the usual Map-as-LRU (delete on hit, evict the
// first key) walks over every deleted slot to find its oldest key, which at 200,000 entries costs
// tens of microseconds per set. Entries known to be dead (a node version the committed tree no
// longer has) are deleted by hash; the generations still turn over by additions, not by size, so
// an entry that is kept is still moved to the young generation (and `promote`d) once a generation.
//
// Keys are the first 30 bits of the hash, a small integer that is about 10x cheaper to look up
// than a string made from the hash. A hit is checked against the whole hash, so a prefix collision
// is a miss (one more read), never a wrong node.
import { equalHash } from './hash.ts';

function prefix(hash: Uint8Array): number {
  return (hash[0]! << 22) | (hash[1]! << 14) | (hash[2]! << 6) | (hash[3]! >> 2);
}

export class NodeCache<V extends { readonly hash: Uint8Array }> {
  readonly #generationSize: number;
  readonly #promote: (value: V) => V;
  #young = new Map<number, V>();
  #old = new Map<number, V>();
  /** Additions to the young generation since it was created. */
  #added = 0;

  /**
   * Holds at most `size` entries. `promote` maps an entry moving to the young generation, and what
   * it returns is kept and returned instead.
   */
  constructor(size: number, promote: (value: V) => V = (value) => value) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('cache size must be a positive integer');
    this.#generationSize = Math.max(1, Math.floor(size / 2));
    this.#promote = promote;
  }

  /** With `use` false the read does not keep the entry any longer (it is about to be replaced). */
  get(hash: Uint8Array, use = true): V | undefined {
    const key = prefix(hash);
    const young = this.#young.get(key);
    if (young !== undefined && equalHash(young.hash, hash)) return young;
    const old = this.#old.get(key);
    if (old === undefined || !equalHash(old.hash, hash)) return undefined;
    if (!use) return old;
    const promoted = this.#promote(old);
    this.#add(key, promoted);
    return promoted;
  }

  set(value: V): void {
    this.#add(prefix(value.hash), value);
  }

  /** Drops the entry for this hash, if the cache holds it. */
  delete(hash: Uint8Array): void {
    const key = prefix(hash);
    const young = this.#young.get(key);
    if (young !== undefined && equalHash(young.hash, hash)) this.#young.delete(key);
    const old = this.#old.get(key);
    if (old !== undefined && equalHash(old.hash, hash)) this.#old.delete(key);
  }

  /** Entries held (both generations; an entry promoted but not yet dropped from the old one counts twice). */
  get size(): number {
    return this.#young.size + this.#old.size;
  }

  #add(key: number, value: V): void {
    this.#young.set(key, value);
    if (++this.#added >= this.#generationSize) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#added = 0;
    }
  }
}
