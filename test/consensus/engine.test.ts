// One real engine against scripted peers (their keys, no engines): verdicts for every kind of bad
// input, the timeouts of each step with their durations, round skipping, catch-up for unknown
// blocks, proposal times, the next-height buffer, restarts from the WAL, and halting.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { BUILD_SHARE, FIRST_CAP, MIN_SAMPLE_TXS } from '../../consensus/blockBudget.ts';
import { ConsensusEngine } from '../../consensus/engine.ts';
import type { PrivValidator } from '../../consensus/privval.ts';
import { newProposerState, nextHeightProposerState, ProposerSchedule } from '../../consensus/proposer.ts';
import type { ConsensusApp, ConsensusSigner } from '../../consensus/types.ts';
import { Wal } from '../../consensus/wal.ts';
import type { Block, ProposalInput } from '../../core/block.ts';
import { blockHash } from '../../core/block.ts';
import type { Hex } from '../../core/bytes.ts';
import { DUPLICATE_VOTE, duplicateVoteEvidence } from '../../core/evidence.ts';
import { PRECOMMIT, PREVOTE, sortCommitSigs, type Vote } from '../../core/vote.ts';
import { DEVNET_DEFAULTS } from '../../node/devnet.ts';
import type { Chain } from '../../state/chain.ts';
import { Cluster } from './harness/cluster.ts';
import {
  GENESIS_TIME,
  makeBlock,
  makeValidators,
  plain,
  proposal,
  proposerOrder,
  vote,
} from './harness/fixtures.ts';
import { captureLogger, silentLogger } from './harness/logger.ts';
import { MemoryStore } from './harness/memoryStore.ts';
import { single } from './harness/single.ts';

const RANDOM_HASH = `0x${'5a'.repeat(32)}` as Hex;

/** A commit by the scripted validators (all but `me`) for a height-1 block. */
function commitFor(t: Awaited<ReturnType<typeof single>>, block: Block) {
  const hash = blockHash(block.header);
  const votes = t.others.map((i) => vote(t.vals[i]!, PRECOMMIT, 1, 0, hash));
  return {
    height: 1,
    round: 0,
    blockHash: hash,
    signatures: sortCommitSigs(votes.map((v) => ({ validator: v.validator, signature: v.signature }))),
  };
}

