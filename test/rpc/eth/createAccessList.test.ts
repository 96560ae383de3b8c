// eth_createAccessList: modules keep no EVM storage, so the list is always empty; gasUsed is what the
// call uses (equal to eth_estimateGas); a failing call is reported in `error`, as geth does, and the
// checks eth_estimateGas makes before running give the same RPC errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex, PING_FAIL, PING_GAS, PING_MODULE, type RpcChain, STRANGER, startRpcChain } from './fixture.ts';

describe('eth_createAccessList', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
  });
  afterAll(() => fx.stop());

  it('viem createAccessList: an empty list and the gas of a transfer and of a module call', async () => {
    const client = fx.publicClient();
    const from = fx.accounts[0]!.address;
    expect(await client.createAccessList({ account: from, to: STRANGER, value: 1n })).toEqual({
      accessList: [],
      gasUsed: 21_000n,
    });
    const call = { account: from, to: PING_MODULE, data: '0xc0ffee' } as const;
    const { accessList, gasUsed } = await client.createAccessList(call);
    expect(accessList).toEqual([]);
    expect(gasUsed).toBe(await client.estimateGas(call));
    expect(gasUsed).toBeGreaterThan(21_000n + PING_GAS - 1n);
  });

  it('a failing call: gasUsed with the reason in `error`, not an RPC error', async () => {
    const result = await fx.call<Record<string, unknown>>('eth_createAccessList', [
      { from: fx.accounts[0]!.address, to: PING_MODULE, data: PING_FAIL },
    ]);
    expect(result).toEqual({
      accessList: [],
      gasUsed: expect.stringMatching(/^0x[0-9a-f]+$/),
      error: 'PING_FAILED: ping refused: dead calldata',
    });
  });

  it('the checks before execution are RPC errors, as for eth_estimateGas', async () => {
    const poor = '0x7777777777777777777777777777777777777777';
    expect(await fx.error('eth_createAccessList', [{ from: poor, to: STRANGER, value: hex(5n) }])).toEqual({
      code: -32000,
      message: `insufficient funds for transfer: address ${poor} have 0 want 5`,
    });
    expect(await fx.error('eth_createAccessList', [{ to: STRANGER, data: '0x01' }])).toMatchObject({
      code: -32000,
      message: expect.stringContaining('which is not a module address'),
    });
    expect(await fx.error('eth_createAccessList', [{ data: '0x01' }])).toEqual({
      code: -32000,
      message: 'contract creation is not supported: this chain has no EVM',
    });
    expect(await fx.error('eth_createAccessList', [{ to: STRANGER }, '0x1'])).toMatchObject({
      code: -32000,
    });
    expect(await fx.error('eth_createAccessList', ['0x01'])).toEqual({
      code: -32602,
      message: 'invalid argument 0: expected a transaction call object, got "0x01"',
    });
  });
});
