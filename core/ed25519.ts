// ed25519 for validator consensus keys (votes, proposals). node:crypto's OpenSSL implementation is
// the fast path (about 17x noble on this machine) and is always present; @noble/curves is the
// reference the tests compare against.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { ed25519 as noble } from '@noble/curves/ed25519.js';

// DER prefixes that wrap a raw 32-byte key as SPKI / PKCS#8 for node:crypto.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const publicKeyCache = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('hex');
  let key = publicKeyCache.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (publicKeyCache.size > 10_000) publicKeyCache.clear();
    publicKeyCache.set(id, key);
  }
  return key;
}

/**
 * The public key of a 32-byte secret key. By node:crypto: noble's first derivation builds its
 * precomputed tables (about 120 ms), which every node start paid for its one validator key.
 */
export function ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(secretKey)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
}

export function ed25519RandomSecretKey(): Uint8Array {
  return noble.utils.randomSecretKey();
}

// A node signs with one key: importing it once saves a DER parse per vote.
let lastSecret: { readonly bytes: Buffer; readonly key: KeyObject } | undefined;

function privateKeyObject(secretKey: Uint8Array): KeyObject {
  if (lastSecret?.bytes.equals(secretKey)) return lastSecret.key;
  // OpenSSL reads the first 32 bytes of a longer key and ignores the rest; noble refuses it, and so do we.
  if (secretKey.length !== 32)
    throw new RangeError(`an ed25519 secret key is 32 bytes, not ${secretKey.length}`);
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, secretKey]),
    format: 'der',
    type: 'pkcs8',
  });
  lastSecret = { bytes: Buffer.from(secretKey), key };
  return key;
}

export function ed25519Sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKeyObject(secretKey)));
}

export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

export const ed25519Reference = {
  publicKey: (secretKey: Uint8Array) => noble.getPublicKey(secretKey),
  sign: (message: Uint8Array, secretKey: Uint8Array) => noble.sign(message, secretKey),
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    try {
      return noble.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};
