// Hash functions. keccak256 is what Ethereum formats require (addresses, tx and block hashes, log
// topics); sha256 is used for our own Merkle structures because it is several times faster here.
//
// The fast paths are hash-wasm's WebAssembly builds (measured about 6x noble for keccak on 120-byte
// inputs); the references are @noble/hashes and node:crypto. test/core/hash.test.ts runs both on
// the same inputs. If WebAssembly cannot initialise, the references are used.
import { createHash } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createKeccak, createSHA256, type IHasher } from 'hash-wasm';

export function keccak256Reference(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

export function sha256Reference(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

async function tryCreate(factory: () => Promise<IHasher>): Promise<IHasher | undefined> {
  try {
    return await factory();
  } catch {
    return undefined;
  }
}

const wasmKeccak = await tryCreate(() => createKeccak(256));
const wasmSha256 = await tryCreate(() => createSHA256());

// One shared hasher instance is safe: hashing is synchronous and JavaScript is single-threaded.
function runWasm(hasher: IHasher, parts: Uint8Array[]): Uint8Array {
  hasher.init();
  for (const p of parts) hasher.update(p);
  return hasher.digest('binary');
}

export const hashBackend = { keccak: wasmKeccak ? 'wasm' : 'noble', sha256: wasmSha256 ? 'wasm' : 'node' };

/**
 * Short inputs given in parts are copied into one buffer and hashed in one update: each call into
 * the WASM module costs more than copying a few hundred bytes (a Merkle root of 7,500 leaves took
 * 26-33 ms part by part, 18 ms joined). Longer ones are fed part by part, without the copy.
 */
const JOIN_BELOW_BYTES = 512;
const joined = new Uint8Array(JOIN_BELOW_BYTES);

function totalLength(parts: readonly Uint8Array[]): number {
  let length = 0;
  for (const p of parts) length += p.length;
  return length;
}

function runWasmParts(hasher: IHasher, parts: Uint8Array[], length: number): Uint8Array {
  if (length >= JOIN_BELOW_BYTES) return runWasm(hasher, parts);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return runWasm(hasher, [joined.subarray(0, length)]);
}

export function keccak256(data: Uint8Array): Uint8Array {
  return wasmKeccak ? runWasm(wasmKeccak, [data]) : keccak_256(data);
}

/** keccak256 over the concatenation of parts, built only for short inputs (above). */
export function keccak256Concat(...parts: Uint8Array[]): Uint8Array {
  if (wasmKeccak) return runWasmParts(wasmKeccak, parts, totalLength(parts));
  const h = keccak_256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * From this many bytes node:crypto wins: its per-call overhead is higher than the WASM build's,
 * but OpenSSL uses the CPU's SHA extensions (about 7x the WASM speed on an 11 KB input here).
 */
const NATIVE_SHA256_FROM_BYTES = JOIN_BELOW_BYTES;

export function sha256(data: Uint8Array): Uint8Array {
  if (wasmSha256 && data.length < NATIVE_SHA256_FROM_BYTES) return runWasm(wasmSha256, [data]);
  return sha256Reference(data);
}

/** sha256 over the concatenation of parts, built only for short inputs (above). */
export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  const length = totalLength(parts);
  if (wasmSha256 && length < NATIVE_SHA256_FROM_BYTES) return runWasmParts(wasmSha256, parts, length);
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
