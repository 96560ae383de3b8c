// Blocks: eth_getBlockByNumber, eth_getBlockByHash, eth_getBlockTransactionCountByNumber and
// ByHash, eth_getTransactionByBlockNumberAndIndex and ByBlockHashAndIndex.
// One describe per method (the ethereumjs client's one-spec-per-method layout, grouped by family:
// each vitest file costs a second or more of module loading, and 28 files took test/rpc far
// past its time budget).
import { type Hex, keccak256 } from 'viem';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeBlock } from '../../../core/block.ts';
import {
  addressTopic,
  BLOCK_GAS_LIMIT,
  ethBloom,
  hex,
  MIN_BASE_FEE,
  PING_GAS,
  PING_MODULE,
  PING_TOPIC,
  type RpcChain,
  type SampleBlocks,
  sampleBlocks,
  startRpcChain,
  ZERO_HASH,
} from './fixture.ts';

// All describes read one chain (sampleBlocks: blocks 1-3); only the last one adds a block.
let fx: RpcChain;
let sample: SampleBlocks;
beforeAll(async () => {
  fx = await startRpcChain();
  sample = await sampleBlocks(fx);
});
afterAll(() => fx.stop());

// eth_getBlockByNumber: a committed block by number or tag, with transaction hashes or full
// transactions, in Ethereum's post-merge shape (constant difficulty, nonce, mixHash, no uncles).
const GENESIS_SECONDS = Date.parse('2026-01-01T00:00:00Z') / 1000;
const EMPTY_UNCLES = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';

interface BlockJson {
  number: Hex;
  hash: Hex;
  parentHash: Hex;
  timestamp: Hex;
  transactions: (Hex | { hash: Hex })[];
  [key: string]: unknown;
}

