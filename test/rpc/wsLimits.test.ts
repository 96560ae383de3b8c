// WebSocket limits with real `ws` clients: connection caps (total and per IP: clients bind 127.0.0.2
// and 127.0.0.3 to be other addresses), a slow reader dropped with close code 1008, messages in
// progress per connection, subscription caps per connection and per IP, and a new block's header
// serialized once for all its subscriptions.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Header } from '../../core/block.ts';
import { BLOOM_BYTES } from '../../core/bloom.ts';
import { subscriptionMethods } from '../../rpc/eth/subscribe.ts';
import { method, Registry, type RpcModule } from '../../rpc/registry.ts';
import { RpcServer, type RpcServerOptions } from '../../rpc/server.ts';
import { SubscriptionHub } from '../../rpc/subscriptions.ts';
import type { Chain, CommittedBlockInfo } from '../../state/chain.ts';
import { type Fixture, startServer, WsClient } from './helpers.ts';

let fx: Fixture | undefined;
let server: RpcServer | undefined;
const clients: WsClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await fx?.server.stop();
  await server?.stop();
  fx = server = undefined;
});

function client(url: string, localAddress = '127.0.0.1'): WsClient {
  const c = new WsClient(url, { localAddress });
  clients.push(c);
  return c;
}

/** Opens a connection, or resolves with the server's refusal ("Unexpected server response: 429"). */
async function opening(url: string, localAddress?: string): Promise<WsClient | string> {
  const c = client(url, localAddress);
  try {
    await c.opened();
    return c;
  } catch (err) {
    return (err as Error).message;
  }
}

let nextId = 1;
async function call(c: WsClient, method: string, params: unknown[] = []): Promise<Record<string, unknown>> {
  c.send({ jsonrpc: '2.0', id: nextId++, method, params });
  return (await c.next()) as Record<string, unknown>;
}

describe('WebSocket connection caps', () => {
  it('refuses upgrades over the per-IP cap (429) and the total cap (503), and accepts again once one closes', async () => {
    fx = await startServer({ wsMaxConnections: 3, wsMaxConnectionsPerIp: 2 });
    const a = await opening(fx.wsUrl, '127.0.0.1');
    await opening(fx.wsUrl, '127.0.0.1');
    expect(await opening(fx.wsUrl, '127.0.0.1')).toBe('Unexpected server response: 429');
    const c = await opening(fx.wsUrl, '127.0.0.2');
    expect(c).toBeInstanceOf(WsClient);
    expect(await opening(fx.wsUrl, '127.0.0.3')).toBe('Unexpected server response: 503');
    // The open ones still serve, and HTTP is not affected by the WebSocket caps.
    expect(await call(c as WsClient, 'eth_chainId')).toMatchObject({ result: '0x539' });

    const closed = (a as WsClient).closed();
    (a as WsClient).socket.close();
    await closed;
    await expect.poll(() => opening(fx!.wsUrl, '127.0.0.3'), { timeout: 5_000 }).toBeInstanceOf(WsClient);
  });
});

describe('WebSocket backpressure', () => {
  it('drops a client that stopped reading with close code 1008', async () => {
    fx = await startServer({ wsMaxBufferedBytes: 256 * 1024 });
    const c = client(fx.wsUrl);
    await c.opened();
    const { result: id } = await call(c, 'eth_subscribe', ['newHeads']);
    const connection = fx.eth.heads.get(id as string)!;
    c.socket.pause();
    const payload = { jsonrpc: '2.0' as const, method: 'eth_subscription', params: 'x'.repeat(64 * 1024) };
    let sent = 0;
    while (sent < 2000 && connection.send(payload)) sent++;
    expect(sent).toBeLessThan(2000);
    // Its subscriptions end at once; the client, reading again, learns why it was dropped.
    expect(fx.eth.heads.has(id as string)).toBe(false);
    const code = c.closed();
    c.socket.resume();
    expect(await code).toBe(1008);
  });

  /** A server whose test_wait calls each wait for the test to release them; counts what runs. */
  async function gatedServer(maxInFlight: number, options: RpcServerOptions = {}) {
    const state = { started: 0, running: 0, most: 0, gate: [] as (() => void)[] };
    const slow: RpcModule = {
      namespace: 'test',
      methods: {
        test_wait: method(z.tuple([]), async () => {
          state.started++;
          state.most = Math.max(state.most, ++state.running);
          await new Promise<void>((resolve) => state.gate.push(resolve));
          state.running--;
          return true;
        }),
      },
    };
    server = new RpcServer(new Registry([slow]), {
      ...options,
      host: '127.0.0.1',
      port: 0,
      wsMaxInFlight: maxInFlight,
    });
    const c = client((await server.start()).wsUrl);
    await c.opened();
    for (let i = 0; i < 10; i++) c.send({ jsonrpc: '2.0', id: i, method: 'test_wait', params: [] });
    await expect.poll(() => state.gate.length, { timeout: 5_000 }).toBe(maxInFlight);
    return { c, state };
  }

  it('handles at most wsMaxInFlight messages of one connection at a time', async () => {
    const { c, state } = await gatedServer(3);
    // Release calls one by one as they arrive until all ten have been answered.
    for (let answered = 0; answered < 10; answered++) {
      await expect.poll(() => state.gate.length, { timeout: 5_000 }).toBeGreaterThan(0);
      state.gate.shift()!();
      await c.next();
    }
    expect(state.most).toBe(3);
  });

  it('does not run the messages still waiting when the server drops the connection', async () => {
    // The server reads nothing while messages wait, pongs included: the heartbeat drops it.
    const { c, state } = await gatedServer(2, { wsPingIntervalMs: 100 });
    expect(await c.closed()).toBe(1006);
    await expect.poll(() => server!.connectionCount, { timeout: 5_000 }).toBe(0);
    for (const release of state.gate.splice(0)) release();
    // Give waiting messages every chance to start: the released calls finish within microtasks, and
    // opening another connection takes several turns of the server's event loop.
    await client(c.socket.url).opened();
    expect(state.started).toBe(2);
  });
});

