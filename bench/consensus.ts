// The multi-validator benchmark of issue 3: a devnet of 4 validator processes on loopback (real CLI
// processes, homes from node/devnet.ts createDevnet) driven by one load generator (this process).
//
//   1. saturation: committed transfer throughput and submit-to-final latency under pre-signed JSON-RPC
//      batches sent as fast as the nodes accept them, from many senders, each sender's transactions
//      to one of the 4 nodes (so the load is spread over every node's RPC);
//   2. moderate load: the same latency at a steady rate of a fraction (default 25%) of the measured
//      saturation throughput;
//   3. empty blocks per second at the default block interval, and at smaller intervals (the nodes
//      restarted with --block-interval) down to the smallest that still works (every node advances,
//      every block is decided in round 0);
//   4. sync: a fresh full node (openchain init --genesis --bootstrap, then start) catching up on the
//      chain the phases above built (at least 10,000 transactions), timed from its start to the head.
//
// Latency is the time from the eth_sendRawTransaction reply to the block holding the transaction
// being announced on a node (eth_subscribe newHeads over WebSocket: the node notifies when the block
// is committed, so its receipt is visible); the block's transaction hashes are read once per height.
// "own node" is the node the transaction was sent to, "all nodes" the last of the four.
//
// The reference in the same run is the single-validator figure (bench/throughput.ts, the same
// pre-signed load on one node). Targets (issue 3): p50 submit-to-final latency at moderate load under
// 2 block intervals; committed throughput at saturation at least 1/3 of the single-validator figure.
//
// Finality by default (issue 10: p50 submit-to-final at most 300 ms at a transfer every 50 ms on the
// devnet `npm start` runs): --npm-start-devnet --phases moderate --rate 20. The table then judges the
// p50 against 300 ms, and splits the own-node mean at the block's proposal (the proposer's log line):
// the wait for it (commit timeout, the height in progress, gossip, build), then the height itself.
//
//   node bench/consensus.ts [--senders 200] [--per-sender 100] [--batch 500] [--moderate 0.25]
//        [--rate TX_PER_S] [--block-interval MS] [--npm-start-devnet]
//        [--moderate-seconds 20] [--intervals 250,100,50,25,10] [--phases single,empty,saturation,...]
//        [--cpu-prof DIR] [--keep] [--node-args='--log-level debug'] [--no-single] [--json FILE]
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { Address } from '../core/address.ts';
import { type Hex, hexToBytes } from '../core/bytes.ts';
import { createDevnet, DEVNET_DEFAULTS, type DevnetManifest } from '../node/devnet.ts';
import { homePaths } from '../node/home.ts';
import { batchBody, blockNumber, rpc, sendBatch, signTransfers } from './load.ts';
import { type MachineInfo, machineInfo } from './machine.ts';
import { CLI, launch, type NodeProc, totalCpuMs } from './nodeProc.ts';
import { freePorts } from './procs.ts';
import { type Percentiles, percentiles } from './stats.ts';
import { runThroughputBench, type ThroughputResult } from './throughput.ts';

const CHAIN_ID = 1337n;
/** Issue 10: p50 submit-to-final on npm start's devnet at a transfer every 50 ms. */
const FINALITY_TARGET_MS = 300;

export const PHASES = ['single', 'empty', 'saturation', 'moderate', 'sync', 'intervals'] as const;
export type Phase = (typeof PHASES)[number];

export interface ConsensusBenchOptions {
  readonly validators?: number;
  /** The devnet's block interval (the commit timeout). Default 1000, or the devnet's with npmStartDevnet. */
  readonly blockIntervalMs?: number;
  /**
   * The devnet as `npm start` writes it (DEVNET_DEFAULTS: its block interval, blocks only for
   * transactions and an empty block per idle interval) instead of a block every interval.
   */
  readonly npmStartDevnet?: boolean;
  /** Funded senders; each sends to one node (sender i to node i mod validators). Default 200. */
  readonly senders?: number;
  /** Transactions per sender at saturation (and at the single validator). Default 100. */
  readonly perSender?: number;
  /** Transactions per JSON-RPC batch at saturation. Default 500. */
  readonly batch?: number;
  /** Batches in flight per node at saturation. Default 1 (4 over the devnet, as the single node gets). */
  readonly inFlightPerNode?: number;
  /** Moderate load as a fraction of the measured saturation throughput. Default 0.25. */
  readonly moderateFraction?: number;
  /** Moderate load at this fixed rate (tx/s) instead of a fraction of saturation. */
  readonly moderateRate?: number;
  readonly moderateSeconds?: number;
  /** How long empty blocks are counted at each interval. Default 10 s (default interval), 6 s others. */
  readonly emptySeconds?: number;
  readonly intervalSeconds?: number;
  /** Block intervals tried, largest first; the sweep stops at the first that fails. */
  readonly intervals?: readonly number[];
  readonly phases?: readonly Phase[];
  /** Write V8 CPU profiles of the validator processes (node --cpu-prof) into this directory. */
  readonly cpuProfDir?: string;
  /** Extra arguments for every `openchain start` (e.g. ['--log-level', 'debug']). */
  readonly nodeArgs?: readonly string[];
  /** Keep the devnet directory (homes with each node's bench-node.log) instead of deleting it. */
  readonly keepDir?: boolean;
  /** Where to write the JSON; null to skip. Default bench/results/consensus.json. */
  readonly jsonPath?: string | null;
  readonly print?: boolean;
}

