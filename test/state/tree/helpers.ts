// Shared fixtures for the state tree tests: an in-memory node store that plays the caller's
// database, a model of the expected state, and fast-check generators for keys with long shared
// prefixes (random 32-byte keys almost never share more than a few bytes).
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import { EMPTY_ROOT, type NodeReader, StateTree, type StateTreeChange } from '../../../state/tree/index.ts';
import { decodeNode, INTERNAL, InternalNode, LEAF } from '../../../state/tree/node.ts';
import type { Entry } from './reference.ts';

export class MemoryNodeStore implements NodeReader {
  readonly records = new Map<string, Uint8Array>();
  reads = 0;

  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    this.reads++;
    return this.records.get(bytesToHex(hash));
  }

  put(nodes: readonly [Uint8Array, Uint8Array][]): void {
    for (const [hash, record] of nodes) this.records.set(bytesToHex(hash), record);
  }
}

/** Hashes of every record reachable from root (with `internalOnly`, of its internal nodes), read back from the store. */
export function reachable(
  store: MemoryNodeStore,
  root: Uint8Array,
  internalOnly = false,
  into = new Set<string>(),
): Set<string> {
  if (root.every((b) => b === 0)) return into;
  const node = decodeNode(store.records.get(bytesToHex(root))!);
  if (!(node instanceof InternalNode)) {
    if (!internalOnly) into.add(bytesToHex(root));
    return into;
  }
  into.add(bytesToHex(root));
  for (let s = 0; s < 16; s++) {
    const child = node.slot(s);
    if (child.kind === INTERNAL || (child.kind === LEAF && !internalOnly))
      reachable(store, child.hash, internalOnly, into);
  }
  return into;
}

export const internalNodes = (store: MemoryNodeStore, root: Uint8Array): Set<string> =>
  reachable(store, root, true);

/** A tree, its store, and the state it should hold, kept in step by apply(). */
export class Harness {
  readonly store = new MemoryNodeStore();
  readonly tree: StateTree;
  readonly state = new Map<string, Uint8Array>();
  root = EMPTY_ROOT;

  readonly #release: boolean;

  /** With `release` (the default) each update's replaced nodes leave the cache, as the node does. */
  constructor(cacheSize?: number, opts: { release?: boolean } = {}) {
    this.tree = new StateTree(this.store, { cacheSize });
    this.#release = opts.release ?? true;
  }

  async apply(changes: readonly StateTreeChange[]): Promise<Uint8Array> {
    const { root, nodes, replaced } = await this.tree.update(this.root, changes);
    this.store.put(nodes);
    if (this.#release) this.tree.release(replaced);
    for (const { key, value } of changes) {
      if (value) this.state.set(bytesToHex(key), value);
      else this.state.delete(bytesToHex(key));
    }
    this.root = root;
    return root;
  }

  entries(): Entry[] {
    return [...this.state].map(([key, value]) => [hexToBytes(key), value]);
  }
}

export function key(...bytes: number[]): Uint8Array {
  const out = new Uint8Array(32);
  out.set(bytes);
  return out;
}

/** Keys that often share long prefixes, mixed with uniformly random ones. */
export const keyArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.tuple(fc.nat(31), fc.nat(255), fc.nat(255)).map(([at, a, b]) => {
    const k = new Uint8Array(32);
    k[at] = a;
    k[31] = b;
    return k;
  }),
);

export const valueArb: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 40 });

/** Distinct keys with values. */
export const entriesArb = (maxLength: number): fc.Arbitrary<Entry[]> =>
  fc.uniqueArray(fc.tuple(keyArb, valueArb), { maxLength, selector: ([k]) => bytesToHex(k) });

/** The changes that turn nothing into `entries`. */
export function inserts(entries: readonly Entry[]): StateTreeChange[] {
  return entries.map(([key, value]) => ({ key, value }));
}
