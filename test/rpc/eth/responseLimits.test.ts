// Bounded answers: the responses to one batch stop at maxResponseBytes (later calls get -32003 and are
// not run), and eth_feeHistory is charged to the request's work budget, shared by a batch.
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startServer } from '../helpers.ts';
import { PING_MODULE, type RpcChain, startRpcChain } from './fixture.ts';

const RESPONSE_LIMIT = 1_000_000;
const WORK_LIMIT = 100;

let fx: RpcChain;
let bigTx: Hex;

beforeAll(async () => {
  fx = await startRpcChain({ server: { maxResponseBytes: RESPONSE_LIMIT, maxRequestWork: WORK_LIMIT } });
  // 100 KB of calldata: each eth_getTransactionByHash answer is about 200 KB of hex.
  const data: Hex = `0x${'01'.repeat(100_000)}`;
  bigTx = await fx.send(0, {
    nonce: 0,
    to: PING_MODULE,
    data,
    gas: 2_000_000n,
    maxFeePerGas: 3_000_000_000n,
  });
  await fx.produce();
  await fx.produce();
});
afterAll(() => fx.stop());

interface Answer {
  id: number;
  result?: { hash: Hex };
  error?: { code: number; message: string };
}

describe('batch response size', () => {
  it('answers the calls that fit and refuses the rest with -32003, in order', async () => {
    const batch = Array.from({ length: 30 }, (_, id) => ({
      jsonrpc: '2.0',
      id,
      method: 'eth_getTransactionByHash',
      params: [bigTx],
    }));
    const { body } = await fx.post(batch);
    const answers = body as unknown as Answer[];
    expect(answers.map((a) => a.id)).toEqual(batch.map((r) => r.id));
    const served = answers.filter((a) => a.result);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((a) => a.result!.hash === bigTx)).toBe(true);
    // The served ones come first; every later one is the limit error.
    expect(answers.slice(0, served.length)).toEqual(served);
    for (const answer of answers.slice(served.length))
      expect(answer.error).toEqual({
        code: -32003,
        message: `response too large: the responses to one request may total at most ${RESPONSE_LIMIT} bytes; split the batch`,
      });
    expect(answers.length - served.length).toBeGreaterThan(0);
    expect(JSON.stringify(answers).length).toBeLessThan(RESPONSE_LIMIT + 30 * 200);
  });

  it('refuses a single response over the limit', async () => {
    const small = await startServer({ maxResponseBytes: 50 });
    try {
      const call = { jsonrpc: '2.0', id: 7, method: 'test_echo', params: ['0x1234', true] };
      expect((await post(small.url, call)).json).toEqual({
        jsonrpc: '2.0',
        id: 7,
        error: {
          code: -32003,
          message:
            'response too large: the responses to one request may total at most 50 bytes; split the batch',
        },
      });
    } finally {
      await small.server.stop();
    }
  });
});

describe('eth_feeHistory work', () => {
  it('charges blocks × percentiles to the request, shared by a batch', async () => {
    // Heights 0..2: three blocks × 20 percentiles = 60 units of the 100.
    const percentiles = Array.from({ length: 20 }, (_, i) => i * 5);
    const call = (id: number) => ({
      jsonrpc: '2.0',
      id,
      method: 'eth_feeHistory',
      params: ['0x400', 'latest', percentiles],
    });
    const { body } = await fx.post([call(1), call(2)]);
    const [first, second] = body as unknown as Answer[];
    expect(first!.result).toBeDefined();
    expect(second!.error).toEqual({
      code: -32000,
      message:
        'request too expensive: eth_feeHistory of 3 blocks with 20 reward percentiles is 60 units of work, over the limit of 100 per request (40 left after earlier calls of the batch); narrow the query',
    });
    // Separately, each fits.
    expect(await fx.call('eth_feeHistory', ['0x400', 'latest', percentiles])).toMatchObject({
      oldestBlock: '0x0',
    });
  });
});
