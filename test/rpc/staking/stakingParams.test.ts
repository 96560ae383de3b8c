// open_stakingParams: the staking parameters as JSON, equal to the module's `params` view over
// eth_call and to the genesis that set them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StakingFixture, startStakingFixture } from './fixture.ts';

describe('open_stakingParams', () => {
  let f: StakingFixture;
  beforeAll(async () => {
    f = await startStakingFixture();
  }, 60_000);
  afterAll(() => f?.t.stop());

  it('every parameter, equal to the module view over eth_call', async () => {
    const [json, abi] = await Promise.all([
      f.result<Record<string, unknown>>('open_stakingParams'),
      f.viaCall<Record<string, unknown>>('params'),
    ]);
    expect(Object.keys(json).sort()).toEqual(Object.keys(abi).sort());
    for (const [key, value] of Object.entries(abi)) {
      if (typeof value === 'bigint') expect(BigInt(json[key] as string), key).toBe(value);
      else expect(json[key], key).toEqual(value);
    }
  });

  it('are the parameters the genesis set', async () => {
    const [json, genesis] = await Promise.all([
      f.result<Record<string, unknown>>('open_stakingParams'),
      f.result<{ document: { staking: { params: Record<string, unknown> } } }>('open_genesis'),
    ]);
    const fromGenesis = genesis.document.staking.params;
    expect(Object.keys(json).sort()).toEqual(Object.keys(fromGenesis).sort());
    for (const [key, value] of Object.entries(fromGenesis)) {
      if (typeof json[key] === 'string')
        expect(BigInt(json[key] as string), key).toBe(BigInt(value as string));
      else expect(json[key], key).toEqual(value);
    }
  });

  it('takes no parameters', async () => {
    expect((await f.call('open_stakingParams', ['latest'])).error).toMatchObject({ code: -32602 });
  });
});