export interface LoadFigures {
  readonly txs: number;
  readonly seconds: number;
  readonly committedPerSecond: number;
  /** Offered rate (moderate load) or null (as fast as accepted). */
  readonly offeredPerSecond: number | null;
  readonly blocks: number;
  readonly meanTxsPerBlock: number;
  /** Submit-to-final latency in ms, on the node the transaction was sent to and on all four. */
  readonly latencyOwnNodeMs: Percentiles;
  readonly latencyAllNodesMs: Percentiles;
  /**
   * The own-node latency's mean in two parts, from the proposer's 'proposed block' log line: waiting
   * until the block holding the transaction was proposed (gossip to the proposer, the rest of the
   * height in progress, the commit timeout, the build), then that height's rounds, commit and
   * newHeads. Null if a proposal's log line was missing.
   */
  readonly ownNodeMeanSplitMs: { readonly untilProposed: number; readonly proposedToFinal: number } | null;
  /** Mean time between the blocks of the phase, ms. */
  readonly blockPeriodMs: number;
  /** Blocks of the phase decided in a round above 0, over all nodes' logs. */
  readonly laterRoundCommits: number;
  /** CPU time of all validator processes per committed transaction (Linux /proc), ms. */
  readonly validatorCpuMsPerTx: number | null;
  readonly loadAverage: number;
}

export interface EmptyBlockFigures {
  readonly intervalMs: number;
  readonly seconds: number;
  readonly blocks: number;
  readonly blocksPerSecond: number;
  /** blocksPerSecond × interval: 1.0 would be a block exactly every interval. */
  readonly ofIntervalRate: number;
  readonly laterRoundCommits: number;
  /** CPU time of all validator processes per block (Linux /proc), ms. */
  readonly validatorCpuMsPerBlock: number | null;
  readonly works: boolean;
  readonly note?: string;
}

export interface SyncFigures {
  readonly blocks: number;
  readonly txs: number;
  readonly peers: number;
  /** From spawning `openchain start` to its eth_blockNumber reaching the head measured at spawn. */
  readonly seconds: number;
  /** Process start-up (spawn to its 'chain opened' log line), included in `seconds`. */
  readonly bootSeconds: number;
  readonly blocksPerSecond: number;
  readonly txsPerSecond: number;
}

export interface ConsensusBenchResult {
  readonly benchmark: 'consensus';
  readonly date: string;
  readonly machine: MachineInfo;
  readonly setup: {
    readonly validators: number;
    readonly blockIntervalMs: number;
    /** Blocks only for transactions, plus an empty block per idle interval (npm start's devnet). */
    readonly blocksOnDemand: boolean;
    readonly senders: number;
    readonly perSender: number;
    readonly batch: number;
    readonly inFlightPerNode: number;
    readonly moderateFraction: number;
    readonly moderateRate: number | null;
  };
  /** The single-validator reference: runs before and after the devnet, and their mean. */
  readonly single: { readonly committedPerSecond: number; readonly runs: readonly ThroughputResult[] } | null;
  readonly saturation: LoadFigures | null;
  readonly moderate: LoadFigures | null;
  readonly emptyBlocks: EmptyBlockFigures | null;
  readonly intervals: readonly EmptyBlockFigures[];
  readonly smallestWorkingIntervalMs: number | null;
  readonly sync: SyncFigures | null;
  readonly targets: {
    /**
     * p50 own-node latency at moderate load < 2 block intervals (issue 3), or on npm start's devnet
     * at most FINALITY_TARGET_MS (issue 10; 2 intervals of its short commit timeout would be stricter).
     */
    readonly latency: {
      readonly limitMs: number;
      readonly p50Ms: number | null;
      readonly met: boolean | null;
    };
    /** saturation / single ≥ 1/3. */
    readonly throughput: { readonly ratio: number | null; readonly met: boolean | null };
  };
  /** Phases that failed (the others still ran). */
  readonly errors: readonly string[];
}

// --- JSON-RPC and newHeads ------------------------------------------------------------------------

/**
 * Every node's newHeads, timestamped on arrival, and each height's transaction hashes (read once per
 * height from the first node that announced it).
 */
class HeadWatcher {
  /** arrivals[i]: height → performance.now() when node i announced it. */
  readonly arrivals: Map<number, number>[];
  readonly txHeight = new Map<Hex, number>();
  readonly txCount = new Map<number, number>();
  readonly #sockets: WebSocket[] = [];
  readonly #fetching = new Set<number>();
  readonly #fetches: Promise<void>[] = [];
  #indexTxs = false;

