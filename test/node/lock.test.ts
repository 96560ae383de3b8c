import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HomeLock } from '../../node/lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'openchain-lock-'));
afterEach(() => rmSync(join(dir, 'node.pid'), { force: true }));

describe('home lock', () => {
  it('refuses a second holder while the first is alive', () => {
    const lock = HomeLock.acquire(join(dir, 'node.pid'));
    // Another live process holds it: pretend by writing our parent's pid.
    lock.release();
    writeFileSync(join(dir, 'node.pid'), `${process.ppid}\n`);
    expect(() => HomeLock.acquire(join(dir, 'node.pid'))).toThrow(/in use by process/);
  });

  it('takes over a stale lock left by a killed process', () => {
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(join(dir, 'node.pid'), `${dead}\n`);
    const lock = HomeLock.acquire(join(dir, 'node.pid'));
    lock.release();
  });
});
