import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChunkTree,
  chunkLeafHash,
  chunkNodeHash,
  splitChunks,
  verifyChunkPath,
} from '../../../../core/chunkTree.ts';
import { leafHash, nodeHash, ProofCache } from '../../../../state/modules/attribution/proofCache.ts';

/** A proof request against one of a few trees: genuine, or tampered in one of several ways. */
const request = fc.record({
  tree: fc.nat(2),
  index: fc.nat(),
  tamper: fc.constantFrom('none', 'none', 'chunk', 'sibling', 'drop', 'extra', 'index', 'leafCount'),
  at: fc.nat(),
});

describe('ProofCache', () => {
  it('hashes leaves and inner nodes exactly as core/chunkTree.ts does', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER)),
        fc.uint8Array({ maxLength: 600 }),
        (left, right, index, chunk) => {
          expect(nodeHash(left, right)).toEqual(chunkNodeHash(left, right));
          expect(leafHash(index, chunk)).toEqual(chunkLeafHash(index, chunk));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers exactly as verifyChunkPath, whatever it has cached', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 400 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(request, { minLength: 1, maxLength: 80 }),
        fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(1_000_000)),
        fc.boolean(),
        (contents, chunkSize, requests, capacity, oneRecord) => {
          const trees = contents.map((c) => ({
            tree: new ChunkTree(c, chunkSize),
            chunks: splitChunks(c, chunkSize),
          }));
          const cache = new ProofCache(capacity);
          // All requests as one record's proofs (capacity 0 then still shares nodes within it), or apart.
          const run = (check: () => void) => (oneRecord ? cache.record(check) : check());
          run(() => {
            for (const r of requests) {
              const { tree, chunks } = trees[r.tree]!;
              const n = tree.leafCount;
              let index = r.index % n;
              let chunk = chunks[index]!;
              let path = tree.path(index);
              let leafCount = n;
              if (r.tamper === 'chunk') {
                chunk = chunk.slice();
                chunk[r.at % chunk.length]! ^= 1;
              } else if (r.tamper === 'sibling' && path.length > 0) {
                path = path.map((p) => p.slice());
                path[r.at % path.length]![r.at % 32]! ^= 4;
              } else if (r.tamper === 'drop') {
                path = path.slice(1);
              } else if (r.tamper === 'extra') {
                path = [...path, tree.root];
              } else if (r.tamper === 'index') {
                index = (index + 1) % n;
              } else if (r.tamper === 'leafCount') {
                leafCount = n + 1 + (r.at % 3);
              }
              const expected = verifyChunkPath(
                tree.root,
                index,
                leafCount,
                chunkLeafHash(index, chunk),
                path,
              );
              expect(cache.verify(tree.root, index, leafCount, chunk, path)).toBe(expected);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('holds a proven tree once (its chunks and nodes), so trees that fit together are all kept', () => {
    // Kept whole paths per chunk (as before) counted each chunk's 7 siblings again: two such
    // trees then overflowed a cache the size of both and evicted each other in turn, which left
    // a steady cache slower than none.
    const trees = [1, 2].map((seed) => {
      const content = new Uint8Array(100 * 8).map((_, i) => (i * seed) % 251);
      return { tree: new ChunkTree(content, 8), chunks: splitChunks(content, 8) };
    });
    const prove = (cache: ProofCache, { tree, chunks }: (typeof trees)[number]) =>
      chunks.forEach((chunk, i) => {
        expect(cache.verify(tree.root, i, 100, chunk, tree.path(i))).toBe(true);
      });
    const alone = new ProofCache(1_000);
    prove(alone, trees[0]!);
    const one = alone.size;
    // 100 chunks and at most a node per place on its levels (100 + 50 + 25 + 13 + 7 + 4 + 2 + 1).
    expect(one).toBeGreaterThan(100);
    expect(one).toBeLessThanOrEqual(100 + 202);

    const both = new ProofCache(2 * one);
    for (let round = 0; round < 2; round++) for (const t of trees) prove(both, t);
    expect(both.size).toBe(2 * one);
    // One entry fewer and the least recently used tree goes, whole.
    const short = new ProofCache(2 * one - 1);
    for (const t of trees) prove(short, t);
    expect(short.size).toBe(one);
  });

  it('keeps copies, not views into the calldata it was given', () => {
    const content = new Uint8Array(64).map((_, i) => i);
    const tree = new ChunkTree(content, 8);
    const cache = new ProofCache(100);
    const path = tree.path(3).map((p) => p.slice());
    const chunk = content.slice(24, 32);
    expect(cache.verify(tree.root, 3, 8, chunk, path)).toBe(true);
    for (const p of path) p.fill(0);
    chunk.fill(0);
    expect(cache.verify(tree.root, 3, 8, content.subarray(24, 32), tree.path(3))).toBe(true);
    expect(cache.verify(tree.root, 3, 8, chunk, tree.path(3))).toBe(false);
  });
});
