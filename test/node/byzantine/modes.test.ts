// The byzantine modes (node/byzantine) against a real chain: what they send is genuinely signed and
// well formed, and exactly as wrong as intended. Their effect on honest nodes is shown end to end in
// test/e2e/byzantineValidators.test.ts and test/e2e/byzantinePeers.test.ts.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Proposal, proposalSignBytes, verifyProposalSignature } from '../../../consensus/proposal.ts';
import type { ConsensusNetwork } from '../../../consensus/types.ts';
import { blockHash, decodeBlock } from '../../../core/block.ts';
import { ed25519Sign } from '../../../core/ed25519.ts';
import { duplicateVoteEvidence, type Evidence, verifyDuplicateVote } from '../../../core/evidence.ts';
import {
  decodeCommit,
  PRECOMMIT,
  PREVOTE,
  type Vote,
  verifyCommit,
  voteSignBytes,
} from '../../../core/vote.ts';
import { blockSource } from '../../../node/blockSource.ts';
import { equivocatingNetwork } from '../../../node/byzantine/equivocation.ts';
import { invalidBlockApp } from '../../../node/byzantine/invalidBlocks.ts';
import { FALSE_HEIGHT_LEAD, lyingBlockSource } from '../../../node/byzantine/syncLies.ts';
import { openTestChain, type TestChain } from '../../helpers/chain.ts';

const log = pino({ level: 'silent' });

function capturingNetwork() {
  const sent = { votes: [] as Vote[], proposals: [] as Proposal[], evidence: [] as Evidence[] };
  const net: ConsensusNetwork = {
    broadcastVote: (v) => sent.votes.push(v),
    broadcastProposal: (p) => sent.proposals.push(p),
    broadcastEvidence: (e) => sent.evidence.push(e),
    requestCatchUp: () => {},
  };
  return { net, sent };
}