/** A chain that only hands out its commit listener: subscriptions need nothing else. */
function commitSource(): { chain: Chain; commit: (info: CommittedBlockInfo) => void } {
  const listeners: ((info: CommittedBlockInfo) => void)[] = [];
  const chain = {
    onCommit: (l: (info: CommittedBlockInfo) => void) => listeners.push(l),
  } as unknown as Chain;
  return {
    chain,
    commit: (info) => {
      for (const listener of listeners) listener(info);
    },
  };
}

async function subscriptionServer(chain: Chain, options: RpcServerOptions = {}): Promise<string> {
  const eth = subscriptionMethods(
    new SubscriptionHub(chain, { maxSubscriptionsPerConnection: 2, maxSubscriptionsPerIp: 3 }),
  );
  server = new RpcServer(new Registry([{ namespace: 'eth', methods: eth }]), {
    ...options,
    host: '127.0.0.1',
    port: 0,
  });
  return (await server.start()).wsUrl;
}

const HASH = `0x${'ab'.repeat(32)}` as const;

/** A header whose every `stateRoot` read is counted: formatHeader reads it once per formatting. */
function countedHeader(): { header: Header; formatted: () => number } {
  let reads = 0;
  const fields = {
    chainId: 1337n,
    height: 7,
    time: 1_700_000_000_000,
    parentHash: HASH,
    txRoot: HASH,
    stateRoot: HASH,
    receiptsRoot: HASH,
    logsBloom: new Uint8Array(BLOOM_BYTES),
    proposer: `0x${'11'.repeat(20)}`,
    validatorsHash: HASH,
    nextValidatorsHash: HASH,
    lastCommitHash: HASH,
    evidenceHash: HASH,
    gasLimit: 30_000_000n,
    gasUsed: 0n,
    baseFeePerGas: 1_000_000_000n,
  };
  const header = new Proxy(fields, {
    get(target, key) {
      if (key === 'stateRoot') reads++;
      return target[key as keyof typeof target];
    },
  }) as unknown as Header;
  return { header, formatted: () => reads };
}

describe('subscriptions', () => {
  it('caps subscriptions per connection and per IP over all its connections', async () => {
    const { chain } = commitSource();
    const url = await subscriptionServer(chain);
    const a = client(url);
    const b = client(url);
    const other = client(url, '127.0.0.2');
    await Promise.all([a.opened(), b.opened(), other.opened()]);
    expect(await call(a, 'eth_subscribe', ['newHeads'])).toHaveProperty('result');
    expect(await call(a, 'eth_subscribe', ['newHeads'])).toHaveProperty('result');
    expect((await call(a, 'eth_subscribe', ['newHeads'])).error).toEqual({
      code: -32000,
      message: 'too many subscriptions on this connection (max 2)',
    });
    const third = await call(b, 'eth_subscribe', ['newHeads']);
    expect(third).toHaveProperty('result');
    expect((await call(b, 'eth_subscribe', ['newHeads'])).error).toEqual({
      code: -32000,
      message: 'too many subscriptions from this address (max 3 over all its connections)',
    });
    // Another address has its own allowance; an unsubscribe gives one back.
    expect(await call(other, 'eth_subscribe', ['newHeads'])).toHaveProperty('result');
    expect(await call(b, 'eth_unsubscribe', [third.result])).toMatchObject({ result: true });
    expect(await call(b, 'eth_subscribe', ['newHeads'])).toHaveProperty('result');
  });

  it('serializes a new block header once for all newHeads subscriptions', async () => {
    const source = commitSource();
    const url = await subscriptionServer(source.chain, { wsMaxConnectionsPerIp: 10 });
    const ids: string[] = [];
    const receivers: WsClient[] = [];
    for (const address of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) {
      const c = client(url, address);
      await c.opened();
      for (let i = 0; i < 2; i++) ids.push((await call(c, 'eth_subscribe', ['newHeads'])).result as string);
      receivers.push(c, c);
    }
    const { header, formatted } = countedHeader();
    source.commit({
      block: { header },
      hash: HASH,
      receipts: [],
      txHashes: [],
    } as unknown as CommittedBlockInfo);
    expect(formatted()).toBe(1);
    const notes = await Promise.all(receivers.map((c) => c.next()));
    const bySubscription = new Map(
      notes.map((n) => {
        const { subscription, result } = (n as { params: { subscription: string; result: unknown } }).params;
        return [subscription, result];
      }),
    );
    expect([...bySubscription.keys()].sort()).toEqual([...ids].sort());
    for (const result of bySubscription.values()) expect(result).toMatchObject({ number: '0x7', hash: HASH });
  });
});
