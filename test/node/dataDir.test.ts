import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OpenchainError } from '../../core/errors.ts';
import { filesUnder } from '../../node/dataDir.ts';

describe('filesUnder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-datadir-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists regular files at any depth, sorted, without dot-files or dot-directories', () => {
    mkdirSync(join(dir, 'b/deep'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    for (const f of ['z.txt', 'a.txt', 'b/deep/c.txt', '.hidden', '.git/config'])
      writeFileSync(join(dir, f), f);
    expect(filesUnder(dir, '--data').map((p) => p.slice(dir.length + 1))).toEqual([
      'a.txt',
      'b/deep/c.txt',
      'z.txt',
    ]);
  });

  it('names the setting when the path is not a directory', () => {
    expect(() => filesUnder(join(dir, 'a.txt'), 'attestation.mirrors.3')).toThrow(
      new OpenchainError('USAGE', `attestation.mirrors.3: not a directory: ${join(dir, 'a.txt')}`),
    );
    expect(() => filesUnder(join(dir, 'missing'), '--data')).toThrow(/--data: not a directory/);
  });
});
