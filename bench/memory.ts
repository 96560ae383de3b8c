// A validator's resident memory over a long run at half its saturation rate (issue 10: RSS stays
// within 20% over 10 minutes; report start, peak, end).
//
//   1. saturation (skipped with --rate): one validator (a CLI process) commits a burst of pre-signed
//      transfers sent as fast as its JSON-RPC accepts them; saturation = transfers / time to commit;
//   2. steady load: transfers signed on the fly from many senders, a JSON-RPC batch every 100 ms, at
//      half that rate, for --minutes; the validator's RSS (/proc/PID/status VmRSS) is sampled every
//      --sample-seconds. "start" is the first sample after --warmup-seconds (caches, JIT and the
//      mempool reach their working size), "peak" the largest after it, "end" the last.
//
// The reference in the same run is the start sample: peak and end are given as ratios to it.
//
//   node bench/memory.ts [--minutes 10] [--rate TX/S] [--warmup-seconds 60] [--sample-seconds 5]
//        [--senders 400] [--json FILE]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { addressFromPrivateKey } from '../core/address.ts';
import type { Hex } from '../core/bytes.ts';
import { sha256 } from '../core/hash.ts';
import { initHome } from '../node/init.ts';
import { batchBody, type LoadSender, sendBatch, signTransfers } from './load.ts';
import { launch, type NodeProc } from './nodeProc.ts';
import { freePorts } from './procs.ts';

const CHAIN_ID = 1337;
const TICK_MS = 100;
/** Batches of the steady load still unanswered before the generator counts itself behind. */
const MAX_IN_FLIGHT = 8;
/** The target: peak and end within 20% of the start. */
const TARGET_GROWTH = 1.2;

export interface MemoryBenchOptions {
  readonly minutes: number;
  /** Steady load in transfers per second; half the measured saturation when undefined. */
  readonly rate?: number;
  readonly warmupSeconds: number;
  readonly sampleSeconds: number;
  readonly senders: number;
}

export interface MemorySample {
  readonly seconds: number;
  readonly rssMb: number;
  /** The node's V8 heap in use and its external (Buffer, ArrayBuffer) memory, from its metrics. */
  readonly heapUsedMb: number;
  readonly externalMb: number;
  /** Decoded state tree nodes the node's cache holds (docs/state-tree.md, "Cache"). */
  readonly treeNodes: number;
  readonly committedTxs: number;
  readonly loadAverage: number;
}

export interface MemoryBenchResult {
  readonly saturationPerSecond: number | null;
  readonly offeredPerSecond: number;
  readonly committedPerSecond: number;
  readonly seconds: number;
  readonly rssMb: { readonly start: number; readonly peak: number; readonly end: number };
  readonly peakToStart: number;
  readonly endToStart: number;
  readonly target: { readonly growth: number; readonly met: boolean };
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly samples: readonly MemorySample[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return round2(kb / 1024);
}

/** Heap figures (prom-client's default process metrics) and the tree cache, from the node's metrics. */
async function heapMb(
  metricsUrl: string,
): Promise<{ heapUsedMb: number; externalMb: number; treeNodes: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const gauge = (name: string) => Number(new RegExp(`^openchain_${name} (\\S+)`, 'm').exec(text)?.[1]);
  return {
    heapUsedMb: round2(gauge('process_nodejs_heap_size_used_bytes') / 2 ** 20),
    externalMb: round2(gauge('process_nodejs_external_memory_bytes') / 2 ** 20),
    treeNodes: gauge('state_tree_cached_nodes'),
  };
}

/** Signs transfers round-robin over the senders, a round at a time, as batches are asked for. */
class Signer {
  readonly #senders: LoadSender[];
  #signed: Hex[] = [];
  #count = 0;

  constructor(keys: Uint8Array[]) {
    this.#senders = keys.map((key) => ({ key, nonce: 0 }));
  }

