import { describe, expect, it } from 'vitest';
import { validatorAddress } from '../../../../core/validator.ts';
import { STAKING_ADDRESS } from '../../../../state/modules/staking/abi.ts';
import { applyActiveSet, validatorCandidates } from '../../../../state/modules/staking/activeSet.ts';
import { allocateReward } from '../../../../state/modules/staking/rewards.ts';
import {
  jailValidator,
  slashValidator,
  tombstoneValidator,
} from '../../../../state/modules/staking/slashing.ts';
import { account, consensusKey, ETH, StakingBench, TEST_PARAMS, TREASURY } from './helpers.ts';

const [opA, opB, opC, alice] = [1, 2, 3, 10].map(account) as [
  `0x${string}`,
  `0x${string}`,
  `0x${string}`,
  `0x${string}`,
];

function bench(params = TEST_PARAMS) {
  const b = new StakingBench(params, [opA, opB, opC, alice]);
  b.createValidator(opA, consensusKey(1), 10n * ETH);
  b.createValidator(opB, consensusKey(2), 10n * ETH);
  return b;
}

describe('slashValidator', () => {
  it('takes fraction of the bonded tokens, not shares: every delegator loses in proportion; the tokens are burned', () => {
    const b = bench();
    applyActiveSet(b.state, [{ operator: opA, power: 10n }]);
    b.send(alice, 'delegate', [opA], 30n * ETH);
    const moduleBefore = b.balance(STAKING_ADDRESS);
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: b.height,
      fractionBps: 1_000,
      height: b.height,
    });
    expect(slashed).toEqual({ unbonding: 0n, redelegated: 0n, bonded: 4n * ETH, total: 4n * ETH });
    expect(b.validator(opA)).toMatchObject({ tokens: 36n * ETH, delegatorShares: 40n * ETH });
    expect(b.view('delegation', [alice, opA])).toMatchObject({ shares: 30n * ETH, tokens: 27n * ETH });
    expect(b.view('validator', [opA])).toMatchObject({ selfBond: 9n * ETH });
    expect(b.pool()).toMatchObject({ bonded: 36n * ETH, notBonded: 10n * ETH, slashed: 4n * ETH });
    expect(b.balance(STAKING_ADDRESS)).toBe(moduleBefore - 4n * ETH);
    expect(b.balance(TREASURY)).toBe(0n);
    b.expectSolvent();
  });

  it('sends slashed tokens to the treasury with slashToTreasury', () => {
    const b = bench({ ...TEST_PARAMS, slashToTreasury: true });
    slashValidator(b.state, { operator: opB, infractionHeight: 1, fractionBps: 2_500, height: 1 });
    expect(b.balance(TREASURY)).toBe(25n * 10n ** 17n);
    expect(b.pool().notBonded).toBe(175n * 10n ** 17n);
    b.expectSolvent();
  });

  it('slashes the stake at the infraction height when its power is given', () => {
    const b = bench();
    b.send(opA, 'undelegate', [opA, 4n * ETH]);
    // At the infraction A had power 10 (10 OPEN); half of that is 5 OPEN, though it holds 6 bonded
    // now and the 4 unbonding were created at the infraction height: 2 from the entry, 3 bonded.
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: b.height,
      fractionBps: 5_000,
      height: b.height,
      infractionPower: 10n,
    });
    expect(slashed).toEqual({ unbonding: 2n * ETH, redelegated: 0n, bonded: 3n * ETH, total: 5n * ETH });
    expect(b.validator(opA).tokens).toBe(3n * ETH);
    b.expectSolvent();
  });

  it('never takes more bonded tokens than the validator has', () => {
    const b = bench();
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: 1,
      fractionBps: 5_000,
      height: 1,
      infractionPower: 100n,
    });
    expect(slashed.total).toBe(10n * ETH);
    expect(b.validator(opA).tokens).toBe(0n);
    b.expectSolvent();
  });

  it('slashes unbonding entries created at or after the infraction by fraction of their initial balance, not earlier ones', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 30n * ETH);
    b.send(alice, 'undelegate', [opA, 10n * ETH]); // height 1: before the infraction
    b.endBlock();
    b.endBlock();
    const infraction = b.height; // 3
    b.send(alice, 'undelegate', [opA, 10n * ETH]); // at the infraction height: slashable
    b.endBlock();
    b.send(alice, 'undelegate', [opA, 4n * ETH]); // after it: slashable
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: infraction,
      fractionBps: 1_000,
      height: b.height,
    });
    // stake now 16 OPEN: 1.6 OPEN in all; 1 from the first slashable entry, 0.4 from the second, 0.2 bonded.
    expect(slashed).toEqual({
      unbonding: 14n * 10n ** 17n,
      redelegated: 0n,
      bonded: 2n * 10n ** 17n,
      total: 16n * 10n ** 17n,
    });
    const balances = (b.view('unbondings', [alice]) as { balance: bigint; creationHeight: bigint }[]).map(
      (u) => [u.creationHeight, u.balance],
    );
    expect(balances).toEqual([
      [1n, 10n * ETH],
      [3n, 9n * ETH],
      [4n, 36n * 10n ** 17n],
    ]);
    b.expectSolvent();
    // The delegator receives the slashed balance at completion.
    const before = b.balance(alice);
    b.advance(TEST_PARAMS.unbondingBlocks + 1);
    expect(b.balance(alice)).toBe(before + 10n * ETH + 9n * ETH + 36n * 10n ** 17n);
    // Left not bonded: B's 10 and A's 15.8 (neither is in the set).
    expect(b.pool().notBonded).toBe(258n * 10n ** 17n);
    b.expectSolvent();
  });

  it('caps an entry slash at its balance (slashed twice)', () => {
    const b = bench();
    b.send(opA, 'undelegate', [opA, 4n * ETH]);
    slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: 7_000, height: 1 });
    const second = slashValidator(b.state, {
      operator: opA,
      infractionHeight: 1,
      fractionBps: 7_000,
      height: 1,
    });
    // First: 4.2 OPEN of 6 bonded... the entry gives 2.8, bonded 1.4. Second: entry holds 1.2 of the 2.8 asked.
    expect(second.unbonding).toBe(12n * 10n ** 17n);
    expect((b.view('unbondings', [opA]) as { balance: bigint }[])[0]!.balance).toBe(0n);
    b.expectSolvent();
  });

  it('slashes redelegations away from the validator by taking shares back at their destination', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    b.send(alice, 'redelegate', [opA, opB, 10n * ETH]);
    allocateReward(b.state, opB, 0n);
    b.fund(STAKING_ADDRESS, 1_000n);
    allocateReward(b.state, opB, 1_000n);
    const aliceBefore = b.balance(alice);
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: b.height,
      fractionBps: 1_000,
      height: b.height,
    });
    // A held 10 OPEN then... now 10 OPEN (alice left): 1 OPEN, all of it from the redelegation.
    expect(slashed).toEqual({ unbonding: 0n, redelegated: ETH, bonded: 0n, total: ETH });
    expect(b.validator(opA).tokens).toBe(10n * ETH);
    expect(b.validator(opB)).toMatchObject({ tokens: 19n * ETH, delegatorShares: 19n * ETH });
    expect(b.view('delegation', [alice, opB])).toMatchObject({
      shares: 9n * ETH,
      tokens: 9n * ETH,
      pendingRewards: 0n,
    });
    // Taking shares settled alice's rewards at B first: 900 after commission, half of it hers.
    expect(b.balance(alice)).toBe(aliceBefore + 450n);
    b.expectSolvent();
  });

  it('caps a redelegation slash at the shares still delegated at the destination, and skips earlier redelegations', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    b.send(alice, 'redelegate', [opA, opB, 5n * ETH]); // height 1: before the infraction
    b.endBlock();
    b.send(alice, 'redelegate', [opA, opB, 5n * ETH]); // height 2
    b.send(alice, 'undelegate', [opB, 95n * 10n ** 17n]);
    // alice holds 0.5 OPEN of shares at B; the slash asks 50% of 5 = 2.5 from the height-2 entry.
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: 2,
      fractionBps: 5_000,
      height: 2,
    });
    expect(slashed.redelegated).toBe(5n * 10n ** 17n);
    expect(b.view('delegations', [alice])).toEqual([]);
    // Rest from A's bonded tokens: 50% of 10 = 5, minus 0.5 = 4.5.
    expect(slashed.bonded).toBe(45n * 10n ** 17n);
    b.expectSolvent();
  });

  it('skips a redelegation whose destination delegation is gone', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    b.send(alice, 'redelegate', [opA, opB, 10n * ETH]);
    b.send(alice, 'undelegate', [opB, 10n * ETH]);
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: 1,
      fractionBps: 1_000,
      height: 1,
    });
    expect(slashed).toEqual({ unbonding: 0n, redelegated: 0n, bonded: ETH, total: ETH });
  });

  it('leaves rewards per share alone: pending rewards survive a slash', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    b.fund(STAKING_ADDRESS, 1_000n);
    allocateReward(b.state, opA, 1_000n);
    slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: 5_000, height: 1 });
    expect(b.view('pendingRewards', [alice, opA])).toBe(450n);
    b.expectSolvent();
  });

  it('refuses a fraction outside 0..10000 and an unknown validator', () => {
    const b = bench();
    expect(() =>
      slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: 10_001, height: 1 }),
    ).toThrow(/slash fraction 10001 bps is outside 0..10000/);
    expect(() =>
      slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: -1, height: 1 }),
    ).toThrow(/outside/);
    expect(() =>
      slashValidator(b.state, { operator: opC, infractionHeight: 1, fractionBps: 1, height: 1 }),
    ).toThrow(/no validator with operator/);
  });
});

