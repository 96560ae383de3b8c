// ed25519: node:crypto (the fast path used for votes) against @noble/curves (the reference), on the
// RFC 8032 vectors, random keys and messages, tampered inputs and malformed encodings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../core/bytes.ts';
import { ed25519PublicKey, ed25519Reference, ed25519Sign, ed25519Verify } from '../../core/ed25519.ts';
import { bytesOf, flipBit, hexOf } from './helpers.ts';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

/** Both implementations' verdicts, asserted equal; returns the common one. */
function verifyBoth(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const fast = ed25519Verify(signature, message, publicKey);
  expect(ed25519Reference.verify(signature, message, publicKey), 'node:crypto and noble disagree').toBe(fast);
  return fast;
}

function littleEndian(value: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0, v = value; i < length; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

// RFC 8032 section 7.1, TEST 1, 2 and 3.
const RFC8032 = [
  {
    name: 'TEST 1 (empty message)',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

describe('RFC 8032 test vectors', () => {
  it.each(RFC8032)('$name', (v) => {
    const secretKey = hexOf(v.secretKey);
    const message = hexOf(v.message);
    expect(bytesToHex(ed25519PublicKey(secretKey))).toBe(`0x${v.publicKey}`);
    expect(bytesToHex(ed25519Sign(message, secretKey))).toBe(`0x${v.signature}`);
    expect(bytesToHex(ed25519Reference.sign(message, secretKey))).toBe(`0x${v.signature}`);
    expect(verifyBoth(hexOf(v.signature), message, hexOf(v.publicKey))).toBe(true);
  });
});

describe('node:crypto and noble agree', () => {
  it('derive the same public key from any secret key, and both refuse one that is not 32 bytes', () => {
    fc.assert(
      fc.property(bytesOf(32), (secretKey) => {
        expect(bytesToHex(ed25519PublicKey(secretKey))).toBe(
          bytesToHex(ed25519Reference.publicKey(secretKey)),
        );
      }),
    );
    // The signing key is cached by its bytes: a second key must not be answered with the first's.
    const [a, b] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    expect(bytesToHex(ed25519PublicKey(a))).not.toBe(bytesToHex(ed25519PublicKey(b)));
    for (const length of [0, 31, 33, 64]) {
      expect(() => ed25519PublicKey(new Uint8Array(length))).toThrow(`32 bytes, not ${length}`);
      expect(() => ed25519Sign(Uint8Array.of(1), new Uint8Array(length))).toThrow(`32 bytes, not ${length}`);
      expect(() => ed25519Reference.publicKey(new Uint8Array(length))).toThrow();
    }
  });

  it('on random keys and messages: identical signatures that verify, and every tampering fails on both', () => {
    fc.assert(
      fc.property(
        bytesOf(32),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.constantFrom('signature', 'message', 'publicKey'),
        (secretKey, message, bit, target) => {
          const publicKey = ed25519PublicKey(secretKey);
          const signature = ed25519Sign(message, secretKey);
          expect(bytesToHex(signature)).toBe(bytesToHex(ed25519Reference.sign(message, secretKey)));
          expect(verifyBoth(signature, message, publicKey)).toBe(true);
          const tampered: Record<typeof target, Uint8Array> = { signature, message, publicKey };
          tampered[target] =
            tampered[target].length === 0 ? Uint8Array.of(bit & 0xff) : flipBit(tampered[target], bit);
          expect(verifyBoth(tampered.signature, tampered.message, tampered.publicKey)).toBe(false);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a signature by another key, or for another message, fails on both', () => {
    const [a, b] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const message = new TextEncoder().encode('vote');
    const signature = ed25519Sign(message, a);
    expect(verifyBoth(signature, message, ed25519PublicKey(b))).toBe(false);
    expect(verifyBoth(signature, new TextEncoder().encode('votes'), ed25519PublicKey(a))).toBe(false);
  });

  it('wrong-length signatures and keys return false without throwing', () => {
    const secretKey = new Uint8Array(32).fill(3);
    const message = Uint8Array.of(1, 2, 3);
    const signature = ed25519Sign(message, secretKey);
    const publicKey = ed25519PublicKey(secretKey);
    const cases: [Uint8Array, Uint8Array][] = [
      [signature.subarray(0, 63), publicKey],
      [new Uint8Array([...signature, 0]), publicKey],
      [new Uint8Array(0), publicKey],
      [signature, publicKey.subarray(0, 31)],
      [signature, new Uint8Array([...publicKey, 0])],
      [signature, new Uint8Array(0)],
    ];
    for (const [sig, key] of cases) {
      expect(() => ed25519Verify(sig, message, key)).not.toThrow();
      expect(verifyBoth(sig, message, key), `sig ${sig.length} bytes, key ${key.length} bytes`).toBe(false);
    }
  });

  it('non-canonical and degenerate encodings are rejected by both', () => {
    const secretKey = new Uint8Array(32).fill(7);
    const publicKey = ed25519PublicKey(secretKey);
    const message = Uint8Array.of(9);
    const signature = ed25519Sign(message, secretKey);
    // S + L: the same scalar mod L, but RFC 8032 requires S < L (malleability).
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]!);
    const malleated = new Uint8Array([...signature.subarray(0, 32), ...littleEndian(s + L)]);
    expect(verifyBoth(malleated, message, publicKey)).toBe(false);
    // The identity as public key with R = identity and S = 0 satisfies the cofactorless equation.
    const identity = littleEndian(1n);
    const trivial = new Uint8Array([...identity, ...new Uint8Array(32)]);
    expect(verifyBoth(trivial, message, identity)).toBe(false);
    // Public keys whose y coordinate is encoded as y + p (non-canonical field elements).
    for (const y of [P, P + 1n]) expect(verifyBoth(trivial, message, littleEndian(y))).toBe(false);
  });
});
