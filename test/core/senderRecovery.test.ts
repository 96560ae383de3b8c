import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { addressFromPrivateKey } from '../../core/address.ts';
import { SECP256K1_N } from '../../core/secp256k1.ts';
import { inlineRecovery, MAX_JOB_TXS, WorkerRecovery } from '../../core/senderRecovery.ts';
import { type SignedTx, signTx } from '../../core/tx.ts';

function tx(key: Uint8Array, nonce: number): SignedTx {
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
      data: new Uint8Array(),
      accessList: [],
    },
    key,
  );
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

  it('keeps answering on the calling thread after it is closed', async () => {
    const other = WorkerRecovery.start(1);
    await other.close();
    const key = new Uint8Array(randomBytes(32));
    expect(await other.recover(tx(key, 3))).toBe(addressFromPrivateKey(key));
  });
});
