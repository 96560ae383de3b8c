import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HomeLock } from '../../node/lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'openchain-lock-'));
const pidFile = join(dir, 'node.pid');
afterEach(() => rmSync(pidFile, { force: true }));

describe('home lock', () => {
  it('writes our pid into the pid file and removes it on release', () => {
    const lock = HomeLock.acquire(pidFile);
    expect(readFileSync(pidFile, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(existsSync(pidFile)).toBe(false);
  });

  it('refuses a second holder while the first is alive, and leaves its pid file alone', () => {
    // Another live process holds it: pretend by writing our parent's pid.
    writeFileSync(pidFile, `${process.ppid}\n`);
    expect(() => HomeLock.acquire(pidFile)).toThrow(`in use by process ${process.ppid}`);
    expect(readFileSync(pidFile, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('takes over a stale lock left by a killed process', () => {
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(pidFile, `${dead}\n`);
    const lock = HomeLock.acquire(pidFile);
    expect(readFileSync(pidFile, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });
});