describe('verdicts', () => {
  it('votes: bad signature and non-validators are rejected, duplicates and windows ignored', async () => {
    const t = await single();
    const [a, b] = t.others;
    const good = vote(t.vals[a!]!, PREVOTE, 1, 0, RANDOM_HASH);
    expect(t.engine().onVote(good, 'p')).toEqual({ result: 'accept' });
    await t.c.settle();
    expect(t.engine().onVote(good, 'p')).toMatchObject({ result: 'ignore', code: 'DUPLICATE' });
    const forged: Vote = { ...vote(t.vals[b!]!, PREVOTE, 1, 0, RANDOM_HASH), blockHash: null };
    expect(t.engine().onVote(forged, 'p')).toMatchObject({ result: 'reject', code: 'BAD_SIGNATURE' });
    const stranger = makeValidators([1n], 'stranger')[0]!;
    expect(t.engine().onVote(vote(stranger, PREVOTE, 1, 0, null), 'p')).toMatchObject({
      result: 'reject',
      code: 'UNKNOWN_VALIDATOR',
    });
    expect(t.engine().onVote(vote(t.vals[a!]!, PREVOTE, 1, 0, null, 99n), 'p')).toMatchObject({
      result: 'reject',
      code: 'BAD_SIGNATURE',
    });
    // Heights: the next one is kept for later, far ones are not, and neither is blamed (a node far
    // behind, syncing, must not penalise honest peers for being ahead).
    expect(t.send(a!, PREVOTE, 0, null, 2)).toMatchObject({ result: 'ignore', code: 'FUTURE_HEIGHT' });
    expect(t.send(a!, PREVOTE, 0, null, 50)).toMatchObject({ result: 'ignore', code: 'FUTURE_HEIGHT' });
    expect(t.send(a!, PREVOTE, 0, null, 102)).toMatchObject({ result: 'ignore', code: 'FAR_FUTURE_HEIGHT' });
    // Rounds: two future rounds per validator.
    expect(t.send(b!, PREVOTE, 7, null)).toEqual({ result: 'accept' });
    expect(t.send(b!, PREVOTE, 8, null)).toEqual({ result: 'accept' });
    await t.c.settle();
    expect(t.send(b!, PREVOTE, 9, null)).toMatchObject({ result: 'ignore', code: 'ROUND_OUT_OF_WINDOW' });
  });

  it('proposals: wrong signer, bad polRound, wrong block height rejected; far rounds, copies, a third ignored', async () => {
    const t = await single();
    await t.toRound0();
    const block = t.buildBlock(0);
    const wrongSigner = t.vals[t.order[1]!]!;
    expect(t.propose(block, 0, -1, wrongSigner)).toMatchObject({ result: 'reject', code: 'BAD_SIGNATURE' });
    expect(t.propose(block, 1, 1)).toMatchObject({ result: 'reject', code: 'INVALID_POL_ROUND' });
    const negative = { ...proposal(t.vals[t.order[1]!]!, block, 1), polRound: -2 };
    expect(t.engine().onProposal(negative, 'p')).toMatchObject({
      result: 'reject',
      code: 'INVALID_POL_ROUND',
    });
    const other = t.buildBlock(0, t.c.time.now(), 1);
    const tall = { ...other, header: { ...other.header, height: 2 } };
    expect(
      t.engine().onProposal({ ...proposal(t.vals[t.order[0]!]!, tall, 0), height: 1 }, 'p'),
    ).toMatchObject({
      result: 'reject',
      code: 'MALFORMED',
    });
    expect(t.propose(block, 3)).toMatchObject({ result: 'ignore', code: 'ROUND_OUT_OF_WINDOW' });
    // A proposal that passes these checks is answered once its block was checked in the loop.
    const first = t.propose(block, 0);
    await t.c.settle();
    expect(await first).toEqual({ result: 'accept' });
    expect(t.propose(block, 0)).toMatchObject({ result: 'ignore', code: 'DUPLICATE' });
    const second = t.propose(t.buildBlock(0, t.c.time.now() + 1), 0);
    await t.c.settle();
    expect(await second).toEqual({ result: 'accept' });
    expect(t.propose(t.buildBlock(0, t.c.time.now() + 2), 0)).toMatchObject({
      result: 'ignore',
      code: 'TOO_MANY_PROPOSALS',
    });
  });

  it('proposals: an invalid block from the right proposer is rejected once checked, an unchecked one ignored', async () => {
    const t = await single();
    await t.toRound0();
    t.node.app.reject = () => 'test: a transaction with a bad signature';
    const invalid = t.propose(t.buildBlock(0), 0);
    await t.c.settle();
    expect(await invalid).toMatchObject({ result: 'reject', code: 'INVALID_BLOCK' });
    expect((await invalid) as { reason: string }).toMatchObject({ reason: /bad signature/ });
    // The node itself fails (not the block): nobody is blamed.
    t.node.app.reject = undefined;
    t.node.app.processProposal = () => Promise.reject(new Error('disk on fire'));
    const unchecked = t.propose(t.buildBlock(0, t.c.time.now() + 1), 0);
    await t.c.settle();
    expect(await unchecked).toMatchObject({ result: 'ignore', code: 'UNCHECKED_BLOCK' });
  });

  it('evidence: verified against the validator set of its height', async () => {
    const t = await single();
    const [a] = t.others;
    const v1 = vote(t.vals[a!]!, PREVOTE, 1, 3, RANDOM_HASH);
    const v2 = vote(t.vals[a!]!, PREVOTE, 1, 3, null);
    const ev = duplicateVoteEvidence(v1, v2);
    expect(await t.engine().onEvidence(ev, 'p')).toEqual({ result: 'accept' });
    expect(await t.engine().onEvidence(ev, 'p')).toMatchObject({ result: 'ignore', code: 'DUPLICATE' });
    // (An offence already proven is ignored before any check, so this one is of another round.)
    const v4 = vote(t.vals[a!]!, PREVOTE, 1, 4, RANDOM_HASH);
    const same = { kind: DUPLICATE_VOTE, voteA: v4, voteB: v4 } as const;
    expect(await t.engine().onEvidence(same, 'p')).toMatchObject({
      result: 'reject',
      code: 'INVALID_EVIDENCE',
    });
    const stranger = makeValidators([1n], 'stranger')[0]!;
    const foreign = duplicateVoteEvidence(
      vote(stranger, PREVOTE, 1, 0, null),
      vote(stranger, PREVOTE, 1, 0, RANDOM_HASH),
    );
    expect(await t.engine().onEvidence(foreign, 'p')).toMatchObject({
      result: 'reject',
      code: 'UNKNOWN_VALIDATOR',
    });
    const future = duplicateVoteEvidence(
      vote(t.vals[a!]!, PREVOTE, 5, 0, null),
      vote(t.vals[a!]!, PREVOTE, 5, 0, RANDOM_HASH),
    );
    expect(await t.engine().onEvidence(future, 'p')).toMatchObject({
      result: 'ignore',
      code: 'FUTURE_HEIGHT',
    });
    expect(t.engine().status().pendingEvidence).toBe(1);
  });

  it('committed blocks: the commit must be for the block and verify', async () => {
    const t = await single();
    const block = t.buildBlock(0);
    const hash = blockHash(block.header);
    const sigs = t.others.map((i) => vote(t.vals[i]!, PRECOMMIT, 1, 0, hash));
    const commit = {
      height: 1,
      round: 0,
      blockHash: hash,
      signatures: sigs.map((v) => ({ validator: v.validator, signature: v.signature })),
    };
    commit.signatures.sort((x, y) => (x.validator < y.validator ? -1 : 1));
    expect(t.engine().onCommittedBlock(block, { ...commit, blockHash: RANDOM_HASH })).toMatchObject({
      result: 'reject',
      code: 'INVALID_COMMIT',
    });
    expect(
      t.engine().onCommittedBlock(block, { ...commit, signatures: commit.signatures.slice(0, 2) }),
    ).toMatchObject({
      result: 'reject',
      code: 'INVALID_COMMIT',
    });
    expect(t.engine().onCommittedBlock(block, commit)).toEqual({ result: 'accept' });
    await t.c.settle();
    expect(t.node.app.height).toBe(1);
    expect(t.engine().status().height).toBe(2);
    expect(t.engine().onCommittedBlock(block, commit)).toMatchObject({
      result: 'ignore',
      code: 'OLD_HEIGHT',
    });
  });

  it('stop while starting leaves the engine stopped', async () => {
    const c = new Cluster();
    await c.startNode(0);
    const node = c.nodes[0]!;
    await c.stopNode(0);
    const engine = new ConsensusEngine({
      app: node.app,
      network: { broadcastProposal() {}, broadcastVote() {}, broadcastEvidence() {}, requestCatchUp() {} },
      store: node.store,
      wal: Wal.open(join(node.dir, 'wal'), silentLogger),
      logger: silentLogger,
      clock: c.time,
      timers: c.time,
    });
    const started = engine.start();
    await engine.stop();
    await started;
    expect(engine.running).toBe(false);
    expect(c.time.nextAt()).toBeUndefined();
  });

  it('applyBlock (block sync): resolves once committed, throws for a commit that does not prove the block', async () => {
    const t = await single();
    const block = t.buildBlock(0);
    const commit = commitFor(t, block);
    await expect(
      t.engine().applyBlock(block, { ...commit, signatures: commit.signatures.slice(1) }),
    ).rejects.toMatchObject({
      code: 'INVALID_COMMIT',
    });
    await expect(t.engine().applyBlock(block, { ...commit, blockHash: RANDOM_HASH })).rejects.toMatchObject({
      code: 'INVALID_COMMIT',
    });
    await t.engine().applyBlock(block, commit);
    expect(t.node.app.height).toBe(1);
    expect(t.engine().status().height).toBe(2);
    // Applying it again is fine; a different block 1 is a lie.
    await t.engine().applyBlock(block, commit);
    const other = t.buildBlock(0, t.c.time.now() + 5);
    await expect(t.engine().applyBlock(other, commitFor(t, other))).rejects.toMatchObject({
      code: 'INVALID_COMMIT',
    });
  });

  it('applyBlock needs a running engine, and pending ones fail when it stops', async () => {
    const t = await single();
    const engine = t.engine();
    const block = t.buildBlock(0);
    const commit = commitFor(t, block);
    const pending = engine.applyBlock(block, commit);
    await t.c.stopNode(t.me);
    const [result] = await Promise.allSettled([pending]);
    // Either it made it before the stop, or it was told it did not.
    if (result!.status === 'rejected') expect(result!.reason).toMatchObject({ code: 'ENGINE_STATE' });
    await expect(engine.applyBlock(block, commit)).rejects.toMatchObject({ code: 'ENGINE_STATE' });
  });

  it('not running: before start and after stop', async () => {
    const t = await single();
    const engine = t.engine();
    await t.c.stopNode(t.me);
    expect(engine.onVote(vote(t.vals[t.others[0]!]!, PREVOTE, 1, 0, null), 'p')).toMatchObject({
      code: 'NOT_RUNNING',
    });
    expect(
      await engine.onEvidence(
        duplicateVoteEvidence(
          vote(t.vals[0]!, PREVOTE, 1, 0, null),
          vote(t.vals[0]!, PREVOTE, 1, 0, RANDOM_HASH),
        ),
        'p',
      ),
    ).toMatchObject({ code: 'NOT_RUNNING' });
  });
});

