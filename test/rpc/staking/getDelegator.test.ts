// open_getDelegator: a delegator's delegations (each with its pending rewards), unbonding entries
// and redelegations, as JSON, with the total of its pending rewards; the module's views over
// eth_call say the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StakingFixture, startStakingFixture } from './fixture.ts';

const hex = (n: bigint | number) => `0x${n.toString(16)}`;

interface DelegatorJson {
  address: string;
  pendingRewards: string;
  paid: { rewards: string; commission: string };
  delegations: {
    delegator: string;
    validator: string;
    shares: string;
    tokens: string;
    pendingRewards: string;
  }[];
  unbondings: {
    validator: string;
    creationHeight: string;
    completionHeight: string;
    initialBalance: string;
    balance: string;
  }[];
  redelegations: unknown[];
}

describe('open_getDelegator', () => {
  let f: StakingFixture;
  beforeAll(async () => {
    f = await startStakingFixture();
  }, 60_000);
  afterAll(() => f?.t.stop());

  it('a delegation with what is left bonded, and the unbonding entry of what was undelegated', async () => {
    const d = await f.result<DelegatorJson>('open_getDelegator', [f.delegator]);
    expect(d.address).toBe(f.delegator);
    expect(d.delegations).toHaveLength(1);
    expect(d.delegations[0]).toMatchObject({
      delegator: f.delegator,
      validator: f.operator,
      tokens: hex(f.delegated - f.undelegated),
    });
    expect(d.unbondings).toHaveLength(1);
    expect(d.unbondings[0]).toMatchObject({
      validator: f.operator,
      initialBalance: hex(f.undelegated),
      balance: hex(f.undelegated),
    });
    const params = await f.result<{ unbondingBlocks: string }>('open_stakingParams');
    expect(BigInt(d.unbondings[0]!.completionHeight) - BigInt(d.unbondings[0]!.creationHeight)).toBe(
      BigInt(params.unbondingBlocks),
    );
    expect(d.redelegations).toEqual([]);
    expect(BigInt(d.pendingRewards)).toBe(
      d.delegations.reduce((sum, x) => sum + BigInt(x.pendingRewards), 0n),
    );
  });

  it('agrees with the module views over eth_call', async () => {
    const [json, delegations, unbondings] = await Promise.all([
      f.result<DelegatorJson>('open_getDelegator', [f.delegator]),
      f.viaCall<{ validator: string; shares: bigint; tokens: bigint }[]>('delegations', [f.delegator]),
      f.viaCall<{ validator: string; initialBalance: bigint }[]>('unbondings', [f.delegator]),
    ]);
    expect(json.delegations.map((d) => [d.validator, BigInt(d.shares), BigInt(d.tokens)])).toEqual(
      delegations.map((d) => [d.validator.toLowerCase(), d.shares, d.tokens]),
    );
    expect(json.unbondings.map((u) => [u.validator, BigInt(u.initialBalance)])).toEqual(
      unbondings.map((u) => [u.validator.toLowerCase(), u.initialBalance]),
    );
    const [rewards, commission] = await f.viaCall<[bigint, bigint]>('paid', [f.delegator]);
    expect(json.paid).toEqual({ rewards: hex(rewards), commission: hex(commission) });
  });

  it('an address that never staked: empty lists and nothing pending', async () => {
    const none = '0x000000000000000000000000000000000000dead';
    expect(await f.result('open_getDelegator', [none])).toEqual({
      address: none,
      pendingRewards: '0x0',
      paid: { rewards: '0x0', commission: '0x0' },
      delegations: [],
      unbondings: [],
      redelegations: [],
    });
  });

  it('refuses a missing or malformed address as invalid params', async () => {
    expect((await f.call('open_getDelegator', [])).error).toMatchObject({ code: -32602 });
    expect((await f.call('open_getDelegator', ['alice'])).error).toMatchObject({ code: -32602 });
  });
});
