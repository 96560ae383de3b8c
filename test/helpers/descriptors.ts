// The file descriptors this process holds on paths under a directory. A unit file shares its vitest
// worker with others (vitest.config.ts), whose sockets and files come and go while it runs, so a
// check for leaked descriptors counts only those on its own files.
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';

/** The targets of the descriptors open on `dir` or anything under it. */
export function descriptorsUnder(dir: string): string[] {
  const root = realpathSync(dir); // readlink answers real paths
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target === root || target.startsWith(`${root}/`) ? [target] : [];
    } catch {
      return []; // closed between the listing and the look
    }
  });
}
