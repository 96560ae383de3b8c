import { randomBytes } from 'node:crypto';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { NODE_CIPHER_FROM_BYTES, noiseCrypto } from '../../p2p/noiseCrypto.ts';

const SIZES = [0, 100, NODE_CIPHER_FROM_BYTES - 1, NODE_CIPHER_FROM_BYTES, 16_000, 65_519];
const bytes = (n: number) => new Uint8Array(randomBytes(n));
const flat = (x: Uint8Array | Uint8ArrayList) => new Uint8Array(x instanceof Uint8Array ? x : x.subarray());

describe('noise ciphers with a KeyObject session key', () => {
  it('seal and open exactly as the library default, both ways, at every frame size', () => {
    const k = bytes(32);
    const ad = bytes(32);
    for (const size of SIZES) {
      const nonce = bytes(12);
      const plain = bytes(size);
      const ours = flat(noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k));
      expect(ours).toEqual(flat(defaultCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k)));
      expect(flat(defaultCrypto.chaCha20Poly1305Decrypt(ours, nonce, ad, k))).toEqual(plain);
      expect(flat(noiseCrypto.chaCha20Poly1305Decrypt(ours, nonce, ad, k))).toEqual(plain);
    }
  });

  it('takes chunked input as the default does', () => {
    const k = bytes(32);
    const nonce = bytes(12);
    const plain = bytes(5000);
    const list = new Uint8ArrayList(plain.subarray(0, 2000), plain.subarray(2000));
    const sealed = flat(noiseCrypto.chaCha20Poly1305Encrypt(list, nonce, new Uint8Array(0), k));
    expect(flat(noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, new Uint8Array(0), k))).toEqual(plain);
  });

  it('uses the key array content of each call, also when the array is rewritten in place', () => {
    const k = bytes(32);
    const nonce = bytes(12);
    const plain = bytes(4000);
    const first = flat(noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, new Uint8Array(0), k));
    k.set(bytes(32));
    const second = flat(noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, new Uint8Array(0), k));
    expect(second).toEqual(flat(defaultCrypto.chaCha20Poly1305Encrypt(plain, nonce, new Uint8Array(0), k)));
    expect(second).not.toEqual(first);
  });

  it('refuses a frame whose ciphertext, tag or associated data was changed', () => {
    const k = bytes(32);
    const nonce = bytes(12);
    const ad = bytes(32);
    const sealed = flat(noiseCrypto.chaCha20Poly1305Encrypt(bytes(3000), nonce, ad, k));
    const flipped = sealed.slice();
    flipped[10]! ^= 1;
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(flipped, nonce, ad, k)).toThrow();
    const badTag = sealed.slice();
    badTag[badTag.length - 1]! ^= 1;
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(badTag, nonce, ad, k)).toThrow();
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, bytes(32), k)).toThrow();
  });
});
