import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addressFromPrivateKey } from '../../core/address.ts';
import { SECP256K1_N } from '../../core/secp256k1.ts';
import {
  defaultBulkRecoveryThreads,
  defaultRecoveryThreads,
  inlineRecovery,
  MAX_JOB_TXS,
  WorkerRecovery,
} from '../../core/senderRecovery.ts';
import { decodeTx, encodeSignedTx, type SignedTx, signTx } from '../../core/tx.ts';

function tx(key: Uint8Array, nonce: number, data = new Uint8Array()): SignedTx {
  return signTx(
    {
      type: 2,
      chainId: 1337n,
      nonce: BigInt(nonce),
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      gasLimit: 21_000n,
      to: '0x000000000000000000000000000000000000c0de',
      value: BigInt(nonce),
      data,
      accessList: [],
    },
    key,
  );
}

function legacy(key: Uint8Array, nonce: number): SignedTx {
  const unsigned = {
    type: 0,
    chainId: 1337n,
    nonce: BigInt(nonce),
    gasPrice: 10n ** 10n,
    gasLimit: 21_000n,
    to: '0x000000000000000000000000000000000000c0de',
    value: 1n,
    data: new Uint8Array(),
  } as const;
  return signTx(unsigned, key);
}

describe('WorkerRecovery', () => {
  const pool = WorkerRecovery.start(2);
  afterAll(() => pool.close());

  it('recovers the same senders as the calling thread, for a batch spread over the workers', async () => {
    const keys = Array.from({ length: 20 }, () => new Uint8Array(randomBytes(32)));
    const txs = keys.flatMap((k, i) => [tx(k, i), tx(k, i + 100)]);
    const viaPool = await Promise.all(txs.map((t) => pool.recover(t)));
    const inline = await Promise.all(txs.map((t) => inlineRecovery.recover(t)));
    expect(viaPool).toEqual(inline);
    expect(viaPool[0]).toBe(addressFromPrivateKey(keys[0]!));
  });

  it(`splits a batch larger than a job (${MAX_JOB_TXS} transactions) without losing or reordering an answer`, async () => {
    const key = new Uint8Array(randomBytes(32));
    const other = new Uint8Array(randomBytes(32));
    // Two senders alternating, so an answer moved by one place across a job boundary shows.
    const txs = Array.from({ length: 2 * MAX_JOB_TXS + 3 }, (_, i) => tx(i % 2 === 0 ? key : other, i));
    const viaPool = await Promise.all(txs.map((t) => pool.recover(t)));
    expect(viaPool).toEqual(txs.map((_, i) => addressFromPrivateKey(i % 2 === 0 ? key : other)));
  });

  it('rejects what the calling thread rejects, without failing the rest of the batch', async () => {
    const key = new Uint8Array(randomBytes(32));
    const good = tx(key, 1);
    const highS = { ...good, s: SECP256K1_N - good.s };
    const noKey = { ...good, r: 5n }; // not an x coordinate on the curve: nothing recovers
    const results = await Promise.allSettled([pool.recover(good), pool.recover(highS), pool.recover(noKey)]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: addressFromPrivateKey(key) });
    for (const bad of [results[1], results[2]]) {
      expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_SIGNATURE' } });
    }
    // The worker's refusal says what the calling thread's says.
    expect(results[2]).toMatchObject({
      reason: { message: 'invalid signature: no public key recovers from it' },
    });
    await expect(inlineRecovery.recover(noKey)).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  it('answers a transaction asked for again while in flight with the same recovery, and asks anew after', async () => {
    const key = new Uint8Array(randomBytes(32));
    const t = tx(key, 7);
    const decodedAgain = { ...t }; // another object, as a block check decodes its own copy
    const first = pool.recover(t);
    expect(pool.recover(decodedAgain)).toBe(first);
    // A copy with another signature shares the hash field but not the request: recovered on its own.
    const forged = pool.recover({ ...t, r: 5n });
    expect(forged).not.toBe(first);
    await expect(forged).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
    expect(await first).toBe(addressFromPrivateKey(key));
    const later = pool.recover(t);
    expect(later).not.toBe(first);
    expect(await later).toBe(addressFromPrivateKey(key));
    // A rejected recovery is forgotten too.
    const again = pool.recover({ ...t, r: 5n });
    expect(again).not.toBe(forged);
    await expect(again).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  it('recovers decoded type-2 transactions from their raw bytes, mixed in one job with the other forms', async () => {
    const keys = Array.from({ length: 6 }, () => new Uint8Array(randomBytes(32)));
    // Record-sized calldata (11 KB), calldata of no length, a legacy transaction (its signing hash
    // is sent), and one signed here rather than decoded (its signing hash too), interleaved, so a
    // request read at a wrong offset shows as a wrong or missing sender.
    const txs = keys.flatMap((k, i) => [
      decodeTx(tx(k, i, new Uint8Array(randomBytes(11_000 + i))).raw),
      decodeTx(tx(k, i + 50).raw),
      decodeTx(legacy(k, i).raw),
      tx(k, i + 100, new Uint8Array(randomBytes(300))),
    ]);
    const viaPool = await Promise.all(txs.map((t) => pool.recover(t)));
    expect(viaPool).toEqual(txs.map((_, i) => addressFromPrivateKey(keys[Math.floor(i / 4)]!)));
    expect(pool.jobsInFlight).toBe(0);
  });

  it('rejects a decoded transaction no key recovers from, and answers the same bytes decoded twice once', async () => {
    const key = new Uint8Array(randomBytes(32));
    const good = tx(key, 1, new Uint8Array(randomBytes(2_000)));
    const { raw: _raw, hash: _hash, r: _r, s, yParity, ...unsigned } = good;
    const noKey = decodeTx(encodeSignedTx(unsigned, { r: 5n, s, yParity }));
    const first = pool.recover(decodeTx(good.raw));
    // Decoded again, as a block check decodes its own copy: named by its hash, asked for once.
    expect(pool.recover(decodeTx(good.raw))).toBe(first);
    const results = await Promise.allSettled([
      first,
      pool.recover(noKey),
      pool.recover(decodeTx(good.raw, good.hash)),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: addressFromPrivateKey(key) });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_SIGNATURE' } });
    expect(results[2]).toEqual({ status: 'fulfilled', value: addressFromPrivateKey(key) });
    await expect(inlineRecovery.recover(noKey)).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  it('tells apart decoded transactions with the same signature values and length', async () => {
    const key = new Uint8Array(randomBytes(32));
    const signed = tx(key, 1, new Uint8Array(64).fill(1));
    const { raw: _raw, hash: _hash, r, s, yParity, ...unsigned } = signed;
    // Another payload of the same length under the same (r, s, y parity): some other key, or none.
    const other = decodeTx(
      encodeSignedTx({ ...unsigned, data: new Uint8Array(64).fill(2) }, { r, s, yParity }),
    );
    const mine = decodeTx(signed.raw);
    const answers = await Promise.allSettled([pool.recover(mine), pool.recover(other)]);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: addressFromPrivateKey(key) });
    expect(answers[1]).not.toEqual(answers[0]);
    expect(answers[1]).toEqual(
      await inlineRecovery.recover(other).then(
        (value) => ({ status: 'fulfilled', value }),
        (reason) => ({ status: 'rejected', reason }),
      ),
    );
  });

  it('starts the bulk lane spare threads on its first jobs only, and answers there as on the others', async () => {
    const spares = WorkerRecovery.start(1, 3);
    try {
      const key = new Uint8Array(randomBytes(32));
      const other = new Uint8Array(randomBytes(32));
      const txs = Array.from({ length: 2 * MAX_JOB_TXS + 1 }, (_, i) => tx(i % 2 === 0 ? key : other, i));
      const expected = txs.map((_, i) => addressFromPrivateKey(i % 2 === 0 ? key : other));
      // The admission lane keeps to the pool's own thread, whatever its load.
      expect(await Promise.all(txs.map((t) => spares.recover(t)))).toEqual(expected);
      expect(await Promise.all(txs.map((t) => spares.recover(t, 'admit')))).toEqual(expected);
      expect(spares.threads).toBe(1);
      // Three jobs in the bulk lane: one on each of three threads, two of them started for it.
      expect(await Promise.all(txs.map((t) => spares.recover(t, 'bulk')))).toEqual(expected);
      expect(spares.threads).toBe(3);
      const mixed = txs.map((t, i) => spares.recover(t, i % 3 === 0 ? 'admit' : 'bulk'));
      expect(await Promise.all(mixed)).toEqual(expected);
      expect(spares.threads).toBe(3);
    } finally {
      await spares.close();
    }
  });

  it('sends a full job at once and the rest at the end of the turn', async () => {
    const key = new Uint8Array(randomBytes(32));
    const txs = Array.from({ length: MAX_JOB_TXS + 5 }, (_, i) => tx(key, i));
    const first = txs.slice(0, MAX_JOB_TXS - 1).map((t) => pool.recover(t, 'bulk'));
    // One short of a job, and a request in the other lane: nothing leaves before the turn ends.
    const admitted = pool.recover(txs[MAX_JOB_TXS]!, 'admit');
    expect(pool.jobsInFlight).toBe(0);
    first.push(pool.recover(txs[MAX_JOB_TXS - 1]!, 'bulk'));
    // The bulk lane's job is full: it is on a worker while this loop still runs.
    expect(pool.jobsInFlight).toBe(1);
    const rest = txs.slice(MAX_JOB_TXS + 1).map((t) => pool.recover(t, 'bulk'));
    expect(pool.jobsInFlight).toBe(1);
    const all = await Promise.all([...first, admitted, ...rest]);
    expect(new Set(all)).toEqual(new Set([addressFromPrivateKey(key)]));
    expect(all).toHaveLength(txs.length);
    expect(pool.jobsInFlight).toBe(0);
  });

  it('starts its own threads at once, and by default gives block sync a thread per core (at most 8), never fewer', async () => {
    const two = WorkerRecovery.start(2, 4);
    try {
      expect(two.threads).toBe(2);
    } finally {
      await two.close();
    }
    const cores = availableParallelism();
    // Every core but the main thread's, at most 4; none on a single core.
    expect(defaultRecoveryThreads()).toBe(Math.min(4, cores - 1));
    expect(defaultBulkRecoveryThreads(0)).toBe(Math.min(8, cores));
    expect(defaultBulkRecoveryThreads(1)).toBe(Math.max(1, Math.min(8, cores)));
    expect(defaultBulkRecoveryThreads(16)).toBe(16);
  });

  it('never gives the bulk lane fewer threads than the pool has', async () => {
    const pool2 = WorkerRecovery.start(2, 1);
    try {
      const key = new Uint8Array(randomBytes(32));
      const txs = Array.from({ length: MAX_JOB_TXS + 1 }, (_, i) => tx(key, i));
      expect(new Set(await Promise.all(txs.map((t) => pool2.recover(t, 'bulk'))))).toEqual(
        new Set([addressFromPrivateKey(key)]),
      );
      expect(pool2.threads).toBe(2);
    } finally {
      await pool2.close();
    }
  });

  it('lets a process that never closes it exit: its idle threads keep nothing running', () => {
    const module = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
    const script = `
      import { WorkerRecovery } from ${module('../../core/senderRecovery.ts')};
      import { signTx } from ${module('../../core/tx.ts')};
      const key = new Uint8Array(32).fill(7);
      const tx = signTx({ type: 2, chainId: 1n, nonce: 0n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n,
        gasLimit: 21000n, to: '0x000000000000000000000000000000000000c0de', value: 0n, data: new Uint8Array(),
        accessList: [] }, key);
      const pool = WorkerRecovery.start(1, 2);
      console.log(await pool.recover(tx, 'bulk'), pool.threads);`;
    // From a file: a script given with -e ends its process when it settles, whatever is still ref'd.
    const dir = mkdtempSync(join(tmpdir(), 'recovery-exit-'));
    writeFileSync(join(dir, 'script.mjs'), script);
    // The timeout only stops a process that hangs; its length is not what is tested.
    const run = spawnSync(process.execPath, [join(dir, 'script.mjs')], { encoding: 'utf8', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(`${addressFromPrivateKey(new Uint8Array(32).fill(7))} 2`);
  });

  it('keeps answering on the calling thread after it is closed', async () => {
    const other = WorkerRecovery.start(1);
    await other.close();
    const key = new Uint8Array(randomBytes(32));
    expect(await other.recover(tx(key, 3))).toBe(addressFromPrivateKey(key));
  });
});
