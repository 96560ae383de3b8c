// A deliberately naive reference for the state root, written straight from the spec in
// docs/state-tree.md and sharing no code with state/tree: a full 256-level binary tree computed
// recursively over the sorted entries, where a subtree holding one entry is that entry's leaf.
import { compareBytes, concatBytes } from '../../../core/bytes.ts';
import { sha256 } from '../../../core/hash.ts';

export type Entry = readonly [key: Uint8Array, value: Uint8Array];

function bit(key: Uint8Array, depth: number): number {
  return (key[Math.floor(depth / 8)]! >> (7 - (depth % 8))) & 1;
}

function subtreeHash(entries: readonly Entry[], depth: number): Uint8Array {
  if (entries.length === 0) return new Uint8Array(32);
  if (entries.length === 1) {
    const [key, value] = entries[0]!;
    return sha256(concatBytes(Uint8Array.of(0), key, sha256(value)));
  }
  const left = entries.filter(([key]) => bit(key, depth) === 0);
  const right = entries.filter(([key]) => bit(key, depth) === 1);
  return sha256(concatBytes(Uint8Array.of(1), subtreeHash(left, depth + 1), subtreeHash(right, depth + 1)));
}

export function referenceRoot(entries: Iterable<Entry>): Uint8Array {
  return subtreeHash(
    [...entries].sort((a, b) => compareBytes(a[0], b[0])),
    0,
  );
}
