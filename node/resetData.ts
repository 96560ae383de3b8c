// `openchain reset-data`: the recovery path for damaged or rolled-back data (node/dataCheck.ts).
// The chain database and the consensus WAL are moved aside, not deleted (they may be needed to see
// what happened); the keys and the double-sign guard stay, so the node resyncs from peers and its
// validator cannot sign again at a height it signed before.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { homePaths } from './home.ts';
import { HomeLock } from './lock.ts';

/** Moves the database and WAL of `home` aside; returns the new paths. Refuses while the node runs. */
export function resetData(home: string, now = new Date()): string[] {
  const paths = homePaths(home);
  const lock = HomeLock.acquire(paths.lock);
  try {
    const suffix = `.reset-${now.toISOString().replace(/[:.]/g, '-')}`;
    const moved: string[] = [];
    for (const path of [paths.db, join(paths.data, 'consensus.wal')]) {
      if (!existsSync(path)) continue;
      renameSync(path, path + suffix);
      moved.push(path + suffix);
    }
    return moved;
  } finally {
    lock.release();
  }
}
