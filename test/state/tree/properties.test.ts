// Property tests: the root is a function of the final key/value set alone, and equals the naive
// reference, whatever the order, batching, deletes and cache size that produced it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../core/bytes.ts';
import type { StateTreeChange } from '../../../state/tree/index.ts';
import { entriesArb, Harness, inserts, internalNodes, keyArb, valueArb } from './helpers.ts';
import { referenceRoot } from './reference.ts';

/** The last change to each key, in first-seen order: what one batch may hold. */
function lastPerKey(changes: readonly StateTreeChange[]): StateTreeChange[] {
  const byKey = new Map<string, StateTreeChange>();
  for (const change of changes) {
    byKey.delete(bytesToHex(change.key));
    byKey.set(bytesToHex(change.key), change);
  }
  return [...byKey.values()];
}

/** Operations on a small key pool, so that keys are overwritten and deleted often. */
const opsArb = fc
  .uniqueArray(keyArb, { minLength: 1, maxLength: 24, selector: bytesToHex })
  .chain((pool) =>
    fc.array(
      fc.record({ key: fc.constantFrom(...pool), value: fc.option(valueArb, { nil: null, freq: 3 }) }),
      { maxLength: 80 },
    ),
  );

describe('state tree properties', () => {
  it('the root equals the naive reference for random sets', async () => {
    await fc.assert(
      fc.asyncProperty(entriesArb(60), async (entries) => {
        const h = new Harness();
        expect(await h.apply(inserts(entries))).toEqual(referenceRoot(entries));
      }),
      { numRuns: 150 },
    );
  });

  it('the root does not depend on insertion order or batch boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(
        entriesArb(40).chain((entries) =>
          fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length })),
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        async ([entries, shuffled], cuts) => {
          const once = new Harness();
          await once.apply(inserts(entries));
          const split = new Harness();
          const bounds = [...new Set(cuts.map((c) => c % (shuffled.length + 1)))].sort((a, b) => a - b);
          let start = 0;
          for (const end of [...bounds, shuffled.length]) {
            await split.apply(inserts(shuffled.slice(start, end)));
            start = end;
          }
          expect(split.root).toEqual(once.root);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('any sequence of sets and deletes, in any batches, ends at the reference root', async () => {
    await fc.assert(
      fc.asyncProperty(
        opsArb,
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1 }),
        async (ops, sizes) => {
          const h = new Harness();
          let i = 0;
          for (let b = 0; i < ops.length; b++) {
            const size = sizes[b % sizes.length]!;
            await h.apply(lastPerKey(ops.slice(i, i + size)));
            i += size;
          }
          expect(h.root).toEqual(referenceRoot(h.entries()));
          // The same final state, written in one batch into a fresh tree.
          const fresh = new Harness();
          await fresh.apply(inserts(h.entries()));
          expect(fresh.root).toEqual(h.root);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("an update's replaced nodes are exactly the old root's internal nodes the new root lacks", async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const h = new Harness();
        for (let i = 0; i < ops.length; i += 7) {
          const before = internalNodes(h.store, h.root);
          const { root, nodes, replaced } = await h.tree.update(h.root, lastPerKey(ops.slice(i, i + 7)));
          h.store.put(nodes);
          const after = internalNodes(h.store, root);
          const gone = new Set([...before].filter((hash) => !after.has(hash)));
          expect(new Set(replaced.map(bytesToHex))).toEqual(gone);
          expect(replaced).toHaveLength(gone.size);
          h.root = root;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('neither a tiny cache nor releasing replaced nodes changes a root or a read, at old roots too', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const big = new Harness(undefined, { release: false });
        const tiny = new Harness(1);
        const roots: Uint8Array[] = [];
        for (let i = 0; i < ops.length; i += 7) {
          const batch = lastPerKey(ops.slice(i, i + 7));
          roots.push(await big.apply(batch));
          expect(await tiny.apply(batch)).toEqual(big.root);
        }
        for (const root of roots) {
          for (const { key } of ops)
            expect(await tiny.tree.get(root, key)).toEqual(await big.tree.get(root, key));
        }
      }),
      { numRuns: 60 },
    );
  });
});