describe('timeouts and rounds', () => {
  it('timeoutCommit, then timeoutPropose: prevote nil', async () => {
    const t = await single();
    const t0 = t.c.time.now();
    await t.c.runUntil(() => t.own().length > 0, 10_000);
    expect(t.c.time.now() - t0).toBe(1000 + 1000);
    expect(t.own()).toEqual([{ type: 'prevote', height: 1, round: 0, hash: null }]);
  });

  it('timeoutPrevote after +2/3 prevotes for anything: precommit nil', async () => {
    const t = await single();
    await t.c.runUntil(() => t.own().length > 0, 10_000); // own nil prevote
    const [a, b] = t.others;
    t.send(a!, PREVOTE, 0, RANDOM_HASH);
    t.send(b!, PREVOTE, 0, `0x${'77'.repeat(32)}`);
    await t.c.settle();
    const t0 = t.c.time.now();
    await t.c.runUntil(() => t.own().length > 1, 10_000);
    expect(t.c.time.now() - t0).toBe(500);
    expect(t.own()[1]).toEqual({ type: 'precommit', height: 1, round: 0, hash: null });
  });

  it('timeoutPrecommit after +2/3 precommits for anything: the next round, with longer timeouts', async () => {
    const t = await single();
    await t.c.runUntil(() => t.own().length > 0, 10_000);
    const [a, b, c] = t.others;
    for (const i of [a!, b!]) t.send(i, PREVOTE, 0, null);
    await t.c.settle();
    expect(t.own()[1]).toEqual({ type: 'precommit', height: 1, round: 0, hash: null });
    t.send(a!, PRECOMMIT, 0, null);
    t.send(c!, PRECOMMIT, 0, RANDOM_HASH);
    await t.c.settle();
    const t0 = t.c.time.now();
    await t.c.runUntil(() => t.engine().status().round === 1, 10_000);
    expect(t.c.time.now() - t0).toBe(500);
    // Round 1's propose timeout is 1000 + 500.
    await t.c.runUntil(() => t.own().length > 2, 10_000);
    expect(t.c.time.now() - t0).toBe(500 + 1500);
    expect(t.own()[2]).toEqual({ type: 'prevote', height: 1, round: 1, hash: null });
  });

  it('skips to a round where +1/3 of the power is', async () => {
    const t = await single();
    await t.toRound0();
    const [a, b] = t.others;
    t.send(a!, PREVOTE, 5, null);
    await t.c.settle();
    expect(t.engine().status().round).toBe(0);
    t.send(b!, PRECOMMIT, 5, null);
    await t.c.settle();
    expect(t.engine().status()).toMatchObject({ round: 5, step: 'propose' });
  });

  it('re-sends its messages of the round when nothing moves', async () => {
    const t = await single();
    await t.c.runUntil(() => t.own().length > 0, 10_000);
    await t.c.run(4_100);
    // Stuck in prevote (no +2/3 of anything): the nil prevote went out again.
    expect(t.own().filter((v) => v.type === 'prevote')).toHaveLength(2);
  });

  it('re-sends less often while nothing moves, and soon again once the round moves', async () => {
    const t = await single();
    const prevotes = () => t.own().filter((v) => v.type === 'prevote').length;
    await t.c.runUntil(() => prevotes() > 0, 10_000);
    const sentAt: number[] = [];
    while (sentAt.length < 6) {
      const n = prevotes();
      expect(await t.c.runUntil(() => prevotes() > n, 60_000)).toBe(true);
      sentAt.push(t.c.time.now());
    }
    const gaps = sentAt.slice(1).map((at, i) => at - sentAt[i]!);
    // rebroadcastMs doubling up to rebroadcastMaxMs (2 s to 16 s by default).
    expect(gaps).toEqual([4_000, 8_000, 16_000, 16_000, 16_000]);
    // +2/3 prevote nil: the round moves to precommit, where it is stuck again.
    for (const i of t.others.slice(0, 2)) t.send(i, PREVOTE, 0, null);
    await t.c.runUntil(() => t.own().some((v) => v.type === 'precommit'), 1_000);
    const moved = t.c.time.now();
    const precommits = () => t.own().filter((v) => v.type === 'precommit').length;
    expect(await t.c.runUntil(() => precommits() > 1, 60_000)).toBe(true);
    // As after any move: the state is seen unchanged at one check, re-sent at the next.
    expect(t.c.time.now() - moved).toBeLessThanOrEqual(2 * 2_000);
  });
});

const vals4 = makeValidators([1n, 1n, 1n, 1n], 'node').map(plain);
const proposer2 = new ProposerSchedule(nextHeightProposerState(newProposerState(vals4), vals4)).proposer(0);
/** The validator (of single()'s four) that proposes round 0 of height 2. */
const proposerAt2 = vals4.findIndex((v) => v.address === proposer2);

