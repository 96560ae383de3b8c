// A small tmpfs of the test's own, to make a real "disk full" (ENOSPC): mounting needs root, so
// `tmpfsUnavailable` says why a test that needs one has to be skipped.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';

function mount(bytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'oc-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/** Lazily when still busy (a failed test left a file open): detached now, freed when closed. */
function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir]);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Why no tmpfs can be mounted here (not root, no mount permission), or undefined if one can. */
export const tmpfsUnavailable: string | undefined = (() => {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  try {
    unmount(mount(64 * 1024));
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs: ${(err as Error).message.split('\n')[0]}`;
  }
})();

/** Mounts a tmpfs of `bytes` at a new directory; unmounted when the test finishes. */
export function mountTmpfs(bytes: number): string {
  const dir = mount(bytes);
  onTestFinished(() => unmount(dir));
  return dir;
}

/**
 * Fills the file system of `dir` with a file until the kernel says ENOSPC (synchronously, so no
 * other work runs between "some space left" and "full"). Returns a function that deletes it.
 */
export function fillDisk(dir: string): () => void {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = new Uint8Array(4096);
  try {
    for (let i = 0; i < 1_000_000; i++) writeSync(fd, chunk);
    throw new Error('the disk did not fill');
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
  return () => unlinkSync(path);
}
