// What genesis validation says about a file it must refuse: every problem, as `path: reason`.
import { expect } from 'vitest';
import { GenesisError, parseGenesis } from '../../genesis/load.ts';

export function genesisProblems(json: unknown): string[] {
  try {
    parseGenesis(json);
  } catch (err) {
    expect(err).toBeInstanceOf(GenesisError);
    return [...(err as GenesisError).problems];
  }
  throw new Error('expected the genesis to be rejected');
}
