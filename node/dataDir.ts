// A directory of contribution files someone holds: the operator's `openchain attribute --data DIR`
// and `challenge --data DIR`, and a validator's attestation mirrors (node/attestation/mirror.ts).
// Any layout: files are matched to contributions by their chunk roots, never by name.
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OpenchainError } from '../core/errors.ts';

/**
 * Every regular file under `dir`, sorted, skipping dot-files and dot-directories. `what` names the
 * directory in the error when it is not one (the option or setting it came from).
 */
export function filesUnder(dir: string, what: string): string[] {
  let entries: Dirent[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    throw new OpenchainError('USAGE', `${what}: not a directory: ${dir}`);
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(path, what));
    else if (e.isFile()) out.push(path);
  }
  return out;
}
