// open_stakingPool: the pool's totals as JSON, equal to the module's `pool` view over eth_call, and
// consistent with the validators and entries: bonded is the active validators' stake, notBonded
// the others' plus what is unbonding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StakingFixture, startStakingFixture } from './fixture.ts';

interface PoolJson {
  bonded: string;
  notBonded: string;
  rewardsPool: string;
  distributed: string;
  paid: string;
  dust: string;
  slashed: string;
  totalPower: string;
}

describe('open_stakingPool', () => {
  let f: StakingFixture;
  beforeAll(async () => {
    f = await startStakingFixture();
  }, 60_000);
  afterAll(() => f?.t.stop());

  it('equals the module view over eth_call', async () => {
    const [json, abi] = await Promise.all([
      f.result<PoolJson>('open_stakingPool'),
      f.viaCall<Record<string, bigint>>('pool'),
    ]);
    expect(Object.keys(json).sort()).toEqual(Object.keys(abi).sort());
    for (const [key, value] of Object.entries(abi))
      expect(BigInt(json[key as keyof PoolJson]), key).toBe(BigInt(value));
  });

  it("bonded is the active stake; notBonded the other stake plus unbonding balances; the power is the set's", async () => {
    const sum = (xs: string[]) => xs.reduce((s, x) => s + BigInt(x), 0n);
    const read = async () => {
      const [pool, validators, delegator] = await Promise.all([
        f.result<PoolJson>('open_stakingPool'),
        f.result<{ status: string; tokens: string; power: string }[]>('open_getValidators'),
        f.result<{ unbondings: { balance: string }[] }>('open_getDelegator', [f.delegator]),
      ]);
      const active = validators.filter((v) => v.status === 'active');
      return {
        pool: { bonded: pool.bonded, notBonded: pool.notBonded, totalPower: pool.totalPower },
        expected: {
          bonded: `0x${sum(active.map((v) => v.tokens)).toString(16)}`,
          notBonded: `0x${(sum(validators.filter((v) => v.status !== 'active').map((v) => v.tokens)) + sum(delegator.unbondings.map((u) => u.balance))).toString(16)}`,
          totalPower: `0x${sum(active.map((v) => v.power)).toString(16)}`,
        },
      };
    };
    // The three reads may straddle a block that changes the set: read again (a bounded number of
    // times) until one set of reads saw one state.
    let seen = await read();
    for (let i = 0; i < 20 && JSON.stringify(seen.pool) !== JSON.stringify(seen.expected); i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await read();
    }
    expect(seen.pool).toEqual(seen.expected);
    expect((await f.result<PoolJson>('open_stakingPool')).slashed).toBe('0x0');
  });

  it('takes no parameters', async () => {
    expect((await f.call('open_stakingPool', [0])).error).toMatchObject({ code: -32602 });
  });
});
