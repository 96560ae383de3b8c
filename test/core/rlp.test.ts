// Strict RLP: the official Ethereum vectors (test/core/vectors, see its README for the source),
// rejection of every non-canonical form, the integer helpers, and round trips against viem's codec.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { fromRlp, toRlp } from 'viem';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../../core/bytes.ts';
import { DecodeError } from '../../core/errors.ts';
import {
  asBigint,
  asBytes,
  asList,
  asSafeInt,
  MAX_RLP_DEPTH,
  type RlpInput,
  type RlpItem,
  rlpDecode,
  rlpDecodeReference,
  rlpEncode,
  rlpEncodedLength,
  rlpEncodeReference,
} from '../../core/rlp.ts';
import { expectCanonicalOrRejected, expectError, hexOf, mutation } from './helpers.ts';

type Vectors = Record<string, { in: unknown; out: string }>;
const readVectors = (name: string): Vectors =>
  JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as Vectors;
const valid = readVectors('rlptest.json');
const invalid = readVectors('invalidRLPTest.json');

/** The ethereum/tests conventions for `in`: #decimal bigint, 0x bytes, other strings UTF-8. */
function vectorInput(value: unknown): RlpInput {
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') {
    if (value.startsWith('#')) return BigInt(value.slice(1));
    if (value.startsWith('0x')) return hexOf(value);
    return utf8ToBytes(value);
  }
  if (Array.isArray(value)) return value.map(vectorInput);
  throw new Error(`unexpected vector input ${JSON.stringify(value)}`);
}

type HexTree = string | HexTree[];
/** Items as hex trees, so that comparisons print readably and ignore Buffer/Uint8Array differences. */
function hexTree(item: RlpItem): HexTree {
  return Array.isArray(item) ? item.map(hexTree) : bytesToHex(item);
}
function inputTree(input: RlpInput): HexTree {
  if (Array.isArray(input)) return input.map(inputTree);
  return hexTree(input instanceof Uint8Array ? input : rlpDecode(rlpEncode(input)));
}

function expectDecodeError(bytes: Uint8Array, message?: RegExp): void {
  expectError(() => rlpDecode(bytes), DecodeError, message);
}

describe('ethereum/tests RLPTests/rlptest.json', () => {
  it('has the vectors we expect (guards against a truncated copy)', () => {
    expect(Object.keys(valid)).toHaveLength(28); // upstream has 29; see vectors/README.md
    expect(Object.keys(invalid)).toHaveLength(17);
  });

  it.each(Object.entries(valid))('%s encodes and decodes', (_name, vector) => {
    const input = vectorInput(vector.in);
    expect(bytesToHex(rlpEncode(input))).toBe(vector.out.toLowerCase());
    const decoded = rlpDecode(hexOf(vector.out));
    // Integers decode to their minimal big-endian bytes, which is what inputTree produces for them.
    expect(hexTree(decoded)).toEqual(inputTree(input));
  });
});

describe('ethereum/tests RLPTests/invalidRLPTest.json', () => {
  it.each(Object.entries(invalid))('%s is rejected', (_name, vector) => {
    expect(vector.in).toBe('INVALID');
    expectDecodeError(hexOf(vector.out));
  });
});

