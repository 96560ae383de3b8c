// eth_uninstallFilter: true when it removed a live filter, false otherwise (geth); an uninstalled
// filter can no longer be polled.
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_DEFAULTS } from '../../../rpc/eth/filters.ts';
import { type RpcChain, startRpcChain } from './fixture.ts';

describe('eth_uninstallFilter', () => {
  let fx: RpcChain;
  let now = 0;
  beforeAll(async () => {
    fx = await startRpcChain({ filters: { ...FILTER_DEFAULTS, now: () => now } });
  });
  afterAll(() => fx.stop());

  it('viem uninstallFilter: true once, then false; the filter is gone', async () => {
    const client = fx.publicClient();
    const filter = await client.createBlockFilter();
    expect(await client.uninstallFilter({ filter })).toBe(true);
    expect(await client.uninstallFilter({ filter })).toBe(false);
    expect(await fx.error('eth_getFilterChanges', [filter.id])).toMatchObject({
      code: -32000,
      message: expect.stringContaining('filter not found'),
    });
  });

  it('false for an expired filter and for an id never issued', async () => {
    const id = await fx.call<Hex>('eth_newFilter', [{}]);
    now += FILTER_DEFAULTS.filterTimeoutMs;
    expect(await fx.call('eth_uninstallFilter', [id])).toBe(false);
    expect(await fx.call('eth_uninstallFilter', [`0x${'00'.repeat(16)}`])).toBe(false);
  });

  it('a filter id must be a string', async () => {
    expect(await fx.error('eth_uninstallFilter', [{ id: 1 }])).toEqual({
      code: -32602,
      message: 'invalid argument 0: expected a filter id (hex string)',
    });
  });
});
