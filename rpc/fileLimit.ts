// The connection cap that leaves file descriptors for the node itself. Every TCP connection holds a
// descriptor; when RPC clients take them all, LevelDB, the WAL and the signing guard fail with EMFILE.
import { readFileSync } from 'node:fs';

/**
 * The process's soft RLIMIT_NOFILE (Node raises it to the hard limit at start), from
 * /proc/self/limits; undefined where that file does not exist (not Linux) or says "unlimited".
 */
export function openFileLimit(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+)/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}

/**
 * The configured cap, lowered so that at least `reserve` descriptors stay for everything else the node
 * opens (database, WAL, signing guard, p2p connections, logs). At least 1, so RPC still answers on a
 * tiny limit; `limit` undefined (unknown) keeps the configured cap.
 */
export function connectionCap(configured: number, reserve: number, limit: number | undefined): number {
  if (limit === undefined) return configured;
  return Math.max(1, Math.min(configured, limit - reserve));
}
