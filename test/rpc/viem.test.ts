// Standard clients against the server: viem over HTTP (single and batched) and WebSocket.
import { createPublicClient, http, webSocket } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startServer } from './helpers.ts';

let fx: Fixture;

beforeAll(async () => {
  fx = await startServer();
});
afterAll(() => fx.server.stop());

describe('viem', () => {
  it('getChainId over http', async () => {
    const client = createPublicClient({ transport: http(fx.url, { retryCount: 0 }) });
    expect(await client.getChainId()).toBe(1337);
  });

  it('batched http requests and a validated block tag', async () => {
    const client = createPublicClient({ transport: http(fx.url, { batch: true, retryCount: 0 }) });
    const [chainId, balance] = await Promise.all([
      client.getChainId(),
      client.getBalance({ address: '0x70997970C51812dc3A010C7d01b50e20d17dc79C', blockNumber: 42n }),
    ]);
    expect(chainId).toBe(1337);
    expect(balance).toBe(42n);
  });

  it('surfaces -32602 as an invalid-params error', async () => {
    const client = createPublicClient({ transport: http(fx.url, { retryCount: 0 }) });
    await expect(
      client.request({ method: 'eth_getBalance', params: ['0x12', 'latest'] } as never),
    ).rejects.toMatchObject({ code: -32602, details: expect.stringContaining('invalid argument 0') });
  });

  it('getChainId and newHeads subscription over webSocket', async () => {
    const transport = webSocket(fx.wsUrl, { retryCount: 0 });
    const client = createPublicClient({ transport });
    expect(await client.getChainId()).toBe(1337);

    const seen: bigint[] = [];
    const unwatch = client.watchBlockNumber({ onBlockNumber: (n) => seen.push(n), emitMissed: false });
    await expect.poll(() => fx.eth.heads.size).toBe(1);
    fx.eth.publishHead(5);
    fx.eth.publishHead(6);
    await expect.poll(() => seen).toEqual([5n, 6n]);
    unwatch();
    await expect.poll(() => fx.eth.heads.size).toBe(0);
    (await client.transport.getRpcClient()).close();
  });
});
