// eth_newPendingTransactionFilter: eth_getFilterChanges returns the hashes of the transactions the
// mempool admitted since the previous poll, in admission order, each once; at most maxPendingHashes
// are kept between polls (the oldest are dropped).
import type { Hex } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { FILTER_DEFAULTS } from '../../../rpc/eth/filters.ts';
import { type RpcChain, startRpcChain } from './fixture.ts';

describe('eth_newPendingTransactionFilter', () => {
  let fx: RpcChain | undefined;
  afterEach(async () => {
    await fx?.stop();
    fx = undefined;
  });

  it('viem pending-transaction filter: hashes admitted since the last poll', async () => {
    fx = await startRpcChain();
    await fx.send(0, { nonce: 0 }); // before the filter
    const client = fx.publicClient();
    const filter = await client.createPendingTransactionFilter();
    expect(filter.type).toBe('transaction');

    const sent = [await fx.send(1, { nonce: 0 }), await fx.send(0, { nonce: 1 })];
    expect(await client.getFilterChanges({ filter })).toEqual(sent);
    expect(await client.getFilterChanges({ filter })).toEqual([]);
    // A rejected transaction is not a change; committing a block adds none either.
    await fx.error('eth_sendRawTransaction', [await fx.sign(1, { nonce: 0 })]);
    await fx.produce();
    expect(await client.getFilterChanges({ filter })).toEqual([]);
  });

  it('viem watchPendingTransactions with poll: true', async () => {
    fx = await startRpcChain();
    const client = fx.publicClient();
    const chain = fx;
    const seen: Hex[] = [];
    const sent: Hex[] = [];
    let unwatch = () => {};
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`saw only ${seen.length} of 2`)), 20_000);
      unwatch = client.watchPendingTransactions({
        poll: true,
        pollingInterval: 20,
        onTransactions: (hashes) => {
          seen.push(...hashes);
          if (seen.length >= 2) {
            clearTimeout(timer);
            resolve();
          }
        },
        onError: reject,
      });
    });
    // The watcher installs its filter on its first tick; send until both hashes are seen.
    for (let nonce = 0; seen.length < 2 && nonce < 200; nonce++) {
      sent.push(await chain.send(2, { nonce }));
      await new Promise((r) => setTimeout(r, 20));
    }
    await done;
    unwatch();
    // Each hash once, in order, and only hashes that were sent.
    expect(new Set(seen).size).toBe(seen.length);
    expect(sent.slice(sent.indexOf(seen[0]!), sent.indexOf(seen[0]!) + seen.length)).toEqual(seen);
  });

  it('keeps the newest maxPendingHashes between polls', async () => {
    fx = await startRpcChain({ filters: { ...FILTER_DEFAULTS, maxPendingHashes: 2 } });
    const id = await fx.call<Hex>('eth_newPendingTransactionFilter');
    const sent = [];
    for (let nonce = 0; nonce < 3; nonce++) sent.push(await fx.send(0, { nonce }));
    expect(await fx.call('eth_getFilterChanges', [id])).toEqual(sent.slice(1));
  });
});
