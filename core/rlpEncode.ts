// A fast RLP encoder. @ethereumjs/rlp (the reference, now only for tests) allocates and
// concatenates an array per item; on the block-commit path (accounts, receipts, keys) that was a
// tenth of the node's time. This encoder makes two passes over the input and writes one buffer: the
// first measures it (each list's payload length, in the order the second pass meets them), the
// second writes it. Integers are written straight from their value, without an intermediate array,
// except those above 2^53, whose bytes the first pass keeps for the second.
// test/core/rlp.test.ts checks it against the reference on random inputs.

export type RlpInput = Uint8Array | bigint | number | readonly RlpInput[];

/** What the measuring pass hands the writing pass, consumed in the same order. */
interface Measured {
  readonly payloads: number[];
  readonly wide: Uint8Array[];
  nextPayload: number;
  nextWide: number;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function byteLength(n: number): number {
  let len = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) len++;
  return len;
}

function checkNumber(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`RLP integer must be a non-negative safe integer: ${value}`);
}

/** Big-endian bytes of an integer above 2^53. */
function wideBytes(value: bigint): Uint8Array {
  if (value <= 0xffff_ffff_ffff_ffff_ffff_ffffn) {
    // Balances and fees: two 48-bit halves written as numbers, instead of through a hex string.
    const high = Number(value >> 48n);
    const out = new Uint8Array(byteLength(high) + 6);
    writeBigEndian(out, out.length - 6, 6, Number(value & 0xffff_ffff_ffffn));
    writeBigEndian(out, 0, out.length - 6, high);
    return out;
  }
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function writeBigEndian(out: Uint8Array, pos: number, length: number, value: number): void {
  for (let i = pos + length - 1, v = value; i >= pos; i--, v = Math.floor(v / 256)) out[i] = v % 256;
}

function stringSize(length: number): number {
  return length <= 55 ? length + 1 : length + 1 + byteLength(length);
}

/** Encoded size of a non-negative safe integer: one byte below 0x80 (0 is the empty string). */
function numberSize(value: number): number {
  return value > 0 && value < 0x80 ? 1 : 1 + byteLength(value);
}

function measure(input: RlpInput, m: Measured): number {
  if (input instanceof Uint8Array)
    return input.length === 1 && input[0]! < 0x80 ? 1 : stringSize(input.length);
  if (typeof input === 'number') {
    checkNumber(input);
    return numberSize(input);
  }
  if (typeof input === 'bigint') {
    if (input < 0n) throw new RangeError('RLP integer must be non-negative');
    if (input <= MAX_SAFE) return numberSize(Number(input));
    const bytes = wideBytes(input);
    m.wide.push(bytes);
    return stringSize(bytes.length);
  }
  const slot = m.payloads.length;
  m.payloads.push(0);
  let payload = 0;
  for (const item of input) payload += measure(item, m);
  m.payloads[slot] = payload;
  return stringSize(payload);
}

function writeHeader(out: Uint8Array, pos: number, shortBase: number, length: number): number {
  if (length <= 55) {
    out[pos] = shortBase + length;
    return pos + 1;
  }
  const lenLen = byteLength(length);
  out[pos] = shortBase + 55 + lenLen;
  writeBigEndian(out, pos + 1, lenLen, length);
  return pos + 1 + lenLen;
}

function writeNumber(out: Uint8Array, pos: number, value: number): number {
  if (value > 0 && value < 0x80) {
    out[pos] = value;
    return pos + 1;
  }
  const length = byteLength(value);
  out[pos] = 0x80 + length;
  writeBigEndian(out, pos + 1, length, value);
  return pos + 1 + length;
}

function writeString(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  if (bytes.length === 1 && bytes[0]! < 0x80) {
    out[pos] = bytes[0]!;
    return pos + 1;
  }
  const start = writeHeader(out, pos, 0x80, bytes.length);
  out.set(bytes, start);
  return start + bytes.length;
}

function write(out: Uint8Array, pos: number, input: RlpInput, m: Measured): number {
  if (input instanceof Uint8Array) return writeString(out, pos, input);
  if (typeof input === 'number') return writeNumber(out, pos, input);
  if (typeof input === 'bigint') {
    return input <= MAX_SAFE
      ? writeNumber(out, pos, Number(input))
      : writeString(out, pos, m.wide[m.nextWide++]!);
  }
  let p = writeHeader(out, pos, 0xc0, m.payloads[m.nextPayload++]!);
  for (const item of input) p = write(out, p, item, m);
  return p;
}

/** The header of a list whose items take `payloadLength` bytes. */
export function rlpListHeader(payloadLength: number): Uint8Array {
  const out = new Uint8Array(1 + byteLength(payloadLength));
  return out.subarray(0, writeHeader(out, 0, 0xc0, payloadLength));
}

function measured(): Measured {
  return { payloads: [], wide: [], nextPayload: 0, nextWide: 0 };
}

/** How many bytes `rlpEncode(input)` would return, without encoding it. */
export function rlpEncodedLength(input: RlpInput): number {
  return measure(input, measured());
}

export function rlpEncode(input: RlpInput): Uint8Array {
  const m = measured();
  const out = new Uint8Array(measure(input, m));
  write(out, 0, input, m);
  return out;
}
