// JSON-RPC 2.0 semantics over HTTP: every error code, notifications, batches, metrics events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../rpc/dispatch.ts';
import { CHAIN_ID, captureLogger, type Fixture, post, startServer } from './helpers.ts';

const { logger, lines } = captureLogger();
const events: CallEvent[] = [];
let fx: Fixture;

beforeAll(async () => {
  fx = await startServer({ logger, maxBatchLength: 5, onCall: (event) => events.push(event) });
});
afterAll(() => fx.server.stop());

const call = (method: string, params?: unknown, id: unknown = 1) => ({ jsonrpc: '2.0', id, method, params });

describe('single requests', () => {
  it('answers a call with its id and result', async () => {
    const res = await post(fx.url, call('eth_chainId', [], 'abc'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toEqual({ jsonrpc: '2.0', id: 'abc', result: CHAIN_ID });
  });

  it('treats absent params as none and lists modules', async () => {
    expect((await post(fx.url, { jsonrpc: '2.0', id: 2, method: 'eth_chainId' })).json).toMatchObject({
      result: CHAIN_ID,
    });
    expect((await post(fx.url, call('rpc_modules'))).json).toMatchObject({
      result: { rpc: '1.0', eth: '1.0', test: '1.0' },
    });
  });

  it('-32700 for invalid JSON, with a null id', async () => {
    const res = await post(fx.url, '{"jsonrpc":"2.0","id":1,');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: null, error: { code: -32700 } });
    expect((res.json as { error: { message: string } }).error.message).toMatch(/^parse error: /);
  });

  it.each([
    ['a wrong jsonrpc version', { jsonrpc: '1.0', id: 7, method: 'eth_chainId' }, 7, 'jsonrpc must be "2.0"'],
    ['a missing jsonrpc', { id: 7, method: 'eth_chainId' }, 7, 'jsonrpc must be "2.0"'],
    ['a non-string method', { jsonrpc: '2.0', id: 7, method: 1 }, 7, 'method must be a string'],
    ['string params', { jsonrpc: '2.0', id: 7, method: 'eth_chainId', params: 'x' }, 7, 'params must be'],
    ['null params', { jsonrpc: '2.0', id: 7, method: 'eth_chainId', params: null }, 7, 'params must be'],
    ['an object id', { jsonrpc: '2.0', id: { a: 1 }, method: 'eth_chainId' }, null, 'id must be'],
    ['a non-object', 42, null, 'expected a JSON object'],
  ])('-32600 for %s', async (_name, body, id, reason) => {
    const res = await post(fx.url, body);
    expect(res.json).toMatchObject({ jsonrpc: '2.0', id, error: { code: -32600 } });
    expect((res.json as { error: { message: string } }).error.message).toContain(reason);
  });

  it('-32601 for an unknown method', async () => {
    expect((await post(fx.url, call('eth_nope'))).json).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32601, message: 'the method eth_nope does not exist/is not available' },
    });
  });

  it('-32602 naming the argument, and for by-name params', async () => {
    expect((await post(fx.url, call('test_echo', ['0x01']))).json).toMatchObject({
      error: { code: -32602, message: 'invalid argument 0: hex quantity "0x01" has leading zero digits' },
    });
    expect((await post(fx.url, call('test_echo', ['0x1', 'yes']))).json).toMatchObject({
      error: { code: -32602, message: 'invalid argument 1: expected a boolean, got "yes"' },
    });
    expect((await post(fx.url, call('test_echo', { value: '0x1' }))).json).toMatchObject({
      error: { code: -32602 },
    });
    expect((await post(fx.url, call('test_echo', ['0x1f', true]))).json).toMatchObject({
      result: { value: '0x1f', flag: true },
    });
  });

  it('-32603 for a crash: generic message to the client, stack in the log', async () => {
    const res = await post(fx.url, call('test_crash', [], 9));
    expect(res.json).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32603, message: 'internal error' } });
    expect(res.text).not.toContain('secret');
    const logged = lines.find((line) => line.msg === 'rpc handler failed');
    expect(logged).toMatchObject({ method: 'test_crash', err: { message: 'secret internal detail' } });
    expect((logged!.err as { stack: string }).stack).toContain('helpers.ts');
  });

  it('-32603 when a bigint slips into a result', async () => {
    expect((await post(fx.url, call('test_bigint'))).json).toMatchObject({ error: { code: -32603 } });
    expect(lines.some((line) => line.msg.includes('not JSON (a bigint?)'))).toBe(true);
  });

  it('application errors: RpcError code and data, domain errors as -32000', async () => {
    expect((await post(fx.url, call('test_revert'))).json).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: 3, message: 'execution reverted: nope', data: '0x08c379a0' },
    });
    expect((await post(fx.url, call('test_domain'))).json).toMatchObject({
      error: { code: -32000, message: 'nonce too low' },
    });
  });

  it('answers a notification with 204 and no body, even when it fails', async () => {
    for (const method of ['eth_chainId', 'eth_nope', 'test_crash']) {
      const res = await post(fx.url, { jsonrpc: '2.0', method });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
    }
  });
});

describe('batches', () => {
  it('answers each element in request order, skipping notifications', async () => {
    const res = await post(fx.url, [
      call('test_sleep', [60], 'slow'),
      { jsonrpc: '2.0', method: 'eth_chainId' },
      call('eth_nope', [], 'missing'),
      42,
      call('test_sleep', [1], 'fast'),
    ]);
    expect(res.json).toEqual([
      { jsonrpc: '2.0', id: 'slow', result: 60 },
      { jsonrpc: '2.0', id: 'missing', error: { code: -32601, message: expect.any(String) } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.any(String) } },
      { jsonrpc: '2.0', id: 'fast', result: 1 },
    ]);
  });

  it('rejects an empty batch with one error', async () => {
    expect((await post(fx.url, [])).json).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'invalid request: empty batch' },
    });
  });

  it('rejects a batch over the limit with one error', async () => {
    const res = await post(
      fx.url,
      Array.from({ length: 6 }, (_, i) => call('eth_chainId', [], i)),
    );
    expect(res.json).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'batch of 6 requests exceeds the limit of 5' },
    });
  });

  it('answers a batch of only notifications with 204', async () => {
    const res = await post(fx.url, [
      { jsonrpc: '2.0', method: 'eth_chainId' },
      { jsonrpc: '2.0', method: 'x' },
    ]);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });
});

describe('metrics hook', () => {
  it('reports method, transport, duration and outcome; unknown names are not reported', async () => {
    events.length = 0;
    await post(fx.url, [
      call('eth_chainId'),
      call('test_domain'),
      call('made_up_method'),
      call('test_sleep', [20]),
    ]);
    expect(events).toHaveLength(4);
    expect(events).toContainEqual(
      expect.objectContaining({ method: 'eth_chainId', transport: 'http', errorCode: undefined }),
    );
    expect(events).toContainEqual(expect.objectContaining({ method: 'test_domain', errorCode: -32000 }));
    expect(events).toContainEqual(expect.objectContaining({ method: undefined, errorCode: -32601 }));
    expect(events.find((e) => e.method === 'test_sleep')!.durationMs).toBeGreaterThanOrEqual(15);
  });
});
