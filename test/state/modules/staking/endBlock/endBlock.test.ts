// The end-of-block step on a real Chain (state/modules/staking/endBlock/): block income to the
// signers of lastCommit, the set switching at one height for every node, the power-change cap,
// downtime jailing, double-sign slashing and tombstoning once, unbonding maturity.
import { afterEach, describe, expect, it } from 'vitest';
import { readAccount } from '../../../../../state/accounts.ts';
import { readSigningSet } from '../../../../../state/modules/staking/endBlock/signingSet.ts';
import { readPool, readValidator } from '../../../../../state/modules/staking/index.ts';
import { pendingRewards } from '../../../../../state/modules/staking/rewards.ts';
import { readDelegation } from '../../../../../state/modules/staking/store.ts';
import type { TestChain } from '../../../../helpers/chain.ts';
import {
  consensusAddress,
  doubleVote,
  GWEI,
  moduleBalanceProblem,
  OPEN,
  openStakingChain,
  operator,
  operatorKey,
  setPowers,
  stakingCall,
  TREASURY,
  validatorOf,
} from './helpers.ts';

let chains: TestChain[] = [];
afterEach(async () => {
  for (const c of chains) await c.close();
  chains = [];
});
const open = async (...args: Parameters<typeof openStakingChain>) => {
  const c = await openStakingChain(...args);
  chains.push(c);
  return c;
};
const pending = (tc: TestChain, i: number) => {
  const v = readValidator(tc.chain.state, operator(i))!;
  return pendingRewards(v, readDelegation(tc.chain.state, operator(i), operator(i))!);
};

describe('block income', () => {
  it('pays the block reward and the fees to the signers of the previous block, by power', async () => {
    const tc = await open({ powers: [10n, 20n, 30n], stakingParams: { feesToStakersBps: 10_000 } });
    // Block 1 has no lastCommit: no reward is drawn. Its commit leaves out validator 3.
    await tc.produce({ absent: [consensusAddress(tc, 3)] });
    expect(readPool(tc.chain.state).rewardsPool).toBe(1_000n * OPEN);
    expect(readPool(tc.chain.state).distributed).toBe(0n);
    // Block 2 pays 1 OPEN to validators 1 and 2 (10 : 20); validator 3 did not sign block 1.
    await tc.produce();
    expect(pending(tc, 1)).toBe(OPEN / 3n);
    // The remainder of the split goes to the most powerful signer; the accumulator may keep a carry.
    expect(pending(tc, 2)).toBeGreaterThanOrEqual((2n * OPEN) / 3n);
    expect(pending(tc, 3)).toBe(0n);
    const pool = readPool(tc.chain.state);
    expect(pool.rewardsPool).toBe(999n * OPEN);
    expect(pool.distributed).toBe(OPEN);
    // Block 3 carries a transaction with a tip; its base fee is burned (genesis default), its tip is
    // income of the block, paid with the block reward to the signers of block 2.
    await stakingCall(tc, operatorKey(1), 'delegate', [operator(2)], OPEN, 2n * GWEI);
    const { receipts } = await tc.produce();
    const tips = receipts[0]!.gasUsed * 2n * GWEI;
    expect(tips).toBeGreaterThan(0n);
    expect(readPool(tc.chain.state).distributed).toBe(2n * OPEN + tips);
  });

  it('routes feesToStakersBps of the unburned base fee to stakers and the rest to the treasury', async () => {
    const tc = await open({ params: { baseFeeBurnBps: 2_000 }, stakingParams: { feesToStakersBps: 2_500 } });
    await tc.produce();
    await stakingCall(tc, operatorKey(1), 'delegate', [operator(2)], OPEN);
    const { block, receipts } = await tc.produce();
    const baseFees = receipts[0]!.gasUsed * block.header.baseFeePerGas;
    const unburned = baseFees - (baseFees * 2_000n) / 10_000n;
    const stakers = (unburned * 2_500n) / 10_000n;
    expect(readAccount(tc.chain.state, TREASURY).balance).toBe(unburned - stakers);
    expect(readPool(tc.chain.state).distributed).toBe(OPEN + stakers);
  });

  it('stops paying block rewards when the pool is empty', async () => {
    const tc = await open({ rewardsPool: OPEN + OPEN / 2n });
    for (let i = 0; i < 4; i++) await tc.produce();
    const pool = readPool(tc.chain.state);
    expect(pool.rewardsPool).toBe(0n);
    expect(pool.distributed).toBe(OPEN + OPEN / 2n);
  });
});

