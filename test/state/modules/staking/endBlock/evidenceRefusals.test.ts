// Evidence is not a transaction: it rides in a block, so bad evidence makes the whole proposal
// invalid (processProposal refuses it and every validator prevotes nil) and nothing changes: no
// slash, no tombstone, the head stays. On a real Chain with staking: evidence against a key that
// was never a validator, with a vote signature that does not verify, and older than the age limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Block, evidenceListHash } from '../../../../../core/block.ts';
import type { Evidence } from '../../../../../core/evidence.ts';
import { generateValidatorKey } from '../../../../../node/keys.ts';
import { InvalidProposalError } from '../../../../../state/chain.ts';
import { readPool } from '../../../../../state/modules/staking/index.ts';
import type { TestChain } from '../../../../helpers/chain.ts';
import { doubleVote, openStakingChain, validatorOf } from './helpers.ts';

/** openStakingChain's evidenceMaxAgeBlocks. */
const MAX_AGE = 20;

describe('blocks carrying bad evidence', () => {
  let tc: TestChain;
  beforeAll(async () => {
    tc = await openStakingChain();
    for (let h = 1; h <= MAX_AGE + 2; h++) await tc.produce();
  }, 60_000);
  afterAll(() => tc?.close());

  /** The next proposal with `evidence` in place of its own (the header committing to it). */
  async function proposalWith(evidence: Evidence[]): Promise<Block> {
    const parent = tc.chain.head;
    const height = parent.header.height + 1;
    const block = await tc.chain.prepareProposal({
      height,
      time: parent.header.time + 1000,
      proposer: tc.chain.validators()[0]!,
      lastCommit: tc.chain.blocks.getCommit(height - 1) ?? null,
      evidence: [],
    });
    return { ...block, evidence, header: { ...block.header, evidenceHash: evidenceListHash(evidence) } };
  }

  const key = () => tc.validatorKeys[1]!;
  const h = () => tc.chain.head.header.height;
  const cases: [string, () => Evidence, RegExp][] = [
    [
      'against a key that was never a validator',
      () => doubleVote(tc.chain.chainId, generateValidatorKey(), h() - 1),
      /was not a validator at height/,
    ],
    [
      'with a vote signature that does not verify',
      () => {
        const ev = doubleVote(tc.chain.chainId, key(), h() - 1);
        const signature = Uint8Array.from(ev.voteB.signature);
        signature[9]! ^= 1;
        return { ...ev, voteB: { ...ev.voteB, signature } };
      },
      /a vote signature does not verify/,
    ],
    [
      `older than evidenceMaxAgeBlocks (${MAX_AGE})`,
      () => doubleVote(tc.chain.chainId, key(), 1),
      new RegExp(`is older than ${MAX_AGE} blocks`),
    ],
  ];

  for (const [name, evidence, reason] of cases) {
    it(`refuses evidence ${name}, and nothing changes`, async () => {
      const head = tc.chain.head.hash;
      const before = { validator: validatorOf(tc, 2), pool: readPool(tc.chain.state) };
      const block = await proposalWith([evidence()]);
      await expect(tc.chain.processProposal(block)).rejects.toThrow(InvalidProposalError);
      await expect(tc.chain.processProposal(block)).rejects.toThrow(reason);
      expect(tc.chain.head.hash).toBe(head);
      expect({ validator: validatorOf(tc, 2), pool: readPool(tc.chain.state) }).toEqual(before);
      expect(before.validator.tombstoned).toBe(false);
    });
  }

  // The control: a proposal carrying valid evidence of the same validator is taken.
  it('takes valid evidence against the same validator: slashed and tombstoned', async () => {
    await tc.produce({ evidence: [doubleVote(tc.chain.chainId, key(), h() - 1)] });
    expect(validatorOf(tc, 2)).toMatchObject({ tombstoned: true, jailed: true });
  });
});
