// Crypto hot paths on one core, each fast path next to its reference measured in the same run
// (absolute rates on a shared machine are noise; the ratios are the result):
//   - sender recovery of pre-signed EIP-1559 transfers (decodeTx + recoverSender):
//     libsecp256k1 binding vs @noble/curves
//   - recoverPublicKey alone on the same signatures (the floor under any admission path)
//   - keccak256 of 200-byte inputs: hash-wasm vs @noble/hashes
//   - ed25519 verify of vote sign bytes: node:crypto vs @noble/curves
// Everything runs synchronously on the main thread (the binding too), so each figure is one core.
//
//   node bench/recovery.ts [--seconds 0.5] [--rounds 3] [--json bench/results/recovery.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Address, addressFromPrivateKey } from '../core/address.ts';
import { bigintToFixedBytes, bytesToHex } from '../core/bytes.ts';
import { ed25519PublicKey, ed25519Reference, ed25519Sign, ed25519Verify } from '../core/ed25519.ts';
import { hashBackend, keccak256, keccak256Reference, sha256 } from '../core/hash.ts';
import {
  nativeBackend,
  nobleBackend,
  type RecoverableSignature,
  recoverPublicKey,
  type Secp256k1Backend,
} from '../core/secp256k1.ts';
import { decodeTx, recoverSender, signingHash, signTx } from '../core/tx.ts';
import { PRECOMMIT, voteSignBytes } from '../core/vote.ts';
import { median } from './stats.ts';

export interface RecoveryBenchOptions {
  /** Measuring time of one round of one figure, after a short warm-up. Default 0.5. */
  readonly seconds?: number;
  /**
   * Rounds per figure, fast path and reference alternating, so that a burst of load from other
   * processes hits both; each figure is the median round. Default 3.
   */
  readonly rounds?: number;
  /** Pre-signed transfers cycled through by the recovery loops. Default 2,000. */
  readonly transactions?: number;
  /** Distinct senders of those transfers. Default 20. */
  readonly senders?: number;
  /** Where to write the JSON; null to skip. Default bench/results/recovery.json. */
  readonly jsonPath?: string | null;
  /** Print the table to stdout. Default true. */
  readonly print?: boolean;
}

export interface Rate {
  /** Median over the rounds. */
  readonly opsPerSecond: number;
  /** Each round's rate, in the order run. */
  readonly rounds: number[];
  readonly ops: number;
  readonly seconds: number;
}

interface Round {
  readonly ops: number;
  readonly seconds: number;
}

export interface Comparison {
  readonly fast: { readonly name: string; readonly rate: Rate | null };
  readonly reference: { readonly name: string; readonly rate: Rate };
  /** fast / reference; null if the fast path is unavailable (binding not loaded). */
  readonly speedup: number | null;
}

export interface RecoveryBenchResult {
  readonly benchmark: 'recovery';
  readonly date: string;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly cpu: string;
    readonly cores: number;
    /** 1-minute load average at start and end: figures taken under load are not comparable. */
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly options: Required<Omit<RecoveryBenchOptions, 'jsonPath' | 'print'>>;
  readonly backends: { readonly secp256k1Native: boolean; readonly hash: typeof hashBackend };
  readonly senderRecovery: Comparison;
  readonly recoverPublicKey: Comparison;
  readonly keccak256: Comparison & { readonly inputBytes: number };
  readonly ed25519Verify: Comparison & { readonly messageBytes: number };
  /** Share of decode + signing-hash + address work on top of raw recovery, per backend. */
  readonly senderOverheadVsRawRecovery: { readonly native: number | null; readonly noble: number };
  /** XOR of bytes of every result; it only keeps the timed loops from being optimised away. */
  readonly checksum: number;
}

const CHAIN_ID = 1337n;
const GWEI = 10n ** 9n;

// Every result is folded into this module-level value, so that no loop body can be optimised away.
let sink = 0;

/** Runs op(i) for i = 0, 1, 2, … for about `seconds` after a warm-up. */
function measure(seconds: number, op: (i: number) => unknown): Round {
  const warmUntil = performance.now() + Math.min(200, seconds * 200);
  let i = 0;
  while (performance.now() < warmUntil) consume(op(i++));
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let ops = 0;
  // Check the clock once per batch, and grow the batch while one takes under 2 ms, so that fast
  // operations are not timing the timer and slow ones do not overshoot the deadline.
  for (let batch = 1; ; ) {
    const batchStart = performance.now();
    for (let k = 0; k < batch; k++) consume(op(i++));
    ops += batch;
    const now = performance.now();
    if (now >= deadline) return { ops, seconds: (now - start) / 1000 };
    if (now - batchStart < 2) batch *= 2;
  }
}