describe('eth_getBlockByNumber', () => {
  /** The block as the node must return it, from the stored block (roots, proposer, size). */
  async function expected(height: number, transactions: unknown[]) {
    const { header, hash } = fx.chain.blocks.getHeader(height)!;
    const block = (await fx.chain.blocks.getBlock(height))!;
    return {
      number: hex(height),
      hash,
      parentHash: height === 0 ? ZERO_HASH : fx.chain.blocks.getHeader(height - 1)!.hash,
      nonce: '0x0000000000000000',
      sha3Uncles: EMPTY_UNCLES,
      logsBloom: expect.stringMatching(/^0x[0-9a-f]{512}$/),
      transactionsRoot: header.txRoot,
      stateRoot: header.stateRoot,
      receiptsRoot: header.receiptsRoot,
      miner: header.proposer,
      difficulty: '0x0',
      totalDifficulty: '0x0',
      extraData: '0x',
      gasLimit: hex(BLOCK_GAS_LIMIT),
      gasUsed: hex(header.gasUsed),
      timestamp: hex(GENESIS_SECONDS + height),
      mixHash: ZERO_HASH,
      baseFeePerGas: hex(MIN_BASE_FEE),
      size: hex(encodeBlock(block).length),
      transactions,
      uncles: [],
    };
  }

  it('genesis: number 0, zero parent hash, no transactions, the genesis hash', async () => {
    const genesis = await fx.call<BlockJson>('eth_getBlockByNumber', ['0x0', false]);
    expect(genesis).toEqual(await expected(0, []));
    expect(genesis.hash).toBe(fx.chain.genesisHash);
    expect(genesis.parentHash).toBe(ZERO_HASH);
    expect(genesis.gasUsed).toBe('0x0');
    expect(await fx.call('eth_getBlockByNumber', ['earliest', false])).toEqual(genesis);
  });

  it('a block with transactions: hashes in block order, gas used, logs bloom', async () => {
    const block = await fx.call<BlockJson>('eth_getBlockByNumber', ['0x1', false]);
    const stored = (await fx.chain.blocks.getBlock(1))!;
    const order = stored.txs.map((raw) => keccak256(raw));
    expect([...order].sort()).toEqual(sample.block1.map((raw) => keccak256(raw)).sort());
    expect(block).toEqual(await expected(1, order));
    // Two transfers and one module call with 3 non-zero calldata bytes.
    expect(block['gasUsed']).toBe(hex(3n * 21_000n + 3n * 16n + PING_GAS));
    // The block bloom holds the one log's address and topics.
    expect(block['logsBloom']).toBe(
      ethBloom([{ address: PING_MODULE, topics: [PING_TOPIC, addressTopic(fx.accounts[2]!.address)] }]),
    );
    expect(block.hash).toBe(sample.hashes[0]);
  });

  it('full transactions: each equal to eth_getTransactionByHash', async () => {
    const block = await fx.call<BlockJson>('eth_getBlockByNumber', ['0x1', true]);
    const hashes = (await fx.call<BlockJson>('eth_getBlockByNumber', ['0x1', false])).transactions as Hex[];
    expect(block.transactions).toHaveLength(3);
    for (const [i, tx] of block.transactions.entries()) {
      expect(tx).toEqual(await fx.call('eth_getTransactionByHash', [hashes[i]]));
      expect(tx).toMatchObject({ blockHash: block.hash, blockNumber: '0x1', transactionIndex: hex(i) });
    }
    expect(await fx.call('eth_getBlockByNumber', ['0x2', true])).toEqual(await expected(2, []));
  });

  it("a recent block is served from its summary, the same as from the stored block's transactions", async () => {
    const getTxs = vi.spyOn(fx.chain.blocks, 'getTxs');
    const recent = await fx.call<BlockJson>('eth_getBlockByNumber', ['0x1', false]);
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['0x1'])).toBe('0x3');
    expect(getTxs).not.toHaveBeenCalled();
    vi.spyOn(fx.chain.blocks, 'recentSummary').mockReturnValue(undefined);
    try {
      expect(await fx.call('eth_getBlockByNumber', ['0x1', false])).toEqual(recent);
      expect(await fx.call('eth_getBlockTransactionCountByNumber', ['0x1'])).toBe('0x3');
      expect(getTxs).toHaveBeenCalledTimes(2); // once for each call: the block's transactions are read once
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('an empty block has an empty bloom and zero gas used', async () => {
    const block = await fx.call<BlockJson>('eth_getBlockByNumber', ['0x2', false]);
    expect(block).toEqual(await expected(2, []));
    expect(block['logsBloom']).toBe(`0x${'00'.repeat(256)}`);
    expect(block['gasUsed']).toBe('0x0');
  });

  it('tags: latest, pending, safe and finalized are the head; earliest is genesis', async () => {
    const head = await fx.call<BlockJson>('eth_getBlockByNumber', ['0x3', false]);
    expect(head.transactions).toEqual([keccak256(sample.later)]);
    for (const tag of ['latest', 'pending', 'safe', 'finalized'])
      expect(await fx.call('eth_getBlockByNumber', [tag, false])).toEqual(head);
    expect((await fx.call<BlockJson>('eth_getBlockByNumber', ['earliest', true])).number).toBe('0x0');
  });

  it('parent hashes link each block to the one before; timestamps do not decrease', async () => {
    let previous: BlockJson | undefined;
    for (let n = 0; n <= 3; n++) {
      const block = await fx.call<BlockJson>('eth_getBlockByNumber', [hex(n), false]);
      expect(block.number).toBe(hex(n));
      if (previous) {
        expect(block.parentHash).toBe(previous.hash);
        expect(BigInt(block.timestamp)).toBeGreaterThanOrEqual(BigInt(previous.timestamp));
      }
      previous = block;
    }
  });

  it('a block after the head is null', async () => {
    expect(await fx.call('eth_getBlockByNumber', ['0x4', false])).toBeNull();
    expect(await fx.call('eth_getBlockByNumber', ['0xffffffff', true])).toBeNull();
  });

  it('viem getBlock by number and tag', async () => {
    const client = fx.publicClient();
    const block = await client.getBlock({ blockNumber: 1n, includeTransactions: true });
    expect(block).toMatchObject({
      number: 1n,
      hash: sample.hashes[0],
      baseFeePerGas: MIN_BASE_FEE,
      gasLimit: BLOCK_GAS_LIMIT,
      timestamp: BigInt(GENESIS_SECONDS + 1),
    });
    expect(block.transactions.map((t) => t.hash).sort()).toEqual(
      sample.block1.map((raw) => keccak256(raw)).sort(),
    );
    expect((await client.getBlock({ blockTag: 'finalized' })).number).toBe(3n);
    expect((await client.getBlock({ blockTag: 'earliest' })).hash).toBe(fx.chain.genesisHash);
  });

  it('rejects malformed parameters with -32602', async () => {
    const cases: [unknown[], string][] = [
      [[], 'missing value for required argument 0'],
      [['latest'], 'missing value for required argument 1'],
      [['latest', 'true'], 'invalid argument 1: expected a boolean, got "true"'],
      [['0x01', false], 'invalid argument 0: block number "0x01" has leading zero digits'],
      [[1, false], 'invalid argument 0: expected a block number or tag, got a number'],
      [
        ['newest', false],
        'invalid argument 0: expected a hex block number or one of latest, pending, earliest, safe, finalized, got "newest"',
      ],
      // A block hash is not a number: eth_getBlockByHash takes it.
      [[`0x${'ab'.repeat(32)}`, false], 'invalid argument 0: block number exceeds 53 bits'],
      [['latest', false, 1], 'too many arguments, want at most 2'],
    ];
    for (const [params, message] of cases) {
      expect(await fx.error('eth_getBlockByNumber', params), JSON.stringify(params)).toEqual({
        code: -32602,
        message,
      });
    }
  });
});

// eth_getBlockByHash: the same block JSON as eth_getBlockByNumber, found by its hash; null if unknown.
describe('eth_getBlockByHash', () => {
  it('every block by its hash equals the block by its number, hashes or full transactions', async () => {
    const hashes = [fx.chain.genesisHash, ...sample.hashes];
    for (const [n, hash] of hashes.entries()) {
      for (const full of [false, true]) {
        const byHash = await fx.call<{ hash: Hex; number: Hex }>('eth_getBlockByHash', [hash, full]);
        expect(byHash).toEqual(await fx.call('eth_getBlockByNumber', [hex(n), full]));
        expect(byHash.hash).toBe(hash);
        expect(byHash.number).toBe(hex(n));
      }
    }
  });

  it('the genesis block has the zero parent hash; each later block names its parent', async () => {
    const genesis = await fx.call<{ parentHash: Hex }>('eth_getBlockByHash', [fx.chain.genesisHash, false]);
    expect(genesis.parentHash).toBe(ZERO_HASH);
    let parent = fx.chain.genesisHash;
    for (const hash of sample.hashes) {
      expect(await fx.call('eth_getBlockByHash', [hash, false])).toMatchObject({ parentHash: parent });
      parent = hash;
    }
  });

  it('full transactions carry the block hash', async () => {
    const block = await fx.call<{ transactions: { hash: Hex; blockHash: Hex }[] }>('eth_getBlockByHash', [
      sample.hashes[2],
      true,
    ]);
    expect(block.transactions).toEqual([
      expect.objectContaining({
        hash: keccak256(sample.later),
        blockHash: sample.hashes[2],
        blockNumber: '0x3',
      }),
    ]);
  });

  it('accepts the hash in upper case', async () => {
    const upper = `0x${sample.hashes[0]!.slice(2).toUpperCase()}`;
    expect(await fx.call('eth_getBlockByHash', [upper, false])).toMatchObject({ hash: sample.hashes[0] });
  });

  it('an unknown hash is null; a transaction hash is not a block hash', async () => {
    expect(await fx.call('eth_getBlockByHash', [`0x${'42'.repeat(32)}`, false])).toBeNull();
    expect(await fx.call('eth_getBlockByHash', [keccak256(sample.later), true])).toBeNull();
  });

  it('viem getBlock by hash', async () => {
    const block = await fx
      .publicClient()
      .getBlock({ blockHash: sample.hashes[0]!, includeTransactions: false });
    expect(block.number).toBe(1n);
    expect(block.transactions).toHaveLength(3);
  });

  it('rejects malformed parameters with -32602', async () => {
    const cases: [unknown[], string][] = [
      [[], 'missing value for required argument 0'],
      [[sample.hashes[0]], 'missing value for required argument 1'],
      [['0x1', false], 'invalid argument 0: expected a 32-byte hex hash, got "0x1"'],
      [['latest', false], 'invalid argument 0: expected a 32-byte hex hash, got "latest"'],
      [[sample.hashes[0], 1], 'invalid argument 1: expected a boolean, got a number'],
    ];
    for (const [params, message] of cases) {
      expect(await fx.error('eth_getBlockByHash', params), JSON.stringify(params)).toEqual({
        code: -32602,
        message,
      });
    }
  });
});

// eth_getBlockTransactionCountByHash: how many transactions a block holds; null for an unknown hash.
describe('eth_getBlockTransactionCountByHash', () => {
  it('counts by hash', async () => {
    expect(await fx.call('eth_getBlockTransactionCountByHash', [fx.chain.genesisHash])).toBe('0x0');
    expect(await fx.call('eth_getBlockTransactionCountByHash', [sample.hashes[0]])).toBe('0x3');
    expect(await fx.call('eth_getBlockTransactionCountByHash', [sample.hashes[1]])).toBe('0x0');
    expect(await fx.call('eth_getBlockTransactionCountByHash', [sample.hashes[2]])).toBe('0x1');
    expect(await fx.publicClient().getBlockTransactionCount({ blockHash: sample.hashes[0]! })).toBe(3);
  });

  it('an unknown hash is null', async () => {
    expect(await fx.call('eth_getBlockTransactionCountByHash', [`0x${'42'.repeat(32)}`])).toBeNull();
  });

  it('rejects malformed parameters with -32602', async () => {
    expect(await fx.error('eth_getBlockTransactionCountByHash', [])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getBlockTransactionCountByHash', ['latest'])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getBlockTransactionCountByHash', ['0x1'])).toMatchObject({ code: -32602 });
  });
});

