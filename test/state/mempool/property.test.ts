// Random admissions, evictions and blocks against invariants that must hold for any pool content.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../core/address.ts';
import { maxFeePerGas, type SignedTx } from '../../../core/tx.ts';
import type { Mempool } from '../../../state/mempool/mempool.ts';
import type { BlockLimits, PooledTx } from '../../../state/mempool/types.ts';
import { GWEI, type Key, makePool, newKey, type TestAccounts, transfer } from './helpers.ts';

const KEYS: Key[] = Array.from({ length: 5 }, newKey);

const txSpec = fc.record({
  sender: fc.nat({ max: KEYS.length - 1 }),
  /** Relative to the sender's pending nonce: mostly the next one, some replacements, some gaps. */
  ahead: fc.constantFrom(0, 0, 0, 0, -1, -2, 1, 3),
  fee: fc.bigInt({ min: 1n, max: 30n }),
  tipPercent: fc.bigInt({ min: 0n, max: 100n }),
  gas: fc.constantFrom(21_000n, 40_000n, 90_000n),
  dataLen: fc.constantFrom(0, 50, 300),
  legacy: fc.boolean(),
});

const op = fc.oneof(
  { weight: 6, arbitrary: txSpec.map((spec) => ({ kind: 'tx' as const, spec })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ baseFee: fc.bigInt({ min: 0n, max: 20n }), txs: fc.nat({ max: 8 }) })
      .map((block) => ({ kind: 'block' as const, ...block })),
  },
);

const limitsArb: fc.Arbitrary<BlockLimits> = fc.record({
  baseFee: fc.bigInt({ min: 0n, max: 20n }).map((g) => g * GWEI),
  gasLimit: fc.bigInt({ min: 0n, max: 400_000n }),
  maxBytes: fc.nat({ max: 2_000 }),
});

function costOf(tx: SignedTx): bigint {
  return tx.value + tx.gasLimit * maxFeePerGas(tx);
}

type TxSpec = typeof txSpec extends fc.Arbitrary<infer T> ? T : never;

async function build(pool: Mempool, spec: TxSpec): Promise<SignedTx> {
  const key = KEYS[spec.sender]!;
  const next = (await pool.pendingNonce(key.address)) + BigInt(spec.ahead);
  const nonce = next < 0n ? 0n : next;
  const fee = spec.fee * GWEI;
  return transfer(key, nonce, {
    fee,
    tip: (fee * spec.tipPercent) / 100n,
    gas: spec.gas + BigInt(spec.dataLen) * 16n,
    data: new Uint8Array(spec.dataLen).fill(1),
    legacy: spec.legacy,
  });
}

/** What any selection must satisfy, whatever the pool holds. */
function checkSelection(selected: PooledTx[], limits: BlockLimits, accounts: TestAccounts): void {
  const next = new Map<Address, bigint>();
  let gas = 0n;
  let bytes = 0;
  for (const { tx, sender } of selected) {
    const expected = next.get(sender) ?? accounts.accounts.get(sender)!.nonce;
    expect(tx.nonce).toBe(expected);
    next.set(sender, expected + 1n);
    expect(maxFeePerGas(tx)).toBeGreaterThanOrEqual(limits.baseFee);
    gas += tx.gasLimit;
    bytes += tx.raw.length;
  }
  expect(gas).toBeLessThanOrEqual(limits.gasLimit);
  expect(bytes).toBeLessThanOrEqual(limits.maxBytes);
  expect(new Set(selected.map((p) => p.tx.hash)).size).toBe(selected.length);
}

/** What the pool's content must satisfy after every operation. */
function checkPool(pool: Mempool, accounts: TestAccounts): void {
  const stats = pool.stats();
  expect(pool.size).toBeLessThanOrEqual(pool.config.maxTxs);
  expect(stats.bytes).toBeLessThanOrEqual(pool.config.maxPoolBytes);
  let bytes = 0;
  let count = 0;
  for (const { sender, pending, queued } of pool.content()) {
    const account = accounts.accounts.get(sender)!;
    expect(pending.map((t) => t.nonce)).toEqual(pending.map((_, i) => account.nonce + BigInt(i)));
    const pendingNonce = account.nonce + BigInt(pending.length);
    let last = pendingNonce;
    for (const tx of queued) {
      expect(tx.nonce).toBeGreaterThan(last);
      last = tx.nonce;
    }
    const all = [...pending, ...queued];
    expect(all.reduce((sum, tx) => sum + costOf(tx), 0n)).toBeLessThanOrEqual(account.balance);
    expect(all.length).toBeLessThanOrEqual(pool.config.maxTxsPerSender);
    for (const tx of all) expect(pool.get(tx.hash)?.sender).toBe(sender);
    bytes += all.reduce((sum, tx) => sum + tx.raw.length, 0);
    count += all.length;
  }
  expect(count).toBe(pool.size);
  expect(stats.bytes).toBe(bytes);
  expect(stats.pending + stats.queued).toBe(count);
}

async function addQuietly(pool: Mempool, tx: SignedTx): Promise<void> {
  await pool.add(tx.raw).catch((err: unknown) => {
    if (!(err instanceof Error && 'code' in err)) throw err;
  });
}

describe('mempool properties', () => {
  it("selection never emits a sender's nonce n+1 before n and never exceeds its limits", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(txSpec, { maxLength: 30 }),
        fc.array(limitsArb, { minLength: 1, maxLength: 3 }),
        async (specs, limitsList) => {
          const { pool, accounts } = makePool({ maxNonceGap: 6 });
          for (const key of KEYS) accounts.set(key.address, { nonce: 3n, balance: 10n ** 17n });
          for (const spec of specs) await addQuietly(pool, await build(pool, spec));
          for (const limits of limitsList) checkSelection(pool.selectForBlock(limits), limits, accounts);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps its invariants through admissions, evictions and blocks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 40 }),
        fc.array(fc.bigInt({ min: 10n ** 15n, max: 10n ** 16n }), {
          minLength: KEYS.length,
          maxLength: KEYS.length,
        }),
        fc.record({
          maxTxs: fc.integer({ min: 1, max: 12 }),
          maxPoolBytes: fc.integer({ min: 500, max: 3_000 }),
        }),
        async (ops, balances, limits) => {
          const { pool, accounts } = makePool({
            ...limits,
            maxTxBytes: 500,
            maxNonceGap: 3,
            maxTxsPerSender: 6,
          });
          for (const [i, key] of KEYS.entries())
            accounts.set(key.address, { nonce: 0n, balance: balances[i]! });
          for (const step of ops) {
            if (step.kind === 'tx') {
              await addQuietly(pool, await build(pool, step.spec));
            } else {
              const blockLimits = { baseFee: step.baseFee * GWEI, gasLimit: 30_000_000n, maxBytes: 100_000 };
              const included = pool.selectForBlock(blockLimits).slice(0, step.txs);
              // Execute: each tx spends at most its worst-case cost.
              for (const { tx, sender } of included) {
                const account = accounts.accounts.get(sender)!;
                accounts.set(sender, { nonce: account.nonce + 1n, balance: account.balance - costOf(tx) });
              }
              await pool.onBlockCommitted({
                txs: included.map((p) => p.tx),
                touched: [...new Set(included.map((p) => p.sender))],
              });
            }
            checkPool(pool, accounts);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
