// Small durable-write helpers for the files a validator must never lose or half-write: the
// signer's last-signed state and the consensus WAL.
import { closeSync, fsync, openSync, rename, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * File-system errors that say nothing about the file and may clear on their own: descriptors or
 * space exhausted, a busy or interrupted call. Whoever hits one may try again later.
 */
const TRANSIENT_IO_CODES: ReadonlySet<string> = new Set([
  'EMFILE',
  'ENFILE',
  'EAGAIN',
  'EWOULDBLOCK',
  'EINTR',
  'EBUSY',
  'ENOSPC',
  'EDQUOT',
  'ENOMEM',
]);

export function isTransientIoError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_IO_CODES.has(code);
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/**
 * Replaces `path` with `bytes` atomically and durably: write a temporary file, fsync it, rename it
 * over the original, fsync the directory (a rename is only durable once its directory entry is).
 * The calls that can wait on the disk or the journal (the two fsyncs and the rename) run on libuv's
 * thread pool, so the event loop keeps serving peers and RPC meanwhile; creating the temporary
 * file, writing its few hundred bytes into the page cache and the closes are done in place (tens of
 * microseconds each). Each step on the pool costs a hand-off both ways and a promise on the event
 * loop: with all eight there, the guard's two or three writes a height were a visible share of an
 * empty block's CPU. The caller awaits it before acting on what it wrote.
 */
export async function replaceFileDurably(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = openSync(tmp, 'w', 0o600);
  try {
    writeAll(file, bytes);
    await syncDescriptor(file);
  } finally {
    closeSync(file);
  }
  await new Promise<void>((resolve, reject) => rename(tmp, path, (err) => (err ? reject(err) : resolve())));
  const dir = openSync(dirname(path), 'r');
  try {
    await syncDescriptor(dir);
  } finally {
    closeSync(dir);
  }
}

/** fsync(2) of an open descriptor on the thread pool, off the event loop. */
export function syncDescriptor(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}
