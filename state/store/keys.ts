// Key layout of the node database. The first byte of every key names its bucket, so each kind of
// record lives in its own contiguous key range (lodestar's db/buckets.ts is the model). Heights are
// 8-byte big-endian so that byte order equals numeric order for range scans.
import { concatBytes, type Hex, hexToBytes, utf8ToBytes } from '../../core/bytes.ts';

export const Bucket = {
  /** Singletons: head height, genesis hash. Keyed by name. */
  meta: 0x00,
  /** height → encoded header */
  header: 0x01,
  /** block hash → height */
  blockHash: 0x02,
  /** height → RLP([lastCommit, evidence]) */
  blockExtra: 0x03,
  /** height ‖ index → raw transaction */
  tx: 0x04,
  /** height ‖ index → stored receipt (receipt plus sender, fee and failure reason) */
  receipt: 0x05,
  /** tx hash → height ‖ index */
  txLocation: 0x06,
  /** height → the commit certificate this node holds for the block at that height */
  commit: 0x07,
  /** height → RLP list of the events its end-of-block step emitted (logs with no transaction) */
  blockEvents: 0x08,
  /** state-tree node hash → encoded node (content-addressed; never deleted) */
  treeNode: 0x10,
  /** state key → value at the head (flat copy of the tree's leaves, for fast reads) */
  stateLatest: 0x11,
  /** consensus-private records (WAL positions, evidence pool) */
  consensus: 0x20,
} as const;

function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
}

/**
 * A safe integer as u64 big-endian, in two 32-bit halves: without a DataView and a BigInt per
 * call, since every transaction of a block writes three of these (two keys and a location).
 */
function writeU64(out: Uint8Array, at: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`a height must be a non-negative safe integer, got ${value}`);
  writeU32(out, at, Math.floor(value / 0x1_0000_0000));
  writeU32(out, at + 4, value >>> 0);
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  writeU64(out, 0, n);
  return out;
}

const prefix = (bucket: number) => Uint8Array.of(bucket);

/** u64 height ‖ u32 index written at `at`: a transaction's position, in its keys and its location. */
function writePosition(out: Uint8Array, at: number, height: number, index: number): Uint8Array {
  writeU64(out, at, height);
  writeU32(out, at + 8, index);
  return out;
}

/** bucket ‖ u64 height ‖ u32 index, written in place (the per-transaction keys of every block). */
function positionKey(bucket: number, height: number, index: number): Uint8Array {
  const out = new Uint8Array(13);
  out[0] = bucket;
  return writePosition(out, 1, height, index);
}

/** bucket ‖ 32-byte hash in one array (a block's or a transaction's lookup key). */
function hashKey(bucket: number, hash: Hex): Uint8Array {
  const out = new Uint8Array(33);
  out[0] = bucket;
  out.set(hexToBytes(hash), 1);
  return out;
}

export const keys = {
  meta: (name: string) => concatBytes(prefix(Bucket.meta), utf8ToBytes(name)),
  header: (height: number) => concatBytes(prefix(Bucket.header), u64(height)),
  blockHash: (hash: Hex) => hashKey(Bucket.blockHash, hash),
  blockExtra: (height: number) => concatBytes(prefix(Bucket.blockExtra), u64(height)),
  tx: (height: number, index: number) => positionKey(Bucket.tx, height, index),
  receipt: (height: number, index: number) => positionKey(Bucket.receipt, height, index),
  txLocation: (hash: Hex) => hashKey(Bucket.txLocation, hash),
  commit: (height: number) => concatBytes(prefix(Bucket.commit), u64(height)),
  blockEvents: (height: number) => concatBytes(prefix(Bucket.blockEvents), u64(height)),
  treeNode: (hash: Uint8Array) => concatBytes(prefix(Bucket.treeNode), hash),
  stateLatest: (stateKey: Uint8Array) => concatBytes(prefix(Bucket.stateLatest), stateKey),
  consensus: (name: string) => concatBytes(prefix(Bucket.consensus), utf8ToBytes(name)),
};

/** [gte, lt) covering every key of a bucket with the given height (tx, receipt buckets). */
export function heightRange(bucket: number, height: number): [Uint8Array, Uint8Array] {
  return [concatBytes(prefix(bucket), u64(height)), concatBytes(prefix(bucket), u64(height + 1))];
}

export function encodeLocation(height: number, index: number): Uint8Array {
  return writePosition(new Uint8Array(12), 0, height, index);
}

export function decodeLocation(bytes: Uint8Array): { height: number; index: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { height: Number(view.getBigUint64(0)), index: view.getUint32(8) };
}

export function encodeHeight(height: number): Uint8Array {
  return u64(height);
}

export function decodeHeight(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0));
}
