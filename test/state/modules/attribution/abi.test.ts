import { readFileSync } from 'node:fs';
import { Abi, AbiFunction } from 'ox';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../../../state/modules/attribution/abi.ts';
import { solidityDeclarations } from '../../../helpers/solidity.ts';

const SOL = new URL('../../../../state/modules/attribution/IAttribution.sol', import.meta.url);

describe('attribution ABI', () => {
  it('is the interface IAttribution.sol declares', () => {
    const declared = solidityDeclarations(SOL);
    expect(Abi.format(attributionAbi)).toEqual(Abi.format(Abi.from(declared)));
  });

  it('has distinct selectors', () => {
    const selectors = attributionAbi
      .filter((i) => i.type === 'function')
      .map((f) => AbiFunction.getSelector(f));
    expect(new Set(selectors).size).toBe(selectors.length);
  });

  it('is served at the address IAttribution.sol publishes to tools', () => {
    const published = /native module \(no EVM\) at (0x[0-9a-f]{40})/.exec(readFileSync(SOL, 'utf8'));
    expect(ATTRIBUTION_ADDRESS).toBe(published?.[1]);
  });
});
