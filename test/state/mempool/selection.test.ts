import { describe, expect, it } from 'vitest';
import { funded, GWEI, makePool, nonces, transfer } from './helpers.ts';

const OPEN = { baseFee: 0n, gasLimit: 30_000_000n, maxBytes: 1_000_000 };

describe('selectForBlock', () => {
  it('orders senders by effective tip, highest first', async () => {
    const { pool, accounts } = makePool();
    const [a, b, c] = [funded(accounts), funded(accounts), funded(accounts)];
    const ta = transfer(a, 0, { fee: 10n * GWEI, tip: 3n * GWEI });
    const tb = transfer(b, 0, { fee: 10n * GWEI, tip: 5n * GWEI });
    const tc = transfer(c, 0, { fee: 10n * GWEI, tip: 1n * GWEI });
    for (const tx of [ta, tb, tc]) await pool.add(tx.raw);
    expect(pool.selectForBlock(OPEN).map((p) => p.tx.hash)).toEqual([tb.hash, ta.hash, tc.hash]);
  });

  it('ranks by the tip left after the base fee (max fee caps it; legacy pays price - base fee)', async () => {
    const { pool, accounts } = makePool();
    const [a, b] = [funded(accounts), funded(accounts)];
    // At base fee 9 gwei: a can tip only 1 gwei of its 5; legacy b tips 12 - 9 = 3.
    const ta = transfer(a, 0, { fee: 10n * GWEI, tip: 5n * GWEI });
    const tb = transfer(b, 0, { fee: 12n * GWEI, legacy: true });
    await pool.add(ta.raw);
    await pool.add(tb.raw);
    expect(pool.selectForBlock({ ...OPEN, baseFee: 0n }).map((p) => p.tx.hash)).toEqual([tb.hash, ta.hash]);
    expect(pool.selectForBlock({ ...OPEN, baseFee: 9n * GWEI }).map((p) => p.tx.hash)).toEqual([
      tb.hash,
      ta.hash,
    ]);
    expect(pool.selectForBlock({ ...OPEN, baseFee: 11n * GWEI }).map((p) => p.tx.hash)).toEqual([tb.hash]);
  });

  it("keeps each sender's nonce order even when a later nonce pays more", async () => {
    const { pool, accounts } = makePool();
    const [a, b] = [funded(accounts), funded(accounts)];
    await pool.add(transfer(a, 0, { fee: 20n * GWEI, tip: 1n * GWEI }).raw);
    await pool.add(transfer(a, 1, { fee: 20n * GWEI, tip: 10n * GWEI }).raw);
    await pool.add(transfer(b, 0, { fee: 20n * GWEI, tip: 5n * GWEI }).raw);
    const picked = pool.selectForBlock(OPEN);
    expect(picked.map((p) => [p.sender, p.tx.nonce])).toEqual([
      [b.address, 0n],
      [a.address, 0n],
      [a.address, 1n],
    ]);
  });

  it('breaks equal tips by arrival order', async () => {
    const { pool, accounts } = makePool();
    const keys = [funded(accounts), funded(accounts), funded(accounts)];
    const txs = keys.map((k) => transfer(k, 0));
    for (const tx of [txs[2]!, txs[0]!, txs[1]!]) await pool.add(tx.raw);
    expect(pool.selectForBlock(OPEN).map((p) => p.tx.hash)).toEqual([
      txs[2]!.hash,
      txs[0]!.hash,
      txs[1]!.hash,
    ]);
  });

  it('never selects queued transactions', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    await pool.add(transfer(a, 0).raw);
    await pool.add(transfer(a, 2, { tip: 2n * GWEI }).raw);
    expect(nonces(pool.selectForBlock(OPEN))).toEqual([0n]);
  });

  it('stops at the gas limit', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    for (let n = 0; n < 5; n++) await pool.add(transfer(a, n).raw);
    expect(nonces(pool.selectForBlock({ ...OPEN, gasLimit: 3n * 21_000n + 20_999n }))).toEqual([0n, 1n, 2n]);
  });

  it('skips a sender whose next tx does not fit, and fills the block from others', async () => {
    const { pool, accounts } = makePool();
    const [big, small] = [funded(accounts), funded(accounts)];
    await pool.add(transfer(big, 0, { gas: 100_000n, tip: 2n * GWEI, fee: 3n * GWEI }).raw);
    await pool.add(transfer(big, 1, { tip: 2n * GWEI, fee: 3n * GWEI }).raw);
    for (let n = 0; n < 3; n++) await pool.add(transfer(small, n).raw);
    const picked = pool.selectForBlock({ ...OPEN, gasLimit: 90_000n });
    expect(picked.map((p) => p.sender)).toEqual([small.address, small.address, small.address]);
  });

  it('stops at the byte budget', async () => {
    const { pool, accounts } = makePool();
    const a = funded(accounts);
    const txs = [0, 1, 2].map((n) => transfer(a, n));
    for (const tx of txs) await pool.add(tx.raw);
    const budget = txs[0]!.raw.length + txs[1]!.raw.length + txs[2]!.raw.length - 1;
    expect(nonces(pool.selectForBlock({ ...OPEN, maxBytes: budget }))).toEqual([0n, 1n]);
  });

  it('skips (and keeps) txs whose max fee is below the base fee, with their later nonces', async () => {
    const { pool, accounts } = makePool();
    const [a, b] = [funded(accounts), funded(accounts)];
    const cheap = transfer(a, 0, { fee: 2n * GWEI });
    await pool.add(cheap.raw);
    await pool.add(transfer(a, 1, { fee: 50n * GWEI }).raw);
    await pool.add(transfer(b, 0, { fee: 10n * GWEI }).raw);
    await pool.add(transfer(b, 1, { fee: 4n * GWEI }).raw);
    const picked = pool.selectForBlock({ ...OPEN, baseFee: 5n * GWEI });
    expect(picked.map((p) => [p.sender, p.tx.nonce])).toEqual([[b.address, 0n]]);
    expect(pool.has(cheap.hash)).toBe(true);
    expect(pool.size).toBe(4);
  });

  it('does not depend on the order senders first arrived in', async () => {
    const { accounts } = makePool();
    const keys = Array.from({ length: 4 }, () => funded(accounts));
    const txs = keys.flatMap((k, s) =>
      [0, 1].map((n) => transfer(k, n, { fee: 20n * GWEI, tip: BigInt(1 + s * 2 + n * 5) * GWEI })),
    );
    const picks: string[][] = [];
    for (const order of [txs, [...txs].reverse().sort((a, b) => Number(a.nonce - b.nonce))]) {
      const { pool, accounts: state } = makePool();
      for (const [address, account] of accounts.accounts) state.set(address, account);
      for (const tx of order) await pool.add(tx.raw);
      picks.push(pool.selectForBlock(OPEN).map((p) => p.tx.hash));
    }
    expect(picks[1]).toEqual(picks[0]);
  });

  it('is repeatable and leaves the pool as it was', async () => {
    const { pool, accounts } = makePool();
    for (let s = 0; s < 5; s++) {
      const key = funded(accounts);
      for (let n = 0; n < 4; n++)
        await pool.add(transfer(key, n, { fee: 10n * GWEI, tip: BigInt(1 + ((s * 7 + n) % 3)) * GWEI }).raw);
    }
    const limits = { ...OPEN, gasLimit: 10n * 21_000n };
    const first = pool.selectForBlock(limits).map((p) => p.tx.hash);
    expect(first).toHaveLength(10);
    expect(pool.selectForBlock(limits).map((p) => p.tx.hash)).toEqual(first);
    expect(pool.size).toBe(20);
  });

  it('stops at maxTxs, taking the best-paying first; without it only gas and bytes bound the block', async () => {
    const { pool, accounts } = makePool();
    const [a, b] = [funded(accounts), funded(accounts)];
    const txs = [
      transfer(a, 0, { fee: 20n * GWEI, tip: 1n * GWEI }),
      transfer(a, 1, { fee: 20n * GWEI, tip: 9n * GWEI }),
      transfer(b, 0, { fee: 20n * GWEI, tip: 5n * GWEI }),
    ];
    for (const tx of txs) await pool.add(tx.raw);
    const order = [txs[2]!.hash, txs[0]!.hash, txs[1]!.hash];
    const pick = (maxTxs?: number) => pool.selectForBlock({ ...OPEN, maxTxs }).map((p) => p.tx.hash);
    expect(pick(2)).toEqual(order.slice(0, 2));
    expect(pick(1)).toEqual(order.slice(0, 1));
    expect(pick(0)).toEqual([]);
    expect(pick(3)).toEqual(order);
    expect(pick(4)).toEqual(order);
    expect(pick()).toEqual(order);
    // Whichever limit binds first ends the block.
    expect(pool.selectForBlock({ ...OPEN, gasLimit: 21_000n, maxTxs: 2 })).toHaveLength(1);
  });
});
