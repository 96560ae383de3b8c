// eth_sendRawTransaction: signed legacy (EIP-155) and EIP-1559 transactions as viem produces them
// enter the mempool and return their hash. Every bad input of issue 2 ("Bad input") gets a JSON-RPC
// error with a clear message and leaves state untouched: balances, nonces, the mempool and the head.
import {
  type Hex,
  keccak256,
  parseTransaction,
  serializeTransaction,
  type TransactionSerializable,
  toRlp,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexToBytes } from '../../../core/bytes.ts';
import { signTx } from '../../../core/tx.ts';
import {
  BLOCK_GAS_LIMIT,
  CHAIN_ID,
  GWEI,
  hex,
  MIN_BASE_FEE,
  PING_MODULE,
  type RpcChain,
  type RpcErrorJson,
  STRANGER,
  startRpcChain,
  TEST_BALANCE,
} from './fixture.ts';

/** secp256k1 group order: s and n - s are both valid on the curve; Ethereum accepts only s <= n/2. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const BODY_LIMIT = 512 * 1024;

describe('eth_sendRawTransaction', () => {
  let fx: RpcChain;
  /** Every account the tests touch, for the before/after comparisons. */
  let watched: string[];

  beforeAll(async () => {
    fx = await startRpcChain({ accounts: 6, server: { maxBodyBytes: BODY_LIMIT } });
    watched = [...fx.accounts.map((a) => a.address), STRANGER];
  });
  afterAll(() => fx.stop());

  /** Everything a rejected transaction must not change, read in one batch request. */
  async function snapshot() {
    const calls = watched.flatMap((address) => [
      ['eth_getBalance', [address, 'latest']],
      ['eth_getTransactionCount', [address, 'latest']],
      ['eth_getTransactionCount', [address, 'pending']],
    ]);
    calls.push(['eth_blockNumber', []]);
    const { body } = await fx.post(
      calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params })),
    );
    expect((body as unknown as { result?: string }[]).every((r) => typeof r.result === 'string')).toBe(true);
    return { rpc: body, mempool: fx.chain.mempool.stats(), headHash: fx.chain.head.hash };
  }

  /** Sends `raw`, expects a -32000 error containing `fragment`, and that nothing changed. */
  async function rejects(raw: Hex, fragment: string, opts: { pooled?: boolean } = {}): Promise<RpcErrorJson> {
    const before = await snapshot();
    const error = await fx.error('eth_sendRawTransaction', [raw]);
    expect(error.code, fragment).toBe(-32000);
    expect(error.message).toContain(fragment);
    expect(await snapshot()).toEqual(before);
    if (!opts.pooled && raw.length > 2)
      expect(await fx.call('eth_getTransactionByHash', [keccak256(raw)])).toBeNull();
    return error;
  }

  /** Re-serializes a signed transaction with a different signature. */
  function withSignature(raw: Hex, sig: { r?: bigint; s?: bigint; yParity?: number }): Hex {
    const { r, s, v, yParity, ...unsigned } = parseTransaction(raw);
    const parity = sig.yParity ?? yParity ?? Number((v! - 35n) % 2n);
    return serializeTransaction(unsigned as TransactionSerializable, {
      r: hex(sig.r ?? BigInt(r!)),
      s: hex(sig.s ?? BigInt(s!)),
      yParity: parity,
      // Legacy: EIP-155 v for the chain.
      ...(unsigned.type === 'legacy' && { v: BigInt(CHAIN_ID * 2 + 35 + parity) }),
    });
  }

  describe('accepted transactions', () => {
    it('an EIP-1559 transaction signed by viem: returns its hash, pooled, then mined', async () => {
      const raw = await fx.sign(0, { nonce: 0, value: 1000n });
      expect(raw.startsWith('0x02')).toBe(true);
      const hash = await fx.call<Hex>('eth_sendRawTransaction', [raw]);
      expect(hash).toBe(keccak256(raw));
      expect(fx.chain.mempool.has(hash)).toBe(true);
      expect(await fx.call('eth_getTransactionCount', [fx.accounts[0]!.address, 'pending'])).toBe('0x1');
      await fx.produce();
      expect(await fx.call('eth_getTransactionReceipt', [hash])).toMatchObject({
        status: '0x1',
        blockNumber: '0x1',
      });
      expect(fx.chain.mempool.has(hash)).toBe(false);
    });

    it('a legacy EIP-155 transaction signed by viem', async () => {
      const raw = await fx.sign(0, { nonce: 1, type: 'legacy', gasPrice: 2n * GWEI, value: 1000n });
      // EIP-155: v = chainId * 2 + 35 + yParity.
      expect(BigInt(parseTransaction(raw).v!)).toBeGreaterThanOrEqual(BigInt(CHAIN_ID * 2 + 35));
      const hash = await fx.publicClient().sendRawTransaction({ serializedTransaction: raw });
      expect(hash).toBe(keccak256(raw));
      await fx.produce();
      expect(await fx.call('eth_getTransactionReceipt', [hash])).toMatchObject({
        status: '0x1',
        type: '0x0',
      });
    });

    it('a module call with calldata and an access list', async () => {
      const raw = await fx.sign(0, {
        nonce: 2,
        to: PING_MODULE,
        data: '0xabcdef',
        gas: 100_000n,
        accessList: [{ address: PING_MODULE, storageKeys: [`0x${'00'.repeat(31)}01`] }],
      });
      expect(await fx.call('eth_sendRawTransaction', [raw])).toBe(keccak256(raw));
      await fx.produce();
    });

    it('a transaction queued behind a nonce gap within the limit (64) is accepted', async () => {
      // Account 5's next nonce is 0: nonce 64 is the farthest allowed.
      const raw = await fx.sign(5, { nonce: 64 });
      expect(await fx.call('eth_sendRawTransaction', [raw])).toBe(keccak256(raw));
      expect(await fx.call('eth_getTransactionCount', [fx.accounts[5]!.address, 'pending'])).toBe('0x0');
      expect(fx.chain.mempool.stats().queued).toBe(1);
    });

    it('a same-nonce replacement with a 10% higher fee replaces the pooled one', async () => {
      const first = await fx.send(4, { nonce: 0, maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: GWEI });
      const second = await fx.send(4, {
        nonce: 0,
        maxFeePerGas: (33n * GWEI) / 10n,
        maxPriorityFeePerGas: (11n * GWEI) / 10n,
      });
      expect(fx.chain.mempool.has(first)).toBe(false);
      expect(fx.chain.mempool.has(second)).toBe(true);
      expect(await fx.call('eth_getTransactionByHash', [first])).toBeNull();
    });
  });

  describe('bad transactions: an error with a clear message, and nothing changes', () => {
    it('malformed RLP', async () => {
      await rejects('0xf8ff00', 'malformed transaction');
      await rejects('0x02f8ff00', 'malformed transaction');
      await rejects('0xc0', 'legacy transaction: expected 9 items, got 0');
      await rejects('0x80', 'malformed transaction: not an RLP list or typed envelope');
    });

    it('an empty transaction', async () => {
      await rejects('0x', 'empty transaction');
    });

    it('trailing bytes after a valid transaction', async () => {
      const legacy = await fx.sign(1, { nonce: 0, type: 'legacy', gasPrice: 2n * GWEI });
      const dynamic = await fx.sign(1, { nonce: 0 });
      await rejects(`${legacy}00`, 'malformed transaction');
      await rejects(`${dynamic}00`, 'malformed transaction');
      await rejects(`${dynamic}c0`, 'malformed transaction');
    });

    it('unsupported transaction types: 0x01 (EIP-2930), 0x03 (EIP-4844), 0x04 (EIP-7702)', async () => {
      const eip2930 = await fx.sign(1, { nonce: 0, type: 'eip2930', gasPrice: 2n * GWEI, accessList: [] });
      expect(eip2930.startsWith('0x01')).toBe(true);
      await rejects(eip2930, 'unsupported transaction type 0x01');
      const blobLike =
        `0x03${toRlp(['0x0539', '0x', '0x01', '0x01', '0x5208', STRANGER, '0x', '0x', []]).slice(2)}` as Hex;
      await rejects(blobLike, 'unsupported transaction type 0x03');
      await rejects(`0x04${toRlp([]).slice(2)}`, 'unsupported transaction type 0x04');
    });

    it('a legacy transaction without chain id (pre-EIP-155)', async () => {
      const raw = await fx.accounts[1]!.signTransaction({
        type: 'legacy',
        nonce: 0,
        to: STRANGER,
        gas: 21_000n,
        gasPrice: 2n * GWEI,
      });
      expect(Number(parseTransaction(raw).v)).toBeLessThan(29);
      await rejects(raw, 'legacy transaction without chain id (pre-EIP-155) is not accepted');
    });

    it('a wrong chain id, legacy and EIP-1559', async () => {
      await rejects(await fx.sign(1, { nonce: 0, chainId: 1 }), 'invalid chain id: expected 1337, got 1');
      await rejects(
        await fx.sign(1, { nonce: 0, chainId: 1338, type: 'legacy', gasPrice: 2n * GWEI }),
        'invalid chain id: expected 1337, got 1338',
      );
    });

    it('an invalid signature: zero or out-of-range r and s, high s', async () => {
      const raw = await fx.sign(1, { nonce: 0 });
      const { s, yParity } = parseTransaction(raw);
      await rejects(withSignature(raw, { r: 0n }), 'invalid sender: invalid signature: r out of range');
      await rejects(withSignature(raw, { s: 0n }), 'invalid sender: invalid signature: s out of range');
      await rejects(withSignature(raw, { r: N }), 'invalid sender: invalid signature: r out of range');
      // (r, n - s) with the other parity is the same signature mathematically: malleable, refused.
      await rejects(
        withSignature(raw, { s: N - BigInt(s!), yParity: 1 - yParity! }),
        'invalid sender: invalid signature: s is in the upper half (high-s)',
      );
      const legacy = await fx.sign(1, { nonce: 0, type: 'legacy', gasPrice: 2n * GWEI });
      await rejects(
        withSignature(legacy, { s: N - BigInt(parseTransaction(legacy).s!) }),
        'invalid signature: s is in the upper half (high-s)',
      );
    });

    it('a tampered signature recovers another, unfunded sender', async () => {
      // Changing s (or the signed fields) still recovers some public key, just not the signer's: that
      // account has no funds, so the pool refuses it without touching the real sender.
      const raw = await fx.sign(1, { nonce: 0, value: 1n });
      const tampered = withSignature(raw, { s: BigInt(parseTransaction(raw).s!) - 1n });
      await rejects(tampered, 'insufficient funds for gas * price + value: balance 0');
    });

    it('nonce too low', async () => {
      // Account 0 has sent nonces 0..2 (mined above).
      await rejects(await fx.sign(0, { nonce: 2 }), 'nonce too low: next nonce 3, tx nonce 2');
      await rejects(await fx.sign(0, { nonce: 0, type: 'legacy', gasPrice: 2n * GWEI }), 'nonce too low');
    });

    it('a nonce gap beyond the mempool limit (maxNonceGap 64)', async () => {
      await rejects(
        await fx.sign(1, { nonce: 65 }),
        'nonce too far in the future: next nonce 0, tx nonce 65; at most 64 ahead of the next nonce is accepted',
      );
      await rejects(await fx.sign(1, { nonce: 1_000_000 }), 'nonce too far in the future');
    });

    it('insufficient balance for value + gas * max fee', async () => {
      // Exactly one wei short: 21,000 * 3 gwei + value = balance + 1.
      const value = TEST_BALANCE - 21_000n * 3n * GWEI + 1n;
      await rejects(
        await fx.sign(1, { nonce: 0, value }),
        `insufficient funds for gas * price + value: balance ${TEST_BALANCE}, tx cost ${TEST_BALANCE + 1n}, overshot 1`,
      );
      // From an account that has nothing at all.
      const nobody = privateKeyToAccount(generatePrivateKey());
      const raw = await nobody.signTransaction({
        chainId: CHAIN_ID,
        nonce: 0,
        to: STRANGER,
        gas: 21_000n,
        maxFeePerGas: 3n * GWEI,
        maxPriorityFeePerGas: GWEI,
      });
      await rejects(raw, 'insufficient funds for gas * price + value: balance 0');
    });

    it('the pooled transactions of a sender must be payable together', async () => {
      // Account 4 has one pooled transaction (the replacement above); a second that is affordable on
      // its own but not with the first is refused.
      const balance = BigInt(await fx.call<string>('eth_getBalance', [fx.accounts[4]!.address, 'latest']));
      await rejects(
        await fx.sign(4, { nonce: 1, value: balance - 21_000n * 3n * GWEI }),
        'plus 69300000000000 reserved by 1 other pooled transactions of this sender',
      );
    });

    it('a fee below the minimum base fee', async () => {
      await rejects(
        await fx.sign(1, { nonce: 0, maxFeePerGas: MIN_BASE_FEE - 1n, maxPriorityFeePerGas: 0n }),
        `transaction underpriced: max fee per gas ${MIN_BASE_FEE - 1n} below minimum ${MIN_BASE_FEE}`,
      );
      await rejects(
        await fx.sign(1, { nonce: 0, type: 'legacy', gasPrice: 1n }),
        `transaction underpriced: max fee per gas 1 below minimum ${MIN_BASE_FEE}`,
      );
    });

    it('a tip above the max fee', async () => {
      // viem refuses to sign this, so the node's own signer makes it.
      const tx = signTx(
        {
          type: 2,
          chainId: BigInt(CHAIN_ID),
          nonce: 0n,
          maxPriorityFeePerGas: 4n * GWEI,
          maxFeePerGas: 3n * GWEI,
          gasLimit: 21_000n,
          to: STRANGER,
          value: 0n,
          data: new Uint8Array(),
          accessList: [],
        },
        hexToBytes(fx.devAccounts[1]!.privateKey),
      );
      await rejects(
        `0x${Buffer.from(tx.raw).toString('hex')}`,
        'max priority fee per gas higher than max fee per gas: tip 4000000000, max fee 3000000000',
      );
    });

    it('a gas limit above the block gas limit', async () => {
      await rejects(
        await fx.sign(1, { nonce: 0, gas: BLOCK_GAS_LIMIT + 1n }),
        `exceeds block gas limit: tx gas limit ${BLOCK_GAS_LIMIT + 1n}, block gas limit ${BLOCK_GAS_LIMIT}`,
      );
    });

    it('a gas limit below the intrinsic gas', async () => {
      await rejects(
        await fx.sign(1, { nonce: 0, gas: 20_999n }),
        'intrinsic gas too low: gas limit 20999, needs at least 21000',
      );
      await rejects(
        await fx.sign(1, { nonce: 0, to: PING_MODULE, data: '0x01', gas: 21_000n }),
        'intrinsic gas too low: gas limit 21000, needs at least 21016',
      );
    });

    it('calldata to an ordinary address, and contract creation: there is no EVM', async () => {
      await rejects(
        await fx.sign(1, { nonce: 0, data: '0xa9059cbb', gas: 50_000n }),
        `calldata sent to ${STRANGER}, which is not a module address`,
      );
      await rejects(
        await fx.sign(1, { nonce: 0, to: undefined, data: '0x6080', gas: 100_000n }),
        'contract creation is not supported',
      );
    });

    it('a transaction over the size limit (128 KiB)', async () => {
      const data = `0x${'01'.repeat(128 * 1024)}` as Hex;
      await rejects(
        await fx.sign(1, { nonce: 0, to: PING_MODULE, data, gas: 5_000_000n }),
        'oversized data: transaction is',
      );
    });

    it('a transaction already in the pool', async () => {
      const raw = await fx.sign(2, { nonce: 0 });
      await fx.call('eth_sendRawTransaction', [raw]);
      await rejects(raw, 'already known', { pooled: true });
    });

    it('a same-nonce replacement without the 10% fee bump', async () => {
      await rejects(await fx.sign(2, { nonce: 0, value: 5n }), 'replacement transaction underpriced');
    });
  });

  describe('bad requests: transport and parameter errors, and nothing changes', () => {
    it('an oversized request body: HTTP 413 with a -32600 error, the transaction is not read', async () => {
      const raw = await fx.sign(3, { nonce: 0 });
      const request = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'eth_sendRawTransaction',
        params: [raw],
      });
      const before = await snapshot();
      const response = await fx.post(request + ' '.repeat(BODY_LIMIT + 1 - request.length));
      expect(response).toEqual({
        status: 413,
        body: {
          jsonrpc: '2.0',
          id: null,
          error: { code: -32600, message: `request body exceeds the limit of ${BODY_LIMIT} bytes` },
        },
      });
      expect(await snapshot()).toEqual(before);
      expect(await fx.call('eth_getTransactionByHash', [keccak256(raw)])).toBeNull();
    });

    it('invalid JSON: -32700 with id null', async () => {
      const raw = await fx.sign(3, { nonce: 0 });
      const before = await snapshot();
      const response = await fx.post(
        `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["${raw}"`,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
      expect(response.body!.error!.message).toMatch(/^parse error: /);
      expect(await snapshot()).toEqual(before);
      expect(await fx.call('eth_getTransactionByHash', [keccak256(raw)])).toBeNull();
    });

    it('wrong parameter types: -32602 naming the argument', async () => {
      const raw = await fx.sign(3, { nonce: 0 });
      const cases: [unknown, string][] = [
        [[], 'missing value for required argument 0'],
        [[null], 'missing value for required argument 0'],
        [[123], 'invalid argument 0: expected hex data, got a number'],
        [[{ raw }], 'invalid argument 0: expected hex data, got a object'],
        [[[raw]], 'invalid argument 0: expected hex data, got an array'],
        [[raw.slice(2)], 'invalid argument 0: expected 0x-prefixed hex'],
        [['0xzz'], 'invalid argument 0: expected 0x-prefixed hex'],
        [[raw.slice(0, -1)], 'invalid argument 0: hex has an odd number of digits'],
        [[raw, raw], 'too many arguments, want at most 1'],
        [{ raw }, 'params must be an array: methods take positional arguments'],
      ];
      const before = await snapshot();
      for (const [params, message] of cases) {
        const { body } = await fx.post({ jsonrpc: '2.0', id: 7, method: 'eth_sendRawTransaction', params });
        expect(body, JSON.stringify(params)).toEqual({
          jsonrpc: '2.0',
          id: 7,
          error: { code: -32602, message },
        });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('in a batch, a bad element fails alone', async () => {
      const good = await fx.sign(3, { nonce: 0 });
      const { body } = await fx.post([
        { jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: ['0xf8ff00'] },
        { jsonrpc: '2.0', id: 2, method: 'eth_sendRawTransaction', params: [good] },
        { jsonrpc: '2.0', id: 3, method: 'eth_sendRawTransaction', params: [1] },
      ]);
      expect(body).toEqual([
        {
          jsonrpc: '2.0',
          id: 1,
          error: { code: -32000, message: expect.stringContaining('malformed transaction') },
        },
        { jsonrpc: '2.0', id: 2, result: keccak256(good) },
        {
          jsonrpc: '2.0',
          id: 3,
          error: { code: -32602, message: expect.stringContaining('invalid argument 0') },
        },
      ]);
    });
  });

  it('after all the rejections, the good transactions still go through and nothing else does', async () => {
    const before = fx.chain.mempool.stats();
    expect(before).toMatchObject({ pending: 3, queued: 1 });
    const block = await fx.produce();
    expect(block.block.txs).toHaveLength(3);
    expect(await fx.call('eth_getTransactionCount', [fx.accounts[1]!.address, 'latest'])).toBe('0x0');
    expect(await fx.call('eth_getBalance', [fx.accounts[1]!.address, 'latest'])).toBe(hex(TEST_BALANCE));
    expect(await fx.call('eth_getTransactionCount', [fx.accounts[2]!.address, 'latest'])).toBe('0x1');
    expect(await fx.call('eth_getTransactionCount', [fx.accounts[3]!.address, 'latest'])).toBe('0x1');
    expect(await fx.call('eth_getTransactionCount', [fx.accounts[4]!.address, 'latest'])).toBe('0x1');
  });
});
