// The checked-in vectors of docs/state-tree.md: the tree, the naive reference and the document must
// agree. "deep" puts two leaves 256 levels down, under a chain of 255 one-sided internal nodes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../../../core/bytes.ts';
import { sha256 } from '../../../core/hash.ts';
import { verifyProof } from '../../../state/tree/index.ts';
import { Harness, inserts, key } from './helpers.ts';
import { type Entry, referenceRoot } from './reference.ts';

const low = (byte: number) => key(...new Array(31).fill(0), byte);

const VECTORS: { name: string; entries: Entry[]; root: string }[] = [
  { name: 'empty', entries: [], root: `0x${'00'.repeat(32)}` },
  {
    name: 'one',
    entries: [[sha256(utf8ToBytes('alice')), utf8ToBytes('100')]],
    root: '0xe88595db6e2373140c77336108e543dd79e1c6420dff08568b120417c8af88b5',
  },
  {
    name: 'split',
    entries: [
      [key(0x00), Uint8Array.of(1)],
      [key(0x80), Uint8Array.of(2)],
    ],
    root: '0xe6de122e206387355052e2dd4ed770b10fe271574338a212aa7df8a8cb6fb134',
  },
  {
    name: 'deep',
    entries: [
      [low(0), Uint8Array.of(1)],
      [low(1), Uint8Array.of(2)],
    ],
    root: '0x5014edea2659d06b519ba865d7004b1c1b29999fa3be18d101f7b3b33d720dfd',
  },
  {
    name: 'three',
    entries: [
      [key(0x00), Uint8Array.of(1)],
      [key(0x40), Uint8Array.of(2)],
      [key(0x41), Uint8Array.of(3)],
    ],
    root: '0x6903d27502ca93ea272a376e827768c36d83a8bd051a1d520afbcb3617e209dd',
  },
  {
    name: 'ten',
    entries: Array.from(
      { length: 10 },
      (_, i): Entry => [sha256(utf8ToBytes(`key-${i}`)), utf8ToBytes(`value-${i}`)],
    ),
    root: '0xe1e7f656eed821507c039efd17a5b2798976f19f8199db6e63004d3da584877d',
  },
];

describe('state tree vectors', () => {
  const doc = readFileSync(new URL('../../../docs/state-tree.md', import.meta.url), 'utf8');

  for (const { name, entries, root } of VECTORS) {
    it(`${name}: tree, reference and docs/state-tree.md agree`, async () => {
      const h = new Harness();
      expect(bytesToHex(await h.apply(inserts(entries)))).toBe(root);
      expect(bytesToHex(referenceRoot(entries))).toBe(root);
      expect(doc).toContain(root.slice(2));
    });
  }

  it('deep: proofs run through 255 empty siblings', async () => {
    const h = new Harness();
    await h.apply(inserts(VECTORS.find((v) => v.name === 'deep')!.entries));
    const proof = await h.tree.prove(h.root, low(1));
    expect(proof.siblings).toHaveLength(256);
    expect(proof.siblings.filter((s) => s.some((b) => b !== 0))).toHaveLength(1);
    expect(verifyProof(h.root, low(1), Uint8Array.of(2), proof)).toBe(true);
    expect(verifyProof(h.root, low(2), undefined, await h.tree.prove(h.root, low(2)))).toBe(true);
  });
});
