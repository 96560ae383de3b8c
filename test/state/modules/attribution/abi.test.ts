import { Abi, AbiFunction } from 'ox';
import { describe, expect, it } from 'vitest';
import { attributionAbi } from '../../../../state/modules/attribution/abi.ts';
import { solidityDeclarations } from '../../../helpers/solidity.ts';

describe('attribution ABI', () => {
  it('is the interface IAttribution.sol declares', () => {
    const declared = solidityDeclarations(
      new URL('../../../../state/modules/attribution/IAttribution.sol', import.meta.url),
    );
    expect(Abi.format(attributionAbi)).toEqual(Abi.format(Abi.from(declared)));
  });

  it('has distinct selectors', () => {
    const selectors = attributionAbi
      .filter((i) => i.type === 'function')
      .map((f) => AbiFunction.getSelector(f));
    expect(new Set(selectors).size).toBe(selectors.length);
  });
});