  batch(size: number): string {
    while (this.#signed.length < size)
      for (const t of signTransfers(this.#senders, 1, BigInt(CHAIN_ID))) this.#signed.push(t.rawHex);
    const body = batchBody(this.#signed.splice(0, size), this.#count);
    this.#count += size;
    return body;
  }
}

const send = (node: NodeProc, body: string): Promise<number> => sendBatch(node.rpcUrl, body);

async function committed(node: NodeProc, txs: number): Promise<void> {
  while (node.committed.txs < txs) {
    if (node.child.exitCode !== null || node.halted) throw new Error('the validator stopped');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Transfers per second the validator commits when sent a burst as fast as it accepts it. */
async function saturation(node: NodeProc, signer: Signer, senders: number): Promise<number> {
  // Batches of 500 keep each sender within the mempool's nonce window (4 in flight, 400 senders).
  if (senders * 64 < 24 * 500) throw new Error('too few senders for the burst: at least 188');
  const bodies = Array.from({ length: 24 }, () => signer.batch(500));
  const before = node.committed.txs;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < bodies.length) await send(node, bodies[next++]!);
    }),
  );
  await committed(node, before + bodies.length * 500);
  return (bodies.length * 500) / ((node.committed.lastAt - started) / 1000);
}

export async function runMemoryBench(o: MemoryBenchOptions): Promise<MemoryBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-memory-bench-'));
  const keys = Array.from({ length: o.senders }, (_, i) =>
    sha256(new TextEncoder().encode(`memory-bench-sender-${i}`)),
  );
  await initHome({
    home: join(dir, 'validator'),
    chainId: CHAIN_ID,
    moniker: 'validator',
    alloc: keys.map((k) => ({ address: addressFromPrivateKey(k), balance: 10n ** 24n })),
    rewardAddress: '0x00000000000000000000000000000000000fee01',
    config: { p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], sync: { peerWaitMs: 0 } } },
  });
  const metricsPort = await freePorts(1);
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const node = await launch(join(dir, 'validator'), 'validator', [
    '--rpc-port',
    '0',
    '--metrics-port',
    String(metricsPort),
  ]);
  const pid = node.child.pid!;
  try {
    const signer = new Signer(keys);
    const saturationPerSecond = o.rate === undefined ? await saturation(node, signer, o.senders) : null;
    const rate = o.rate ?? saturationPerSecond! / 2;
    const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
    const samples: MemorySample[] = [];
    const started = performance.now();
    const startTxs = node.committed.txs;
    const endAt = started + o.minutes * 60_000;
    let nextSample = started;
    const inFlight = new Set<Promise<unknown>>();
    let sent = 0;
    let failure: Error | undefined;
    for (let tick = started; tick < endAt; tick += TICK_MS) {
      if (failure) throw failure;
      if (node.child.exitCode !== null || node.halted) throw new Error('the validator stopped');
      if (inFlight.size < MAX_IN_FLIGHT) {
        sent += perTick;
        const sending: Promise<unknown> = send(node, signer.batch(perTick))
          .catch((err: Error) => {
            failure = err;
          })
          .finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }
      const now = performance.now();
      if (now >= nextSample) {
        samples.push({
          seconds: round2((now - started) / 1000),
          rssMb: rssMb(pid),
          ...(await heapMb(metricsUrl)),
          committedTxs: node.committed.txs - startTxs,
          loadAverage: round2(loadavg()[0]!),
        });
        nextSample += o.sampleSeconds * 1000;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, tick + TICK_MS - performance.now())));
    }
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(inFlight); // answered before the node stops
    const measured = samples.filter((s) => s.seconds >= o.warmupSeconds);
    if (measured.length < 2) throw new Error('no samples after the warm-up: run longer');
    const start = measured[0]!.rssMb;
    const peak = Math.max(...measured.map((s) => s.rssMb));
    const end = measured.at(-1)!.rssMb;
    return {
      saturationPerSecond: saturationPerSecond === null ? null : Math.round(saturationPerSecond),
      offeredPerSecond: Math.round(sent / seconds),
      committedPerSecond: Math.round((node.committed.txs - startTxs) / seconds),
      seconds: round2(seconds),
      rssMb: { start, peak, end },
      peakToStart: round2(peak / start),
      endToStart: round2(end / start),
      target: { growth: TARGET_GROWTH, met: peak / start <= TARGET_GROWTH && end / start <= TARGET_GROWTH },
      loadAverage: { start: samples[0]!.loadAverage, end: samples.at(-1)!.loadAverage },
      samples,
    };
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string' },
      'warmup-seconds': { type: 'string', default: '60' },
      'sample-seconds': { type: 'string', default: '5' },
      senders: { type: 'string', default: '400' },
      json: { type: 'string' },
    },
  });
  const result = await runMemoryBench({
    minutes: Number(values.minutes),
    rate: values.rate === undefined ? undefined : Number(values.rate),
    warmupSeconds: Number(values['warmup-seconds']),
    sampleSeconds: Number(values['sample-seconds']),
    senders: Number(values.senders),
  });
  const { samples, ...summary } = result;
  console.log(JSON.stringify(summary, null, 2));
  for (const s of samples)
    console.log(
      `${s.seconds}s RSS ${s.rssMb} MB heap ${s.heapUsedMb} MB external ${s.externalMb} MB tree nodes ${s.treeNodes} ${s.committedTxs} txs load ${s.loadAverage}`,
    );
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ bench: 'memory', result }, null, 2)}\n`);
}