describe('jail, tombstone and unjail', () => {
  it('jails until a height; unjail works from that height on', () => {
    const b = bench();
    jailValidator(b.state, opA, b.height + 3);
    expect(b.view('validator', [opA])).toMatchObject({ status: 2, jailedUntil: BigInt(b.height + 3) });
    b.advance(2);
    b.fails(opA, 'unjail', [], /jailed until height 4; this is height 3/);
    b.endBlock();
    const out = b.send(opA, 'unjail', []);
    expect(out.events).toEqual([{ eventName: 'Unjailed', args: { operator: expect.any(String) } }]);
    expect(b.view('validator', [opA])).toMatchObject({ status: 1 });
    b.fails(opA, 'unjail', [], /is not jailed/);
  });

  it('keeps the later of two jail terms', () => {
    const b = bench();
    jailValidator(b.state, opA, 50);
    jailValidator(b.state, opA, 10);
    expect(b.validator(opA).jailedUntil).toBe(50);
  });

  it('refuses unjail for a tombstoned validator, a self-bond below the minimum, a non-operator, and value', () => {
    const b = bench();
    tombstoneValidator(b.state, opB);
    expect(b.view('validator', [opB])).toMatchObject({ status: 3 });
    b.fails(opB, 'unjail', [], /is tombstoned for ever/);
    b.send(opA, 'undelegate', [opA, 95n * 10n ** 17n]);
    jailValidator(b.state, opA, 0);
    b.fails(opA, 'unjail', [], /self-bond 500000000000000000 is below the minimum 1000000000000000000/);
    b.fails(alice, 'unjail', [], /no validator with operator/);
    b.send(opA, 'delegate', [opA], ETH);
    b.fails(opA, 'unjail', [], /unjail is not payable/, 1n);
    b.send(opA, 'unjail', []);
  });
});

