// open_getValidators: every validator that is not removed, the active set first, then by stake, as
// JSON; the same list, in the same order, as the module's `validators` view over eth_call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StakingFixture, startStakingFixture } from './fixture.ts';

describe('open_getValidators', () => {
  let f: StakingFixture;
  beforeAll(async () => {
    f = await startStakingFixture();
  }, 60_000);
  afterAll(() => f?.t.stop());

  it('the genesis validator and the one created by transaction, active ones first', async () => {
    const list = await f.result<{ operator: string; status: string; tokens: string }[]>('open_getValidators');
    expect(list.map((v) => v.operator).sort()).toEqual([f.t.accounts[0]!.address, f.operator].sort());
    const ranks = list.map((v) => (v.status === 'active' ? 0 : 1));
    expect(ranks).toEqual([...ranks].sort());
    // The genesis validator signs every block: it is in the set.
    expect(list.find((v) => v.operator === f.t.accounts[0]!.address)?.status).toBe('active');
  });

  it('agrees with the module view over eth_call, in order', async () => {
    const [json, abi] = await Promise.all([
      f.result<{ operator: string; tokens: string }[]>('open_getValidators'),
      f.viaCall<{ operator: string; tokens: bigint }[]>('validators'),
    ]);
    expect(json.map((v) => [v.operator, BigInt(v.tokens)])).toEqual(
      abi.map((v) => [v.operator.toLowerCase(), v.tokens]),
    );
  });

  it('takes no parameters', async () => {
    expect((await f.call('open_getValidators', [1])).error).toMatchObject({ code: -32602 });
  });
});
