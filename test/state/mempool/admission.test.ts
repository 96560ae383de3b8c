import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import { encodeSignedTx, type UnsignedTx } from '../../../core/tx.ts';
import { MempoolError } from '../../../state/mempool/errors.ts';
import { ETH, funded, GWEI, MIN_FEE, makePool, RECIPIENT, transfer } from './helpers.ts';

/** Awaits a rejection and returns the MempoolError. */
async function rejected(promise: Promise<unknown>): Promise<MempoolError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MempoolError);
  return err as MempoolError;
}

describe('admission', () => {
  it('admits a viem-signed EIP-1559 transfer and reports it pending', async () => {
    const { pool, accounts } = makePool();
    const viemKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const;
    const account = privateKeyToAccount(viemKey);
    const sender = account.address.toLowerCase() as `0x${string}`;
    accounts.set(sender, { balance: ETH, nonce: 3n });
    const raw = await account.signTransaction({
      type: 'eip1559',
      chainId: 1337,
      nonce: 3,
      to: RECIPIENT,
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: 2n * GWEI,
      maxPriorityFeePerGas: GWEI,
    });
    const result = await pool.add(hexToBytes(raw));
    expect(result).toMatchObject({ sender, status: 'pending', evicted: [] });
    expect(result.replaced).toBeUndefined();
    expect(bytesToHex(pool.get(result.hash)!.tx.raw)).toBe(raw);
    expect(pool.get(result.hash)!.sender).toBe(sender);
    expect(await pool.pendingNonce(sender)).toBe(4n);
  });

  it('admits legacy EIP-155 transactions and decoded ones from gossip', async () => {
    const { pool, accounts } = makePool();
    const key = funded(accounts);
    await pool.add(transfer(key, 0, { legacy: true }).raw);
    await pool.addDecoded(transfer(key, 1), key.address);
    expect(pool.size).toBe(2);
    expect(pool.stats()).toEqual({ pending: 2, queued: 0, senders: 1, bytes: expect.any(Number) });
  });

  it('tells onAdded listeners of each admission, from RPC and gossip alike, and of no rejection', async () => {
    const { pool, accounts } = makePool();
    const key = funded(accounts);
    const added: string[] = [];
    pool.onAdded((hash) => added.push(hash));
    const first = transfer(key, 0);
    const second = transfer(key, 1);
    await pool.add(first.raw);
    await pool.addDecoded(second, key.address);
    await rejected(pool.add(first.raw)); // already known
    expect(added).toEqual([first.hash, second.hash]);
  });

  describe('rejects with a code and a message that says what to fix', () => {
    it('oversized data, before decoding', async () => {
      const { pool, accounts } = makePool({ maxTxBytes: 1024 });
      const key = funded(accounts);
      const tx = transfer(key, 0, { data: new Uint8Array(2000).fill(1), gas: 100_000n });
      const err = await rejected(pool.add(tx.raw));
      expect(err.code).toBe('OVERSIZED');
      expect(err.message).toBe(`oversized data: transaction is ${tx.raw.length} bytes, limit 1024`);
      expect((await rejected(pool.addDecoded(tx, key.address))).code).toBe('OVERSIZED');
    });

    it('bytes that are not a transaction', async () => {
      const { pool } = makePool();
      const err = await rejected(pool.add(Uint8Array.of(0x01, 0xc0)));
      expect(err.code).toBe('INVALID_ENCODING');
      expect(err.message).toMatch(/unsupported transaction type 0x01/);
    });

    it('a signature from which no sender recovers', async () => {
      const { pool, accounts } = makePool();
      const tx = transfer(funded(accounts), 0);
      const raw = encodeSignedTx(tx as UnsignedTx, { r: 0n, s: tx.s, yParity: tx.yParity });
      const err = await rejected(pool.add(raw));
      expect(err.code).toBe('INVALID_SIGNATURE');
      expect(err.message).toBe('invalid sender: invalid signature: r out of range');
    });

    it('a transaction already in the pool', async () => {
      const { pool, accounts } = makePool();
      const tx = transfer(funded(accounts), 0);
      await pool.add(tx.raw);
      const err = await rejected(pool.add(tx.raw));
      expect([err.code, err.message]).toEqual(['ALREADY_KNOWN', 'already known']);
    });

    it('another chain id', async () => {
      const { pool, accounts } = makePool();
      const err = await rejected(pool.add(transfer(funded(accounts), 0, { chainId: 1n }).raw));
      expect([err.code, err.message]).toEqual(['WRONG_CHAIN_ID', 'invalid chain id: expected 1337, got 1']);
    });

    it('a tip above the max fee', async () => {
      const { pool, accounts } = makePool();
      const err = await rejected(
        pool.add(transfer(funded(accounts), 0, { fee: 2n * GWEI, tip: 3n * GWEI }).raw),
      );
      expect(err.code).toBe('TIP_ABOVE_MAX_FEE');
      expect(err.message).toBe(
        'max priority fee per gas higher than max fee per gas: tip 3000000000, max fee 2000000000',
      );
    });

    it('a gas limit no block can hold', async () => {
      const { pool, accounts } = makePool({ blockGasLimit: 1_000_000n });
      const err = await rejected(pool.add(transfer(funded(accounts), 0, { gas: 1_000_001n }).raw));
      expect(err.code).toBe('GAS_LIMIT_ABOVE_BLOCK');
      expect(err.message).toBe('exceeds block gas limit: tx gas limit 1000001, block gas limit 1000000');
    });

    it('a max fee below the chain minimum', async () => {
      const { pool, accounts } = makePool();
      const err = await rejected(pool.add(transfer(funded(accounts), 0, { fee: 1n, tip: 1n }).raw));
      expect(err.code).toBe('UNDERPRICED');
      expect(err.message).toBe(`transaction underpriced: max fee per gas 1 below minimum ${MIN_FEE}`);
    });

    it('a nonce the account has used', async () => {
      const { pool, accounts } = makePool();
      const err = await rejected(pool.add(transfer(funded(accounts, ETH, 5n), 3).raw));
      expect([err.code, err.message]).toEqual(['NONCE_TOO_LOW', 'nonce too low: next nonce 5, tx nonce 3']);
    });

    it('a nonce too far past the next one (measured from the pending nonce)', async () => {
      const { pool, accounts } = makePool({ maxNonceGap: 4 });
      const key = funded(accounts, ETH, 2n);
      await pool.add(transfer(key, 2).raw);
      await pool.add(transfer(key, 3).raw);
      await pool.add(transfer(key, 8).raw); // next nonce 4, 4 ahead: accepted (queued)
      const err = await rejected(pool.add(transfer(key, 9).raw));
      expect(err.code).toBe('NONCE_TOO_HIGH');
      expect(err.message).toBe(
        'nonce too far in the future: next nonce 4, tx nonce 9; at most 4 ahead of the next nonce is accepted',
      );
    });

    it('more transactions than a sender may pool', async () => {
      const { pool, accounts } = makePool({ maxTxsPerSender: 2 });
      const key = funded(accounts);
      await pool.add(transfer(key, 0).raw);
      await pool.add(transfer(key, 1).raw);
      const err = await rejected(pool.add(transfer(key, 2).raw));
      expect(err.code).toBe('SENDER_LIMIT');
      expect(err.message).toMatch(/^account limit exceeded: the sender already has 2 pooled transactions/);
      // Replacing a pooled nonce is still possible at the limit.
      await pool.add(transfer(key, 1, { fee: 3n * GWEI, tip: 2n * GWEI }).raw);
    });

    it('a cost above the balance', async () => {
      const { pool, accounts } = makePool();
      const balance = 21_000n * 2n * GWEI;
      const err = await rejected(pool.add(transfer(funded(accounts, balance), 0, { value: 5n }).raw));
      expect(err.code).toBe('INSUFFICIENT_FUNDS');
      expect(err.message).toBe(
        `insufficient funds for gas * price + value: balance ${balance}, tx cost ${balance + 5n}, overshot 5`,
      );
    });

    it("a cost the balance covers only without the sender's other pooled transactions", async () => {
      const { pool, accounts } = makePool();
      const cost = 21_000n * 2n * GWEI + 1n;
      const key = funded(accounts, cost * 2n);
      await pool.add(transfer(key, 0).raw);
      await pool.add(transfer(key, 1).raw);
      const err = await rejected(pool.add(transfer(key, 2).raw));
      expect(err.code).toBe('OVERDRAFT');
      expect(err.message).toBe(
        `insufficient funds for gas * price + value: balance ${cost * 2n}, tx cost ${cost}, plus ${cost * 2n} reserved by 2 other pooled transactions of this sender, overshot ${cost}`,
      );
    });

    it("the chain's own rules, as a MempoolError with the rule's code", async () => {
      const { pool, accounts } = makePool();
      const key = funded(accounts);
      const creation = await rejected(pool.add(transfer(key, 0, { to: null, gas: 100_000n }).raw));
      expect([creation.code, creation.message]).toEqual([
        'CONTRACT_CREATION',
        'contract creation is not supported',
      ]);
      const intrinsic = await rejected(
        pool.add(transfer(key, 0, { data: Uint8Array.of(1), gas: 21_000n }).raw),
      );
      expect(intrinsic.code).toBe('INTRINSIC_GAS');
      expect(intrinsic.cause).toBeInstanceOf(Error);
    });
  });

  describe('replacement (same sender and nonce)', () => {
    it('replaces with at least a 10% bump of both max fee and tip', async () => {
      const { pool, accounts } = makePool();
      const key = funded(accounts);
      const first = transfer(key, 0, { fee: 10n * GWEI, tip: 2n * GWEI });
      await pool.add(first.raw);
      const second = transfer(key, 0, { fee: 11n * GWEI, tip: (22n * GWEI) / 10n });
      const result = await pool.add(second.raw);
      expect(result).toMatchObject({ status: 'pending', replaced: first.hash });
      expect(pool.has(first.hash)).toBe(false);
      expect(pool.has(second.hash)).toBe(true);
      expect(pool.size).toBe(1);
    });

    it('rejects a bump below 10% on either field', async () => {
      const { pool, accounts } = makePool();
      const key = funded(accounts);
      const first = transfer(key, 0, { fee: 10n * GWEI, tip: 2n * GWEI });
      await pool.add(first.raw);
      const lowTip = await rejected(pool.add(transfer(key, 0, { fee: 20n * GWEI, tip: 2n * GWEI + 1n }).raw));
      expect(lowTip.code).toBe('REPLACEMENT_UNDERPRICED');
      expect(lowTip.message).toBe(
        'replacement transaction underpriced: needs max fee per gas >= 11000000000 and max priority fee per gas >= 2200000000 (a 10% bump), got 20000000000 and 2000000001',
      );
      const lowFee = await rejected(pool.add(transfer(key, 0, { fee: 11n * GWEI - 1n, tip: 5n * GWEI }).raw));
      expect(lowFee.code).toBe('REPLACEMENT_UNDERPRICED');
      expect(pool.has(first.hash)).toBe(true);
    });

    it('requires a strictly higher price even when 10% rounds to nothing', async () => {
      const { pool, accounts } = makePool({ priceBumpPercent: 0 });
      const key = funded(accounts);
      await pool.add(transfer(key, 0, { fee: 2n * GWEI, tip: GWEI }).raw);
      const same = await rejected(pool.add(transfer(key, 0, { fee: 2n * GWEI, tip: GWEI, value: 2n }).raw));
      expect(same.code).toBe('REPLACEMENT_UNDERPRICED');
      await pool.add(transfer(key, 0, { fee: 2n * GWEI + 1n, tip: GWEI + 1n }).raw);
    });

    it('counts only the new cost of the replaced transaction against the balance', async () => {
      const { pool, accounts } = makePool();
      const key = funded(accounts, 21_000n * 5n * GWEI);
      await pool.add(transfer(key, 0, { fee: 2n * GWEI, value: 0n }).raw);
      await pool.add(transfer(key, 0, { fee: 5n * GWEI, tip: 2n * GWEI, value: 0n }).raw);
      const err = await rejected(
        pool.add(transfer(key, 0, { fee: 6n * GWEI, tip: 3n * GWEI, value: 0n }).raw),
      );
      expect(err.code).toBe('INSUFFICIENT_FUNDS');
    });
  });

  describe('pending and queued', () => {
    it('queues a gapped nonce and promotes it when the gap fills', async () => {
      const { pool, accounts } = makePool();
      const key = funded(accounts);
      expect((await pool.add(transfer(key, 0).raw)).status).toBe('pending');
      expect((await pool.add(transfer(key, 2).raw)).status).toBe('queued');
      expect((await pool.add(transfer(key, 3).raw)).status).toBe('queued');
      expect(pool.stats()).toMatchObject({ pending: 1, queued: 2 });
      expect(await pool.pendingNonce(key.address)).toBe(1n);
      expect((await pool.add(transfer(key, 1).raw)).status).toBe('pending');
      expect(pool.stats()).toMatchObject({ pending: 4, queued: 0 });
      expect(await pool.pendingNonce(key.address)).toBe(4n);
      const [content] = pool.content();
      expect(content!.pending.map((t) => t.nonce)).toEqual([0n, 1n, 2n, 3n]);
    });

    it('pendingNonce of an account without pooled txs is its state nonce', async () => {
      const { pool, accounts } = makePool();
      const key = funded(accounts, ETH, 7n);
      expect(await pool.pendingNonce(key.address)).toBe(7n);
      await pool.add(transfer(key, 8).raw);
      expect(await pool.pendingNonce(key.address)).toBe(7n);
    });
  });

  describe('concurrent admission', () => {
    it('admits parallel txs of a new sender with one consistent account view', async () => {
      const { pool, accounts } = makePool();
      const key = funded(accounts);
      const results = await Promise.all([0, 1, 2, 3].map((n) => pool.add(transfer(key, n).raw)));
      expect(results.map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
      expect(await pool.pendingNonce(key.address)).toBe(4n);
    });

    it('does not admit the same tx twice when both copies race', async () => {
      const { pool, accounts } = makePool();
      const tx = transfer(funded(accounts), 0);
      const outcomes = await Promise.allSettled([pool.add(tx.raw), pool.add(tx.raw)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(pool.size).toBe(1);
    });

    it('reads the account again when a block commits during the read', async () => {
      const { pool, accounts } = makePool();
      const key = funded(accounts);
      let open!: () => void;
      accounts.gate = new Promise((resolve) => {
        open = resolve;
      });
      const adding = pool.add(transfer(key, 0).raw);
      await Promise.resolve();
      // The block used nonce 0 with another tx; state is committed before the pool hears of it.
      accounts.set(key.address, { nonce: 1n });
      const committing = pool.onBlockCommitted({ txs: [], touched: [key.address] });
      accounts.gate = undefined;
      open();
      await committing;
      const err = await rejected(adding);
      expect(err.message).toBe('nonce too low: next nonce 1, tx nonce 0');
      expect(pool.size).toBe(0);
    });
  });
});
