// The set update of the end-of-block step (state/modules/staking/endBlock/activeSet.ts) on a fresh
// in-memory state: only the top maxValidators candidates are targets, the set that signed is saved
// first, and a change reaches both the consensus set and the validator records.
import { describe, expect, it } from 'vitest';
import { updateValidatorSet } from '../../../../../state/modules/staking/endBlock/activeSet.ts';
import { readSigningSet } from '../../../../../state/modules/staking/endBlock/signingSet.ts';
import { applyActiveSet } from '../../../../../state/modules/staking/index.ts';
import { readValidators, writeValidators } from '../../../../../state/validatorSet.ts';
import { account, consensusKey, ETH, StakingBench, TEST_PARAMS } from '../helpers.ts';

const [A, B, C, D] = [1, 2, 3, 4].map(account) as [
  `0x${string}`,
  `0x${string}`,
  `0x${string}`,
  `0x${string}`,
];

/** A and B (10 OPEN each) in the set, C (5 OPEN) and D (1 OPEN) waiting. */
function bench(maxValidators: number) {
  const params = { ...TEST_PARAMS, maxValidators };
  const b = new StakingBench(params, [A, B, C, D]);
  b.createValidator(A, consensusKey(1), 10n * ETH);
  b.createValidator(B, consensusKey(2), 10n * ETH);
  b.createValidator(C, consensusKey(3), 5n * ETH);
  b.createValidator(D, consensusKey(4), ETH);
  writeValidators(
    b.state,
    applyActiveSet(b.state, [
      { operator: A, power: 10n },
      { operator: B, power: 10n },
    ]),
  );
  return { b, params };
}

const powers = (b: StakingBench) =>
  Object.fromEntries(readValidators(b.state).map((v) => [v.rewardAddress, v.power]));

describe('updateValidatorSet', () => {
  it('keeps the set when it already holds the top maxValidators', () => {
    const { b, params } = bench(2);
    const before = readValidators(b.state);
    updateValidatorSet(b.state, params);
    expect(readValidators(b.state)).toEqual(before);
    expect(b.validator(C)).toMatchObject({ inSet: false, power: 0 });
    expect(readSigningSet(b.state)).toEqual(before);
  });

  it('lets in the next candidate when there is room, and no more than maxValidators', () => {
    const { b, params } = bench(3);
    const before = readValidators(b.state);
    updateValidatorSet(b.state, params);
    // C's 5 is within the block's budget (a third of 20); D is fourth.
    expect(powers(b)).toEqual({ [A]: 10n, [B]: 10n, [C]: 5n });
    expect(b.validator(C)).toMatchObject({ inSet: true, power: 5 });
    expect(b.validator(D)).toMatchObject({ inSet: false, power: 0 });
    expect(b.pool().totalPower).toBe(25);
    // The set that signed this block is the one before the change.
    expect(readSigningSet(b.state)).toEqual(before);
  });
});
