// eth_getFilterChanges: polling a filter returns what happened since the previous poll and keeps the
// filter alive; an unknown, uninstalled or expired filter is a clear error. viem's watchEvent with
// poll: true runs on it.
import { type Hex, parseAbiItem } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { FILTER_DEFAULTS } from '../../../rpc/eth/filters.ts';
import { PING_MODULE, type RpcChain, startRpcChain } from './fixture.ts';

const PING = parseAbiItem('event Ping(address indexed from, bytes data)');
const TIMEOUT = FILTER_DEFAULTS.filterTimeoutMs;

describe('eth_getFilterChanges', () => {
  let fx: RpcChain | undefined;
  afterEach(async () => {
    await fx?.stop();
    fx = undefined;
  });

  it('viem watchEvent with poll: true receives each matching log once', async () => {
    fx = await startRpcChain();
    const chain = fx;
    const client = fx.publicClient();
    const seen: Hex[] = [];
    let unwatch = () => {};
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`saw only ${seen.length} of 2 logs`)), 20_000);
      unwatch = client.watchEvent({
        address: PING_MODULE,
        event: PING,
        poll: true,
        pollingInterval: 20,
        onLogs: (logs) => {
          for (const log of logs) seen.push(log.args.data!);
          if (seen.length >= 2) {
            clearTimeout(timer);
            resolve();
          }
        },
        onError: reject,
      });
    });
    // The watcher installs its filter on its first tick: keep committing pings until two arrive.
    const sent: Hex[] = [];
    for (let nonce = 0; seen.length < 2 && nonce < 100; nonce++) {
      const data: Hex = `0x${(nonce + 1).toString(16).padStart(2, '0')}`;
      await chain.send(0, { nonce, to: PING_MODULE, data, gas: 60_000n });
      await chain.produce();
      sent.push(data);
      await new Promise((r) => setTimeout(r, 20));
    }
    await done;
    unwatch();
    const first = sent.indexOf(seen[0]!);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual(sent.slice(first, first + seen.length));
  });

  it('a filter left behind catches up over several polls, each within the request budget', async () => {
    fx = await startRpcChain({ server: { maxRequestWork: 6 } });
    const logs = await fx.call<Hex>('eth_newFilter', [{ address: PING_MODULE }]);
    const blocks = await fx.call<Hex>('eth_newBlockFilter');
    const hashes: Hex[] = [];
    for (let height = 1; height <= 8; height++) {
      if (height === 1 || height === 8)
        await fx.send(0, { nonce: height === 1 ? 0 : 1, to: PING_MODULE, data: '0x01', gas: 60_000n });
      hashes.push((await fx.produce()).hash);
    }
    // One address over 8 blocks is 8 units, over the budget of 6: blocks 1–6 first, then 7–8.
    // In one batch the second poll finds the budget spent: an error, and blocks 7–8 are not lost.
    const batch = await fx.post([
      { jsonrpc: '2.0', id: 1, method: 'eth_getFilterChanges', params: [logs] },
      { jsonrpc: '2.0', id: 2, method: 'eth_getFilterChanges', params: [logs] },
    ]);
    const [first, refused] = batch.body as unknown as {
      result?: { blockNumber: Hex }[];
      error?: { message: string };
    }[];
    expect(first!.result!.map((l) => l.blockNumber)).toEqual(['0x1']);
    expect(refused!.error!.message).toMatch(/^request too expensive: eth_getFilterChanges over 2 blocks/);
    const second = await fx.call<{ blockNumber: Hex }[]>('eth_getFilterChanges', [logs]);
    expect(second.map((l) => l.blockNumber)).toEqual(['0x8']);
    expect(await fx.call('eth_getFilterChanges', [logs])).toEqual([]);
    // A block filter costs one unit per block.
    expect(await fx.call('eth_getFilterChanges', [blocks])).toEqual(hashes.slice(0, 6));
    expect(await fx.call('eth_getFilterChanges', [blocks])).toEqual(hashes.slice(6));
  });

  it('unknown and malformed filter ids are clear errors', async () => {
    fx = await startRpcChain();
    const unknown = `0x${'ab'.repeat(16)}`;
    expect(await fx.error('eth_getFilterChanges', [unknown])).toEqual({
      code: -32000,
      message: `filter not found: ${unknown} was never installed, was uninstalled, or expired after 300 s without eth_getFilterChanges`,
    });
    expect(await fx.error('eth_getFilterChanges', [7])).toEqual({
      code: -32602,
      message: 'invalid argument 0: expected a filter id (hex string)',
    });
    expect(await fx.error('eth_getFilterChanges', [])).toEqual({
      code: -32602,
      message: 'missing value for required argument 0',
    });
  });

  it('a filter expires when not polled for filterTimeoutMs; each poll restarts the timeout', async () => {
    let now = 1_000_000;
    fx = await startRpcChain({ filters: { ...FILTER_DEFAULTS, now: () => now } });
    const polled = await fx.call<Hex>('eth_newBlockFilter');
    const idle = await fx.call<Hex>('eth_newPendingTransactionFilter');
    const block = (await fx.produce()).hash;

    now += TIMEOUT - 1;
    expect(await fx.call('eth_getFilterChanges', [polled])).toEqual([block]);
    now += TIMEOUT - 1; // idle has now gone 2 × TIMEOUT - 2 without a poll; polled only TIMEOUT - 1
    expect(await fx.call('eth_getFilterChanges', [polled])).toEqual([]);
    expect(await fx.error('eth_getFilterChanges', [idle])).toMatchObject({
      code: -32000,
      message: expect.stringContaining(`filter not found: ${idle}`),
    });
    now += TIMEOUT;
    expect(await fx.error('eth_getFilterChanges', [polled])).toMatchObject({ code: -32000 });
  });

  it('expired filters no longer count against the caps', async () => {
    let now = 0;
    fx = await startRpcChain({ filters: { ...FILTER_DEFAULTS, maxFiltersPerClient: 1, now: () => now } });
    await fx.call('eth_newBlockFilter');
    expect(await fx.error('eth_newBlockFilter')).toMatchObject({ code: -32000 });
    now += TIMEOUT;
    expect(await fx.call('eth_newBlockFilter')).toMatch(/^0x[0-9a-f]{32}$/);
  });
});
