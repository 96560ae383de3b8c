import { encodeFunctionData } from 'viem';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../../../core/bytes.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../../../state/modules/staking/abi.ts';
import { completeMaturedUnbondings } from '../../../../state/modules/staking/entries.ts';
import { encodeLog } from '../../../../state/modules/staking/events.ts';
import { stakingModule } from '../../../../state/modules/staking/index.ts';
import { stakingKeys } from '../../../../state/modules/staking/keys.ts';
import { allocateReward, REWARD_SCALE } from '../../../../state/modules/staking/rewards.ts';
import { account, CHAIN_PARAMS, consensusKey, ETH, StakingBench, TEST_PARAMS } from './helpers.ts';

const [opA, opB, alice] = [1, 2, 10].map(account) as [`0x${string}`, `0x${string}`, `0x${string}`];

describe('staking module routing', () => {
  it('refuses calldata without a selector, unknown selectors, views as transactions and bad arguments', () => {
    const b = new StakingBench(undefined, [alice]);
    b.fails(
      alice,
      Uint8Array.of(1, 2),
      [],
      /calldata must start with a 4-byte function selector of IStaking/,
    );
    b.fails(
      alice,
      Uint8Array.of(1, 2, 3, 4),
      [],
      /unknown function selector 0x01020304 for the staking module/,
    );
    b.fails(alice, 'pool', [], /pool is a view: read it with eth_call/);
    const truncated = hexToBytes(
      encodeFunctionData({ abi: stakingAbi, functionName: 'undelegate', args: [opA, 1n] }),
    ).subarray(0, 20);
    b.fails(alice, truncated, [], /cannot decode calldata of undelegate/);
  });

  it('answers views through eth_call and refuses transactions there', () => {
    const b = new StakingBench(undefined, [opA]);
    const module = stakingModule();
    expect(module.name).toBe('staking');
    expect(module.address).toBe(STAKING_ADDRESS);
    const block = { chainId: 1337n, height: 1, time: 0, params: CHAIN_PARAMS };
    const call = (data: Uint8Array) => module.view(b.state, block, data, alice);
    expect(() =>
      call(hexToBytes(encodeFunctionData({ abi: stakingAbi, functionName: 'unjail', args: [] }))),
    ).toThrow(/unjail changes state: send it as a transaction/);
    expect(() => call(Uint8Array.of(9, 9, 9, 9))).toThrow(/unknown function selector 0x09090909/);
    expect(() => call(Uint8Array.of(9))).toThrow(/4-byte function selector/);
    expect(b.view('params')).toEqual({
      ...TEST_PARAMS,
      unbondingBlocks: BigInt(TEST_PARAMS.unbondingBlocks),
      signedBlocksWindow: BigInt(TEST_PARAMS.signedBlocksWindow),
      downtimeJailBlocks: BigInt(TEST_PARAMS.downtimeJailBlocks),
      rewardHalvingBlocks: BigInt(TEST_PARAMS.rewardHalvingBlocks),
    });
    expect(() => b.view('validator', [opA])).toThrow(/no validator with operator/);
    expect(() => b.view('delegation', [alice, opA])).toThrow(/no validator with operator/);
    b.createValidator(opA, consensusKey(1), 2n * ETH);
    expect(b.view('pool')).toEqual({
      bonded: 0n,
      notBonded: 2n * ETH,
      rewardsPool: 0n,
      distributed: 0n,
      paid: 0n,
      dust: 0n,
      slashed: 0n,
      totalPower: 0n,
    });
    expect(b.view('delegation', [alice, opA])).toMatchObject({ shares: 0n, tokens: 0n, pendingRewards: 0n });
    expect(b.view('pendingRewards', [alice, opA])).toBe(0n);
    expect(b.view('delegations', [alice])).toEqual([]);
    expect(b.view('unbondings', [alice])).toEqual([]);
    expect(b.view('redelegations', [alice])).toEqual([]);
  });

  it('emits logs from the staking address with the event signature as topic0', () => {
    const log = encodeLog('Unjailed', { operator: opA });
    expect(log.address).toBe(STAKING_ADDRESS);
    expect(log.topics).toHaveLength(2);
    expect(log.topics[1]).toBe(`0x${'0'.repeat(24)}${opA.slice(2)}`);
    expect(log.data).toEqual(new Uint8Array(0));
  });
});