describe('waiting for transactions (createEmptyBlocks off)', () => {
  const ORDER = proposerOrder(makeValidators([1n, 1n, 1n, 1n], 'node').map(plain), 4);
  const proposalsOf = (t: Awaited<ReturnType<typeof single>>) =>
    t.c.net.sent.filter((s) => s.from === t.node.id && s.message.kind === 'proposal').length;

  it('sets no timer while it waits but the re-send check; a transaction starts the proposal at once', async () => {
    const t = await single({ me: ORDER[0], config: { createEmptyBlocks: false } });
    await t.toRound0();
    expect(t.engine().status().waitingForTxs).toBe(true);
    const fired = t.c.time.fired;
    const sent = t.c.net.sent.length;
    await t.c.run(60_000);
    // The re-send checks only (2, 4, 8, 16, 32, 48 s: doubling to rebroadcastMaxMs); a 100 ms poll
    // of the mempool would have woken it 600 times. Nothing of its own to re-send at height 1.
    expect(t.c.time.fired - fired).toBeLessThanOrEqual(6);
    expect(t.c.net.sent.length).toBe(sent);
    const at = t.c.time.now();
    const before = t.c.time.fired;
    t.node.app.addTx(new Uint8Array([1, 2, 3]));
    expect(await t.c.runUntil(() => proposalsOf(t) > 0, 10_000)).toBe(true);
    // One tick: the mempool's notification, handled in the loop's order; no time passed.
    expect(t.c.time.fired - before).toBe(1);
    expect(t.c.time.now()).toBe(at);
  });

  it('makes the empty block when emptyBlocksIntervalMs has passed, with one timer for it', async () => {
    const t = await single({
      me: ORDER[0],
      config: { createEmptyBlocks: false, emptyBlocksIntervalMs: 5_000 },
    });
    await t.toRound0();
    const waitingSince = t.c.time.now();
    const fired = t.c.time.fired;
    expect(await t.c.runUntil(() => proposalsOf(t) > 0, 60_000)).toBe(true);
    expect(t.c.time.now() - waitingSince).toBe(5_000);
    // The deadline, and the re-send checks at 2 and 4 s of the wait.
    expect(t.c.time.fired - fired).toBeLessThanOrEqual(3);
  });

  // npm start's devnet: a transaction waiting when a block is decided is in the next proposal 100 ms
  // after the block's quorum (half of that period is what it adds to submit-to-final on average),
  // and an idle chain still makes its empty block 4 s after the last one.
  for (const [what, pending, after] of [
    ['a waiting transaction', true, 100],
    ['an empty block', false, 4_000],
  ] as const) {
    it(`with the devnet's defaults, proposes ${what} ${after} ms after the previous block's quorum`, async () => {
      const t = await single({
        me: proposerAt2,
        config: {
          timeoutCommitMs: DEVNET_DEFAULTS.blockIntervalMs,
          createEmptyBlocks: false,
          emptyBlocksIntervalMs: DEVNET_DEFAULTS.emptyBlocksIntervalMs,
        },
      });
      if (pending) t.node.app.addTx(new Uint8Array([1, 2, 3]));
      await t.toRound0();
      // Height 1 from its scripted proposer, without the transaction, which stays in the mempool.
      const input = { height: 1, time: t.c.time.now(), lastCommit: null, evidence: [] };
      const block1 = t.node.app.build({ ...input, proposer: plain(t.vals[t.order[0]!]!) }, []);
      t.propose(block1, 0);
      const quorumAt = t.c.time.now();
      for (const i of t.others) t.send(i, PRECOMMIT, 0, blockHash(block1.header));
      await t.c.settle();
      expect(t.node.app.height).toBe(1);
      expect(await t.c.runUntil(() => proposalsOf(t) > 0, 10_000)).toBe(true);
      expect(t.c.time.now() - quorumAt).toBe(after);
      const sent = t.c.net.sent.find((s) => s.from === t.node.id && s.message.kind === 'proposal')!;
      expect((sent.message as { proposal: { block: Block } }).proposal.block.txs).toHaveLength(
        pending ? 1 : 0,
      );
    });
  }

  it('a non-proposer is woken too and waits for the proposal from then on', async () => {
    const t = await single({ config: { createEmptyBlocks: false } });
    await t.toRound0();
    await t.c.run(30_000);
    expect(t.engine().status()).toMatchObject({ step: 'propose', waitingForTxs: true });
    t.node.app.addTx(new Uint8Array([1, 2, 3]));
    await t.c.runUntil(() => !t.engine().status().waitingForTxs, 0);
    expect(t.engine().status()).toMatchObject({ step: 'propose', waitingForTxs: false });
    // No proposal comes (the proposer is scripted): timeoutPropose, then a nil prevote.
    expect(await t.c.runUntil(() => t.own().some((v) => v.type === 'prevote'), 5_000)).toBe(true);
    expect(t.own().find((v) => v.type === 'prevote')!.hash).toBeNull();
  });
});

