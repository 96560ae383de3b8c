// Strict RLP: decoding helpers that reject anything geth would reject as non-canonical, so every
// hashed or signed object has exactly one encoding.
import { RLP } from '@ethereumjs/rlp';
import { bigintToBytes, bytesToBigint } from './bytes.ts';
import { DecodeError } from './errors.ts';
import type { RlpInput } from './rlpEncode.ts';

export { type RlpInput, rlpEncode, rlpEncodedLength } from './rlpEncode.ts';

export type RlpItem = Uint8Array | RlpItem[];

type Normalized = Uint8Array | Normalized[];
function normalize(input: RlpInput): Normalized {
  if (input instanceof Uint8Array) return input;
  if (Array.isArray(input)) return input.map(normalize);
  return bigintToBytes(BigInt(input as bigint | number));
}

/** The reference encoder (@ethereumjs/rlp), which the fast one in rlpEncode.ts is tested against. */
export function rlpEncodeReference(input: RlpInput): Uint8Array {
  return RLP.encode(normalize(input));
}

/**
 * Decodes exactly one item; trailing bytes and non-canonical lengths are errors. Byte strings are
 * views into `bytes`, not copies: the reference decoder copied every list's payload and every
 * string, twice the 11 KB of an inference record's calldata per transaction.
 * test/core/rlp.test.ts holds it equal to rlpDecodeReference on random and damaged inputs.
 */
/** Where the item readItem last read ends. */
let next = 0;

/**
 * Deepest list nesting accepted. Our formats nest at most a handful of levels (a block's evidence
 * holds votes); without a bound, a transaction of nested list headers within the size limit would
 * overflow the stack and surface as an internal error instead of a decoding error.
 */
export const MAX_RLP_DEPTH = 32;

export function rlpDecode(bytes: Uint8Array, what = 'RLP'): RlpItem {
  if (bytes.length === 0) throw new DecodeError(`malformed ${what}: empty input`);
  const item = readItem(bytes, 0, bytes.length, what, 0);
  if (next !== bytes.length) throw new DecodeError(`malformed ${what}: trailing bytes after the item`);
  return item;
}

function malformed(what: string, why: string): never {
  throw new DecodeError(`malformed ${what}: ${why}`);
}

function readItem(bytes: Uint8Array, pos: number, limit: number, what: string, depth: number): RlpItem {
  const b = bytes[pos]!;
  if (b < 0x80) {
    next = pos + 1;
    return bytes.subarray(pos, next);
  }
  const isList = b >= 0xc0;
  const short = b - (isList ? 0xc0 : 0x80);
  let start = pos + 1;
  let length = short;
  if (short > 55) {
    const lengthOfLength = short - 55;
    start += lengthOfLength;
    if (start > limit) malformed(what, 'length runs past the data');
    if (bytes[pos + 1] === 0) malformed(what, 'length with leading zero bytes');
    length = 0;
    for (let i = pos + 1; i < start; i++) length = length * 256 + bytes[i]!;
    if (length <= 55) malformed(what, `long form for a length of ${length}`);
  }
  const end = start + length;
  if (end > limit) malformed(what, 'item runs past the data');
  if (!isList) {
    if (length === 1 && bytes[start]! < 0x80) malformed(what, 'single byte below 0x80 with a length prefix');
    next = end;
    return bytes.subarray(start, end);
  }
  if (depth === MAX_RLP_DEPTH) malformed(what, `lists nested deeper than ${MAX_RLP_DEPTH}`);
  const items: RlpItem[] = [];
  for (let at = start; at < end; at = next) items.push(readItem(bytes, at, end, what, depth + 1));
  next = end;
  return items;
}

/** The reference decoder (@ethereumjs/rlp), which rlpDecode is tested against. */
export function rlpDecodeReference(bytes: Uint8Array, what = 'RLP'): RlpItem {
  // @ethereumjs/rlp returns an empty byte string for empty input, which would give the empty string
  // a second encoding besides 0x80.
  if (bytes.length === 0) throw new DecodeError(`malformed ${what}: empty input`);
  try {
    return RLP.decode(bytes) as RlpItem;
  } catch (err) {
    throw new DecodeError(`malformed ${what}: ${(err as Error).message}`);
  }
}

export function asList(item: RlpItem | undefined, field: string, length?: number): RlpItem[] {
  if (!Array.isArray(item)) throw new DecodeError(`${field}: expected an RLP list`);
  if (length !== undefined && item.length !== length) {
    throw new DecodeError(`${field}: expected ${length} items, got ${item.length}`);
  }
  return item;
}

export function asBytes(item: RlpItem | undefined, field: string, length?: number): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new DecodeError(`${field}: expected a byte string`);
  if (length !== undefined && item.length !== length) {
    throw new DecodeError(`${field}: expected ${length} bytes, got ${item.length}`);
  }
  return item;
}

/** Canonical unsigned integer: no leading zero bytes, at most maxBytes long. */
export function asBigint(item: RlpItem | undefined, field: string, maxBytes = 32): bigint {
  const bytes = asBytes(item, field);
  if (bytes.length > maxBytes) throw new DecodeError(`${field}: integer longer than ${maxBytes} bytes`);
  if (bytes.length > 0 && bytes[0] === 0) throw new DecodeError(`${field}: integer has leading zero bytes`);
  return bytesToBigint(bytes);
}

export function asSafeInt(item: RlpItem | undefined, field: string): number {
  const value = asBigint(item, field, 8);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError(`${field}: integer too large`);
  return Number(value);
}
