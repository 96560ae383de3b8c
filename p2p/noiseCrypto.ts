// Noise's ciphers with the session key held as a node:crypto KeyObject. The library's default hands
// node:crypto the raw key bytes for every frame of 1,200 bytes and more (smaller ones go to its
// WebAssembly ChaCha20-Poly1305); node:crypto then asks whether those bytes are a KeyObject and
// whether they are a CryptoKey, and each "no" is an exception thrown and caught inside node, with a
// stack trace captured. On a validator at saturation that was most of the cipher time: a 1.5 KB
// frame cost 27 µs with key bytes and 11 µs with a KeyObject (16 KB: 38 and 19 µs). Everything else
// (hashing, X25519, small frames, chunked input) is the library's default.
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { ICryptoInterface } from '@chainsafe/libp2p-noise';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { equalBytes } from '../core/bytes.ts';

/** The size from which the default uses node:crypto (its WebAssembly cipher wins below it). */
export const NODE_CIPHER_FROM_BYTES = 1200;
const ALGORITHM = 'chacha20-poly1305';
const TAG_BYTES = 16;

interface CachedKey {
  readonly bytes: Uint8Array;
  readonly key: KeyObject;
}

/**
 * A KeyObject per key array. Noise passes the same array for every frame of a session; the bytes
 * are compared on each use, so an array whose content changed gets a new KeyObject.
 */
const keys = new WeakMap<Uint8Array, CachedKey>();

function keyObject(k: Uint8Array): KeyObject {
  const cached = keys.get(k);
  if (cached && equalBytes(cached.bytes, k)) return cached.key;
  const bytes = k.slice();
  const key = createSecretKey(bytes);
  keys.set(k, { bytes, key });
  return key;
}

export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
    if (!(plaintext instanceof Uint8Array) || plaintext.byteLength < NODE_CIPHER_FROM_BYTES)
      return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k);
    const cipher = createCipheriv(ALGORITHM, keyObject(k), nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(ad, { plaintextLength: plaintext.byteLength });
    const updated = cipher.update(plaintext);
    const final = cipher.final();
    const tag = cipher.getAuthTag();
    return Buffer.concat([updated, final, tag], updated.byteLength + final.byteLength + tag.byteLength);
  },
  chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
    if (!(ciphertext instanceof Uint8Array) || ciphertext.byteLength < NODE_CIPHER_FROM_BYTES)
      return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst);
    const text = ciphertext.subarray(0, ciphertext.length - TAG_BYTES);
    const decipher = createDecipheriv(ALGORITHM, keyObject(k), nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(ad, { plaintextLength: text.byteLength });
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
    const output = decipher.update(text);
    const final = decipher.final();
    return final.byteLength > 0 ? Buffer.concat([output, final]) : output;
  },
};
