// The binary Merkle root of core/merkle.ts against RFC 6962 section 2.1, written out here
// independently (recursive, split at the largest power of two below n, node:crypto sha256), and
// against the Certificate Transparency reference roots.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes } from '../../core/bytes.ts';
import { merkleRoot } from '../../core/merkle.ts';
import { hexOf, sha256Node } from './helpers.ts';

/** MTH(D[n]) exactly as RFC 6962 section 2.1 defines it. */
function rfc6962Root(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return sha256Node();
  if (n === 1) return sha256Node(Uint8Array.of(0), leaves[0]!);
  let k = 1;
  while (k * 2 < n) k *= 2; // the largest power of two smaller than n
  return sha256Node(Uint8Array.of(1), rfc6962Root(leaves.slice(0, k)), rfc6962Root(leaves.slice(k)));
}

// Certificate Transparency's reference leaves and the tree head for each size 0..8
// (transparency-dev/merkle testonly, also in certificate-transparency-go).
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hexOf);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const leafHash = (d: Uint8Array) => sha256Node(Uint8Array.of(0), d);
const node = (l: Uint8Array, r: Uint8Array) => sha256Node(Uint8Array.of(1), l, r);

describe('merkleRoot', () => {
  it('has the Certificate Transparency root for every size 0..8', () => {
    for (let n = 0; n <= CT_LEAVES.length; n++) {
      expect(bytesToHex(merkleRoot(CT_LEAVES.slice(0, n))), `size ${n}`).toBe(`0x${CT_ROOTS[n]}`);
      expect(bytesToHex(rfc6962Root(CT_LEAVES.slice(0, n))), `reference, size ${n}`).toBe(`0x${CT_ROOTS[n]}`);
    }
  });

  // The shapes written out by hand: the split is at the largest power of two, not the midpoint.
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((s) => new TextEncoder().encode(s)) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  it.each<[number, Uint8Array[], Uint8Array]>([
    [0, [], sha256Node()],
    [1, [a], leafHash(a)],
    [2, [a, b], node(leafHash(a), leafHash(b))],
    [3, [a, b, c], node(node(leafHash(a), leafHash(b)), leafHash(c))],
    [
      5,
      [a, b, c, d, e],
      node(node(node(leafHash(a), leafHash(b)), node(leafHash(c), leafHash(d))), leafHash(e)),
    ],
  ])('%i leaves', (n, leaves, expected) => {
    expect(leaves).toHaveLength(n);
    expect(bytesToHex(merkleRoot(leaves))).toBe(bytesToHex(expected));
    expect(bytesToHex(rfc6962Root(leaves))).toBe(bytesToHex(expected));
  });

  it('equals the recursive definition for random lists of up to 70 leaves', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 70 }), (leaves) => {
        expect(bytesToHex(merkleRoot(leaves))).toBe(bytesToHex(rfc6962Root(leaves)));
      }),
      { numRuns: 200 },
    );
  });

  it('separates leaves from inner nodes and depends on order', () => {
    // A single leaf holding the two child hashes must not collide with the two-leaf tree.
    expect(bytesToHex(merkleRoot([concatBytes(leafHash(a), leafHash(b))]))).not.toBe(
      bytesToHex(merkleRoot([a, b])),
    );
    expect(bytesToHex(merkleRoot([b, a]))).not.toBe(bytesToHex(merkleRoot([a, b])));
    // Duplicating the last leaf (Bitcoin's rule) must change the root.
    expect(bytesToHex(merkleRoot([a, b, c, c]))).not.toBe(bytesToHex(merkleRoot([a, b, c])));
  });
});
