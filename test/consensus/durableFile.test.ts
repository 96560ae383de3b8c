// The durable-write helpers under the signer and the WAL: which I/O errors count as transient (the
// engine retries those instead of halting), and the atomic replace leaving the new bytes, owner-only
// mode, and no descriptor open behind it, with only the calls that wait on the disk (two fsyncs, the rename) handed to the thread pool.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTransientIoError, replaceFileDurably } from '../../consensus/durableFile.ts';
import { descriptorsUnder } from '../helpers/descriptors.ts';
import { poolRequests } from '../helpers/fsPool.ts';

describe('isTransientIoError', () => {
  it.each(['EMFILE', 'ENFILE', 'EAGAIN', 'EWOULDBLOCK', 'EINTR', 'EBUSY', 'ENOSPC', 'EDQUOT', 'ENOMEM'])(
    '%s may clear on its own',
    (code) => {
      expect(isTransientIoError(Object.assign(new Error(code), { code }))).toBe(true);
    },
  );

  it.each([
    ['a permanent code', Object.assign(new Error('EIO'), { code: 'EIO' })],
    ['an error without a code', new Error('no code')],
    ['a code that is not a string', { code: 24 }],
    ['null', null],
    ['undefined', undefined],
  ])('%s is not transient', (_what, err) => {
    expect(isTransientIoError(err)).toBe(false);
  });
});

describe('replaceFileDurably', () => {
  it('leaves the new bytes, readable by the owner only, and no descriptor open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openchain-durable-'));
    const path = join(dir, 'state.json');
    await replaceFileDurably(path, new TextEncoder().encode('first'));
    for (let i = 0; i < 50; i++) await replaceFileDurably(path, new TextEncoder().encode(`write ${i}`));
    expect(descriptorsUnder(dir)).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('write 49');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['state.json']);
  });

  it('hands only its fsyncs (file, directory) and its rename to the thread pool', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'openchain-durable-')), 'state.json');
    await replaceFileDurably(path, new TextEncoder().encode('first'));
    const requests = await poolRequests(() => replaceFileDurably(path, new TextEncoder().encode('second')));
    expect(requests).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('second');
  });
});