  readonly nodes: readonly NodeProc[];

  constructor(nodes: readonly NodeProc[]) {
    this.nodes = nodes;
    this.arrivals = nodes.map(() => new Map());
  }

  async open(): Promise<void> {
    await Promise.all(
      this.nodes.map(
        (node, i) =>
          new Promise<void>((ready, fail) => {
            const ws = new WebSocket(node.wsUrl);
            this.#sockets.push(ws);
            ws.onerror = () => fail(new Error(`WebSocket to ${node.name} failed`));
            ws.onopen = () =>
              ws.send(
                JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }),
              );
            ws.onmessage = (ev) => {
              const now = performance.now();
              const msg = JSON.parse(String(ev.data)) as {
                id?: number;
                method?: string;
                params?: { result: { number: string } };
              };
              if (msg.id === 1) ready();
              if (msg.method !== 'eth_subscription') return;
              const height = Number(msg.params!.result.number);
              if (!this.arrivals[i]!.has(height)) this.arrivals[i]!.set(height, now);
              if (this.#indexTxs && !this.#fetching.has(height)) {
                this.#fetching.add(height);
                this.#fetches.push(this.#fetchTxs(node.rpcUrl, height));
              }
            };
          }),
      ),
    );
  }

  /** From now on, read the transaction hashes of every new height. */
  indexTxs(on: boolean): void {
    this.#indexTxs = on;
  }

  async #fetchTxs(url: string, height: number): Promise<void> {
    const block = await rpc<{ transactions: Hex[] }>(url, 'eth_getBlockByNumber', [
      `0x${height.toString(16)}`,
      false,
    ]);
    this.txCount.set(height, block.transactions.length);
    for (const hash of block.transactions) this.txHeight.set(hash, height);
  }

  /** performance.now() when every node had announced `height`, or undefined. */
  allAt(height: number): number | undefined {
    let last = 0;
    for (const a of this.arrivals) {
      const t = a.get(height);
      if (t === undefined) return undefined;
      last = Math.max(last, t);
    }
    return last;
  }

  async settle(): Promise<void> {
    await Promise.all(this.#fetches);
  }

  close(): void {
    for (const ws of this.#sockets) ws.close();
  }
}

// --- load ------------------------------------------------------------------------------------------

interface Sender {
  readonly key: Uint8Array;
  readonly address: Address;
  readonly node: number;
  nonce: number;
}

interface PendingTx {
  readonly hash: Hex;
  readonly node: number;
  repliedAt: number;
}

/** Signs `perSender` transfers per sender in nonce-major order (consecutive nonces of many senders). */
function signLoad(senders: Sender[], perSender: number): { raw: Hex; tx: PendingTx }[] {
  return signTransfers(senders, perSender, CHAIN_ID).map((t) => ({
    raw: t.rawHex,
    tx: { hash: t.hash, node: senders[t.sender]!.node, repliedAt: Number.NaN },
  }));
}

/** Sends a batch; its transactions' submit time is the reply's arrival. */
async function sendStamped(url: string, body: string, txs: readonly PendingTx[]): Promise<void> {
  await sendBatch(url, body);
  const now = performance.now();
  for (const tx of txs) tx.repliedAt = now;
}

async function waitUntil(what: string, check: () => boolean, timeoutMs: number, stepMs = 25): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Latency and throughput of a set of transactions once all of them are final on every node. */
async function measureLoad(
  watcher: HeadWatcher,
  nodes: readonly NodeProc[],
  txs: readonly PendingTx[],
  started: number,
  offered: number | null,
  cpuBefore: number | null,
): Promise<LoadFigures> {
  await waitUntil(
    `${txs.length} transactions final on every node`,
    () =>
      txs.every((tx) => {
        const h = watcher.txHeight.get(tx.hash);
        return h !== undefined && watcher.allAt(h) !== undefined;
      }),
    300_000,
    50,
  );
  await watcher.settle();
  const cpuAfter = totalCpuMs(nodes);
  const heights = new Set<number>();
  const own: number[] = [];
  const all: number[] = [];
  let untilProposed = 0;
  let end = 0;
  for (const tx of txs) {
    const h = watcher.txHeight.get(tx.hash)!;
    heights.add(h);
    const everywhere = watcher.allAt(h)!;
    end = Math.max(end, everywhere);
    own.push(watcher.arrivals[tx.node]!.get(h)! - tx.repliedAt);
    all.push(everywhere - tx.repliedAt);
    // Log times are the nodes' Date.now(), on this machine's clock too.
    const proposals = nodes.flatMap((n) => n.proposedAt.get(h) ?? []);
    const proposed = proposals.length > 0 ? Math.max(...proposals) : Number.NaN;
    untilProposed += proposed - (performance.timeOrigin + tx.repliedAt);
  }
  const meanOwn = own.reduce((a, b) => a + b, 0) / own.length;
  const meanUntilProposed = untilProposed / txs.length;
  const sortedHeights = [...heights].sort((a, b) => a - b);
  const first = sortedHeights[0]!;
  const last = sortedHeights.at(-1)!;
  const a0 = watcher.arrivals[0]!;
  const period = last > first ? (a0.get(last)! - a0.get(first)!) / (last - first) : Number.NaN;
  let laterRounds = 0;
  for (const n of nodes)
    for (let h = first; h <= last; h++) if ((n.commitRounds.get(h) ?? 0) > 0) laterRounds++;
  const seconds = (end - started) / 1000;
  return {
    txs: txs.length,
    seconds: round2(seconds),
    committedPerSecond: Math.round(txs.length / seconds),
    offeredPerSecond: offered,
    blocks: heights.size,
    meanTxsPerBlock: Math.round(txs.length / heights.size),
    latencyOwnNodeMs: percentiles(own),
    latencyAllNodesMs: percentiles(all),
    ownNodeMeanSplitMs: Number.isNaN(meanUntilProposed)
      ? null
      : {
          untilProposed: Math.round(meanUntilProposed),
          proposedToFinal: Math.round(meanOwn - meanUntilProposed),
        },
    blockPeriodMs: Math.round(period),
    laterRoundCommits: laterRounds,
    validatorCpuMsPerTx:
      cpuBefore !== null && cpuAfter !== null ? round2((cpuAfter - cpuBefore) / txs.length) : null,
    loadAverage: round2(loadavg()[0]!),
  };
}

async function saturate(
  watcher: HeadWatcher,
  nodes: readonly NodeProc[],
  senders: Sender[],
  perSender: number,
  batch: number,
  inFlightPerNode: number,
): Promise<LoadFigures> {
  const signed = signLoad(senders, perSender);
  // Per node: its senders' transactions in nonce-major order, cut into batches, bodies pre-encoded.
  const perNode = nodes.map((_, i) => signed.filter((s) => s.tx.node === i));
  const queues = perNode.map((list) => {
    const batches: { body: string; txs: PendingTx[] }[] = [];
    for (let k = 0; k < list.length; k += batch) {
      const slice = list.slice(k, k + batch);
      batches.push({
        body: batchBody(
          slice.map((s) => s.raw),
          k,
        ),
        txs: slice.map((s) => s.tx),
      });
    }
    return batches;
  });
  const cpuBefore = totalCpuMs(nodes);
  const started = performance.now();
  await Promise.all(
    nodes.flatMap((node, i) =>
      Array.from({ length: inFlightPerNode }, async () => {
        const queue = queues[i]!;
        for (let next = queue.shift(); next; next = queue.shift())
          await sendStamped(node.rpcUrl, next.body, next.txs);
      }),
    ),
  );
  return measureLoad(
    watcher,
    nodes,
    signed.map((s) => s.tx),
    started,
    null,
    cpuBefore,
  );
}

async function steadyLoad(
  watcher: HeadWatcher,
  nodes: readonly NodeProc[],
  senders: Sender[],
  rate: number,
  seconds: number,
): Promise<LoadFigures> {
  const TICK_MS = 50;
  const perSender = Math.max(1, Math.ceil((rate * seconds) / senders.length));
  const signed = signLoad(senders, perSender);
  const total = Math.min(signed.length, Math.round(rate * seconds));
  const load = signed.slice(0, total);
  const cpuBefore = totalCpuMs(nodes);
  const started = performance.now();
  const sends: Promise<void>[] = [];
  let sent = 0;
  for (let tick = 1; sent < total; tick++) {
    const due = Math.min(total, Math.round((rate * tick * TICK_MS) / 1000));
    const slice = load.slice(sent, due);
    sent = due;
    for (const [i, node] of nodes.entries()) {
      const mine = slice.filter((s) => s.tx.node === i);
      if (mine.length > 0)
        sends.push(
          sendStamped(
            node.rpcUrl,
            batchBody(mine.map((s) => s.raw)),
            mine.map((s) => s.tx),
          ),
        );
    }
    const wait = started + tick * TICK_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(sends);
  // Transactions signed beyond `total` were never sent. The load is nonce-major over the senders,
  // so sender s used ceil((total - s) / senders) nonces.
  senders.forEach((sender, s) => {
    sender.nonce += Math.ceil((total - s) / senders.length) - perSender;
  });
  return measureLoad(
    watcher,
    nodes,
    load.map((s) => s.tx),
    started,
    rate,
    cpuBefore,
  );
}

// --- empty blocks ----------------------------------------------------------------------------------

async function emptyBlocks(
  watcher: HeadWatcher,
  nodes: readonly NodeProc[],
  intervalMs: number,
  seconds: number,
): Promise<EmptyBlockFigures> {
  const a0 = watcher.arrivals[0]!;
  const startHeights = watcher.arrivals.map((a) => Math.max(0, ...a.keys()));
  const from = Math.max(...startHeights) + 1;
  const cpuBefore = totalCpuMs(nodes);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpuAfter = totalCpuMs(nodes);
  const endHeights = watcher.arrivals.map((a) => Math.max(0, ...a.keys()));
  const to = Math.max(...a0.keys());
  const blocks = to - from;
  const elapsed = blocks > 0 ? (a0.get(to)! - a0.get(from)!) / 1000 : seconds;
  const blocksPerSecond = blocks > 0 ? blocks / elapsed : 0;
  let laterRounds = 0;
  for (const n of nodes) for (let h = from; h <= to; h++) if ((n.commitRounds.get(h) ?? 0) > 0) laterRounds++;
  const stalled = nodes.filter((_, i) => endHeights[i]! <= startHeights[i]!).map((n) => n.name);
  const halted = nodes.filter((n) => n.halted).map((n) => `${n.name}: ${n.halted}`);
  const problems = [
    ...(stalled.length > 0 ? [`no progress on ${stalled.join(', ')}`] : []),
    ...(laterRounds > 0 ? [`${laterRounds} commits after round 0`] : []),
    ...halted,
  ];
  return {
    intervalMs,
    seconds: round2(elapsed),
    blocks,
    blocksPerSecond: round2(blocksPerSecond),
    ofIntervalRate: round2((blocksPerSecond * intervalMs) / 1000),
    laterRoundCommits: laterRounds,
    validatorCpuMsPerBlock:
      cpuBefore !== null && cpuAfter !== null && blocks > 0
        ? Math.round((cpuAfter - cpuBefore) / (blocks + 1))
        : null,
    works: problems.length === 0 && blocks >= 2,
    ...(problems.length > 0 ? { note: problems.join('; ') } : {}),
  };
}

// --- sync ------------------------------------------------------------------------------------------

async function syncFullNode(
  dir: string,
  manifest: DevnetManifest,
  nodes: readonly NodeProc[],
  txs: number,
  cpuProfDir?: string,
): Promise<SyncFigures> {
  const home = join(dir, 'fullnode');
  const p2pPort = await freePorts(1);
  const run = promisify(execFile);
  await run(process.execPath, [
    CLI,
    'init',
    '--home',
    home,
    '--genesis',
    homePaths(manifest.nodes[0]!.home).genesis,
    '--moniker',
    'fullnode',
    '--p2p-port',
    String(p2pPort),
    ...manifest.nodes.flatMap((n) => ['--bootstrap', n.p2p]),
  ]);
  const head = await blockNumber(nodes[0]!.rpcUrl);
  const spawned = Date.now();
  const t0 = performance.now();
  const full = await launch(home, 'fullnode', ['--rpc-port', '0'], cpuProfDir);
  try {
    for (;;) {
      const h = await blockNumber(full.rpcUrl);
      if (h >= head) break;
      if (full.halted) throw new Error(`full node halted: ${full.halted}`);
      if (performance.now() - t0 > 600_000) throw new Error(`full node stuck at ${h} of ${head}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    const peers = (await rpc<unknown[]>(full.rpcUrl, 'open_peers')).length;
    const opened = full.marks.get('chain opened');
    return {
      blocks: head,
      txs,
      peers,
      seconds: round2(seconds),
      bootSeconds: opened ? round2((opened - spawned) / 1000) : Number.NaN,
      blocksPerSecond: Math.round(head / seconds),
      txsPerSecond: Math.round(txs / seconds),
    };
  } finally {
    await full.stop();
  }
}

// --- the bench ---------------------------------------------------------------------------------------

const round2 = (x: number) => Math.round(x * 100) / 100;

export async function runConsensusBench(options: ConsensusBenchOptions = {}): Promise<ConsensusBenchResult> {
  const validators = options.validators ?? 4;
  const blocksOnDemand = options.npmStartDevnet ?? false;
  const blockIntervalMs =
    options.blockIntervalMs ?? (blocksOnDemand ? DEVNET_DEFAULTS.blockIntervalMs : 1000);
  const sendersCount = options.senders ?? 200;
  const perSender = options.perSender ?? 100;
  const batch = options.batch ?? 500;
  const inFlightPerNode = options.inFlightPerNode ?? 1;
  const moderateFraction = options.moderateFraction ?? 0.25;
  const moderateRate = options.moderateRate ?? null;
  const moderateSeconds = options.moderateSeconds ?? 20;
  const emptySeconds = options.emptySeconds ?? 10;
  const intervalSeconds = options.intervalSeconds ?? 6;
  const intervals = options.intervals ?? [250, 100, 50, 25, 10];
  const phases = new Set(options.phases ?? PHASES);
  const print = options.print ?? true;
  const say = (line: string) => print && console.log(line);
  const jsonPath =
    options.jsonPath === undefined
      ? fileURLToPath(new URL('./results/consensus.json', import.meta.url))
      : options.jsonPath;
  const loadStart = loadavg()[0]!;
  const errors: string[] = [];
  /** Runs one phase; a failure is recorded and the bench goes on with the others. */
  async function phase<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
      say(`  ${name} failed: ${(err as Error).message}`);
      return null;
    }
  }

  // The single-validator reference runs before the devnet starts and again after it stopped, so
  // that a change of the machine's load during the run shows (and averages out).
  const singleRuns: ThroughputResult[] = [];
  const runSingle = async (when: string) => {
    say(`single validator (${when}): ${sendersCount} senders x ${perSender} transfers, batches of ${batch}…`);
    const r = await phase(`single validator (${when})`, () =>
      runThroughputBench({ senders: sendersCount, perSender, batch }),
    );
    if (r) {
      singleRuns.push(r);
      say(`  ${r.committedPerSecond} tx/s committed`);
    }
  };
  if (phases.has('single')) await runSingle('before');

  const dir = mkdtempSync(join(tmpdir(), 'openchain-consensus-bench-'));
  const base = await freePorts(3 * validators);
  const manifest = await createDevnet({
    dir,
    validators,
    accounts: sendersCount,
    basePort: base,
    p2pBasePort: base + validators,
    metricsBasePort: base + 2 * validators,
    blockIntervalMs,
    emptyBlocks: !blocksOnDemand,
  });
  // Room in every mempool for the whole saturating load (all of it reaches every node by gossip).
  for (const node of manifest.nodes) {
    const path = homePaths(node.home).config;
    const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>;
    config['mempool'] = { ...config['mempool'], maxTxs: sendersCount * perSender * 2 + 10_000 };
    writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  }
  const senders: Sender[] = manifest.accounts.map((a, i) => ({
    key: hexToBytes(a.privateKey as Hex),
    address: a.address as Address,
    node: i % validators,
    nonce: 0,
  }));
  const nodeArgs = options.nodeArgs ?? [];
  const startAll = (extra: string[] = []) =>
    Promise.all(
      manifest.nodes.map((n) => launch(n.home, n.name, [...nodeArgs, ...extra], options.cpuProfDir)),
    );

  let nodes: NodeProc[] = [];
  let watcher: HeadWatcher | undefined;
  let saturation: LoadFigures | null = null;
  let moderate: LoadFigures | null = null;
  let empty: EmptyBlockFigures | null = null;
  const sweep: EmptyBlockFigures[] = [];
  let sync: SyncFigures | null = null;
  let committedTxs = 0;
  try {
    nodes = await startAll();
    const w = new HeadWatcher(nodes);
    watcher = w;
    await w.open();
    await waitUntil('the devnet to commit 3 blocks', () => w.arrivals.every((a) => a.size >= 3), 60_000);

    w.indexTxs(true);
    if (phases.has('saturation')) {
      say(`saturation: ${sendersCount} senders x ${perSender} transfers over ${validators} nodes…`);
      saturation = await phase('saturation', () =>
        saturate(w, nodes, senders, perSender, batch, inFlightPerNode),
      );
      if (saturation) {
        committedTxs += saturation.txs;
        say(`  ${saturation.committedPerSecond} tx/s, latency p50 ${saturation.latencyOwnNodeMs.p50} ms`);
      }
    }

    if (phases.has('moderate')) {
      const reference = saturation?.committedPerSecond ?? singleRuns[0]?.committedPerSecond ?? 1000;
      const rate = moderateRate ?? Math.max(10, Math.round(reference * moderateFraction));
      say(`moderate load: ${rate} tx/s for ${moderateSeconds} s…`);
      moderate = await phase('moderate', () => steadyLoad(w, nodes, senders, rate, moderateSeconds));
      if (moderate) {
        committedTxs += moderate.txs;
        say(`  latency p50 ${moderate.latencyOwnNodeMs.p50} ms, p95 ${moderate.latencyOwnNodeMs.p95} ms`);
      }
    }
    w.indexTxs(false);

    if (phases.has('empty')) {
      say(`empty blocks at the default interval (${blockIntervalMs} ms) for ${emptySeconds} s…`);
      empty = await phase('empty blocks', () => emptyBlocks(w, nodes, blockIntervalMs, emptySeconds));
      if (empty) say(`  ${empty.blocksPerSecond} blocks/s`);
    }

    if (phases.has('sync')) {
      sync = await phase('sync', async () => {
        // At least 10,000 transactions in the chain to sync.
        if (committedTxs < 10_000) {
          say('building a chain of 10,000 transactions to sync…');
          const extra = Math.ceil((10_000 - committedTxs) / senders.length);
          w.indexTxs(true);
          const filled = await saturate(w, nodes, senders, extra, batch, inFlightPerNode);
          w.indexTxs(false);
          committedTxs += filled.txs;
        }
        say(`sync: a fresh full node catching up on ${committedTxs} transactions…`);
        return syncFullNode(dir, manifest, nodes, committedTxs, options.cpuProfDir);
      });
      if (sync) say(`  ${sync.blocksPerSecond} blocks/s, ${sync.txsPerSecond} tx/s`);
    }

    if (phases.has('intervals')) {
      for (const intervalMs of intervals) {
        watcher?.close();
        watcher = undefined;
        await Promise.all(nodes.map((n) => n.stop()));
        nodes = [];
        const figures = await phase(`interval ${intervalMs} ms`, async () => {
          nodes = await startAll(['--block-interval', String(intervalMs)]);
          const ws = new HeadWatcher(nodes);
          watcher = ws;
          await ws.open();
          await waitUntil('blocks after the restart', () => ws.arrivals.every((a) => a.size >= 2), 30_000);
          say(`empty blocks at ${intervalMs} ms for ${intervalSeconds} s…`);
          return emptyBlocks(ws, nodes, intervalMs, intervalSeconds);
        });
        if (!figures) break;
        sweep.push(figures);
        say(`  ${figures.blocksPerSecond} blocks/s${figures.works ? '' : ` (fails: ${figures.note})`}`);
        if (!figures.works) break;
      }
    }
  } finally {
    watcher?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    if (options.keepDir) say(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }

  if (phases.has('single')) await runSingle('after');

  const singleMean =
    singleRuns.length > 0
      ? Math.round(singleRuns.reduce((a, r) => a + r.committedPerSecond, 0) / singleRuns.length)
      : null;
  const working = sweep.filter((e) => e.works).map((e) => e.intervalMs);
  const ratio = saturation && singleMean ? round2(saturation.committedPerSecond / singleMean) : null;
  const p50 = moderate?.latencyOwnNodeMs.p50 ?? null;
  const result: ConsensusBenchResult = {
    benchmark: 'consensus',
    date: new Date().toISOString(),
    machine: machineInfo(loadStart),
    setup: {
      validators,
      blockIntervalMs,
      blocksOnDemand,
      senders: sendersCount,
      perSender,
      batch,
      inFlightPerNode,
      moderateFraction,
      moderateRate,
    },
    single: singleMean === null ? null : { committedPerSecond: singleMean, runs: singleRuns },
    saturation,
    moderate,
    emptyBlocks: empty,
    intervals: sweep,
    smallestWorkingIntervalMs: working.length > 0 ? Math.min(...working) : null,
    sync,
    targets: {
      latency: blocksOnDemand
        ? { limitMs: FINALITY_TARGET_MS, p50Ms: p50, met: p50 === null ? null : p50 <= FINALITY_TARGET_MS }
        : { limitMs: 2 * blockIntervalMs, p50Ms: p50, met: p50 === null ? null : p50 < 2 * blockIntervalMs },
      throughput: { ratio, met: ratio === null ? null : ratio >= 1 / 3 },
    },
    errors,
  };
  say(`\n${formatTable(result)}`);
  if (jsonPath) {
    mkdirSync(dirname(resolve(jsonPath)), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    say(`\nwrote ${jsonPath}`);
  }
  return result;
}

export function formatTable(r: ConsensusBenchResult): string {
  const rows: string[][] = [['figure', 'value', 'reference / note']];
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const s = r.setup;
  if (r.single)
    rows.push([
      'single validator, committed tx/s (reference)',
      n(r.single.committedPerSecond),
      `mean of ${r.single.runs.map((x) => n(x.committedPerSecond)).join(' (before) and ')}${r.single.runs.length > 1 ? ' (after)' : ''}`,
    ]);
  for (const [name, f] of [
    ['saturation', r.saturation],
    ['moderate', r.moderate],
  ] as const) {
    if (!f) continue;
    rows.push([
      `${s.validators} validators, ${name}, committed tx/s`,
      n(f.committedPerSecond),
      f.offeredPerSecond !== null
        ? `offered ${n(f.offeredPerSecond)} tx/s`
        : r.single
          ? `${(f.committedPerSecond / r.single.committedPerSecond).toFixed(2)} x single validator`
          : '',
    ]);
    rows.push([
      `  latency own node p50 / p95 ms`,
      `${n(f.latencyOwnNodeMs.p50)} / ${n(f.latencyOwnNodeMs.p95)}`,
      `${(f.latencyOwnNodeMs.p50 / s.blockIntervalMs).toFixed(2)} block intervals at p50`,
    ]);
    rows.push([
      `  latency all nodes p50 / p95 ms`,
      `${n(f.latencyAllNodesMs.p50)} / ${n(f.latencyAllNodesMs.p95)}`,
      '',
    ]);
    const split = f.ownNodeMeanSplitMs;
    rows.push([
      `  own node mean: until proposed + to final ms`,
      split ? `${n(split.untilProposed)} + ${n(split.proposedToFinal)}` : '-',
      'waiting for its block (commit timeout, gossip, build) + the height',
    ]);
    rows.push([
      `  blocks, tx/block, period ms`,
      `${f.blocks}, ${n(f.meanTxsPerBlock)}, ${Number.isNaN(f.blockPeriodMs) ? '-' : n(f.blockPeriodMs)}`,
      `${f.laterRoundCommits} later-round commits; validator CPU ${f.validatorCpuMsPerTx ?? '-'} ms/tx; load ${f.loadAverage}`,
    ]);
  }
  for (const e of [...(r.emptyBlocks ? [r.emptyBlocks] : []), ...r.intervals]) {
    rows.push([
      `empty blocks/s at ${e.intervalMs} ms`,
      e.blocksPerSecond.toFixed(2),
      `${e.ofIntervalRate.toFixed(2)} of 1/interval; validator CPU ${e.validatorCpuMsPerBlock ?? '-'} ms/block${e.works ? '' : `; fails: ${e.note}`}`,
    ]);
  }
  if (r.intervals.length > 0)
    rows.push([
      'smallest working interval ms',
      String(r.smallestWorkingIntervalMs ?? 'none'),
      `tried ${r.intervals.map((e) => e.intervalMs).join(', ')}`,
    ]);
  if (r.sync) {
    rows.push([
      'sync of a fresh full node, blocks/s',
      n(r.sync.blocksPerSecond),
      `${n(r.sync.blocks)} blocks in ${r.sync.seconds} s (boot ${r.sync.bootSeconds} s), ${r.sync.peers} peers`,
    ]);
    rows.push(['sync of a fresh full node, tx/s', n(r.sync.txsPerSecond), `${n(r.sync.txs)} transactions`]);
  }
  const t = r.targets;
  const met = (m: boolean | null) => (m === null ? 'not measured' : m ? 'met' : 'NOT met');
  rows.push([
    s.blocksOnDemand
      ? `target: p50 latency (moderate) <= ${FINALITY_TARGET_MS} ms`
      : 'target: p50 latency (moderate) < 2 intervals',
    t.latency.p50Ms === null ? '-' : `${n(t.latency.p50Ms)} ms`,
    `limit ${n(t.latency.limitMs)} ms: ${met(t.latency.met)}`,
  ]);
  rows.push([
    'target: saturation >= 1/3 single',
    t.throughput.ratio === null ? '-' : t.throughput.ratio.toFixed(2),
    met(t.throughput.met),
  ]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  return [
    `consensus bench: ${s.validators} validators on loopback, block interval ${s.blockIntervalMs} ms${s.blocksOnDemand ? ' (blocks for transactions, as npm start)' : ''}; node ${r.machine.node}, ${r.machine.cpu} (${r.machine.cores} cores), load ${r.machine.loadAverage.start} -> ${r.machine.loadAverage.end}`,
    `load: ${s.senders} senders x ${s.perSender} pre-signed transfers, batches of ${s.batch}, ${s.inFlightPerNode} in flight per node; moderate = ${s.moderateRate === null ? `${s.moderateFraction} x saturation` : `${s.moderateRate} tx/s`}`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    ...r.errors.map((e) => `failed: ${e}`),
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      senders: { type: 'string' },
      'per-sender': { type: 'string' },
      batch: { type: 'string' },
      'in-flight': { type: 'string' },
      moderate: { type: 'string' },
      rate: { type: 'string' },
      'block-interval': { type: 'string' },
      'npm-start-devnet': { type: 'boolean' },
      'moderate-seconds': { type: 'string' },
      'empty-seconds': { type: 'string' },
      intervals: { type: 'string' },
      phases: { type: 'string' },
      'no-single': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      keep: { type: 'boolean' },
      'node-args': { type: 'string' },
      json: { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  let phases = values.phases ? (values.phases.split(',') as Phase[]) : [...PHASES];
  if (values['no-single']) phases = phases.filter((p) => p !== 'single');
  const bad = phases.filter((p) => !PHASES.includes(p));
  if (bad.length > 0) throw new Error(`unknown phase ${bad.join(', ')}; phases: ${PHASES.join(', ')}`);
  await runConsensusBench({
    senders: num(values.senders),
    perSender: num(values['per-sender']),
    batch: num(values.batch),
    inFlightPerNode: num(values['in-flight']),
    moderateFraction: num(values.moderate),
    moderateRate: num(values.rate),
    blockIntervalMs: num(values['block-interval']),
    npmStartDevnet: values['npm-start-devnet'],
    moderateSeconds: num(values['moderate-seconds']),
    emptySeconds: num(values['empty-seconds']),
    intervals: values.intervals?.split(',').map(Number),
    phases,
    cpuProfDir: values['cpu-prof'],
    keepDir: values.keep,
    nodeArgs: values['node-args']?.split(' ').filter(Boolean),
    ...(values.json ? { jsonPath: values.json } : {}),
  });
}
