// Recent block hashes in the state, for modules that need randomness nobody could know in advance
// (the attribution module's proof of possession). Block H's end-of-block step records its parent's
// hash (block H-1) in a ring of BLOCK_HASH_RING slots, so the transactions of block H+1 can read
// the hashes of blocks H-255 … H-1. Each slot keeps the height it holds, so a read of an overwritten
// or not yet written height gets nothing rather than another block's hash.
import { u64ToBytes } from '../core/bytes.ts';
import { bytes, record, uint64 } from './codec/schema.ts';
import type { StateOverlay, StateReader } from './stateDb.ts';
import { StateSpace } from './stateKeys.ts';

/** Slots in the ring: how far back a block hash stays readable. */
export const BLOCK_HASH_RING = 256;

const slotRecord = record('block hash', { height: uint64, hash: bytes(32) });

function slotKey(height: number): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = StateSpace.blockHashes;
  key.set(u64ToBytes(BigInt(height % BLOCK_HASH_RING)), 1);
  return key;
}

/** Called at the end of block `height` with its parent's hash (nothing at height 1: genesis has no block hash here). */
export function recordParentHash(state: StateOverlay, height: number, parentHash: Uint8Array): void {
  if (height < 2) return;
  state.set(slotKey(height - 1), slotRecord.encode({ height: height - 1, hash: parentHash }));
}

/** The hash of block `height` if the state still holds it (recorded, and not yet overwritten). */
export function readBlockHash(state: StateReader, height: number): Uint8Array | undefined {
  if (!Number.isSafeInteger(height) || height < 1) return undefined;
  const bytes = state.get(slotKey(height));
  if (!bytes) return undefined;
  const slot = slotRecord.decode(bytes);
  return slot.height === height ? slot.hash : undefined;
}