describe('non-canonical and malformed encodings are rejected', () => {
  it.each([
    ['empty input (not an encoding of anything; the empty string is 0x80)', '', /empty input/],
    ['a single byte < 0x80 wrapped as a one-byte string', '8100', /single byte/],
    ['0x7f wrapped as a one-byte string', '817f', /single byte/],
    ['long-form length for a 1-byte string', 'b80100', /long form/],
    ['long-form length for a 55-byte string', `b837${'61'.repeat(55)}`, /long form/],
    ['long-form length for a short list', `f803${'010203'}`, /long form/],
    ['leading zero in a string length', `b90038${'61'.repeat(56)}`, /leading zero/],
    ['leading zero in a list length', `f90038${'01'.repeat(56)}`, /leading zero/],
    ['trailing byte after a string', '8361626300', /trailing bytes/],
    ['trailing empty list after a list', 'c0c0', /trailing bytes/],
    ['truncated short string', '83616263'.slice(0, 6), /runs past the data/],
    ['truncated short list', 'c3010203'.slice(0, 6), /runs past the data/],
    ['truncated long string', `b838${'61'.repeat(55)}`, /runs past the data/],
    ['truncated long list', `f838${'01'.repeat(55)}`, /runs past the data/],
    ['length-of-length missing', 'b9', /runs past the data/],
    ['list payload that ends inside an item', 'c28300', /runs past the data/],
  ])('%s', (_name, hex, message) => {
    expectDecodeError(hexOf(hex), message);
  });
});

describe('field helpers', () => {
  const item = (hex: string) => hexOf(hex);

  it('asBigint reads canonical integers and rejects leading zeros, lists and overlong values', () => {
    expect(asBigint(item(''), 'x')).toBe(0n);
    expect(asBigint(item('7f'), 'x')).toBe(127n);
    expect(asBigint(item('0100'), 'x')).toBe(256n);
    expect(asBigint(item('ff'.repeat(32)), 'x')).toBe(2n ** 256n - 1n);
    expect(() => asBigint(item('00'), 'nonce')).toThrow(/nonce: integer has leading zero bytes/);
    expect(() => asBigint(item('0001'), 'nonce')).toThrow(/leading zero/);
    expect(() => asBigint(item('01'.repeat(33)), 'value')).toThrow(/value: integer longer than 32 bytes/);
    expect(() => asBigint(item('01'.repeat(9)), 'gas', 8)).toThrow(/longer than 8 bytes/);
    expect(() => asBigint([], 'nonce')).toThrow(/nonce: expected a byte string/);
    expect(() => asBigint(undefined, 'nonce')).toThrow(DecodeError);
  });

  it('asSafeInt rejects integers above 2^53 - 1', () => {
    expect(asSafeInt(item('1fffffffffffff'), 'h')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => asSafeInt(item('20000000000000'), 'h')).toThrow(/h: integer too large/);
  });

  it('asBytes and asList check kind and exact length', () => {
    expect(asBytes(item('aabb'), 'f', 2)).toEqual(item('aabb'));
    expect(() => asBytes(item('aabb'), 'f', 3)).toThrow(/f: expected 3 bytes, got 2/);
    expect(() => asBytes([], 'f')).toThrow(/f: expected a byte string/);
    expect(asList([item('01'), []], 'l', 2)).toHaveLength(2);
    expect(() => asList([item('01')], 'l', 2)).toThrow(/l: expected 2 items, got 1/);
    expect(() => asList(item('01'), 'l')).toThrow(/l: expected an RLP list/);
  });

  it('encoding refuses negative and fractional numbers, saying why', () => {
    expect(() => rlpEncode(-1n)).toThrow(new RangeError('RLP integer must be non-negative'));
    expect(() => rlpEncode(1.5)).toThrow(
      new RangeError('RLP integer must be a non-negative safe integer: 1.5'),
    );
  });

  it('a single byte from 0x80 up is a one-byte string, not itself', () => {
    expect(bytesToHex(rlpEncode(Uint8Array.of(0x7f)))).toBe('0x7f');
    expect(bytesToHex(rlpEncode(Uint8Array.of(0x80)))).toBe('0x8180');
    expect(rlpEncodedLength(Uint8Array.of(0x80))).toBe(2);
  });
});

// Nested items with byte strings on both sides of the 55-byte short/long boundary.
const { rlpItem } = fc.letrec<{ rlpItem: RlpItem }>((tie) => ({
  rlpItem: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(
      fc.uint8Array({ maxLength: 2 }),
      fc.uint8Array({ minLength: 54, maxLength: 58 }),
      fc.uint8Array({ maxLength: 300 }),
    ),
    fc.array(tie('rlpItem'), { maxLength: 6 }),
  ),
}));

