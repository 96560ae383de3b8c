// Binary Merkle root over an ordered list of byte strings, as RFC 6962 (Certificate Transparency)
// defines it, with sha256: leaves and inner nodes are domain-separated so a leaf can never be
// passed off as an inner node, and an unbalanced list splits at the largest power of two.
// Used for the transaction and receipt roots in block headers.
import { sha256, sha256Concat } from './hash.ts';

const LEAF = Uint8Array.of(0);
const INNER = Uint8Array.of(1);
const EMPTY_ROOT = sha256(new Uint8Array(0));

export function merkleRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return EMPTY_ROOT;
  let level = items.map((item) => sha256Concat(LEAF, item));
  // Bottom-up pairing gives the same root as RFC 6962's largest-power-of-two split: a lone node at
  // the end of a level is carried up unchanged.
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(sha256Concat(INNER, level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}
