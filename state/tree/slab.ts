// Memory for decoded internal nodes, carved from shared 64 KB slabs. V8 allocates a typed array over
// 64 bytes outside its heap, at about 2 µs each (measured here); a view of an existing buffer costs
// about 0.1 µs, and a batch of 1,000 changes creates some 2,000 nodes.
//
// A slab lives while any node in it does. The node cache copies a node into fresh memory whenever it
// keeps it for another generation (InternalNode.relocate), so no slab outlives the cache's two
// generations by more than that, however long some of its nodes stay hot.
const SLAB_SIZE = 1 << 16;

let slab = new Uint8Array(SLAB_SIZE);
let used = 0;

/** Zeroed memory: slabs are fresh and never reused. */
export function allocate(size: number): Uint8Array {
  if (size > SLAB_SIZE) return new Uint8Array(size);
  if (used + size > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  used += size;
  return slab.subarray(used - size, used);
}
