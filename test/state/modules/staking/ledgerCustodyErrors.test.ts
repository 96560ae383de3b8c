// How the module's custody refuses: a genesis self-bond the allocation cannot cover is a
// StakingError (the genesis reports it as a staking problem), while any other transfer failure
// (a module balance that would overflow 256 bits) passes through as itself; a validator slashed to
// zero tokens refuses delegations with its own code.
import { describe, expect, it } from 'vitest';
import { BalanceOverflowError, MAX_BALANCE } from '../../../../state/accounts.ts';
import { STAKING_ADDRESS } from '../../../../state/modules/staking/abi.ts';
import { StakingError } from '../../../../state/modules/staking/errors.ts';
import { slashValidator } from '../../../../state/modules/staking/slashing.ts';
import { createGenesisValidator } from '../../../../state/modules/staking/validators.ts';
import { account, consensusKey, ETH, StakingBench } from './helpers.ts';

const [op, alice] = [1, 10].map(account) as [`0x${string}`, `0x${string}`];
const genesis = { operator: op, consensusKey: consensusKey(1).publicKey, selfBond: 2n * ETH, moniker: 'g' };

describe('genesis self-bond pay-in', () => {
  it('turns a short allocation into StakingError INSUFFICIENT_BALANCE', () => {
    const b = new StakingBench(undefined, []);
    b.fund(op, ETH);
    let thrown: unknown;
    try {
      createGenesisValidator(b.state, genesis);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StakingError);
    expect(thrown).toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
  });

  it('lets any other transfer failure through unchanged', () => {
    const b = new StakingBench(undefined, [op]);
    b.fund(STAKING_ADDRESS, MAX_BALANCE - ETH);
    expect(() => createGenesisValidator(b.state, genesis)).toThrow(BalanceOverflowError);
  });
});

describe('a validator slashed to zero tokens', () => {
  it('refuses delegations with VALIDATOR_HAS_NO_TOKENS', () => {
    const b = new StakingBench(undefined, [op, alice]);
    b.createValidator(op, consensusKey(1), 10n * ETH);
    slashValidator(b.state, { operator: op, infractionHeight: 1, fractionBps: 10_000, height: 1 });
    expect(b.codeOf(alice, 'delegate', [op], ETH)).toBe('VALIDATOR_HAS_NO_TOKENS');
  });
});
