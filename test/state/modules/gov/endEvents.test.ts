// Proposal outcomes as events of the end-of-block step, on a real chain of four validators and a
// second node fed the same blocks: a vetoed proposal (deposit burned) and a passed one whose
// execution fails (deposit refunded, the reason in the event) each emit their events, stored with
// the block identically on both nodes and decodable with the module's ABI; the block's transactions
// carry none of them.
import { decodeEventLog } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../../core/bytes.ts';
import type { Log } from '../../../../core/receipt.ts';
import type { CommittedBlockInfo } from '../../../../state/chain.ts';
import { GOV_ADDRESS, govAbi, ProposalStatus, VoteOption } from '../../../../state/modules/gov/index.ts';
import type { TestChain } from '../../../helpers/chain.ts';
import { govCall, OPEN, openGovChain, operatorKey, proposal, userKey } from './helpers.ts';

let tc: TestChain;
afterEach(() => tc?.close());

const decode = (log: Log) => {
  const { eventName, args } = decodeEventLog({
    abi: govAbi,
    topics: log.topics as never,
    data: bytesToHex(log.data),
  });
  return { eventName, args };
};

describe('proposal-end events', () => {
  it('a veto and a failed execution each emit their events, the same on every node', async () => {
    // Unbonding 40 blocks, evidence 20: room for each of the two changes below alone.
    tc = await openGovChain({ stakingParams: { unbondingBlocks: 40 } });
    const follower = await tc.follower();
    const produce = async (): Promise<CommittedBlockInfo> => {
      const info = await tc.produce();
      await follower.finalizeBlock(info.block, tc.chain.blocks.getCommit(info.block.header.height)!);
      return info;
    };
    // 1: vetoed. 2 and 3: each fits the state at submission and both pass; 2 executes first (id
    // order) and shortens the unbonding period to 25, so 3's evidence age of 30 no longer fits.
    const change = (module: string, key: string, value: string) => [{ module, key, value }];
    await govCall(tc, userKey(1), 'submitText', ['vetoed', ''], 100n * OPEN);
    await govCall(
      tc,
      userKey(1),
      'submitParamChange',
      ['a', '', change('staking', 'unbondingBlocks', '25')],
      100n * OPEN,
    );
    await govCall(
      tc,
      userKey(2),
      'submitParamChange',
      ['b', '', change('chain', 'evidenceMaxAgeBlocks', '30')],
      100n * OPEN,
    );
    const submitted = await produce();
    expect(submitted.receipts.map((r) => r.status)).toEqual([1, 1, 1]);
    expect(submitted.events).toEqual([]);
    for (const i of [1, 2, 3, 4]) {
      await govCall(tc, operatorKey(i), 'vote', [1n, i === 4 ? VoteOption.yes : VoteOption.noWithVeto]);
      await govCall(tc, operatorKey(i), 'vote', [2n, VoteOption.yes]);
      await govCall(tc, operatorKey(i), 'vote', [3n, VoteOption.yes]);
    }
    await produce();
    let end: CommittedBlockInfo;
    do end = await produce();
    while (end.block.header.height < 5);
    expect([1, 2, 3].map((id) => proposal(tc, id).status)).toEqual([
      ProposalStatus.vetoed,
      ProposalStatus.passed,
      ProposalStatus.failed,
    ]);
    const reason =
      'UNSAFE_PARAMS: staking.unbondingBlocks (25) must be at least chain.evidenceMaxAgeBlocks (30): an offender could escape slashing by unbonding before its evidence expires';
    expect(proposal(tc, 3).failure).toBe(reason);
    expect(end.events.every((log) => log.address === GOV_ADDRESS)).toBe(true);
    expect(end.events.map(decode)).toEqual([
      { eventName: 'ProposalEnded', args: { id: 1n, status: ProposalStatus.vetoed, failure: '' } },
      { eventName: 'DepositsBurned', args: { id: 1n, amount: 100n * OPEN } },
      { eventName: 'ProposalEnded', args: { id: 2n, status: ProposalStatus.passed, failure: '' } },
      { eventName: 'DepositsRefunded', args: { id: 2n, amount: 100n * OPEN } },
      { eventName: 'ProposalEnded', args: { id: 3n, status: ProposalStatus.failed, failure: reason } },
      { eventName: 'DepositsRefunded', args: { id: 3n, amount: 100n * OPEN } },
    ]);
    // Stored with the block, the same on both nodes; no transaction of the block carries them.
    const height = end.block.header.height;
    const hex = (logs: readonly Log[]) => logs.map((l) => ({ ...l, data: bytesToHex(l.data) }));
    expect(hex(tc.chain.blocks.getBlockEvents(height))).toEqual(hex(end.events));
    expect(hex(follower.blocks.getBlockEvents(height))).toEqual(hex(end.events));
    expect(end.receipts.flatMap((r) => r.logs)).toEqual([]);
    // Blocks whose end emitted nothing store nothing.
    expect(follower.blocks.getBlockEvents(height - 1)).toEqual([]);
  });
});
