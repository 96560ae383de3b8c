// Who may enter the set, at the edges: power exactly 1 and a self-bond exactly minSelfBond qualify;
// the order compares tokens first, then operator addresses, and is a total order (0 only for one
// validator compared with itself).
import { describe, expect, it } from 'vitest';
import {
  applyActiveSet,
  byTokensThenOperator,
  validatorCandidates,
} from '../../../../state/modules/staking/activeSet.ts';
import { account, consensusKey, ETH, StakingBench, TEST_PARAMS } from './helpers.ts';

const [opA, opB, opC] = [1, 2, 3].map(account) as [`0x${string}`, `0x${string}`, `0x${string}`];

describe('validatorCandidates at the edges', () => {
  it('admits power exactly 1 with a self-bond exactly at the minimum', () => {
    const b = new StakingBench(TEST_PARAMS, [opA]);
    b.createValidator(opA, consensusKey(1), TEST_PARAMS.minSelfBond);
    expect(validatorCandidates(b.state)).toEqual([
      { operator: opA, consensusKey: consensusKey(1).publicKey, tokens: ETH, power: 1n, currentPower: 0n },
    ]);
  });

  it('leaves out a validator whose tokens are below one unit of power, whatever its self-bond', () => {
    // A minimum self-bond below powerReduction: half an OPEN satisfies it but gives power 0.
    const b = new StakingBench({ ...TEST_PARAMS, minSelfBond: 1n }, [opA, opB]);
    b.createValidator(opA, consensusKey(1), ETH / 2n);
    b.createValidator(opB, consensusKey(2), ETH);
    expect(validatorCandidates(b.state).map((c) => [c.operator, c.power])).toEqual([[opB, 1n]]);
  });

  it('reports the current power of a member', () => {
    const b = new StakingBench(TEST_PARAMS, [opA]);
    b.createValidator(opA, consensusKey(1), 3n * ETH);
    applyActiveSet(b.state, [{ operator: opA, power: 2n }]);
    expect(validatorCandidates(b.state)[0]).toMatchObject({ power: 3n, currentPower: 2n });
  });
});

describe('byTokensThenOperator', () => {
  it('puts more tokens first, then the lower address, and ties only with itself', () => {
    const a = { tokens: 5n, operator: opA };
    const b = { tokens: 5n, operator: opB };
    const c = { tokens: 6n, operator: opC };
    expect(byTokensThenOperator(c, a)).toBe(-1);
    expect(byTokensThenOperator(a, c)).toBe(1);
    expect(byTokensThenOperator(a, b)).toBe(-1);
    expect(byTokensThenOperator(b, a)).toBe(1);
    expect(byTokensThenOperator(a, { ...a })).toBe(0);
    expect([b, c, a].sort(byTokensThenOperator)).toEqual([c, a, b]);
  });
});
