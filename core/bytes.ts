// Byte and hex helpers shared by every layer. Hex strings are always 0x-prefixed and lowercase
// when we produce them; parsing accepts either case.

export type Hex = `0x${string}`;

const HEX_RE = /^0x[0-9a-fA-F]*$/;

export function isHex(value: unknown): value is Hex {
  return typeof value === 'string' && HEX_RE.test(value);
}

/** Character codes of the two hex digits of each byte value: [high, low] at 2b, 2b + 1. */
const HEX_CODES = new Uint16Array(512);
for (let b = 0; b < 256; b++) {
  const pair = b.toString(16).padStart(2, '0');
  HEX_CODES[2 * b] = pair.charCodeAt(0);
  HEX_CODES[2 * b + 1] = pair.charCodeAt(1);
}
const hexCodes: number[] = [];

export function bytesToHex(bytes: Uint8Array): Hex {
  // Small arrays (hashes, addresses) from character codes in one call: wrapping them in a Buffer
  // reads `.buffer`, which makes V8 move an on-heap typed array off the heap, and appending pairs
  // to a string builds a rope of one object per byte, flattened again when the string is first
  // used as a Map key (mempool lookups, state keys).
  if (bytes.length <= 64) {
    hexCodes.length = 2 + 2 * bytes.length;
    hexCodes[0] = 0x30; // '0'
    hexCodes[1] = 0x78; // 'x'
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      hexCodes[2 + 2 * i] = HEX_CODES[2 * b]!;
      hexCodes[3 + 2 * i] = HEX_CODES[2 * b + 1]!;
    }
    return String.fromCharCode.apply(null, hexCodes) as Hex;
  }
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** Value of each hex digit by character code, -1 for anything else. */
const HEX_DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_DIGITS['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_DIGITS['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Parses 0x-prefixed hex of even length; throws a RangeError naming the problem otherwise. */
export function hexToBytes(hex: string): Uint8Array {
  // Addresses, hashes and topics digit by digit: the regex test, the Buffer and its copy cost more.
  if (hex.length <= 130 && hex.length % 2 === 0 && hex.startsWith('0x')) {
    const out = new Uint8Array((hex.length - 2) / 2);
    for (let i = 0, j = 2; i < out.length; i++, j += 2) {
      const high = HEX_DIGITS[hex.charCodeAt(j)] ?? -1;
      const low = HEX_DIGITS[hex.charCodeAt(j + 1)] ?? -1;
      if ((high | low) < 0) throw new RangeError('expected 0x-prefixed hex');
      out[i] = high * 16 + low;
    }
    return out;
  }
  // Longer ones (raw transactions, calldata) through Buffer, which stops at the first pair that is
  // not hex: a short result is the check, about three times cheaper than testing the regex first.
  // Buffer reads only the low byte of a character ('\u0161' as 'a'), so non-ASCII text goes to the regex.
  if (hex.startsWith('0x') && hex.length % 2 === 0 && Buffer.byteLength(hex, 'utf8') === hex.length) {
    const decoded = Buffer.from(hex.slice(2), 'hex');
    if (decoded.length * 2 === hex.length - 2) return new Uint8Array(decoded);
  }
  if (!HEX_RE.test(hex)) throw new RangeError('expected 0x-prefixed hex');
  throw new RangeError('hex has an odd number of digits');
}

export function bigintToHex(value: bigint): Hex {
  if (value < 0n) throw new RangeError('negative quantity');
  return `0x${value.toString(16)}`;
}

/** Minimal big-endian encoding (empty for zero), as RLP wants integers. */
export function bigintToBytes(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError('negative integer');
  if (value === 0n) return new Uint8Array(0);
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Big-endian fixed width; throws if the value does not fit. */
export function bigintToFixedBytes(value: bigint, width: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative integer');
  const hex = value.toString(16).padStart(width * 2, '0');
  if (hex.length > width * 2) throw new RangeError(`integer does not fit in ${width} bytes`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** The big-endian integer in bytes [from, to): a range, so callers need no subarray view. */
export function bytesToBigint(bytes: Uint8Array, from = 0, to = bytes.length): bigint {
  // Nonces, gas and most amounts fit in 48 bits: plain number arithmetic is exact there and avoids
  // building a hex string on the hot path of transaction and account decoding. Balances and fees
  // (up to 96 bits) are read as two such halves.
  const n = to - from;
  if (n <= 6) return BigInt(bytesToNumber(bytes, from, to));
  if (n <= 12)
    return (BigInt(bytesToNumber(bytes, from, to - 6)) << 48n) | BigInt(bytesToNumber(bytes, to - 6, to));
  return BigInt(bytesToHex(bytes.subarray(from, to)));
}

/** Big-endian bytes [from, to) as a number; exact for up to 6 bytes. */
function bytesToNumber(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 256 + bytes[i]!;
  return n;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * From this length a native comparison (memcmp, about 0.1 µs a call up to a few KB) beats the loop
 * (about 2 ns a byte, as callers pass Buffers, heap arrays and calldata views alike): a proof cache's
 * check of a known 256-byte chunk took 0.45 µs by loop. Below it the call costs more than the loop.
 */
const NATIVE_EQUAL_FROM_BYTES = 48;

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length >= NATIVE_EQUAL_FROM_BYTES) return Buffer.compare(a, b) === 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison, for deterministic ordering of byte keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

const utf8Encoder = new TextEncoder();
// Without { stream: true } each decode call stands alone, so one fatal decoder serves every call.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8ToBytes(text: string): Uint8Array {
  // Most strings a block stores are empty (a successful receipt's error and error code, two per
  // transaction): an empty array costs a quarter of an encoder call.
  return text.length === 0 ? new Uint8Array(0) : utf8Encoder.encode(text);
}

export function bytesToUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function u64ToBytes(value: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

export function bytesToU64(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) throw new RangeError('expected 8 bytes');
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}
