// eth_getLogs under abuse: a heavy batch does not hold up other requests (the query pauses between
// blocks), a query over the work budget gets a clear error (the budget is shared by a batch), and a
// client that hangs up stops the query. Served by the real RpcServer over a chain of 10,000 blocks
// that are stubs without logs (building 10,000 real blocks would take minutes).
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BLOOM_BYTES } from '../../../core/bloom.ts';
import type { CallEvent } from '../../../rpc/dispatch.ts';
import { logMethods, MAX_LOG_RANGE } from '../../../rpc/eth/logs.ts';
import { method, Registry } from '../../../rpc/registry.ts';
import { RpcServer, type RpcServerOptions } from '../../../rpc/server.ts';
import type { Chain } from '../../../state/chain.ts';
import { WsClient } from '../helpers.ts';
import { ZERO_HASH } from './fixture.ts';

const HEAD = MAX_LOG_RANGE - 1;

interface StubChain {
  chain: Chain;
  /** Headers read so far. */
  reads: () => number;
  /** Resolves at the first header read: a query is under way. */
  started: Promise<void>;
}

/**
 * Blocks 0..HEAD with empty blooms. `costMs` of CPU per header read stands in for a block's share of
 * a heavy query, the same before and after any change to how a query is evaluated.
 */
function stubChain(costMs: number): StubChain {
  let reads = 0;
  const started = Promise.withResolvers<void>();
  const logsBloom = new Uint8Array(BLOOM_BYTES);
  const chain = {
    head: { header: { height: HEAD } },
    blocks: {
      getHeader(height: number) {
        if (reads++ === 0) started.resolve();
        const until = performance.now() + costMs;
        while (performance.now() < until) {
          // busy: a block's worth of work
        }
        return { header: { height, logsBloom }, hash: ZERO_HASH };
      },
      // Reached by a filter without addresses or topics, which every bloom passes.
      getReceipts: async () => [],
    },
  } as unknown as Chain;
  return { chain, reads: () => reads, started: started.promise };
}

let server: RpcServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(chain: Chain, options: RpcServerOptions = {}): Promise<string> {
  const eth = { ...logMethods(chain), eth_chainId: method(z.tuple([]), () => '0x539') };
  server = new RpcServer(new Registry([{ namespace: 'eth', methods: eth }]), {
    ...options,
    host: '127.0.0.1',
    port: 0,
  });
  return (await server.start()).url;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

const addresses = (n: number) =>
  Array.from({ length: n }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);
const getLogs = (id: number, filter: object) => ({
  jsonrpc: '2.0',
  id,
  method: 'eth_getLogs',
  params: [filter],
});
const wholeChain = { fromBlock: '0x0', toBlock: 'latest' };

describe('eth_getLogs work limits', () => {
  it('a heavy batch does not hold up a cheap request sent while it runs', async () => {
    const stub = stubChain(0.02);
    const url = await serve(stub.chain);
    const order: string[] = [];
    const batch = [1, 2].map((id) => getLogs(id, { ...wholeChain, address: addresses(20) }));
    const heavy = post(url, batch).then((answer) => {
      order.push('heavy');
      return answer;
    });
    await stub.started;
    expect(await post(url, { jsonrpc: '2.0', id: 9, method: 'eth_chainId', params: [] })).toMatchObject({
      result: '0x539',
    });
    order.push('cheap');
    // The heavy batch is answered in full all the same.
    expect(await heavy).toEqual([
      { jsonrpc: '2.0', id: 1, result: [] },
      { jsonrpc: '2.0', id: 2, result: [] },
    ]);
    expect(order).toEqual(['cheap', 'heavy']);
  });

  it('refuses a query over the work limit, the limit being shared by the calls of a batch', async () => {
    const stub = stubChain(0);
    const url = await serve(stub.chain, { maxRequestWork: 1_000_000 });
    // 10,000 blocks × 60 terms (50 addresses, 10 topics): 600,000 units each.
    const filter = { ...wholeChain, address: addresses(50), topics: [Array(10).fill(ZERO_HASH)] };
    const answers = (await post(url, [getLogs(1, filter), getLogs(2, filter)])) as object[];
    expect(answers[0]).toEqual({ jsonrpc: '2.0', id: 1, result: [] });
    expect(answers[1]).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: {
        code: -32000,
        message:
          'request too expensive: eth_getLogs over 10000 blocks with 60 addresses and topics is 600000 units of work, over the limit of 1000000 per request (400000 left after earlier calls of the batch); narrow the query',
      },
    });
    // The refused call read nothing.
    expect(stub.reads()).toBe(MAX_LOG_RANGE);

    // A single call over the limit is refused before it reads a block.
    const wide = { ...wholeChain, address: addresses(100), topics: [Array(16).fill(ZERO_HASH)] };
    expect(await post(url, getLogs(3, wide))).toMatchObject({
      error: {
        code: -32000,
        message: expect.stringContaining('is 1160000 units of work, over the limit of 1000000'),
      },
    });
    expect(stub.reads()).toBe(MAX_LOG_RANGE);
  });

  it('stops reading blocks once the client has closed its connection', async () => {
    const stub = stubChain(0.02);
    const ended = Promise.withResolvers<CallEvent>();
    const url = new URL(await serve(stub.chain, { onCall: (event) => ended.resolve(event) }));
    const req = request({ host: url.hostname, port: url.port, method: 'POST' });
    req.on('error', () => {}); // the request is cut on purpose
    req.end(JSON.stringify(getLogs(1, wholeChain)));
    await stub.started;
    req.destroy();
    expect(await ended.promise).toMatchObject({ method: 'eth_getLogs', errorCode: -32000 });
    expect(stub.reads()).toBeLessThan(MAX_LOG_RANGE);
  });

  it('stops reading blocks once the WebSocket has closed', async () => {
    const stub = stubChain(0.02);
    const ended = Promise.withResolvers<CallEvent>();
    const url = await serve(stub.chain, { onCall: (event) => ended.resolve(event) });
    const client = new WsClient(url.replace('http', 'ws'));
    await client.opened();
    client.send(getLogs(1, wholeChain));
    await stub.started;
    client.close();
    expect(await ended.promise).toMatchObject({ method: 'eth_getLogs', transport: 'ws', errorCode: -32000 });
    expect(stub.reads()).toBeLessThan(MAX_LOG_RANGE);
  });
});
