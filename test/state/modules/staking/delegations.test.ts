import { describe, expect, it } from 'vitest';
import { STAKING_ADDRESS } from '../../../../state/modules/staking/abi.ts';
import { applyActiveSet } from '../../../../state/modules/staking/activeSet.ts';
import { stakingKeys } from '../../../../state/modules/staking/keys.ts';
import { allocateReward } from '../../../../state/modules/staking/rewards.ts';
import { tombstoneValidator } from '../../../../state/modules/staking/slashing.ts';
import { account, consensusKey, ETH, StakingBench, TEST_PARAMS } from './helpers.ts';

const [opA, opB, opC, alice, bob] = [1, 2, 3, 10, 11].map(account) as [
  `0x${string}`,
  `0x${string}`,
  `0x${string}`,
  `0x${string}`,
  `0x${string}`,
];

/** Two validators (A: 10 OPEN, B: 10 OPEN, 10% commission), alice and bob funded. */
function bench(params = TEST_PARAMS) {
  const b = new StakingBench(params, [opA, opB, opC, alice, bob]);
  b.createValidator(opA, consensusKey(1), 10n * ETH);
  b.createValidator(opB, consensusKey(2), 10n * ETH);
  return b;
}

/** Puts `amount` into the module and allocates it to a validator, as the end-of-block fee routing does. */
function reward(b: StakingBench, operator: `0x${string}`, amount: bigint) {
  b.fund(STAKING_ADDRESS, amount);
  allocateReward(b.state, operator, amount);
}

describe('delegate', () => {
  it('buys shares at the validator rate and counts tokens in the pool total of its status', () => {
    const b = bench();
    const out = b.send(alice, 'delegate', [opA], 5n * ETH);
    expect(out.events).toEqual([
      {
        eventName: 'Delegated',
        args: {
          delegator: expect.any(String),
          validator: expect.any(String),
          amount: 5n * ETH,
          shares: 5n * ETH,
        },
      },
    ]);
    expect(b.validator(opA)).toMatchObject({ tokens: 15n * ETH, delegatorShares: 15n * ETH });
    expect(b.pool()).toMatchObject({ notBonded: 25n * ETH, bonded: 0n });
    applyActiveSet(b.state, [{ operator: opA, power: 15n }]);
    expect(b.pool()).toMatchObject({ notBonded: 10n * ETH, bonded: 15n * ETH, totalPower: 15 });
    b.send(bob, 'delegate', [opA], 3n * ETH);
    expect(b.pool()).toMatchObject({ notBonded: 10n * ETH, bonded: 18n * ETH });
    expect(b.view('delegations', [alice])).toEqual([
      {
        delegator: expect.any(String),
        validator: expect.stringMatching(new RegExp(opA.slice(2), 'i')),
        shares: 5n * ETH,
        tokens: 5n * ETH,
        pendingRewards: 0n,
      },
    ]);
    b.expectSolvent();
  });

  it('settles pending rewards to the delegator before adding shares', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    reward(b, opA, 1_000n);
    // 10% commission = 100; 900 over 20 OPEN of shares: alice's half is 450.
    expect(b.view('pendingRewards', [alice, opA])).toBe(450n);
    const before = b.balance(alice);
    const out = b.send(alice, 'delegate', [opA], ETH);
    expect(out.events[0]).toEqual({
      eventName: 'RewardsWithdrawn',
      args: { delegator: expect.any(String), validator: expect.any(String), amount: 450n },
    });
    expect(b.balance(alice)).toBe(before - ETH + 450n);
    expect(b.view('pendingRewards', [alice, opA])).toBe(0n);
    b.expectSolvent();
  });

  it('refuses no value, an unknown or tombstoned validator, and more than the balance', () => {
    const b = bench();
    b.fails(alice, 'delegate', [opA], /delegate needs a value/);
    b.fails(alice, 'delegate', [opC], /no validator with operator 0x/, ETH);
    b.fails(alice, 'delegate', [opA], /insufficient balance/, 10n ** 30n);
    tombstoneValidator(b.state, opB);
    b.fails(alice, 'delegate', [opB], /validator 0x[0-9a-f]+ is tombstoned and takes no delegations/, ETH);
  });

  it('buys at least a share per wei after a slash, and refuses a validator slashed to zero tokens', async () => {
    const { slashValidator } = await import('../../../../state/modules/staking/slashing.ts');
    const b = bench();
    slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: 5_000, height: 1 });
    // 5 OPEN of tokens for 10 OPEN of shares: 1 wei buys 2 shares; fine. Slash to zero next.
    expect(b.send(alice, 'delegate', [opA], 1n).events[0]?.args.shares).toBe(2n);
    slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: 10_000, height: 1 });
    expect(b.validator(opA).tokens).toBe(0n);
    b.fails(alice, 'delegate', [opA], /has shares but no tokens left/, ETH);
  });
});

