import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../../core/bytes.ts';
import {
  ChunkTree,
  chunkCount,
  chunkLeafHash,
  splitChunks,
  verifyChunkPath,
} from '../../../../core/chunkTree.ts';

interface Vector {
  name: string;
  chunkSize: number;
  content: string;
  leaves: string[];
  root: string;
  paths: string[][];
}

const { vectors } = JSON.parse(
  readFileSync(new URL('./vectors/chunkTree.json', import.meta.url), 'utf8'),
) as {
  vectors: Vector[];
};

// An independent reference: RFC 6962's recursive definition (split at the largest power of two
// below n), with node:crypto, sharing no code with core/chunkTree.ts.
const h = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return new Uint8Array(hash.digest());
};
function referenceLeaf(index: number, chunk: Uint8Array): Uint8Array {
  const i = Buffer.alloc(8);
  i.writeBigUInt64BE(BigInt(index));
  return h(Uint8Array.of(0), i, chunk);
}
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h(Uint8Array.of(1), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('chunk tree vectors', () => {
  it.each(vectors)('$name', (v) => {
    const content = hexToBytes(v.content);
    const tree = new ChunkTree(content, v.chunkSize);
    const leaves = splitChunks(content, v.chunkSize).map((chunk, i) => chunkLeafHash(i, chunk));
    expect(leaves.map(bytesToHex)).toEqual(v.leaves);
    expect(bytesToHex(tree.root)).toBe(v.root);
    v.paths.forEach((path, i) => {
      expect(tree.path(i).map(bytesToHex)).toEqual(path);
      expect(verifyChunkPath(tree.root, i, leaves.length, leaves[i]!, path.map(hexToBytes))).toBe(true);
    });

    const reference = splitChunks(content, v.chunkSize).map((chunk, i) => referenceLeaf(i, chunk));
    expect(reference.map(bytesToHex)).toEqual(v.leaves);
    expect(bytesToHex(referenceRoot(reference))).toBe(v.root);
  });
});

const contentAndIndex = fc
  .record({
    content: fc.uint8Array({ minLength: 1, maxLength: 600 }),
    chunkSize: fc.integer({ min: 1, max: 64 }),
  })
  .chain(({ content, chunkSize }) =>
    fc.record({
      content: fc.constant(content),
      chunkSize: fc.constant(chunkSize),
      index: fc.integer({ min: 0, max: chunkCount(content.length, chunkSize) - 1 }),
    }),
  );

describe('chunk tree', () => {
  it('matches the RFC 6962 reference for any content and chunk size', () => {
    fc.assert(
      fc.property(contentAndIndex, ({ content, chunkSize }) => {
        const reference = splitChunks(content, chunkSize).map((chunk, i) => referenceLeaf(i, chunk));
        expect(bytesToHex(new ChunkTree(content, chunkSize).root)).toBe(bytesToHex(referenceRoot(reference)));
      }),
    );
  });

  it('accepts every genuine path and rejects any tampering', () => {
    fc.assert(
      fc.property(contentAndIndex, fc.nat(), ({ content, chunkSize, index }, seed) => {
        const tree = new ChunkTree(content, chunkSize);
        const n = tree.leafCount;
        const chunk = splitChunks(content, chunkSize)[index]!;
        const leaf = chunkLeafHash(index, chunk);
        const path = tree.path(index);
        expect(verifyChunkPath(tree.root, index, n, leaf, path)).toBe(true);

        const flipped = chunk.slice();
        flipped[seed % flipped.length]! ^= 1;
        expect(verifyChunkPath(tree.root, index, n, chunkLeafHash(index, flipped), path)).toBe(false);
        if (n > 1) {
          expect(verifyChunkPath(tree.root, (index + 1) % n, n, leaf, path)).toBe(false);
          const forged = path.map((p) => p.slice());
          forged[seed % forged.length]![seed % 32]! ^= 0x80;
          expect(verifyChunkPath(tree.root, index, n, leaf, forged)).toBe(false);
          expect(verifyChunkPath(tree.root, index, n, leaf, path.slice(0, -1))).toBe(false);
        }
        expect(verifyChunkPath(tree.root, index, n, leaf, [...path, tree.root])).toBe(false);
      }),
    );
  });

  it('binds the index into the leaf and separates leaves from inner nodes', () => {
    const chunk = Uint8Array.of(1, 2, 3);
    expect(bytesToHex(chunkLeafHash(0, chunk))).not.toBe(bytesToHex(chunkLeafHash(1, chunk)));
    // A two-chunk tree's root is not the leaf of the 64 bytes of its children's hashes.
    const tree = new ChunkTree(new Uint8Array(8).fill(7), 4);
    const children = splitChunks(new Uint8Array(8).fill(7), 4).map((c, i) => chunkLeafHash(i, c));
    expect(bytesToHex(tree.root)).not.toBe(bytesToHex(chunkLeafHash(0, Buffer.concat(children))));
  });

  it('refuses empty content and out-of-range indexes', () => {
    expect(() => new ChunkTree(new Uint8Array(0), 4)).toThrow(RangeError);
    const tree = new ChunkTree(Uint8Array.of(1, 2, 3, 4, 5), 2);
    expect(() => tree.path(3)).toThrow(RangeError);
    expect(verifyChunkPath(tree.root, 3, 3, new Uint8Array(32), [])).toBe(false);
    expect(verifyChunkPath(tree.root, -1, 3, new Uint8Array(32), [])).toBe(false);
  });
});

describe('chunk tree bounds', () => {
  it('refuses empty or fractional content sizes and chunk sizes below one byte, naming the value', () => {
    expect(() => chunkCount(0, 4)).toThrow(/content size must be a positive integer, got 0/);
    expect(() => chunkCount(2.5, 4)).toThrow(/content size must be a positive integer, got 2.5/);
    expect(() => chunkCount(10, 0)).toThrow(/chunk size must be positive, got 0/);
    expect(() => chunkCount(10, 1.5)).toThrow(/chunk size must be positive, got 1.5/);
    expect(chunkCount(10, 4)).toBe(3);
  });

  it('gives a path only for an index of one of its chunks', () => {
    const tree = new ChunkTree(new Uint8Array(16).fill(1), 4);
    for (const index of [-1, 4, 1.5, Number.NaN])
      expect(() => tree.path(index)).toThrow(`chunk index ${index} out of range (4 chunks)`);
    expect(tree.path(3)).toHaveLength(2);
  });
});