// eth_getTransactionByBlockNumberAndIndex: the transaction at a position in a block; null past the
// end or for no block.
describe('eth_getTransactionByBlockNumberAndIndex', () => {
  it("each position equals eth_getTransactionByHash of the block's transaction there", async () => {
    const block = await fx.call<{ transactions: Hex[] }>('eth_getBlockByNumber', ['0x1', false]);
    expect(block.transactions).toHaveLength(3);
    for (const [i, hash] of block.transactions.entries()) {
      const tx = await fx.call('eth_getTransactionByBlockNumberAndIndex', ['0x1', hex(i)]);
      expect(tx).toEqual(await fx.call('eth_getTransactionByHash', [hash]));
      expect(tx).toMatchObject({
        hash,
        blockNumber: '0x1',
        transactionIndex: hex(i),
        blockHash: sample.hashes[0],
      });
    }
  });

  it('by tag', async () => {
    for (const tag of ['latest', 'pending', 'safe', 'finalized'])
      expect(await fx.call('eth_getTransactionByBlockNumberAndIndex', [tag, '0x0'])).toMatchObject({
        hash: keccak256(sample.later),
        blockNumber: '0x3',
      });
    expect(await fx.call('eth_getTransactionByBlockNumberAndIndex', ['earliest', '0x0'])).toBeNull();
  });

  it('an index past the end, an empty block, or no block: null', async () => {
    expect(await fx.call('eth_getTransactionByBlockNumberAndIndex', ['0x1', '0x3'])).toBeNull();
    expect(
      await fx.call('eth_getTransactionByBlockNumberAndIndex', ['0x1', '0xffffffffffffffff']),
    ).toBeNull();
    expect(await fx.call('eth_getTransactionByBlockNumberAndIndex', ['0x2', '0x0'])).toBeNull();
    expect(await fx.call('eth_getTransactionByBlockNumberAndIndex', ['0x9', '0x0'])).toBeNull();
  });

  it('viem getTransaction by block number and index', async () => {
    const tx = await fx.publicClient().getTransaction({ blockNumber: 3n, index: 0 });
    expect(tx.hash).toBe(keccak256(sample.later));
  });

  it('rejects malformed parameters with -32602', async () => {
    const cases: unknown[][] = [[], ['0x1'], ['0x1', 0], ['0x1', '0x'], ['0x1', '0x01'], ['one', '0x0']];
    for (const params of cases)
      expect(
        await fx.error('eth_getTransactionByBlockNumberAndIndex', params),
        JSON.stringify(params),
      ).toMatchObject({
        code: -32602,
      });
  });
});

