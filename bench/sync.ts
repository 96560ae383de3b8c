// Block sync against the chain's production rate (issue 10: sync at least 5x the production rate at
// saturation, on a chain of at least 50,000 transactions).
//
//   1. production: one validator (a CLI process) commits N pre-signed transfers sent as fast as its
//      JSON-RPC accepts them (the load of bench/throughput.ts); production rate = N / time from the
//      first batch to the block holding the last transaction;
//   2. sync: a fresh full node (`openchain init --genesis --bootstrap`, then `openchain start`, as an
//      operator joins) catches up with that validator; sync rate = N / time from its spawn to its
//      eth_blockNumber reaching the validator's head (start-up included; also given without it).
//
// The reference in the same run is the production rate: ratio = sync tx/s / production tx/s. Both
// halves share the machine with the same neighbours, so the ratio moves less than either figure.
//
//   node bench/sync.ts [--senders 100] [--per-sender 500] [--batch 500] [--in-flight 4]
//        [--cpu-prof DIR] [--compare-cli OTHER/node/bin/openchain.ts] [--keep] [--json FILE]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { addressFromPrivateKey } from '../core/address.ts';
import { sha256 } from '../core/hash.ts';
import { homePaths } from '../node/home.ts';
import { initHome } from '../node/init.ts';
import { batchBody, blockNumber, post, signTransfers } from './load.ts';
import { CLI, launch, type NodeProc } from './nodeProc.ts';
import { cpuMs, freePorts } from './procs.ts';

const CHAIN_ID = 1337;
/** The target: sync tx/s over production tx/s. */
const TARGET_RATIO = 5;

export interface SyncBenchOptions {
  readonly senders: number;
  readonly perSender: number;
  readonly batch: number;
  readonly inFlight: number;
  /** Write a V8 CPU profile of the syncing node (node --cpu-prof) into this directory. */
  readonly cpuProfDir?: string;
  /** Another checkout's node/bin/openchain.ts: a second fresh full node runs it, for a same-run A/B. */
  readonly compareCli?: string;
  /** Keep the homes (with each node's bench-node.log) instead of deleting them. */
  readonly keepDir?: boolean;
}

export interface SyncFigures {
  /** The validator's height when the full node started. */
  readonly blocks: number;
  /** Spawn of `openchain start` to the validator's head, start-up included. */
  readonly seconds: number;
  /** Spawn to the node's 'chain opened' log line. */
  readonly bootSeconds: number;
  readonly txsPerSecond: number;
  readonly blocksPerSecond: number;
  /** CPU time of the syncing process per transaction, µs, start-up included. */
  readonly cpuMicrosPerTx: number | null;
  readonly loadAverage: number;
  /** sync tx/s over production tx/s, with start-up counted, and without it. */
  readonly ratio: number;
  readonly ratioWithoutBoot: number;
}

