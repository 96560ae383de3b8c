// LevelDB's checksums, checked by hand before the database opens: every single-bit flip in a real
// table or log written by classic-level is found, a torn last log record (a crash mid-write) is not
// reported, and the CRC-32C matches the published check values.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../../core/bytes.ts';
import { Database, StoreCorruptError } from '../../../state/store/database.ts';
import { crc32c, logProblems, tableProblems } from '../../../state/store/levelFiles.ts';

let dir: string;
let table: Uint8Array;
let log: Uint8Array;

/** Values half random (incompressible, like signatures), half repetitive (compressible). */
function value(i: number): Uint8Array {
  const bytes = crypto.getRandomValues(new Uint8Array(i % 3 === 0 ? 300 : 40));
  for (let j = 0; j < bytes.length; j += 2) bytes[j] = 7;
  return bytes;
}

async function writeDb(path: string, batches: number, compact: boolean): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  for (let b = 0; b < batches; b++) {
    const ops = Array.from({ length: 300 }, (_, i) => ({
      type: 'put' as const,
      key: utf8ToBytes(`k${b}-${i}`),
      value: value(i),
    }));
    await db.batch(ops, { sync: true });
  }
  if (compact) {
    await (db as unknown as { compactRange(a: Uint8Array, b: Uint8Array): Promise<void> }).compactRange(
      Uint8Array.of(0),
      Uint8Array.of(0xff),
    );
  }
  await db.close();
}

const file = (path: string, suffix: string) =>
  readFileSync(join(path, readdirSync(path).find((n) => n.endsWith(suffix))!));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openchain-levelfiles-'));
  await writeDb(join(dir, 'tables'), 6, true);
  await writeDb(join(dir, 'log'), 6, false);
  table = file(join(dir, 'tables'), '.ldb');
  log = file(join(dir, 'log'), '.log');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Offsets spread over the whole file, ends included. */
function offsets(length: number, count: number): number[] {
  const out = new Set([0, 1, length - 2, length - 1]);
  for (let i = 0; i < count; i++) out.add(Math.floor((i * length) / count));
  return [...out];
}

describe('crc32c', () => {
  it('matches the published check values', () => {
    expect(crc32c(utf8ToBytes('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    const data = crypto.getRandomValues(new Uint8Array(1001));
    expect(crc32c(data.subarray(13), crc32c(data.subarray(0, 13)))).toBe(crc32c(data));
  });
});

describe('table checksums', () => {
  it('finds a flipped bit anywhere in a compacted table (data, filter, index, footer)', () => {
    expect(tableProblems(table)).toEqual([]);
    // The footer's padding after the two block handles is ignored by LevelDB too.
    const padding = (at: number) => at >= table.length - 48 + 8 && at < table.length - 8;
    for (const at of offsets(table.length, 200).filter((at) => !padding(at))) {
      const copy = Uint8Array.from(table);
      copy[at]! ^= 1 << (at % 8);
      expect(tableProblems(copy), `flip at ${at}`).toHaveLength(1);
    }
  });

  it('reports a truncated table', () => {
    expect(tableProblems(table.subarray(0, table.length - 1))).toEqual(['bad table magic number']);
    expect(tableProblems(new Uint8Array(10))).toEqual(['shorter than a table footer']);
  });
});

describe('log checksums', () => {
  it('finds a flipped bit anywhere in the log', () => {
    expect(logProblems(log)).toEqual([]);
    // The zero trailer of a 32 KiB block (too short for a record header) is ignored by LevelDB too.
    const trailer = (at: number) => at % 32_768 > 32_768 - 7;
    for (const at of offsets(log.length, 200).filter((at) => !trailer(at))) {
      const copy = Uint8Array.from(log);
      copy[at]! ^= 1 << (at % 8);
      expect(logProblems(copy), `flip at ${at}`).toHaveLength(1);
    }
  });

  it('accepts a torn last record: the write a crash interrupted was never acknowledged', () => {
    for (const cut of offsets(log.length, 50)) expect(logProblems(log.subarray(0, cut))).toEqual([]);
  });
});

describe('Database.open', () => {
  it('refuses a damaged database with every problem named, and opens a sound one', async () => {
    const path = join(dir, 'tables');
    const db = await Database.open(path);
    await db.close();
    const name = readdirSync(path).find((n) => n.endsWith('.ldb'))!;
    const bytes = readFileSync(join(path, name));
    bytes[10]! ^= 0x40;
    writeFileSync(join(path, name), bytes);
    const err = await Database.open(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreCorruptError);
    expect((err as StoreCorruptError).code).toBe('STORE_CORRUPT');
    expect((err as StoreCorruptError).problems).toEqual([`${name}: block at offset 0 fails its checksum`]);
  });
});
