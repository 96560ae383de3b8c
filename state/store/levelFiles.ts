// Checks LevelDB's own checksums before the database is opened. classic-level exposes neither
// LevelDB's `paranoid_checks` nor `ReadOptions::verify_checksums` (Level/leveldown#172 was closed
// without them), and without them LevelDB drops a damaged write-ahead-log record during recovery
// (deleting the log afterwards) and returns flipped bytes from a table as data. So every physical
// record of the logs (*.log) and every block of the tables (*.ldb, *.sst) is checked here against
// the CRC-32C that LevelDB stored with it (formats: leveldb's doc/log_format.md and
// doc/table_format.md). Written by hand: no maintained npm package reads these files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Slicing-by-8 tables: eight bytes per step, several times the speed of the one-table loop.
const T = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++)
      t[k * 256 + n] = (t[(k - 1) * 256 + n]! >>> 8) ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
  }
  return t;
})();

/** CRC-32C (Castagnoli) of `data`, continuing from `crc` (0 to start). */
export function crc32c(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  let i = 0;
  for (const end = data.length - 7; i < end; i += 8) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c =
      T[7 * 256 + (c & 0xff)]! ^
      T[6 * 256 + ((c >>> 8) & 0xff)]! ^
      T[5 * 256 + ((c >>> 16) & 0xff)]! ^
      T[4 * 256 + (c >>> 24)]! ^
      T[3 * 256 + data[i + 4]!]! ^
      T[2 * 256 + data[i + 5]!]! ^
      T[256 + data[i + 6]!]! ^
      T[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = T[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** LevelDB stores CRCs masked, because CRCs of data that embeds CRCs are weak. */
function unmask(masked: number): number {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

const LOG_BLOCK = 32_768;
const LOG_HEADER = 7;
const LOG_TYPES = new Set([1, 2, 3, 4]); // full, first, middle, last

/**
 * Problems in one log file. An incomplete record at the very end is a write a crash interrupted
 * (never acknowledged, as every block is written with fsync) and is not reported; LevelDB drops it.
 */
export function logProblems(buf: Uint8Array): string[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let offset = 0;
  while (offset < buf.length) {
    const left = LOG_BLOCK - (offset % LOG_BLOCK);
    if (left < LOG_HEADER) {
      offset += left; // block trailer
      continue;
    }
    if (buf.length - offset < LOG_HEADER) return [];
    const checksum = view.getUint32(offset, true);
    const length = view.getUint16(offset + 4, true);
    const type = buf[offset + 6]!;
    if (type === 0 && length === 0 && checksum === 0) {
      offset += LOG_HEADER; // preallocated zeros
      continue;
    }
    if (LOG_HEADER + length > left) return [`record at offset ${offset} runs past its 32 KiB block`];
    if (offset + LOG_HEADER + length > buf.length) return [];
    if (!LOG_TYPES.has(type)) return [`record at offset ${offset} has unknown type ${type}`];
    if (crc32c(buf.subarray(offset + 6, offset + LOG_HEADER + length)) !== unmask(checksum)) {
      return [`record at offset ${offset} fails its checksum`];
    }
    offset += LOG_HEADER + length;
  }
  return [];
}

const TABLE_MAGIC = 0xdb4775248b80fb57n;
const FOOTER = 48;
const TRAILER = 5;

class Reader {
  readonly buf: Uint8Array;
  offset = 0;
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }
  varint(): number {
    let result = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const byte = this.buf[this.offset++];
      if (byte === undefined) throw new Error('truncated varint');
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
    }
    throw new Error('varint too long');
  }
}

/** Snappy's block format (format_description.txt), for the compressed index blocks. */
export function snappyDecompress(input: Uint8Array): Uint8Array {
  const r = new Reader(input);
  const length = r.varint();
  if (length > 64 * 1024 * 1024) throw new Error('snappy: implausible length');
  const out = new Uint8Array(length);
  let o = 0;
  while (r.offset < input.length) {
    const tag = input[r.offset++]!;
    let len: number;
    let distance = 0;
    switch (tag & 3) {
      case 0: {
        len = tag >>> 2;
        if (len >= 60) {
          const bytes = len - 59;
          len = 0;
          for (let i = 0; i < bytes; i++) len |= input[r.offset++]! << (8 * i);
        }
        len += 1;
        if (r.offset + len > input.length || o + len > length) throw new Error('snappy: literal overruns');
        out.set(input.subarray(r.offset, r.offset + len), o);
        r.offset += len;
        o += len;
        continue;
      }
      case 1:
        len = ((tag >>> 2) & 7) + 4;
        distance = ((tag >>> 5) << 8) | input[r.offset++]!;
        break;
      case 2:
        len = (tag >>> 2) + 1;
        distance = input[r.offset]! | (input[r.offset + 1]! << 8);
        r.offset += 2;
        break;
      default:
        len = (tag >>> 2) + 1;
        distance = new DataView(input.buffer, input.byteOffset + r.offset, 4).getUint32(0, true);
        r.offset += 4;
    }
    if (distance === 0 || distance > o || o + len > length || r.offset > input.length) {
      throw new Error('snappy: bad copy');
    }
    for (let i = 0; i < len; i++, o++) out[o] = out[o - distance]!;
  }
  if (o !== length) throw new Error('snappy: short output');
  return out;
}

/** The checked contents of the block at (offset, size), decompressed. */
function readBlock(file: Uint8Array, offset: number, size: number): Uint8Array {
  if (offset + size + TRAILER > file.length) throw new Error(`block at ${offset} runs past the end`);
  const contents = file.subarray(offset, offset + size);
  const type = file[offset + size]!;
  const stored = new DataView(file.buffer, file.byteOffset + offset + size + 1, 4).getUint32(0, true);
  if (crc32c(file.subarray(offset, offset + size + 1)) !== unmask(stored)) {
    throw new Error(`block at offset ${offset} fails its checksum`);
  }
  if (type === 0) return contents;
  if (type === 1) return snappyDecompress(contents);
  throw new Error(`block at offset ${offset} has unknown compression ${type}`);
}

/** Block handles (offset, size) held as the values of an index block. */
function indexHandles(block: Uint8Array): [number, number][] {
  if (block.length < 4) throw new Error('index block too short');
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restarts = view.getUint32(block.length - 4, true);
  const end = block.length - 4 - 4 * restarts;
  if (end < 0) throw new Error('index block restart array too long');
  const r = new Reader(block);
  const handles: [number, number][] = [];
  while (r.offset < end) {
    r.varint(); // shared key bytes
    const unshared = r.varint();
    const valueLength = r.varint();
    r.offset += unshared;
    const value = new Reader(block.subarray(r.offset, r.offset + valueLength));
    handles.push([value.varint(), value.varint()]);
    r.offset += valueLength;
  }
  return handles;
}

/** Problems in one table file: its footer, index, metaindex, filter and every data block. */
export function tableProblems(file: Uint8Array): string[] {
  try {
    if (file.length < FOOTER) throw new Error('shorter than a table footer');
    const footer = file.subarray(file.length - FOOTER);
    const magic = new DataView(footer.buffer, footer.byteOffset + 40, 8).getBigUint64(0, true);
    if (magic !== TABLE_MAGIC) throw new Error('bad table magic number');
    const r = new Reader(footer);
    const meta: [number, number] = [r.varint(), r.varint()];
    const index: [number, number] = [r.varint(), r.varint()];
    for (const handle of indexHandles(readBlock(file, ...meta))) readBlock(file, ...handle); // filter
    for (const handle of indexHandles(readBlock(file, ...index))) readBlock(file, ...handle);
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

/** Every checksum problem in the LevelDB directory `dir`, as `file: problem` (empty when sound). */
export function levelDbFileProblems(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const problems: string[] = [];
  for (const name of names.sort()) {
    const check =
      name.endsWith('.log') || name.startsWith('MANIFEST-')
        ? logProblems
        : name.endsWith('.ldb') || name.endsWith('.sst')
          ? tableProblems
          : undefined;
    if (!check) continue;
    for (const p of check(readFileSync(join(dir, name)))) problems.push(`${name}: ${p}`);
  }
  return problems;
}
