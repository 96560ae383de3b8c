// The double-sign guard's file write failing for a transient reason: with every file descriptor of
// the process in use (a real EMFILE, as idle connections caused in the field), the validator signs
// nothing and does not halt; once descriptors are free again it signs and the chain moves on.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Cluster } from './harness/cluster.ts';

/** This process's soft and hard limits on open files, from /proc. */
function fileLimits(): { soft: string; hard: string } {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'))!;
  const [soft, hard] = line.split(/\s+/).slice(3, 5) as [string, string];
  return { soft, hard };
}

/**
 * Uses up every file descriptor this process may open: the soft limit is lowered (prlimit) to a
 * little above what is open now, then /dev/null is opened until the kernel says EMFILE. Returns a
 * function that frees them and restores the limit.
 */
function exhaustDescriptors(): () => void {
  const { soft, hard } = fileLimits();
  const open = readdirSync('/proc/self/fd').length;
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${open + 32}:${hard}`]);
  const fds: number[] = [];
  const release = () => {
    for (const fd of fds.splice(0)) closeSync(fd);
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${soft}:${hard}`]);
  };
  onTestFinished(() => {
    if (fds.length > 0) release();
  });
  for (let i = 0; i < 10_000; i++) {
    try {
      fds.push(openSync('/dev/null', 'r'));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('EMFILE');
      return release;
    }
  }
  throw new Error('descriptors were not exhausted');
}

describe('the double-sign guard under descriptor exhaustion', () => {
  it('signs nothing while its write fails with EMFILE, does not halt, and resumes once it succeeds', async () => {
    const c = await Cluster.start({ powers: [1n] });
    const node = c.nodes[0]!;
    expect(await c.reach(2)).toBe(true);
    const signatures = () => [...c.signed.keys()].length;

    const release = exhaustDescriptors();
    const height = node.app.height;
    const before = signatures();
    await c.run(20_000);
    expect(node.halted).toBeUndefined();
    expect(node.engine?.running).toBe(true);
    // The lone validator could sign nothing, so nothing was committed.
    expect(signatures()).toBe(before);
    expect(node.app.height).toBe(height);

    release();
    expect(await c.reach(node.app.height + 2, 30_000)).toBe(true);
    expect(node.halted).toBeUndefined();
    c.expectSafety();
  });
});
