// Restarts after crashes and damaged files: a validator killed after any of its durable writes, or
// whose WAL lost any suffix, comes back from its files without ever signing two different messages
// for one (height, round, step), and the cluster keeps deciding the same blocks.
import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cluster } from './harness/cluster.ts';

describe('crashes', () => {
  it('a validator killed after any durable write restarts from its files without double-signing', async () => {
    // A clean run tells which durable writes the proposer of height 2 makes during that height.
    const probe = await Cluster.start({ seed: 9 });
    await probe.reach(1);
    const writesBefore = probe.nodes.map((n) => n.faults.writes);
    expect(await probe.reach(2)).toBe(true);
    const victim = probe.validators.findIndex(
      (v) => v.address === probe.nodes[0]!.app.blockAt(2)!.block.header.proposer,
    );
    const from = writesBefore[victim]! + 1;
    const to = probe.nodes[victim]!.faults.writes;
    expect(to - from).toBeGreaterThan(5);
    // The same run again, crashing it after each of those writes in turn (the run is deterministic).
    for (let k = from; k <= to; k++) {
      const c = new Cluster({ seed: 9 });
      for (const n of c.nodes) await c.startNode(n.index, { crashAt: n.index === victim ? k : undefined });
      await c.runUntil(() => c.nodes[victim]!.halted !== undefined, 30_000);
      expect(c.nodes[victim]!.halted, `crash point ${k}`).toBeDefined();
      await c.startNode(victim);
      // The restarted node is among those that must reach the next height.
      expect(await c.reach(3, 60_000), `crash point ${k}`).toBe(true);
      c.expectSafety();
    }
  });
});

describe('damaged WAL', () => {
  it('a WAL cut anywhere (own votes lost with it) never makes a validator sign twice', async () => {
    for (const fraction of [0, 0.3, 0.6, 0.9]) {
      const c = await Cluster.start({ seed: 4 });
      const n1 = c.nodes[1]!;
      const inPrecommit = () => {
        const s = n1.engine?.status();
        return s?.height === 3 && s.step === 'precommit';
      };
      expect(await c.runUntil(inPrecommit, 30_000)).toBe(true);
      await c.stopNode(1);
      const path = join(n1.dir, 'wal');
      truncateSync(path, Math.floor(statSync(path).size * fraction));
      await c.startNode(1);
      expect(await c.reach(5), `cut at ${fraction}`).toBe(true);
      c.expectSafety();
    }
  });
});
