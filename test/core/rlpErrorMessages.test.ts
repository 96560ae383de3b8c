// The exact message of every RLP decoding error, with the name of what was being decoded (the
// `what` argument, "RLP" by default), from the strict decoder and from the reference decoder it is
// tested against; and where a long-form header that ends exactly at the data's end is reported.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.ts';
import { MAX_RLP_DEPTH, rlpDecode, rlpDecodeReference, rlpEncode } from '../../core/rlp.ts';
import { expectError, hexOf } from './helpers.ts';

/** The message of the DecodeError `run` throws (fails if it throws anything else, or nothing). */
const message = (run: () => unknown): string => expectError(run, DecodeError).message;

describe('rlpDecode error messages', () => {
  it.each([
    ['', 'malformed RLP: empty input'],
    ['8100', 'malformed RLP: single byte below 0x80 with a length prefix'],
    ['b80100', 'malformed RLP: long form for a length of 1'],
    [`b90038${'61'.repeat(56)}`, 'malformed RLP: length with leading zero bytes'],
    ['8361626300', 'malformed RLP: trailing bytes after the item'],
    ['b9', 'malformed RLP: length runs past the data'],
    ['b901', 'malformed RLP: length runs past the data'],
    // The length bytes end exactly at the data's end: the length is read, the item is what is missing.
    ['b838', 'malformed RLP: item runs past the data'],
    ['b90100', 'malformed RLP: item runs past the data'],
    ['f838', 'malformed RLP: item runs past the data'],
  ])('%s', (hex, expected) => {
    expect(message(() => rlpDecode(hexOf(hex)))).toBe(expected);
  });

  it('names what was being decoded', () => {
    expect(message(() => rlpDecode(new Uint8Array(0), 'block'))).toBe('malformed block: empty input');
    expect(message(() => rlpDecode(hexOf('c0c0'), 'vote'))).toBe(
      'malformed vote: trailing bytes after the item',
    );
  });

  it(`refuses a list nested ${MAX_RLP_DEPTH + 1} deep, naming the bound`, () => {
    type Nested = Nested[];
    const nest = (levels: number): Nested => (levels === 1 ? [] : [nest(levels - 1)]);
    expect(message(() => rlpDecode(rlpEncode(nest(MAX_RLP_DEPTH + 1))))).toBe(
      'malformed RLP: lists nested deeper than 32',
    );
  });

  it('decodes a single byte of 0x80 or above with its length prefix', () => {
    expect(rlpDecode(hexOf('8180'))).toEqual(hexOf('80'));
    expect(rlpDecode(hexOf('81ff'))).toEqual(hexOf('ff'));
  });
});

describe('rlpDecodeReference error messages', () => {
  it('refuses empty input (which the library would read as the empty string), naming what was decoded', () => {
    expect(message(() => rlpDecodeReference(new Uint8Array(0)))).toBe('malformed RLP: empty input');
    expect(message(() => rlpDecodeReference(new Uint8Array(0), 'tx'))).toBe('malformed tx: empty input');
  });

  it('wraps the library error with what was decoded', () => {
    expect(message(() => rlpDecodeReference(hexOf('8100')))).toMatch(/^malformed RLP: .+/);
    expect(message(() => rlpDecodeReference(hexOf('8100'), 'tx'))).toMatch(/^malformed tx: .+/);
  });
});
