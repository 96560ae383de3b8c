// Ethereum's 2048-bit logs bloom (yellow paper, section 4.3.1): for the log's address and each
// topic, three 11-bit indices from keccak256 set bits in a 256-byte filter.
import { hexToBytes } from './bytes.ts';
import { keccak256 } from './hash.ts';

export const BLOOM_BYTES = 256;

export function emptyBloom(): Uint8Array {
  return new Uint8Array(BLOOM_BYTES);
}

export function addToBloom(bloom: Uint8Array, value: Uint8Array): void {
  setBits(bloom, bloomBitsOf(value));
}

/**
 * The three bit indices a value sets, packed (i0 + i1 * 2^11 + i2 * 2^22). A filter computes them
 * once per term and tests many blocks' blooms with `bloomHasBits`, rather than hashing per block.
 */
export function bloomBitsOf(value: Uint8Array): number {
  const h = keccak256(value);
  return (
    (((h[0]! << 8) | h[1]!) & 2047) +
    (((h[2]! << 8) | h[3]!) & 2047) * 2048 +
    (((h[4]! << 8) | h[5]!) & 2047) * 2048 * 2048
  );
}

// bloomBitsOf by the value's hex form, for building blooms. Logs repeat the same addresses and topics (a module's address, event signatures, recipients), and
// a keccak256 plus a validated hex parse per entry was most of the cost of a block's bloom (about
// 85 µs for an inference record's logs). Bounded, cleared when full; the bloom is the same either way.
const bitsByHex = new Map<string, number>();
const BITS_CACHE_ENTRIES = 16_384;

function bloomBits(hex: string): number {
  let bits = bitsByHex.get(hex);
  if (bits === undefined) {
    bits = bloomBitsOf(hexToBytes(hex));
    if (bitsByHex.size >= BITS_CACHE_ENTRIES) bitsByHex.clear();
    bitsByHex.set(hex, bits);
  }
  return bits;
}

function setBits(bloom: Uint8Array, packed: number): void {
  for (let k = 0; k < 3; k++) {
    const bit = packed % 2048;
    packed = (packed - bit) / 2048;
    bloom[BLOOM_BYTES - 1 - (bit >> 3)]! |= 1 << (bit & 7);
  }
}

export function bloomForLogs(logs: readonly { address: string; topics: readonly string[] }[]): Uint8Array {
  const bloom = emptyBloom();
  for (const log of logs) {
    setBits(bloom, bloomBits(log.address));
    for (const topic of log.topics) setBits(bloom, bloomBits(topic));
  }
  return bloom;
}

export function orBloom(into: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < BLOOM_BYTES; i++) into[i]! |= other[i]!;
}

/** Whether all three bits of a packed `bloomBitsOf` value are set. */
export function bloomHasBits(bloom: Uint8Array, packed: number): boolean {
  for (let k = 0; k < 3; k++) {
    const bit = packed % 2048;
    packed = (packed - bit) / 2048;
    if ((bloom[BLOOM_BYTES - 1 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

export function bloomMayContain(bloom: Uint8Array, value: Uint8Array): boolean {
  return bloomHasBits(bloom, bloomBitsOf(value));
}
