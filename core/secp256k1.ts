// secp256k1 ECDSA for Ethereum accounts: sender recovery, signing, public keys.
//
// Two interchangeable backends: libsecp256k1 through the `secp256k1` package's N-API binding (about
// 30x faster on this machine) and @noble/curves as the reference. The binding is optional: if it
// cannot load, or OPENCHAIN_NO_NATIVE=1 is set, every call uses noble. Range and low-s checks are
// done here, before either backend, so both reject exactly the same inputs (see
// test/core/secp256k1.test.ts for the differential test).
import { createRequire } from 'node:module';
import { secp256k1 as noble } from '@noble/curves/secp256k1.js';
import { bigintToFixedBytes, bytesToBigint, compareBytes } from './bytes.ts';
import { OpenchainError } from './errors.ts';

export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const SECP256K1_HALF_N = SECP256K1_N >> 1n;
const N_BYTES = bigintToFixedBytes(SECP256K1_N, 32);

export interface RecoverableSignature {
  r: bigint;
  s: bigint;
  /** 0 or 1: the parity of R's y coordinate (Ethereum never uses 2 or 3). */
  yParity: number;
}

export interface Secp256k1Backend {
  readonly name: 'native' | 'noble';
  /** 65-byte uncompressed public key; throws if no key recovers. */
  recover(msgHash: Uint8Array, sig64: Uint8Array, yParity: number): Uint8Array;
  /** Low-s, deterministic (RFC 6979) signature as r||s plus y parity. */
  sign(msgHash: Uint8Array, privateKey: Uint8Array): { sig64: Uint8Array; yParity: number };
  publicKey(privateKey: Uint8Array): Uint8Array;
}

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(privateKey: Uint8Array, compressed: boolean): Uint8Array;
}

export const nobleBackend: Secp256k1Backend = {
  name: 'noble',
  recover(msgHash, sig64, yParity) {
    const sig = noble.Signature.fromBytes(sig64, 'compact').addRecoveryBit(yParity);
    return sig.recoverPublicKey(msgHash).toBytes(false);
  },
  sign(msgHash, privateKey) {
    const rec = noble.sign(msgHash, privateKey, { prehash: false, lowS: true, format: 'recovered' });
    return { sig64: rec.subarray(1), yParity: rec[0]! };
  },
  publicKey(privateKey) {
    return noble.getPublicKey(privateKey, false);
  },
};

function reduceModN(msgHash: Uint8Array): Uint8Array {
  if (msgHash.length !== 32 || compareBytes(msgHash, N_BYTES) < 0) return msgHash;
  return bigintToFixedBytes(bytesToBigint(msgHash) - SECP256K1_N, 32); // < 2n, so one subtraction
}

function loadNative(): Secp256k1Backend | undefined {
  if (process.env['OPENCHAIN_NO_NATIVE'] === '1') return undefined;
  let lib: NativeSecp256k1;
  try {
    // `secp256k1/bindings` throws if the addon is missing; the package root would silently fall
    // back to pure-JS elliptic, which is slower than noble.
    lib = createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp256k1;
  } catch {
    return undefined;
  }
  return {
    name: 'native',
    recover: (msgHash, sig64, yParity) => lib.ecdsaRecover(sig64, yParity, msgHash, false),
    sign(msgHash, privateKey) {
      // The libsecp256k1 bundled with `secp256k1` 5 feeds the unreduced hash to its RFC 6979 nonce
      // function, where RFC 6979 (bits2octets) and noble use hash mod n; for a hash >= n the two
      // backends would sign with different nonces. ECDSA itself uses hash mod n, so signing the
      // reduced hash gives the same valid signature as noble, byte for byte.
      const { signature, recid } = lib.ecdsaSign(reduceModN(msgHash), privateKey);
      return { sig64: signature, yParity: recid };
    },
    publicKey: (privateKey) => lib.publicKeyCreate(privateKey, false),
  };
}

export const nativeBackend: Secp256k1Backend | undefined = loadNative();
export const secp256k1Backend: Secp256k1Backend = nativeBackend ?? nobleBackend;

export class SignatureError extends OpenchainError<'INVALID_SIGNATURE'> {
  constructor(message: string) {
    super('INVALID_SIGNATURE', message);
  }
}

/** Rejects what Ethereum rejects after Homestead: r or s out of range, high s, y parity not 0/1. */
export function checkSignatureValues(sig: RecoverableSignature): void {
  if (sig.r <= 0n || sig.r >= SECP256K1_N) throw new SignatureError('invalid signature: r out of range');
  if (sig.s <= 0n || sig.s >= SECP256K1_N) throw new SignatureError('invalid signature: s out of range');
  if (sig.s > SECP256K1_HALF_N)
    throw new SignatureError('invalid signature: s is in the upper half (high-s)');
  if (sig.yParity !== 0 && sig.yParity !== 1)
    throw new SignatureError('invalid signature: y parity must be 0 or 1');
}

/** Recovers the 65-byte uncompressed public key that signed msgHash. */
export function recoverPublicKey(
  msgHash: Uint8Array,
  sig: RecoverableSignature,
  backend: Secp256k1Backend = secp256k1Backend,
): Uint8Array {
  checkSignatureValues(sig);
  const sig64 = new Uint8Array(64);
  sig64.set(bigintToFixedBytes(sig.r, 32), 0);
  sig64.set(bigintToFixedBytes(sig.s, 32), 32);
  try {
    return backend.recover(msgHash, sig64, sig.yParity);
  } catch {
    throw new SignatureError('invalid signature: no public key recovers from it');
  }
}

export function signHash(
  msgHash: Uint8Array,
  privateKey: Uint8Array,
  backend: Secp256k1Backend = secp256k1Backend,
): RecoverableSignature {
  const { sig64, yParity } = backend.sign(msgHash, privateKey);
  const view = Buffer.from(sig64.buffer, sig64.byteOffset, 64);
  return {
    r: BigInt(`0x${view.subarray(0, 32).toString('hex')}`),
    s: BigInt(`0x${view.subarray(32, 64).toString('hex')}`),
    yParity,
  };
}

export function publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  return secp256k1Backend.publicKey(privateKey);
}