describe('proposals', () => {
  it('the proposer proposes at max(now, parent time + 1), and prevotes its own block', async () => {
    const vals = makeValidators([1n, 1n, 1n, 1n], 'node');
    const first = proposerOrder(vals.map(plain), 1)[0]!;
    // Our clock is 5 s behind the genesis time.
    const t = await single({ me: first, startTime: GENESIS_TIME - 5000 });
    await t.c.runUntil(() => t.c.net.sent.some((s) => s.message.kind === 'proposal'), 10_000);
    const sent = t.c.net.sent.find((s) => s.message.kind === 'proposal')!.message;
    if (sent.kind !== 'proposal') throw new Error('unreachable');
    expect(sent.proposal.block.header.time).toBe(GENESIS_TIME + 1);
    expect(t.own()[0]).toEqual({
      type: 'prevote',
      height: 1,
      round: 0,
      hash: blockHash(sent.proposal.block.header),
    });
  });

  it('prevotes nil for a block not after its parent (valid) or not timely (PBTS)', async () => {
    const u = await single();
    await u.toRound0();
    u.propose(u.buildBlock(0, GENESIS_TIME), 0);
    await u.c.settle();
    expect(u.own()).toEqual([{ type: 'prevote', height: 1, round: 0, hash: null }]);
  });

  // Timely: time within [received - precision - messageDelay, received + precision] (500 ms, 5 s).
  for (const [what, offset, timely] of [
    ['ahead by more than the precision', 501, false],
    ['ahead within the precision', 500, true],
    ['behind within precision + message delay', -5_500, true],
    ['behind by more (a proposer holding chain time back)', -5_501, false],
  ] as const) {
    it(`a fresh proposal ${what} is ${timely ? 'prevoted' : 'prevoted nil'}`, async () => {
      const t = await single();
      await t.toRound0();
      const block = t.buildBlock(0, t.c.time.now() + offset);
      t.propose(block, 0);
      await t.c.settle();
      expect(t.own()).toEqual([
        { type: 'prevote', height: 1, round: 0, hash: timely ? blockHash(block.header) : null },
      ]);
    });
  }

  it('re-proposes its valid block with polRound and sends the proof-of-lock prevotes along', async () => {
    const vals = makeValidators([1n, 1n, 1n, 1n], 'node');
    const order = proposerOrder(vals.map(plain), 2);
    const t = await single({ me: order[1]! });
    await t.toRound0();
    const b = t.buildBlock(0);
    const hash = blockHash(b.header);
    t.propose(b, 0);
    const helpers = t.others.filter((i) => i !== t.order[0]);
    for (const i of helpers) t.send(i, PREVOTE, 0, hash);
    await t.c.settle();
    expect(t.engine().status()).toMatchObject({ lockedRound: 0, validRound: 0 });
    for (const i of t.others) t.send(i, PRECOMMIT, 0, null);
    await t.c.runUntil(() => t.c.net.sent.some((s) => s.message.kind === 'proposal'), 5000);
    const index = t.c.net.sent.findIndex((s) => s.message.kind === 'proposal');
    const sent = t.c.net.sent[index]!.message;
    expect(sent).toMatchObject({ kind: 'proposal', proposal: { round: 1, polRound: 0 } });
    const pol = t.c.net.sent.slice(index + 1, index + 4).map((s) => s.message);
    expect(
      pol.map((m) => (m.kind === 'vote' ? [m.vote.round, m.vote.type, m.vote.blockHash] : m.kind)),
    ).toEqual([
      [0, PREVOTE, hash],
      [0, PREVOTE, hash],
      [0, PREVOTE, hash],
    ]);
  });

  it('asks to catch up for a future height only when a known validator signed the message', async () => {
    const t = await single();
    const [a] = t.others;
    const stranger = makeValidators([1n], 'stranger')[0]!;
    const forged = { ...vote(t.vals[a!]!, PREVOTE, 5, 0, null), round: 1 };
    expect(t.engine().onVote(forged, 'p')).toMatchObject({ result: 'reject', code: 'BAD_SIGNATURE' });
    expect(t.engine().onVote(vote(stranger, PREVOTE, 500, 0, null), 'p')).toMatchObject({
      result: 'ignore',
      code: 'UNKNOWN_VALIDATOR',
    });
    const built = t.buildBlock(0);
    const block = { ...built, header: { ...built.header, height: 7 } };
    const unsigned = { ...proposal(t.vals[t.order[0]!]!, block, 0), signature: new Uint8Array(64) };
    expect(await t.engine().onProposal(unsigned, 'p')).toMatchObject({
      result: 'reject',
      code: 'BAD_SIGNATURE',
    });
    await t.c.run(3_000);
    expect(t.c.net.catchUpRequests).toEqual([]);

    expect(t.send(a!, PREVOTE, 0, null, 300)).toMatchObject({ result: 'ignore', code: 'FAR_FUTURE_HEIGHT' });
    await t.c.run(3_000);
    expect(t.c.net.catchUpRequests.length).toBeGreaterThanOrEqual(1);
  });

  it('asks to catch up when +2/3 precommit a block it never saw, and commits it once synced', async () => {
    const t = await single();
    await t.toRound0();
    const block = t.buildBlock(0);
    const hash = blockHash(block.header);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, hash);
    await t.c.settle();
    expect(t.c.net.catchUpRequests).toEqual([{ node: t.node.id, height: 1 }]);
    expect(t.engine().running).toBe(true);
    // Sync delivers it (here: the scripted proposal arriving late works as well).
    const verdict = t.propose(block, 0);
    await t.c.settle();
    expect(await verdict).toEqual({ result: 'accept' });
    expect(t.node.app.height).toBe(1);
  });

  it('keeps next-height messages and acts on them once there', async () => {
    const t = await single();
    await t.toRound0();
    const block1 = t.buildBlock(0);
    const hash1 = blockHash(block1.header);
    t.propose(block1, 0);
    t.send(t.others[0]!, PREVOTE, 0, hash1);
    t.send(t.others[1]!, PREVOTE, 0, hash1);
    await t.c.settle();
    // Height 2's proposal, built on block 1 by its proposer, arrives before we have committed block 1.
    const set = t.vals.map(plain);
    const proposer2 = new ProposerSchedule(nextHeightProposerState(newProposerState(set), set)).proposer(0);
    const signer2 = t.vals.find((v) => v.address === proposer2)!;
    const precommits = t.others.map((i) => vote(t.vals[i]!, PRECOMMIT, 1, 0, hash1));
    const block2 = makeBlock({
      height: 2,
      parent: { hash: hash1, time: block1.header.time },
      time: block1.header.time + 1,
      proposer: proposer2,
      validators: set,
      lastCommit: {
        height: 1,
        round: 0,
        blockHash: hash1,
        signatures: sortCommitSigs(
          precommits.map((v) => ({ validator: v.validator, signature: v.signature })),
        ),
      },
      parentStateRoot: block1.header.stateRoot,
    });
    expect(t.engine().onProposal(proposal(signer2, block2, 0), 'p')).toMatchObject({ code: 'FUTURE_HEIGHT' });
    for (const v of precommits.slice(0, 2)) t.engine().onVote(v, 'p');
    await t.c.settle();
    expect(t.node.app.height).toBe(1);
    await t.c.runUntil(() => t.own().some((v) => v.height === 2), 5000);
    expect(t.own().find((v) => v.height === 2)).toEqual({
      type: 'prevote',
      height: 2,
      round: 0,
      hash: blockHash(block2.header),
    });
    // The late third precommit for height 1 is still taken (for the next lastCommit).
    expect(t.engine().onVote(precommits[2]!, 'p')).toEqual({ result: 'accept' });
    expect(t.engine().onVote(vote(t.vals[t.others[2]!]!, PREVOTE, 1, 0, hash1), 'p')).toMatchObject({
      code: 'LATE_VOTE',
    });
  });
});

