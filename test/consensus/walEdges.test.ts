// The WAL's edges: each damaged-tail problem named exactly, the record-size limit at its boundary
// on both read and write, a failed rotation, descriptors neither leaked nor closed twice, and a log
// used after close. (Recovery at every byte and rotation itself: wal.test.ts; a full disk:
// walDiskFull.test.ts.)
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConsensusError } from '../../consensus/errors.ts';
import { DEFAULT_MAX_RECORD_BYTES, readWal, Wal } from '../../consensus/wal.ts';
import { encodeWalEntry, type WalEntry } from '../../consensus/walCodec.ts';
import { descriptorsUnder } from '../helpers/descriptors.ts';
import { captureLogger, silentLogger } from './harness/logger.ts';

/** Rotation at every end-height marker, so that each one exercises it. */
const ROTATE_EVERY_HEIGHT = 0;

const timeout = (round: number): WalEntry => ({
  kind: 'timeout',
  timeout: { height: 1, round, step: 'commit' },
});
// Rounds 1 to 4 encode to the same length (round 0, the default, is left out of the record).
const RECORD = encodeWalEntry(timeout(1)).length;

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oc-wal-edges-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'wal');
}

function header(length: number, checksum: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(length, 0);
  h.writeUInt32BE(checksum, 4);
  return h;
}

/** A log of two records; returns the size after the first and after both. */
function twoRecords(path: string): [number, number] {
  const wal = Wal.open(path, silentLogger);
  wal.write(timeout(1));
  const first = statSync(path).size;
  wal.write(timeout(2));
  wal.close();
  return [first, statSync(path).size];
}

async function failure(run: () => unknown): Promise<ConsensusError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConsensusError);
    return err as ConsensusError;
  }
  throw new Error('expected a ConsensusError');
}

describe('WAL: damaged tails, each named', () => {
  it('a missing file is empty, but any other read error is thrown', () => {
    expect(readWal(tempPath())).toEqual({ entries: [], intact: 0, size: 0 });
    const dir = tempPath();
    mkdirSync(dir);
    expect(() => readWal(dir)).toThrow(/EISDIR/);
  });

  it('a header cut short, and a whole header whose record is missing', () => {
    const cut = tempPath();
    const [, end] = twoRecords(cut);
    appendFileSync(cut, header(RECORD, 0).subarray(0, 7));
    expect(readWal(cut)).toMatchObject({ intact: end, size: end + 7, problem: 'truncated record header' });
    // Exactly eight bytes left: a whole header, whose (empty) record does not decode.
    const empty = tempPath();
    twoRecords(empty);
    appendFileSync(empty, header(0, crc32(new Uint8Array(0))));
    expect(readWal(empty)).toMatchObject({ intact: end, size: end + 8 });
    expect(readWal(empty).problem).toMatch(/^undecodable record: /);
  });

  it('a record cut short is "truncated record", not a checksum mismatch', () => {
    const path = tempPath();
    const [first, end] = twoRecords(path);
    expect(end).toBe(2 * first);
    const payload = encodeWalEntry(timeout(1));
    const full = Buffer.concat([header(RECORD, crc32(payload)), Buffer.from(payload)]);
    for (const missing of [1, RECORD - 1, RECORD]) {
      writeFileSync(path, Buffer.concat([full, full.subarray(0, full.length - missing)]));
      expect(readWal(path), `${missing} bytes missing`).toMatchObject({
        intact: first,
        size: 2 * full.length - missing,
        problem: 'truncated record',
      });
      expect(readWal(path).entries).toHaveLength(1);
    }
  });

  it('a record at the limit is read; one byte more is "above the limit", even when the bytes are there', () => {
    const path = tempPath();
    twoRecords(path);
    expect(readWal(path, RECORD).entries).toHaveLength(2);
    const read = readWal(path, RECORD - 1);
    expect(read).toMatchObject({
      intact: 0,
      problem: `record length ${RECORD} above the limit of ${RECORD - 1}`,
    });
    expect(read.entries).toEqual([]);
  });

  it('opening a damaged log warns with what was dropped, and cuts exactly that', () => {
    const path = tempPath();
    const [first, end] = twoRecords(path);
    appendFileSync(path, Buffer.from([1, 2, 3]));
    const { logger, records } = captureLogger('warn');
    const wal = Wal.open(path, logger);
    wal.close();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      path,
      offset: end,
      droppedBytes: 3,
      problem: 'truncated record header',
      msg: 'consensus WAL has a damaged tail (crash during a write?); truncating it',
    });
    expect(statSync(path).size).toBe(end);
    expect(first).toBeLessThan(end);
  });
});

