// Transactions read back: eth_getTransactionByHash, eth_getTransactionReceipt.
// One describe per method (the ethereumjs client's one-spec-per-method layout, grouped by family:
// each vitest file costs a second or more of module loading, and 28 files took test/rpc far
// past its time budget).
import { type Hex, keccak256, parseTransaction } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addressTopic,
  CHAIN_ID,
  ethBloom,
  GWEI,
  hex,
  MIN_BASE_FEE,
  PING_FAIL,
  PING_GAS,
  PING_MODULE,
  PING_TOPIC,
  pingData,
  type RpcChain,
  STRANGER,
  startRpcChain,
} from './fixture.ts';

// eth_getTransactionByHash: a pooled or committed transaction, field for field what the wallet
// signed (type, nonce, gas, fees, value, input, access list, v/r/s/yParity, chain id); null if unknown.
interface At {
  blockHash: Hex;
  blockNumber: number;
  index: number;
}

/** The JSON a geth-compatible node returns for `raw`, built from viem's own parse of it. */
function expected(raw: Hex, from: string, at: At | null): Record<string, unknown> {
  const tx = parseTransaction(raw);
  const common = {
    hash: keccak256(raw),
    type: tx.type === 'legacy' ? '0x0' : '0x2',
    chainId: hex(tx.chainId!),
    nonce: hex(tx.nonce!),
    from: from.toLowerCase(),
    to: tx.to!.toLowerCase(),
    value: hex(tx.value ?? 0n),
    gas: hex(tx.gas!),
    input: tx.data ?? '0x',
    r: hex(BigInt(tx.r!)),
    s: hex(BigInt(tx.s!)),
    blockHash: at?.blockHash ?? null,
    blockNumber: at ? hex(at.blockNumber) : null,
    transactionIndex: at ? hex(at.index) : null,
  };
  if (tx.type === 'legacy') return { ...common, gasPrice: hex(tx.gasPrice!), v: hex(tx.v!) };
  const paid =
    MIN_BASE_FEE + tx.maxPriorityFeePerGas! < tx.maxFeePerGas!
      ? MIN_BASE_FEE + tx.maxPriorityFeePerGas!
      : tx.maxFeePerGas!;
  return {
    ...common,
    // Pending: the most it may pay, as geth; mined: what it paid, min(maxFee, baseFee + tip).
    gasPrice: hex(at ? paid : tx.maxFeePerGas!),
    maxFeePerGas: hex(tx.maxFeePerGas!),
    maxPriorityFeePerGas: hex(tx.maxPriorityFeePerGas!),
    accessList: (tx.accessList ?? []).map((e) => ({
      address: e.address.toLowerCase(),
      storageKeys: e.storageKeys,
    })),
    v: hex(tx.yParity!),
    yParity: hex(tx.yParity!),
  };
}

