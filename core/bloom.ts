// Ethereum's 2048-bit logs bloom (yellow paper, section 4.3.1): for the log's address and each
// topic, three 11-bit indices from keccak256 set bits in a 256-byte filter.
import { hexToBytes } from './bytes.ts';
import { keccak256 } from './hash.ts';

export const BLOOM_BYTES = 256;

export function emptyBloom(): Uint8Array {
  return new Uint8Array(BLOOM_BYTES);
}

export function addToBloom(bloom: Uint8Array, value: Uint8Array): void {
  const h = keccak256(value);
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
    bloom[BLOOM_BYTES - 1 - (bit >> 3)]! |= 1 << (bit & 7);
  }
}

export function bloomForLogs(logs: readonly { address: string; topics: readonly string[] }[]): Uint8Array {
  const bloom = emptyBloom();
  for (const log of logs) {
    addToBloom(bloom, hexToBytes(log.address));
    for (const topic of log.topics) addToBloom(bloom, hexToBytes(topic));
  }
  return bloom;
}

export function orBloom(into: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < BLOOM_BYTES; i++) into[i]! |= other[i]!;
}

export function bloomMayContain(bloom: Uint8Array, value: Uint8Array): boolean {
  const probe = emptyBloom();
  addToBloom(probe, value);
  for (let i = 0; i < BLOOM_BYTES; i++) if ((bloom[i]! & probe[i]!) !== probe[i]) return false;
  return true;
}