export interface SyncBenchResult {
  readonly txs: number;
  readonly blocks: number;
  readonly production: {
    readonly seconds: number;
    readonly txsPerSecond: number;
    /** CPU time of the validator process (Linux /proc) per transaction, µs: less noisy than wall time. */
    readonly cpuMicrosPerTx: number | null;
    readonly loadAverage: number;
  };
  readonly sync: SyncFigures;
  readonly target: { readonly ratio: number; readonly met: boolean };
  /**
   * The same sync by another checkout's CLI (--compare-cli), before and after this one's: the
   * validator serves a second sync faster than its first (caches, JIT; 1.5x when both ran this
   * checkout), so only a run between two of the other's is a fair comparison.
   */
  readonly compared: {
    readonly cli: string;
    readonly before: SyncFigures;
    readonly after: SyncFigures;
  } | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const load1 = () => round2(loadavg()[0]!);

function senderKey(i: number): Uint8Array {
  return sha256(new TextEncoder().encode(`sync-bench-sender-${i}`));
}

/** JSON-RPC batch bodies of pre-signed transfers, nonce-major (consecutive nonces of many senders). */
function signLoad(keys: readonly Uint8Array[], perSender: number, batch: number): string[] {
  const raws = signTransfers(
    keys.map((key) => ({ key, nonce: 0 })),
    perSender,
    BigInt(CHAIN_ID),
  ).map((t) => t.rawHex);
  const bodies: string[] = [];
  for (let i = 0; i < raws.length; i += batch) bodies.push(batchBody(raws.slice(i, i + batch), i));
  return bodies;
}

/**
 * The syncing node's height, or -1 when it reset the poll's connection: a node whose event loop was
 * held longer than its keep-alive timeout (5 s) closes the idle connection as it wakes, with the next
 * poll already in it (main's sync held it that long at load 25-30, decoding a whole 8 MB batch at once).
 */
async function polledHeight(url: string): Promise<number> {
  try {
    return await blockNumber(url);
  } catch (err) {
    if ((err as Error).message.endsWith('ECONNRESET')) return -1;
    throw err;
  }
}

async function waitFor(what: string, node: NodeProc, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = performance.now() + 900_000;
  while (!(await check())) {
    if (node.halted) throw new Error(`${node.name} halted: ${node.halted}`);
    if (node.child.exitCode !== null) throw new Error(`${node.name} exited while waiting for ${what}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Commits the load on the validator; returns the seconds from the first batch to the last block. */
async function produce(validator: NodeProc, bodies: readonly string[], inFlight: number, txs: number) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < bodies.length) {
        const replies = await post<{ error?: { message: string } }[]>(validator.rpcUrl, bodies[next++]!);
        const refused = replies.find((r) => r.error);
        if (refused) throw new Error(`transaction refused: ${refused.error!.message}`);
      }
    }),
  );
  await waitFor('the load to commit', validator, () => validator.committed.txs >= txs);
  return (validator.committed.lastAt - started) / 1000;
}

const perTx = (ms: number | null, txs: number) => (ms === null ? null : Math.round((ms * 1000) / txs));

interface SyncRun {
  readonly home: string;
  readonly name: string;
  readonly cli: string;
  readonly genesis: string;
  readonly p2pPort: number;
  readonly bootstrap: string;
  readonly validator: NodeProc;
  readonly txs: number;
  /** Production rate, tx/s: the reference. */
  readonly production: number;
  readonly cpuProfDir?: string;
  /** Started processes go here, so the caller stops them whatever happens. */
  readonly nodes: NodeProc[];
}

/** A fresh full node (init with the genesis and the validator as bootstrap, then start) timed to the head. */
async function syncFullNode(r: SyncRun): Promise<SyncFigures> {
  await promisify(execFile)(process.execPath, [
    r.cli,
    'init',
    '--home',
    r.home,
    '--genesis',
    r.genesis,
    '--moniker',
    r.name,
    '--p2p-port',
    String(r.p2pPort),
    '--bootstrap',
    r.bootstrap,
  ]);
  const head = await blockNumber(r.validator.rpcUrl);
  const spawned = Date.now();
  const t0 = performance.now();
  const full = await launch(r.home, r.name, ['--rpc-port', '0'], r.cpuProfDir, r.cli);
  r.nodes.push(full);
  await waitFor(`${r.name} to reach the head`, full, async () => (await polledHeight(full.rpcUrl)) >= head);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMs(full.child.pid);
  await full.stop();
  const opened = full.marks.get('chain opened');
  const bootSeconds = opened ? (opened - spawned) / 1000 : 0;
  return {
    blocks: head,
    seconds: round2(seconds),
    bootSeconds: round2(bootSeconds),
    txsPerSecond: Math.round(r.txs / seconds),
    blocksPerSecond: Math.round(head / seconds),
    cpuMicrosPerTx: perTx(cpu, r.txs),
    loadAverage: load1(),
    ratio: round2(r.txs / seconds / r.production),
    ratioWithoutBoot: round2(r.txs / (seconds - bootSeconds) / r.production),
  };
}

export async function runSyncBench(o: SyncBenchOptions): Promise<SyncBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-sync-bench-'));
  const nodes: NodeProc[] = [];
  try {
    const keys = Array.from({ length: o.senders }, (_, i) => senderKey(i));
    const p2pPort = await freePorts(4);
    const listen = `/ip4/127.0.0.1/tcp/${p2pPort}`;
    const txs = o.senders * o.perSender;
    const validatorHome = join(dir, 'validator');
    const { peerId } = await initHome({
      home: validatorHome,
      chainId: CHAIN_ID,
      moniker: 'validator',
      alloc: keys.map((k) => ({ address: addressFromPrivateKey(k), balance: 10n ** 24n })),
      rewardAddress: '0x00000000000000000000000000000000000fee01',
      config: { mempool: { maxTxs: txs + 1_000 }, p2p: { listen: [listen], sync: { peerWaitMs: 0 } } },
    });
    const bodies = signLoad(keys, o.perSender, o.batch);

    const validator = await launch(validatorHome, 'validator', ['--rpc-port', '0']);
    nodes.push(validator);
    const cpuBefore = cpuMs(validator.child.pid);
    const productionSeconds = await produce(validator, bodies, o.inFlight, txs);
    const productionCpu = cpuMs(validator.child.pid);
    const productionLoad = load1();
    const production = txs / productionSeconds;
    const syncOnce = (name: string, cli: string, cpuProfDir?: string) =>
      syncFullNode({
        home: join(dir, name),
        name,
        cli,
        genesis: homePaths(validatorHome).genesis,
        p2pPort: p2pPort + 1 + nodes.length,
        bootstrap: `${listen}/p2p/${peerId}`,
        validator,
        txs,
        production,
        cpuProfDir,
        nodes,
      });
    const other = o.compareCli === undefined ? undefined : resolve(o.compareCli);
    const before = other ? await syncOnce('compared-before', other) : null;
    const sync = await syncOnce('fullnode', CLI, o.cpuProfDir);
    const after = other ? await syncOnce('compared-after', other) : null;
    return {
      txs,
      blocks: sync.blocks,
      production: {
        seconds: round2(productionSeconds),
        txsPerSecond: Math.round(production),
        cpuMicrosPerTx: perTx(
          productionCpu === null || cpuBefore === null ? null : productionCpu - cpuBefore,
          txs,
        ),
        loadAverage: productionLoad,
      },
      sync,
      target: { ratio: TARGET_RATIO, met: sync.ratio >= TARGET_RATIO },
      compared: other && before && after ? { cli: other, before, after } : null,
    };
  } finally {
    for (const node of nodes.reverse()) await node.stop();
    if (o.keepDir) console.log(`homes kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      senders: { type: 'string', default: '100' },
      'per-sender': { type: 'string', default: '500' },
      batch: { type: 'string', default: '500' },
      'in-flight': { type: 'string', default: '4' },
      'cpu-prof': { type: 'string' },
      'compare-cli': { type: 'string' },
      keep: { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  const result = await runSyncBench({
    senders: Number(values.senders),
    perSender: Number(values['per-sender']),
    batch: Number(values.batch),
    inFlight: Number(values['in-flight']),
    cpuProfDir: values['cpu-prof'],
    compareCli: values['compare-cli'],
    keepDir: values.keep,
  });
  console.log(JSON.stringify(result, null, 2));
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ bench: 'sync', result }, null, 2)}\n`);
}
