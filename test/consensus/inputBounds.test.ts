// What peers can make the engine hold or write: votes that a queued vote of the same validator took
// out of its round window are dropped before the WAL, and peer input beyond the queue bound is
// ignored while the engine's own timeouts still run.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWal } from '../../consensus/wal.ts';
import { PRECOMMIT, PREVOTE } from '../../core/vote.ts';
import { single } from './harness/single.ts';

describe('input bounds', () => {
  it('votes outside the round window are not written to the WAL', async () => {
    const t = await single();
    const [b] = t.others;
    // Arriving together, all four pass the window check; only two future rounds may open.
    const verdicts = [7, 8, 9, 10].map((round) => t.send(b!, PREVOTE, round, null));
    expect(verdicts.every((v) => v.result === 'accept')).toBe(true);
    await t.c.settle();
    const logged = readWal(join(t.node.dir, 'wal')).entries.filter(
      (e) => e.kind === 'vote' && e.vote.validator === t.vals[b!]!.address,
    );
    expect(logged.map((e) => (e.kind === 'vote' ? e.vote.round : -1))).toEqual([7, 8]);
  });

  it('peer input beyond the queue bound is ignored; the engine keeps running its own rounds', async () => {
    const t = await single({ config: { maxQueuedPeerInputs: 4 } });
    await t.toRound0();
    // Sent in one go, while the loop is busy with the first: the queue holds four.
    const verdicts = [];
    for (const i of t.others) {
      for (const round of [0, 1]) {
        verdicts.push(t.send(i, PREVOTE, round, null));
        verdicts.push(t.send(i, PRECOMMIT, round, null));
      }
    }
    const busy = verdicts.filter((v) => v.result === 'ignore' && v.code === 'BUSY');
    expect(busy.length).toBeGreaterThan(0);
    expect(verdicts.filter((v) => v.result === 'accept').length).toBeLessThanOrEqual(5);
    await t.c.settle();
    // Once the loop has caught up, re-sent votes are taken again, and its own timeouts end the round.
    const again = [];
    for (const i of t.others)
      for (const type of [PREVOTE, PRECOMMIT] as const) again.push(t.send(i, type, 0, null));
    expect(again.some((v) => v.result === 'accept')).toBe(true);
    expect(await t.c.runUntil(() => t.engine().status().round >= 1, 20_000)).toBe(true);
    expect(t.node.halted).toBeUndefined();
  });
});
