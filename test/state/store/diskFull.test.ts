// The store on a file system that fills up (a real ENOSPC on a tmpfs of the test's own). LevelDB
// cannot safely append after a failed log write: the next record lands after the torn one, and a
// reopen drops everything after the tear, fsynced writes included. So the first failed write closes
// the handle for writing, and a reopen (a node restart) finds every acknowledged write intact.
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Database, StoreWriteFailedError, WriteBatch } from '../../../state/store/database.ts';
import { fillDisk, mountTmpfs, tmpfsUnavailable } from '../../consensus/harness/tmpfs.ts';

const key = (s: string) => new TextEncoder().encode(s);

function batchOf(name: string, bytes: number): WriteBatch {
  const batch = new WriteBatch();
  batch.put(key(name), new Uint8Array(bytes).fill(name.charCodeAt(0)));
  return batch;
}

async function open(path: string): Promise<Database> {
  const db = await Database.open(path);
  onTestFinished(() => db.close().catch(() => undefined));
  return db;
}

describe.skipIf(tmpfsUnavailable)(
  `the store on a full disk${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`,
  () => {
    it('refuses every write after a failed one, and a reopen keeps every acknowledged write', async () => {
      const path = join(mountTmpfs(4 * 1024 * 1024), 'db');
      const db = await open(path);
      await db.write(batchOf('a', 1000));

      const free = fillDisk(join(path, '..'));
      const failure = await db.write(batchOf('b', 100_000)).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(StoreWriteFailedError);
      expect((failure as StoreWriteFailedError).code).toBe('STORE_WRITE_FAILED');
      expect(((failure as Error).cause as Error).message).toMatch(/No space left on device/);

      // Space is back, but this handle has a torn record in its log: it writes nothing more.
      free();
      await expect(db.write(batchOf('c', 1000))).rejects.toBe(failure);
      await expect(db.put(key('d'), Uint8Array.of(1))).rejects.toBe(failure);
      await expect(db.del(key('a'))).rejects.toBe(failure);
      await db.close();

      // The reopen passes the checksum checks (the torn record is the log's tail) and has "a" only.
      const again = await open(path);
      expect(new Uint8Array(again.getSync(key('a'))!)).toEqual(new Uint8Array(1000).fill('a'.charCodeAt(0)));
      expect(again.getSync(key('b'))).toBeUndefined();
      expect(again.getSync(key('c'))).toBeUndefined();
      await again.write(batchOf('e', 1000));
      await again.close();

      const third = await open(path);
      expect(third.getSync(key('a'))?.length).toBe(1000);
      expect(third.getSync(key('e'))?.length).toBe(1000);
    });
  },
);
