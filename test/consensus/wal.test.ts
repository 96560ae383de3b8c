// The write-ahead log: round trip of every record kind, recovery from a torn or corrupt tail at any
// byte, and rotation at height boundaries.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_MAX_RECORD_BYTES, readWal, Wal } from '../../consensus/wal.ts';
import type { WalEntry } from '../../consensus/walCodec.ts';
import { PRECOMMIT, PREVOTE } from '../../core/vote.ts';
import { printable } from '../core/helpers.ts';
import { blockAtHeight1, makeValidators, plain, proposal, vote } from './harness/fixtures.ts';
import { captureLogger, silentLogger } from './harness/logger.ts';

const vals = makeValidators([1n, 1n, 1n, 1n], 'wal');
const block = blockAtHeight1(vals.map(plain), 1);

const entries: WalEntry[] = [
  { kind: 'timeout', timeout: { height: 1, round: 0, step: 'commit' } },
  { kind: 'proposal', proposal: proposal(vals[0]!, block, 0) },
  { kind: 'vote', vote: vote(vals[1]!, PREVOTE, 1, 0, null) },
  { kind: 'vote', vote: vote(vals[2]!, PRECOMMIT, 1, 3, `0x${'ab'.repeat(32)}`) },
  { kind: 'proposal', proposal: proposal(vals[0]!, block, 4, 2) },
  { kind: 'timeout', timeout: { height: 1, round: 7, step: 'prevote' } },
  { kind: 'timeout', timeout: { height: 1, round: 2, step: 'propose' } },
  { kind: 'timeout', timeout: { height: 1, round: 2, step: 'precommit' } },
  { kind: 'verdict', height: 1, hash: `0x${'cd'.repeat(32)}`, valid: true },
  { kind: 'verdict', height: 1, hash: `0x${'ef'.repeat(32)}`, valid: false },
];

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oc-wal-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'wal');
}

function writeAll(path: string, list: readonly WalEntry[]): number[] {
  const wal = Wal.open(path, silentLogger);
  const ends: number[] = [];
  for (const e of list) {
    wal.write(e);
    ends.push(statSync(path).size);
  }
  wal.close();
  return ends;
}

describe('WAL', () => {
  it('round-trips every record kind', () => {
    const path = tempPath();
    writeAll(path, entries);
    const wal = Wal.open(path, silentLogger);
    expect(printable(wal.takeRecovered())).toEqual(printable(entries));
    expect(wal.takeRecovered()).toEqual([]);
    wal.close();
  });

  it('a missing file is an empty log', () => {
    const wal = Wal.open(tempPath(), silentLogger);
    expect(wal.takeRecovered()).toEqual([]);
    wal.close();
  });

  it('recovers the intact records from a tail cut at any byte, and appends cleanly after', async () => {
    const path = tempPath();
    const ends = writeAll(path, entries);
    const full = readFileSync(path);
    // Around every record boundary, and a few bytes into each record's header and payload.
    const cuts = new Set<number>([0, full.length]);
    for (const end of [0, ...ends]) for (const d of [-1, 1, 4, 8, 9, 40]) cuts.add(end + d);
    for (const cut of [...cuts].filter((c) => c >= 0 && c <= full.length).sort((a, b) => a - b)) {
      writeFileSync(path, full.subarray(0, cut));
      const { logger, records } = captureLogger('warn');
      const wal = Wal.open(path, logger);
      const intact = ends.filter((end) => end <= cut).length;
      expect(wal.takeRecovered().length, `cut at ${cut}`).toBe(intact);
      const torn = cut !== (ends[intact - 1] ?? 0);
      expect(records.length, `cut at ${cut}`).toBe(torn ? 1 : 0);
      expect(statSync(path).size).toBe(ends[intact - 1] ?? 0);
      await wal.writeDurably(entries[0]!);
      wal.close();
      expect(readWal(path).entries.length).toBe(intact + 1);
      expect(readWal(path).problem).toBeUndefined();
    }
  });

  it('drops a record whose checksum fails, and everything after it', () => {
    const path = tempPath();
    const ends = writeAll(path, entries);
    const bytes = readFileSync(path);
    bytes[ends[2]! + 20]! ^= 0x40; // inside the fourth record
    writeFileSync(path, bytes);
    const { logger, records } = captureLogger('warn');
    const wal = Wal.open(path, logger);
    expect(wal.takeRecovered()).toHaveLength(3);
    expect(records[0]).toMatchObject({ problem: 'checksum mismatch', offset: ends[2] });
    wal.close();
    expect(statSync(path).size).toBe(ends[2]);
  });

  it('treats an absurd length or trailing garbage as a damaged tail', () => {
    const path = tempPath();
    const ends = writeAll(path, entries.slice(0, 2));
    appendFileSync(path, Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 2, 3]));
    const wal = Wal.open(path, silentLogger);
    expect(wal.takeRecovered()).toHaveLength(2);
    wal.close();
    expect(statSync(path).size).toBe(ends[1]);
    appendFileSync(path, Buffer.from([0, 0]));
    expect(readWal(path).problem).toBe('truncated record header');
  });

  it('a record that passes the checksum but does not decode ends the log too', () => {
    const path = tempPath();
    writeAll(path, entries.slice(0, 1));
    const payload = Buffer.from([0x0a, 0x03, 0xff, 0xff, 0xff]); // a proposal with garbage inside
    const header = Buffer.alloc(8);
    header.writeUInt32BE(payload.length, 0);
    header.writeUInt32BE(crc32(payload), 4);
    appendFileSync(path, Buffer.concat([header, payload]));
    expect(readWal(path).problem).toMatch(/undecodable record/);
    expect(readWal(path).entries).toHaveLength(1);
  });

  it('appends the end-height marker while the log is small: no new file, earlier heights kept', async () => {
    const path = tempPath();
    const wal = Wal.open(path, silentLogger);
    for (const e of entries) wal.write(e);
    const inode = statSync(path).ino;
    await wal.endHeight(1);
    await wal.writeDurably({ kind: 'timeout', timeout: { height: 2, round: 0, step: 'commit' } });
    await wal.endHeight(2);
    wal.close();
    expect(statSync(path).ino).toBe(inode);
    expect(readWal(path).entries).toEqual([
      ...entries,
      { kind: 'endHeight', height: 1 },
      { kind: 'timeout', timeout: { height: 2, round: 0, step: 'commit' } },
      { kind: 'endHeight', height: 2 },
    ]);
  });

  it('rotates at a height boundary once above its bound: the new log holds only the marker', async () => {
    const path = tempPath();
    const wal = Wal.open(path, silentLogger, DEFAULT_MAX_RECORD_BYTES, 1);
    for (const e of entries) wal.write(e);
    await wal.endHeight(1);
    await wal.writeDurably({ kind: 'timeout', timeout: { height: 2, round: 0, step: 'commit' } });
    wal.close();
    expect(readWal(path).entries).toEqual([
      { kind: 'endHeight', height: 1 },
      { kind: 'timeout', timeout: { height: 2, round: 0, step: 'commit' } },
    ]);
  });
});
