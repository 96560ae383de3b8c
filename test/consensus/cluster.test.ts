// Whole clusters of engines over the simulated network with fake time: agreement at every height,
// crashes, partitions, lossy links, byzantine proposers and voters, weighted power, sync catch-up.
import { describe, expect, it } from 'vitest';
import { proposalSignBytes } from '../../consensus/proposal.ts';
import { newProposerState, nextHeightProposerState, ProposerSchedule } from '../../consensus/proposer.ts';
import { blockHash } from '../../core/block.ts';
import { ed25519Sign } from '../../core/ed25519.ts';
import type { Validator } from '../../core/validator.ts';
import { PREVOTE } from '../../core/vote.ts';
import { Cluster } from './harness/cluster.ts';
import { CHAIN_ID, vote } from './harness/fixtures.ts';

/** The block hashes of heights 1..n on a node. */
function chainOf(c: Cluster, index: number, n: number): (string | undefined)[] {
  return Array.from({ length: n }, (_, i) => c.nodes[index]!.app.blockAt(i + 1)?.hash);
}

describe('agreement', () => {
  it('4 equal validators decide identical blocks at every height, proposers rotating by priority', async () => {
    const c = await Cluster.start();
    expect(await c.reach(8)).toBe(true);
    c.expectSafety();
    const chain = chainOf(c, 0, 8);
    for (const n of c.nodes) expect(chainOf(c, n.index, 8)).toEqual(chain);
    // With no failures every height is decided in round 0 by the priority schedule's proposer.
    let state = newProposerState(c.validators.map(({ secretKey: _, ...v }) => v));
    for (let h = 1; h <= 8; h++) {
      const block = c.nodes[0]!.app.blockAt(h)!;
      expect(block.commit!.round).toBe(0);
      expect(block.block.header.proposer).toBe(new ProposerSchedule(state).proposer(0));
      state = nextHeightProposerState(state, c.nodes[0]!.app.validators());
    }
    // Blocks link up, and each carries the previous commit (late precommits included).
    for (let h = 2; h <= 8; h++) {
      const block = c.nodes[0]!.app.blockAt(h)!.block;
      expect(block.lastCommit!.blockHash).toBe(chain[h - 2]);
      expect(block.lastCommit!.signatures.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('a single validator commits a block per timeoutCommit', async () => {
    const c = await Cluster.start({ powers: [1n] });
    const t0 = c.time.now();
    expect(await c.reach(5)).toBe(true);
    expect(c.time.now() - t0).toBe(5 * 1000);
    expect(c.nodes[0]!.app.blockAt(5)!.commit!.signatures).toHaveLength(1);
  });

  it('blocks come every timeoutCommit plus the rounds latency', async () => {
    const c = await Cluster.start({ config: { timeoutCommitMs: 300 } });
    const t0 = c.time.now();
    expect(await c.reach(10)).toBe(true);
    const perBlock = (c.time.now() - t0) / 10;
    expect(perBlock).toBeGreaterThan(300);
    expect(perBlock).toBeLessThan(400);
  });

  it('the next proposer includes the precommits that arrived after its commit, during timeoutCommit', async () => {
    const c = await Cluster.start({ seed: 5 });
    // Precommits spread over 40 ms: a node commits on the third and the fourth comes after.
    c.net.policy = { latencyMs: 2, jitterMs: 40 };
    expect(await c.reach(9)).toBe(true);
    let late = 0;
    for (let h = 1; h <= 8; h++) {
      const next = c.nodes[0]!.app.blockAt(h + 1)!.block;
      const proposer = c.nodes.find((n) => n.validator.address === next.header.proposer)!;
      // Every validator's precommit, though the proposer committed with fewer.
      expect(next.lastCommit!.signatures, `lastCommit of ${h + 1}`).toHaveLength(4);
      if (proposer.app.blockAt(h)!.commit!.signatures.length < 4) late++;
    }
    expect(late).toBeGreaterThan(0);
  });

  it('survives message loss, duplication and reordering', async () => {
    const c = await Cluster.start({ seed: 3 });
    c.net.policy = { dropRate: 0.25, duplicateRate: 0.2, latencyMs: 2, jitterMs: 40 };
    expect(await c.reach(6, 120_000)).toBe(true);
    c.expectSafety();
  });
});

describe('followers', () => {
  it('a node without a validator key follows consensus and commits the same blocks', async () => {
    const c = new Cluster();
    for (const n of c.nodes) await c.startNode(n.index, { withoutSigner: n.index === 3 });
    expect(await c.reach(5)).toBe(true);
    c.expectSafety();
    expect(c.net.sent.some((s) => s.from === 'n3')).toBe(false);
    expect(c.net.catchUpRequests).toEqual([]);
  });
});

describe('crashes', () => {
  it('one of four validators down: progress', async () => {
    const c = await Cluster.start({}, [0, 1, 2]);
    expect(await c.reach(5, 60_000, [0, 1, 2])).toBe(true);
    c.expectSafety();
    // The down validator's turns to propose cost a round each.
    const rounds = [1, 2, 3, 4, 5].map((h) => c.nodes[0]!.app.blockAt(h)!.commit!.round);
    expect(rounds.some((r) => r > 0)).toBe(true);
  });

  it('two of four down: no progress and no fork; one returns: progress again', async () => {
    const c = await Cluster.start();
    expect(await c.reach(3)).toBe(true);
    await c.stopNode(2);
    await c.stopNode(3);
    const stuck = Math.max(...c.heights());
    await c.run(30_000);
    expect(Math.max(c.nodes[0]!.app.height, c.nodes[1]!.app.height)).toBeLessThanOrEqual(stuck + 1);
    const stalledAt = c.nodes[0]!.app.height;
    await c.run(10_000);
    expect(c.nodes[0]!.app.height).toBe(stalledAt);
    await c.startNode(2);
    expect(await c.reach(stalledAt + 3, 120_000, [0, 1, 2])).toBe(true);
    c.expectSafety();
  });
});

describe('partitions and catch-up', () => {
  it('a 2|2 partition halts without forking; healing resumes', async () => {
    const c = await Cluster.start();
    expect(await c.reach(2)).toBe(true);
    c.net.partition([
      ['n0', 'n1'],
      ['n2', 'n3'],
    ]);
    const before = Math.max(...c.heights());
    await c.run(20_000);
    expect(Math.max(...c.heights())).toBeLessThanOrEqual(before + 1);
    c.expectSafety();
    c.net.partition(null);
    expect(await c.reach(before + 3, 120_000)).toBe(true);
    c.expectSafety();
  });

  it('a node cut off for several heights catches up through sync, then votes again', async () => {
    const c = await Cluster.start();
    c.net.partition([['n0', 'n1', 'n2'], ['n3']]);
    expect(await c.reach(6, 60_000, [0, 1, 2])).toBe(true);
    expect(c.nodes[3]!.app.height).toBeLessThan(2);
    c.net.partition(null);
    expect(await c.reach(9, 60_000)).toBe(true);
    expect(c.net.catchUpRequests.some((r) => r.node === 'n3')).toBe(true);
    c.expectSafety();
    // Caught up, it is a voter again: the last commit includes its signature soon after.
    await c.reach(11);
    const signers = c.nodes[0]!.app.blockAt(11)!.block.lastCommit!.signatures.map((s) => s.validator);
    expect(signers).toContain(c.validators[3]!.address);
  });
});

describe('weighted power', () => {
  it('a validator with more than 1/3 of the power down halts the chain', async () => {
    // Powers 1, 1, 1, 2: the last one holds 2/5 > 1/3.
    const c = await Cluster.start({ powers: [1n, 1n, 1n, 2n] }, [0, 1, 2]);
    await c.run(20_000);
    expect(c.heights()).toEqual([0, 0, 0, 0]);
    await c.startNode(3);
    expect(await c.reach(3)).toBe(true);
    c.expectSafety();
  });

  it('validators with less than 1/3 of the power down do not', async () => {
    // Powers 1, 1, 5, 2 (total 9): 1 + 1 down is 2/9.
    const c = await Cluster.start({ powers: [1n, 1n, 5n, 2n] }, [2, 3]);
    expect(await c.reach(4, 60_000, [2, 3])).toBe(true);
    c.expectSafety();
  });

  it('validator-set changes move the proposer schedule identically everywhere', async () => {
    const c = await Cluster.start({
      changes: (vals) =>
        new Map<number, readonly Validator[]>([
          [2, vals.map((v, i) => (i === 0 ? { ...v, power: 10n } : v))],
          [4, vals.slice(1)],
        ]),
    });
    expect(await c.reach(8)).toBe(true);
    c.expectSafety();
    // After height 4, validator 0 is gone: no commit from 6 on carries its signature.
    const signers = c.nodes[1]!.app.blockAt(8)!.block.lastCommit!.signatures.map((s) => s.validator);
    expect(signers).not.toContain(c.validators[0]!.address);
    // Height 3 (power 10 of 13): validator 0 proposes most rounds from then on.
    expect(c.nodes[1]!.app.blockAt(3)!.block.header.proposer).toBe(c.validators[0]!.address);
  });
});

describe('byzantine behaviour', () => {
  it('an equivocating proposer (different blocks to different peers) cannot fork the chain', async () => {
    const c = await Cluster.start({ seed: 5 });
    const byz = c.nodes[0]!;
    // Every proposal of n0 reaching n2 or n3 is replaced by a different block, validly signed.
    c.net.policy = {
      intercept: (d) => {
        if (d.from !== 'n0' || d.message.kind !== 'proposal' || (d.to !== 'n2' && d.to !== 'n3'))
          return d.message;
        const p = d.message.proposal;
        const input = {
          height: p.height,
          time: p.block.header.time,
          proposer: byz.app.validators().find((v) => v.address === byz.validator.address)!,
          lastCommit: p.block.lastCommit,
          evidence: p.block.evidence,
        };
        const other = byz.app.build(input, [new Uint8Array([0xee, p.round])]);
        const bytes = proposalSignBytes(CHAIN_ID, p.height, p.round, p.polRound, blockHash(other.header));
        return {
          kind: 'proposal',
          proposal: { ...p, block: other, signature: ed25519Sign(bytes, byz.validator.secretKey) },
        };
      },
    };
    expect(await c.reach(6, 120_000)).toBe(true);
    c.expectSafety();
  });

  it('conflicting votes become evidence, gossiped and included in a block', async () => {
    const c = await Cluster.start();
    expect(await c.reach(2)).toBe(true);
    // Validator 3 (its key, outside its engine) prevotes two different blocks at the current height.
    const height = c.nodes[0]!.app.height + 1;
    const byz = c.validators[3]!;
    const a = vote(byz, PREVOTE, height, 5, `0x${'a1'.repeat(32)}`);
    const b = vote(byz, PREVOTE, height, 5, `0x${'b2'.repeat(32)}`);
    const engine = c.nodes[0]!.engine!;
    expect(engine.onVote(a, 'byz')).toEqual({ result: 'accept' });
    expect(engine.onVote(b, 'byz')).toEqual({ result: 'accept' });
    expect(await c.reach(height + 3)).toBe(true);
    const included = [height, height + 1, height + 2, height + 3].flatMap(
      (h) => c.nodes[1]!.app.blockAt(h)!.block.evidence,
    );
    expect(included).toHaveLength(1);
    expect(included[0]!.voteA.validator).toBe(byz.address);
    // Everyone heard about it (broadcast once by n0, relayed by accepting peers in a real network).
    expect(c.net.sent.filter((s) => s.message.kind === 'evidence')).toHaveLength(1);
    expect(c.net.verdicts.filter((v) => v.kind === 'evidence').map((v) => v.verdict.result)).toEqual([
      'accept',
      'accept',
      'accept',
    ]);
  });
});

describe('application verdicts', () => {
  it('blocks the application rejects are prevoted nil; another proposer decides', async () => {
    const c = await Cluster.start();
    const bad = c.validators[1]!.address;
    for (const n of c.nodes)
      n.app.reject = (block) => (block.header.proposer === bad ? 'test: proposer 1 is broken' : undefined);
    expect(await c.reach(8)).toBe(true);
    c.expectSafety();
    const blocks = [1, 2, 3, 4, 5, 6, 7, 8].map((h) => c.nodes[0]!.app.blockAt(h)!);
    expect(blocks.every((b) => b.block.header.proposer !== bad)).toBe(true);
    expect(blocks.some((b) => b.commit!.round > 0)).toBe(true);
  });

  it('createEmptyBlocks off: no blocks until there are transactions', async () => {
    const c = await Cluster.start({ config: { createEmptyBlocks: false } });
    expect(await c.reach(1, 10_000)).toBe(false);
    expect(c.heights()).toEqual([0, 0, 0, 0]);
    for (const n of c.nodes) n.app.addTx(new Uint8Array([1, 2, 3]));
    expect(await c.reach(1, 10_000)).toBe(true);
    expect(c.nodes[0]!.app.blockAt(1)!.block.txs).toHaveLength(1);
    await c.run(10_000);
    expect(c.heights()).toEqual([1, 1, 1, 1]);
  });

  it('createEmptyBlocks off with emptyBlocksIntervalMs: an idle chain makes an empty block per interval, a transaction does not wait for it', async () => {
    const c = await Cluster.start({ config: { createEmptyBlocks: false, emptyBlocksIntervalMs: 5_000 } });
    // 1 s commit timeout + 5 s idle per height: three heights in 20 s (with empty blocks on, about 19).
    await c.run(20_000);
    const idle = c.heights();
    expect(Math.min(...idle)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...idle)).toBeLessThanOrEqual(4);
    for (let h = 1; h <= Math.min(...idle); h++)
      expect(c.nodes[0]!.app.blockAt(h)!.block.txs).toHaveLength(0);
    const top = Math.max(...idle);
    for (const n of c.nodes) n.app.addTx(new Uint8Array([1, 2, 3]));
    // Well inside one idle interval: the transaction ends the wait.
    expect(await c.reach(top + 1, 2_500)).toBe(true);
    const withTx = [...Array(top + 1).keys()].map((i) => c.nodes[0]!.app.blockAt(i + 1)!.block.txs.length);
    expect(withTx.reduce((a, b) => a + b, 0)).toBe(1);
    c.expectSafety();
  });
});
