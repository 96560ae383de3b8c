// The latest blocks' summaries (transaction hashes and encoded size), kept so that a client asking
// for each new block (eth_getBlockByNumber without full transactions) is answered without reading
// and re-hashing the block's transactions: what they hold must be what the stored block gives.
import { afterEach, describe, expect, it } from 'vitest';
import { type Address, addressFromPrivateKey } from '../../../core/address.ts';
import { encodeBlock } from '../../../core/block.ts';
import { signTx, txHash } from '../../../core/tx.ts';
import { BlockStore } from '../../../state/store/blockStore.ts';
import { openTestChain, type TestChain } from '../../helpers/chain.ts';

const key = new Uint8Array(32).fill(7);
const sender = addressFromPrivateKey(key);
const SINK: Address = '0x000000000000000000000000000000000000beef';

function transfer(nonce: bigint): Uint8Array {
  return signTx(
    {
      type: 2,
      chainId: 1337n,
      nonce,
      maxFeePerGas: 100n * 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
      gasLimit: 21_000n,
      to: SINK,
      value: nonce + 1n,
      data: new Uint8Array(),
      accessList: [],
    },
    key,
  ).raw;
}

let t: TestChain | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('recent block summaries', () => {
  it("hold each committed block's transaction hashes in order and its encoded size", async () => {
    t = await openTestChain({ alloc: [{ address: sender, balance: 10n ** 21n }] });
    let nonce = 0n;
    for (const count of [5, 0, 3]) {
      for (let i = 0; i < count; i++) await t.chain.checkTx(transfer(nonce++));
      const { block } = await t.produce();
      const height = block.header.height;
      const stored = (await t.chain.blocks.getBlock(height))!;
      expect(stored.txs).toHaveLength(count);
      expect(t.chain.blocks.recentSummary(height)).toEqual({
        txHashes: stored.txs.map(txHash),
        size: encodeBlock(stored).length,
      });
    }
    // A reopened store has none: the RPC reads those blocks instead.
    t = await t.reopen();
    expect(t.chain.blocks.recentSummary(1)).toBeUndefined();
  });

  it('keep the latest blocks within the hash budget, and always the latest block', () => {
    const db = { getSync: () => undefined } as unknown as ConstructorParameters<typeof BlockStore>[0];
    const store = new BlockStore(db, { recentSummaryTxs: 5 });
    const header = {} as Parameters<BlockStore['markCommitted']>[1];
    const summary = (n: number) => ({
      txHashes: Array.from({ length: n }, (_, i) => `0x${i}` as const),
      size: n,
    });
    const held = () => [1, 2, 3, 4, 5].filter((h) => store.recentSummary(h) !== undefined);

    store.markCommitted(1, header, '0x01', summary(2));
    store.markCommitted(2, header, '0x02', summary(2));
    expect(held()).toEqual([1, 2]);
    store.markCommitted(3, header, '0x03', summary(1)); // 5 hashes: at the budget, all kept
    expect(held()).toEqual([1, 2, 3]);
    store.markCommitted(4, header, '0x04', summary(1)); // 6: the oldest goes
    expect(held()).toEqual([2, 3, 4]);
    store.markCommitted(5, header, '0x05', summary(9)); // alone above the budget, still kept
    expect(held()).toEqual([5]);
    expect(store.recentSummary(5)?.size).toBe(9);
  });
});
