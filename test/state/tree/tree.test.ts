import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes, u64ToBytes } from '../../../core/bytes.ts';
import { sha256 } from '../../../core/hash.ts';
import {
  CorruptNodeError,
  EMPTY_ROOT,
  MissingNodeError,
  StateTree,
  verifyProof,
} from '../../../state/tree/index.ts';
import { Harness, internalNodes, key, MemoryNodeStore, reachable } from './helpers.ts';
import { referenceRoot } from './reference.ts';

const A = key(0x00);
const B = key(0x80);
const C = key(0x81);
const v = (n: number) => Uint8Array.of(n);
const k = (n: number) => sha256(u64ToBytes(n));

describe('StateTree', () => {
  it('starts empty: zero root, nothing stored, every key absent', async () => {
    const h = new Harness();
    expect(h.root).toEqual(new Uint8Array(32));
    expect(await h.tree.get(EMPTY_ROOT, A)).toBeUndefined();
    const proof = await h.tree.prove(EMPTY_ROOT, A);
    expect(proof).toEqual({ siblings: [], leaf: null });
    expect(verifyProof(EMPTY_ROOT, A, undefined, proof)).toBe(true);
  });

  it('a single key is the root leaf and its only record', async () => {
    const h = new Harness();
    const { root, nodes } = await h.tree.update(EMPTY_ROOT, [{ key: A, value: v(7) }]);
    expect(root).toEqual(sha256(concatBytes(v(0), A, sha256(v(7)))));
    expect(nodes).toEqual([[root, concatBytes(v(0), A, v(7))]]);
  });

  it('reads, overwrites and deletes', async () => {
    const h = new Harness();
    await h.apply([
      { key: A, value: v(1) },
      { key: B, value: v(2) },
    ]);
    expect(await h.tree.get(h.root, A)).toEqual(v(1));
    expect(await h.tree.get(h.root, C)).toBeUndefined();
    await h.apply([
      { key: A, value: v(3) },
      { key: C, value: v(4) },
    ]);
    expect(await h.tree.get(h.root, A)).toEqual(v(3));
    expect(await h.tree.get(h.root, C)).toEqual(v(4));
    await h.apply([{ key: B, value: null }]);
    expect(await h.tree.get(h.root, B)).toBeUndefined();
    expect(h.root).toEqual(referenceRoot(h.entries()));
  });

  it('collapses back to the lone leaf when a delete leaves one key', async () => {
    const h = new Harness();
    await h.apply([
      { key: B, value: v(1) },
      { key: C, value: v(2) },
    ]);
    await h.apply([{ key: C, value: null }]);
    expect(h.root).toEqual(sha256(concatBytes(v(0), B, sha256(v(1)))));
    await h.apply([{ key: B, value: null }]);
    expect(h.root).toEqual(EMPTY_ROOT);
  });

  it('no-op changes keep the root and write nothing', async () => {
    const h = new Harness();
    await h.apply([
      { key: A, value: v(1) },
      { key: B, value: v(2) },
    ]);
    const { root, nodes } = await h.tree.update(h.root, [
      { key: A, value: v(1) },
      { key: C, value: null },
    ]);
    expect(root).toEqual(h.root);
    expect(nodes).toEqual([]);
  });

  it('returns exactly the records the new root has and the old one lacks', async () => {
    const h = new Harness();
    await h.apply(Array.from({ length: 300 }, (_, i) => ({ key: k(i), value: v(i) })));
    const before = reachable(h.store, h.root);
    const changes = Array.from({ length: 60 }, (_, i) => ({ key: k(i * 5), value: i % 3 ? v(i) : null }));
    const { root, nodes } = await h.tree.update(h.root, changes);
    h.store.put(nodes);
    const fresh = [...reachable(h.store, root)].filter((hash) => !before.has(hash));
    expect(nodes.map(([hash]) => bytesToHex(hash)).sort()).toEqual(fresh.sort());
  });

  it('keeps every historical root readable', async () => {
    const h = new Harness(4);
    const history: { root: Uint8Array; value: Uint8Array | undefined }[] = [];
    for (let i = 0; i < 20; i++) {
      await h.apply([
        { key: A, value: i % 4 === 3 ? null : v(i) },
        { key: k(i), value: v(i) },
      ]);
      history.push({ root: h.root, value: i % 4 === 3 ? undefined : v(i) });
    }
    for (const { root, value } of history) {
      expect(await h.tree.get(root, A)).toEqual(value);
      expect(verifyProof(root, A, value, await h.tree.prove(root, A))).toBe(true);
    }
  });

  it('releasing replaced nodes bounds the cache by the current tree, however many updates pass', async () => {
    // A small state rewritten block after block, as a busy chain with few accounts is: each update
    // supersedes most internal nodes. Without release the cache fills with the old versions up to
    // its budget; with it, it holds the current tree's internal nodes and no more.
    const released = new Harness(10_000);
    const kept = new Harness(10_000, { release: false });
    for (let block = 0; block < 150; block++) {
      const changes = Array.from({ length: 40 }, (_, i) => ({
        key: k((block * 7 + i) % 400),
        value: v(block),
      }));
      await released.apply(changes);
      await kept.apply(changes);
      expect(released.tree.cachedNodes).toBe(internalNodes(released.store, released.root).size);
    }
    expect(kept.root).toEqual(released.root);
    expect(kept.tree.cachedNodes).toBeGreaterThan(10 * released.tree.cachedNodes);
  });

  it('rejects duplicate keys in one batch and keys that are not 32 bytes', async () => {
    const tree = new StateTree(new MemoryNodeStore());
    await expect(
      tree.update(EMPTY_ROOT, [
        { key: A, value: v(1) },
        { key: A, value: null },
      ]),
    ).rejects.toThrow(RangeError);
    await expect(tree.update(EMPTY_ROOT, [{ key: new Uint8Array(31), value: v(1) }])).rejects.toThrow(
      RangeError,
    );
    await expect(tree.get(EMPTY_ROOT, new Uint8Array(33))).rejects.toThrow(RangeError);
  });

  it('names what is wrong with a malformed root, key or value, and changes nothing', async () => {
    const h = new Harness();
    await h.apply([{ key: A, value: v(1) }]);
    const before = h.store.records.size;
    const badKey = /^state tree keys are 32 bytes$/;
    await expect(h.tree.update(h.root, [{ key: A, value: 'x' as never }])).rejects.toThrow(
      new TypeError('a value is bytes or null'),
    );
    await expect(h.tree.update(h.root, [{ key: [...A] as never, value: v(1) }])).rejects.toThrow(badKey);
    await expect(h.tree.prove(h.root, new Uint8Array(33))).rejects.toThrow(badKey);
    await expect(h.tree.get(h.root, A.subarray(1))).rejects.toThrow(badKey);
    for (const root of [new Uint8Array(31), [...h.root]]) {
      await expect(h.tree.get(root as Uint8Array, A)).rejects.toThrow(/^state root must be 32 bytes$/);
      await expect(h.tree.update(root as Uint8Array, [{ key: B, value: v(2) }])).rejects.toThrow(RangeError);
    }
    await expect(
      h.tree.update(h.root, [
        { key: A, value: v(1) },
        { key: A, value: v(2) },
      ]),
    ).rejects.toThrow(`duplicate key ${bytesToHex(A)} in one state tree update`);
    expect(h.store.records.size).toBe(before);
    expect(await h.tree.get(h.root, A)).toEqual(v(1));
  });

  it('an empty batch returns a copy of the root it was given', async () => {
    const h = new Harness();
    await h.apply([{ key: A, value: v(1) }]);
    const result = await h.tree.update(h.root, []);
    expect(result).toEqual({ root: h.root, nodes: [], replaced: [] });
    expect(result.root).not.toBe(h.root);
  });

  it('a root that is a lone leaf answers reads and proofs for its key and others', async () => {
    const h = new Harness();
    await h.apply([{ key: B, value: v(5) }]);
    expect(await h.tree.get(h.root, B)).toEqual(v(5));
    expect(await h.tree.get(h.root, C)).toBeUndefined();
    const proof = await h.tree.prove(h.root, C);
    expect(proof).toEqual({ siblings: [], leaf: { key: B, valueHash: sha256(v(5)) } });
    expect(verifyProof(h.root, C, undefined, proof)).toBe(true);
  });

  it('does not depend on the caller keeping its arrays intact', async () => {
    const h = new Harness();
    const callerKey = B.slice();
    const changes = [
      { key: callerKey, value: v(1) },
      { key: A, value: v(2) },
    ];
    await h.apply(changes);
    expect(changes[0]!.key).toBe(callerKey);
    callerKey.fill(0xff);
    await h.apply([{ key: C, value: v(3) }]);
    expect(await h.tree.get(h.root, B)).toEqual(v(1));
  });

  it('hands out copies: scribbling on a returned root, value or proof changes nothing inside', async () => {
    const h = new Harness();
    await h.apply([
      { key: A, value: v(1) },
      { key: B, value: v(2) },
      { key: C, value: v(3) },
    ]);
    h.store.reads = 0;
    const { root, nodes } = await h.tree.update(h.root, [{ key: A, value: v(4) }]);
    h.store.put(nodes);
    const kept = root.slice();
    root.fill(0xff); // the new root node is cached under its hash: a shared view would corrupt it
    expect(await h.tree.get(kept, A)).toEqual(v(4));
    expect(h.store.reads).toBe(1); // A's leaf only: the root node came from the cache
    const value = (await h.tree.get(h.root, B))!;
    value.fill(0xff);
    expect(await h.tree.get(h.root, B)).toEqual(v(2));
    const proof = await h.tree.prove(h.root, C);
    for (const part of [...proof.siblings, proof.leaf!.key, proof.leaf!.valueHash]) part.fill(0xff);
    expect(verifyProof(h.root, C, v(3), await h.tree.prove(h.root, C))).toBe(true);
    const emptied = await h.tree.update(EMPTY_ROOT, [{ key: A, value: null }]);
    emptied.root.fill(0xff); // the empty root is a shared constant inside
    expect((await h.tree.update(EMPTY_ROOT, [{ key: A, value: null }])).root).toEqual(new Uint8Array(32));
  });

  it('copies the keys of a batch before its first read, so the caller may reuse them at once', async () => {
    const h = new Harness();
    await h.apply([{ key: A, value: v(1) }]);
    const callerKey = B.slice();
    const pending = h.tree.update(h.root, [{ key: callerKey, value: v(2) }]);
    callerKey.fill(0xff); // while the update waits for its first read
    const { root } = await pending;
    expect(root).toEqual(
      referenceRoot([
        [A, v(1)],
        [B, v(2)],
      ]),
    );
  });

  it('an empty batch reads nothing, even for a root this tree never saw', async () => {
    const h = new Harness();
    await h.apply([
      { key: A, value: v(1) },
      { key: B, value: v(2) },
    ]);
    h.store.reads = 0;
    const fresh = new StateTree(h.store);
    expect((await fresh.update(h.root, [])).root).toEqual(h.root);
    expect(h.store.reads).toBe(0);
  });

  it('reports a root it cannot find and a record that does not match its hash', async () => {
    const h = new Harness(1);
    await h.apply([
      { key: A, value: v(1) },
      { key: B, value: v(2) },
    ]);
    await expect(h.tree.get(sha256(v(9)), A)).rejects.toThrow(MissingNodeError);

    const store = new MemoryNodeStore();
    for (const [hash, record] of h.store.records) store.records.set(hash, record.slice());
    const leafHash = [...store.records].find(([, r]) => r[0] === 0 && r[1] === 0x80)![0];
    store.records.get(leafHash)![33] = 9; // B's value
    const tree = new StateTree(store);
    expect(await tree.get(h.root, A)).toEqual(v(1));
    await expect(tree.get(h.root, B)).rejects.toThrow(CorruptNodeError);
    store.records.set(bytesToHex(h.root), hexToBytes('0x0100010001'));
    await expect(new StateTree(store).get(h.root, A)).rejects.toThrow(CorruptNodeError);
  });
});
