// Differential tests: the libsecp256k1 binding (nativeBackend) against @noble/curves (nobleBackend)
// on the same inputs, through the checked entry point recoverPublicKey and through the raw backends.
// The binding is expected to load wherever the package ships a prebuild (linux-x64 in CI); if it does
// not, every differential test fails with the reason instead of being skipped.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { secp256k1 as noble } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigintToFixedBytes, bytesToHex, type Hex } from '../../core/bytes.ts';
import {
  nativeBackend,
  nobleBackend,
  type RecoverableSignature,
  recoverPublicKey,
  SECP256K1_HALF_N,
  SECP256K1_N,
  type Secp256k1Backend,
  SignatureError,
  secp256k1Backend,
  signHash,
} from '../../core/secp256k1.ts';
import { bytesOf, printable, secp256k1PrivateKey } from './helpers.ts';

const N = SECP256K1_N;
const P = noble.Point.CURVE().p;

function requireNative(): Secp256k1Backend {
  if (!nativeBackend) {
    throw new Error(
      'the libsecp256k1 binding did not load (nativeBackend is undefined): the native/noble differential ' +
        'tests cannot run. Check that `npm ci` ran the secp256k1 install script and OPENCHAIN_NO_NATIVE is unset.',
    );
  }
  return nativeBackend;
}

const u256Bytes = (value: bigint) => bigintToFixedBytes(value, 32);

type Outcome = { key: Hex } | { error: string };

/** What recoverPublicKey does with one backend: the key, or the SignatureError's message. */
function checkedOutcome(backend: Secp256k1Backend, msg: Uint8Array, sig: RecoverableSignature): Outcome {
  try {
    return { key: bytesToHex(recoverPublicKey(msg, sig, backend)) };
  } catch (err) {
    if (err instanceof SignatureError) return { error: err.message };
    throw err;
  }
}

/** The raw backend without our range checks: the key, or that it threw (messages differ by library). */
function rawOutcome(backend: Secp256k1Backend, msg: Uint8Array, sig64: Uint8Array, yParity: number): Outcome {
  try {
    return { key: bytesToHex(backend.recover(msg, sig64, yParity)) };
  } catch {
    return { error: 'threw' };
  }
}

