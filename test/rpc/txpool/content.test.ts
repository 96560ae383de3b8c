// txpool_content: every pooled transaction, split into pending and queued, by checksummed sender
// address then decimal nonce, each in eth_getTransactionByHash's pending form (geth and anvil shape).
import { createTestClient, getAddress, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RpcChain, startRpcChain } from '../eth/fixture.ts';

describe('txpool_content', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain({ server: { maxRequestWork: 3 } });
  });
  afterAll(() => fx.stop());

  it('viem getTxpoolContent: pending and queued by sender and nonce, as eth_getTransactionByHash', async () => {
    const client = createTestClient({
      chain: fx.viemChain,
      mode: 'anvil',
      transport: http(fx.url, { retryCount: 0 }),
    });
    expect(await client.getTxpoolContent()).toEqual({ pending: {}, queued: {} });
    const a0 = [await fx.send(0, { nonce: 0 }), await fx.send(0, { nonce: 1 })];
    const a1 = await fx.send(1, { nonce: 3 }); // nonces 0–2 missing: queued

    const raw = await fx.call<{ pending: Record<string, unknown>; queued: Record<string, unknown> }>(
      'txpool_content',
    );
    const byHash = (h: string) => fx.call('eth_getTransactionByHash', [h]);
    const sender0 = getAddress(fx.accounts[0]!.address);
    const sender1 = getAddress(fx.accounts[1]!.address);
    expect(raw).toEqual({
      pending: { [sender0]: { '0': await byHash(a0[0]!), '1': await byHash(a0[1]!) } },
      queued: { [sender1]: { '3': await byHash(a1) } },
    });
    const viemContent = await client.getTxpoolContent();
    expect(viemContent.pending[sender0]!['1']!.hash).toBe(a0[1]);
    expect(viemContent.queued[sender1]!['3']!.nonce).toBe('0x3'); // viem passes the pool's transactions through unformatted

    await fx.produce();
    expect(await fx.call('txpool_content')).toEqual({
      pending: {},
      queued: { [sender1]: { '3': await byHash(a1) } },
    });
  });

  it('is charged one unit per pooled transaction against the request budget', async () => {
    await fx.send(2, { nonce: 0 });
    await fx.send(2, { nonce: 1 }); // with the queued one above: 3 pooled, the whole budget
    expect(Object.keys((await fx.call<{ pending: object }>('txpool_content')).pending)).toHaveLength(1);
    await fx.send(3, { nonce: 0 });
    expect(await fx.error('txpool_content')).toEqual({
      code: -32000,
      message:
        'request too expensive: txpool_content of 4 transactions is 4 units of work, over the limit of 3 per request; narrow the query',
    });
  });
});