// eth_getTransactionByBlockHashAndIndex: the transaction at a position in the block with this hash.
describe('eth_getTransactionByBlockHashAndIndex', () => {
  it("each position equals eth_getTransactionByHash of the block's transaction there", async () => {
    const block = await fx.call<{ transactions: Hex[] }>('eth_getBlockByHash', [sample.hashes[0], false]);
    for (const [i, hash] of block.transactions.entries()) {
      const tx = await fx.call('eth_getTransactionByBlockHashAndIndex', [sample.hashes[0], hex(i)]);
      expect(tx).toEqual(await fx.call('eth_getTransactionByHash', [hash]));
      expect(tx).toEqual(await fx.call('eth_getTransactionByBlockNumberAndIndex', ['0x1', hex(i)]));
    }
    expect(await fx.call('eth_getTransactionByBlockHashAndIndex', [sample.hashes[2], '0x0'])).toMatchObject({
      hash: keccak256(sample.later),
    });
  });

  it('an index past the end, an empty block, or an unknown hash: null', async () => {
    expect(await fx.call('eth_getTransactionByBlockHashAndIndex', [sample.hashes[0], '0x3'])).toBeNull();
    expect(await fx.call('eth_getTransactionByBlockHashAndIndex', [sample.hashes[1], '0x0'])).toBeNull();
    expect(await fx.call('eth_getTransactionByBlockHashAndIndex', [fx.chain.genesisHash, '0x0'])).toBeNull();
    expect(
      await fx.call('eth_getTransactionByBlockHashAndIndex', [`0x${'42'.repeat(32)}`, '0x0']),
    ).toBeNull();
  });

  it('viem getTransaction by block hash and index', async () => {
    const tx = await fx.publicClient().getTransaction({ blockHash: sample.hashes[2]!, index: 0 });
    expect(tx.hash).toBe(keccak256(sample.later));
  });

  it('rejects malformed parameters with -32602', async () => {
    const cases: unknown[][] = [
      [],
      [sample.hashes[0]],
      ['0x1', '0x0'],
      ['latest', '0x0'],
      [sample.hashes[0], 1],
    ];
    for (const params of cases)
      expect(
        await fx.error('eth_getTransactionByBlockHashAndIndex', params),
        JSON.stringify(params),
      ).toMatchObject({
        code: -32602,
      });
  });
});