/** Runs recoverPublicKey on both backends, asserts they agree, and returns the common outcome. */
function recoverOnBoth(msg: Uint8Array, sig: RecoverableSignature): Outcome {
  const native = checkedOutcome(requireNative(), msg, sig);
  expect(
    checkedOutcome(nobleBackend, msg, sig),
    `msg ${bytesToHex(msg)} sig ${JSON.stringify(printable(sig))}`,
  ).toEqual(native);
  return native;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

/** Euler's criterion: x is the x-coordinate of a curve point iff x^3 + 7 is a square mod p. */
function isCurveX(x: bigint): boolean {
  return modPow((x ** 3n + 7n) % P, (P - 1n) / 2n, P) !== P - 1n;
}

describe('secp256k1 backend selection', () => {
  it('loads the libsecp256k1 binding and uses it by default', () => {
    expect(
      nativeBackend,
      'secp256k1 binding failed to load; see requireNative() for what to check',
    ).toBeDefined();
    expect(secp256k1Backend.name).toBe('native');
  });

  it('selects noble under OPENCHAIN_NO_NATIVE=1 and still signs and recovers (the node runs without the binding)', async () => {
    // A fresh process, because the choice is made once at module load.
    const tx = fileURLToPath(new URL('../../core/tx.ts', import.meta.url));
    const secp = fileURLToPath(new URL('../../core/secp256k1.ts', import.meta.url));
    const script = `
      const { secp256k1Backend, nativeBackend } = await import(${JSON.stringify(secp)});
      const { decodeTx, recoverSender, signTx } = await import(${JSON.stringify(tx)});
      const { hexToBytes, bytesToHex } = await import(${JSON.stringify(fileURLToPath(new URL('../../core/bytes.ts', import.meta.url)))});
      const decoded = decodeTx(hexToBytes(process.argv[1]));
      const resigned = signTx(decoded, new Uint8Array(32).fill(0x46));
      console.log(JSON.stringify({
        backend: secp256k1Backend.name,
        nativeLoaded: nativeBackend !== undefined,
        sender: recoverSender(decoded),
        resignedIdentically: bytesToHex(resigned.raw) === process.argv[1],
      }));`;
    const run = promisify(execFile);
    const child = (env: NodeJS.ProcessEnv) =>
      run(typeScriptNode(), ['--input-type=module', '-e', script, EIP155_SIGNED_TX], {
        env,
        timeout: 20_000,
      });
    const [withoutNative, control] = await Promise.all([
      child({ ...process.env, OPENCHAIN_NO_NATIVE: '1' }),
      child({ ...process.env, OPENCHAIN_NO_NATIVE: '' }),
    ]);
    const expected = { sender: EIP155_SENDER, resignedIdentically: true };
    expect(JSON.parse(withoutNative.stdout)).toEqual({ backend: 'noble', nativeLoaded: false, ...expected });
    // The control run proves it is the variable that switches the backend.
    expect(JSON.parse(control.stdout)).toEqual({ backend: 'native', nativeLoaded: true, ...expected });
  });
});

/** A Node that runs .ts files: the one running the tests if it can, else the node@24 devDependency. */
function typeScriptNode(): string {
  if (process.features.typescript) return process.execPath;
  return fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
}

// The EIP-155 example transaction (from the EIP text), signed with private key 0x4646…46.
const EIP155_SIGNED_TX =
  '0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83';
const EIP155_SENDER = '0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f';

describe('native and noble agree on signing and recovery', () => {
  it('signs identically and recovers the signer on 500 random keys and messages', () => {
    const native = requireNative();
    fc.assert(
      fc.property(secp256k1PrivateKey, bytesOf(32), (key, msg) => {
        const a = native.sign(msg, key);
        const b = nobleBackend.sign(msg, key);
        expect(bytesToHex(a.sig64)).toBe(bytesToHex(b.sig64));
        expect(a.yParity).toBe(b.yParity);
        const publicKey = bytesToHex(nobleBackend.publicKey(key));
        expect(bytesToHex(native.publicKey(key))).toBe(publicKey);
        const sig = signHash(msg, key, native);
        expect(sig.s <= SECP256K1_HALF_N).toBe(true);
        expect(recoverOnBoth(msg, sig)).toEqual({ key: publicKey });
      }),
      { numRuns: 500 },
    );
  });

  it('signs identically for message hashes at or above the group order', () => {
    // libsecp256k1 as bundled by `secp256k1` 5 feeds the unreduced hash to its RFC 6979 nonce
    // function; nativeBackend.sign reduces it first, as RFC 6979 and noble do.
    const native = requireNative();
    const key = u256Bytes(0x1234567890abcdefn);
    for (const m of [N, N + 1n, 2n ** 256n - 1n]) {
      const msg = u256Bytes(m);
      const a = native.sign(msg, key);
      expect(bytesToHex(a.sig64), `hash 0x${m.toString(16)}`).toBe(
        bytesToHex(nobleBackend.sign(msg, key).sig64),
      );
      expect(recoverOnBoth(msg, signHash(msg, key, native))).toEqual({
        key: bytesToHex(nobleBackend.publicKey(key)),
      });
    }
  });

  it('agrees on 1,500 random 64-byte signatures: the same key or the same SignatureError', () => {
    const native = requireNative();
    const counts = { recovered: 0, rejected: 0, rawCompared: 0 };
    // Half raw garbage (mostly in range, half of it high-s), half in range and low-s, so that the
    // "no key recovers" path (r not an x-coordinate) is hit as often as successful recovery.
    const garbage = bytesOf(64);
    const inRange = fc
      .tuple(fc.bigInt({ min: 1n, max: N - 1n }), fc.bigInt({ min: 1n, max: SECP256K1_HALF_N }))
      .map(([r, s]) => new Uint8Array([...u256Bytes(r), ...u256Bytes(s)]));
    fc.assert(
      fc.property(fc.oneof(garbage, inRange), bytesOf(32), fc.constantFrom(0, 1), (sig64, msg, yParity) => {
        const sig = { r: toBig(sig64.subarray(0, 32)), s: toBig(sig64.subarray(32)), yParity };
        const outcome = recoverOnBoth(msg, sig);
        counts['key' in outcome ? 'recovered' : 'rejected']++;
        // What our range checks stopped (mostly high s) must also agree on the bare backends.
        if ('error' in outcome && !/no public key/.test(outcome.error)) {
          counts.rawCompared++;
          expect(rawOutcome(nobleBackend, msg, sig64, yParity)).toEqual(
            rawOutcome(native, msg, sig64, yParity),
          );
        }
      }),
      { numRuns: 1500 },
    );
    expect(counts.recovered).toBeGreaterThan(250);
    expect(counts.rejected).toBeGreaterThan(250);
    expect(counts.rawCompared).toBeGreaterThan(100);
  });
});

function toBig(bytes: Uint8Array): bigint {
  return BigInt(bytesToHex(bytes));
}

describe('edge cases are rejected or accepted identically by both backends', () => {
  const msg = u256Bytes(0x0123456789n);
  // A real R: x-coordinate of 12345·G, below n, so it is a valid r.
  const R = noble.Point.BASE.multiply(12345n);
  const validR = R.x % N;

  it.each<[string, bigint, bigint, number, RegExp]>([
    ['r = 0', 0n, 1n, 0, /r out of range/],
    ['r = n', N, 1n, 0, /r out of range/],
    ['r > n', N + 1n, 1n, 0, /r out of range/],
    ['r = 2^256 - 1', 2n ** 256n - 1n, 1n, 0, /r out of range/],
    ['s = 0', validR, 0n, 0, /s out of range/],
    ['s = n', validR, N, 0, /s out of range/],
    ['s > n', validR, N + 5n, 0, /s out of range/],
    ['s = n/2 + 1 (high s)', validR, SECP256K1_HALF_N + 1n, 0, /high-s/],
    ['s = n - 1 (high s)', validR, N - 1n, 1, /high-s/],
    ['y parity 2', validR, 1n, 2, /y parity/],
    ['y parity 3', validR, 1n, 3, /y parity/],
    ['y parity -1', validR, 1n, -1, /y parity/],
  ])('%s is rejected', (_name, r, s, yParity, reason) => {
    const outcome = recoverOnBoth(msg, { r, s, yParity });
    expect(outcome).toEqual({ error: expect.stringMatching(reason) });
  });

  it('s = floor(n/2) is the largest accepted s, and the recovered key verifies the signature', () => {
    const outcome = recoverOnBoth(msg, { r: validR, s: SECP256K1_HALF_N, yParity: 0 });
    if (!('key' in outcome)) throw new Error(`expected a key, got ${outcome.error}`);
    const compact = new noble.Signature(validR, SECP256K1_HALF_N).toBytes('compact');
    expect(noble.verify(compact, msg, Buffer.from(outcome.key.slice(2), 'hex'), { prehash: false })).toBe(
      true,
    );
  });

  it('an r that is not the x-coordinate of any curve point recovers no key', () => {
    let r = 1n;
    while (isCurveX(r)) r++;
    expect(r).toBe(5n); // 5^3 + 7 = 132 is not a square mod p
    for (const yParity of [0, 1]) {
      expect(recoverOnBoth(msg, { r, s: 1n, yParity })).toEqual({
        error: expect.stringMatching(/no public key/),
      });
    }
    // And r + n as an x-coordinate is never consulted: yParity 2/3 are rejected before recovery.
    expect(recoverOnBoth(msg, { r, s: 1n, yParity: 2 })).toEqual({
      error: expect.stringMatching(/y parity/),
    });
  });

  it('a signature whose recovered key would be the point at infinity is rejected', () => {
    // Q = r^-1 (s·R - e·G) is infinity when s·k = e (mod n) for R = k·G.
    const k = 12345n;
    const e = 777n;
    let s = (e * modPow(k, N - 2n, N)) % N;
    let yParity = Number(R.y & 1n);
    if (s > SECP256K1_HALF_N) {
      s = N - s; // negating s is the same as using -R, whose y has the other parity
      yParity ^= 1;
    }
    const eBytes = u256Bytes(e);
    expect(recoverOnBoth(eBytes, { r: validR, s, yParity })).toEqual({
      error: expect.stringMatching(/no public key/),
    });
    // The same r and s with the other parity is an ordinary key: the infinity case is exactly one point.
    expect(recoverOnBoth(eBytes, { r: validR, s, yParity: yParity ^ 1 })).toHaveProperty('key');
  });

  it('the zero message hash and the all-ones hash recover the signer on both', () => {
    const key = u256Bytes(42n);
    for (const m of [0n, 2n ** 256n - 1n]) {
      const hash = u256Bytes(m);
      expect(recoverOnBoth(hash, signHash(hash, key, nobleBackend))).toEqual({
        key: bytesToHex(nobleBackend.publicKey(key)),
      });
    }
  });
});
