// Server lifecycle: binding, defaults, graceful stop.
import { describe, expect, it } from 'vitest';
import { Registry } from '../../rpc/registry.ts';
import { RpcServer } from '../../rpc/server.ts';
import { heldCalls, post, releaseHeld, startServer, WsClient } from './helpers.ts';

describe('RpcServer lifecycle', () => {
  it('rejects start() when the port is taken', async () => {
    const fx = await startServer();
    const clash = new RpcServer(new Registry(), { port: Number(new URL(fx.url).port) });
    await expect(clash.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await fx.server.stop();
  });

  it('keeps defaults for options passed as undefined', async () => {
    const server = new RpcServer(new Registry(), { port: 0, host: undefined });
    const { url, wsUrl } = await server.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(wsUrl).toBe(url.replace('http', 'ws'));
    await server.stop();
  });

  it('stop() lets an in-flight request finish, then closes keep-alive and WebSocket connections', async () => {
    const fx = await startServer();
    await post(fx.url, { jsonrpc: '2.0', id: 1, method: 'eth_chainId' }); // leaves an idle keep-alive socket
    const ws = new WsClient(fx.wsUrl);
    await ws.opened();
    const closed = ws.closed();
    // In flight for as long as the test holds it: stop() begins while it is surely being served.
    const inFlight = post(fx.url, { jsonrpc: '2.0', id: 2, method: 'test_hold', params: [] });
    await expect.poll(heldCalls, { timeout: 10_000 }).toBe(1);

    const stopped = fx.server.stop();
    // Released only once the server refuses new requests: stopping, with this one still in flight.
    const refused = () =>
      post(fx.url, { jsonrpc: '2.0', id: 3, method: 'eth_chainId' }).then(
        () => false,
        () => true,
      );
    await expect.poll(refused, { timeout: 10_000 }).toBe(true);
    releaseHeld();
    await stopped;
    expect((await inFlight).json).toMatchObject({ id: 2, result: 'released' });
    expect(await closed).toBe(1001);
  });
});