describe('properties', () => {
  it('decode(encode(x)) = x, the encoding equals viem toRlp, and its length is measured alike', () => {
    fc.assert(
      fc.property(rlpItem, (value) => {
        const encoded = rlpEncode(value);
        expect(rlpEncodedLength(value)).toBe(encoded.length);
        expect(hexTree(rlpDecode(encoded))).toEqual(hexTree(value));
        expect(bytesToHex(encoded)).toBe(toRlp(hexTree(value) as never, 'hex'));
        expect(hexTree(fromRlp(encoded, 'bytes') as RlpItem)).toEqual(hexTree(value));
      }),
      { numRuns: 500 },
    );
  });

  it('integers of every width encode as the reference and round-trip through asBigint', () => {
    const anyWidth = fc
      .integer({ min: 0, max: 256 })
      .chain((bits) => fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n }));
    fc.assert(
      fc.property(anyWidth, (n) => {
        expect(rlpEncode(n)).toEqual(rlpEncodeReference(n));
        expect(asBigint(rlpDecode(rlpEncode(n)), 'n')).toBe(n);
      }),
      { numRuns: 1000 },
    );
  });

  it('decoding accepts and rejects exactly what the reference decoder does, with the same values', () => {
    const outcome = (decode: (b: Uint8Array) => RlpItem, bytes: Uint8Array) => {
      try {
        return hexTree(decode(bytes));
      } catch (err) {
        expect(err).toBeInstanceOf(DecodeError);
        return 'rejected';
      }
    };
    const counts = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(
        fc.oneof(
          rlpItem.map((value) => rlpEncode(value)),
          rlpItem.chain((value) => mutation(rlpEncode(value))),
          fc.uint8Array({ maxLength: 80 }),
        ),
        (bytes) => {
          const expected = outcome(rlpDecodeReference, bytes);
          expect(outcome(rlpDecode, bytes)).toEqual(expected);
          counts[expected === 'rejected' ? 'rejected' : 'accepted']++;
        },
      ),
      { numRuns: 3000 },
    );
    expect(counts.accepted).toBeGreaterThan(300);
    expect(counts.rejected).toBeGreaterThan(300);
  });

  it(`bounds list nesting at ${MAX_RLP_DEPTH} levels with a decoding error, not a stack overflow`, () => {
    type Nested = Nested[];
    const nest = (levels: number): Nested => (levels === 1 ? [] : [nest(levels - 1)]);
    expect(rlpDecode(rlpEncode(nest(MAX_RLP_DEPTH)))).toEqual(nest(MAX_RLP_DEPTH));
    expect(() => rlpDecode(rlpEncode(nest(MAX_RLP_DEPTH + 1)))).toThrow(DecodeError);
    // 40,000 nested list headers of 4 bytes each (0xfa: a 3-byte length), no content.
    const headers = Array.from({ length: 40_000 }, (_, i) => {
      const length = (40_000 - 1 - i) * 4;
      return [0xfa, length >> 16, (length >> 8) & 0xff, length & 0xff];
    });
    expect(() => rlpDecode(new Uint8Array(headers.flat()))).toThrow(/nested deeper than/);
  });

  it('damaged encodings are either rejected or are the canonical encoding of what they decode to', () => {
    const counts = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(
        rlpItem.chain((value) => mutation(rlpEncode(value))),
        (bytes) => {
          counts[
            expectCanonicalOrRejected(
              bytes,
              (b) => rlpDecode(b),
              (v) => rlpEncode(v),
            )
          ]++;
        },
      ),
      { numRuns: 1000 },
    );
    expect(counts.accepted).toBeGreaterThan(50);
    expect(counts.rejected).toBeGreaterThan(50);
  });
});
