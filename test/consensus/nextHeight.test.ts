// Proposals and votes for the next height are kept until the node gets there, but only once their
// signature and proposer are checked, and within byte bounds per relaying peer and in total: forged
// ones are rejected (the sender is penalised) and hold no memory.
import { describe, expect, it } from 'vitest';
import { newProposerState, nextHeightProposerState, ProposerSchedule } from '../../consensus/proposer.ts';
import { type Block, blockHash, encodeBlock } from '../../core/block.ts';
import type { Hex } from '../../core/bytes.ts';
import { PREVOTE } from '../../core/vote.ts';
import { makeBlock, makeValidators, plain, proposal, vote } from './harness/fixtures.ts';
import { single } from './harness/single.ts';

const PARENT = `0x${'11'.repeat(32)}` as Hex;

/** A height-2 block carrying `txBytes` of transactions, signed for the current validator set. */
function nextBlock(t: Awaited<ReturnType<typeof single>>, txBytes: number, salt: number): Block {
  const set = t.vals.map(plain);
  return makeBlock({
    height: 2,
    parent: { hash: PARENT, time: t.c.time.now() },
    time: t.c.time.now() + 1000,
    proposer: set[0]!.address,
    validators: set,
    lastCommit: null,
    txs: [new Uint8Array(txBytes).fill(salt)],
  });
}

function nextProposers(t: Awaited<ReturnType<typeof single>>) {
  const set = t.vals.map(plain);
  const schedule = new ProposerSchedule(nextHeightProposerState(newProposerState(set), set));
  return (round: number) => t.vals.find((v) => v.address === schedule.proposer(round))!;
}

describe('next-height messages', () => {
  it('forged proposals are rejected before they are kept, and hold no memory', async () => {
    const t = await single();
    const proposerOf = nextProposers(t);
    const impostor = t.vals.find((v) => v.address !== proposerOf(0).address)!;
    const stranger = makeValidators([1n], 'stranger')[0]!;
    for (let i = 0; i < 32; i++) {
      const forged = proposal(i % 2 ? impostor : stranger, nextBlock(t, 256 * 1024, i), 0);
      expect(t.engine().onProposal(forged, `peer${i}`)).toMatchObject({
        result: 'reject',
        code: 'BAD_SIGNATURE',
      });
    }
    const forgedVote = {
      ...vote(t.vals[t.others[0]!]!, PREVOTE, 2, 0, null),
      validator: t.vals[t.others[1]!]!.address,
    };
    expect(t.engine().onVote(forgedVote, 'p')).toMatchObject({ result: 'reject', code: 'BAD_SIGNATURE' });
    expect(t.engine().status().nextHeightBytes).toBe(0);
    // The real proposer's is kept (and counted).
    const real = nextBlock(t, 1024, 99);
    expect(t.engine().onProposal(proposal(proposerOf(0), real, 0), 'p')).toMatchObject({
      result: 'ignore',
      code: 'FUTURE_HEIGHT',
    });
    expect(t.engine().status().nextHeightBytes).toBeGreaterThanOrEqual(encodeBlock(real).length);
    expect(t.engine().onProposal(proposal(proposerOf(0), real, 0), 'q')).toMatchObject({ code: 'DUPLICATE' });
  });

  it('kept bytes are bounded per relaying peer and in total', async () => {
    const limit = 300 * 1024;
    const t = await single({
      config: { nextHeightBufferBytesPerPeer: limit, nextHeightBufferBytes: 2 * limit },
    });
    const proposerOf = nextProposers(t);
    const kept = () => t.engine().status().nextHeightBytes;
    t.engine().onProposal(proposal(proposerOf(0), nextBlock(t, 200 * 1024, 1), 0), 'a');
    const one = kept();
    expect(one).toBeGreaterThan(200 * 1024);
    // A second block from the same peer would pass its share: not kept.
    t.engine().onProposal(proposal(proposerOf(0), nextBlock(t, 200 * 1024, 2), 0), 'a');
    expect(kept()).toBe(one);
    // Another peer has its own share, up to the total.
    t.engine().onProposal(proposal(proposerOf(1), nextBlock(t, 200 * 1024, 3), 1), 'b');
    expect(kept()).toBeGreaterThan(one);
    const two = kept();
    t.engine().onProposal(proposal(proposerOf(1), nextBlock(t, 200 * 1024, 4), 1), 'c');
    expect(kept()).toBe(two);
    expect(kept()).toBeLessThanOrEqual(2 * limit);
  });
});

describe('announced proposals (block fetched by hash)', () => {
  it('the signed header is judged before the block is fetched: forged ones rejected, real ones fetched', async () => {
    const t = await single();
    await t.toRound0();
    const header = (signer: (typeof t.vals)[number], block: Block, round: number, height = 1) => {
      const p = proposal(signer, block, round);
      return { height, round, polRound: -1, signature: p.signature };
    };
    const block = t.buildBlock(0);
    const hash = blockHash(block.header);
    const wrong = t.vals[t.order[1]!]!;
    expect(t.engine().checkProposalHeader(header(wrong, block, 0), hash)).toMatchObject({
      result: 'reject',
      code: 'BAD_SIGNATURE',
    });
    expect(t.engine().checkProposalHeader(header(t.vals[t.order[0]!]!, block, 0), hash)).toBeUndefined();
    expect(t.engine().checkProposalHeader(header(t.vals[t.order[0]!]!, block, 5), hash)).toMatchObject({
      code: 'ROUND_OUT_OF_WINDOW',
    });
    // The next height: fetched only if signed by its proposer (the validator set staying).
    const proposerOf = nextProposers(t);
    const next = nextBlock(t, 1024, 1);
    const nextHash = blockHash(next.header);
    expect(t.engine().checkProposalHeader(header(proposerOf(0), next, 0, 2), nextHash)).toBeUndefined();
    const impostor = t.vals.find((v) => v.address !== proposerOf(0).address)!;
    expect(t.engine().checkProposalHeader(header(impostor, next, 0, 2), nextHash)).toMatchObject({
      result: 'ignore',
    });
    // Beyond the next height the proposer is unknown without the block: not fetched, nobody blamed
    // (a node far behind must not penalise honest peers for being ahead).
    expect(t.engine().checkProposalHeader(header(proposerOf(0), next, 0, 500), nextHash)).toMatchObject({
      result: 'ignore',
      code: 'FUTURE_HEIGHT',
    });
  });
});
