// Small durable-write helpers for the files a validator must never lose or half-write: the
// signer's last-signed state and the consensus WAL.
import { fsync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
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
 * Every step runs on libuv's thread pool, so the event loop keeps serving peers and RPC while the
 * disk flushes; the caller awaits it before acting on what it wrote.
 */
export async function replaceFileDurably(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w', 0o600);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** fsync(2) of an open descriptor on the thread pool, off the event loop. */
export function syncDescriptor(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}