describe('active set', () => {
  it('lists candidates by tokens then operator, without jailed, tombstoned, low self-bond or no power', () => {
    const b = bench();
    b.createValidator(opC, consensusKey(3), 10n * ETH);
    const d = account(4);
    b.fund(d, 100n * ETH);
    b.createValidator(d, consensusKey(4), 12n * ETH);
    expect(validatorCandidates(b.state).map((c) => c.operator)).toEqual([d, opA, opB, opC]);
    expect(validatorCandidates(b.state)[0]).toMatchObject({
      tokens: 12n * ETH,
      power: 12n,
      currentPower: 0n,
    });
    jailValidator(b.state, opA, 10);
    tombstoneValidator(b.state, opB);
    b.send(opC, 'undelegate', [opC, 95n * 10n ** 17n]);
    b.send(alice, 'delegate', [opC], 20n * ETH);
    // opC has 20.5 OPEN of tokens but 0.5 of self-bond.
    expect(validatorCandidates(b.state).map((c) => c.operator)).toEqual([d]);
    slashValidator(b.state, { operator: d, infractionHeight: 1, fractionBps: 9_999, height: 1 });
    expect(validatorCandidates(b.state)).toEqual([]);
  });

  it('applies a set: members bonded with their power, leavers unbonded; returns it for consensus', () => {
    const b = bench();
    b.createValidator(opC, consensusKey(3), 10n * ETH);
    const set = applyActiveSet(b.state, [
      { operator: opA, power: 10n },
      { operator: opB, power: 10n },
    ]);
    expect(set).toEqual([
      {
        address: validatorAddress(consensusKey(1).publicKey),
        pubKey: consensusKey(1).publicKey,
        power: 10n,
        rewardAddress: opA,
      },
      {
        address: validatorAddress(consensusKey(2).publicKey),
        pubKey: consensusKey(2).publicKey,
        power: 10n,
        rewardAddress: opB,
      },
    ]);
    expect(b.pool()).toMatchObject({ bonded: 20n * ETH, notBonded: 10n * ETH, totalPower: 20 });
    expect(b.view('validator', [opA])).toMatchObject({ status: 0, power: 10n });
    expect((b.view('validators') as { operator: string }[]).map((v) => v.operator.toLowerCase())).toEqual([
      opA,
      opB,
      opC,
    ]);
    applyActiveSet(b.state, [
      { operator: opC, power: 10n },
      { operator: opB, power: 9n },
    ]);
    expect(b.pool()).toMatchObject({ bonded: 20n * ETH, notBonded: 10n * ETH, totalPower: 19 });
    expect(b.validator(opA)).toMatchObject({ inSet: false, power: 0 });
    expect(b.validator(opB)).toMatchObject({ inSet: true, power: 9 });
    expect((b.view('validators') as { operator: string }[]).map((v) => v.operator.toLowerCase())).toEqual([
      opB,
      opC,
      opA,
    ]);
    b.expectSolvent();
  });

  it('refuses a set with an unknown validator, a duplicate or no power, changing nothing', () => {
    const b = bench();
    const before = b.state.changes();
    expect(() => applyActiveSet(b.state, [{ operator: opC, power: 1n }])).toThrow(
      /no validator with operator/,
    );
    expect(() =>
      applyActiveSet(b.state, [
        { operator: opA, power: 1n },
        { operator: opA, power: 1n },
      ]),
    ).toThrow(/listed twice/);
    expect(() => applyActiveSet(b.state, [{ operator: opA, power: 0n }])).toThrow(/with power 0/);
    expect(b.state.changes()).toEqual(before);
  });
});
