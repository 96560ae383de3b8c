// eth_subscribe / eth_unsubscribe over WebSocket: `newHeads` pushes each committed block's header,
// `logs` each matching log of each committed block; subscriptions end with eth_unsubscribe.
import { createPublicClient, type Hex, webSocket } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../helpers.ts';
import { PING_MODULE, PING_TOPIC, type RpcChain, STRANGER, startRpcChain } from './fixture.ts';

interface Message {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
  params?: { subscription: string; result: Record<string, unknown> };
}

describe('eth_subscribe and eth_unsubscribe', () => {
  let fx: RpcChain;
  const clients: WsClient[] = [];
  let nextId = 1;

  beforeAll(async () => {
    fx = await startRpcChain();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await fx.stop();
  });

  async function connect(): Promise<WsClient> {
    const client = new WsClient(fx.wsUrl);
    clients.push(client);
    await client.opened();
    return client;
  }

  /** Sends a request and returns its response (notifications that arrive first are returned too). */
  async function request(client: WsClient, method: string, params: unknown[] = []): Promise<Message> {
    const id = nextId++;
    client.send({ jsonrpc: '2.0', id, method, params });
    return (await client.next()) as Message;
  }

  /** The block JSON without the fields a header notification does not carry. */
  async function headerOf(number: Hex) {
    const block = await fx.call<Record<string, unknown>>('eth_getBlockByNumber', [number, false]);
    const { transactions, uncles, size, ...header } = block;
    return header;
  }

  it('newHeads: one notification per committed block, equal to the block without its body', async () => {
    const client = await connect();
    const { result: id } = await request(client, 'eth_subscribe', ['newHeads']);
    expect(id).toMatch(/^0x[0-9a-f]{32}$/);

    await fx.produce();
    await fx.send(0, { nonce: 0 });
    await fx.produce();
    const first = (await client.next()) as Message;
    const second = (await client.next()) as Message;
    expect(first).toEqual({
      jsonrpc: '2.0',
      method: 'eth_subscription',
      params: { subscription: id, result: await headerOf('0x1') },
    });
    expect(second.params).toEqual({ subscription: id, result: await headerOf('0x2') });
    expect(second.params!.result['parentHash']).toBe(first.params!.result['hash']);

    // Unsubscribed: true once, then false; no more notifications.
    expect(await request(client, 'eth_unsubscribe', [id])).toMatchObject({ result: true });
    expect(await request(client, 'eth_unsubscribe', [id])).toMatchObject({ result: false });
    await fx.produce();
    expect(await request(client, 'eth_chainId')).toMatchObject({ result: '0x539' });
    expect(client.pending()).toBe(0);
  });

  it('logs: matching logs of each committed block, as eth_getLogs returns them', async () => {
    const client = await connect();
    const { result: all } = await request(client, 'eth_subscribe', ['logs', { address: PING_MODULE }]);
    const { result: none } = await request(client, 'eth_subscribe', [
      'logs',
      { topics: [STRANGER.padEnd(66, '0')] },
    ]);
    const { result: byTopic } = await request(client, 'eth_subscribe', ['logs', { topics: [PING_TOPIC] }]);
    expect(new Set([all, none, byTopic]).size).toBe(3);

    await fx.send(1, { nonce: 0, to: PING_MODULE, data: '0x77', gas: 60_000n });
    const { hash } = await fx.produce();
    const [log] = await fx.call<unknown[]>('eth_getLogs', [{ blockHash: hash }]);
    const received = [(await client.next()) as Message, (await client.next()) as Message];
    expect(received.map((m) => m.params!.subscription).sort()).toEqual([all, byTopic].sort());
    for (const message of received) expect(message.params!.result).toEqual(log);
    expect(await request(client, 'eth_chainId')).toMatchObject({ result: '0x539' });
    expect(client.pending()).toBe(0);
  });

  it('a subscription belongs to its connection: another cannot end it', async () => {
    const owner = await connect();
    const other = await connect();
    const { result: id } = await request(owner, 'eth_subscribe', ['newHeads']);
    expect(await request(other, 'eth_unsubscribe', [id])).toMatchObject({ result: false });
    expect(await request(other, 'eth_unsubscribe', ['0x1234'])).toMatchObject({ result: false });
    await fx.produce();
    expect(((await owner.next()) as Message).params!.subscription).toBe(id);
  });

  it('errors: unsupported kinds, a filter on newHeads, bad filters, and plain HTTP', async () => {
    const client = await connect();
    expect((await request(client, 'eth_subscribe', ['newPendingTransactions'])).error).toEqual({
      code: -32602,
      message: 'invalid argument 0: unsupported subscription: expected "newHeads" or "logs"',
    });
    expect((await request(client, 'eth_subscribe', ['newHeads', { address: PING_MODULE }])).error).toEqual({
      code: -32602,
      message: 'newHeads takes no filter',
    });
    expect((await request(client, 'eth_subscribe', ['logs', { address: '0x12' }])).error).toMatchObject({
      code: -32602,
    });
    expect((await request(client, 'eth_subscribe', [])).error).toMatchObject({ code: -32602 });
    expect((await request(client, 'eth_unsubscribe', [])).error).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_subscribe', ['newHeads'])).toEqual({
      code: -32601,
      message: 'notifications not supported',
    });
    expect(await fx.error('eth_unsubscribe', ['0x1234'])).toEqual({
      code: -32601,
      message: 'notifications not supported',
    });
  });

  it('viem watchBlocks over the webSocket transport', async () => {
    const client = createPublicClient({
      chain: fx.viemChain,
      transport: webSocket(fx.wsUrl, { retryCount: 0 }),
    });
    const seen: { number: bigint; hash: Hex }[] = [];
    const unwatch = client.watchBlocks({
      emitMissed: false,
      onBlock: (block) => seen.push({ number: block.number, hash: block.hash }),
    });
    try {
      // viem subscribes in the background: keep committing blocks until two have arrived.
      await expect
        .poll(
          async () => {
            await fx.produce();
            return seen.length;
          },
          { interval: 20, timeout: 10_000 },
        )
        .toBeGreaterThanOrEqual(2);
      for (const block of seen)
        expect(block.hash).toBe(fx.chain.blocks.getHeader(Number(block.number))!.hash);
      expect(seen[1]!.number).toBe(seen[0]!.number + 1n);
    } finally {
      unwatch();
      (await client.transport.getRpcClient()).close();
    }
  });
});
