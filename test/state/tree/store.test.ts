// The node store between the tree and the database: every record it hands out is decoded and
// checked against the hash it was asked for, and each way a database can be wrong has its own error.
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes } from '../../../core/bytes.ts';
import { DecodeError } from '../../../core/errors.ts';
import { sha256 } from '../../../core/hash.ts';
import { CorruptNodeError, EMPTY_ROOT, MissingNodeError } from '../../../state/tree/index.ts';
import { InternalNode, LeafNode } from '../../../state/tree/node.ts';
import { NodeStore } from '../../../state/tree/store.ts';
import { Harness, key, MemoryNodeStore } from './helpers.ts';

const v = (n: number) => Uint8Array.of(n);

/** A two-leaf tree: its root is an internal node, A and B its leaves. */
async function twoLeaves(): Promise<{ h: Harness; root: Uint8Array; leaf: Uint8Array }> {
  const h = new Harness();
  await h.apply([
    { key: key(0x00), value: v(1) },
    { key: key(0x80), value: v(2) },
  ]);
  const leaf = sha256(concatBytes(v(0), key(0x00), sha256(v(1))));
  return { h, root: h.root, leaf };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: Error) => err,
  );
}

describe('NodeStore', () => {
  it('names a missing node by its hash', async () => {
    const store = new NodeStore(new MemoryNodeStore(), 10);
    const hash = sha256(v(9));
    const err = await rejection(store.load(hash));
    expect(err).toBeInstanceOf(MissingNodeError);
    expect(err).toMatchObject({ code: 'TREE_MISSING_NODE' });
    expect(err.message).toBe(`state tree node ${bytesToHex(hash)} is not in the store`);
  });

  it('reports a record that does not decode as corrupt, with the decoder error as cause', async () => {
    const reader = new MemoryNodeStore();
    const hash = sha256(v(9));
    reader.put([[hash, Uint8Array.of(0x07)]]);
    const err = await rejection(new NodeStore(reader, 10).load(hash));
    expect(err).toBeInstanceOf(CorruptNodeError);
    expect(err).toMatchObject({ code: 'TREE_CORRUPT_NODE' });
    expect(err.message).toBe(`state tree node ${bytesToHex(hash)} is corrupt: unknown tree node record tag`);
    expect(err.cause).toBeInstanceOf(DecodeError);
  });

  it('reports a valid record stored under another hash as corrupt', async () => {
    const { h, root, leaf } = await twoLeaves();
    const reader = new MemoryNodeStore();
    reader.put([[root, h.store.records.get(bytesToHex(leaf))!]]);
    const err = await rejection(new NodeStore(reader, 10).load(root));
    expect(err).toBeInstanceOf(CorruptNodeError);
    expect(err.message).toMatch(/is corrupt: record hashes to a different key$/);
  });

  it('refuses a leaf where the parent says internal, and the reverse', async () => {
    const { h, root, leaf } = await twoLeaves();
    const store = new NodeStore(h.store, 10);
    expect(await store.loadInternal(root)).toBeInstanceOf(InternalNode);
    expect(await store.loadLeaf(leaf)).toBeInstanceOf(LeafNode);
    const notInternal = await rejection(store.loadInternal(leaf));
    expect(notInternal).toBeInstanceOf(CorruptNodeError);
    expect(notInternal.message).toMatch(/expected an internal node, found a leaf$/);
    const notLeaf = await rejection(store.loadLeaf(root));
    expect(notLeaf).toBeInstanceOf(CorruptNodeError);
    expect(notLeaf.message).toMatch(/expected a leaf, found an internal node$/);
  });

  it('caches what it loads unless told the read is not a use, and forgets on request', async () => {
    const { h, root, leaf } = await twoLeaves();
    const store = new NodeStore(h.store, 10);
    h.store.reads = 0;
    expect(store.peek(root)).toBeUndefined();
    await store.load(root, false);
    await store.loadInternal(root, false);
    expect(h.store.reads).toBe(2);
    expect(store.cached).toBe(0);
    const node = await store.loadInternal(root);
    expect(store.peek(root)).toBe(node);
    expect(await store.load(root)).toBe(node);
    expect(h.store.reads).toBe(3);
    await store.loadLeaf(leaf); // a leaf's read is a use too
    expect(store.cached).toBe(2);
    store.forget([root]);
    expect(store.peek(root)).toBeUndefined();
    expect(store.cached).toBe(1);
    await store.load(root);
    expect(h.store.reads).toBe(5);
  });

  it('a peek is a use: it keeps a node over one not read since, moved out of its old memory', async () => {
    // A cache of 4 turns a generation over every 2 additions (cache.ts).
    const h = new Harness();
    await h.apply([
      { key: key(0x00), value: v(1) },
      { key: key(0x80), value: v(2) },
    ]);
    const leafA = sha256(concatBytes(v(0), key(0x00), sha256(v(1))));
    const leafB = sha256(concatBytes(v(0), key(0x80), sha256(v(2))));
    const store = new NodeStore(h.store, 4);
    const root = await store.loadInternal(h.root);
    await store.loadLeaf(leafA); // the second addition: root and A are now the old generation
    const peeked = store.peek(h.root);
    expect(peeked).toBeInstanceOf(InternalNode);
    expect(peeked).not.toBe(root); // relocated, so the old generation's memory can go
    expect(peeked!.hash).toEqual(h.root);
    await store.loadLeaf(leafB); // turns the generations over again: A, never peeked, is dropped
    expect(store.peek(h.root, false)?.hash).toEqual(h.root);
    expect(store.peek(leafA, false)).toBeUndefined();
  });

  it('serves a remembered node without reading the database', async () => {
    const reader = new MemoryNodeStore();
    const store = new NodeStore(reader, 10);
    const node = new LeafNode(key(0x01), v(3));
    store.remember(node);
    expect(await store.load(node.hash)).toBe(node);
    expect(reader.reads).toBe(0);
    expect(await rejection(store.load(EMPTY_ROOT))).toBeInstanceOf(MissingNodeError);
  });
});