function consume(value: unknown): void {
  if (value instanceof Uint8Array) sink ^= value[value.length - 1]!;
  else if (typeof value === 'string') sink ^= value.charCodeAt(value.length - 1);
  else if (value === true) sink ^= 1;
}

function toRate(rounds: Round[]): Rate {
  const rates = rounds.map((r) => r.ops / r.seconds);
  return {
    opsPerSecond: median(rates),
    rounds: rates.map(Math.round),
    ops: rounds.reduce((sum, r) => sum + r.ops, 0),
    seconds: rounds.reduce((sum, r) => sum + r.seconds, 0),
  };
}

function compare(
  rounds: number,
  fast: { name: string; run: (() => Round) | null },
  reference: { name: string; run: () => Round },
): Comparison {
  const fastRounds: Round[] = [];
  const referenceRounds: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    if (fast.run) fastRounds.push(fast.run());
    referenceRounds.push(reference.run());
  }
  const fastRate = fast.run ? toRate(fastRounds) : null;
  const referenceRate = toRate(referenceRounds);
  return {
    fast: { name: fast.name, rate: fastRate },
    reference: { name: reference.name, rate: referenceRate },
    speedup: fastRate ? fastRate.opsPerSecond / referenceRate.opsPerSecond : null,
  };
}

/** Deterministic keys, so that runs sign the same transfers. */
function key(label: string, i: number): Uint8Array {
  return sha256(new TextEncoder().encode(`openchain bench ${label} ${i}`));
}

interface Transfers {
  readonly raw: Uint8Array[];
  readonly hashes: Uint8Array[];
  readonly signatures: RecoverableSignature[];
}

/** EIP-1559 transfers, senders interleaved in nonce order as a load generator sends them. */
function signTransfers(count: number, senders: number): Transfers {
  const keys = Array.from({ length: senders }, (_, s) => key('sender', s));
  const addresses = keys.map((k) => addressFromPrivateKey(k));
  const raw: Uint8Array[] = [];
  const hashes: Uint8Array[] = [];
  const signatures: RecoverableSignature[] = [];
  for (let i = 0; i < count; i++) {
    const s = i % senders;
    const tx = signTx(
      {
        type: 2,
        chainId: CHAIN_ID,
        nonce: BigInt(Math.floor(i / senders)),
        maxFeePerGas: 2n * GWEI,
        maxPriorityFeePerGas: GWEI,
        gasLimit: 21_000n,
        to: bytesToHex(bigintToFixedBytes(BigInt(i + 1), 20)) as Address,
        value: BigInt(i + 1) * 10n ** 15n,
        data: new Uint8Array(0),
        accessList: [],
      },
      keys[s]!,
    );
    raw.push(tx.raw);
    hashes.push(signingHash(tx));
    signatures.push({ r: tx.r, s: tx.s, yParity: tx.yParity });
    // The workload must be what it claims to be: check every sender once, on both backends.
    if (i < senders) {
      for (const backend of [nativeBackend, nobleBackend]) {
        if (backend && recoverSender(decodeTx(tx.raw), backend) !== addresses[s]) {
          throw new Error(`bench setup: ${backend.name} recovered the wrong sender`);
        }
      }
    }
  }
  return { raw, hashes, signatures };
}

