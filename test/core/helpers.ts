// Shared fixtures for the core tests: fast-check arbitraries for the primitive field types,
// deterministic validator keys, and the assertions several files make about decoders.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import { type Address, addressFromBytes } from '../../core/address.ts';
import { bigintToFixedBytes, bytesToHex, concatBytes, type Hex } from '../../core/bytes.ts';
import { ed25519PublicKey, ed25519Sign } from '../../core/ed25519.ts';
import { OpenchainError } from '../../core/errors.ts';
import { SECP256K1_N } from '../../core/secp256k1.ts';
import { type Validator, validatorAddress } from '../../core/validator.ts';
import { type UnsignedVote, type Vote, voteSignBytes } from '../../core/vote.ts';

export const U64_MAX = 2n ** 64n - 1n;
export const U256_MAX = 2n ** 256n - 1n;

export const bytesOf = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
export const hex32 = bytesOf(32).map((b) => bytesToHex(b));
export const anyAddress = bytesOf(20).map(addressFromBytes);
export const u64 = fc.bigInt({ min: 0n, max: U64_MAX });
export const u256 = fc.bigInt({ min: 0n, max: U256_MAX });
export const safeInt = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
/** A valid secp256k1 private key (1 .. n-1) as 32 bytes; fast-check favours the ends of the range. */
export const secp256k1PrivateKey = fc
  .bigInt({ min: 1n, max: SECP256K1_N - 1n })
  .map((k) => bigintToFixedBytes(k, 32));

export function hexOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/^0x/, ''), 'hex'));
}

export function sha256Node(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(concatBytes(...parts))
      .digest(),
  );
}

/** A copy of `bytes` with one bit flipped (bit index taken modulo the length). */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  const i = Math.floor(bit / 8) % out.length;
  out[i]! ^= 1 << (bit % 8);
  return out;
}

/** Random damage to an encoding: flip bits, overwrite, insert or delete bytes, truncate, extend. */
export function mutation(original: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = original.length;
  const at = fc.integer({ min: 0, max: Math.max(0, n - 1) });
  return fc.oneof(
    fc.tuple(fc.nat(n * 8 - 1)).map(([bit]) => flipBit(original, bit)),
    fc.tuple(at, fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
      const out = original.slice();
      out[i] = v;
      return out;
    }),
    fc
      .tuple(at, fc.integer({ min: 0, max: 255 }))
      .map(([i, v]) => concatBytes(original.subarray(0, i), Uint8Array.of(v), original.subarray(i))),
    at.map((i) => concatBytes(original.subarray(0, i), original.subarray(i + 1))),
    at.map((i) => original.subarray(0, i)),
    fc.uint8Array({ minLength: 1, maxLength: 3 }).map((extra) => concatBytes(original, extra)),
  );
}

/**
 * The canonical-encoding property every hashed or signed structure needs: damaged bytes either
 * fail to decode with one of our typed errors, or decode into a value whose encoding is exactly
 * those bytes (so no value has two encodings, and no decoder leaks a foreign exception).
 */
export function expectCanonicalOrRejected<T>(
  bytes: Uint8Array,
  decode: (b: Uint8Array) => T,
  encode: (v: T) => Uint8Array,
  errorClass: abstract new (...args: never[]) => Error = OpenchainError,
): 'accepted' | 'rejected' {
  let value: T;
  try {
    value = decode(bytes);
  } catch (err) {
    expect(err, `decoder threw a foreign error for ${bytesToHex(bytes)}`).toBeInstanceOf(errorClass);
    return 'rejected';
  }
  expect(bytesToHex(encode(value)), 'a decoded value must re-encode to the same bytes').toBe(
    bytesToHex(bytes),
  );
  return 'accepted';
}

/**
 * A JSON-safe copy with byte arrays as hex and bigints as `123n` strings: equality then ignores
 * Buffer vs Uint8Array, and failures print readably.
 */
export function printable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v) =>
      v instanceof Uint8Array ? bytesToHex(v) : typeof v === 'bigint' ? `${v}n` : v,
    ),
  );
}

/** Asserts that fn throws an instance of errorClass whose message matches `message`. */
export function expectError(
  fn: () => unknown,
  errorClass: abstract new (...args: never[]) => Error,
  message?: RegExp,
): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${errorClass.name}`).toBeInstanceOf(errorClass);
  if (message) expect((thrown as Error).message).toMatch(message);
  return thrown as Error;
}

/** Asserts that fn throws an OpenchainError with the given code and a message matching `message`. */
export function expectCodedError(fn: () => unknown, code: string, message?: RegExp): void {
  const thrown = expectError(fn, OpenchainError, message) as OpenchainError;
  expect(thrown.code).toBe(code);
}

// --- Validators with deterministic ed25519 keys -------------------------------------------------

export interface TestValidator extends Validator {
  readonly secretKey: Uint8Array;
}

export function testValidator(seed: string, power: bigint): TestValidator {
  const secretKey = sha256Node(new TextEncoder().encode(`openchain test validator ${seed}`));
  const pubKey = ed25519PublicKey(secretKey);
  return {
    address: validatorAddress(pubKey),
    pubKey,
    power,
    rewardAddress: addressFromBytes(sha256Node(pubKey).subarray(12)),
    secretKey,
  };
}

export function testValidators(powers: readonly bigint[], prefix = 'v'): TestValidator[] {
  return powers.map((power, i) => testValidator(`${prefix}${i}`, power));
}

export function signVote(chainId: bigint, vote: UnsignedVote, signer: TestValidator): Vote {
  return {
    ...vote,
    validator: signer.address,
    signature: ed25519Sign(voteSignBytes(chainId, vote), signer.secretKey),
  };
}

export function voteFor(
  signer: TestValidator,
  fields: Partial<Omit<UnsignedVote, 'validator'>> & { chainId?: bigint } = {},
): Vote {
  const { chainId = 7n, ...rest } = fields;
  const vote: UnsignedVote = {
    type: 2,
    height: 10,
    round: 0,
    blockHash: `0x${'ab'.repeat(32)}` as Hex,
    validator: signer.address as Address,
    ...rest,
  };
  return signVote(chainId, vote, signer);
}
