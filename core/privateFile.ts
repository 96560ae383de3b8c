// Files and directories only their owner may use. mkdir and open apply the process umask, which
// can be 000, so modes are set explicitly after creating; and a secret found readable by group or
// others is refused when loaded, as ssh refuses such a private key: it may have been read already.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { OpenchainError } from './errors.ts';

/** Creates `path` (and missing parents) and makes it 0700. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

/** Writes a new file (refusing to overwrite one) with mode 0600. */
export function writePrivateFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

export class KeyPermissionsError extends OpenchainError<'KEY_PERMISSIONS'> {}

/** Throws KeyPermissionsError if group or others have any access to the secret file at `path`. */
export function assertPrivateFile(path: string, what: string): void {
  if (process.platform === 'win32') return; // no POSIX modes
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return; // missing or unreadable: the caller's read reports it
  }
  if ((mode & 0o077) === 0) return;
  throw new KeyPermissionsError(
    'KEY_PERMISSIONS',
    `${what} ${path} is accessible to group or others (mode 0${mode.toString(8)}); refusing to use it. ` +
      `Run \`chmod 600 ${path}\`, and replace the key if someone else may have read it.`,
  );
}
