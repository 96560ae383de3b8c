import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes } from '../../../core/bytes.ts';
import { DecodeError } from '../../../core/errors.ts';
import { sha256 } from '../../../core/hash.ts';
import { rlpEncode } from '../../../core/rlp.ts';
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

  it('refuses a proof that would verify but for a malformed part (untrusted JavaScript input)', async () => {
    const h = await build([
      [key(0x00), Uint8Array.of(1)],
      [key(0x40), Uint8Array.of(2)],
      [key(0x80), Uint8Array.of(3)],
    ]);
    const [k, value] = [key(0x40), Uint8Array.of(2)];
    const proof = await h.tree.prove(h.root, k);
    expect(proof.siblings).toHaveLength(2);
    expect(verifyProof(h.root, k, value, proof)).toBe(true);
    const arrays = (bytes: Uint8Array) => Array.from(bytes) as unknown as Uint8Array;
    const refused: [string, Uint8Array, Uint8Array, unknown, unknown][] = [
      ['a root as plain numbers', arrays(h.root), k, value, proof],
      ['a key as plain numbers', h.root, arrays(k), value, proof],
      ['a value as plain numbers', h.root, k, arrays(value), proof],
      ['a value as text', h.root, k, '\x02', proof],
      [
        'a sibling as plain numbers',
        h.root,
        k,
        value,
        { ...proof, siblings: proof.siblings.with(0, arrays(proof.siblings[0]!)) },
      ],
      [
        'a leaf key as plain numbers',
        h.root,
        k,
        value,
        { ...proof, leaf: { ...proof.leaf!, key: arrays(k) } },
      ],
      ['a proof that is a function', h.root, k, value, Object.assign(() => {}, proof)],
    ];
    for (let at = 0; at < proof.siblings.length; at++) {
      const long = concatBytes(proof.siblings[at]!, Uint8Array.of(0));
      refused.push([
        `a 33-byte sibling ${at}`,
        h.root,
        k,
        value,
        { ...proof, siblings: proof.siblings.with(at, long) },
      ]);
    }
    for (const [what, root, probe, v, p] of refused) {
      expect(verifyProof(root, probe, v as Uint8Array, p as StateProof), what).toBe(false);
    }
  });

  it('accepts a proof 256 siblings deep and nothing deeper', async () => {
    const low = (byte: number) => key(...new Array(31).fill(0), byte);
    const h = await build([
      [low(0), Uint8Array.of(1)],
      [low(1), Uint8Array.of(2)],
    ]);
    const proof = await h.tree.prove(h.root, low(1));
    expect(proof.siblings).toHaveLength(256);
    expect(verifyProof(h.root, low(1), Uint8Array.of(2), proof)).toBe(true);
    expect(verifyProof(h.root, low(1), Uint8Array.of(2), encodeProof(proof))).toBe(true);
    // One level more: a root folded over 257 siblings (the 257th key bit reads as 0) is still refused.
    const leaf = proof.leaf!;
    let hash = sha256(concatBytes(Uint8Array.of(0), leaf.key, leaf.valueHash));
    const deeper = [...proof.siblings, sha256(ZERO)];
    for (let depth = 256; depth >= 0; depth--) {
      const right = depth === 255;
      hash = sha256(
        concatBytes(Uint8Array.of(1), right ? deeper[depth]! : hash, right ? hash : deeper[depth]!),
      );
    }
    expect(verifyProof(hash, low(1), Uint8Array.of(2), { siblings: deeper, leaf })).toBe(false);
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

  it('refuses every non-canonical byte form with its reason', () => {
    const h = sha256(ZERO);
    const empty = new Uint8Array(0);
    const bad: [string, Uint8Array, RegExp][] = [
      ['257 siblings', rlpEncode([new Array(257).fill(empty), []]), /more than 256 siblings/],
      ['a 31-byte sibling', rlpEncode([[h.subarray(1)], []]), /sibling 0: expected 32 bytes or empty/],
      ['a spelled-out empty sibling', rlpEncode([[h, ZERO], []]), /sibling 1: expected 32 bytes or empty/],
      ['a list as sibling', rlpEncode([[[]], []]), /sibling 0/],
      ['a one-item leaf', rlpEncode([[], [h]]), /leaf: expected \[key, valueHash\] or \[\]/],
      ['a three-item leaf', rlpEncode([[], [h, h, h]]), /leaf: expected \[key, valueHash\] or \[\]/],
      ['a short leaf key', rlpEncode([[], [h.subarray(1), h]]), /leaf key: expected 32 bytes/],
      ['a short value hash', rlpEncode([[], [h, h.subarray(1)]]), /leaf value hash: expected 32 bytes/],
      ['a byte string as siblings', rlpEncode([h, []]), /state proof siblings/],
      ['a byte string as leaf', rlpEncode([[], h]), /state proof leaf/],
      ['three parts', rlpEncode([[], [], []]), /state proof/],
      [
        'trailing bytes',
        concatBytes(rlpEncode([[], []]), Uint8Array.of(0)),
        /malformed state proof: trailing/,
      ],
    ];
    for (const [what, bytes, reason] of bad) {
      expect(() => decodeProof(bytes), what).toThrow(DecodeError);
      expect(() => decodeProof(bytes), what).toThrow(reason);
      expect(verifyProof(ZERO, ZERO, undefined, bytes), what).toBe(false);
    }
    // The limits themselves are accepted: 256 siblings, and the empty string as the empty hash.
    const deepest = decodeProof(rlpEncode([new Array(256).fill(empty), [h, h]]));
    expect(deepest.siblings).toHaveLength(256);
    expect(deepest.siblings[255]).toEqual(ZERO);
    expect(deepest.leaf).toEqual({ key: h, valueHash: h });
  });

  it('parses only well-formed JSON', () => {
    const good = { siblings: [bytesToHex(ZERO)], leaf: null };
    expect(proofFromJson(good)).toEqual({ siblings: [ZERO], leaf: null });
    const bad: [unknown, RegExp][] = [
      [null, /state proof: expected an object/],
      ['0x00', /state proof: expected an object/],
      [[], /siblings: expected an array/],
      [{ siblings: [bytesToHex(ZERO)] }, /leaf: expected an object or null/],
      [{ siblings: 'x', leaf: null }, /siblings: expected an array/],
      [{ siblings: new Array(257).fill(bytesToHex(ZERO)), leaf: null }, /at most 256 hashes/],
      [{ siblings: ['0x00'], leaf: null }, /sibling 0: expected 32 bytes/],
      [{ siblings: [bytesToHex(ZERO), 'zz'], leaf: null }, /sibling 1: expected 32 bytes/],
      [{ siblings: [ZERO], leaf: null }, /sibling 0: expected 32 bytes/],
      [{ siblings: [], leaf: { key: bytesToHex(ZERO) } }, /leaf value hash: expected 32 bytes/],
      [{ siblings: [], leaf: { valueHash: bytesToHex(ZERO) } }, /leaf key: expected 32 bytes/],
      [{ siblings: [], leaf: 'x' }, /leaf: expected an object or null/],
    ];
    for (const [json, reason] of bad) {
      expect(() => proofFromJson(json), JSON.stringify(json)).toThrow(DecodeError);
      expect(() => proofFromJson(json), JSON.stringify(json)).toThrow(reason);
    }
    const limit = { siblings: new Array(256).fill(bytesToHex(ZERO)), leaf: null };
    expect(proofFromJson(limit).siblings).toHaveLength(256);
  });
});
