// txpool_status: how many pooled transactions are pending (executable now) and queued (waiting for
// a lower nonce), as geth and anvil report them.
import { createTestClient, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RpcChain, startRpcChain } from '../eth/fixture.ts';

describe('txpool_status', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
  });
  afterAll(() => fx.stop());

  it('viem getTxpoolStatus counts pending and queued transactions, and follows commits', async () => {
    const client = createTestClient({
      chain: fx.viemChain,
      mode: 'anvil',
      transport: http(fx.url, { retryCount: 0 }),
    });
    expect(await client.getTxpoolStatus()).toEqual({ pending: 0, queued: 0 });
    await fx.send(0, { nonce: 0 });
    await fx.send(0, { nonce: 1 });
    await fx.send(1, { nonce: 1 }); // nonce 0 missing: queued
    expect(await client.getTxpoolStatus()).toEqual({ pending: 2, queued: 1 });
    expect(await fx.call('txpool_status')).toEqual({ pending: '0x2', queued: '0x1' });
    await fx.send(1, { nonce: 0 }); // fills the gap: both of account 1 become pending
    expect(await client.getTxpoolStatus()).toEqual({ pending: 4, queued: 0 });
    await fx.produce();
    expect(await client.getTxpoolStatus()).toEqual({ pending: 0, queued: 0 });
  });

  it('takes no parameters', async () => {
    expect(await fx.error('txpool_status', ['pending'])).toEqual({
      code: -32602,
      message: 'too many arguments, want at most 0',
    });
  });
});
