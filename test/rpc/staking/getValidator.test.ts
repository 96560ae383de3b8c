// open_getValidator: one validator by its operator address, as JSON (hex quantities, the status by
// name), equal to the module's `validator` view over eth_call; null for an address that runs none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StakingFixture, startStakingFixture } from './fixture.ts';

const hex = (n: bigint | number) => `0x${n.toString(16)}`;
const STATUS = ['active', 'inactive', 'jailed', 'tombstoned'];

describe('open_getValidator', () => {
  let f: StakingFixture;
  beforeAll(async () => {
    f = await startStakingFixture();
  }, 60_000);
  afterAll(() => f?.t.stop());

  it('a validator created by transaction, with its stake, commission and key', async () => {
    const v = await f.result<Record<string, unknown>>('open_getValidator', [f.operator]);
    expect(v).toMatchObject({
      operator: f.operator,
      consensusAddress: f.consensusAddress,
      tokens: hex(f.selfBond + f.delegated - f.undelegated),
      selfBond: hex(f.selfBond),
      commissionBps: 500,
      maxCommissionBps: 2000,
      maxChangeBps: 100,
      moniker: 'second',
      metadata: 'https://example.org',
    });
    expect(['active', 'inactive']).toContain(v['status']);
  });

  it('agrees with the module view over eth_call, field by field', async () => {
    const [json, abi] = await Promise.all([
      f.result<Record<string, unknown>>('open_getValidator', [f.operator]),
      f.viaCall<Record<string, unknown>>('validator', [f.operator]),
    ]);
    expect(Object.keys(json).sort()).toEqual(Object.keys(abi).sort());
    for (const [key, value] of Object.entries(abi)) {
      if (key === 'status') expect(json[key]).toBe(STATUS[value as number]);
      else if (typeof value === 'bigint') expect(BigInt(json[key] as string), key).toBe(value);
      else if (typeof value === 'string')
        expect((json[key] as string).toLowerCase(), key).toBe(value.toLowerCase());
      else expect(json[key], key).toEqual(value);
    }
  });

  it('null for an address that operates no validator (its delegator, too)', async () => {
    expect(await f.result('open_getValidator', [f.delegator])).toBeNull();
    expect(await f.result('open_getValidator', ['0x000000000000000000000000000000000000dead'])).toBeNull();
  });

  it('refuses a missing or malformed address as invalid params', async () => {
    expect((await f.call('open_getValidator', [])).error).toMatchObject({ code: -32602 });
    expect((await f.call('open_getValidator', ['0x1234'])).error).toMatchObject({ code: -32602 });
    expect((await f.call('open_getValidator', [f.operator, 1])).error).toMatchObject({ code: -32602 });
  });
});
