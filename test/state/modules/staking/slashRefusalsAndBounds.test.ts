// The edges of slashing and unjailing: the fraction's accepted range (both ends inclusive), the
// stable code of every refusal, a self-bond exactly at the minimum, a tombstone's record, and a
// redelegation slash too small to take a share (it must not touch the delegation).
import { describe, expect, it } from 'vitest';
import { STAKING_ADDRESS } from '../../../../state/modules/staking/abi.ts';
import { allocateReward } from '../../../../state/modules/staking/rewards.ts';
import {
  jailValidator,
  selfBondOf,
  slashValidator,
  tombstoneValidator,
} from '../../../../state/modules/staking/slashing.ts';
import { account, consensusKey, ETH, StakingBench, TEST_PARAMS } from './helpers.ts';

const [opA, opB, alice] = [1, 2, 10].map(account) as [`0x${string}`, `0x${string}`, `0x${string}`];

function bench() {
  const b = new StakingBench(TEST_PARAMS, [opA, opB, alice]);
  b.createValidator(opA, consensusKey(1), 10n * ETH);
  b.createValidator(opB, consensusKey(2), 10n * ETH);
  return b;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as { code?: string }).code ?? 'no code';
  }
  return 'did not throw';
}

describe('slash fraction', () => {
  it('accepts 0 bps (takes nothing) and 10000 bps (takes everything)', () => {
    const b = bench();
    expect(
      slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: 0, height: 1 }),
    ).toEqual({ unbonding: 0n, redelegated: 0n, bonded: 0n, total: 0n });
    expect(b.validator(opA).tokens).toBe(10n * ETH);
    expect(
      slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps: 10_000, height: 1 }).total,
    ).toBe(10n * ETH);
    expect(b.validator(opA).tokens).toBe(0n);
    b.expectSolvent();
  });

  it('refuses a fraction outside 0..10000 with INVALID_ARGUMENT', () => {
    const b = bench();
    for (const fractionBps of [-1, 10_001])
      expect(
        codeOf(() => slashValidator(b.state, { operator: opA, infractionHeight: 1, fractionBps, height: 1 })),
      ).toBe('INVALID_ARGUMENT');
  });
});

describe('tombstone', () => {
  it('jails for ever: jailed, tombstoned, jailed until the largest height', () => {
    const b = bench();
    jailValidator(b.state, opA, 7);
    tombstoneValidator(b.state, opA);
    expect(b.validator(opA)).toMatchObject({
      jailed: true,
      tombstoned: true,
      jailedUntil: Number.MAX_SAFE_INTEGER,
    });
    expect(b.view('validator', [opA])).toMatchObject({
      status: 3,
      jailedUntil: BigInt(Number.MAX_SAFE_INTEGER),
    });
  });
});

describe('unjail', () => {
  it('gives each refusal its code', () => {
    const b = bench();
    expect(b.codeOf(opA, 'unjail', [])).toBe('NOT_JAILED');
    expect(b.codeOf(alice, 'unjail', [])).toBe('UNKNOWN_VALIDATOR');
    jailValidator(b.state, opA, b.height + 2);
    expect(b.codeOf(opA, 'unjail', [])).toBe('STILL_JAILED');
    expect(b.codeOf(opA, 'unjail', [], 1n)).toBe('UNEXPECTED_VALUE');
    b.advance(2);
    b.send(opA, 'undelegate', [opA, 95n * 10n ** 17n]);
    expect(b.codeOf(opA, 'unjail', [])).toBe('SELF_BOND_TOO_LOW');
    tombstoneValidator(b.state, opB);
    expect(b.codeOf(opB, 'unjail', [])).toBe('VALIDATOR_TOMBSTONED');
  });

  it('accepts a self-bond exactly at the minimum', () => {
    const b = bench();
    b.send(opA, 'undelegate', [opA, 9n * ETH]);
    expect(selfBondOf(b.state, opA)).toBe(TEST_PARAMS.minSelfBond);
    jailValidator(b.state, opA, b.height);
    b.send(opA, 'unjail', []);
    expect(b.validator(opA).jailed).toBe(false);
  });

  it('counts no self-bond as zero once the operator has undelegated everything', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 5n * ETH);
    b.send(opA, 'undelegate', [opA, 10n * ETH]);
    expect(selfBondOf(b.state, opA)).toBe(0n);
    jailValidator(b.state, opA, b.height);
    b.fails(opA, 'unjail', [], /self-bond 0 is below the minimum/);
  });
});

describe('a redelegation slash too small to take a share', () => {
  it('leaves the destination delegation and its pending rewards alone', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    b.send(alice, 'delegate', [opB], 10n * ETH);
    b.send(alice, 'redelegate', [opB, opA, 1n]); // an entry of 1 share at A
    b.fund(STAKING_ADDRESS, 1_000n);
    allocateReward(b.state, opA, 1_000n);
    const aliceBefore = b.balance(alice);
    const pending = b.view('pendingRewards', [alice, opA]) as bigint;
    expect(pending).toBeGreaterThan(0n);
    // 1 bps of a 1-share entry rounds to no share: nothing to take back, so no touch of the delegation.
    const slashed = slashValidator(b.state, {
      operator: opB,
      infractionHeight: b.height,
      fractionBps: 1,
      height: b.height,
    });
    expect(slashed.redelegated).toBe(0n);
    expect(b.view('pendingRewards', [alice, opA])).toBe(pending);
    expect(b.balance(alice)).toBe(aliceBefore);
    b.expectSolvent();
  });
});

describe('which entries a slash takes from', () => {
  it('leaves a redelegation created before the infraction alone', () => {
    const b = bench();
    b.send(alice, 'delegate', [opA], 10n * ETH);
    b.send(alice, 'redelegate', [opA, opB, 5n * ETH]); // height 1
    b.endBlock();
    // Infraction at height 2: A holds 15 OPEN; 10% is 1.5, all of it bonded.
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: 2,
      fractionBps: 1_000,
      height: 2,
    });
    expect(slashed).toEqual({
      unbonding: 0n,
      redelegated: 0n,
      bonded: 15n * 10n ** 17n,
      total: 15n * 10n ** 17n,
    });
    expect(b.view('delegation', [alice, opB])).toMatchObject({ shares: 5n * ETH });
    b.expectSolvent();
  });

  it('takes nothing bonded when the entries already gave more than the stake then', () => {
    const b = bench();
    b.send(opA, 'undelegate', [opA, 4n * ETH]);
    // Power 1 at the infraction: half is 0.5 OPEN, but the 4-OPEN entry gives half of itself, 2 OPEN.
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: b.height,
      fractionBps: 5_000,
      height: b.height,
      infractionPower: 1n,
    });
    expect(slashed).toEqual({ unbonding: 2n * ETH, redelegated: 0n, bonded: 0n, total: 2n * ETH });
    expect(b.validator(opA).tokens).toBe(6n * ETH);
    b.expectSolvent();
  });

  it('skips an unbonding entry whose share of the slash rounds to nothing', () => {
    const b = bench();
    b.send(opA, 'undelegate', [opA, 1n]);
    const slashed = slashValidator(b.state, {
      operator: opA,
      infractionHeight: 1,
      fractionBps: 1,
      height: 1,
    });
    expect(slashed.unbonding).toBe(0n);
    expect((b.view('unbondings', [opA]) as { balance: bigint }[])[0]!.balance).toBe(1n);
    b.expectSolvent();
  });
});
