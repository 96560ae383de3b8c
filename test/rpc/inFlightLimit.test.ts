// The global cap on requests handled at once (rpc.maxInFlight): past it every request, over HTTP or
// WebSocket, single or batched, is answered at once with -32005 addressed to its id, and nothing of it
// runs; once requests finish, the same request passes.
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, heldCalls, post, releaseHeld, startServer, WsClient } from './helpers.ts';

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

const LIMIT = {
  code: -32005,
  message: 'limit exceeded: this node is handling 2 requests, the most it takes at once; retry shortly',
};

describe('requests in flight', () => {
  let fx: Fixture | undefined;
  afterEach(async () => {
    releaseHeld();
    await fx?.server.stop();
  });

  it('past maxInFlight answers -32005 over HTTP and WebSocket without running anything, then admits again', async () => {
    fx = await startServer({ maxInFlight: 2 });
    const { url, wsUrl } = fx;
    const first = post(url, { jsonrpc: '2.0', id: 1, method: 'test_hold', params: [] });
    const ws = new WsClient(wsUrl);
    await ws.opened();
    ws.send({ jsonrpc: '2.0', id: 2, method: 'test_hold', params: [] });
    await until('two held calls', () => heldCalls() === 2);

    expect((await post(url, { jsonrpc: '2.0', id: 3, method: 'eth_chainId' })).json).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: LIMIT,
    });
    // A batch: each element gets the error under its own id; a notification gets nothing.
    const batch = await post(url, [
      { jsonrpc: '2.0', id: 4, method: 'test_hold', params: [] },
      { jsonrpc: '2.0', method: 'test_hold', params: [] },
      { jsonrpc: '2.0', id: 'five', method: 'eth_chainId' },
    ]);
    expect(batch.json).toEqual([
      { jsonrpc: '2.0', id: 4, error: LIMIT },
      { jsonrpc: '2.0', id: 'five', error: LIMIT },
    ]);
    ws.send({ jsonrpc: '2.0', id: 6, method: 'eth_chainId' });
    expect(await ws.next()).toEqual({ jsonrpc: '2.0', id: 6, error: LIMIT });
    expect(heldCalls()).toBe(2); // nothing of the refused requests ran

    releaseHeld();
    expect((await first).json).toEqual({ jsonrpc: '2.0', id: 1, result: 'released' });
    expect(await ws.next()).toEqual({ jsonrpc: '2.0', id: 2, result: 'released' });
    expect((await post(url, { jsonrpc: '2.0', id: 7, method: 'eth_chainId' })).json).toMatchObject({
      id: 7,
      result: '0x539',
    });
    ws.close();
  });
});
