// The committed state over a real LevelDB: what a commit leaves in the tree's node cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { u64ToBytes } from '../../core/bytes.ts';
import { sha256 } from '../../core/hash.ts';
import type { StateChange } from '../../state/stateDb.ts';
import { StateStore } from '../../state/stateStore.ts';
import { Database, WriteBatch } from '../../state/store/database.ts';
import { EMPTY_ROOT, verifyProof } from '../../state/tree/index.ts';

let dir: string;
let db: Database;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openchain-statestore-'));
  db = await Database.open(join(dir, 'db'));
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const KEYS = 300;
const key = (i: number) => u64ToBytes(BigInt(i % KEYS));
/** Every key, set to `n`. */
const all = (n: number): StateChange[] =>
  Array.from({ length: KEYS }, (_, i) => ({ key: key(i), value: u64ToBytes(BigInt(n)) }));
/** Block `n` rewrites 60 of the keys: every block supersedes most of the tree's internal nodes. */
const block = (n: number): StateChange[] =>
  Array.from({ length: 60 }, (_, i) => ({ key: key(n * 37 + i), value: u64ToBytes(BigInt(n)) }));

/** A value as plain bytes (LevelDB hands out Buffers). */
function read(state: StateStore, k: Uint8Array): Uint8Array | undefined {
  const value = state.get(k);
  return value && new Uint8Array(value);
}

async function commit(
  state: StateStore,
  root: Uint8Array,
  changes: readonly StateChange[],
): Promise<Uint8Array> {
  const prepared = await state.prepare(root, changes);
  const batch = new WriteBatch();
  state.write(batch, prepared);
  await db.write(batch);
  state.markCommitted(prepared);
  return prepared.root;
}

describe('StateStore', () => {
  it('reads the latest committed values, absent keys and deletes included, and again after a restart', async () => {
    const state = new StateStore(db, { cacheSize: 2 });
    expect(state.get(key(1))).toBeUndefined(); // cached as absent
    const root = await commit(state, EMPTY_ROOT, all(5));
    expect(read(state, key(1))).toEqual(u64ToBytes(5n));
    await commit(state, root, [
      { key: key(1), value: null },
      { key: key(2), value: u64ToBytes(6n) },
    ]);
    for (const reader of [state, new StateStore(db)]) {
      expect(reader.get(key(1))).toBeUndefined();
      expect(read(reader, key(2))).toEqual(u64ToBytes(6n));
      expect(read(reader, key(3))).toEqual(u64ToBytes(5n));
      expect(reader.get(key(1))).toBeUndefined();
    }
  });

  it("a commit drops the parent's superseded tree nodes from the cache, so it stays the size of the tree", async () => {
    const state = new StateStore(db);
    let root = await commit(state, EMPTY_ROOT, all(0));
    const treeSize = state.treeCachedNodes;
    expect(treeSize).toBeGreaterThan(10);
    for (let n = 1; n < 80; n++) {
      root = await commit(state, root, block(n));
      // The key set is fixed, so the tree's shape is too: its internal nodes, one version each (or a
      // few fewer: a node whose hash shares the cache's 30-bit key with another's displaces it).
      expect(state.treeCachedNodes).toBeLessThanOrEqual(treeSize);
      expect(state.treeCachedNodes).toBeGreaterThan(treeSize - 5);
    }
    expect(state.get(key(79 * 37))).toEqual(u64ToBytes(79n));
  });

  it('a discarded proposal drops nothing: the parent is still the tree the next one builds on', async () => {
    const state = new StateStore(db);
    const root = await commit(state, EMPTY_ROOT, all(0));
    const treeSize = state.treeCachedNodes;
    const discarded = await state.prepare(root, block(1));
    // The proposal's new nodes are cached (an update keeps what it creates), and nothing is dropped.
    expect(state.treeCachedNodes).toBe(treeSize + discarded.replaced.length);
    const next = await commit(state, root, block(2));
    expect(await state.getAt(next, key(2 * 37))).toEqual(u64ToBytes(2n));
    expect(await state.getAt(root, key(2 * 37))).toEqual(u64ToBytes(0n));
    // Proofs at the discarded proposal's parent still verify (its nodes are read back if need be).
    const proof = await state.prove(root, key(2 * 37));
    expect(verifyProof(root, sha256(key(2 * 37)), u64ToBytes(0n), proof)).toBe(true);
    expect(verifyProof(root, sha256(key(2 * 37)), u64ToBytes(2n), proof)).toBe(false);
  });
});