describe('restarts', () => {
  it('restores the round state and the lock from the WAL, re-sending (not re-signing) its votes', async () => {
    const t = await single();
    await t.toRound0();
    const b = t.buildBlock(0);
    t.propose(b, 0);
    const [a, c] = t.others;
    t.send(a!, PREVOTE, 0, blockHash(b.header));
    t.send(c!, PREVOTE, 0, blockHash(b.header));
    await t.c.settle();
    expect(t.engine().status()).toMatchObject({ step: 'precommit', lockedRound: 0 });
    const signedBefore = t.c.signed.size;
    await t.c.stopNode(t.me);
    await t.c.startNode(t.me);
    expect(t.engine().status()).toMatchObject({
      height: 1,
      round: 0,
      step: 'precommit',
      lockedRound: 0,
      validRound: 0,
    });
    expect(t.c.signed.size).toBe(signedBefore);
    // Its prevote and precommit went out again, identical.
    expect(t.own().slice(2)).toEqual(t.own().slice(0, 2));
    // Still locked: a fresh block in round 1 gets a nil prevote.
    for (const i of t.others) t.send(i, PRECOMMIT, 0, null);
    await t.c.runUntil(() => t.engine().status().round === 1, 5000);
    t.propose(t.buildBlock(1), 1);
    await t.c.settle();
    expect(t.own().at(-1)).toEqual({ type: 'prevote', height: 1, round: 1, hash: null });
    t.c.expectSafety();
  });

  it('cuts a torn WAL tail and carries on', async () => {
    const { logger, records } = captureLogger('warn');
    const t = await single({ logger });
    await t.c.runUntil(() => t.own().length > 0, 10_000);
    await t.c.stopNode(t.me);
    appendFileSync(join(t.node.dir, 'wal'), Buffer.from([0, 0, 0, 40, 1, 2, 3, 4, 5]));
    await t.c.startNode(t.me);
    expect(records.some((r) => r.msg.includes('damaged tail'))).toBe(true);
    expect(t.engine().status()).toMatchObject({ round: 0, step: 'prevote' });
  });

  it('refuses to start when the application is behind what consensus committed, or state is missing', async () => {
    const c = await Cluster.start();
    await c.reach(2);
    const node = c.nodes[0]!;
    await c.stopNode(0);
    const store = new MemoryStore();
    const make = (storeToUse: MemoryStore) =>
      new ConsensusEngine({
        app: node.app,
        network: { broadcastProposal() {}, broadcastVote() {}, broadcastEvidence() {}, requestCatchUp() {} },
        store: storeToUse,
        wal: Wal.open(join(node.dir, 'wal'), silentLogger),
        logger: silentLogger,
        clock: c.time,
        timers: c.time,
      });
    await expect(make(store).start()).rejects.toMatchObject({ code: 'PROPOSER_STATE_MISSING' });
    await store.put('consensus/lastCommitted', new Uint8Array([0, 0, 0, 0, 0, 0, 0, 9]));
    await expect(make(store).start()).rejects.toMatchObject({ code: 'APP_BEHIND' });
  });
});

describe('halting', () => {
  it('halts if +2/3 precommit a block its application rejects', async () => {
    const t = await single();
    await t.toRound0();
    const b = t.buildBlock(0);
    t.node.app.reject = () => 'test: rejected';
    t.propose(b, 0);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, blockHash(b.header));
    await t.c.settle();
    expect(t.node.halted).toMatchObject({ code: 'DECIDED_BLOCK_INVALID' });
    expect(t.node.engine).toBeUndefined();
  });
});

describe('interfaces', () => {
  it('the node can wire the real Chain and PrivValidator as they are', () => {
    expectTypeOf<Chain>().toExtend<ConsensusApp>();
    expectTypeOf<PrivValidator>().toExtend<ConsensusSigner>();
  });
});

