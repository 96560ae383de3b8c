// eth_newFilter: a log filter whose eth_getFilterChanges returns the matching logs of the blocks
// committed since the previous poll (since installation at first), within its own block range;
// the filter is checked like an eth_getLogs filter, and filters are capped per client and in total.
import { type Hex, parseAbiItem } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { FILTER_DEFAULTS } from '../../../rpc/eth/filters.ts';
import { addressTopic, hex, PING_MODULE, PING_TOPIC, type RpcChain, startRpcChain } from './fixture.ts';

const PING = parseAbiItem('event Ping(address indexed from, bytes data)');

describe('eth_newFilter', () => {
  let fx: RpcChain | undefined;
  afterEach(async () => {
    await fx?.stop();
    fx = undefined;
  });

  /** A ping by account `index` with `data`, committed in its own block; returns that block's number. */
  async function ping(chain: RpcChain, index: number, nonce: number, data: Hex): Promise<number> {
    await chain.send(index, { nonce, to: PING_MODULE, data, gas: 60_000n });
    return (await chain.produce()).block.header.height;
  }

  it('viem event filter: logs committed after installation, decoded, each once', async () => {
    fx = await startRpcChain();
    await ping(fx, 0, 0, '0x01'); // before the filter: never a change
    const client = fx.publicClient();
    const filter = await client.createEventFilter({ address: PING_MODULE, event: PING });
    expect(filter.id).toMatch(/^0x[0-9a-f]{32}$/);

    const b2 = await ping(fx, 1, 0, '0x0202');
    const b3 = await ping(fx, 0, 1, '0x03');
    const changes = await client.getFilterChanges({ filter });
    expect(changes.map((l) => [l.blockNumber, l.args.from?.toLowerCase(), l.args.data])).toEqual([
      [BigInt(b2), fx.accounts[1]!.address.toLowerCase(), '0x0202'],
      [BigInt(b3), fx.accounts[0]!.address.toLowerCase(), '0x03'],
    ]);
    // Exactly what eth_getLogs returns for those blocks.
    const raw = await fx.call('eth_getLogs', [
      { fromBlock: hex(b2), toBlock: hex(b3), address: PING_MODULE },
    ]);
    const rawChanges = await fx.call('eth_getFilterChanges', [filter.id]);
    expect(rawChanges).toEqual([]);
    expect(raw).toHaveLength(2);
    expect((raw as { transactionHash: Hex }[]).map((l) => l.transactionHash)).toEqual(
      changes.map((l) => l.transactionHash),
    );
  });

  it('topics and an upper block bound narrow the changes', async () => {
    fx = await startRpcChain();
    const mine = await fx.call<Hex>('eth_newFilter', [
      { address: PING_MODULE, topics: [PING_TOPIC, addressTopic(fx.accounts[2]!.address)], toBlock: '0x2' },
    ]);
    await ping(fx, 2, 0, '0xaa'); // block 1: matches
    await ping(fx, 1, 0, '0xbb'); // block 2: another sender
    await ping(fx, 2, 1, '0xcc'); // block 3: past toBlock
    const logs = await fx.call<{ blockNumber: Hex; data: Hex }[]>('eth_getFilterChanges', [mine]);
    expect(logs.map((l) => l.blockNumber)).toEqual(['0x1']);
    expect(await fx.call('eth_getFilterChanges', [mine])).toEqual([]);
  });

  it('rejects what eth_getLogs rejects, with the same errors', async () => {
    fx = await startRpcChain();
    const head = (await fx.produce()).hash;
    expect(await fx.error('eth_newFilter', [{ blockHash: head, fromBlock: '0x0' }])).toEqual({
      code: -32602,
      message: 'invalid argument 0: cannot specify both blockHash and fromBlock/toBlock',
    });
    expect(await fx.error('eth_newFilter', [{ blockHash: `0x${'11'.repeat(32)}` }])).toEqual({
      code: -32000,
      message: 'unknown block',
    });
    expect(await fx.error('eth_newFilter', [{ fromBlock: 'soon' }])).toEqual({
      code: -32602,
      message:
        'invalid argument 0: fromBlock: expected a hex block number or one of latest, pending, earliest, safe, finalized, got "soon"',
    });
    expect(await fx.error('eth_newFilter', [])).toMatchObject({ code: -32602 });
  });

  it('caps filters per client and in total, with errors that say which', async () => {
    fx = await startRpcChain({ filters: { ...FILTER_DEFAULTS, maxFiltersPerClient: 2, maxFilters: 3 } });
    const first = await fx.call<Hex>('eth_newFilter', [{}]);
    await fx.call('eth_newBlockFilter');
    expect(await fx.error('eth_newFilter', [{}])).toEqual({
      code: -32000,
      message: 'too many filters from this client (max 2); uninstall unused ones with eth_uninstallFilter',
    });
    // Uninstalling frees the client's slot.
    expect(await fx.call('eth_uninstallFilter', [first])).toBe(true);
    await fx.call('eth_newPendingTransactionFilter');
    expect(await fx.error('eth_newFilter', [{}])).toMatchObject({
      message: expect.stringContaining('max 2'),
    });

    // The total cap holds whatever the per-client cap allows.
    await fx.stop();
    fx = await startRpcChain({ filters: { ...FILTER_DEFAULTS, maxFiltersPerClient: 10, maxFilters: 2 } });
    await fx.call('eth_newFilter', [{}]);
    await fx.call('eth_newFilter', [{}]);
    expect(await fx.error('eth_newFilter', [{}])).toEqual({
      code: -32000,
      message: 'too many filters on this node (max 2)',
    });
  });
});
