// A delegator's list of validators (state/modules/staking/store.ts writeDelegation): each validator
// it holds a delegation with, once, in the order it first delegated; a delegation sold in full
// leaves the list and its record is deleted, the others stay.
import { describe, expect, it } from 'vitest';
import { delegatorValidators, readDelegation } from '../../../../state/modules/staking/store.ts';
import { account, consensusKey, ETH, StakingBench } from './helpers.ts';

const [A, B, C] = [1, 2, 3].map(account) as [`0x${string}`, `0x${string}`, `0x${string}`];
const D = account(9);

const listed = (b: StakingBench) =>
  (b.view('delegations', [D]) as { validator: string }[]).map((d) => d.validator.toLowerCase());

describe("a delegator's validators", () => {
  it('lists each validator once, in first-delegation order, and drops one sold in full', () => {
    const b = new StakingBench(undefined, [A, B, C, D]);
    for (const [i, op] of [A, B, C].entries()) b.createValidator(op, consensusKey(i + 1), 10n * ETH);
    b.send(D, 'delegate', [B], 2n * ETH);
    b.send(D, 'delegate', [A], 2n * ETH);
    b.send(D, 'delegate', [B], ETH);
    b.send(D, 'delegate', [C], ETH);
    expect(listed(b)).toEqual([B, A, C]);
    expect(delegatorValidators(b.state, D)).toEqual([B, A, C]);

    // Selling part of a delegation keeps it listed; selling all of it removes it and its record.
    b.send(D, 'undelegate', [B, ETH]);
    expect(listed(b)).toEqual([B, A, C]);
    b.send(D, 'undelegate', [A, 2n * ETH]);
    expect(readDelegation(b.state, D, A)).toBeUndefined();
    expect(listed(b)).toEqual([B, C]);
    b.send(D, 'undelegate', [B, 2n * ETH]);
    b.send(D, 'undelegate', [C, ETH]);
    expect(listed(b)).toEqual([]);
    expect(delegatorValidators(b.state, D)).toEqual([]);
  });
});
