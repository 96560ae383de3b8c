import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import { DecodeError } from '../../../core/errors.ts';
import { decodeNode, EMPTY_SUBTREE, InternalNode, LeafNode, type Node } from '../../../state/tree/node.ts';
import { Harness, inserts, key } from './helpers.ts';
import { referenceRoot } from './reference.ts';

const hex32 = (byte: string) => byte.repeat(32);

function encode(node: Node): Uint8Array {
  const out = new Uint8Array(node.encodedLength);
  node.encodeInto(out, 0);
  return out;
}

describe('tree node records', () => {
  it('every record the tree writes decodes and re-encodes to the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(255), { minLength: 2, maxLength: 40 }), async (bytes) => {
        const h = new Harness();
        await h.apply(inserts(bytes.map((b) => [key(b), Uint8Array.of(b)])));
        for (const record of h.store.records.values()) {
          const node = decodeNode(record);
          expect(bytesToHex(encode(node))).toBe(bytesToHex(record));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('leaf records hold the value itself', () => {
    const leaf = LeafNode.decode(hexToBytes(`0x00${hex32('ab')}0102`));
    expect(leaf.key).toEqual(key(...new Array(32).fill(0xab)));
    expect(leaf.value).toEqual(Uint8Array.of(1, 2));
  });

  // Each refusal names its reason: a corrupt database is reported as what it is (store.ts wraps it).
  const invalid: [string, string, RegExp][] = [
    ['an empty record', '0x', /unknown tree node record tag/],
    ['an unknown tag', '0x02', /unknown tree node record tag/],
    ['a short leaf', `0x00${'ab'.repeat(31)}`, /leaf record is too short/],
    ['a short internal header', '0x01000100', /not an internal node record/],
    ['no children', '0x0100000000', /internal node has no children/],
    ['a leaf bit without a child', `0x0100010002${hex32('11')}`, /marks an empty slot as a leaf/],
    ['a lone leaf child', `0x0100010001${hex32('11')}${hex32('22')}`, /holds a single leaf/],
    ['a lone leaf in the high slot', `0x0180008000${hex32('11')}${hex32('22')}`, /holds a single leaf/],
    ['a truncated entry', `0x0100030000${hex32('11')}${'22'.repeat(31)}`, /wrong length/],
    ['trailing bytes', `0x0100030000${hex32('11')}${hex32('22')}00`, /wrong length/],
  ];
  for (const [what, record, reason] of invalid) {
    it(`rejects ${what}`, () => {
      expect(() => decodeNode(hexToBytes(record))).toThrow(DecodeError);
      expect(() => decodeNode(hexToBytes(record))).toThrow(reason);
    });
  }

  it('refuses a leaf record where an internal one is expected', () => {
    expect(() => InternalNode.decode(hexToBytes(`0x00${hex32('11')}${hex32('22')}`))).toThrow(
      /not an internal node record/,
    );
  });

  it('accepts a leaf with an empty value (the shortest leaf record)', () => {
    const leaf = LeafNode.decode(hexToBytes(`0x00${hex32('ab')}`));
    expect(leaf.value).toEqual(new Uint8Array(0));
    expect(leaf.encodedLength).toBe(33);
  });

  it('accepts a lone internal child (a one-sided node above a deeper split)', () => {
    const node = InternalNode.decode(hexToBytes(`0x0100010000${hex32('11')}`));
    expect(node.slot(0)).toMatchObject({ hash: hexToBytes(`0x${hex32('11')}`) });
  });
  it('an emptied slot next to an internal sibling hashes as empty, not as what it held', async () => {
    // Root slots 0 (a leaf) and 1 (an internal node over 0x10.. and 0x11..): deleting the leaf leaves
    // binary position 8 with an empty left half and an internal right half, hashed as a pair.
    const h = new Harness();
    await h.apply(inserts([key(0x00), key(0x10), key(0x11)].map((k, i) => [k, Uint8Array.of(i)])));
    await h.apply([{ key: key(0x00), value: null }]);
    expect(h.root).toEqual(referenceRoot(h.entries()));
    for (const record of h.store.records.values()) decodeNode(record);
  });

  it('relocates a node to fresh memory with the same hash, slots and record', async () => {
    const h = new Harness();
    await h.apply(inserts([key(0x00), key(0x10), key(0x11)].map((k, i) => [k, Uint8Array.of(i)])));
    const node = decodeNode(h.store.records.get(bytesToHex(h.root))!) as InternalNode;
    const moved = node.relocate();
    expect(moved).not.toBe(node);
    expect(moved.hash).toEqual(node.hash);
    for (let s = 0; s < 16; s++) expect(moved.slot(s)).toEqual(node.slot(s));
    expect(encode(moved)).toEqual(encode(node));
  });

  it('a node whose every child is removed stands for nothing', () => {
    const base = InternalNode.decode(hexToBytes(`0x0100030000${hex32('11')}${hex32('22')}`));
    const emptied = InternalNode.derive(base, [0, 1], [EMPTY_SUBTREE, EMPTY_SUBTREE]);
    expect(emptied.asSubtree()).toBe(EMPTY_SUBTREE);
    expect(emptied.hash).toEqual(new Uint8Array(32));
  });
});
