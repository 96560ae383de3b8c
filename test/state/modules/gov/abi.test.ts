import { Abi, AbiFunction } from 'ox';
import { describe, expect, it } from 'vitest';
import { govAbi } from '../../../../state/modules/gov/abi.ts';
import { solidityDeclarations } from '../../../helpers/solidity.ts';

describe('governance ABI', () => {
  it('is the interface IGov.sol declares', () => {
    const declared = solidityDeclarations(new URL('../../../../state/modules/gov/IGov.sol', import.meta.url));
    expect(Abi.format(govAbi)).toEqual(Abi.format(Abi.from(declared)));
  });

  it('has distinct selectors', () => {
    const selectors = govAbi.filter((i) => i.type === 'function').map((f) => AbiFunction.getSelector(f));
    expect(new Set(selectors).size).toBe(selectors.length);
  });
});