describe('undelegate', () => {
  it('moves tokens into an unbonding entry that pays out at completion height', () => {
    const b = bench();
    applyActiveSet(b.state, [{ operator: opA, power: 10n }]);
    b.send(alice, 'delegate', [opA], 6n * ETH);
    const out = b.send(alice, 'undelegate', [opA, 2n * ETH]);
    const completion = BigInt(b.height + TEST_PARAMS.unbondingBlocks);
    expect(out.events).toEqual([
      {
        eventName: 'Undelegated',
        args: {
          delegator: expect.any(String),
          validator: expect.any(String),
          amount: 2n * ETH,
          completionHeight: completion,
        },
      },
    ]);
    expect(b.validator(opA).tokens).toBe(14n * ETH);
    expect(b.pool()).toMatchObject({ bonded: 14n * ETH, notBonded: 12n * ETH });
    expect(b.view('unbondings', [alice])).toEqual([
      {
        delegator: expect.any(String),
        validator: expect.any(String),
        creationHeight: BigInt(b.height),
        completionHeight: completion,
        initialBalance: 2n * ETH,
        balance: 2n * ETH,
      },
    ]);
    b.expectSolvent();
    const before = b.balance(alice);
    b.advance(TEST_PARAMS.unbondingBlocks);
    expect(b.balance(alice)).toBe(before);
    expect(b.view('unbondings', [alice])).toHaveLength(1);
    b.endBlock(); // the completion height's end of block
    expect(b.balance(alice)).toBe(before + 2n * ETH);
    expect(b.view('unbondings', [alice])).toEqual([]);
    expect(b.pool()).toMatchObject({ bonded: 14n * ETH, notBonded: 10n * ETH });
    b.expectSolvent();
  });

  it('removes the whole delegation when all of it is undelegated', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 6n * ETH);
    b.send(alice, 'undelegate', [opA, 6n * ETH]);
    expect(b.view('delegations', [alice])).toEqual([]);
    expect(b.state.get(stakingKeys.delegation(alice, opA))).toBeUndefined();
    expect(b.state.get(stakingKeys.delegatorValidators(alice))).toBeUndefined();
    expect(b.view('delegation', [alice, opA])).toMatchObject({ shares: 0n, tokens: 0n });
    expect(b.validator(opA)).toMatchObject({ tokens: 10n * ETH, delegatorShares: 10n * ETH });
  });

  it('after a slash, sells enough shares for the amount and sweeps shares left worth nothing', async () => {
    const { slashValidator } = await import('../../../../state/modules/staking/slashing.ts');
    const b = bench();
    b.send(alice, 'delegate', [opA], 3n);
    slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: 5_000, height: 1 });
    // A: 10 OPEN + 3 wei of shares, half the tokens. alice's 3 shares are worth 1 wei (1.5 floored).
    expect(b.view('delegation', [alice, opA])).toMatchObject({ shares: 3n, tokens: 1n });
    b.fails(alice, 'undelegate', [opA, 2n], /delegation to 0x[0-9a-f]+ is worth 1, cannot undelegate 2/);
    b.send(alice, 'undelegate', [opA, 1n]);
    // 2 shares would buy the 1 wei; the 1 share left is worth 0: all 3 go.
    expect(b.view('delegations', [alice])).toEqual([]);
  });

  it('refuses zero, more than delegated, no delegation, value, and more than maxEntries per pair', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 6n * ETH);
    b.fails(alice, 'undelegate', [opA, 0n], /amount must be positive, got 0/);
    b.fails(
      alice,
      'undelegate',
      [opA, 6n * ETH + 1n],
      /is worth 6000000000000000000, cannot undelegate 6000000000000000001/,
    );
    b.fails(bob, 'undelegate', [opA, 1n], /has no delegation to/);
    b.fails(alice, 'undelegate', [opC, 1n], /no validator with operator/);
    b.fails(alice, 'undelegate', [opA, 1n], /undelegate is not payable/, 1n);
    for (let i = 0; i < TEST_PARAMS.maxEntries; i++) b.send(alice, 'undelegate', [opA, ETH]);
    b.fails(
      alice,
      'undelegate',
      [opA, ETH],
      /unbonding from 0x[0-9a-f]+ already has 3 maturing entries, the limit is 3/,
    );
    // Another validator is another pair.
    b.send(alice, 'delegate', [opB], ETH);
    b.send(alice, 'undelegate', [opB, ETH]);
    // Once one matures, there is room again.
    b.advance(TEST_PARAMS.unbondingBlocks + 1);
    b.send(alice, 'undelegate', [opA, ETH]);
  });
});

