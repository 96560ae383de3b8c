// A fast RLP encoder. @ethereumjs/rlp (the reference, still used for decoding) allocates and
// concatenates an array per item; on the block-commit path (accounts, receipts, keys) that was a
// tenth of the node's time. This encoder sizes the whole item first and writes it into one buffer.
// test/core/rlp.test.ts checks it against the reference on random inputs.

export type RlpInput = Uint8Array | bigint | number | readonly RlpInput[];

const EMPTY = new Uint8Array(0);

function intBytes(value: bigint | number): Uint8Array {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`RLP integer must be a non-negative safe integer: ${value}`);
    if (value === 0) return EMPTY;
    let len = 0;
    for (let v = value; v > 0; v = Math.floor(v / 256)) len++;
    const out = new Uint8Array(len);
    for (let i = len - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
    return out;
  }
  if (value < 0n) throw new RangeError('RLP integer must be non-negative');
  if (value === 0n) return EMPTY;
  if (value <= 0xffff_ffff_ffffn) return intBytes(Number(value));
  if (value <= 0xffff_ffff_ffff_ffff_ffff_ffffn) {
    // Balances and fees: two 48-bit halves written as numbers, instead of through a hex string.
    const high = intBytes(Number(value >> 48n));
    const low = Number(value & 0xffff_ffff_ffffn);
    const out = new Uint8Array(high.length + 6);
    out.set(high);
    for (let i = out.length - 1, v = low; i >= high.length; i--, v = Math.floor(v / 256)) out[i] = v % 256;
    return out;
  }
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function lengthOfLength(n: number): number {
  let len = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) len++;
  return len;
}

/** Intermediate form: byte strings with integers already converted, and lists with their payload size. */
type Sized = Uint8Array | { items: Sized[]; payload: number };

function size(input: RlpInput): { node: Sized; total: number } {
  if (input instanceof Uint8Array) {
    const n = input.length;
    const total = n === 1 && input[0]! < 0x80 ? 1 : n <= 55 ? n + 1 : n + 1 + lengthOfLength(n);
    return { node: input, total };
  }
  if (typeof input === 'bigint' || typeof input === 'number') return size(intBytes(input));
  const items: Sized[] = [];
  let payload = 0;
  for (const item of input) {
    const s = size(item);
    items.push(s.node);
    payload += s.total;
  }
  const total = payload <= 55 ? payload + 1 : payload + 1 + lengthOfLength(payload);
  return { node: { items, payload }, total };
}

function writeHeader(out: Uint8Array, pos: number, shortBase: number, length: number): number {
  if (length <= 55) {
    out[pos] = shortBase + length;
    return pos + 1;
  }
  const lenLen = lengthOfLength(length);
  out[pos] = shortBase + 55 + lenLen;
  for (let i = lenLen, v = length; i >= 1; i--, v = Math.floor(v / 256)) out[pos + i] = v % 256;
  return pos + 1 + lenLen;
}

function write(out: Uint8Array, pos: number, node: Sized): number {
  if (node instanceof Uint8Array) {
    if (node.length === 1 && node[0]! < 0x80) {
      out[pos] = node[0]!;
      return pos + 1;
    }
    const start = writeHeader(out, pos, 0x80, node.length);
    out.set(node, start);
    return start + node.length;
  }
  let p = writeHeader(out, pos, 0xc0, node.payload);
  for (const item of node.items) p = write(out, p, item);
  return p;
}

/** The header of a list whose items take `payloadLength` bytes. */
export function rlpListHeader(payloadLength: number): Uint8Array {
  const out = new Uint8Array(1 + lengthOfLength(payloadLength));
  return out.subarray(0, writeHeader(out, 0, 0xc0, payloadLength));
}

export function rlpEncode(input: RlpInput): Uint8Array {
  const { node, total } = size(input);
  const out = new Uint8Array(total);
  write(out, 0, node);
  return out;
}