describe('the validator set', () => {
  it('changes at the same height on a node that re-executes the blocks, as the header commits', async () => {
    const a = await open();
    const b = await a.follower();
    const follow = async () => {
      const h = a.chain.head.header.height;
      const block = (await a.chain.blocks.getBlock(h))!;
      await b.finalizeBlock(block, a.chain.blocks.getCommit(h)!);
    };
    await a.produce();
    await follow();
    await stakingCall(a, operatorKey(1), 'delegate', [operator(1)], 3n * OPEN);
    const { block } = await a.produce();
    await follow();
    // Validator 1's 3 more OPEN give it power 13 in the set that signs the next block, on both nodes.
    expect(setPowers(a)[operator(1)]).toBe(13n);
    expect(b.validators()).toEqual(a.chain.validators());
    expect(b.head.hash).toBe(a.chain.head.hash);
    const powerAt = async (h: number) =>
      (await a.chain.validatorsAt(h)).find((v) => v.rewardAddress === operator(1))!.power;
    expect(await powerAt(block.header.height)).toBe(10n);
    expect(await powerAt(block.header.height + 1)).toBe(13n);
    expect(block.header.nextValidatorsHash).not.toBe(block.header.validatorsHash);
    // The signing set saved for the next block is the one that signed this one.
    expect(readSigningSet(a.chain.state)!.find((v) => v.rewardAddress === operator(1))!.power).toBe(10n);
  });
});

describe('the power-change cap', () => {
  it('moves a large stake change into the set over several blocks, each within the cap', async () => {
    const tc = await open();
    await tc.produce();
    await stakingCall(tc, operatorKey(1), 'delegate', [operator(1)], 100n * OPEN);
    await tc.produce();
    const seen: bigint[] = [];
    let previous = tc.chain.validators();
    for (let i = 0; i < 10 && setPowers(tc)[operator(1)] !== 110n; i++) {
      seen.push(setPowers(tc)[operator(1)]!);
      await tc.produce();
      const next = tc.chain.validators();
      const before = previous.reduce((s, v) => s + v.power, 0n);
      const moved = next.reduce((s, v) => s + v.power, 0n) - before;
      expect(moved * 10_000n <= before * 3_333n).toBe(true);
      previous = next;
    }
    // total 40, budget 13 -> 23; total 53, +17 -> 40; total 70, +23 -> 63; total 93, +30 -> 93; +40 -> 110 (capped at the target).
    expect(seen).toEqual([23n, 40n, 63n, 93n]);
    expect(setPowers(tc)[operator(1)]).toBe(110n);
    expect(validatorOf(tc, 1).power).toBe(110);
    expect(readPool(tc.chain.state).totalPower).toBe(140);
  });
});

