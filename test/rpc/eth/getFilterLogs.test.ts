// eth_getFilterLogs: all logs a log filter matches over its whole range, as eth_getLogs with the same
// filter returns them (blocks committed before the filter included); only log filters have logs.
import { type Hex, parseAbiItem } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PING_MODULE, type RpcChain, startRpcChain } from './fixture.ts';

const PING = parseAbiItem('event Ping(address indexed from, bytes data)');

describe('eth_getFilterLogs', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
    for (const [index, data] of [
      [0, '0x01'],
      [1, '0x02'],
    ] as const) {
      await fx.send(index, { nonce: 0, to: PING_MODULE, data, gas: 60_000n });
      await fx.produce();
    }
  });
  afterAll(() => fx.stop());

  it('viem getFilterLogs: the whole range, equal to eth_getLogs, and again after more blocks', async () => {
    const client = fx.publicClient();
    const filter = await client.createEventFilter({ address: PING_MODULE, event: PING, fromBlock: 0n });
    const logs = await client.getFilterLogs({ filter });
    expect(logs.map((l) => [l.blockNumber, l.args.data])).toEqual([
      [1n, '0x01'],
      [2n, '0x02'],
    ]);
    const raw = await fx.call('eth_getFilterLogs', [filter.id]);
    expect(raw).toEqual(await fx.call('eth_getLogs', [{ fromBlock: '0x0', address: PING_MODULE }]));

    await fx.send(2, { nonce: 0, to: PING_MODULE, data: '0x03', gas: 60_000n });
    await fx.produce();
    expect((await client.getFilterLogs({ filter })).map((l) => l.args.data)).toEqual([
      '0x01',
      '0x02',
      '0x03',
    ]);
    // Reading the logs does not consume the changes.
    expect((await client.getFilterChanges({ filter })).map((l) => l.args.data)).toEqual(['0x03']);
  });

  it('is charged to the request budget like eth_getLogs', async () => {
    // 4 blocks (0..3) × 1 address: 4 units; a budget of 6 pays for one such query per request.
    const small = await startRpcChain({ server: { maxRequestWork: 6 } });
    try {
      for (let i = 0; i < 3; i++) await small.produce();
      const id = await small.call<Hex>('eth_newFilter', [{ fromBlock: '0x0', address: PING_MODULE }]);
      expect(await small.call('eth_getFilterLogs', [id])).toEqual([]);
      const batch = await small.post([
        { jsonrpc: '2.0', id: 1, method: 'eth_getFilterLogs', params: [id] },
        { jsonrpc: '2.0', id: 2, method: 'eth_getFilterLogs', params: [id] },
      ]);
      const [first, second] = batch.body as unknown as { result?: unknown; error?: { message: string } }[];
      expect(first!.result).toEqual([]);
      expect(second!.error!.message).toBe(
        'request too expensive: eth_getFilterLogs over 4 blocks with 1 addresses and topics is 4 units of work, over the limit of 6 per request (2 left after earlier calls of the batch); narrow the query',
      );
    } finally {
      await small.stop();
    }
  });

  it('block and pending-transaction filters have no logs; unknown ids are errors', async () => {
    const blocks = await fx.call<Hex>('eth_newBlockFilter');
    expect(await fx.error('eth_getFilterLogs', [blocks])).toEqual({
      code: -32000,
      message: `filter ${blocks} is a blocks filter, not a log filter`,
    });
    const pending = await fx.call<Hex>('eth_newPendingTransactionFilter');
    expect(await fx.error('eth_getFilterLogs', [pending])).toMatchObject({
      message: `filter ${pending} is a pending filter, not a log filter`,
    });
    expect(await fx.error('eth_getFilterLogs', ['0x1'])).toMatchObject({
      code: -32000,
      message: expect.stringContaining('filter not found: 0x1'),
    });
  });
});