export async function runRecoveryBench(options: RecoveryBenchOptions = {}): Promise<RecoveryBenchResult> {
  const seconds = options.seconds ?? 0.5;
  const rounds = options.rounds ?? 3;
  const transactions = options.transactions ?? 2_000;
  const senders = options.senders ?? 20;
  const jsonPath =
    options.jsonPath === undefined
      ? fileURLToPath(new URL('./results/recovery.json', import.meta.url))
      : options.jsonPath;
  const loadStart = loadavg()[0]!;

  const transfers = signTransfers(transactions, senders);
  const n = transactions;
  const senderRate = (backend: Secp256k1Backend) => () =>
    measure(seconds, (i) => recoverSender(decodeTx(transfers.raw[i % n]!), backend));
  const rawRate = (backend: Secp256k1Backend) => () =>
    measure(seconds, (i) =>
      recoverPublicKey(transfers.hashes[i % n]!, transfers.signatures[i % n]!, backend),
    );

  const senderRecovery = compare(
    rounds,
    { name: 'libsecp256k1 (secp256k1 binding)', run: nativeBackend ? senderRate(nativeBackend) : null },
    { name: '@noble/curves', run: senderRate(nobleBackend) },
  );
  const rawRecovery = compare(
    rounds,
    { name: 'libsecp256k1 (secp256k1 binding)', run: nativeBackend ? rawRate(nativeBackend) : null },
    { name: '@noble/curves', run: rawRate(nobleBackend) },
  );

  const inputBytes = 200;
  const inputs = Array.from({ length: 256 }, (_, i) => new Uint8Array(inputBytes).fill(i));
  const keccak = compare(
    rounds,
    { name: 'hash-wasm', run: () => measure(seconds, (i) => keccak256(inputs[i & 255]!)) },
    { name: '@noble/hashes', run: () => measure(seconds, (i) => keccak256Reference(inputs[i & 255]!)) },
  );

  // 100 validators precommitting at successive heights: vote-shaped messages, a fixed key set.
  const validators = Array.from({ length: 100 }, (_, v) => key('validator', v));
  const publicKeys = validators.map(ed25519PublicKey);
  const messages = Array.from({ length: 1000 }, (_, i) =>
    voteSignBytes(CHAIN_ID, {
      type: PRECOMMIT,
      height: 1000 + i,
      round: 0,
      blockHash: `0x${'ab'.repeat(32)}`,
    }),
  );
  const signed = messages.map((m, i) => ed25519Sign(m, validators[i % 100]!));
  const verifyWith = (verify: (s: Uint8Array, m: Uint8Array, k: Uint8Array) => boolean) => () =>
    measure(seconds, (i) => {
      const j = i % 1000;
      if (!verify(signed[j]!, messages[j]!, publicKeys[j % 100]!))
        throw new Error('bench: signature did not verify');
      return true;
    });
  const ed25519 = compare(
    rounds,
    { name: 'node:crypto', run: verifyWith(ed25519Verify) },
    { name: '@noble/curves', run: verifyWith(ed25519Reference.verify) },
  );

  const overhead = (sender: Rate | null, raw: Rate | null) =>
    sender && raw ? raw.opsPerSecond / sender.opsPerSecond - 1 : null;
  const result: RecoveryBenchResult = {
    benchmark: 'recovery',
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadAverage: { start: loadStart, end: loadavg()[0]! },
    },
    options: { seconds, rounds, transactions, senders },
    backends: { secp256k1Native: nativeBackend !== undefined, hash: hashBackend },
    senderRecovery,
    recoverPublicKey: rawRecovery,
    keccak256: { ...keccak, inputBytes },
    ed25519Verify: { ...ed25519, messageBytes: messages[0]!.length },
    senderOverheadVsRawRecovery: {
      native: overhead(senderRecovery.fast.rate, rawRecovery.fast.rate),
      noble: overhead(senderRecovery.reference.rate, rawRecovery.reference.rate)!,
    },
    checksum: sink,
  };

  if (options.print ?? true) console.log(formatTable(result));
  if (jsonPath) {
    mkdirSync(dirname(resolve(jsonPath)), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    if (options.print ?? true) console.log(`\nwrote ${jsonPath}`);
  }
  return result;
}

export function formatTable(r: RecoveryBenchResult): string {
  const fmt = (rate: Rate | null) => (rate ? Math.round(rate.opsPerSecond).toLocaleString('en-US') : 'n/a');
  const rows: [string, Comparison][] = [
    ['sender recovery: decodeTx + recoverSender (EIP-1559)', r.senderRecovery],
    ['recoverPublicKey alone', r.recoverPublicKey],
    [`keccak256, ${r.keccak256.inputBytes}-byte input`, r.keccak256],
    [`ed25519 verify, ${r.ed25519Verify.messageBytes}-byte vote`, r.ed25519Verify],
  ];
  const table = [
    ['measurement (one core)', 'fast path', 'ops/s', 'reference', 'ops/s', 'fast/ref'],
    ...rows.map(([label, c]) => [
      label,
      c.fast.name,
      fmt(c.fast.rate),
      c.reference.name,
      fmt(c.reference.rate),
      c.speedup === null ? 'n/a' : `${c.speedup.toFixed(1)}x`,
    ]),
  ];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, col) => (col === 0 || col === 1 || col === 3 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join(' | ')} |`;
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(0)}%`);
  const m = r.machine;
  return [
    `recovery bench: node ${m.node}, ${m.platform}, ${m.cpu} (${m.cores} cores), load ${m.loadAverage.start.toFixed(2)} -> ${m.loadAverage.end.toFixed(2)}`,
    `median of ${r.options.rounds} alternating rounds of ${r.options.seconds}s per figure`,
    '',
    line(table[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.slice(1).map(line),
    '',
    `decode + signing hash + address on top of raw recovery: native ${pct(r.senderOverheadVsRawRecovery.native)}, noble ${pct(r.senderOverheadVsRawRecovery.noble)}`,
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      rounds: { type: 'string' },
      json: { type: 'string' },
      transactions: { type: 'string' },
    },
  });
  await runRecoveryBench({
    ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
    ...(values.rounds ? { rounds: Number(values.rounds) } : {}),
    ...(values.transactions ? { transactions: Number(values.transactions) } : {}),
    ...(values.json ? { jsonPath: values.json } : {}),
  });
}