// Uncles: a BFT chain has none; the methods exist so that clients which ask get Ethereum's answers.
describe('eth_getUncleCountByBlockNumber/ByBlockHash, eth_getUncleByBlockNumberAndIndex/ByBlockHashAndIndex', () => {
  it('no block has uncles; an unknown block is null', async () => {
    expect(await fx.call('eth_getUncleCountByBlockNumber', ['0x1'])).toBe('0x0');
    expect(await fx.call('eth_getUncleCountByBlockNumber', ['latest'])).toBe('0x0');
    expect(await fx.call('eth_getUncleCountByBlockNumber', ['0x9'])).toBeNull();
    expect(await fx.call('eth_getUncleCountByBlockHash', [sample.hashes[0]])).toBe('0x0');
    expect(await fx.call('eth_getUncleCountByBlockHash', [`0x${'42'.repeat(32)}`])).toBeNull();
    expect(await fx.call('eth_getUncleByBlockNumberAndIndex', ['0x1', '0x0'])).toBeNull();
    expect(await fx.call('eth_getUncleByBlockHashAndIndex', [sample.hashes[0], '0x0'])).toBeNull();
    expect(await fx.error('eth_getUncleByBlockHashAndIndex', [sample.hashes[0]])).toMatchObject({
      code: -32602,
    });
  });
});

// eth_getBlockTransactionCountByNumber: how many transactions a block holds; null for no block.
describe('eth_getBlockTransactionCountByNumber', () => {
  it('counts by number', async () => {
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['0x0'])).toBe('0x0');
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['0x1'])).toBe('0x3');
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['0x2'])).toBe('0x0');
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['0x3'])).toBe('0x1');
  });

  it('counts by tag', async () => {
    for (const tag of ['latest', 'pending', 'safe', 'finalized'])
      expect(await fx.call('eth_getBlockTransactionCountByNumber', [tag])).toBe('0x1');
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['earliest'])).toBe('0x0');
    expect(await fx.publicClient().getBlockTransactionCount({ blockNumber: 1n })).toBe(3);
  });

  it('pooled transactions are not counted until mined', async () => {
    await fx.send(3, { nonce: 0 });
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['pending'])).toBe('0x1');
    await fx.produce();
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['latest'])).toBe('0x1');
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['0x4'])).toBe('0x1');
  });

  it('a block after the head is null', async () => {
    expect(await fx.call('eth_getBlockTransactionCountByNumber', ['0x5'])).toBeNull();
  });

  it('rejects malformed parameters with -32602', async () => {
    expect(await fx.error('eth_getBlockTransactionCountByNumber', [])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getBlockTransactionCountByNumber', [1])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getBlockTransactionCountByNumber', [fx.chain.genesisHash])).toMatchObject({
      code: -32602,
    });
  });
});