describe('WAL: writes', () => {
  it('takes a record at its limit and refuses one byte more, writing nothing', async () => {
    const atLimit = Wal.open(tempPath(), silentLogger, RECORD);
    atLimit.write(timeout(1));
    atLimit.close();
    const path = tempPath();
    const below = Wal.open(path, silentLogger, RECORD - 1);
    onTestFinished(() => below.close());
    below.write(timeout(0)); // round 0 is left out: a shorter record, under the limit
    const size = statSync(path).size;
    const err = await failure(() => below.writeDurably(timeout(2)));
    expect(err.code).toBe('WAL_RECORD_TOO_LARGE');
    expect(err.message).toBe(`WAL record of ${RECORD} bytes above ${RECORD - 1}`);
    expect(statSync(path).size).toBe(size);
    expect(readWal(path).entries).toEqual([timeout(0)]);
  });

  it('a closed log refuses writes, closes once, and leaks no descriptor across rotations', async () => {
    const path = tempPath();
    const openDescriptors = () => descriptorsUnder(dirname(path));
    const wal = Wal.open(path, silentLogger, DEFAULT_MAX_RECORD_BYTES, ROTATE_EVERY_HEIGHT);
    wal.write(timeout(1));
    for (let h = 1; h <= 3; h++) await wal.endHeight(h);
    expect(openDescriptors()).toEqual([path]);
    wal.close();
    wal.close();
    expect(openDescriptors()).toEqual([]);
    const err = await failure(() => wal.write(timeout(2)));
    expect(err.code).toBe('ENGINE_STATE');
    expect(err.message).toBe(`consensus WAL ${path} is closed`);
    // A rotation after close opens the new log (the engine ends a height, then may still write).
    await wal.endHeight(4);
    wal.write(timeout(3));
    wal.close();
    expect(openDescriptors()).toEqual([]);
    expect(readWal(path).entries).toEqual([{ kind: 'endHeight', height: 4 }, timeout(3)]);
  });

  it('a closed log below the rotation bound still ends a height, in a new log', async () => {
    const path = tempPath();
    const wal = Wal.open(path, silentLogger);
    wal.write(timeout(1));
    await wal.endHeight(1); // small: appended
    expect(readWal(path).entries).toEqual([timeout(1), { kind: 'endHeight', height: 1 }]);
    wal.close();
    // Appending needs the closed descriptor; the engine may end a height while it stops.
    await wal.endHeight(2);
    wal.write(timeout(3));
    wal.close();
    expect(readWal(path).entries).toEqual([{ kind: 'endHeight', height: 2 }, timeout(3)]);
  });

  it('logs each rotation at debug', async () => {
    const { logger, records } = captureLogger('debug');
    const wal = Wal.open(tempPath(), logger, DEFAULT_MAX_RECORD_BYTES, ROTATE_EVERY_HEIGHT);
    await wal.endHeight(7);
    wal.close();
    expect(records).toEqual([expect.objectContaining({ height: 7, msg: 'consensus WAL rotated' })]);
  });

  it('a rotation that cannot write its new file fails, and the old log stays usable', async () => {
    const path = tempPath();
    const wal = Wal.open(path, silentLogger, DEFAULT_MAX_RECORD_BYTES, ROTATE_EVERY_HEIGHT);
    onTestFinished(() => wal.close());
    wal.write(timeout(1));
    mkdirSync(`${path}.tmp`); // the temporary file's name is taken by a directory
    const err = await failure(() => wal.endHeight(1));
    expect(err.code).toBe('WAL_WRITE_FAILED');
    expect(err.message).toMatch(new RegExp(`^cannot rotate the consensus WAL ${path}: EISDIR`));
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('EISDIR');
    await wal.writeDurably(timeout(2));
    expect(readWal(path).entries).toEqual([timeout(1), timeout(2)]);
  });

  it('a log whose directory is gone cannot be reopened at rotation, and says so', async () => {
    const path = tempPath();
    const wal = Wal.open(path, silentLogger, DEFAULT_MAX_RECORD_BYTES, ROTATE_EVERY_HEIGHT);
    onTestFinished(() => wal.close());
    rmSync(join(path, '..'), { recursive: true, force: true });
    const err = await failure(() => wal.endHeight(1));
    expect(err.code).toBe('WAL_WRITE_FAILED');
    expect(err.message).toMatch(new RegExp(`^cannot reopen the consensus WAL ${path}: ENOENT`));
  });
});
