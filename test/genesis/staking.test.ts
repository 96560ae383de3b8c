// The genesis file's staking section and genesis stake (genesis/staking.ts, genesis/schema.ts,
// genesis/build.ts): parameters within the module's declared bounds, the evidence age tied to the
// unbonding time, validators' self-bonds taken from their operators' allocations, the rewards pool.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../core/address.ts';
import { buildGenesisBlock } from '../../genesis/build.ts';
import { parseGenesis } from '../../genesis/load.ts';
import { readAccount } from '../../state/accounts.ts';
import {
  readPool,
  readValidator,
  STAKING_ADDRESS,
  stakingParams,
} from '../../state/modules/staking/index.ts';
import { StateOverlay } from '../../state/stateDb.ts';
import { readValidators } from '../../state/validatorSet.ts';
import { genesisProblems } from './problems.ts';

type Doc = {
  params: Record<string, unknown>;
  alloc: { address: string; balance: string }[];
  validators: { power: string; rewardAddress: string }[];
  staking: { params: Record<string, unknown>; rewardsPool: string };
};
const vector = JSON.parse(readFileSync(new URL('./vectors/genesis.json', import.meta.url), 'utf8'))
  .genesis as Doc;
const ALPHA = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc' as Address;
const BETA = '0x90f79bf6eb2c4f870365e785982e1f101e93b906' as Address;
const OPEN = 10n ** 18n;

const edit = (change: (g: Doc) => void): Doc => {
  const g = structuredClone(vector);
  change(g);
  return g;
};

describe('genesis staking section', () => {
  it('admits every parameter within its declared bounds and refuses one outside, naming it', () => {
    expect(genesisProblems(edit((g) => (g.staking.params.maxPowerChangeBps = 3_334)))).toEqual([
      expect.stringMatching(/^genesis\.staking\.params\.maxPowerChangeBps: .*3333/),
    ]);
    expect(genesisProblems(edit((g) => (g.staking.params.powerReduction = '0')))).toEqual([
      expect.stringMatching(
        /^genesis\.staking\.params\.powerReduction: powerReduction must be between 1 and /,
      ),
    ]);
    expect(genesisProblems(edit((g) => (g.staking.params.blockReward = 5)))).toEqual([
      expect.stringMatching(
        /^genesis\.staking\.params\.blockReward: expected blockReward as a decimal string/,
      ),
    ]);
    expect(genesisProblems(edit((g) => (g.staking.params.slashToTreasury = 'no')))).toEqual([
      expect.stringMatching(/^genesis\.staking\.params\.slashToTreasury: .*boolean/),
    ]);
    expect(genesisProblems(edit((g) => (g.staking.params.extra = 1)))).toEqual([
      expect.stringMatching(/^genesis\.staking\.params: Unrecognized key: "extra"/),
    ]);
    expect(genesisProblems(edit((g) => delete (g as Partial<Doc>).staking))).toEqual([
      expect.stringMatching(/^genesis\.staking: /),
    ]);
    // Every declared parameter is in the file's schema, and nothing else.
    expect(Object.keys(vector.staking.params).sort()).toEqual(Object.keys(stakingParams.params).sort());
  });

  it('refuses evidence that outlives the unbonding period', () => {
    expect(genesisProblems(edit((g) => (g.staking.params.unbondingBlocks = 9_999)))).toEqual([
      expect.stringMatching(
        /^genesis\.params\.evidenceMaxAgeBlocks: staking\.unbondingBlocks \(9999\) must be at least chain\.evidenceMaxAgeBlocks \(10000\): an offender could escape slashing/,
      ),
    ]);
    expect(() => parseGenesis(edit((g) => (g.staking.params.unbondingBlocks = 10_000)))).not.toThrow();
  });

  it("refuses a validator whose operator's allocation cannot cover its self-bond", () => {
    const found = genesisProblems(edit((g) => (g.alloc[2]!.balance = (10n * OPEN - 1n).toString())));
    expect(found).toEqual([
      `genesis.validators[0].rewardAddress: its operator ${ALPHA} is allocated ${10n * OPEN - 1n}, less than the self-bond ${10n * OPEN} (power 10 × powerReduction ${OPEN}) taken from it`,
    ]);
    const unfunded = genesisProblems(edit((g) => g.alloc.splice(3, 1)));
    expect(unfunded).toEqual([
      expect.stringMatching(/^genesis\.validators\[1\]\.rewardAddress: its operator .* is allocated 0,/),
    ]);
  });

  it('refuses a self-bond below minSelfBond, two validators of one operator, more validators than the set holds', () => {
    expect(
      genesisProblems(edit((g) => (g.staking.params.minSelfBond = (10n * OPEN + 1n).toString()))),
    ).toEqual([
      expect.stringMatching(
        /^genesis\.validators\[0\]\.power: a self-bond of 10000000000000000000 .* below staking\.params\.minSelfBond/,
      ),
    ]);
    expect(genesisProblems(edit((g) => (g.validators[1]!.rewardAddress = ALPHA)))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^genesis\.validators\[1\]\.rewardAddress: same rewardAddress/),
      ]),
    );
    expect(genesisProblems(edit((g) => (g.staking.params.maxValidators = 1)))).toEqual([
      'genesis.validators: 2 validators, above staking.params.maxValidators (1)',
    ]);
  });

  it('refuses a validator name longer than a moniker may be in UTF-8 bytes', () => {
    const named = (name: string) =>
      edit((g) => ((g.validators[0] as unknown as { name: string }).name = name));
    expect(() => parseGenesis(named('é'.repeat(35)))).not.toThrow();
    expect(genesisProblems(named('é'.repeat(36)))).toEqual([
      "genesis.validators[0].name: at most 70 bytes of UTF-8 (the validator's moniker)",
    ]);
  });

  it('moves each self-bond from its operator into the module, with the rewards pool, and starts the set', async () => {
    const block = await buildGenesisBlock(parseGenesis(vector));
    const state = new StateOverlay({ get: () => undefined });
    for (const c of block.changes) state.set(c.key, c.value);
    expect(readAccount(state, ALPHA).balance).toBe(0n);
    expect(readAccount(state, BETA).balance).toBe(5n * OPEN);
    expect(readAccount(state, STAKING_ADDRESS).balance).toBe(30n * OPEN + 1_000n * OPEN);
    const pool = readPool(state);
    expect([pool.bonded, pool.notBonded, pool.rewardsPool, pool.totalPower]).toEqual([
      30n * OPEN,
      0n,
      1_000n * OPEN,
      30,
    ]);
    expect(readValidator(state, BETA)).toMatchObject({
      tokens: 20n * OPEN,
      inSet: true,
      power: 20,
      jailed: false,
    });
    expect(readValidators(state).map((v) => [v.rewardAddress, v.power])).toEqual(
      expect.arrayContaining([
        [ALPHA, 10n],
        [BETA, 20n],
      ]),
    );
    expect(block.validators.map((v) => v.power).sort()).toEqual([10n, 20n]);
  });
});