describe('eth_getTransactionByHash', () => {
  let fx: RpcChain;
  let dynamic: Hex;
  let legacy: Hex;
  let withAccessList: Hex;
  let capped: Hex;

  beforeAll(async () => {
    fx = await startRpcChain();
    dynamic = await fx.sign(0, {
      nonce: 0,
      value: 10n ** 18n,
      maxFeePerGas: 5n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
    });
    legacy = await fx.sign(1, {
      nonce: 0,
      type: 'legacy',
      gasPrice: 3n * GWEI,
      value: 7n,
      to: fx.accounts[2]!.address,
    });
    withAccessList = await fx.sign(2, {
      nonce: 0,
      to: PING_MODULE,
      data: '0x00ff',
      gas: 60_000n,
      accessList: [{ address: STRANGER, storageKeys: [`0x${'00'.repeat(31)}07`, `0x${'11'.repeat(32)}`] }],
    });
    // Max fee 1.5 gwei with a 1 gwei tip: pays 1.5 gwei, not base fee + tip = 2 gwei.
    capped = await fx.sign(3, { nonce: 0, maxFeePerGas: (15n * GWEI) / 10n, maxPriorityFeePerGas: GWEI });
    for (const raw of [dynamic, legacy, withAccessList, capped])
      await fx.call('eth_sendRawTransaction', [raw]);
  });
  afterAll(() => fx.stop());

  it('pending: every field as signed, no block, gasPrice = max fee for EIP-1559', async () => {
    const senders = [0, 1, 2, 3].map((i) => fx.accounts[i]!.address);
    const raws = [dynamic, legacy, withAccessList, capped];
    for (const [i, raw] of raws.entries()) {
      expect(await fx.call('eth_getTransactionByHash', [keccak256(raw)])).toEqual(
        expected(raw, senders[i]!, null),
      );
    }
    // Spot checks against literal values, so the test does not only agree with itself.
    expect(await fx.call('eth_getTransactionByHash', [keccak256(dynamic)])).toMatchObject({
      type: '0x2',
      chainId: '0x539',
      nonce: '0x0',
      gas: '0x5208',
      value: '0xde0b6b3a7640000',
      gasPrice: '0x12a05f200',
      maxFeePerGas: '0x12a05f200',
      maxPriorityFeePerGas: '0x77359400',
      input: '0x',
      accessList: [],
    });
    expect(await fx.call('eth_getTransactionByHash', [keccak256(legacy)])).toMatchObject({
      type: '0x0',
      gasPrice: '0xb2d05e00',
      value: '0x7',
      v: expect.stringMatching(/^0xa9[56]$/), // 1337 * 2 + 35 + yParity = 2709 or 2710
    });
    expect(await fx.call('eth_getTransactionByHash', [keccak256(withAccessList)])).toMatchObject({
      input: '0x00ff',
      to: PING_MODULE,
      accessList: [{ address: STRANGER, storageKeys: [`0x${'00'.repeat(31)}07`, `0x${'11'.repeat(32)}`] }],
    });
  });

  it('mined: block hash, number and index; gasPrice = what was paid', async () => {
    const { hash: blockHash, block } = await fx.produce();
    const index = (raw: Hex) => block.txs.findIndex((t) => `0x${Buffer.from(t).toString('hex')}` === raw);
    const senders = [0, 1, 2, 3].map((i) => fx.accounts[i]!.address);
    for (const [i, raw] of [dynamic, legacy, withAccessList, capped].entries()) {
      expect(index(raw)).toBeGreaterThanOrEqual(0);
      expect(await fx.call('eth_getTransactionByHash', [keccak256(raw)])).toEqual(
        expected(raw, senders[i]!, { blockHash, blockNumber: 1, index: index(raw) }),
      );
    }
    expect(await fx.call('eth_getTransactionByHash', [keccak256(dynamic)])).toMatchObject({
      gasPrice: hex(3n * GWEI),
    });
    expect(await fx.call('eth_getTransactionByHash', [keccak256(capped)])).toMatchObject({
      gasPrice: hex((15n * GWEI) / 10n),
    });
  });

  it('viem getTransaction parses it back to what was signed', async () => {
    const tx = await fx.publicClient().getTransaction({ hash: keccak256(dynamic) });
    const signed = parseTransaction(dynamic);
    expect(tx).toMatchObject({
      type: 'eip1559',
      chainId: CHAIN_ID,
      from: fx.accounts[0]!.address.toLowerCase(),
      to: STRANGER,
      nonce: 0,
      gas: 21_000n,
      value: 10n ** 18n,
      maxFeePerGas: 5n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
      r: signed.r,
      s: signed.s,
      yParity: signed.yParity,
      blockNumber: 1n,
      transactionIndex: expect.any(Number),
    });
    const legacyTx = await fx.publicClient().getTransaction({ hash: keccak256(legacy) });
    expect(legacyTx).toMatchObject({
      type: 'legacy',
      gasPrice: 3n * GWEI,
      v: parseTransaction(legacy).v,
      chainId: CHAIN_ID,
    });
  });

  it('an unknown hash is null', async () => {
    expect(await fx.call('eth_getTransactionByHash', [`0x${'42'.repeat(32)}`])).toBeNull();
    // A block hash is not a transaction hash.
    expect(await fx.call('eth_getTransactionByHash', [fx.chain.head.hash])).toBeNull();
  });

  it('rejects a malformed hash with -32602', async () => {
    for (const bad of ['0x1234', 'latest', 42, `0x${'zz'.repeat(32)}`]) {
      expect(await fx.error('eth_getTransactionByHash', [bad])).toMatchObject({
        code: -32602,
        message: expect.stringContaining('invalid argument 0: expected a 32-byte hex hash'),
      });
    }
    expect(await fx.error('eth_getTransactionByHash', [])).toMatchObject({ code: -32602 });
  });
});

