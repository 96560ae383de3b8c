// Database.write on a real LevelDB: a WriteBatch lands whole, its operations in the order they were
// added, or not at all.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Database, StoreWriteFailedError, WriteBatch } from '../../../state/store/database.ts';

const key = (s: string) => new TextEncoder().encode(s);

async function open(): Promise<Database> {
  const db = await Database.open(join(mkdtempSync(join(tmpdir(), 'openchain-db-')), 'db'));
  onTestFinished(() => db.close().catch(() => undefined));
  return db;
}

describe('Database.write', () => {
  it('applies puts and deletes in the order they were added', async () => {
    const db = await open();
    const first = new WriteBatch();
    first.put(key('a'), Uint8Array.of(1));
    first.put(key('b'), Uint8Array.of(2));
    await db.write(first);

    const second = new WriteBatch();
    second.put(key('a'), Uint8Array.of(3));
    second.del(key('a')); // put then delete: gone
    second.del(key('b'));
    second.put(key('b'), Uint8Array.of(4)); // delete then put: there
    second.put(key('c'), Uint8Array.of(5));
    second.put(key('c'), Uint8Array.of(6)); // the later put wins
    await db.write(second, false);

    expect(db.getSync(key('a'))).toBeUndefined();
    expect([...db.getSync(key('b'))!]).toEqual([4]);
    expect([...db.getSync(key('c'))!]).toEqual([6]);
  });

  it('refuses a batch with a malformed operation whole: none of its other operations land', async () => {
    const db = await open();
    const batch = new WriteBatch();
    batch.put(key('before'), Uint8Array.of(1));
    batch.put(undefined as unknown as Uint8Array, Uint8Array.of(2));
    batch.put(key('after'), Uint8Array.of(3));
    await expect(db.write(batch)).rejects.toBeInstanceOf(StoreWriteFailedError);
    expect(db.getSync(key('before'))).toBeUndefined();
    expect(db.getSync(key('after'))).toBeUndefined();
  });
});
