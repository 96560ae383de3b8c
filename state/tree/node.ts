// Decoded tree nodes and their storage records (docs/state-tree.md, "Storage").
//
// The commitment is a binary tree, but it is stored four binary levels at a time, as Jellyfish does:
// an internal node covers one nibble of the key and has 16 child slots. Per change that is about 4x
// fewer records to write, and to read on a cold cache, than one record per binary node. The hashes
// are still exactly the binary tree's: a node keeps the hash of every binary position inside it, so
// an update rehashes only the positions above the slots it changed (about one hash per binary level,
// as a binary tree would).
//
// Nodes are immutable: an update derives new nodes from old ones, which stay valid for old roots.
import { DecodeError } from '../../core/errors.ts';
import { HASH_LENGTH, internalHashOfPair, KEY_LENGTH, leafHash, valueHash } from './hash.ts';
import { allocate } from './slab.ts';

export const EMPTY = 0;
export const LEAF = 1;
export const INTERNAL = 2;
export type Kind = typeof EMPTY | typeof LEAF | typeof INTERNAL;

/** A leaf as its parent sees it: enough to hash, update and prove it without reading its record. */
export interface LeafRef {
  readonly kind: typeof LEAF;
  readonly key: Uint8Array;
  readonly valueHash: Uint8Array;
  readonly hash: Uint8Array;
}

interface InternalRef {
  readonly kind: typeof INTERNAL;
  readonly hash: Uint8Array;
}

export type Subtree = { readonly kind: typeof EMPTY } | LeafRef | InternalRef;

export const EMPTY_SUBTREE: Subtree = { kind: EMPTY };

const LEAF_RECORD = 0x00;
const INTERNAL_RECORD = 0x01;
const RECORD_HEADER = 5; // tag, child mask (u16), leaf mask (u16)

function leafRef(key: Uint8Array, valueHash: Uint8Array): LeafRef {
  return { kind: LEAF, key, valueHash, hash: leafHash(key, valueHash) };
}

/** Record: 0x00 || key || value. It holds the value itself so old roots can still be read. */
export class LeafNode {
  readonly value: Uint8Array;
  readonly ref: LeafRef;

  constructor(key: Uint8Array, value: Uint8Array) {
    this.value = value;
    this.ref = leafRef(key, valueHash(value));
  }

  get key(): Uint8Array {
    return this.ref.key;
  }

  get hash(): Uint8Array {
    return this.ref.hash;
  }

  get encodedLength(): number {
    return 1 + KEY_LENGTH + this.value.length;
  }

  /** Writes the record into out[offset, offset + encodedLength). */
  encodeInto(out: Uint8Array, offset: number): void {
    out[offset] = LEAF_RECORD;
    out.set(this.key, offset + 1);
    out.set(this.value, offset + 1 + KEY_LENGTH);
  }

  static decode(record: Uint8Array): LeafNode {
    if (record.length < 1 + KEY_LENGTH) throw new DecodeError('leaf record is too short');
    const bytes = new Uint8Array(record); // a private copy: a Buffer's slice() would be a view
    return new LeafNode(bytes.subarray(1, 1 + KEY_LENGTH), bytes.subarray(1 + KEY_LENGTH));
  }
}

const SLOTS = 16;
/** Heap position of slot 0. */
export const FIRST_SLOT = 16;
const LEAF_ENTRY = KEY_LENGTH + HASH_LENGTH;
/** Where an internal node's leaf entries start: after the hashes of positions 1..31. */
const LEAVES_OFFSET = (2 * SLOTS - 1) * HASH_LENGTH;

function positionOffset(position: number): number {
  return (position - 1) * HASH_LENGTH;
}

// The positions above each slot, as a bit mask: the ones to rehash when the slot changes.
const PATH_MASK = Array.from({ length: SLOTS }, (_, slot) => {
  let mask = 0;
  for (let p = (FIRST_SLOT + slot) >> 1; p >= 1; p >>= 1) mask |= 1 << p;
  return mask;
});

/**
 * Record: 0x01 || childMask (u16, big-endian) || leafMask (u16) || one entry per non-empty slot in
 * slot order, key || valueHash (64 bytes) for a leaf and hash (32 bytes) for an internal node. Bit s
 * (value 1 << s) of a mask stands for slot s.
 *
 * A decoded node is one byte buffer and two masks, not a graph of small objects: the cache holds
 * up to hundreds of thousands of nodes, and V8's garbage collector pays per object, not per byte.
 */
