// A pid lock on the node home, so that a second process opening the same home fails with a clear
// message instead of LevelDB's lock error (or worse, two validators signing with one key).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OpenchainError } from '../core/errors.ts';
import { ensurePrivateDir } from '../core/privateFile.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class HomeLock {
  readonly #path: string;

  private constructor(path: string) {
    this.#path = path;
  }

  static acquire(path: string): HomeLock {
    ensurePrivateDir(dirname(path));
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
        return new HomeLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
        throw new OpenchainError(
          'HOME_LOCKED',
          `the node home is in use by process ${pid} (lock file ${path})`,
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone (e.g. after kill -9)
    }
    throw new OpenchainError('HOME_LOCKED', `could not acquire ${path}`);
  }

  release(): void {
    rmSync(this.#path, { force: true });
  }
}
