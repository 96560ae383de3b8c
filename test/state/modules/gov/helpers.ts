// A real Chain with four staking validators and governance with short periods, and the small tools
// the governance tests share: calls as transactions, blocks until a height, the module's state.
import { encodeFunctionData } from 'viem';
import { type Address, addressFromPrivateKey } from '../../../../core/address.ts';
import { hexToBytes } from '../../../../core/bytes.ts';
import { readAccount } from '../../../../state/accounts.ts';
import type { CommittedBlockInfo } from '../../../../state/chain.ts';
import { GOV_ADDRESS, govAbi, govModule, govViews } from '../../../../state/modules/gov/index.ts';
import { stakingModule } from '../../../../state/modules/staking/index.ts';
import type { StoredReceipt } from '../../../../state/store/receipts.ts';
import type { TestChain } from '../../../helpers/chain.ts';
import {
  OPEN,
  openStakingChain,
  type StakingChainOptions,
  submit,
  TREASURY,
} from '../staking/endBlock/helpers.ts';

export { OPEN, operator, operatorKey, stakingCall, TREASURY } from '../staking/endBlock/helpers.ts';

export const GOV = {
  minDeposit: (100n * OPEN).toString(),
  minInitialDepositBps: 2_500,
  maxDepositPeriodBlocks: 5,
  votingPeriodBlocks: 4,
  quorumBps: 3_340,
  thresholdBps: 5_000,
  vetoThresholdBps: 3_340,
};

/** An account that is not an operator (i from 1). */
export function userKey(i: number): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = 0x7b;
  k[31] = i;
  return k;
}
export const user = (i: number) => addressFromPrivateKey(userKey(i));

export async function openGovChain(
  o: StakingChainOptions & { govParams?: Partial<typeof GOV> } = {},
): Promise<TestChain> {
  return openStakingChain({
    ...o,
    modules: [stakingModule(), govModule()],
    alloc: [
      { address: user(1), balance: 1_000n * OPEN },
      { address: user(2), balance: 1_000n * OPEN },
      { address: TREASURY, balance: 50n * OPEN },
      ...(o.alloc ?? []),
    ],
    gov: { params: { ...GOV, ...o.govParams } },
  } as StakingChainOptions);
}

/** Submits a governance call signed by `key` (the next produce() includes it). */
export function govCall(
  tc: TestChain,
  key: Uint8Array,
  functionName: string,
  args: readonly unknown[],
  value = 0n,
): Promise<void> {
  const data = hexToBytes(encodeFunctionData({ abi: govAbi, functionName, args } as never));
  return submit(tc, key, GOV_ADDRESS, data, value);
}

/** The receipt of the block's only transaction. */
export function onlyReceipt(info: CommittedBlockInfo): StoredReceipt {
  if (info.receipts.length !== 1) throw new Error(`expected one receipt, got ${info.receipts.length}`);
  return info.receipts[0]!;
}

/** Produces blocks until the head is at `height`. */
export async function produceTo(tc: TestChain, height: number): Promise<void> {
  while (tc.chain.head.header.height < height) await tc.produce();
}

export const proposal = (tc: TestChain, id: number) => govViews.proposal(tc.chain.state, [BigInt(id)]);
export const balance = (tc: TestChain, a: Address) => readAccount(tc.chain.state, a).balance;

/** Everything of the module a refused call must leave as it was. */
export function govState(tc: TestChain) {
  const state = tc.chain.state;
  const count = govViews.proposalCount(state, []);
  const proposals = [];
  for (let id = 1n; id <= count; id++) {
    proposals.push({
      proposal: govViews.proposal(state, [id]),
      deposits: govViews.deposits(state, [id]),
      votes: govViews.votes(state, [id]),
    });
  }
  return { count, proposals, moduleBalance: balance(tc, GOV_ADDRESS), params: govViews.params(state, []) };
}