describe('downtime', () => {
  it('jails and slashes a validator that misses too much of its window, once, and lets it back after unjail', async () => {
    const tc = await open();
    const absent = [consensusAddress(tc, 4)];
    // Validator 4 misses every block from 1: its window (10) is full at height 10 with 10 misses > 5.
    for (let h = 1; h <= 10; h++) await tc.produce({ absent });
    expect(validatorOf(tc, 4)).toMatchObject({ jailed: false, missedBlocks: 9 });
    await tc.produce({ absent }); // block 11 sees block 10's lastCommit
    const v = validatorOf(tc, 4);
    expect(v).toMatchObject({ jailed: true, jailedUntil: 16, missedBlocks: 0 });
    // 1% of its stake at the infraction height (power 10): 0.1 OPEN, burned.
    expect(v.tokens).toBe(10n * OPEN - OPEN / 10n);
    expect(readPool(tc.chain.state).slashed).toBe(OPEN / 10n);
    // Burned: the module's balance dropped by the slash and still equals what its pool accounts for.
    expect(moduleBalanceProblem(tc)).toBeUndefined();
    const pool = readPool(tc.chain.state);
    expect(pool.bonded + pool.notBonded).toBe(40n * OPEN - OPEN / 10n);
    // It leaves the set that signs block 12; still absent, it is not punished again.
    expect(setPowers(tc)[operator(4)]).toBeUndefined();
    for (let h = 12; h <= 16; h++) await tc.produce({ absent });
    expect(validatorOf(tc, 4).tokens).toBe(10n * OPEN - OPEN / 10n);
    // Unjail at height 17 (jailedUntil 16 has passed), back in the set at the next block.
    await stakingCall(tc, operatorKey(4), 'unjail', []);
    const { receipts } = await tc.produce();
    expect(receipts[0]!.status).toBe(1);
    expect(setPowers(tc)[operator(4)]).toBe(9n);
    expect(validatorOf(tc, 4)).toMatchObject({ jailed: false, missedBlocks: 0 });
  });

  it('forgets a miss once the window has moved past it', async () => {
    const tc = await open();
    // Validator 4 misses blocks 1-3, then signs: heights 11-13 reuse those slots and clear them
    // (block h records the signatures of block h - 1).
    for (let h = 1; h <= 3; h++) await tc.produce({ absent: [consensusAddress(tc, 4)] });
    for (let h = 4; h <= 11; h++) await tc.produce();
    expect(validatorOf(tc, 4).missedBlocks).toBe(3);
    await tc.produce();
    expect(validatorOf(tc, 4).missedBlocks).toBe(2);
    for (let h = 13; h <= 14; h++) await tc.produce();
    expect(validatorOf(tc, 4)).toMatchObject({ missedBlocks: 0, jailed: false });
  });

  it('does not jail a validator that signed enough of its window', async () => {
    const tc = await open();
    // Misses 5 of every 10 blocks: signs 5, the minimum (50%).
    for (let h = 1; h <= 25; h++) await tc.produce({ absent: h % 2 === 0 ? [consensusAddress(tc, 4)] : [] });
    expect(validatorOf(tc, 4)).toMatchObject({ jailed: false, missedBlocks: 5 });
    expect(setPowers(tc)[operator(4)]).toBe(10n);
  });
});

describe('double signing', () => {
  it('slashes the stake at the infraction height and tombstones, once however much evidence arrives', async () => {
    const tc = await open();
    for (let h = 1; h <= 3; h++) await tc.produce();
    // Validator 2 undelegates half after double signing at height 2: its unbonding entry is slashed too.
    await stakingCall(tc, operatorKey(2), 'undelegate', [operator(2), 4n * OPEN]);
    await tc.produce();
    expect(validatorOf(tc, 2).tokens).toBe(6n * OPEN);
    const burnedBefore = readPool(tc.chain.state).slashed;
    await tc.produce({ evidence: [doubleVote(tc.chain.chainId, tc.validatorKeys[1]!, 2)] });
    const v = validatorOf(tc, 2);
    expect(v).toMatchObject({ tombstoned: true, jailed: true });
    // 5% of the 10 OPEN bonded at height 2: 0.2 OPEN from the unbonding entry (5% of 4), the rest from bonded.
    expect(readPool(tc.chain.state).slashed - burnedBefore).toBe(OPEN / 2n);
    expect(v.tokens).toBe(6n * OPEN - (OPEN / 2n - OPEN / 5n));
    expect(setPowers(tc)[operator(2)]).toBeUndefined();
    // More evidence of the same validator (another height, still within the evidence age): no second punishment.
    await tc.produce({ evidence: [doubleVote(tc.chain.chainId, tc.validatorKeys[1]!, 3)] });
    expect(readPool(tc.chain.state).slashed - burnedBefore).toBe(OPEN / 2n);
    expect(validatorOf(tc, 2).tokens).toBe(v.tokens);
    // It can never unjail.
    await stakingCall(tc, operatorKey(2), 'unjail', []);
    const { receipts } = await tc.produce();
    expect(receipts[0]).toMatchObject({ status: 0 });
    expect(receipts[0]!.error).toMatch(/tombstoned/);
  });
});

describe('unbonding maturity', () => {
  it('pays an unbonding out at creation + unbondingBlocks, at the end of that block', async () => {
    const tc = await open();
    await tc.produce();
    await stakingCall(tc, operatorKey(3), 'undelegate', [operator(3), 2n * OPEN]);
    const { block } = await tc.produce();
    const created = block.header.height;
    const balance = () => readAccount(tc.chain.state, operator(3)).balance;
    const before = balance();
    while (tc.chain.head.header.height < created + 19) await tc.produce();
    expect(balance()).toBe(before);
    await tc.produce();
    expect(balance()).toBe(before + 2n * OPEN);
    expect(readPool(tc.chain.state).notBonded).toBe(0n);
  });
});
