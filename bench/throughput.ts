// Committed transfer throughput of one node under a load of pre-signed EIP-1559 transfers sent over
// JSON-RPC batches from many senders (the same shape of load as the peer comparison in the design
// brief). The node runs as its own process, started with the CLI, so the load generator and the node
// each have a core. Throughput counts from the first request to the block that holds the last
// transaction, so it includes the wait for the last block: the default load (40,000 transfers, about
// ten blocks) keeps that tail small next to the sustained rate. The reference in the same run is this
// machine's native sender-recovery rate on one core: the median of several rounds, taken before and
// after the node ran, so that a passing load on the machine moves it less than a single sample.
//
//   node bench/throughput.ts [--senders 50] [--per-sender 800] [--batch 500] [--json FILE]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { addressFromPrivateKey } from '../core/address.ts';
import { sha256 } from '../core/hash.ts';
import { decodeTx, recoverSender } from '../core/tx.ts';
import { initHome } from '../node/init.ts';
import { batchBody, sendBatch, signTransfers } from './load.ts';
import { cpuMs } from './procs.ts';
import { median } from './stats.ts';

const CLI = fileURLToPath(new URL('../node/bin/openchain.ts', import.meta.url));

export interface ThroughputOptions {
  senders: number;
  perSender: number;
  batch: number;
  inFlight: number;
  blockIntervalMs: number;
}

export interface ThroughputResult {
  txs: number;
  seconds: number;
  committedPerSecond: number;
  /** How fast the node's RPC accepted the load (the last batch's reply), for comparison. */
  admittedPerSecond: number;
  /** Blocks that carried load, and the largest one. */
  blocks: number;
  largestBlock: number;
  nativeRecoveryPerSecond: number;
  ratioToRecovery: number;
  /** The node process's CPU time (all threads) from the first request to the last block, per transaction. */
  nodeCpuMsPerTx: number | null;
}

function key(i: number): Uint8Array {
  return sha256(new TextEncoder().encode(`bench-sender-${i}`));
}

export interface CommitLog {
  readonly at: number;
  readonly txs: number;
}

/**
 * Starts the node (`openchain start` in its own process, `env` its environment); `commits` receives
 * each committed block's wall time and transaction count.
 */
export function startNode(
  home: string,
  commits: CommitLog[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--home', home, '--rpc-port', '0', '--log-format', 'json'],
    { stdio: ['ignore', 'pipe', 'inherit'], env },
  );
  return new Promise((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`node exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; rpcUrl?: string; txs?: number };
        if (entry.msg === 'node running') resolveUrl({ child, url: entry.rpcUrl! });
        if (entry.msg === 'committed block') commits.push({ at: performance.now(), txs: entry.txs ?? 0 });
      } catch {
        // not a log line
      }
    });
  });
}

/** Native decode + recovery rate of one core over the load's transactions: each round's rate. */
function recoveryRates(raws: Uint8Array[], rounds = 3): number[] {
  const sample = raws.slice(0, 2000);
  for (const raw of sample.slice(0, 500)) recoverSender(decodeTx(raw));
  return Array.from({ length: rounds }, () => {
    const start = performance.now();
    for (const raw of sample) recoverSender(decodeTx(raw));
    return (sample.length / (performance.now() - start)) * 1000;
  });
}

export async function runThroughputBench(opts: Partial<ThroughputOptions> = {}): Promise<ThroughputResult> {
  const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  const o: ThroughputOptions = {
    senders: 50,
    perSender: 800,
    batch: 500,
    inFlight: 4,
    blockIntervalMs: 1000,
    ...defined,
  };
  const dir = mkdtempSync(join(tmpdir(), 'openchain-bench-'));
  const keys = Array.from({ length: o.senders }, (_, i) => key(i));
  const senders = keys.map(addressFromPrivateKey);
  await initHome({
    home: join(dir, 'node'),
    chainId: 1337,
    moniker: 'bench',
    alloc: senders.map((address) => ({ address, balance: 10n ** 24n })),
    rewardAddress: '0x00000000000000000000000000000000000fee01',
    config: {
      block: { intervalMs: o.blockIntervalMs },
      mempool: { maxTxs: o.senders * o.perSender + 1000 },
      p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], sync: { peerWaitMs: 0 } },
    },
  });

  // Pre-sign: nonce-major order, so every batch carries consecutive nonces of many senders.
  const signed = signTransfers(
    keys.map((key) => ({ key, nonce: 0 })),
    o.perSender,
    1337n,
  );
  const raws = signed.map((t) => t.raw);
  const recoveryBefore = recoveryRates(raws);

  const commits: CommitLog[] = [];
  const { child, url } = await startNode(join(dir, 'node'), commits);
  try {
    const batches: string[] = [];
    for (let i = 0; i < raws.length; i += o.batch)
      batches.push(
        batchBody(
          signed.slice(i, i + o.batch).map((t) => t.rawHex),
          i,
        ),
      );
    const cpuBefore = cpuMs(child.pid);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: o.inFlight }, async () => {
        while (next < batches.length) await sendBatch(url, batches[next++]!);
      }),
    );
    const admittedSeconds = (performance.now() - started) / 1000;
    // Done when the committed blocks (from the node's log) hold every transaction.
    const counted = () => commits.filter((c) => c.at >= started).reduce((n, c) => n + c.txs, 0);
    while (counted() < raws.length) {
      if (child.exitCode !== null) throw new Error('the node exited during the run');
      await new Promise((r) => setTimeout(r, 20));
    }
    const window = commits.filter((c) => c.at >= started);
    const seconds = (window.at(-1)!.at - started) / 1000;
    const committedPerSecond = raws.length / seconds;
    const cpuAfter = cpuMs(child.pid);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const nativeRecoveryPerSecond = median([...recoveryBefore, ...recoveryRates(raws)]);
    return {
      txs: raws.length,
      seconds: Number(seconds.toFixed(2)),
      committedPerSecond: Math.round(committedPerSecond),
      admittedPerSecond: Math.round(raws.length / admittedSeconds),
      blocks: window.filter((c) => c.txs > 0).length,
      largestBlock: Math.max(...window.map((c) => c.txs)),
      nativeRecoveryPerSecond: Math.round(nativeRecoveryPerSecond),
      ratioToRecovery: Number((committedPerSecond / nativeRecoveryPerSecond).toFixed(3)),
      nodeCpuMsPerTx:
        cpuBefore !== null && cpuAfter !== null
          ? Number(((cpuAfter - cpuBefore) / raws.length).toFixed(3))
          : null,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runThroughputBench({
    senders: flag('senders'),
    perSender: flag('per-sender'),
    batch: flag('batch'),
  });
  console.table([result]);
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0)
    writeFileSync(process.argv[jsonAt + 1]!, `${JSON.stringify({ bench: 'throughput', result }, null, 2)}\n`);
}
