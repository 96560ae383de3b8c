// The key caches of core/ed25519.ts, observed by counting node:crypto's key imports: a public key is
// imported once and kept (up to 10,000 of them, then the cache starts over), the signing key once
// while it stays the same, and a signature of the wrong length is refused before OpenSSL sees it.
// Counting needs node:crypto's exports spied on and re-synced into the ES module bindings, and a
// cache nobody else filled: hence an isolated file (test/isolation.test.ts).
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../core/ed25519.ts';

const CACHE_LIMIT = 10_000;
const message = Uint8Array.of(1, 2, 3);
/** A distinct 32-byte public key per index (not a signer's: only its import is counted). */
const keyAt = (i: number) => {
  const key = new Uint8Array(32);
  new DataView(key.buffer).setUint32(0, i + 1);
  return key;
};
const signature = new Uint8Array(64);

describe('ed25519 key caches', () => {
  let imports: { publicKeys: MockInstance; privateKeys: MockInstance; verifies: MockInstance };
  beforeEach(() => {
    imports = {
      publicKeys: vi.spyOn(crypto, 'createPublicKey'),
      privateKeys: vi.spyOn(crypto, 'createPrivateKey'),
      verifies: vi.spyOn(crypto, 'verify'),
    };
    syncBuiltinESMExports();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    syncBuiltinESMExports();
  });

  it('imports a public key once, keeps 10,000, and starts over past them', () => {
    const verifyAt = (i: number) => expect(ed25519Verify(signature, message, keyAt(i))).toBe(false);
    verifyAt(0);
    verifyAt(0);
    expect(imports.publicKeys).toHaveBeenCalledTimes(1);
    for (let i = 1; i <= CACHE_LIMIT; i++) verifyAt(i);
    expect(imports.publicKeys).toHaveBeenCalledTimes(CACHE_LIMIT + 1);
    verifyAt(0); // 10,001 keys held: still there
    expect(imports.publicKeys).toHaveBeenCalledTimes(CACHE_LIMIT + 1);
    verifyAt(CACHE_LIMIT + 1); // the 10,002nd clears the cache first
    verifyAt(0);
    expect(imports.publicKeys).toHaveBeenCalledTimes(CACHE_LIMIT + 3);
  });

  it('imports the signing key once while it stays the same', () => {
    const secretKey = new Uint8Array(32).fill(9);
    const other = new Uint8Array(32).fill(10);
    ed25519Sign(message, secretKey);
    ed25519Sign(message, secretKey);
    expect(imports.privateKeys).toHaveBeenCalledTimes(1);
    ed25519PublicKey(other);
    ed25519Sign(message, secretKey);
    expect(imports.privateKeys).toHaveBeenCalledTimes(3);
  });

  it('refuses a signature that is not 64 bytes without asking OpenSSL', () => {
    for (const length of [0, 63, 65])
      expect(ed25519Verify(new Uint8Array(length), message, keyAt(0))).toBe(false);
    expect(imports.verifies).not.toHaveBeenCalled();
    expect(ed25519Verify(signature, message, keyAt(0))).toBe(false);
    expect(imports.verifies).toHaveBeenCalledTimes(1);
  });
});
