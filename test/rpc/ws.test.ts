// WebSocket transport: same dispatch as HTTP, pushed subscription notifications, limits.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHAIN_ID, captureLogger, type Fixture, post, startServer, WsClient } from './helpers.ts';

const { logger, lines } = captureLogger();
let fx: Fixture;
const clients: WsClient[] = [];

beforeAll(async () => {
  fx = await startServer({ logger, wsMaxMessageBytes: 4096, wsMaxBufferedBytes: 256 * 1024 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await fx.server.stop();
});

async function connect(url = fx.wsUrl): Promise<WsClient> {
  const client = new WsClient(url);
  clients.push(client);
  await client.opened();
  return client;
}

const call = (method: string, params: unknown[] = [], id: unknown = 1) => ({
  jsonrpc: '2.0',
  id,
  method,
  params,
});

describe('WebSocket requests', () => {
  it('round-trips a call and a batch on the HTTP port', async () => {
    const client = await connect();
    client.send(call('eth_chainId', [], 'a'));
    expect(await client.next()).toEqual({ jsonrpc: '2.0', id: 'a', result: CHAIN_ID });
    client.send([call('eth_chainId', [], 1), call('eth_nope', [], 2)]);
    expect(await client.next()).toMatchObject([
      { id: 1, result: CHAIN_ID },
      { id: 2, error: { code: -32601 } },
    ]);
    client.send('not json');
    expect(await client.next()).toMatchObject({ id: null, error: { code: -32700 } });
  });

  it('sends nothing for notifications', async () => {
    const client = await connect();
    client.send({ jsonrpc: '2.0', method: 'eth_chainId' });
    client.send([{ jsonrpc: '2.0', method: 'eth_chainId' }]);
    client.send(call('eth_chainId', [], 'after'));
    expect(await client.next()).toMatchObject({ id: 'after' });
    expect(client.pending()).toBe(0);
  });

  it('closes with 1009 when a message is over the limit', async () => {
    const client = await connect();
    const closed = client.closed();
    client.send(call('eth_chainId', ['x'.repeat(5000)]));
    expect(await closed).toBe(1009);
  });

  it('rejects upgrades from origins that are not allowed', async () => {
    const restricted = await startServer({ corsOrigins: ['https://explorer.example'] });
    try {
      const denied = new WebSocket(restricted.wsUrl, { origin: 'https://evil.example' });
      const error = await new Promise<Error>((resolve) => denied.once('error', resolve));
      expect(error.message).toBe('Unexpected server response: 403');
      const allowed = new WebSocket(restricted.wsUrl, { origin: 'https://explorer.example' });
      await new Promise((resolve) => allowed.once('open', resolve));
      allowed.terminate();
    } finally {
      await restricted.server.stop();
    }
  });
});

describe('heartbeat', () => {
  it('drops a connection that stops answering pings', async () => {
    const beat = await startServer({ wsPingIntervalMs: 40 });
    try {
      const silent = new WebSocket(beat.wsUrl, { autoPong: false });
      const code = await new Promise((resolve) => silent.once('close', resolve));
      expect(code).toBe(1006); // terminated without a close frame
    } finally {
      await beat.server.stop();
    }
  });
});

describe('subscriptions', () => {
  it('pushes eth_subscription notifications and stops after eth_unsubscribe', async () => {
    const client = await connect();
    client.send(call('eth_subscribe', ['newHeads']));
    const { result: id } = (await client.next()) as { result: string };
    expect(id).toMatch(/^0x[0-9a-f]{32}$/);

    fx.eth.publishHead(7);
    expect(await client.next()).toEqual({
      jsonrpc: '2.0',
      method: 'eth_subscription',
      params: { subscription: id, result: { number: '0x7' } },
    });

    client.send(call('eth_unsubscribe', [id], 2));
    expect(await client.next()).toEqual({ jsonrpc: '2.0', id: 2, result: true });
    expect(fx.eth.heads.has(id)).toBe(false);
  });

  it('runs close callbacks when the client goes away', async () => {
    const client = await connect();
    client.send(call('eth_subscribe', ['newHeads']));
    const { result: id } = (await client.next()) as { result: string };
    expect(fx.eth.heads.has(id)).toBe(true);
    client.close();
    await expect.poll(() => fx.eth.heads.has(id)).toBe(false);
  });

  it('is refused over HTTP', async () => {
    expect((await post(fx.url, call('eth_subscribe', ['newHeads']))).json).toMatchObject({
      error: { code: -32601, message: 'notifications not supported' },
    });
  });

  it('disconnects a client that stops reading, with a log line', async () => {
    const client = await connect();
    client.send(call('eth_subscribe', ['newHeads']));
    const { result: id } = (await client.next()) as { result: string };
    const connection = fx.eth.heads.get(id)!;
    const closed = new Promise<void>((resolve) => connection.onClose(resolve));
    client.socket.pause();

    // Kernel socket buffers absorb a few MB first; the bound applies to what queues after that.
    const payload = { jsonrpc: '2.0' as const, method: 'eth_subscription', params: 'x'.repeat(64 * 1024) };
    let sent = 0;
    while (sent < 2000 && connection.send(payload)) sent++;
    expect(sent).toBeLessThan(2000);
    await closed;
    expect(connection.send(payload)).toBe(false);
    expect(lines.some((line) => line.msg.startsWith('closing slow WebSocket consumer'))).toBe(true);
  });
});
