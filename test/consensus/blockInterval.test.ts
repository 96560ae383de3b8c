// timeoutCommit (block.intervalMs) as the period between block starts: once every validator's
// precommit is in, the next height's round 0 is due an interval after the decided block's round 0
// began, not an interval after its quorum; while a precommit is missing it still counts from the
// quorum, so late precommits can reach the next lastCommit. All by the fake clock (harness/fakeTime).
import { describe, expect, it } from 'vitest';
import { blockHash } from '../../core/block.ts';
import { PRECOMMIT } from '../../core/vote.ts';
import { DEVNET_DEFAULTS } from '../../node/devnet.ts';
import { Cluster } from './harness/cluster.ts';
import { single } from './harness/single.ts';

const INTERVAL = 1000;

describe('the block interval counts between block starts', () => {
  // Heights shorter than timeoutPropose (1 s), which a lone validator's own proposal never waits out.
  for (const [interval, heightMs, period] of [
    [1000, 300, 1000],
    [500, 800, 800],
  ] as const) {
    it(`a lone validator at a ${interval} ms interval whose heights take ${heightMs} ms makes a block every ${period} ms`, async () => {
      const c = await Cluster.start({ powers: [1n], config: { timeoutCommitMs: interval } });
      const app = c.nodes[0]!.app;
      const prepare = app.prepareProposal.bind(app);
      const process = app.processProposal.bind(app);
      const finalize = app.finalizeBlock.bind(app);
      // Checking the proposal (and with it the height) takes heightMs of the clock; the build and the
      // commit (which check the block again in this app) take none.
      let inner = false;
      const without = async <T>(step: () => Promise<T>): Promise<T> => {
        inner = true;
        try {
          return await step();
        } finally {
          inner = false;
        }
      };
      app.prepareProposal = (input) => without(() => prepare(input));
      app.processProposal = async (block) => {
        if (!inner) c.time.advanceTo(c.time.now() + heightMs);
        return process(block);
      };
      const decidedAt: number[] = [];
      app.finalizeBlock = (block, commit) => {
        decidedAt.push(c.time.now());
        return without(() => finalize(block, commit));
      };
      expect(await c.reach(6)).toBe(true);
      const periods = decidedAt.slice(2).map((t, i) => t - decidedAt[i + 1]!);
      expect(periods).toEqual([period, period, period, period]);
    });
  }

  for (const everyone of [true, false]) {
    it(`with ${everyone ? 'every precommit in, from the block start' : 'a precommit missing, from the quorum'}`, async () => {
      const t = await single({ config: { timeoutCommitMs: INTERVAL } });
      await t.toRound0();
      const start = t.c.time.now();
      // The proposal comes 300 ms into the round; everyone prevotes it, so we precommit it too.
      t.c.time.advanceTo(start + 300);
      const hash = t.proposePrevoted(t.buildBlock(0), 0);
      await t.c.settle();
      expect(t.own()).toContainEqual({ type: 'precommit', height: 1, round: 0, hash });
      const quorumAt = t.c.time.now();
      for (const i of everyone ? t.others : t.others.slice(1)) t.send(i, PRECOMMIT, 0, hash);
      await t.c.settle();
      expect(t.node.app.height).toBe(1);
      await t.c.runUntil(() => t.engine().status().step !== 'newHeight', 5000);
      expect(t.engine().status().height).toBe(2);
      expect(t.c.time.now()).toBe(everyone ? start + INTERVAL : quorumAt + INTERVAL);
    });
  }

  it('a height decided before this node entered its propose step counts from the quorum', async () => {
    const t = await single({ config: { timeoutCommitMs: INTERVAL } });
    expect(t.engine().status()).toMatchObject({ height: 1, step: 'newHeight' });
    // Still in its first commit timeout, it gets the block and every precommit (its own key's too,
    // as from a second instance): it decides without a block start of its own.
    t.c.time.advanceTo(t.c.time.now() + 300);
    const block = t.buildBlock(0);
    const hash = blockHash(block.header);
    t.propose(block, 0);
    for (const i of t.vals.keys()) t.send(i, PRECOMMIT, 0, hash);
    await t.c.settle();
    expect(t.node.app.height).toBe(1);
    const quorumAt = t.c.time.now();
    await t.c.runUntil(() => t.engine().status().step !== 'newHeight', 5000);
    expect(t.engine().status().height).toBe(2);
    expect(t.c.time.now()).toBe(quorumAt + INTERVAL);
  });

  it("a block starts when round 0 stops waiting for transactions, not when the wait began (npm start's devnet)", async () => {
    const interval = DEVNET_DEFAULTS.blockIntervalMs;
    const t = await single({
      config: { timeoutCommitMs: interval, createEmptyBlocks: false, emptyBlocksIntervalMs: 0 },
    });
    await t.toRound0();
    await t.c.run(2000);
    expect(t.engine().status()).toMatchObject({ height: 1, waitingForTxs: true });
    t.node.app.addTx(new Uint8Array([1, 2, 3]));
    await t.c.runUntil(() => !t.engine().status().waitingForTxs, 0);
    expect(t.engine().status()).toMatchObject({ step: 'propose', waitingForTxs: false });
    const start = t.c.time.now();
    t.c.time.advanceTo(start + 40);
    const hash = t.proposePrevoted(t.buildBlock(0), 0);
    await t.c.settle();
    for (const i of t.others) t.send(i, PRECOMMIT, 0, hash);
    await t.c.settle();
    expect(t.node.app.height).toBe(1);
    await t.c.runUntil(() => t.engine().status().step !== 'newHeight', 5000);
    expect(t.c.time.now()).toBe(start + interval);
  });
});