/** Keeps the thread busy for `ms` of real time: a block that takes long to build or process. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('under load', () => {
  const ORDER = proposerOrder(makeValidators([1n, 1n, 1n, 1n], 'node').map(plain), 4);

  it('a proposer without a valid value proposes the valid block of an earlier round again', async () => {
    const t = await single({ me: ORDER[1]! });
    await t.toRound0();
    const block0 = t.buildBlock(0);
    const hash0 = blockHash(block0.header);
    t.propose(block0, 0);
    await t.c.settle();
    // Round 0 fails on time (the others prevoted nil): no lock, no valid value.
    for (const i of t.others) t.send(i, PREVOTE, 0, null);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, null);
    const reproposed = () =>
      t.c.net.sent.find(
        (s) => s.from === t.node.id && s.message.kind === 'proposal' && s.message.proposal.round === 1,
      );
    await t.c.runUntil(() => reproposed() !== undefined, 10_000);
    const p = reproposed()!.message as { proposal: { polRound: number; block: Block } };
    expect(p.proposal.polRound).toBe(-1);
    expect(blockHash(p.proposal.block.header)).toBe(hash0);
    expect(t.node.app.processCalls).toBe(1);
  });

  it('never proposes again a block that was not timely: a block from the future is not made ours (PBTS)', async () => {
    const t = await single({ me: ORDER[1]! });
    await t.toRound0();
    // Valid, but 30 s ahead of every clock: prevoted nil by all, and it stays in the future for rounds.
    const future = t.buildBlock(0, t.c.time.now() + 30_000);
    t.propose(future, 0);
    await t.c.settle();
    expect(t.own()).toEqual([{ type: 'prevote', height: 1, round: 0, hash: null }]);
    for (const i of t.others) t.send(i, PREVOTE, 0, null);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, null);
    const proposed = () =>
      t.c.net.sent.find(
        (s) => s.from === t.node.id && s.message.kind === 'proposal' && s.message.proposal.round === 1,
      );
    await t.c.runUntil(() => proposed() !== undefined, 10_000);
    const p = proposed()!.message as { proposal: { polRound: number; block: Block } };
    expect(p.proposal.polRound).toBe(-1);
    expect(blockHash(p.proposal.block.header)).not.toBe(blockHash(future.header));
    expect(p.proposal.block.header.time).toBeLessThan(future.header.time);
  });

  it('counts timeoutCommit from the arrival of +2/3 precommits, not from its own late commit', async () => {
    const t = await single();
    await t.toRound0();
    const block0 = t.buildBlock(0);
    const quorumAt = t.c.time.now();
    // The precommits arrive before this node has the block (it was busy); it decides 600 ms later.
    for (const i of t.others) t.send(i, PRECOMMIT, 0, blockHash(block0.header));
    await t.c.settle();
    t.c.time.advanceTo(quorumAt + 600);
    t.propose(block0, 0);
    await t.c.settle();
    expect(t.node.app.height).toBe(1);
    await t.c.runUntil(() => t.engine().status().step !== 'newHeight', 5000);
    expect(t.engine().status().height).toBe(2);
    expect(t.c.time.now()).toBe(quorumAt + 1000);
  });

  /** Commits height 1 with a block that takes 40 ms of real time to process; returns the node. */
  async function afterSlowBlock(me: number) {
    const t = await single({ me });
    await t.toRound0();
    const app = t.node.app;
    const process = app.processProposal.bind(app);
    app.processProposal = async (b) => {
      busy(40);
      return process(b);
    };
    const block1 = t.buildBlock(0);
    t.propose(block1, 0);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, blockHash(block1.header));
    await t.c.settle();
    expect(app.height).toBe(1);
    return t;
  }

  it('builds its round-0 block during timeoutCommit when blocks take long', async () => {
    const t = await afterSlowBlock(proposerAt2);
    let builtAt: number | undefined;
    const prepare = t.node.app.prepareProposal.bind(t.node.app);
    t.node.app.prepareProposal = async (input) => {
      builtAt = t.c.time.now();
      return prepare(input);
    };
    await t.c.runUntil(() => t.engine().status().step !== 'newHeight', 5000);
    const roundStartedAt = t.c.time.now();
    // 1.5 x the (at least 40 ms) block time ahead of round 0, not at its start.
    expect(builtAt).toBeDefined();
    expect(roundStartedAt - builtAt!).toBeGreaterThanOrEqual(60);
  });

  it('moves its build ahead with round 0 when the last precommit arrives during timeoutCommit', async () => {
    const t = await single({ me: proposerAt2 });
    await t.toRound0();
    const start = t.c.time.now();
    const app = t.node.app;
    const process = app.processProposal.bind(app);
    app.processProposal = async (b) => {
      busy(40);
      return process(b);
    };
    let builtAt: number | undefined;
    const prepare = app.prepareProposal.bind(app);
    app.prepareProposal = async (input) => {
      builtAt = t.c.time.now();
      return prepare(input);
    };
    t.c.time.advanceTo(start + 300);
    const hash = t.proposePrevoted(t.buildBlock(0), 0);
    await t.c.settle();
    const [late, ...rest] = t.others;
    for (const i of rest) t.send(i, PRECOMMIT, 0, hash);
    await t.c.settle();
    expect(app.height).toBe(1);
    // Every precommit is in now: round 0 of height 2 is due 1 s after height 1's start, not its quorum.
    t.send(late!, PRECOMMIT, 0, hash);
    await t.c.runUntil(() => t.engine().status().step !== 'newHeight', 5000);
    const roundStartedAt = t.c.time.now();
    expect(roundStartedAt).toBe(start + 1000);
    // Built 1.5 x the (at least 40 ms) block time ahead of the moved round 0.
    expect(builtAt).toBeDefined();
    expect(roundStartedAt - builtAt!).toBeGreaterThanOrEqual(60);
    expect(roundStartedAt - builtAt!).toBeLessThan(600);
  });

  it('builds at round 0, not ahead of it, when it alone has +2/3 of the power', async () => {
    // No other validator's timeoutPropose can run out on it, so a block built ahead would only leave
    // out the transactions that arrive while it waits for round 0.
    const t = await single({ powers: [10n, 1n, 1n, 1n], me: 0 });
    const app = t.node.app;
    const prepare = app.prepareProposal.bind(app);
    const builds: { height: number; step: string }[] = [];
    app.prepareProposal = async (input) => {
      builds.push({ height: input.height, step: t.engine().status().step });
      busy(40); // blocks that take long, as the prebuild tests above
      return prepare(input);
    };
    await t.c.runUntil(() => app.height >= 4, 20_000);
    expect(builds.map((b) => b.height)).toEqual([1, 2, 3, 4]);
    for (const b of builds) expect(b.step).toBe('propose');
  });

  it('prevotes a proposal it is still checking when timeoutPropose fires, not nil', async () => {
    const t = await single({ config: { timeoutProposeMs: 1000 } });
    await t.toRound0();
    const roundStartedAt = t.c.time.now();
    const app = t.node.app;
    const process = app.processProposal.bind(app);
    let release!: () => void;
    const checked = new Promise<void>((r) => {
      release = r;
    });
    app.processProposal = async (b) => {
      await checked;
      return process(b);
    };
    const block0 = t.buildBlock(0);
    t.propose(block0, 0);
    await new Promise((r) => setImmediate(r));
    expect(t.engine().busy).toBe(true); // in the check
    // The timeout fires during the check, and queues behind the proposal.
    while (t.c.time.now() < roundStartedAt + 1000) expect(t.c.time.fireNext()).toBe(true);
    release();
    await t.c.settle();
    expect(t.own()).toEqual([{ type: 'prevote', height: 1, round: 0, hash: blockHash(block0.header) }]);
  });

  /** Records what the node asks its application to build. */
  function recordBuilds(t: Awaited<ReturnType<typeof single>>): ProposalInput[] {
    const inputs: ProposalInput[] = [];
    const prepare = t.node.app.prepareProposal.bind(t.node.app);
    t.node.app.prepareProposal = async (input) => {
      inputs.push(input);
      return prepare(input);
    };
    return inputs;
  }

  /**
   * At round 0 of height 1: the round-0 proposer's block of 60 transactions, and an application
   * whose checks take at least 200 ms (3.3 ms a transaction).
   */
  async function slowSixtyTxBlock(t: Awaited<ReturnType<typeof single>>) {
    await t.toRound0();
    const app = t.node.app;
    const process = app.processProposal.bind(app);
    app.processProposal = async (b) => {
      busy(200);
      return process(b);
    };
    const txs = Array.from({ length: 60 }, (_, i) => Uint8Array.of(0xc0, i));
    const proposer = plain(t.vals[ORDER[0]!]!);
    const block = app.build(
      { height: 1, time: t.c.time.now(), proposer, lastCommit: null, evidence: [] },
      txs,
    );
    return { app, block };
  }

  it('caps its first proposal at FIRST_CAP transactions, before it has timed a block', async () => {
    const t = await single({ me: ORDER[0]!, config: { timeoutProposeMs: 1000 } });
    const inputs = recordBuilds(t);
    await t.c.runUntil(() => inputs.length > 0, 5000);
    expect(inputs[0]!.maxTxs).toBe(FIRST_CAP);
  });

  it('then caps proposals at what half of timeoutPropose fits, at the rate it checked blocks', async () => {
    const t = await single({ me: proposerAt2, config: { timeoutProposeMs: 1000 } });
    const { app, block: block1 } = await slowSixtyTxBlock(t);
    const inputs = recordBuilds(t);
    t.propose(block1, 0);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, blockHash(block1.header));
    await t.c.settle();
    expect(app.height).toBe(1);
    await t.c.runUntil(() => inputs.length > 0, 5000);
    const cap = inputs[0]!.maxTxs!;
    expect(cap).toBeLessThanOrEqual(Math.floor((BUILD_SHARE * 1000 * 60) / 200));
    expect(cap).toBeGreaterThanOrEqual(MIN_SAMPLE_TXS);
  });

  it('does not size its proposals by a block it found invalid, however long the check took', async () => {
    const t = await single({ me: ORDER[1]!, config: { timeoutProposeMs: 1000 } });
    const { app, block: bad } = await slowSixtyTxBlock(t);
    app.reject = () => 'refused by the test';
    const inputs = recordBuilds(t);
    t.propose(bad, 0);
    await t.c.settle();
    app.reject = undefined;
    // Round 0 fails; round 1 is ours, built fresh (no valid value).
    for (const i of t.others) t.send(i, PREVOTE, 0, null);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, null);
    await t.c.runUntil(() => inputs.length > 0, 10_000);
    expect(inputs[0]!.maxTxs).toBe(FIRST_CAP);
  });

  it('sizes its next proposal by the time its own build took, timed around the build alone', async () => {
    const t = await single({ me: ORDER[0]!, config: { timeoutProposeMs: 20_000, timeoutProposeDeltaMs: 0 } });
    const inputs: ProposalInput[] = [];
    const prepare = t.node.app.prepareProposal.bind(t.node.app);
    const txs = Array.from({ length: 500 }, (_, i) => Uint8Array.of(0xc0, i >> 8, i & 0xff));
    let built: Block | undefined;
    let buildMs = 0;
    t.node.app.prepareProposal = async (input) => {
      inputs.push(input);
      if (built) return prepare(input);
      const started = performance.now();
      built = t.node.app.build(input, txs);
      buildMs = performance.now() - started;
      return built;
    };
    // The engine's own timing of the build lies within this window and contains the build itself.
    const windowStart = performance.now();
    await t.c.runUntil(
      () => t.c.net.sent.some((s) => s.from === t.node.id && s.message.kind === 'proposal'),
      5000,
    );
    const windowMs = performance.now() - windowStart;
    expect(inputs[0]!.maxTxs).toBe(FIRST_CAP);
    const hash = blockHash(built!.header);
    for (const i of t.others) t.send(i, PREVOTE, 0, hash);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, hash);
    await t.c.runUntil(() => t.node.app.height === 1, 10_000);
    // Height 2: rounds fail (no proposals, nil votes) until this node proposes, building afresh.
    for (let round = 0; inputs.length === 1 && round < 8; round++) {
      await t.c.runUntil(() => inputs.length > 1 || t.engine().status().round === round, 100_000);
      if (inputs.length > 1) break;
      for (const i of t.others) t.send(i, PREVOTE, round, null, 2);
      for (const i of t.others) t.send(i, PRECOMMIT, round, null, 2);
      await t.c.runUntil(() => inputs.length > 1 || t.engine().status().round > round, 100_000);
    }
    const budgetTxs = (ms: number) => Math.floor((BUILD_SHARE * 20_000 * txs.length) / ms);
    const cap = inputs[1]!.maxTxs!;
    expect(cap).toBeGreaterThanOrEqual(budgetTxs(windowMs) - 1);
    expect(cap).toBeLessThanOrEqual(budgetTxs(buildMs) + 1);
  });

  it('does not cap its proposals when it alone has +2/3 of the power', async () => {
    const t = await single({ powers: [10n, 1n, 1n, 1n], me: 0 });
    expect(t.order[0]).toBe(0);
    const inputs = recordBuilds(t);
    await t.c.runUntil(() => inputs.length > 0, 5000);
    expect(inputs[0]!.maxTxs).toBeUndefined();
  });

  it('stretches timeoutPropose by twice the recent block time', async () => {
    const t = await afterSlowBlock(vals4.findIndex((_, i) => i !== proposerAt2 && i !== ORDER[0]));
    await t.c.runUntil(() => t.engine().status().step !== 'newHeight', 5000);
    const roundStartedAt = t.c.time.now();
    // Nobody proposes height 2: our timeoutPropose fires, and we prevote nil.
    await t.c.runUntil(() => t.own().some((v) => v.height === 2 && v.type === 'prevote'), 10_000);
    expect(t.c.time.now() - roundStartedAt).toBeGreaterThanOrEqual(1080);
    expect(t.c.time.now() - roundStartedAt).toBeLessThan(2000);
  });

  it('stretches timeoutPropose by the mean of its last block checks, the later weighing as much', async () => {
    const me = vals4.findIndex((_, i) => i !== proposerAt2 && i !== ORDER[0] && i !== ORDER[1]);
    const t = await single({ me, config: { timeoutProposeMs: 1000 } });
    await t.toRound0();
    const app = t.node.app;
    const process = app.processProposal.bind(app);
    const busyMs = [200, 40];
    const checkMs: number[] = [];
    app.processProposal = async (b) => {
      const started = performance.now();
      busy(busyMs[checkMs.length] ?? 0);
      checkMs.push(performance.now() - started);
      return process(b);
    };
    // Each check the engine times lies within its window and contains the processing timed above.
    const windowMs: number[] = [];
    const checked = async (propose: () => void) => {
      const started = performance.now();
      propose();
      await t.c.settle();
      windowMs.push(performance.now() - started);
    };
    // Round 0's block is checked and fails to gather prevotes; round 1's is checked and decided.
    await checked(() => t.propose(t.buildBlock(0), 0));
    for (const i of t.others) t.send(i, PREVOTE, 0, null);
    for (const i of t.others) t.send(i, PRECOMMIT, 0, null);
    await t.c.runUntil(() => t.engine().status().round === 1, 10_000);
    const block1 = t.buildBlock(1);
    await checked(() => t.propose(block1, 1));
    for (const i of t.others) t.send(i, PRECOMMIT, 1, blockHash(block1.header));
    await t.c.settle();
    expect(app.height).toBe(1);
    expect(checkMs.length).toBeGreaterThanOrEqual(2); // and again when the decided block is applied
    // Height 2: nobody proposes, so timeoutPropose fires, stretched by twice the mean check time.
    await t.c.runUntil(() => t.engine().status().step !== 'newHeight', 5000);
    const roundStartedAt = t.c.time.now();
    await t.c.runUntil(() => t.own().some((v) => v.height === 2 && v.type === 'prevote'), 10_000);
    const stretch = t.c.time.now() - roundStartedAt - 1000;
    expect(stretch).toBeGreaterThanOrEqual(Math.floor(checkMs[0]! + checkMs[1]!));
    expect(stretch).toBeLessThanOrEqual(Math.ceil(windowMs[0]! + windowMs[1]!));
  });
});
