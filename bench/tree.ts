// State tree throughput: batched updates over a pre-filled tree, our compressed sparse Merkle tree
// (state/tree) next to the Merkle Patricia Trie of @ethereumjs/mpt on the same keys, values and
// batches, and next to the machine's raw sha256 rate measured in the same run (absolute rates on a
// shared machine are noise; the ratios are the result). Both trees replay the same deterministic
// batches, one tree after the other.
//
// A batch mixes 70% overwrites of existing keys, 25% new keys and 5% deletes, with 100-byte values.
// Each tree persists into an in-memory store inside the timed section: ours puts the returned
// records into a Map, the MPT writes into its own in-memory database.
//
//   node bench/tree.ts [--prefill 100000] [--batch-sizes 1000,10000] [--changes 20000] [--no-mpt]
//                      [--json bench/results/tree.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createMPT, type MerklePatriciaTrie } from '@ethereumjs/mpt';
import { u64ToBytes } from '../core/bytes.ts';
import { sha256 } from '../core/hash.ts';
import {
  EMPTY_ROOT,
  encodeProof,
  type NodeReader,
  type StateProof,
  StateTree,
  verifyProof,
} from '../state/tree/index.ts';
import { median } from './stats.ts';

export interface TreeBenchOptions {
  /** Keys in the tree before the measured batches, inserted in batches of 10,000. Default 100,000. */
  readonly prefill?: number;
  /** Changes per batch, one measured series each. Default [1,000, 10,000]. */
  readonly batchSizes?: readonly number[];
  /** Changes measured per batch size (whole batches, at least two). Default 20,000. */
  readonly changesPerSize?: number;
  /** Compare with @ethereumjs/mpt. Default true. */
  readonly mpt?: boolean;
  /** Decoded-node cache of our tree; undefined for the tree's default. */
  readonly cacheSize?: number;
  /** Where to write the JSON; null to skip. Default bench/results/tree.json. */
  readonly jsonPath?: string | null;
  /** Print the table to stdout. Default true. */
  readonly print?: boolean;
}

export interface Series {
  readonly batchSize: number;
  readonly batches: number;
  /** Changes over the summed batch times. */
  readonly updatesPerSecond: number;
  readonly medianBatchMs: number;
  /** Our tree only: records returned for the caller to store, and their bytes, per change. */
  readonly recordsPerChange?: number;
  readonly bytesPerChange?: number;
  /** Our tree only: records read from the store (cache misses) per change. */
  readonly readsPerChange?: number;
}

export interface TreeBenchResult {
  readonly benchmark: 'tree';
  readonly date: string;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly cpu: string;
    readonly cores: number;
    /** 1-minute load average at start and end: figures taken under load are not comparable. */
    readonly loadAverage: { readonly start: number; readonly end: number };
    /** sha256 of 65-byte inputs (one internal node) per second, best of several rounds. */
    readonly sha256PerSecond: number;
  };
  readonly options: Required<Omit<TreeBenchOptions, 'jsonPath' | 'print' | 'cacheSize'>> & {
    readonly cacheSize: number | null;
    readonly valueBytes: number;
  };
  readonly prefill: { readonly stateTree: Series; readonly mpt: Series | null };
  readonly stateTree: Series[];
  readonly mpt: Series[] | null;
  readonly proofs: {
    readonly keys: number;
    readonly provePerSecond: number;
    readonly verifyPerSecond: number;
    readonly meanProofBytes: number;
    readonly meanSiblings: number;
  };
}

const VALUE_BYTES = 100;
const PREFILL_BATCH = 10_000;

interface Change {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/** mulberry32: a small seeded generator, so every run measures the same batches. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Deterministic batches over a live key set: overwrites, inserts and deletes. */
class Workload {
  readonly #random = rng(1);
  readonly #live: Uint8Array[] = [];
  #nextId = 0;

