// hash-wasm's keccak256 / sha256 (the fast paths) against @noble/hashes and node:crypto (the
// references), on known vectors and on random inputs of every length around the block sizes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, utf8ToBytes } from '../../core/bytes.ts';
import {
  hashBackend,
  keccak256,
  keccak256Concat,
  keccak256Reference,
  sha256,
  sha256Concat,
  sha256Reference,
} from '../../core/hash.ts';

const hex = bytesToHex;

describe('hash backends', () => {
  it('uses the WebAssembly implementations (otherwise the comparisons below compare a function with itself)', () => {
    expect(hashBackend).toEqual({ keccak: 'wasm', sha256: 'wasm' });
  });
});

describe('known vectors', () => {
  it.each([
    ['keccak256', '', '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'],
    ['keccak256', 'abc', '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45'],
    ['sha256', '', '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['sha256', 'abc', '0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'sha256',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '0x248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ] as const)('%s(%j)', (fn, input, expected) => {
    const data = utf8ToBytes(input);
    const [fast, reference] =
      fn === 'keccak256' ? [keccak256, keccak256Reference] : [sha256, sha256Reference];
    expect(hex(fast(data))).toBe(expected);
    expect(hex(reference(data))).toBe(expected);
  });

  it('keccak256 of a transfer event signature is the well-known topic0', () => {
    expect(hex(keccak256(utf8ToBytes('Transfer(address,address,uint256)')))).toBe(
      '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
    );
  });
});

describe('fast paths match the references', () => {
  it('on every length 0..300 (crossing the 64- and 136-byte block boundaries)', () => {
    const data = new Uint8Array(300).map((_, i) => (i * 131 + 7) & 0xff);
    for (let n = 0; n <= data.length; n++) {
      const input = data.subarray(0, n);
      expect(hex(keccak256(input)), `keccak length ${n}`).toBe(hex(keccak256Reference(input)));
      expect(hex(sha256(input)), `sha256 length ${n}`).toBe(hex(sha256Reference(input)));
    }
  });

  it('on random inputs of length 0..2000', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (input) => {
        expect(hex(keccak256(input))).toBe(hex(keccak256Reference(input)));
        expect(hex(sha256(input))).toBe(hex(sha256Reference(input)));
      }),
      { numRuns: 300 },
    );
  });

  it('sha256Concat and keccak256Concat equal the hash of the concatenation, for any split into parts', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (parts) => {
        expect(hex(sha256Concat(...parts))).toBe(hex(sha256Reference(concatBytes(...parts))));
        expect(hex(keccak256Concat(...parts))).toBe(hex(keccak256Reference(concatBytes(...parts))));
      }),
      { numRuns: 300 },
    );
  });

  it('joins short parts and feeds long ones, alike on either side of 512 bytes', () => {
    for (let length = 500; length <= 520; length++) {
      const whole = new Uint8Array(length).map((_, i) => i * 7);
      const parts = [whole.subarray(0, 1), whole.subarray(1, 200), whole.subarray(200)];
      expect(hex(sha256Concat(...parts))).toBe(hex(sha256Reference(whole)));
      expect(hex(keccak256Concat(...parts))).toBe(hex(keccak256Reference(whole)));
      // A digest is not a view of the shared buffer the parts were joined in.
      const first = sha256Concat(whole.subarray(0, 10), whole.subarray(10, 20));
      const copy = hex(first);
      sha256Concat(new Uint8Array(40), new Uint8Array(40));
      expect(hex(first)).toBe(copy);
    }
  });

  it('returns fresh arrays: a later call does not overwrite an earlier digest (shared wasm hasher)', () => {
    const a = keccak256(utf8ToBytes('a'));
    const s = sha256Concat(utf8ToBytes('b'), utf8ToBytes('c'));
    const aCopy = hex(a);
    const sCopy = hex(s);
    keccak256(utf8ToBytes('other'));
    sha256(utf8ToBytes('other'));
    expect(hex(a)).toBe(aCopy);
    expect(hex(s)).toBe(sCopy);
    expect(hex(s)).toBe(hex(sha256Reference(utf8ToBytes('bc'))));
  });

  it('hashes views into larger buffers by their own bytes only', () => {
    const backing = new Uint8Array(64).map((_, i) => i);
    const view = backing.subarray(10, 42);
    expect(hex(keccak256(view))).toBe(hex(keccak256Reference(backing.slice(10, 42))));
    expect(hex(sha256(view))).toBe(hex(sha256Reference(backing.slice(10, 42))));
  });
});