async function collect<T>(items: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('byzantine modes', () => {
  let t: TestChain;

  beforeEach(async () => {
    t = await openTestChain();
    for (let i = 0; i < 3; i++) await t.produce();
  });

  afterEach(async () => {
    await t.close();
  });

  const nextProposalInput = () => {
    const height = t.chain.head.header.height + 1;
    return {
      height,
      time: t.chain.head.header.time + 1000,
      proposer: t.chain.validators()[0]!,
      lastCommit: t.chain.blocks.getCommit(height - 1)!,
      evidence: [],
    };
  };

  it('double-vote: a vote for a block is followed, once, by a validly signed conflicting vote for nil', () => {
    const { net, sent } = capturingNetwork();
    const validator = t.chain.validators()[0]!;
    const byzantine = equivocatingNetwork(net, {
      doubleVote: true,
      doublePropose: false,
      chain: t.chain,
      key: t.validatorKey,
      log,
    });
    for (const type of [PREVOTE, PRECOMMIT] as const) {
      const unsigned = { type, height: 4, round: 1, blockHash: `0x${'ab'.repeat(32)}` } as const;
      const vote = {
        ...unsigned,
        validator: validator.address,
        signature: ed25519Sign(voteSignBytes(t.chain.chainId, unsigned), t.validatorKey.secretKey),
      };
      byzantine.broadcastVote(vote);
      byzantine.broadcastVote(vote); // the engine's re-send is not doubled again
      const [first, second, again] = sent.votes.splice(0);
      expect(first).toBe(vote);
      expect(again).toBe(vote);
      expect(second).toMatchObject({
        type,
        height: 4,
        round: 1,
        blockHash: null,
        validator: validator.address,
      });
      expect(() =>
        verifyDuplicateVote(t.chain.chainId, duplicateVoteEvidence(first!, second!), validator),
      ).not.toThrow();
    }
    // A vote for nil is sent as it is: the conflicting vote is always the nil one.
    const nil = { type: PREVOTE, height: 5, round: 0, blockHash: null } as const;
    const signature = ed25519Sign(voteSignBytes(t.chain.chainId, nil), t.validatorKey.secretKey);
    byzantine.broadcastVote({ ...nil, validator: validator.address, signature });
    expect(sent.votes).toHaveLength(1);
  });

  it('double-propose: a proposal is followed by a second, valid, differently hashed one, signed for the same round', async () => {
    const { net, sent } = capturingNetwork();
    const byzantine = equivocatingNetwork(net, {
      doubleVote: false,
      doublePropose: true,
      chain: t.chain,
      key: t.validatorKey,
      log,
    });
    const input = nextProposalInput();
    const block = await t.chain.prepareProposal(input);
    const bytes = proposalSignBytes(t.chain.chainId, input.height, 2, -1, blockHash(block.header));
    byzantine.broadcastProposal({
      height: input.height,
      round: 2,
      polRound: -1,
      block,
      signature: ed25519Sign(bytes, t.validatorKey.secretKey),
    });
    for (let i = 0; i < 100 && sent.proposals.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const [first, second] = sent.proposals;
    expect(second).toMatchObject({ height: input.height, round: 2, polRound: -1 });
    expect(blockHash(second!.block.header)).not.toBe(blockHash(first!.block.header));
    const pubKey = t.chain.validators()[0]!.pubKey;
    expect(verifyProposalSignature(t.chain.chainId, second!, pubKey)).toBe(true);
    expect(await t.chain.processProposal(second!.block)).toBe(blockHash(second!.block.header));
  });

  it('propose-invalid-tx: the proposal holds a transaction the chain rejects; vote-invalid reports it valid', async () => {
    const proposing = invalidBlockApp(t.chain, { proposeInvalidTx: true, voteInvalid: false, log });
    const block = await proposing.prepareProposal(nextProposalInput());
    await expect(t.chain.processProposal(block)).rejects.toMatchObject({
      code: 'INVALID_PROPOSAL',
      message: expect.stringMatching(/nonce too high/),
    });
    await expect(proposing.processProposal(block)).rejects.toMatchObject({ code: 'INVALID_PROPOSAL' });
    const voting = invalidBlockApp(t.chain, { proposeInvalidTx: false, voteInvalid: true, log });
    expect(await voting.processProposal(block)).toBe(blockHash(block.header));
    // Only objective invalidity is overridden: valid blocks still go through the real check.
    const valid = await t.chain.prepareProposal(nextProposalInput());
    expect(await voting.processProposal(valid)).toBe(blockHash(valid.header));
  });

  it('sync-serve-wrong: every served block or its commit fails verification', async () => {
    const source = lyingBlockSource(blockSource(t.chain), {
      serveWrong: true,
      withhold: false,
      falseHeight: false,
      log,
    });
    const served = await collect(source.blocks(1, 3));
    expect(served).toHaveLength(3);
    const validators = t.chain.validators();
    for (const b of served) {
      const block = decodeBlock(b.block);
      const commit = decodeCommit(b.commit);
      const proves = () => {
        if (commit.blockHash !== blockHash(block.header)) throw new Error('commit is for another block');
        verifyCommit(t.chain.chainId, commit, validators);
      };
      expect(proves, `height ${block.header.height}`).toThrow();
    }
  });

  it('sync-withhold: blocks requests get errors or nothing; false-height: the status claims a far height', async () => {
    const withholding = lyingBlockSource(blockSource(t.chain), {
      serveWrong: false,
      withhold: true,
      falseHeight: false,
      log,
    });
    const answers = await Promise.all(
      [0, 1, 2, 3].map(() => collect(withholding.blocks(1, 3)).catch((err: Error) => err)),
    );
    expect(answers.filter((a) => a instanceof Error)).toHaveLength(2);
    expect(answers.filter((a) => Array.isArray(a) && a.length === 0)).toHaveLength(2);
    expect(await withholding.status()).toEqual(await blockSource(t.chain).status());

    const boasting = lyingBlockSource(blockSource(t.chain), {
      serveWrong: false,
      withhold: false,
      falseHeight: true,
      log,
    });
    expect((await boasting.status()).height).toBe(3 + FALSE_HEIGHT_LEAD);
    expect(await collect(boasting.blocks(1, 10))).toHaveLength(3); // it serves what it has
  });
});
