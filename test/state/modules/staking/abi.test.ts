import { Abi, AbiFunction } from 'ox';
import { describe, expect, it } from 'vitest';
import { stakingAbi } from '../../../../state/modules/staking/abi.ts';
import { solidityDeclarations } from '../../../helpers/solidity.ts';

describe('staking ABI', () => {
  it('is the interface IStaking.sol declares', () => {
    const declared = solidityDeclarations(
      new URL('../../../../state/modules/staking/IStaking.sol', import.meta.url),
    );
    expect(Abi.format(stakingAbi)).toEqual(Abi.format(Abi.from(declared)));
  });

  it('has distinct selectors', () => {
    const selectors = stakingAbi.filter((i) => i.type === 'function').map((f) => AbiFunction.getSelector(f));
    expect(new Set(selectors).size).toBe(selectors.length);
  });
});
