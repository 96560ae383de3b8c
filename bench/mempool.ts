// Mempool micro-benchmark: admission rate (raw bytes and pre-recovered), selection and block-update
// time for 10,000 EIP-1559 transfers from 50 senders. The reference figure, measured in the same run,
// is the machine's raw decode + sender-recovery rate: the floor cost of any admission.
//
//   node bench/mempool.ts [--json bench/results/mempool.json]
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Address, addressFromPrivateKey } from '../core/address.ts';
import { decodeTx, recoverSender, type SignedTx, signTx } from '../core/tx.ts';
import { Mempool } from '../state/mempool/mempool.ts';
import type { AccountState, TxRules } from '../state/mempool/types.ts';
import { median } from './stats.ts';

export interface MempoolBenchRow {
  readonly name: string;
  readonly ops: number;
  readonly ms: number;
  readonly perSecond: number;
}

const CHAIN_ID = 1337n;
const GWEI = 10n ** 9n;
const TO: Address = '0x70997970c51812dc3a010c7d01b50e20d17dc79c';
const rules: TxRules = {
  check: () => {},
  minFeePerGas: () => GWEI,
  stakesValue: () => false,
  headTime: () => 0,
  txLimits: () => ({ blockGasLimit: 30_000_000n, maxTxBytes: 128 * 1024 }),
};

interface Workload {
  readonly txs: SignedTx[];
  readonly senders: Address[];
  readonly accounts: Map<Address, AccountState>;
}

/** Each sender's txs in nonce order, senders interleaved as a load generator would send them. */
function workload(senderCount: number, perSender: number, maxFee = 100n * GWEI): Workload {
  const keys = Array.from({ length: senderCount }, () => new Uint8Array(randomBytes(32)));
  const senders = keys.map((k) => addressFromPrivateKey(k));
  const accounts = new Map(senders.map((a) => [a, { nonce: 0n, balance: 10n ** 24n }]));
  const txs: SignedTx[] = [];
  for (let n = 0; n < perSender; n++) {
    keys.forEach((key, s) => {
      const tip = BigInt(1 + ((s * 7 + n) % 13)) * GWEI;
      const unsigned = {
        type: 2 as const,
        chainId: CHAIN_ID,
        nonce: BigInt(n),
        maxFeePerGas: maxFee,
        maxPriorityFeePerGas: tip,
        gasLimit: 21_000n,
        to: TO,
        value: 1n,
        data: new Uint8Array(0),
        accessList: [],
      };
      txs.push(signTx(unsigned, key));
    });
  }
  return { txs, senders, accounts };
}

function newPool(w: Workload, maxTxs = 50_000): Mempool {
  const reader = { getAccount: (a: Address) => w.accounts.get(a) ?? { nonce: 0n, balance: 0n } };
  return new Mempool({ chainId: CHAIN_ID, maxTxs }, reader, rules);
}

/** Median of `rounds` runs after one warm-up run (JIT), each returning its own elapsed ms. */
async function timed(rounds: number, run: () => Promise<number> | number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await run());
  return median(times);
}

function row(name: string, ops: number, ms: number): MempoolBenchRow {
  return { name, ops, ms: Number(ms.toFixed(2)), perSecond: Math.round((ops / ms) * 1000) };
}

export async function benchMempool(
  senderCount = 50,
  perSender = 200,
  rounds = 5,
): Promise<MempoolBenchRow[]> {
  const w = workload(senderCount, perSender);
  const n = w.txs.length;
  const raws = w.txs.map((tx) => tx.raw);
  const recovered = w.txs.map((tx) => recoverSender(tx));
  const rows: MempoolBenchRow[] = [];

  const recoverMs = await timed(rounds, () => {
    const start = performance.now();
    for (const raw of raws) recoverSender(decodeTx(raw));
    return performance.now() - start;
  });
  rows.push(row('reference: decodeTx + recoverSender', n, recoverMs));

  const addRawMs = await timed(rounds, async () => {
    const pool = newPool(w);
    const start = performance.now();
    for (const raw of raws) await pool.add(raw);
    return performance.now() - start;
  });
  rows.push(row('add(raw): decode, recover, admit', n, addRawMs));

  const addDecodedMs = await timed(rounds, async () => {
    const pool = newPool(w);
    const start = performance.now();
    for (let i = 0; i < n; i++) await pool.addDecoded(w.txs[i]!, recovered[i]!);
    return performance.now() - start;
  });
  rows.push(row('addDecoded: admit only', n, addDecodedMs));

  // A full pool, then a second wave from fresh senders paying more: every admission evicts one tx.
  const wave = workload(senderCount, perSender / 2, 200n * GWEI);
  for (const [address, account] of wave.accounts) w.accounts.set(address, account);
  const waveSenders = wave.txs.map((tx) => recoverSender(tx));
  const evictMs = await timed(rounds, async () => {
    const full = newPool(w, n / 2);
    for (let i = 0; i < n / 2; i++) await full.addDecoded(w.txs[i]!, recovered[i]!);
    const start = performance.now();
    for (let i = 0; i < wave.txs.length; i++) {
      if ((await full.addDecoded(wave.txs[i]!, waveSenders[i]!)).evicted.length !== 1)
        throw new Error('no eviction');
    }
    return performance.now() - start;
  });
  rows.push(row('addDecoded into a full pool (evicting)', n / 2, evictMs));

  const pool = newPool(w);
  for (let i = 0; i < n; i++) await pool.addDecoded(w.txs[i]!, recovered[i]!);
  const everything = { baseFee: GWEI, gasLimit: 21_000n * BigInt(n), maxBytes: 100_000_000 };
  const selectAllMs = await timed(rounds, () => {
    const start = performance.now();
    pool.selectForBlock(everything);
    return performance.now() - start;
  });
  rows.push(row(`selectForBlock: all ${n}`, n, selectAllMs));

  const block = { baseFee: GWEI, gasLimit: 30_000_000n, maxBytes: 4_000_000 };
  const blockSize = pool.selectForBlock(block).length;
  const selectBlockMs = await timed(rounds, () => {
    const start = performance.now();
    pool.selectForBlock(block);
    return performance.now() - start;
  });
  rows.push(row(`selectForBlock: 30M-gas block (${blockSize} txs)`, blockSize, selectBlockMs));

  const commitMs = await timed(rounds, async () => {
    const p = newPool(w);
    for (let i = 0; i < n; i++) await p.addDecoded(w.txs[i]!, recovered[i]!);
    const included = p.selectForBlock(block);
    const start = performance.now();
    await p.onBlockCommitted({ txs: included.map((x) => x.tx), touched: w.senders });
    return performance.now() - start;
  });
  rows.push(
    row(`onBlockCommitted: ${blockSize} included, ${senderCount} senders re-read`, blockSize, commitMs),
  );
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await benchMempool();
  console.table(rows);
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0 && process.argv[jsonAt + 1]) {
    writeFileSync(process.argv[jsonAt + 1]!, `${JSON.stringify({ bench: 'mempool', rows }, null, 2)}\n`);
  }
}