describe('redelegate', () => {
  it('moves shares at once and records an entry slashable for the source until it matures', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 6n * ETH);
    const out = b.send(alice, 'redelegate', [opA, opB, 4n * ETH]);
    const completion = BigInt(b.height + TEST_PARAMS.unbondingBlocks);
    expect(out.events.at(-1)).toEqual({
      eventName: 'Redelegated',
      args: {
        delegator: expect.any(String),
        from: expect.any(String),
        to: expect.any(String),
        amount: 4n * ETH,
        completionHeight: completion,
      },
    });
    expect(b.validator(opA).tokens).toBe(12n * ETH);
    expect(b.validator(opB).tokens).toBe(14n * ETH);
    expect(b.view('redelegations', [alice])).toEqual([
      {
        delegator: expect.any(String),
        from: expect.stringMatching(new RegExp(opA.slice(2), 'i')),
        to: expect.stringMatching(new RegExp(opB.slice(2), 'i')),
        creationHeight: BigInt(b.height),
        completionHeight: completion,
        initialBalance: 4n * ETH,
        shares: 4n * ETH,
      },
    ]);
    expect(b.pool().notBonded).toBe(26n * ETH);
    b.expectSolvent();
    b.advance(TEST_PARAMS.unbondingBlocks + 1);
    expect(b.view('redelegations', [alice])).toEqual([]);
  });

  it('moves between bonded and not bonded totals by the validators status', () => {
    const b = bench();
    applyActiveSet(b.state, [{ operator: opA, power: 10n }]);
    b.send(alice, 'delegate', [opA], 6n * ETH);
    b.send(alice, 'redelegate', [opA, opB, 4n * ETH]);
    expect(b.pool()).toMatchObject({ bonded: 12n * ETH, notBonded: 14n * ETH });
    b.expectSolvent();
  });

  it('settles rewards at both validators', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    b.send(alice, 'delegate', [opB], 10n * ETH);
    reward(b, opA, 1_000n);
    reward(b, opB, 2_000n);
    const before = b.balance(alice);
    const out = b.send(alice, 'redelegate', [opA, opB, ETH]);
    expect(out.events.filter((e) => e.eventName === 'RewardsWithdrawn').map((e) => e.args.amount)).toEqual([
      450n,
      900n,
    ]);
    expect(b.balance(alice)).toBe(before + 1_350n);
    b.expectSolvent();
  });

  it('refuses a chain: what was redelegated into a validator cannot leave it before maturing', () => {
    const b = bench();
    b.createValidator(opC, consensusKey(3), 10n * ETH);
    b.send(alice, 'delegate', [opA], 6n * ETH);
    b.send(alice, 'redelegate', [opA, opB, 2n * ETH]);
    b.fails(
      alice,
      'redelegate',
      [opB, opC, ETH],
      /a redelegation of 0x[0-9a-f]+ into 0x[0-9a-f]+ is still maturing/,
    );
    // Other sources are free, and after maturity the chain is allowed.
    b.send(alice, 'redelegate', [opA, opC, ETH]);
    b.advance(TEST_PARAMS.unbondingBlocks + 1);
    b.send(alice, 'redelegate', [opB, opC, ETH]);
  });

  it('refuses itself, unknown validators, a tombstoned target, no delegation, too much, value, too many entries', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 6n * ETH);
    b.fails(alice, 'redelegate', [opA, opA, ETH], /cannot redelegate from 0x[0-9a-f]+ to itself/);
    b.fails(alice, 'redelegate', [opA, opC, ETH], /no validator with operator/);
    b.fails(alice, 'redelegate', [opC, opA, ETH], /no validator with operator/);
    b.fails(bob, 'redelegate', [opA, opB, ETH], /has no delegation to/);
    b.fails(
      alice,
      'redelegate',
      [opA, opB, 7n * ETH],
      /is worth 6000000000000000000, cannot undelegate 7000000000000000000/,
    );
    b.fails(alice, 'redelegate', [opA, opB, ETH], /redelegate is not payable/, 1n);
    for (let i = 0; i < TEST_PARAMS.maxEntries; i++) b.send(alice, 'redelegate', [opA, opB, ETH]);
    b.fails(
      alice,
      'redelegate',
      [opA, opB, ETH],
      /redelegation from 0x[0-9a-f]+ to 0x[0-9a-f]+ already has 3 maturing entries, the limit is 3/,
    );
    // The limit is per (from, to): another target has room.
    b.createValidator(opC, consensusKey(3), 10n * ETH);
    b.send(alice, 'redelegate', [opA, opC, ETH]);
    tombstoneValidator(b.state, opB);
    b.fails(alice, 'redelegate', [opA, opB, ETH], /is tombstoned/);
  });
});

