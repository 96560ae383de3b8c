// Proposals from submission to outcome on a real chain of four validators of 10 OPEN each: voting
// periods of 4 blocks, deposit periods of 5, minDeposit 100 OPEN (helpers.ts).
import { afterEach, describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { readAttributionParams } from '../../../../state/modules/attribution/params.ts';
import { GOV_ADDRESS, govViews, ProposalStatus, VoteOption } from '../../../../state/modules/gov/index.ts';
import type { TestChain } from '../../../helpers/chain.ts';
import {
  balance,
  govCall,
  OPEN,
  onlyReceipt,
  openGovChain,
  operator,
  operatorKey,
  produceTo,
  proposal,
  stakingCall,
  TREASURY,
  user,
  userKey,
} from './helpers.ts';

let tc: TestChain;
afterEach(() => tc?.close());

const submitText = (key: Uint8Array, deposit = 100n * OPEN) =>
  govCall(tc, key, 'submitText', ['a signal', ''], deposit);
const vote = (key: Uint8Array, id: number, option: number) => govCall(tc, key, 'vote', [BigInt(id), option]);

/** Operators 1..n vote `option` on proposal `id` in the next block. */
async function operatorsVote(id: number, options: readonly number[]): Promise<void> {
  for (const [i, option] of options.entries()) await vote(operatorKey(i + 1), id, option);
  await tc.produce();
}

describe('governance lifecycle', () => {
  it('passes a parameter change and applies it at the end of the block where voting ends', async () => {
    tc = await openGovChain();
    await govCall(
      tc,
      userKey(1),
      'submitParamChange',
      [
        'raise the contributors floor',
        'to 20%',
        [{ module: 'attribution', key: 'minContributorsBps', value: '2000' }],
      ],
      100n * OPEN,
    );
    expect(onlyReceipt(await tc.produce()).status).toBe(1);
    const p = proposal(tc, 1);
    expect(p.status).toBe(ProposalStatus.voting);
    expect(p.votingEndHeight).toBe(5n);
    expect(balance(tc, GOV_ADDRESS)).toBe(100n * OPEN);
    await operatorsVote(1, [VoteOption.yes, VoteOption.yes, VoteOption.yes]);
    await produceTo(tc, 4);
    expect(readAttributionParams(tc.chain.state).minContributorsBps).toBe(1_000);
    await produceTo(tc, 5);
    expect(readAttributionParams(tc.chain.state).minContributorsBps).toBe(2_000);
    expect(proposal(tc, 1).status).toBe(ProposalStatus.passed);
    expect(proposal(tc, 1).tally).toMatchObject({ yes: 30n * OPEN, no: 0n, bonded: 40n * OPEN });
    expect(balance(tc, GOV_ADDRESS)).toBe(0n);
  });

  it('counts a delegator’s own vote instead of its validator’s, live and at the end', async () => {
    tc = await openGovChain();
    await stakingCall(tc, userKey(1), 'delegate', [operator(1)], 20n * OPEN);
    await tc.produce();
    await submitText(userKey(2));
    await tc.produce();
    await vote(operatorKey(1), 1, VoteOption.yes);
    await tc.produce();
    // The validator's vote carries its delegator until the delegator votes.
    expect(govViews.tally(tc.chain.state, [1n])).toMatchObject({
      yes: 30n * OPEN,
      no: 0n,
      bonded: 60n * OPEN,
    });
    await vote(userKey(1), 1, VoteOption.no);
    await tc.produce();
    expect(govViews.tally(tc.chain.state, [1n])).toMatchObject({ yes: 10n * OPEN, no: 20n * OPEN });
    await produceTo(tc, Number(proposal(tc, 1).votingEndHeight));
    const done = proposal(tc, 1);
    expect(done.tally).toMatchObject({ yes: 10n * OPEN, no: 20n * OPEN, bonded: 60n * OPEN });
    expect(done.status).toBe(ProposalStatus.rejected);
  });

  it.each([
    ['vetoed', [VoteOption.noWithVeto, VoteOption.noWithVeto, VoteOption.yes], ProposalStatus.vetoed, 0n],
    ['short of quorum', [VoteOption.yes], ProposalStatus.noQuorum, 0n],
    ['rejected', [VoteOption.no, VoteOption.no, VoteOption.yes], ProposalStatus.rejected, 100n * OPEN],
  ])('%s: deposits burned or refunded', async (_name, options, status, refunded) => {
    tc = await openGovChain();
    await submitText(userKey(2));
    await tc.produce();
    const afterDeposit = balance(tc, user(2));
    await operatorsVote(1, options);
    await produceTo(tc, 5);
    expect(proposal(tc, 1).status).toBe(status);
    expect(balance(tc, user(2)) - afterDeposit).toBe(refunded);
    expect(balance(tc, GOV_ADDRESS)).toBe(0n);
  });

  it('collects top-ups until minDeposit starts the vote, and refunds a proposal that expires', async () => {
    tc = await openGovChain();
    await submitText(userKey(1), 25n * OPEN);
    await submitText(userKey(2), 25n * OPEN);
    await tc.produce();
    expect(proposal(tc, 1).status).toBe(ProposalStatus.deposit);
    await govCall(tc, userKey(2), 'deposit', [1n], 75n * OPEN);
    const topUp = onlyReceipt(await tc.produce());
    expect(topUp.logs).toHaveLength(2); // DepositAdded, VotingStarted
    expect(proposal(tc, 1)).toMatchObject({
      status: ProposalStatus.voting,
      totalDeposit: 100n * OPEN,
      votingEndHeight: 6n,
    });
    expect(govViews.deposits(tc.chain.state, [1n])).toEqual([
      { depositor: user(1), amount: 25n * OPEN },
      { depositor: user(2), amount: 75n * OPEN },
    ]);
    const before = balance(tc, user(2));
    await produceTo(tc, 6);
    expect(proposal(tc, 2).status).toBe(ProposalStatus.expired);
    // Proposal 2's 25 back, and proposal 1's 75 (no quorum burns it at the same height).
    expect(proposal(tc, 1).status).toBe(ProposalStatus.noQuorum);
    expect(balance(tc, user(2)) - before).toBe(25n * OPEN);
    expect(balance(tc, GOV_ADDRESS)).toBe(0n);
  });

  it('pays a treasury spend, and fails a second one the treasury cannot cover alone', async () => {
    tc = await openGovChain();
    const recipient: Address = '0x00000000000000000000000000000000000bee01';
    for (const amount of [40n, 40n])
      await govCall(
        tc,
        userKey(1),
        'submitTreasurySpend',
        ['grant', '', recipient, amount * OPEN],
        100n * OPEN,
      );
    await govCall(tc, userKey(2), 'submitText', ['a signal', ''], 100n * OPEN);
    await tc.produce();
    for (const id of [1, 2, 3]) await operatorsVote(id, [VoteOption.yes, VoteOption.yes, VoteOption.yes]);
    await produceTo(tc, 5);
    expect(proposal(tc, 1).status).toBe(ProposalStatus.passed);
    expect(balance(tc, recipient)).toBe(40n * OPEN);
    expect(balance(tc, TREASURY)).toBe(10n * OPEN);
    const failed = proposal(tc, 2);
    expect(failed.status).toBe(ProposalStatus.failed);
    expect(failed.failure).toMatch(/^INSUFFICIENT_TREASURY: the treasury .* holds 10000000000000000000/);
    expect(proposal(tc, 3).status).toBe(ProposalStatus.passed);
    // Deposits of all three are back; the chain goes on.
    expect(balance(tc, GOV_ADDRESS)).toBe(0n);
    await tc.produce();
  });
});
