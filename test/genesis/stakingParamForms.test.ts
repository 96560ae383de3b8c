// The forms genesis admits for each kind of staking parameter (genesis/staking.ts): bigints as
// canonical decimal strings within their declared bounds, numbers as integers within theirs,
// booleans as booleans, and the rewards pool as a decimal string of at most 2^256 - 1.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GenesisError, parseGenesis } from '../../genesis/load.ts';

type Doc = { staking: { params: Record<string, unknown>; rewardsPool: unknown } };
const vector = JSON.parse(readFileSync(new URL('./vectors/genesis.json', import.meta.url), 'utf8'))
  .genesis as Doc;
const MAX_U256 = 2n ** 256n - 1n;

/** The problems of the vector with `change` applied; [] when it is admitted. */
function problems(change: (g: Doc) => void): string[] {
  const g = structuredClone(vector);
  change(g);
  try {
    parseGenesis(g);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(GenesisError);
    return [...(err as GenesisError).problems];
  }
}

// The problems a value raises about its own field; others (a powerReduction that makes a genesis
// self-bond exceed its allocation, a pool that overflows the supply) are other tests' concern.
const param = (name: string, value: unknown) =>
  problems((g) => (g.staking.params[name] = value)).filter((p) =>
    p.startsWith(`genesis.staking.params.${name}:`),
  );

describe('genesis staking parameter forms', () => {
  it('takes a bigint only as a decimal string without sign, spaces or leading zeros', () => {
    const form =
      'genesis.staking.params.blockReward: expected blockReward as a decimal integer string without sign, spaces or leading zeros';
    for (const bad of ['01', '-1', '+1', ' 1', '1 ', '1.0', '1e3', '0x10', ''])
      expect(param('blockReward', bad), bad).toEqual([form]);
    expect(param('blockReward', 1)).toEqual([
      'genesis.staking.params.blockReward: expected blockReward as a decimal string, e.g. "1000"',
    ]);
    expect(param('blockReward', '0')).toEqual([]);
    expect(param('blockReward', '1234567890123456789012345')).toEqual([]);
  });

  it("holds a bigint to its parameter's declared bounds, both ends included", () => {
    const range = `genesis.staking.params.powerReduction: powerReduction must be between 1 and ${10n ** 36n}`;
    expect(param('powerReduction', '0')).toEqual([range]);
    expect(param('powerReduction', (10n ** 36n + 1n).toString())).toEqual([range]);
    expect(param('powerReduction', '1')).toEqual([]);
    expect(param('powerReduction', (10n ** 36n).toString())).toEqual([]);
  });

  it("takes a number only as an integer within its parameter's declared bounds", () => {
    expect(param('maxEntries', 1.5)).toEqual(['genesis.staking.params.maxEntries: expected an integer']);
    expect(param('maxEntries', '5')).toEqual([
      expect.stringMatching(/^genesis\.staking\.params\.maxEntries: .*number/),
    ]);
    expect(param('maxEntries', 0)).toEqual([
      expect.stringMatching(/^genesis\.staking\.params\.maxEntries: maxEntries is 0, below its minimum 1$/),
    ]);
    expect(param('maxEntries', 101)).toEqual([
      expect.stringMatching(
        /^genesis\.staking\.params\.maxEntries: maxEntries is 101, above its maximum 100$/,
      ),
    ]);
    expect(param('maxEntries', 1)).toEqual([]);
    expect(param('maxEntries', 100)).toEqual([]);
    // A lower bound of 0 admits 0 and refuses -1.
    expect(param('minSignedPerWindowBps', 0)).toEqual([]);
    expect(param('minSignedPerWindowBps', -1)).toEqual([
      expect.stringMatching(
        /^genesis\.staking\.params\.minSignedPerWindowBps: minSignedPerWindowBps is -1, below its minimum 0$/,
      ),
    ]);
  });

  it('takes the rewards pool as a decimal string up to 2^256 - 1', () => {
    const pool = (v: unknown) =>
      problems((g) => (g.staking.rewardsPool = v)).filter((p) =>
        p.startsWith('genesis.staking.rewardsPool:'),
      );
    expect(pool('0')).toEqual([]);
    expect(pool(MAX_U256.toString())).toEqual([]);
    expect(pool((MAX_U256 + 1n).toString())).toEqual([
      `genesis.staking.rewardsPool: rewardsPool must be between 0 and ${MAX_U256}`,
    ]);
    expect(pool('007')).toEqual([
      'genesis.staking.rewardsPool: expected rewardsPool as a decimal integer string without sign, spaces or leading zeros',
    ]);
  });
});
