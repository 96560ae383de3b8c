// Small durable-write helpers for the files a validator must never lose or half-write: the
// signer's last-signed state and the consensus WAL.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
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
 */
export function replaceFileDurably(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeAll(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
