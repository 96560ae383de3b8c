// A real Chain with several staking validators whose operators the test can sign for, and the
// small tools the end-block tests share: staking calls as transactions, double votes, reads.
import { encodeFunctionData } from 'viem';
import { type Address, addressFromPrivateKey } from '../../../../../core/address.ts';
import { hexToBytes } from '../../../../../core/bytes.ts';
import { ed25519Sign } from '../../../../../core/ed25519.ts';
import { duplicateVoteEvidence, type Evidence } from '../../../../../core/evidence.ts';
import { signTx } from '../../../../../core/tx.ts';
import { validatorAddress } from '../../../../../core/validator.ts';
import { PRECOMMIT, voteSignBytes } from '../../../../../core/vote.ts';
import type { ValidatorKey } from '../../../../../node/keys.ts';
import { readAccount } from '../../../../../state/accounts.ts';
import {
  readPool,
  readValidator,
  STAKING_ADDRESS,
  stakingAbi,
  stakingModule,
  type ValidatorRecord,
} from '../../../../../state/modules/staking/index.ts';
import { openTestChain, type TestChain, type TestChainOptions } from '../../../../helpers/chain.ts';

export const OPEN = 10n ** 18n;
export const GWEI = 10n ** 9n;
export const TREASURY: Address = '0x0000000000000000000000000000000000007ea5';

/** Operator i's account key (i from 1). */
export function operatorKey(i: number): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = 0x5a;
  k[31] = i;
  return k;
}
export const operator = (i: number) => addressFromPrivateKey(operatorKey(i));

/** Small windows and jail times so the rules show within a few blocks. */
export const SMALL_STAKING = {
  signedBlocksWindow: 10,
  minSignedPerWindowBps: 5_000,
  downtimeJailBlocks: 5,
  slashFractionDowntimeBps: 100,
  slashFractionDoubleSignBps: 500,
  unbondingBlocks: 20,
  blockReward: (1n * OPEN).toString(),
} as const;

export interface StakingChainOptions extends TestChainOptions {
  readonly powers?: readonly bigint[];
  readonly stakingParams?: Record<string, unknown>;
  readonly rewardsPool?: bigint;
}

/** Validators of `powers` (default four of 10), operator i+1 each, operators funded for gas. */
export async function openStakingChain(o: StakingChainOptions = {}): Promise<TestChain> {
  const powers = o.powers ?? [10n, 10n, 10n, 10n];
  return openTestChain({
    ...o,
    modules: o.modules ?? [stakingModule()],
    alloc: [
      ...powers.map((_, i) => ({ address: operator(i + 1), balance: 1_000n * OPEN })),
      ...(o.alloc ?? []),
    ],
    params: { treasury: TREASURY, evidenceMaxAgeBlocks: 20, ...o.params },
    validators: powers.map((power, i) => ({ power, rewardAddress: operator(i + 1) })),
    staking: {
      params: { ...SMALL_STAKING, ...o.stakingParams } as never,
      rewardsPool: o.rewardsPool ?? 1_000n * OPEN,
    },
  });
}

const nonces = new Map<string, bigint>();

/** Submits a transaction signed by `key` to the mempool (the next produce() includes it). */
export async function submit(
  tc: TestChain,
  key: Uint8Array,
  to: Address,
  data: Uint8Array,
  value = 0n,
  tip = 0n,
): Promise<void> {
  const from = addressFromPrivateKey(key);
  const id = `${tc.dir}:${from}`;
  const nonce = nonces.get(id) ?? readAccount(tc.chain.state, from).nonce;
  nonces.set(id, nonce + 1n);
  const tx = signTx(
    {
      type: 2,
      chainId: 1337n,
      nonce,
      maxFeePerGas: 100n * GWEI,
      maxPriorityFeePerGas: tip,
      gasLimit: data.length === 0 ? 21_000n : 2_000_000n,
      to,
      value,
      data,
      accessList: [],
    },
    key,
  );
  await tc.chain.checkTx(tx.raw);
}

/** Submits a staking call signed by `key`. */
export function stakingCall(
  tc: TestChain,
  key: Uint8Array,
  functionName: string,
  args: readonly unknown[],
  value = 0n,
  tip = 0n,
): Promise<void> {
  const data = hexToBytes(encodeFunctionData({ abi: stakingAbi, functionName, args } as never));
  return submit(tc, key, STAKING_ADDRESS, data, value, tip);
}

/** Two conflicting precommits of `key` at `height`: evidence of double signing. */
export function doubleVote(chainId: bigint, key: ValidatorKey, height: number): Evidence {
  const vote = (fill: number) => {
    const unsigned = {
      type: PRECOMMIT,
      height,
      round: 0,
      blockHash: `0x${fill.toString(16).repeat(64)}`,
    } as const;
    return {
      ...unsigned,
      validator: validatorAddress(key.pubKey),
      signature: ed25519Sign(voteSignBytes(chainId, unsigned), key.secretKey),
    };
  };
  return duplicateVoteEvidence(vote(0xa), vote(0xb));
}

/** The module holds exactly the stake, the rewards pool and the rewards allocated but not yet paid. */
export function moduleBalanceProblem(tc: TestChain): string | undefined {
  const pool = readPool(tc.chain.state);
  const balance = readAccount(tc.chain.state, STAKING_ADDRESS).balance;
  const expected = pool.bonded + pool.notBonded + pool.rewardsPool + pool.distributed - pool.paid;
  return balance === expected ? undefined : `module balance ${balance}, pool accounts for ${expected}`;
}

export const validatorOf = (tc: TestChain, i: number): ValidatorRecord =>
  readValidator(tc.chain.state, operator(i))!;
export const consensusAddress = (tc: TestChain, i: number) =>
  validatorAddress(tc.validatorKeys[i - 1]!.pubKey);
/** The next block's set as operator -> power. */
export const setPowers = (tc: TestChain) =>
  Object.fromEntries(tc.chain.validators().map((v) => [v.rewardAddress, v.power]));
