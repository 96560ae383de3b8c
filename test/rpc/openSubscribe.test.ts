// open_subscribe / open_unsubscribe over WebSocket: a native module's events pushed as JSON as they
// commit, on a real node with viem sending the transactions. The caps are shared with eth_subscribe.
import { encodeFunctionData, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../state/modules/staking/abi.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { WsClient } from './helpers.ts';

interface Message {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
  params?: { subscription: string; result: Record<string, unknown> };
}

describe('open_subscribe and open_unsubscribe', () => {
  let t: TestNode;
  const clients: WsClient[] = [];
  let nextId = 1;

  beforeAll(async () => {
    t = await startTestNode({ rpc: { wsMaxSubscriptionsPerConnection: 3 } });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.stop();
  });

  async function connect(): Promise<WsClient> {
    const client = new WsClient(t.url.replace('http', 'ws'));
    clients.push(client);
    await client.opened();
    return client;
  }

  /** The response to a request; notifications that arrive first are kept for `notification`. */
  async function request(client: WsClient, method: string, params: unknown[] = []): Promise<Message> {
    const id = nextId++;
    client.send({ jsonrpc: '2.0', id, method, params });
    for (;;) {
      const m = (await client.next()) as Message;
      if (m.id === id) return m;
      early.push(m);
    }
  }
  const early: Message[] = [];
  async function notification(client: WsClient): Promise<Message> {
    return early.shift() ?? ((await client.next()) as Message);
  }

  async function send(from: number, to: `0x${string}`, data: `0x${string}`, value = 0n) {
    const wallet = t.walletClient(from);
    const hash = await wallet.sendTransaction({
      account: wallet.account!,
      chain: t.viemChain,
      to,
      data,
      value,
      gas: 2_000_000n,
    });
    return t.publicClient().waitForTransactionReceipt({ hash });
  }

  it('pushes attribution events decoded, enums by name and addresses lowercase; a filter narrows them', async () => {
    const client = await connect();
    const all = await request(client, 'open_subscribe', ['attribution']);
    const created = await request(client, 'open_subscribe', ['attribution', { events: ['DatanetCreated'] }]);
    expect(all.result).toMatch(/^0x[0-9a-f]{32}$/);
    expect(created.result).toMatch(/^0x[0-9a-f]{32}$/);

    const receipt = await send(
      1,
      ATTRIBUTION_ADDRESS,
      encodeFunctionData({
        abi: attributionAbi,
        functionName: 'createDatanet',
        args: ['papers', 'ipfs://p', 'CC-BY', 1, 5n],
      }),
    );
    const got = [await notification(client), await notification(client)];
    // Both subscriptions receive the one event, each under its own id.
    expect(got.map((m) => m.params!.subscription).sort()).toEqual([all.result, created.result].sort());
    for (const m of got) {
      expect(m.method).toBe('open_subscription');
      expect(m.params!.result).toEqual({
        module: 'attribution',
        event: 'DatanetCreated',
        args: {
          datanetId: '0x1',
          owner: t.accounts[1]!.address,
          policy: 'curated',
          bond: '0x5',
          name: 'papers',
        },
        blockNumber: `0x${receipt.blockNumber.toString(16)}`,
        blockHash: receipt.blockHash,
        transactionHash: receipt.transactionHash,
        logIndex: '0x0',
      });
    }
    expect(t.accounts[1]!.address).toBe(t.accounts[1]!.address.toLowerCase());

    // Unsubscribed, the filtered feed falls silent; the other still receives.
    expect((await request(client, 'open_unsubscribe', [created.result])).result).toBe(true);
    expect((await request(client, 'open_unsubscribe', [created.result])).result).toBe(false);
    await send(
      2,
      ATTRIBUTION_ADDRESS,
      encodeFunctionData({
        abi: attributionAbi,
        functionName: 'createDatanet',
        args: ['more', '', '', 0, 0n],
      }),
    );
    const next = await notification(client);
    expect(next.params).toMatchObject({
      subscription: all.result,
      result: { event: 'DatanetCreated', args: { datanetId: '0x2', policy: 'open' } },
    });
    expect(early).toEqual([]);
    expect(client.pending()).toBe(0);
  });

  it('pushes staking events', async () => {
    const client = await connect();
    const { result: id } = await request(client, 'open_subscribe', ['staking', { events: ['Delegated'] }]);
    const validator = t.accounts[0]!.address; // the genesis validator's operator
    const receipt = await send(
      3,
      STAKING_ADDRESS,
      encodeFunctionData({ abi: stakingAbi, functionName: 'delegate', args: [validator] }),
      parseEther('2'),
    );
    expect(receipt.status).toBe('success');
    const m = await notification(client);
    expect(m.params).toMatchObject({
      subscription: id,
      result: {
        module: 'staking',
        event: 'Delegated',
        args: { delegator: t.accounts[3]!.address, validator, amount: `0x${parseEther('2').toString(16)}` },
        transactionHash: receipt.transactionHash,
      },
    });
  });

  it('refuses unknown modules and events, HTTP, and other connections’ ids; caps count eth_ and open_ together', async () => {
    const client = await connect();
    const unknownModule = await request(client, 'open_subscribe', ['governance']);
    expect(unknownModule.error?.code).toBe(-32602);
    expect(unknownModule.error?.message).toContain('"attribution", "staking"');
    const unknownEvent = await request(client, 'open_subscribe', ['attribution', { events: ['Nope'] }]);
    expect(unknownEvent.error?.code).toBe(-32602);
    expect(unknownEvent.error?.message).toContain('has no event "Nope"; it has DatanetCreated');
    const extraKey = await request(client, 'open_subscribe', ['staking', { events: ['Delegated'], x: 1 }]);
    expect(extraKey.error?.code).toBe(-32602);

    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'open_subscribe', params: ['attribution'] }),
    });
    expect(((await res.json()) as Message).error?.message).toBe('notifications not supported');

    const other = await connect();
    const { result: theirs } = await request(other, 'open_subscribe', ['attribution']);
    expect((await request(client, 'open_unsubscribe', [theirs])).result).toBe(false);
    // An eth_ id is not an open_ id.
    const { result: heads } = await request(client, 'eth_subscribe', ['newHeads']);
    expect((await request(client, 'open_unsubscribe', [heads])).result).toBe(false);

    // Three per connection in all: one newHeads above, two more of either kind, then refused.
    expect((await request(client, 'open_subscribe', ['staking'])).result).toBeDefined();
    expect((await request(client, 'eth_subscribe', ['newHeads'])).result).toBeDefined();
    const over = await request(client, 'open_subscribe', ['attribution']);
    expect(over.error?.message).toContain('too many subscriptions on this connection (max 3)');
    expect((await request(client, 'eth_unsubscribe', [heads])).result).toBe(true);
    expect((await request(client, 'open_subscribe', ['attribution'])).result).toBeDefined();
  });
});
