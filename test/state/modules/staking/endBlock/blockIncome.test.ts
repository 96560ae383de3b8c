// A block's income (state/modules/staking/endBlock/income.ts) on a fresh in-memory state: where the
// fee split is credited, what the rewards pool gives and keeps, and who is paid what, to the wei.
import { describe, expect, it } from 'vitest';
import type { Validator } from '../../../../../core/validator.ts';
import { validatorAddress } from '../../../../../core/validator.ts';
import { payBlockIncome, settleFees } from '../../../../../state/modules/staking/endBlock/income.ts';
import { STAKING_ADDRESS, writePool } from '../../../../../state/modules/staking/index.ts';
import { StateOverlay } from '../../../../../state/stateDb.ts';
import { account, CHAIN_PARAMS, consensusKey, ETH, StakingBench, TEST_PARAMS, TREASURY } from '../helpers.ts';

const A = account(1);
const B = account(2);

/** Validators A (commission 10%) and B (commission 20%), and their entries of a signing set. */
function bench(rewardsPool: bigint, params = TEST_PARAMS) {
  const b = new StakingBench(params, [A, B]);
  b.createValidator(A, consensusKey(1), 10n * ETH, { commissionBps: 1_000 });
  b.createValidator(B, consensusKey(2), 10n * ETH, { commissionBps: 2_000 });
  writePool(b.state, { ...b.pool(), rewardsPool });
  const signer = (op: typeof A, n: number, power: bigint): Validator => ({
    address: validatorAddress(consensusKey(n).publicKey),
    pubKey: consensusKey(n).publicKey,
    power,
    rewardAddress: op,
  });
  return { b, a: signer(A, 1, 1n), bv: signer(B, 2, 2n) };
}

describe('settleFees', () => {
  it('credits the treasury its share and the module the stakers share with the tips, burning the rest', () => {
    const { b } = bench(0n);
    const moduleBefore = b.balance(STAKING_ADDRESS);
    const chain = { ...CHAIN_PARAMS, baseFeeBurnBps: 2_000 };
    const stakers = settleFees(b.state, chain, { ...TEST_PARAMS, feesToStakersBps: 2_500 }, 1_000n, 7n);
    // 1000 base fees: 200 burned, 800 left, 25% of it (200) plus the 7 of tips to stakers, 600 to the treasury.
    expect(stakers).toBe(207n);
    expect(b.balance(STAKING_ADDRESS) - moduleBefore).toBe(207n);
    expect(b.balance(TREASURY)).toBe(600n);
  });
});

describe('payBlockIncome', () => {
  it('splits the fees and the block reward by power, each validator paying its commission first', () => {
    const { b, a, bv } = bench(1_000n, { ...TEST_PARAMS, blockReward: 270n });
    const before = b.pool();
    payBlockIncome(b.state, { ...TEST_PARAMS, blockReward: 270n }, 5, [a, bv], 30n);
    // 300 by power 1 : 2: A 100 (10 commission), B 200 (40 commission).
    expect(b.validator(A).commission).toBe(10n);
    expect(b.validator(B).commission).toBe(40n);
    const pool = b.pool();
    expect(pool.rewardsPool).toBe(730n);
    expect(pool.distributed - before.distributed).toBe(300n);
    // The delegators' part: 90 over A's 10 ETH of shares, 160 over B's.
    expect(b.view('pendingRewards', [A, A])).toBe(90n);
    expect(b.view('pendingRewards', [B, B])).toBe(160n);
  });

  it('takes the reward of the block height from the pool (halved after rewardHalvingBlocks)', () => {
    const params = { ...TEST_PARAMS, blockReward: 400n, rewardHalvingBlocks: 10 };
    const { b, a } = bench(1_000n, params);
    payBlockIncome(b.state, params, 11, [a], 0n);
    expect(b.pool().rewardsPool).toBe(800n);
    expect(b.validator(A).commission).toBe(20n);
  });

  it('pays no more than the pool holds, and only fees once it is empty', () => {
    const params = { ...TEST_PARAMS, blockReward: 400n };
    const { b, a } = bench(150n, params);
    payBlockIncome(b.state, params, 2, [a], 50n);
    expect(b.pool().rewardsPool).toBe(0n);
    expect(b.pool().distributed).toBe(200n);
    payBlockIncome(b.state, params, 3, [a], 50n);
    expect(b.pool().rewardsPool).toBe(0n);
    expect(b.pool().distributed).toBe(250n);
  });

  it('keeps the fees in the rewards pool when nobody signed the previous block', () => {
    for (const signers of [undefined, []]) {
      const { b } = bench(1_000n, { ...TEST_PARAMS, blockReward: 100n });
      payBlockIncome(b.state, { ...TEST_PARAMS, blockReward: 100n }, 1, signers, 25n);
      expect(b.pool()).toMatchObject({ rewardsPool: 1_025n, distributed: 0n });
      expect(b.validator(A).commission).toBe(0n);
      // No fees: nothing to write at all.
      const block = new StateOverlay(b.state);
      payBlockIncome(block, { ...TEST_PARAMS, blockReward: 100n }, 1, signers, 0n);
      expect(block.changes()).toEqual([]);
    }
  });
});
