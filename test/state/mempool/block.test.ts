import { describe, expect, it } from 'vitest';
import { ETH, funded, GWEI, makePool, nonces, transfer } from './helpers.ts';

const OPEN = { baseFee: 0n, gasLimit: 30_000_000n, maxBytes: 1_000_000 };
const COST = 21_000n * 2n * GWEI + 1n; // of a default transfer

describe('onBlockCommitted', () => {
  it('removes included transactions at once, before the re-read settles', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    const txs = [0, 1, 2].map((n) => transfer(a, n));
    for (const tx of txs) await pool.add(tx.raw);
    accounts.set(a.address, { nonce: 2n });
    const update = pool.onBlockCommitted({ txs: txs.slice(0, 2), touched: [a.address] });
    expect(pool.has(txs[0]!.hash)).toBe(false);
    expect(nonces(pool.selectForBlock(OPEN))).toEqual([2n]);
    expect(await update).toEqual({ included: 2, stale: 0, unfunded: 0, overLimit: 0 });
    expect(await pool.pendingNonce(a.address)).toBe(3n);
  });

  it('drops transactions whose nonce another transaction used', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    const mine = transfer(a, 0);
    await pool.add(mine.raw);
    await pool.add(transfer(a, 1).raw);
    // Nonce 0 went into the block through another node's pool, with a different fee.
    const theirs = transfer(a, 0, { fee: 3n * GWEI });
    accounts.set(a.address, { nonce: 1n });
    expect(await pool.onBlockCommitted({ txs: [theirs], touched: [a.address] })).toEqual({
      included: 0,
      stale: 1,
      unfunded: 0,
      overLimit: 0,
    });
    expect(pool.has(mine.hash)).toBe(false);
    expect(nonces(pool.selectForBlock(OPEN))).toEqual([1n]);
  });

  it('drops the highest nonces a lower balance no longer covers', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts, 3n * COST);
    for (let n = 0; n < 3; n++) await pool.add(transfer(a, n).raw);
    // a paid for something else (a module action, say) from its balance.
    accounts.set(a.address, { balance: COST + COST / 2n });
    expect(await pool.onBlockCommitted({ txs: [], touched: [a.address] })).toEqual({
      included: 0,
      stale: 0,
      unfunded: 2,
      overLimit: 0,
    });
    expect(nonces(pool.selectForBlock(OPEN))).toEqual([0n]);
  });

  it('drops the transactions a block that lowered the chain limits no longer admits (later nonces wait behind the gap)', async () => {
    const { pool, accounts, limits } = makePool();
    const a = funded(accounts);
    const b = funded(accounts);
    await pool.add(transfer(a, 0).raw);
    await pool.add(transfer(a, 1, { gas: 50_000n }).raw);
    await pool.add(transfer(a, 2).raw);
    const big = transfer(b, 0, { gas: 100_000n, data: new Uint8Array(600).fill(1) });
    await pool.add(big.raw);
    // A governance change lowered both limits in the block just committed.
    limits.blockGasLimit = 40_000n;
    limits.maxTxBytes = 512;
    expect(await pool.onBlockCommitted({ txs: [], touched: [] })).toEqual({
      included: 0,
      stale: 0,
      unfunded: 0,
      overLimit: 2,
    });
    expect(pool.has(big.hash)).toBe(false);
    expect(pool.stats()).toMatchObject({ pending: 1, queued: 1, senders: 1 });
    expect(nonces(pool.selectForBlock(OPEN))).toEqual([0n]);
    // The lowered limits hold for new arrivals too.
    await expect(pool.add(transfer(a, 1, { gas: 50_000n }).raw)).rejects.toMatchObject({
      code: 'GAS_LIMIT_ABOVE_BLOCK',
    });
  });

  it('promotes queued transactions when the block fills the gap', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    await pool.add(transfer(a, 1).raw);
    await pool.add(transfer(a, 2).raw);
    expect(pool.stats()).toMatchObject({ pending: 0, queued: 2 });
    accounts.set(a.address, { nonce: 1n });
    await pool.onBlockCommitted({ txs: [transfer(a, 0)], touched: [a.address] });
    expect(pool.stats()).toMatchObject({ pending: 2, queued: 0 });
    expect(nonces(pool.selectForBlock(OPEN))).toEqual([1n, 2n]);
  });

  it('announces executable transactions: a pending admission and a promotion, not a queued one', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    let calls = 0;
    pool.onTxsAvailable(() => calls++);
    await pool.add(transfer(a, 1).raw);
    await pool.onBlockCommitted({ txs: [], touched: [a.address] });
    expect(calls).toBe(0);
    // Nonce 0 went into a block through another node's pool: nonce 1 becomes executable here.
    accounts.set(a.address, { nonce: 1n });
    await pool.onBlockCommitted({ txs: [transfer(a, 0)], touched: [a.address] });
    expect(calls).toBe(1);
    await pool.add(transfer(a, 2).raw);
    expect(calls).toBe(2);
  });

  it('lets a sender spend funds it received', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts, COST);
    await pool.add(transfer(a, 0).raw);
    await expect(pool.add(transfer(a, 1).raw)).rejects.toMatchObject({ code: 'OVERDRAFT' });
    accounts.set(a.address, { balance: 10n * ETH });
    await pool.onBlockCommitted({ txs: [], touched: [a.address] });
    await pool.add(transfer(a, 1).raw);
  });

  it('charges included transactions against the cached balance until the re-read', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts, 2n * COST);
    const t0 = transfer(a, 0);
    await pool.add(t0.raw);
    accounts.set(a.address, { nonce: 1n, balance: COST });
    const update = pool.onBlockCommitted({ txs: [t0], touched: [a.address] });
    // Not yet re-read: the pool assumes the worst case for what t0 spent, so no overdraft slips in.
    await pool.add(transfer(a, 1).raw);
    await expect(pool.add(transfer(a, 2).raw)).rejects.toMatchObject({ code: 'OVERDRAFT' });
    await update;
    expect(await pool.pendingNonce(a.address)).toBe(2n);
  });

  it('ignores accounts it holds nothing for and blocks of foreign transactions', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    const stranger = funded(accounts);
    await pool.add(transfer(a, 0).raw);
    const reads = accounts.reads;
    await pool.onBlockCommitted({ txs: [transfer(stranger, 0)], touched: [stranger.address] });
    expect(accounts.reads).toBe(reads);
    expect(pool.size).toBe(1);
  });

  it('applies overlapping block updates in order', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    const txs = [0, 1, 2, 3].map((n) => transfer(a, n));
    for (const tx of txs) await pool.add(tx.raw);
    accounts.set(a.address, { nonce: 1n });
    const first = pool.onBlockCommitted({ txs: [txs[0]!], touched: [a.address] });
    accounts.set(a.address, { nonce: 3n });
    const second = pool.onBlockCommitted({ txs: [txs[1]!, txs[2]!], touched: [a.address] });
    await Promise.all([first, second]);
    expect(nonces(pool.selectForBlock(OPEN))).toEqual([3n]);
    expect(await pool.pendingNonce(a.address)).toBe(4n);
  });
});
