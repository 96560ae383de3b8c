import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Address, addressFromPrivateKey } from '../../core/address.ts';
import { type Block, blockHash, txRoot } from '../../core/block.ts';
import type { Hex } from '../../core/bytes.ts';
import { inlineRecovery, type SenderRecovery } from '../../core/senderRecovery.ts';
import { encodeSignedTx, signTx } from '../../core/tx.ts';
import { buildGenesisBlock } from '../../genesis/build.ts';
import { makeGenesis } from '../../node/init.ts';
import { generateValidatorKey } from '../../node/keys.ts';
import { readAccount } from '../../state/accounts.ts';
import { Chain, InvalidProposalError } from '../../state/chain.ts';
import { readPool, STAKING_ADDRESS } from '../../state/modules/staking/index.ts';
import { Database } from '../../state/store/database.ts';
import { openTestChain, type TestChain } from '../helpers/chain.ts';

const keys = [1, 2, 3].map((i) => {
  const k = new Uint8Array(32);
  k[31] = i;
  return k;
});
const [alice, bob, carol] = keys.map(addressFromPrivateKey) as [Address, Address, Address];
const FUNDS = 10n ** 21n;
const GWEI = 10n ** 9n;
const TREASURY: Address = '0x0000000000000000000000000000000000007ea5';
const REWARD: Address = '0x00000000000000000000000000000000000fee01';

function transfer(from: number, nonce: bigint, to: Address, value: bigint, tip = 2n * GWEI) {
  return signTx(
    {
      type: 2,
      chainId: 1337n,
      nonce,
      maxFeePerGas: 100n * GWEI,
      maxPriorityFeePerGas: tip,
      gasLimit: 21_000n,
      to,
      value,
      data: new Uint8Array(),
      accessList: [],
    },
    keys[from]!,
  );
}

let t: TestChain | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function chainWithFunds(params = {}) {
  t = await openTestChain({
    alloc: [
      { address: alice, balance: FUNDS },
      { address: bob, balance: FUNDS },
    ],
    params: { treasury: TREASURY, ...params },
    rewardAddress: REWARD,
  });
  return t;
}

describe('Chain', () => {
  it('writes genesis allocations and keeps its head across a reopen', async () => {
    const c = await chainWithFunds();
    expect(c.chain.head.header.height).toBe(0);
    expect(c.chain.head.hash).toBe(c.chain.genesisHash);
    expect(readAccount(c.chain.state, alice)).toEqual({ nonce: 0n, balance: FUNDS });
    await c.produce();
    const head = c.chain.head;
    t = await c.reopen();
    expect(t.chain.head.hash).toBe(head.hash);
    expect(t.chain.head.header.height).toBe(1);
  });

  it('executes transfers, splits fees between burn, treasury and stakers, and stores receipts', async () => {
    const c = await chainWithFunds({ baseFeeBurnBps: 2_500 });
    const txs = [transfer(0, 0n, carol, 5n), transfer(0, 1n, carol, 6n), transfer(1, 0n, carol, 7n, 0n)];
    for (const tx of txs) await c.chain.checkTx(tx.raw);
    const { block, receipts } = await c.produce();
    expect(block.txs).toHaveLength(3);
    const baseFee = block.header.baseFeePerGas;
    expect(baseFee).toBe(GWEI); // genesis min base fee, empty parent
    expect(receipts.map((r) => r.cumulativeGasUsed)).toEqual([21_000n, 42_000n, 63_000n]);
    expect(receipts.every((r) => r.status === 1)).toBe(true);
    expect(readAccount(c.chain.state, carol).balance).toBe(18n);
    expect(readAccount(c.chain.state, alice)).toEqual({
      nonce: 2n,
      balance: FUNDS - 11n - 2n * 21_000n * (baseFee + 2n * GWEI),
    });
    const baseFees = 3n * 21_000n * baseFee;
    const unburned = baseFees - (baseFees * 2_500n) / 10_000n;
    const toStakers = (unburned * 5_000n) / 10_000n; // feesToStakersBps of the default genesis
    expect(readAccount(c.chain.state, TREASURY).balance).toBe(unburned - toStakers);
    // Block 1 has no lastCommit to pay: the stakers' share and the tips join the rewards pool.
    const tips = 2n * 21_000n * 2n * GWEI;
    expect(readPool(c.chain.state).rewardsPool).toBe(toStakers + tips);
    expect(readAccount(c.chain.state, STAKING_ADDRESS).balance).toBe(10n * 10n ** 18n + toStakers + tips);
    expect(readAccount(c.chain.state, REWARD).balance).toBe(0n);
    const loc = c.chain.blocks.txLocation(txs[2]!.hash)!;
    expect(loc).toEqual({ height: 1, index: 2 });
    expect(c.chain.blocks.getReceipt(1, 2)?.from).toBe(bob);
    expect(c.chain.mempool.size).toBe(0);
  });

  it('raises the base fee after a block above the gas target and lowers it after an empty one', async () => {
    // A block of four transfers; transactions are capped at 512 bytes so that one of the largest still fits it.
    const c = await chainWithFunds({ blockGasLimit: '84000', maxTxBytes: 512 });
    for (let n = 0n; n < 4n; n++) await c.chain.checkTx(transfer(0, n, carol, 1n).raw);
    const full = await c.produce();
    expect(full.block.header.gasUsed).toBe(84_000n);
    const next = await c.produce();
    // target 42,000, used 84,000: +1/8
    expect(next.block.header.baseFeePerGas).toBe(GWEI + GWEI / 8n);
    const after = await c.produce();
    expect(after.block.header.baseFeePerGas).toBeLessThan(next.block.header.baseFeePerGas);
    expect(after.block.header.baseFeePerGas).toBeGreaterThanOrEqual(GWEI);
  });

  it("builds at most the proposer's cap of transactions, and the block it leaves them out of is valid", async () => {
    const c = await chainWithFunds();
    const txs = [transfer(0, 0n, carol, 5n), transfer(0, 1n, carol, 6n), transfer(1, 0n, carol, 7n)];
    for (const tx of txs) await c.chain.checkTx(tx.raw);
    const capped = await c.propose({ maxTxs: 2 });
    expect(capped.txs).toHaveLength(2);
    const follower = await c.follower();
    expect(await follower.processProposal(capped)).toBe(blockHash(capped.header));
    await c.commit(capped);
    expect(c.chain.mempool.size).toBe(1);
    expect((await c.propose({ maxTxs: 2 })).txs).toHaveLength(1);
  });

  it('keeps a failed proposal from changing anything', async () => {
    const c = await chainWithFunds();
    await c.chain.checkTx(transfer(0, 0n, carol, 5n).raw);
    const good = await c.propose();
    const bad = { ...good, header: { ...good.header, stateRoot: `0x${'11'.repeat(32)}` as Hex } };
    await expect(c.chain.processProposal(bad)).rejects.toThrow(/stateRoot/);
    expect(c.chain.head.header.height).toBe(0);
    expect(readAccount(c.chain.state, carol).balance).toBe(0n);
    await c.commit(good);
    expect(readAccount(c.chain.state, carol).balance).toBe(5n);
  });
});

