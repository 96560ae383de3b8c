// The application failing locally (an I/O error, not a verdict on a block) while consensus runs:
// such a failure is never taken for "invalid". A restarted validator keeps the lock its signed
// precommit was based on, without asking the application again, and a block +2/3 precommitted
// while the check failed is checked again until it can be decided.
import { describe, expect, it } from 'vitest';
import { blockHash } from '../../core/block.ts';
import type { Hex } from '../../core/bytes.ts';
import { PRECOMMIT, PREVOTE } from '../../core/vote.ts';
import { single } from './harness/single.ts';

/** The application cannot read its state while `failing()`: an error without a verdict's code. */
function failWhile(app: { processProposal: (b: never) => Promise<Hex> }, failing: (hash: Hex) => boolean) {
  const original = app.processProposal.bind(app);
  app.processProposal = async (block: never) => {
    if (failing(blockHash((block as { header: Parameters<typeof blockHash>[0] }).header)))
      throw Object.assign(new Error('EIO: i/o error reading the state'), { code: 'EIO' });
    return original(block);
  };
}

/** The validator's own votes, in signing order, each (type, round, hash) once (re-sends dropped). */
function signed(t: Awaited<ReturnType<typeof single>>) {
  const seen = new Set<string>();
  return t.own().filter((v) => {
    const key = `${v.type}/${v.round}/${v.hash}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe('a local application failure', () => {
  it('does not make a restarted validator forget its lock (prevote r0 B, precommit r0 B, then nil for C in r1)', async () => {
    const t = await single();
    await t.toRound0();
    const b = t.buildBlock(0);
    const hashB = blockHash(b.header);
    t.propose(b, 0);
    for (const i of t.others) t.send(i, PREVOTE, 0, hashB);
    await t.c.settle();
    for (const i of t.others) t.send(i, PRECOMMIT, 0, null);
    await t.c.settle();
    expect(signed(t)).toEqual([
      { type: 'prevote', height: 1, round: 0, hash: hashB },
      { type: 'precommit', height: 1, round: 0, hash: hashB },
    ]);
    expect(t.engine().status().lockedRound).toBe(0);

    // Restart in the middle of the height, with an application that now fails to read B's state.
    await t.c.stopNode(t.me);
    failWhile(t.node.app as never, (hash) => hash === hashB);
    await t.c.startNode(t.me);
    expect(t.node.halted).toBeUndefined();
    expect(await t.c.runUntil(() => t.engine().status().round === 1, 10_000)).toBe(true);

    // A fresh proposal of another block in round 1: a validator locked on B prevotes nil (L22).
    const c = t.buildBlock(1, t.c.time.now() + 1);
    t.propose(c, 1);
    await t.c.settle();
    expect(signed(t)).toEqual([
      { type: 'prevote', height: 1, round: 0, hash: hashB },
      { type: 'precommit', height: 1, round: 0, hash: hashB },
      { type: 'prevote', height: 1, round: 1, hash: null },
    ]);
    expect(t.engine().status()).toMatchObject({ height: 1, lockedRound: 0, validRound: 0 });
  });

  it('is checked again with backoff: a block +2/3 precommit meanwhile is decided once the application recovers', async () => {
    const t = await single();
    await t.toRound0();
    let failing = true;
    failWhile(t.node.app as never, () => failing);
    const b = t.buildBlock(0);
    const hashB = blockHash(b.header);
    const first = t.propose(b, 0);
    await t.c.settle();
    expect(await first).toMatchObject({ result: 'ignore', code: 'UNCHECKED_BLOCK' });
    // Proposed again (next round): checked again, still no verdict, so nobody is blamed.
    const again = t.propose(b, 1);
    await t.c.settle();
    expect(await again).toMatchObject({ result: 'ignore', code: 'UNCHECKED_BLOCK' });
    expect(signed(t)).toEqual([{ type: 'prevote', height: 1, round: 0, hash: null }]);

    for (const i of t.others) t.send(i, PRECOMMIT, 0, hashB);
    await t.c.run(3_000);
    expect(t.node.halted).toBeUndefined();
    expect(t.node.app.height).toBe(0);

    failing = false;
    expect(await t.c.runUntil(() => t.node.app.height === 1, 10_000)).toBe(true);
    expect(t.node.app.blockAt(1)!.hash).toBe(hashB);
    expect(t.node.halted).toBeUndefined();
  });
});
