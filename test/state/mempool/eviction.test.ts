import { describe, expect, it } from 'vitest';
import type { MempoolError } from '../../../state/mempool/errors.ts';
import { funded, GWEI, makePool, transfer } from './helpers.ts';

function fee(gwei: bigint) {
  return { fee: gwei * GWEI, tip: GWEI };
}

describe('a full pool', () => {
  it('evicts the cheapest transaction for one that pays more', async () => {
    const { pool, accounts } = makePool({ maxTxs: 3 });
    const txs = [4n, 2n, 3n].map((g) => transfer(funded(accounts), 0, fee(g)));
    for (const tx of txs) await pool.add(tx.raw);
    const result = await pool.add(transfer(funded(accounts), 0, fee(5n)).raw);
    expect(result.evicted).toEqual([txs[1]!.hash]);
    expect(pool.size).toBe(3);
    expect(pool.has(txs[1]!.hash)).toBe(false);
  });

  it('rejects a newcomer that does not pay more, and changes nothing', async () => {
    const { pool, accounts } = makePool({ maxTxs: 2 });
    const txs = [3n, 2n].map((g) => transfer(funded(accounts), 0, fee(g)));
    for (const tx of txs) await pool.add(tx.raw);
    const err = (await pool.add(transfer(funded(accounts), 0, fee(2n)).raw).catch((e) => e)) as MempoolError;
    expect(err.code).toBe('POOL_FULL');
    expect(err.message).toMatch(/^txpool is full: max fee per gas 2000000000 does not beat 2000000000/);
    expect(
      pool
        .content()
        .flatMap((c) => c.pending.map((t) => t.hash))
        .sort(),
    ).toEqual(txs.map((t) => t.hash).sort());
  });

  it('evicts the newest among equally cheap transactions', async () => {
    const { pool, accounts } = makePool({ maxTxs: 3 });
    const txs = [2n, 2n, 2n].map((g) => transfer(funded(accounts), 0, fee(g)));
    for (const tx of txs) await pool.add(tx.raw);
    const result = await pool.add(transfer(funded(accounts), 0, fee(3n)).raw);
    expect(result.evicted).toEqual([txs[2]!.hash]);
  });

  it("evicts from the tail of a sender's nonces, valuing a tx at its cheapest predecessor", async () => {
    const { pool, accounts } = makePool({ maxTxs: 3 });
    const [a, b] = [funded(accounts), funded(accounts)];
    const a0 = transfer(a, 0, fee(2n));
    const a1 = transfer(a, 1, fee(50n));
    await pool.add(a0.raw);
    await pool.add(a1.raw);
    await pool.add(transfer(b, 0, fee(10n)).raw);
    // a1 pays 50 gwei but cannot run before a0 (2 gwei): it goes first, and a0 stays executable.
    const result = await pool.add(transfer(funded(accounts), 0, fee(20n)).raw);
    expect(result.evicted).toEqual([a1.hash]);
    expect(pool.has(a0.hash)).toBe(true);
    expect(await pool.pendingNonce(a.address)).toBe(1n);
  });

  it("does not let a sender's new tx evict its own cheaper predecessor", async () => {
    const { pool, accounts } = makePool({ maxTxs: 2 });
    const [a, b] = [funded(accounts), funded(accounts)];
    await pool.add(transfer(a, 0, fee(2n)).raw);
    await pool.add(transfer(b, 0, fee(10n)).raw);
    const err = (await pool.add(transfer(a, 1, fee(100n)).raw).catch((e) => e)) as MempoolError;
    expect(err.code).toBe('POOL_FULL');
    expect(pool.size).toBe(2);
  });

  it('evicts queued transactions before executable ones, whatever they pay', async () => {
    const { pool, accounts } = makePool({ maxTxs: 3 });
    const [a, b] = [funded(accounts), funded(accounts)];
    await pool.add(transfer(a, 0, fee(10n)).raw);
    const gapped = transfer(a, 2, fee(100n));
    await pool.add(gapped.raw);
    await pool.add(transfer(b, 0, fee(5n)).raw);
    const result = await pool.add(transfer(funded(accounts), 0, fee(6n)).raw);
    expect(result.evicted).toEqual([gapped.hash]);
  });

  it('does not let a queued newcomer displace executable transactions', async () => {
    const { pool, accounts } = makePool({ maxTxs: 2 });
    const [a, b] = [funded(accounts), funded(accounts)];
    await pool.add(transfer(a, 0, fee(2n)).raw);
    await pool.add(transfer(a, 1, fee(2n)).raw);
    const err = (await pool.add(transfer(b, 1, fee(100n)).raw).catch((e) => e)) as MempoolError;
    expect(err.code).toBe('POOL_FULL');
    expect(err.message).toBe(
      'txpool is full: transactions waiting behind a missing nonce are the first to go when the pool is full; send nonce 0 first',
    );
  });

  it('replaces a transaction without evicting anything', async () => {
    const { pool, accounts } = makePool({ maxTxs: 2 });
    const [a, b] = [funded(accounts), funded(accounts)];
    await pool.add(transfer(a, 0, fee(2n)).raw);
    await pool.add(transfer(b, 0, fee(3n)).raw);
    const result = await pool.add(transfer(a, 0, { fee: 4n * GWEI, tip: 2n * GWEI }).raw);
    expect(result.evicted).toEqual([]);
    expect(pool.size).toBe(2);
  });

  describe('by bytes', () => {
    const big = { data: new Uint8Array(300).fill(7), gas: 50_000n };

    it('evicts as many cheaper transactions as the newcomer needs room for', async () => {
      const small = transfer(funded(makePool().accounts), 0);
      const { pool, accounts } = makePool({ maxPoolBytes: small.raw.length * 5 + 10, maxTxBytes: 500 });
      const txs = [2n, 3n, 4n, 5n, 6n].map((g) => transfer(funded(accounts), 0, fee(g)));
      for (const tx of txs) await pool.add(tx.raw);
      const large = transfer(funded(accounts), 0, { ...fee(10n), ...big });
      // The cheapest first, and only as many as it takes.
      let bytes = txs.reduce((sum, t) => sum + t.raw.length, large.raw.length);
      let needed = 0;
      while (bytes > pool.config.maxPoolBytes) bytes -= txs[needed++]!.raw.length;
      expect(needed).toBeGreaterThan(1);
      const result = await pool.add(large.raw);
      expect(result.evicted).toEqual(txs.slice(0, needed).map((t) => t.hash));
      expect(pool.stats().bytes).toBeLessThanOrEqual(pool.config.maxPoolBytes);
    });

    it('puts everything back when it cannot outbid all it would need to evict', async () => {
      const small = transfer(funded(makePool().accounts), 0);
      const { pool, accounts } = makePool({ maxPoolBytes: small.raw.length * 5 + 10, maxTxBytes: 500 });
      const [a, b] = [funded(accounts), funded(accounts)];
      // a's txs are the cheapest, b's cost more than the newcomer; a1..a3 are each a tail in turn.
      for (let n = 0; n < 3; n++) await pool.add(transfer(a, n, fee(2n)).raw);
      for (let n = 0; n < 2; n++) await pool.add(transfer(b, n, fee(9n)).raw);
      const before = pool.content();
      const bytes = pool.stats().bytes;
      const err = (await pool
        .add(transfer(funded(accounts), 0, { ...fee(5n), ...big }).raw)
        .catch((e) => e)) as MempoolError;
      expect(err.code).toBe('POOL_FULL');
      expect(pool.content()).toEqual(before);
      expect(pool.stats().bytes).toBe(bytes);
      // And the pool still works: its indexes were restored, not just its contents.
      const result = await pool.add(transfer(funded(accounts), 0, fee(3n)).raw);
      expect(result.evicted).toHaveLength(1);
      expect(await pool.pendingNonce(a.address)).toBe(2n);
    });
  });
});
