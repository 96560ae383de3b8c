import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes } from '../../../core/bytes.ts';
import { DecodeError } from '../../../core/errors.ts';
import { sha256 } from '../../../core/hash.ts';
import {
  decodeProof,
  encodeProof,
  proofFromJson,
  proofToJson,
  type StateProof,
  verifyProof,
} from '../../../state/tree/index.ts';
import { entriesArb, Harness, inserts, key, keyArb } from './helpers.ts';
import type { Entry } from './reference.ts';

const ZERO = new Uint8Array(32);

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
  return out;
}

const treeArb = entriesArb(50).filter((entries) => entries.length > 0);

async function build(entries: Entry[]): Promise<Harness> {
  const h = new Harness();
  await h.apply(inserts(entries));
  return h;
}

describe('state proofs', () => {
  it('every present key has an inclusion proof, in every encoding', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, async (entries) => {
        const h = await build(entries);
        for (const [key, value] of entries) {
          const proof = await h.tree.prove(h.root, key);
          const bytes = encodeProof(proof);
          const json = JSON.parse(JSON.stringify(proofToJson(proof)));
          expect(verifyProof(h.root, key, value, proof)).toBe(true);
          expect(verifyProof(h.root, key, value, bytes)).toBe(true);
          expect(verifyProof(h.root, key, value, proofFromJson(json))).toBe(true);
          expect(decodeProof(bytes)).toEqual(proof);
          expect(verifyProof(h.root, key, undefined, proof)).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('random absent keys have absence proofs, and no inclusion proof', async () => {
    await fc.assert(
      fc.asyncProperty(
        treeArb,
        fc.array(keyArb, { minLength: 1, maxLength: 10 }),
        async (entries, probes) => {
          const h = await build(entries);
          const present = new Set(entries.map(([k]) => bytesToHex(k)));
          for (const probe of probes.filter((k) => !present.has(bytesToHex(k)))) {
            const proof = await h.tree.prove(h.root, probe);
            expect(verifyProof(h.root, probe, undefined, proof)).toBe(true);
            expect(verifyProof(h.root, probe, undefined, encodeProof(proof))).toBe(true);
            expect(verifyProof(h.root, probe, new Uint8Array(0), proof)).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fails for a wrong value, a wrong root, a tampered proof and truncated bytes', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, fc.nat(), fc.nat(), async (entries, pick, bit) => {
        const h = await build(entries);
        const [key, value] = entries[pick % entries.length]!;
        const proof = await h.tree.prove(h.root, key);
        const { siblings, leaf } = proof;
        expect(verifyProof(h.root, key, concatBytes(value, Uint8Array.of(0)), proof)).toBe(false);
        expect(verifyProof(flipBit(h.root, bit), key, value, proof)).toBe(false);
        expect(verifyProof(h.root, flipBit(key, bit), value, proof)).toBe(false);
        const tampered: StateProof[] = [
          { siblings: [...siblings, ZERO], leaf },
          { siblings: [ZERO, ...siblings], leaf },
          { siblings, leaf: { key: leaf!.key, valueHash: flipBit(leaf!.valueHash, bit) } },
          { siblings, leaf: null },
        ];
        if (siblings.length > 0) {
          const at = bit % siblings.length;
          tampered.push({ siblings: siblings.with(at, flipBit(siblings[at]!, bit)), leaf });
          tampered.push({ siblings: siblings.slice(1), leaf });
        }
        for (const bad of tampered) expect(verifyProof(h.root, key, value, bad)).toBe(false);
        const bytes = encodeProof(proof);
        expect(verifyProof(h.root, key, value, bytes.subarray(0, bit % bytes.length))).toBe(false);
        expect(verifyProof(h.root, key, value, concatBytes(bytes, Uint8Array.of(0)))).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('a leaf off the key path does not prove absence, even under a root built around it', () => {
    const other = key(0x80);
    const root = sha256(
      concatBytes(Uint8Array.of(1), ZERO, sha256(concatBytes(Uint8Array.of(0), other, sha256(ZERO)))),
    );
    const leaf = { key: other, valueHash: sha256(ZERO) };
    // The root does commit to this path for key 0x80.., which is where `other` really is.
    expect(verifyProof(root, key(0x81), undefined, { siblings: [ZERO], leaf })).toBe(true);
    // Key 0x00.. takes the left branch, where `other` cannot be.
    const left = sha256(
      concatBytes(Uint8Array.of(1), sha256(concatBytes(Uint8Array.of(0), other, sha256(ZERO))), ZERO),
    );
    expect(verifyProof(left, key(0x00), undefined, { siblings: [ZERO], leaf })).toBe(false);
  });

  it('never throws on malformed input', () => {
    const junk: unknown[] = [
      null,
      {},
      { siblings: 'x', leaf: null },
      { siblings: [new Uint8Array(31)], leaf: null },
      { siblings: new Array(257).fill(ZERO), leaf: null },
      { siblings: [], leaf: { key: ZERO } },
      { siblings: [], leaf: undefined },
      new Uint8Array(0),
      Uint8Array.of(0xc2, 0xc0, 0xc0, 0x00),
    ];
    for (const proof of junk) {
      expect(verifyProof(ZERO, ZERO, undefined, proof as StateProof)).toBe(false);
    }
    const empty = { siblings: [], leaf: null };
    expect(verifyProof(ZERO, ZERO, undefined, empty)).toBe(true);
    expect(verifyProof(new Uint8Array(31), ZERO, undefined, empty)).toBe(false);
    expect(verifyProof(ZERO, new Uint8Array(31), undefined, empty)).toBe(false);
  });

  it('has one canonical byte encoding', () => {
    const sibling = sha256(ZERO);
    const proof = { siblings: [ZERO, sibling], leaf: { key: key(1), valueHash: sibling } };
    const bytes = encodeProof(proof);
    expect(bytes.length).toBe(3 + 1 + 1 + 33 + 1 + 33 + 33);
    expect(decodeProof(bytes)).toEqual(proof);
    expect(encodeProof({ siblings: [], leaf: null })).toEqual(Uint8Array.of(0xc2, 0xc0, 0xc0));
    const nonCanonical = concatBytes(Uint8Array.of(0xe4, 0xe1, 0xa0), ZERO, Uint8Array.of(0xc0));
    expect(() => decodeProof(nonCanonical)).toThrow(DecodeError);
  });

  it('parses only well-formed JSON', () => {
    const good = { siblings: [bytesToHex(ZERO)], leaf: null };
    expect(proofFromJson(good)).toEqual({ siblings: [ZERO], leaf: null });
    for (const bad of [
      null,
      [],
      { siblings: [bytesToHex(ZERO)] },
      { siblings: ['0x00'], leaf: null },
      { siblings: ['zz'], leaf: null },
      { siblings: [], leaf: { key: bytesToHex(ZERO) } },
      { siblings: [], leaf: 'x' },
    ]) {
      expect(() => proofFromJson(bad)).toThrow(DecodeError);
    }
  });
});
