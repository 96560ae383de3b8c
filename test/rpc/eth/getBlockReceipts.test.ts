// eth_getBlockReceipts: all receipts of one block in transaction order, each equal to what
// eth_getTransactionReceipt returns; by tag, number or hash (geth); null for a block that does not exist.
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RpcChain, type SampleBlocks, sampleBlocks, startRpcChain } from './fixture.ts';

describe('eth_getBlockReceipts', () => {
  let fx: RpcChain;
  let sample: SampleBlocks;
  /** The transaction hashes of block 1, in block order. */
  let block1Txs: Hex[];
  beforeAll(async () => {
    fx = await startRpcChain();
    sample = await sampleBlocks(fx);
    block1Txs = (await fx.call<{ transactions: Hex[] }>('eth_getBlockByNumber', ['0x1', false])).transactions;
  });
  afterAll(() => fx.stop());

  it('viem getBlockReceipts: every receipt of the block, in order, as eth_getTransactionReceipt', async () => {
    const client = fx.publicClient();
    const receipts = await client.getBlockReceipts({ blockNumber: 1n });
    expect(receipts.map((r) => r.transactionHash)).toEqual(block1Txs);
    expect(receipts.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(receipts[2]!.logs).toHaveLength(1);
    const raw = await fx.call('eth_getBlockReceipts', ['0x1']);
    const one = await Promise.all(block1Txs.map((h) => fx.call('eth_getTransactionReceipt', [h])));
    expect(raw).toEqual(one);
  });

  it('by hash, by tag, and an empty block', async () => {
    const client = fx.publicClient();
    const byHash = await client.getBlockReceipts({ blockHash: sample.hashes[0]! });
    expect(byHash.map((r) => r.transactionHash)).toEqual(block1Txs);
    expect(await fx.call('eth_getBlockReceipts', [{ blockHash: sample.hashes[0] }])).toEqual(
      await fx.call('eth_getBlockReceipts', ['0x1']),
    );
    const latest = await client.getBlockReceipts({ blockTag: 'latest' });
    expect(latest.map((r) => r.blockNumber)).toEqual([3n]);
    expect(await fx.call('eth_getBlockReceipts', ['0x2'])).toEqual([]);
    expect(await fx.call('eth_getBlockReceipts', ['earliest'])).toEqual([]);
  });

  it('null for a block that does not exist; bad input is a clear error', async () => {
    expect(await fx.call('eth_getBlockReceipts', ['0x63'])).toBeNull();
    expect(await fx.call('eth_getBlockReceipts', [`0x${'22'.repeat(32)}`])).toBeNull();
    expect(await fx.error('eth_getBlockReceipts', ['next'])).toEqual({
      code: -32602,
      message:
        'invalid argument 0: expected a hex block number or one of latest, pending, earliest, safe, finalized, got "next"',
    });
    expect(await fx.error('eth_getBlockReceipts', [])).toEqual({
      code: -32602,
      message: 'missing value for required argument 0',
    });
  });
});