// eth_getTransactionReceipt: status, gas used and cumulative gas in the block, the price paid
// (min(maxFee, baseFee + tip)), logs and their bloom, and the block it is in; null until mined.
interface ReceiptJson {
  transactionHash: Hex;
  transactionIndex: Hex;
  blockHash: Hex;
  blockNumber: Hex;
  cumulativeGasUsed: Hex;
  gasUsed: Hex;
  logs: { logIndex: Hex }[];
  [key: string]: unknown;
}

describe('eth_getTransactionReceipt', () => {
  let fx: RpcChain;
  /** Sender index, raw, the gas it uses and the price it pays. */
  let txs: { sender: number; raw: Hex; gas: bigint; price: bigint; type: Hex }[];

  beforeAll(async () => {
    fx = await startRpcChain({ accounts: 6 });
    txs = [
      // EIP-1559 with room under the max fee: pays baseFee + tip = 2 gwei.
      {
        sender: 0,
        raw: await fx.sign(0, { nonce: 0, value: 5n }),
        gas: 21_000n,
        price: 2n * GWEI,
        type: '0x2',
      },
      // EIP-1559 capped by its max fee: 1.5 gwei, not 1 + 1 gwei.
      {
        sender: 1,
        raw: await fx.sign(1, { nonce: 0, maxFeePerGas: (15n * GWEI) / 10n, maxPriorityFeePerGas: GWEI }),
        gas: 21_000n,
        price: (15n * GWEI) / 10n,
        type: '0x2',
      },
      // Legacy: pays its gas price.
      {
        sender: 2,
        raw: await fx.sign(2, { nonce: 0, type: 'legacy', gasPrice: 4n * GWEI }),
        gas: 21_000n,
        price: 4n * GWEI,
        type: '0x0',
      },
      // A module call that logs: 21,000 + 3 non-zero bytes * 16 + the module's gas.
      {
        sender: 3,
        raw: await fx.sign(3, { nonce: 0, to: PING_MODULE, data: '0x010203', gas: 100_000n }),
        gas: 21_000n + 48n + PING_GAS,
        price: 2n * GWEI,
        type: '0x2',
      },
      // A module call that fails: status 0, no logs, gas still charged.
      {
        sender: 4,
        raw: await fx.sign(4, { nonce: 0, to: PING_MODULE, data: PING_FAIL, gas: 100_000n }),
        gas: 21_000n + 32n + PING_GAS,
        price: 2n * GWEI,
        type: '0x2',
      },
    ];
    for (const { raw } of txs) await fx.call('eth_sendRawTransaction', [raw]);
  });
  afterAll(() => fx.stop());

  it('is null while the transaction is pending, and for unknown hashes', async () => {
    expect(await fx.call('eth_getTransactionReceipt', [keccak256(txs[0]!.raw)])).toBeNull();
    expect(await fx.call('eth_getTransactionReceipt', [`0x${'42'.repeat(32)}`])).toBeNull();
  });

  it('mined: every field, with cumulative gas over the block in transaction order', async () => {
    await fx.produce();
    const block = await fx.call<{ hash: Hex; transactions: Hex[] }>('eth_getBlockByNumber', ['0x1', false]);
    expect(block.transactions).toHaveLength(txs.length);
    const receipts = new Map<Hex, ReceiptJson>();
    for (const { raw } of txs) {
      const hash = keccak256(raw);
      receipts.set(hash, await fx.call<ReceiptJson>('eth_getTransactionReceipt', [hash]));
    }
    let cumulative = 0n;
    let logIndex = 0;
    for (const [index, hash] of block.transactions.entries()) {
      const tx = txs.find((t) => keccak256(t.raw) === hash)!;
      cumulative += tx.gas;
      const receipt = receipts.get(hash)!;
      const module = tx.sender >= 3;
      const logs =
        tx.sender === 3
          ? [
              {
                address: PING_MODULE,
                topics: [PING_TOPIC, addressTopic(fx.accounts[3]!.address)],
                data: pingData('0x010203'),
                blockHash: block.hash,
                blockNumber: '0x1',
                transactionHash: hash,
                transactionIndex: hex(index),
                logIndex: hex(logIndex++),
                removed: false,
              },
            ]
          : [];
      const expected: Record<string, unknown> = {
        transactionHash: hash,
        transactionIndex: hex(index),
        blockHash: block.hash,
        blockNumber: '0x1',
        from: fx.accounts[tx.sender]!.address.toLowerCase(),
        to: module ? PING_MODULE : STRANGER,
        cumulativeGasUsed: hex(cumulative),
        gasUsed: hex(tx.gas),
        effectiveGasPrice: hex(tx.price),
        contractAddress: null,
        logs,
        logsBloom: ethBloom(logs),
        status: tx.sender === 4 ? '0x0' : '0x1',
        type: tx.type,
      };
      if (tx.sender === 4) {
        expected['failureReason'] = 'PING_FAILED: ping refused: dead calldata';
        expected['errorCode'] = 'PING_FAILED';
      }
      expect(receipt, `tx of account ${tx.sender}`).toEqual(expected);
    }
    expect(cumulative).toBe(5n * 21_000n + 48n + 32n + 2n * PING_GAS);
    expect(await fx.call('eth_getBlockByNumber', ['0x1', false])).toMatchObject({ gasUsed: hex(cumulative) });
  });

  it("the price paid is min(maxFee, baseFee + tip) and the base fee is the block's", async () => {
    const block = await fx.call<{ baseFeePerGas: Hex }>('eth_getBlockByNumber', ['0x1', false]);
    expect(block.baseFeePerGas).toBe(hex(MIN_BASE_FEE));
    expect(await fx.call('eth_getTransactionReceipt', [keccak256(txs[1]!.raw)])).toMatchObject({
      effectiveGasPrice: hex((15n * GWEI) / 10n),
    });
  });

  it('a receipt of a later block starts its cumulative gas again', async () => {
    const raw = await fx.sign(5, { nonce: 0 });
    await fx.call('eth_sendRawTransaction', [raw]);
    const { hash } = await fx.produce();
    expect(await fx.call('eth_getTransactionReceipt', [keccak256(raw)])).toMatchObject({
      blockHash: hash,
      blockNumber: '0x2',
      transactionIndex: '0x0',
      cumulativeGasUsed: '0x5208',
      gasUsed: '0x5208',
    });
  });

  it('viem waitForTransactionReceipt / getTransactionReceipt', async () => {
    const client = fx.publicClient();
    const receipt = await client.getTransactionReceipt({ hash: keccak256(txs[3]!.raw) });
    expect(receipt).toMatchObject({
      status: 'success',
      type: 'eip1559',
      blockNumber: 1n,
      gasUsed: 21_000n + 48n + PING_GAS,
      effectiveGasPrice: 2n * GWEI,
      from: fx.accounts[3]!.address.toLowerCase(),
      to: PING_MODULE,
      contractAddress: null,
    });
    expect(receipt.logs).toHaveLength(1);
    const failed = await client.waitForTransactionReceipt({ hash: keccak256(txs[4]!.raw) });
    expect(failed.status).toBe('reverted');
  });

  it('rejects a malformed hash with -32602', async () => {
    expect(await fx.error('eth_getTransactionReceipt', ['0x12'])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getTransactionReceipt', [])).toMatchObject({ code: -32602 });
  });
});