describe('allocateReward', () => {
  it('leaves a validator without shares all of the non-commission reward as dust', () => {
    const b = new StakingBench(undefined, [opA]);
    b.createValidator(opA, consensusKey(1), 2n * ETH, { commissionBps: 1_000 });
    b.send(opA, 'undelegate', [opA, 2n * ETH]);
    b.fund(STAKING_ADDRESS, 1_001n);
    allocateReward(b.state, opA, 1_001n);
    expect(b.pool()).toMatchObject({ distributed: 1_001n, dust: 901n, dustScaled: 0n });
    expect(b.validator(opA)).toMatchObject({ commission: 100n, rewardCarry: 0n, rewardPerShare: 0n });
    b.expectSolvent();
  });

  it('moves a carry left by departed shares into dust, so newcomers do not receive it', () => {
    const b = new StakingBench(undefined, [opA, alice]);
    b.createValidator(opA, consensusKey(1), ETH, { commissionBps: 0 });
    b.send(alice, 'delegate', [opA], 1n);
    b.fund(STAKING_ADDRESS, 1n);
    allocateReward(b.state, opA, 1n);
    const carry = REWARD_SCALE % (ETH + 1n);
    expect(b.validator(opA).rewardCarry).toBe(carry);
    b.send(opA, 'undelegate', [opA, ETH]);
    expect(b.validator(opA).rewardCarry).toBe(carry);
    const before = b.pool();
    b.send(alice, 'undelegate', [opA, 1n]);
    expect(b.validator(opA)).toMatchObject({ delegatorShares: 0n, tokens: 0n, rewardCarry: 0n });
    const after = b.pool();
    expect(after.dust * REWARD_SCALE + after.dustScaled).toBe(
      before.dust * REWARD_SCALE +
        before.dustScaled +
        carry +
        (((REWARD_SCALE / (ETH + 1n)) * 1n) % REWARD_SCALE),
    );
    b.expectSolvent();
  });

  it('refuses a negative amount and an unknown validator; zero is a no-op', () => {
    const b = new StakingBench(undefined, [opA]);
    b.createValidator(opA, consensusKey(1), 2n * ETH);
    expect(() => allocateReward(b.state, opA, -1n)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'cannot allocate a negative reward -1' }),
    );
    expect(() => allocateReward(b.state, opB, 1n)).toThrow(/no validator with operator/);
    const before = b.state.changes();
    allocateReward(b.state, opA, 0n);
    expect(b.state.changes()).toEqual(before);
  });
});

describe('completeMaturedUnbondings', () => {
  it('completes every height since the last call, once, paying unbondings and dropping redelegations', () => {
    const b = new StakingBench(undefined, [opA, opB, alice]);
    b.createValidator(opA, consensusKey(1), 2n * ETH);
    b.createValidator(opB, consensusKey(2), 2n * ETH);
    b.send(alice, 'delegate', [opA], 5n * ETH);
    b.send(alice, 'undelegate', [opA, ETH]); // completes at 11
    b.height = 3;
    b.send(alice, 'undelegate', [opA, 2n * ETH]); // at 13
    b.send(alice, 'redelegate', [opA, opB, ETH]); // at 13
    expect(completeMaturedUnbondings(b.state, 10)).toEqual({ unbondings: 0, redelegations: 0, paid: 0n });
    expect(b.pool().maturedThrough).toBe(10);
    const before = b.balance(alice);
    expect(completeMaturedUnbondings(b.state, 13)).toEqual({
      unbondings: 2,
      redelegations: 1,
      paid: 3n * ETH,
    });
    expect(b.balance(alice)).toBe(before + 3n * ETH);
    for (const key of [
      stakingKeys.maturity(11),
      stakingKeys.maturity(13),
      stakingKeys.delegatorEntries(alice),
      stakingKeys.validatorEntries(opA),
      stakingKeys.unbonding(1),
      stakingKeys.redelegation(3),
    ])
      expect(b.state.get(key)).toBeUndefined();
    expect(completeMaturedUnbondings(b.state, 13)).toEqual({ unbondings: 0, redelegations: 0, paid: 0n });
    expect(completeMaturedUnbondings(b.state, 12)).toEqual({ unbondings: 0, redelegations: 0, paid: 0n });
    expect(b.pool().maturedThrough).toBe(13);
    b.expectSolvent();
  });

  it('writes nothing for heights with nothing maturing but the cursor', () => {
    const b = new StakingBench(undefined, []);
    completeMaturedUnbondings(b.state, 5);
    expect(b.state.get(stakingKeys.maturity(5))).toBeUndefined();
    expect(b.state.changes().filter((c) => c.value === null)).toEqual([]);
  });
});