describe('processProposal rejects every inconsistent header field', () => {
  async function proposal(): Promise<{ c: TestChain; block: Block }> {
    const c = await chainWithFunds();
    await c.chain.checkTx(transfer(0, 0n, carol, 5n).raw);
    const block = await c.propose();
    return { c, block };
  }

  const cases: [string, (b: Block) => Block, RegExp][] = [
    ['height', (b) => ({ ...b, header: { ...b.header, height: 2 } }), /height 2, expected 1/],
    ['parent', (b) => ({ ...b, header: { ...b.header, parentHash: `0x${'22'.repeat(32)}` } }), /parent/],
    ['time', (b) => ({ ...b, header: { ...b.header, time: 0 } }), /time/],
    ['chain id', (b) => ({ ...b, header: { ...b.header, chainId: 1n } }), /chain id/],
    ['txRoot', (b) => ({ ...b, txs: [] }), /txRoot/],
    ['gasUsed', (b) => ({ ...b, header: { ...b.header, gasUsed: 1n } }), /gasUsed/],
    ['baseFee', (b) => ({ ...b, header: { ...b.header, baseFeePerGas: 7n } }), /baseFeePerGas/],
    ['gas limit', (b) => ({ ...b, header: { ...b.header, gasLimit: 30_000_000n } }), /gasLimit/],
    [
      'receipts',
      (b) => ({ ...b, header: { ...b.header, receiptsRoot: `0x${'33'.repeat(32)}` } }),
      /receiptsRoot/,
    ],
    [
      'proposer',
      (b) => ({ ...b, header: { ...b.header, proposer: '0x000000000000000000000000000000000000beef' } }),
      /not a validator/,
    ],
    [
      'validators',
      (b) => ({ ...b, header: { ...b.header, validatorsHash: `0x${'44'.repeat(32)}` } }),
      /validatorsHash/,
    ],
    [
      'evidence',
      (b) => ({ ...b, header: { ...b.header, evidenceHash: `0x${'55'.repeat(32)}` } }),
      /evidenceHash/,
    ],
    [
      'lastCommit',
      (b) => ({ ...b, lastCommit: { height: 0, round: 0, blockHash: b.header.parentHash, signatures: [] } }),
      /lastCommit/,
    ],
  ];

  for (const [name, tamper, reason] of cases) {
    it(`wrong ${name}`, async () => {
      const { c, block } = await proposal();
      const bad = tamper(block);
      await expect(c.chain.processProposal(bad)).rejects.toThrow(InvalidProposalError);
      await expect(c.chain.processProposal(bad)).rejects.toThrow(reason);
      expect(c.chain.head.header.height).toBe(0);
    });
  }

  it('a block with a transaction that cannot be included (nonce gap)', async () => {
    const { c, block } = await proposal();
    const gap = transfer(0, 5n, carol, 1n).raw;
    await expect(c.chain.processProposal({ ...block, txs: [...block.txs, gap] })).rejects.toThrow(/txRoot/);
    const txs = [...block.txs, gap];
    await expect(
      c.chain.processProposal({ ...block, txs, header: { ...block.header, txRoot: txRoot(txs) } }),
    ).rejects.toThrow(/nonce too high/);
  });

  it('a block with undecodable transaction bytes', async () => {
    const { c, block } = await proposal();
    const txs = [Uint8Array.of(0xc0)];
    await expect(
      c.chain.processProposal({ ...block, txs, header: { ...block.header, txRoot: txRoot(txs) } }),
    ).rejects.toThrow(/transaction #0/);
  });
});

describe('processProposal takes pooled transactions from the mempool', () => {
  async function withFollower() {
    const c = await chainWithFunds();
    const follower = await c.follower();
    const tx = transfer(0, 0n, carol, 5n);
    await c.chain.checkTx(tx.raw);
    await follower.mempool.add(tx.raw);
    const block = await c.propose();
    return { c, follower, tx, block };
  }

  it("a validator holding the block's transactions in its pool reaches the proposer's result", async () => {
    const { follower, block } = await withFollower();
    expect(follower.mempool.size).toBe(1);
    await expect(follower.processProposal(block)).resolves.toBe(blockHash(block.header));
  });

  it('a pooled transaction whose signature was changed is recovered again, not matched to the pool', async () => {
    const { follower, tx, block } = await withFollower();
    // Same signed fields and r, another s: the signing hash is the pooled one's, the bytes are not.
    const forged = encodeSignedTx(tx, { r: tx.r, s: tx.s + 1n, yParity: tx.yParity });
    const txs = [forged];
    const err: unknown = await follower
      .processProposal({ ...block, txs, header: { ...block.header, txRoot: txRoot(txs) } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidProposalError);
    // Recovered from the forged signature: some unfunded address, not the pooled sender.
    expect((err as Error).message).toMatch(/insufficient funds/);
    expect((err as Error).message.toLowerCase()).not.toContain(alice.toLowerCase());
    expect(follower.mempool.get(tx.hash)?.sender).toBe(alice);
  });
});

describe('prefetchSenders (block sync)', () => {
  it('recovers senders ahead of the block, in the bulk lane, which then executes with them and recovers nothing again', async () => {
    let recoveries = 0;
    const lanes = new Set<string | undefined>();
    const recovery: SenderRecovery = {
      recover: (tx, lane) => {
        recoveries++;
        lanes.add(lane);
        return inlineRecovery.recover(tx);
      },
      close: async () => {},
    };
    t = await openTestChain({
      alloc: [{ address: alice, balance: FUNDS }],
      params: { treasury: TREASURY },
      rewardAddress: REWARD,
      recovery,
    });
    for (let n = 0n; n < 3n; n++) await t.chain.checkTx(transfer(0, n, carol, 5n).raw);
    const { block, hash } = await t.produce();
    const follower = await t.follower();
    recoveries = 0;
    lanes.clear();
    follower.prefetchSenders(block);
    follower.prefetchSenders(block); // asked twice, recovered once
    expect(recoveries).toBe(3);
    // Block sync's lane, which may use every core (WorkerRecovery's bulk threads).
    expect([...lanes]).toEqual(['bulk']);
    expect(await follower.processProposal(block)).toBe(hash);
    expect(recoveries).toBe(3);
  });

  it('leaves undecodable bytes to processProposal, which names them', async () => {
    const c = await chainWithFunds();
    const { block } = await c.produce();
    const follower = await c.follower();
    const txs = [Uint8Array.of(0xc0)];
    const bad = { ...block, txs, header: { ...block.header, txRoot: txRoot(txs) } };
    follower.prefetchSenders(bad);
    await expect(follower.processProposal(bad)).rejects.toThrow(/transaction #0/);
    expect(follower.head.header.height).toBe(0);
  });
});

describe('genesis mismatch', () => {
  it('refuses a database created from another genesis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openchain-genesis-'));
    const genesisFor = (chainId: number) =>
      buildGenesisBlock(
        makeGenesis({
          chainId,
          genesisTime: new Date('2026-01-01T00:00:00Z'),
          alloc: [],
          validators: [{ name: 'v', key: generateValidatorKey(), power: 1n, rewardAddress: REWARD }],
        }),
      );
    try {
      const db = await Database.open(join(dir, 'db'));
      await Chain.open(db, await genesisFor(1));
      await db.close();
      const again = await Database.open(join(dir, 'db'));
      await expect(Chain.open(again, await genesisFor(2))).rejects.toMatchObject({
        code: 'GENESIS_MISMATCH',
      });
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