export class InternalNode {
  // #data holds the hash of every binary position of the node, in heap order: 1 is the node itself,
  // 2p and 2p + 1 are the halves of p, and 16..31 are the slots; position p is at 32 * (p - 1), so a
  // sibling pair is 64 contiguous bytes, exactly the preimage of their parent after the tag byte.
  // Then comes key || valueHash of each leaf slot, in slot order. Positions are bits of #present
  // (not empty) and #single (exactly one leaf below, so the position is that leaf).
  readonly #data: Uint8Array;
  #present: number;
  #single: number;
  /** A view into the node's memory; copy it before handing it out. */
  readonly hash: Uint8Array;

  private constructor(data: Uint8Array, present: number, single: number) {
    this.#data = data;
    this.#present = present;
    this.#single = single;
    this.hash = data.subarray(0, HASH_LENGTH);
  }

  /**
   * `base` (or an empty node) with the given slots replaced, rehashed above them. It may have
   * collapsed to a single leaf or to nothing: see asSubtree().
   */
  static derive(
    base: InternalNode | null,
    slots: readonly number[],
    children: readonly Subtree[],
  ): InternalNode {
    let present = base ? base.#present : 0;
    let single = base ? base.#single : 0;
    let dirty = 0;
    const changed: (Subtree | undefined)[] = new Array(SLOTS);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const child = children[i]!;
      const bit = 1 << (FIRST_SLOT + slot);
      present = child.kind === EMPTY ? present & ~bit : present | bit;
      single = child.kind === LEAF ? single | bit : single & ~bit;
      dirty |= PATH_MASK[slot]!;
      changed[slot] = child;
    }
    const leafMask = single >>> FIRST_SLOT;
    const data = allocate(LEAVES_OFFSET + LEAF_ENTRY * popcount(leafMask));
    if (base) data.set(base.#data.subarray(0, LEAVES_OFFSET));
    let entry = LEAVES_OFFSET;
    for (let slot = 0; slot < SLOTS; slot++) {
      const child = changed[slot];
      if (child) {
        const at = positionOffset(FIRST_SLOT + slot);
        if (child.kind === EMPTY) data.fill(0, at, at + HASH_LENGTH);
        else data.set(child.hash, at);
      }
      if (!((leafMask >> slot) & 1)) continue;
      if (child?.kind === LEAF) {
        data.set(child.key, entry);
        data.set(child.valueHash, entry + KEY_LENGTH);
      } else {
        data.set(base!.#leafEntry(slot), entry);
      }
      entry += LEAF_ENTRY;
    }
    const node = new InternalNode(data, present, single);
    node.#rehash(dirty);
    return node;
  }

  /** The same node in fresh memory, so that keeping it does not keep its whole slab alive. */
  relocate(): InternalNode {
    const data = allocate(this.#data.length);
    data.set(this.#data);
    return new InternalNode(data, this.#present, this.#single);
  }

  /**
   * Recomputes the given positions bottom-up. A position with nothing below it is empty, one with a
   * single leaf below it is that leaf (the compression rule), and any other is the internal hash of
   * its two halves.
   */
  #rehash(dirty: number): void {
    const data = this.#data;
    for (let p = FIRST_SLOT - 1; p >= 1; p--) {
      if (!((dirty >> p) & 1)) continue;
      const left = this.kind(2 * p);
      const right = this.kind(2 * p + 1);
      const bit = 1 << p;
      if ((left === EMPTY && right !== INTERNAL) || (right === EMPTY && left !== INTERNAL)) {
        const from = left === EMPTY ? 2 * p + 1 : 2 * p;
        data.copyWithin(positionOffset(p), positionOffset(from), positionOffset(from) + HASH_LENGTH);
        this.#present = (this.#present & ~bit) | (((this.#present >> from) & 1) << p);
        this.#single = (this.#single & ~bit) | (((this.#single >> from) & 1) << p);
      } else {
        const pair = positionOffset(2 * p);
        data.set(internalHashOfPair(data.subarray(pair, pair + 2 * HASH_LENGTH)), positionOffset(p));
        this.#present |= bit;
        this.#single &= ~bit;
      }
    }
  }

  kind(position: number): Kind {
    if (!((this.#present >> position) & 1)) return EMPTY;
    return (this.#single >> position) & 1 ? LEAF : INTERNAL;
  }

  /** A view of the hash at a position; callers that hand it out must copy it. */
  positionHash(position: number): Uint8Array {
    const at = positionOffset(position);
    return this.#data.subarray(at, at + HASH_LENGTH);
  }

  slot(slot: number): Subtree {
    const position = FIRST_SLOT + slot;
    switch (this.kind(position)) {
      case EMPTY:
        return EMPTY_SUBTREE;
      case INTERNAL:
        return { kind: INTERNAL, hash: this.positionHash(position) };
      default: {
        const entry = this.#leafEntry(slot);
        return {
          kind: LEAF,
          key: entry.subarray(0, KEY_LENGTH),
          valueHash: entry.subarray(KEY_LENGTH),
          hash: this.positionHash(position),
        };
      }
    }
  }

  /** key || valueHash of a leaf slot. */
  #leafEntry(slot: number): Uint8Array {
    const at = LEAVES_OFFSET + LEAF_ENTRY * popcount((this.#single >>> FIRST_SLOT) & ((1 << slot) - 1));
    return this.#data.subarray(at, at + LEAF_ENTRY);
  }

  /** The single leaf at or below a position whose kind is LEAF. */
  leafAt(position: number): LeafRef {
    let p = position;
    while (p < FIRST_SLOT) p = (this.#present >> (2 * p)) & 1 ? 2 * p : 2 * p + 1;
    return this.slot(p - FIRST_SLOT) as LeafRef;
  }

  /** The node as its parent must reference it: nothing, its only leaf (compression), or itself. */
  asSubtree(): Subtree {
    switch (this.kind(1)) {
      case EMPTY:
        return EMPTY_SUBTREE;
      case LEAF:
        return this.leafAt(1);
      default:
        return { kind: INTERNAL, hash: this.hash };
    }
  }

  get encodedLength(): number {
    return (
      RECORD_HEADER +
      HASH_LENGTH * (popcount(this.#present >>> FIRST_SLOT) + popcount(this.#single >>> FIRST_SLOT))
    );
  }

  /** Writes the record into out[offset, offset + encodedLength). */
  encodeInto(out: Uint8Array, offset: number): void {
    const childMask = this.#present >>> FIRST_SLOT;
    const leafMask = this.#single >>> FIRST_SLOT;
    out[offset] = INTERNAL_RECORD;
    out[offset + 1] = childMask >> 8;
    out[offset + 2] = childMask & 0xff;
    out[offset + 3] = leafMask >> 8;
    out[offset + 4] = leafMask & 0xff;
    let at = offset + RECORD_HEADER;
    let entry = LEAVES_OFFSET;
    for (let slot = 0; slot < SLOTS; slot++) {
      if ((leafMask >> slot) & 1) {
        out.set(this.#data.subarray(entry, entry + LEAF_ENTRY), at);
        entry += LEAF_ENTRY;
        at += LEAF_ENTRY;
      } else if ((childMask >> slot) & 1) {
        out.set(this.positionHash(FIRST_SLOT + slot), at);
        at += HASH_LENGTH;
      }
    }
  }

  /** Decodes and hashes a record; rejects every encoding the tree would never write. */
  static decode(record: Uint8Array): InternalNode {
    if (record.length < RECORD_HEADER || record[0] !== INTERNAL_RECORD) {
      throw new DecodeError('not an internal node record');
    }
    const childMask = (record[1]! << 8) | record[2]!;
    const leafMask = (record[3]! << 8) | record[4]!;
    if (childMask === 0) throw new DecodeError('internal node has no children');
    if (leafMask & ~childMask) throw new DecodeError('internal node marks an empty slot as a leaf');
    if ((childMask & (childMask - 1)) === 0 && leafMask === childMask) {
      throw new DecodeError('internal node holds a single leaf, which belongs in its parent');
    }
    if (record.length !== RECORD_HEADER + HASH_LENGTH * (popcount(childMask) + popcount(leafMask))) {
      throw new DecodeError('internal node record has the wrong length');
    }
    // derive() copies every entry into the node, so these views of the record do not outlive it.
    const slots: number[] = [];
    const children: Subtree[] = [];
    let offset = RECORD_HEADER;
    for (let slot = 0; slot < SLOTS; slot++) {
      if (!((childMask >> slot) & 1)) continue;
      slots.push(slot);
      if ((leafMask >> slot) & 1) {
        const key = record.subarray(offset, offset + KEY_LENGTH);
        children.push(leafRef(key, record.subarray(offset + KEY_LENGTH, offset + LEAF_ENTRY)));
        offset += LEAF_ENTRY;
      } else {
        children.push({ kind: INTERNAL, hash: record.subarray(offset, offset + HASH_LENGTH) });
        offset += HASH_LENGTH;
      }
    }
    return InternalNode.derive(null, slots, children);
  }
}

function popcount(mask: number): number {
  let count = 0;
  for (let m = mask; m; m &= m - 1) count++;
  return count;
}

export type Node = LeafNode | InternalNode;

export function decodeNode(record: Uint8Array): Node {
  switch (record[0]) {
    case LEAF_RECORD:
      return LeafNode.decode(record);
    case INTERNAL_RECORD:
      return InternalNode.decode(record);
    default:
      throw new DecodeError('unknown tree node record tag');
  }
}