  // Views of one random buffer: 100-byte values allocated one by one would each be a separate
  // off-heap buffer, and hundreds of thousands of those slow the collector in the timed sections.
  readonly #values: Uint8Array = (() => {
    const pool = new Uint8Array(1 << 20);
    for (let i = 0; i < pool.length; i++) pool[i] = this.#random() * 256;
    return pool;
  })();

  #value(): Uint8Array {
    const at = Math.floor(this.#random() * (this.#values.length - VALUE_BYTES));
    return this.#values.subarray(at, at + VALUE_BYTES);
  }

  #newKey(): Uint8Array {
    const key = sha256(u64ToBytes(this.#nextId++));
    this.#live.push(key);
    return key;
  }

  inserts(n: number): Change[] {
    return Array.from({ length: n }, () => ({ key: this.#newKey(), value: this.#value() }));
  }

  batch(n: number): Change[] {
    // Overwrites and deletes pick among the keys live before the batch, each at most once.
    const existing = this.#live.length;
    const picked = new Set<number>();
    const pick = () => {
      let i: number;
      do i = Math.floor(this.#random() * existing);
      while (picked.has(i));
      picked.add(i);
      return i;
    };
    const changes: Change[] = [];
    const deleted: number[] = [];
    for (let c = 0; c < n; c++) {
      const roll = this.#random();
      if (roll < 0.25) changes.push({ key: this.#newKey(), value: this.#value() });
      else if (roll < 0.3) {
        const i = pick();
        deleted.push(i);
        changes.push({ key: this.#live[i]!, value: null });
      } else changes.push({ key: this.#live[pick()]!, value: this.#value() });
    }
    // Swap-remove from the highest index down, so that earlier indices stay valid.
    for (const i of deleted.sort((a, b) => b - a)) {
      this.#live[i] = this.#live[this.#live.length - 1]!;
      this.#live.pop();
    }
    return changes;
  }

  sample(n: number): Uint8Array[] {
    return Array.from({ length: n }, () => this.#live[Math.floor(this.#random() * this.#live.length)]!);
  }
}

/** Our tree with the caller's side of persistence: records kept in a Map by hash. */
class OurTree {
  readonly #records = new Map<string, Uint8Array>();
  readonly tree: StateTree;
  root = EMPTY_ROOT;
  records = 0;
  bytes = 0;
  reads = 0;

  constructor(cacheSize: number | undefined) {
    const reader: NodeReader = {
      get: async (hash) => {
        this.reads++;
        return this.#records.get(Buffer.from(hash).toString('latin1'));
      },
    };
    this.tree = new StateTree(reader, cacheSize === undefined ? {} : { cacheSize });
  }

  async apply(changes: readonly Change[]): Promise<void> {
    const { root, nodes } = await this.tree.update(this.root, changes);
    for (const [hash, record] of nodes) {
      this.#records.set(Buffer.from(hash).toString('latin1'), record);
      this.bytes += hash.length + record.length;
    }
    this.records += nodes.length;
    this.root = root;
  }
}

async function applyToMpt(trie: MerklePatriciaTrie, changes: readonly Change[]): Promise<void> {
  await trie.batch(
    changes.map((c) =>
      c.value === null ? { type: 'del', key: c.key } : { type: 'put', key: c.key, value: c.value },
    ),
  );
}

function series(batchSize: number, batchMs: number[], extra: Partial<Series> = {}): Series {
  const totalMs = batchMs.reduce((a, b) => a + b, 0);
  return {
    batchSize,
    batches: batchMs.length,
    updatesPerSecond: Math.round((batchSize * batchMs.length) / (totalMs / 1000)),
    medianBatchMs: Number(median(batchMs).toFixed(2)),
    ...extra,
  };
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** sha256 of a 65-byte input, the preimage size of every tree hash; best of 10 rounds. */
function sha256Rate(): number {
  const input = new Uint8Array(65);
  let best = 0;
  for (let round = 0; round < 10; round++) {
    const start = performance.now();
    for (let i = 0; i < 20_000; i++) {
      input[0] = i;
      sha256(input);
    }
    best = Math.max(best, 20_000 / ((performance.now() - start) / 1000));
  }
  return Math.round(best);
}

interface Plan {
  readonly prefill: number;
  readonly batchSizes: readonly number[];
  readonly changesPerSize: number;
}

interface Counters {
  readonly records: number;
  readonly bytes: number;
  readonly reads: number;
}

/**
 * Times every batch of the plan: prefill inserts, then a series of mixed batches per size. Batches
 * are generated just before they are timed, from the same seed for every tree, so that no tree
 * runs with the whole workload in memory. Returns keys live at the end, for the proof figures, and
 * with `counters` what each series added to them.
 */
async function replay(
  apply: (changes: readonly Change[]) => Promise<void>,
  plan: Plan,
  counters?: () => Counters,
): Promise<{ prefill: Series; series: Series[]; probes: Uint8Array[] }> {
  const workload = new Workload();
  const prefillMs: number[] = [];
  for (let done = 0; done < plan.prefill; done += PREFILL_BATCH) {
    const changes = workload.inserts(Math.min(PREFILL_BATCH, plan.prefill - done));
    prefillMs.push(await timed(() => apply(changes)));
  }
  const results: Series[] = [];
  for (const size of plan.batchSizes) {
    const batches = Math.max(2, Math.round(plan.changesPerSize / size));
    const before = counters?.();
    const ms: number[] = [];
    for (let b = 0; b < batches; b++) {
      const changes = workload.batch(size);
      ms.push(await timed(() => apply(changes)));
    }
    const after = counters?.();
    const per = (f: (c: Counters) => number) => (f(after!) - f(before!)) / (size * batches);
    results.push(
      series(size, ms, {
        ...(after && {
          recordsPerChange: Number(per((c) => c.records).toFixed(2)),
          bytesPerChange: Math.round(per((c) => c.bytes)),
          readsPerChange: Number(per((c) => c.reads).toFixed(2)),
        }),
      }),
    );
  }
  return { prefill: series(PREFILL_BATCH, prefillMs), series: results, probes: workload.sample(2_000) };
}

export async function runTreeBench(options: TreeBenchOptions = {}): Promise<TreeBenchResult> {
  const prefill = options.prefill ?? 100_000;
  const batchSizes = options.batchSizes ?? [1_000, 10_000];
  const changesPerSize = options.changesPerSize ?? 20_000;
  const withMpt = options.mpt ?? true;
  const print = options.print ?? true;
  const log = (line: string) => print && console.log(line);
  const loadStart = loadavg()[0]!;
  const shaBefore = sha256Rate();
  const plan: Plan = { prefill, batchSizes, changesPerSize };

  // One tree after the other rather than interleaved: in one heap, each tree's garbage would land
  // in the other's timings.
  log('state tree…');
  let ours: OurTree | undefined = new OurTree(options.cacheSize);
  const stateTree = await replay(
    (changes) => ours!.apply(changes),
    plan,
    () => ({ records: ours!.records, bytes: ours!.bytes, reads: ours!.reads }),
  );
  const proofs = await measureProofs(ours, stateTree.probes);
  ours = undefined;
  let mpt: { prefill: Series; series: Series[] } | null = null;
  if (withMpt) {
    log('@ethereumjs/mpt…');
    const trie = await createMPT({});
    mpt = await replay((changes) => applyToMpt(trie, changes), plan);
  }

  const result: TreeBenchResult = {
    benchmark: 'tree',
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadAverage: { start: loadStart, end: loadavg()[0]! },
      sha256PerSecond: Math.max(shaBefore, sha256Rate()),
    },
    options: {
      prefill,
      batchSizes,
      changesPerSize,
      mpt: withMpt,
      cacheSize: options.cacheSize ?? null,
      valueBytes: VALUE_BYTES,
    },
    prefill: { stateTree: stateTree.prefill, mpt: mpt?.prefill ?? null },
    stateTree: stateTree.series,
    mpt: mpt?.series ?? null,
    proofs,
  };
  log(`\n${formatTable(result)}`);
  const jsonPath =
    options.jsonPath === undefined
      ? fileURLToPath(new URL('./results/tree.json', import.meta.url))
      : options.jsonPath;
  if (jsonPath) {
    mkdirSync(dirname(resolve(jsonPath)), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    log(`\nwrote ${jsonPath}`);
  }
  return result;
}

/** Proofs of present keys at the final root: generation, verification and size. */
async function measureProofs(ours: OurTree, keys: Uint8Array[]): Promise<TreeBenchResult['proofs']> {
  const values = await Promise.all(keys.map((key) => ours.tree.get(ours.root, key)));
  let start = performance.now();
  const proofs: StateProof[] = [];
  for (const key of keys) proofs.push(await ours.tree.prove(ours.root, key));
  const proveSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  for (let i = 0; i < keys.length; i++) {
    if (!verifyProof(ours.root, keys[i]!, values[i], proofs[i]!))
      throw new Error('a state proof failed to verify');
  }
  const verifySeconds = (performance.now() - start) / 1000;
  const mean = (f: (i: number) => number) =>
    Number((keys.reduce((a, _, i) => a + f(i), 0) / keys.length).toFixed(1));
  return {
    keys: keys.length,
    provePerSecond: Math.round(keys.length / proveSeconds),
    verifyPerSecond: Math.round(keys.length / verifySeconds),
    meanProofBytes: mean((i) => encodeProof(proofs[i]!).length),
    meanSiblings: mean((i) => proofs[i]!.siblings.length),
  };
}

export function formatTable(r: TreeBenchResult): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const sha = r.machine.sha256PerSecond;
  const rows: string[][] = [
    [
      'batch',
      'state tree upd/s',
      'sha256 per update',
      'records/change',
      'bytes/change',
      'reads/change',
      'MPT upd/s',
      'tree/MPT',
    ],
  ];
  const all: [string, Series, Series | null | undefined][] = [
    [`prefill, ${n(r.prefill.stateTree.batchSize)} inserts`, r.prefill.stateTree, r.prefill.mpt],
    ...r.stateTree.map((s, i): [string, Series, Series | undefined] => [
      `${n(s.batchSize)} mixed`,
      s,
      r.mpt?.[i],
    ]),
  ];
  for (const [label, ours, mpt] of all) {
    rows.push([
      label,
      n(ours.updatesPerSecond),
      (sha / ours.updatesPerSecond).toFixed(1),
      ours.recordsPerChange?.toFixed(2) ?? '',
      ours.bytesPerChange === undefined ? '' : n(ours.bytesPerChange),
      ours.readsPerChange?.toFixed(2) ?? '',
      mpt ? n(mpt.updatesPerSecond) : 'n/a',
      mpt ? `${(ours.updatesPerSecond / mpt.updatesPerSecond).toFixed(1)}x` : 'n/a',
    ]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join(' | ')} |`;
  const m = r.machine;
  const p = r.proofs;
  return [
    `tree bench: node ${m.node}, ${m.platform}, ${m.cpu} (${m.cores} cores), load ${m.loadAverage.start.toFixed(2)} -> ${m.loadAverage.end.toFixed(2)}`,
    `${n(r.options.prefill)} keys pre-filled, ${r.options.valueBytes}-byte values, 70% overwrite / 25% insert / 5% delete; reference: sha256 of 65 bytes ${n(sha)}/s`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    '',
    `proofs of ${n(p.keys)} present keys: prove ${n(p.provePerSecond)}/s, verify ${n(p.verifyPerSecond)}/s, ${p.meanSiblings} siblings, ${p.meanProofBytes} bytes (RLP) on average`,
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      prefill: { type: 'string' },
      'batch-sizes': { type: 'string' },
      changes: { type: 'string' },
      'no-mpt': { type: 'boolean' },
      json: { type: 'string' },
    },
  });
  await runTreeBench({
    ...(values.prefill ? { prefill: Number(values.prefill) } : {}),
    ...(values['batch-sizes'] ? { batchSizes: values['batch-sizes'].split(',').map(Number) } : {}),
    ...(values.changes ? { changesPerSize: Number(values.changes) } : {}),
    ...(values['no-mpt'] ? { mpt: false } : {}),
    ...(values.json ? { jsonPath: values.json } : {}),
  });
}
