// Processes the benches start: free port ranges for them, and their CPU time from /proc.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/**
 * A base port with `count` free ports after it, below Linux's ephemeral range (32768-60999): nodes
 * are restarted on their ports, and an outgoing connection could meanwhile take a port of that
 * range as its local port (the e2e helper's 20000-60000 range allows that).
 */
export async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (12_700 - count));
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no free port range found');
}

/** utime + stime of a process in ms (Linux); null elsewhere. */
export function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15, in clock ticks (100 Hz).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The process ids of `pid`'s children, grandchildren and so on (Linux /proc); [] elsewhere. */
export function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // Field 4 (ppid) is the second after the command name, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // the process exited meanwhile
    }
  }
  const out: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift()!) ?? [];
    out.push(...next);
    queue.push(...next);
  }
  return out;
}

/**
 * CPU time (ms) of a process and every process below it, e.g. a wrapper script and the binary it
 * runs; null if the process itself cannot be read.
 */
export function treeCpuMs(pid: number | undefined): number | null {
  const own = cpuMs(pid);
  if (own === null || pid === undefined) return null;
  return descendants(pid).reduce((sum, child) => sum + (cpuMs(child) ?? 0), own);
}