describe('withdrawRewards', () => {
  it('pays a delegator its rewards, and an operator its commission too', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 30n * ETH);
    reward(b, opA, 10_000n);
    // Commission 1,000; 9,000 over 40 OPEN: alice 6,750, opA 2,250.
    const a0 = b.balance(alice);
    const out = b.send(alice, 'withdrawRewards', [opA]);
    expect(out.events).toEqual([
      {
        eventName: 'RewardsWithdrawn',
        args: { delegator: expect.any(String), validator: expect.any(String), amount: 6_750n },
      },
    ]);
    expect(b.balance(alice)).toBe(a0 + 6_750n);
    const o0 = b.balance(opA);
    const mine = b.send(opA, 'withdrawRewards', [opA]);
    expect(mine.events.map((e) => [e.eventName, e.args.amount])).toEqual([
      ['RewardsWithdrawn', 2_250n],
      ['CommissionWithdrawn', 1_000n],
    ]);
    expect(b.balance(opA)).toBe(o0 + 3_250n);
    expect(b.validator(opA).commission).toBe(0n);
    expect(b.pool()).toMatchObject({ distributed: 10_000n, paid: 10_000n, dust: 0n });
    b.expectSolvent();
    // What each was paid, in total, in rewards and in commission.
    expect([alice, opA].map((a) => b.view('paid', [a]))).toEqual([
      [6_750n, 0n],
      [2_250n, 1_000n],
    ]);
    // Nothing more to take: a withdrawal of zero is allowed, pays nothing, and saves the transfer's
    // gas and the paid total's read and write.
    const zero = b.send(alice, 'withdrawRewards', [opA]);
    expect(b.balance(alice)).toBe(a0 + 6_750n);
    expect(b.view('paid', [alice])).toEqual([6_750n, 0n]);
    expect(out.gasUsed - zero.gasUsed).toBe(3n * (500n + 5_000n));
  });

  it('lets an operator that undelegated its self-bond still withdraw commission', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    reward(b, opA, 1_000n);
    b.send(opA, 'undelegate', [opA, 10n * ETH]);
    const o0 = b.balance(opA);
    const out = b.send(opA, 'withdrawRewards', [opA]);
    expect(out.events).toEqual([
      { eventName: 'CommissionWithdrawn', args: { operator: expect.any(String), amount: 100n } },
    ]);
    expect(b.balance(opA)).toBe(o0 + 100n);
    b.expectSolvent();
  });

  it('refuses no delegation, unknown validator and value', () => {
    const b = bench();
    b.fails(alice, 'withdrawRewards', [opA], /has no delegation to/);
    b.fails(alice, 'withdrawRewards', [opC], /no validator with operator/);
    b.fails(opA, 'withdrawRewards', [opA], /withdrawRewards is not payable/, 1n);
  });
});
