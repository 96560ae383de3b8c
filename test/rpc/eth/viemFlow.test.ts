// End to end with viem against a whole in-process node (block production every 100 ms, real
// LevelDB, real RPC server): send EIP-1559 and legacy transfers with a wallet client, wait for the
// receipts, and check balances, nonces and blocks to the wei, block by block.
import { type Address, type Hash, parseEther, type TransactionReceipt } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStakingParams, STAKING_ADDRESS } from '../../../state/modules/staking/index.ts';
import { startTestNode, TEST_BALANCE, type TestNode } from '../../helpers/node.ts';

describe('viem end to end', () => {
  let t: TestNode;
  let pub: ReturnType<TestNode['publicClient']>;
  beforeAll(async () => {
    t = await startTestNode({ accounts: 5 });
    pub = t.publicClient();
  });
  afterAll(() => t.stop());

  const address = (i: number) => t.accounts[i]!.address as Address;

  async function send(from: number, to: Address, value: bigint, type: 'eip1559' | 'legacy'): Promise<Hash> {
    const wallet = t.walletClient(from);
    return wallet.sendTransaction({ account: wallet.account!, chain: t.viemChain, to, value, type });
  }

  /** Balance and nonce changes of `who` made by the block of `receipt` (its state minus its parent's). */
  async function delta(who: Address, receipt: TransactionReceipt) {
    const n = receipt.blockNumber;
    const [before, after, nonceBefore, nonceAfter] = await Promise.all([
      pub.getBalance({ address: who, blockNumber: n - 1n }),
      pub.getBalance({ address: who, blockNumber: n }),
      pub.getTransactionCount({ address: who, blockNumber: n - 1n }),
      pub.getTransactionCount({ address: who, blockNumber: n }),
    ]);
    return { balance: after - before, nonce: nonceAfter - nonceBefore };
  }

  for (const [type, from, to] of [
    ['eip1559', 1, 3],
    ['legacy', 2, 4],
  ] as const) {
    it(`${type}: sendTransaction, receipt, exact balances, nonces and block`, async () => {
      const value = parseEther('1.5');
      const hash = await send(from, address(to), value, type);
      const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 50 });
      expect(receipt).toMatchObject({
        status: 'success',
        type,
        from: address(from).toLowerCase(),
        to: address(to).toLowerCase(),
        gasUsed: 21_000n,
        cumulativeGasUsed: 21_000n,
        logs: [],
        contractAddress: null,
      });
      const block = await pub.getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true });
      expect(block.hash).toBe(receipt.blockHash);
      expect(block.transactions.map((tx) => tx.hash)).toEqual([hash]);
      const tx = await pub.getTransaction({ hash });
      expect(block.transactions[0]).toEqual(tx);
      expect(tx).toMatchObject({
        type,
        value,
        from: address(from).toLowerCase(),
        nonce: 0,
        blockNumber: receipt.blockNumber,
      });

      // What the sender paid per gas: its gas price (legacy) or min(maxFee, baseFee + tip).
      const baseFee = block.baseFeePerGas!;
      const price =
        type === 'legacy' ? tx.gasPrice! : minBig(tx.maxFeePerGas!, baseFee + tx.maxPriorityFeePerGas!);
      expect(receipt.effectiveGasPrice).toBe(price);
      const fee = receipt.gasUsed * receipt.effectiveGasPrice;

      expect(await delta(address(from), receipt)).toEqual({ balance: -(value + fee), nonce: 1 });
      expect(await delta(address(to), receipt)).toEqual({ balance: value, nonce: 0 });
      // The tip, and feesToStakersBps of the unburned base fee, go to the stakers (held by the
      // staking module until withdrawn); the proposer's account (0 here) gets nothing directly.
      const { baseFeeBurnBps } = t.node.chain.params();
      const { feesToStakersBps } = readStakingParams(t.node.chain.state);
      const baseFees = baseFee * receipt.gasUsed;
      const unburned = baseFees - (baseFees * BigInt(baseFeeBurnBps)) / 10_000n;
      expect(await delta(STAKING_ADDRESS, receipt)).toEqual({
        balance: (price - baseFee) * receipt.gasUsed + (unburned * BigInt(feesToStakersBps)) / 10_000n,
        nonce: 0,
      });
      expect(await delta(address(0), receipt)).toEqual({ balance: 0n, nonce: 0 });

      // Latest state agrees, for both sides.
      expect(await pub.getBalance({ address: address(from) })).toBe(TEST_BALANCE - value - fee);
      expect(await pub.getBalance({ address: address(to) })).toBe(TEST_BALANCE + value);
      expect(await pub.getTransactionCount({ address: address(from) })).toBe(1);
      expect(await pub.getTransactionCount({ address: address(from), blockTag: 'pending' })).toBe(1);
    });
  }

  it('several transfers in a row from one account: nonces in order, balance to the wei', async () => {
    const from = 3;
    const start = await pub.getBalance({ address: address(from) });
    const startNonce = await pub.getTransactionCount({ address: address(from) });
    const hashes: Hash[] = [];
    // The wallet client asks for the pending nonce each time, so the three go out as n, n+1, n+2.
    for (const value of [1n, 2n, 3n]) hashes.push(await send(from, address(1), value, 'eip1559'));
    const receipts = await Promise.all(
      hashes.map((hash) => pub.waitForTransactionReceipt({ hash, pollingInterval: 50 })),
    );
    const txs = await Promise.all(hashes.map((hash) => pub.getTransaction({ hash })));
    expect(txs.map((tx) => tx.nonce)).toEqual([startNonce, startNonce + 1, startNonce + 2]);
    expect(receipts.every((r) => r.status === 'success')).toBe(true);
    const paid = receipts.reduce((sum, r) => sum + r.gasUsed * r.effectiveGasPrice, 0n);
    expect(await pub.getBalance({ address: address(from) })).toBe(start - 6n - paid);
    expect(await pub.getTransactionCount({ address: address(from) })).toBe(startNonce + 3);
  });

  it('blocks keep coming: numbers, parent links and timestamps', async () => {
    const head = await pub.getBlockNumber({ cacheTime: 0 });
    const blocks = await Promise.all(
      [head - 2n, head - 1n, head].map((n) => pub.getBlock({ blockNumber: n })),
    );
    expect(blocks[1]!.parentHash).toBe(blocks[0]!.hash);
    expect(blocks[2]!.parentHash).toBe(blocks[1]!.hash);
    expect(blocks[2]!.timestamp).toBeGreaterThanOrEqual(blocks[0]!.timestamp);
    expect((await pub.getBlock({ blockNumber: 0n })).hash).toBe(t.node.chain.genesisHash);
  });

  it("the node's own module addresses have code 0xfe; other addresses none", async () => {
    // Module addresses of the design (attribution, staking, governance): only those registered in
    // this build count as contracts.
    for (const module of [
      '0x0000000000000000000000000000000000000a77',
      '0x00000000000000000000000000000000000057a4',
      '0x00000000000000000000000000000000000060f0',
    ] as const) {
      const registered = t.node.chain.modules.get(module) !== undefined;
      expect(await pub.getCode({ address: module }), module).toBe(registered ? '0xfe' : undefined);
    }
    for (const m of t.node.chain.modules.list())
      expect(await pub.getCode({ address: m.address })).toBe('0xfe');
    expect(await pub.getCode({ address: address(0) })).toBeUndefined();
  });
});

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
