// Issue 10's side-by-side comparison, in one run on one machine: the same pre-signed EIP-1559
// transfers, from one load generator (this process), against
//   - anvil (Foundry's dev node, @foundry-rs/anvil) with 1 s blocks and our block gas limit,
//   - our single validator (`openchain init` + `openchain start`, a CLI process),
//   - our 4-validator devnet as `npm start` makes it (node/devnet.ts createDevnet, its defaults).
// The transfers are the same bytes on all three: the devnet's funded dev accounts sign them, the
// single validator's genesis funds the same accounts, anvil gets them funded with anvil_setBalance,
// and all three run chain id DEV_CHAIN_ID. Each system takes a saturating load (batches sent as fast
// as they are accepted, a few in flight) and then steady rates (fractions of its own saturation
// throughput) for the chart. A transaction is final when a block holding it is seen on the node
// (bench/finality.ts; on the devnet, node0: a committed block is final for every node); afterwards
// every receipt is checked. The machine's limit is measured in the same run: native sender
// recoveries per second on all cores (bench/allCores.ts), before and after the systems.
//
//   node bench/peers.ts [--count 20000] [--senders 40] [--batch 200] [--in-flight 4]
//        [--rates 0.25,0.5,1] [--rate-seconds 5] [--systems anvil,single,devnet]
//        [--cpu-prof DIR] [--keep] [--json FILE] [--png FILE]
//
// --cpu-prof writes a V8 CPU profile of the single validator (read it with bench/cpuProfile.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Address } from '../core/address.ts';
import { type Hex, hexToBytes } from '../core/bytes.ts';
import { DEV_CHAIN_ID } from '../genesis/defaults.ts';
import { devAccounts } from '../node/devAccounts.ts';
import { createDevnet, DEVNET_DEFAULTS, runDevnet } from '../node/devnet.ts';
import { initHome } from '../node/init.ts';
import { recoveryAllCores } from './allCores.ts';
import { confirmReceipts, FinalityWatcher } from './finality.ts';
import { batchBody, type LoadSender, rpc, type SignedTransfer, sendBatch, signTransfers } from './load.ts';
import { machineInfo } from './machine.ts';
import { renderChart } from './peersChart.ts';
import {
  formatPeersTable,
  type LoadPoint,
  type PeersResult,
  type SystemFigures,
  type SystemName,
} from './peersReport.ts';
import { cpuMs, freePorts, treeCpuMs } from './procs.ts';
import { median, percentiles } from './stats.ts';
import { startNode } from './throughput.ts';

const ANVIL = fileURLToPath(new URL('../node_modules/@foundry-rs/anvil/bin.mjs', import.meta.url));
export const SYSTEMS: readonly SystemName[] = ['anvil', 'single', 'devnet'];

export interface PeersOptions {
  /** Transfers of the saturating load (rounded up to whole rounds of every sender). Default 20,000. */
  readonly count?: number;
  readonly senders?: number;
  /** Transactions per JSON-RPC batch, and batches in flight at saturation. Default 200 and 4. */
  readonly batch?: number;
  readonly inFlight?: number;
  /** Steady offered rates, as fractions of each system's saturation throughput. Default 0.25, 0.5, 1. */
  readonly rates?: readonly number[];
  readonly rateSeconds?: number;
  readonly systems?: readonly SystemName[];
  /** Write a V8 CPU profile of the single validator into this directory. */
  readonly cpuProfDir?: string;
  /** Keep the homes (with the nodes' logs) instead of deleting them. */
  readonly keepDir?: boolean;
  /** Where to write the JSON and the PNG chart; null to skip. Defaults under bench/results/. */
  readonly jsonPath?: string | null;
  readonly pngPath?: string | null;
  readonly print?: boolean;
}

/** A system under load: its RPC endpoints (sender s sends to s mod their count) and CPU meter. */
interface System {
  readonly name: SystemName;
  readonly label: string;
  readonly rpcUrls: readonly string[];
  readonly processes: number;
  /** Processes of the system that exited during the run, for the error report. */
  readonly exits: readonly string[];
  cpuMs(): number | null;
  stop(): Promise<void>;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same transfers for every system: signed once per round, on first use, and kept. */
class TransferPool {
  readonly #senders: LoadSender[];
  readonly #signed: SignedTransfer[] = [];
  readonly #chainId: bigint;

  constructor(keys: readonly Uint8Array[], chainId: bigint) {
    this.#senders = keys.map((key) => ({ key, nonce: 0 }));
    this.#chainId = chainId;
  }

  get senders(): number {
    return this.#senders.length;
  }

  /** Rounds [from, to): every sender's nonces from..to-1, round-major. */
  rounds(from: number, to: number): SignedTransfer[] {
    const have = this.#signed.length / this.#senders.length;
    if (to > have) this.#signed.push(...signTransfers(this.#senders, to - have, this.#chainId));
    return this.#signed.slice(from * this.#senders.length, to * this.#senders.length);
  }
}

// --- the three systems ------------------------------------------------------------------------------

async function waitForRpc(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      await rpc(url, 'eth_chainId');
      return;
    } catch {
      if (performance.now() > deadline) throw new Error(`${what} did not answer at ${url} within 60 s`);
      await sleep(100);
    }
  }
}

/** A list that records `child` exiting unasked (a stop's own exit is not an error, but runs after it). */
function exitsOf(child: ChildProcess, name: string): string[] {
  const exits: string[] = [];
  child.once('exit', (code, signal) => {
    if (signal !== 'SIGTERM') exits.push(`${name} exited with ${signal ?? `code ${code}`}`);
  });
  return exits;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(kill);
}

async function startAnvil(
  blockGasLimit: bigint,
  funded: readonly Address[],
  balance: bigint,
): Promise<System> {
  const port = await freePorts(1);
  // The npm package's wrapper runs the platform binary as its child; CPU is counted over both.
  const child = spawn(
    process.execPath,
    [
      ANVIL,
      ...['--host', '127.0.0.1', '--port', String(port), '--block-time', '1'],
      ...['--gas-limit', blockGasLimit.toString(), '--chain-id', String(DEV_CHAIN_ID)],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForRpc(url, child, 'anvil');
    for (const address of funded) await rpc(url, 'anvil_setBalance', [address, `0x${balance.toString(16)}`]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return {
    name: 'anvil',
    label: 'anvil',
    rpcUrls: [url],
    processes: 1,
    exits: exitsOf(child, 'anvil'),
    cpuMs: () => treeCpuMs(child.pid),
    stop: () => stopChild(child),
  };
}

/** The single validator's home, as `openchain init` writes it; its genesis holds our block gas limit. */
async function initSingle(
  dir: string,
  funded: readonly Address[],
  balance: bigint,
): Promise<{ home: string; blockGasLimit: bigint }> {
  const home = join(dir, 'single');
  const { genesis } = await initHome({
    home,
    chainId: DEV_CHAIN_ID,
    moniker: 'single',
    alloc: funded.map((address) => ({ address, balance })),
    config: { p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], sync: { peerWaitMs: 0 } } },
  });
  return { home, blockGasLimit: BigInt(genesis.params.blockGasLimit) };
}

async function startSingle(home: string, cpuProfDir?: string): Promise<System> {
  const env = cpuProfDir
    ? {
        ...process.env,
        NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --cpu-prof --cpu-prof-dir=${resolve(cpuProfDir)}`,
      }
    : process.env;
  const { child, url } = await startNode(home, [], env);
  return {
    name: 'single',
    label: 'single validator',
    rpcUrls: [url],
    processes: 1,
    exits: exitsOf(child, 'the validator'),
    cpuMs: () => cpuMs(child.pid),
    stop: () => stopChild(child),
  };
}

async function startDevnet(dir: string, senders: number, keys: readonly Hex[]): Promise<System> {
  const devnetDir = join(dir, 'devnet');
  const n = DEVNET_DEFAULTS.validators;
  const base = await freePorts(3 * n);
  const manifest = await createDevnet({
    dir: devnetDir,
    accounts: senders,
    basePort: base,
    p2pBasePort: base + n,
    metricsBasePort: base + 2 * n,
  });
  if (manifest.accounts.some((a, i) => a.privateKey !== keys[i]))
    throw new Error('the devnet funds other accounts than the load signs with');
  const exits: string[] = [];
  const devnet = await runDevnet(devnetDir, (name, code) => exits.push(`${name} exited with code ${code}`));
  return {
    name: 'devnet',
    label: `${n}-validator devnet`,
    rpcUrls: manifest.nodes.map((node) => node.rpcUrl),
    processes: n,
    exits,
    cpuMs: () => {
      let sum = 0;
      for (const pid of devnet.pids) {
        const ms = cpuMs(pid);
        if (ms === null) return null;
        sum += ms;
      }
      return sum;
    },
    stop: () => devnet.stop(),
  };
}

// --- load ---------------------------------------------------------------------------------------------

interface Batch {
  readonly url: string;
  readonly body: string;
  readonly txs: readonly SignedTransfer[];
}

/** Cuts `txs` into batches per endpoint (sender s to endpoint s mod count), interleaved. */
function batchesFor(system: System, txs: readonly SignedTransfer[], size: number): Batch[] {
  const urls = system.rpcUrls;
  const perUrl = urls.map((url, i) => {
    const mine = txs.filter((t) => t.sender % urls.length === i);
    const out: Batch[] = [];
    for (let k = 0; k < mine.length; k += size) {
      const slice = mine.slice(k, k + size);
      out.push({
        url,
        body: batchBody(
          slice.map((t) => t.rawHex),
          k,
        ),
        txs: slice,
      });
    }
    return out;
  });
  const longest = Math.max(...perUrl.map((b) => b.length));
  return Array.from({ length: longest }, (_, k) => perUrl.flatMap((b) => (b[k] ? [b[k]] : []))).flat();
}

/** Sends `txs` either as fast as accepted (inFlight batches at a time) or at `rate` tx/s. */
async function drive(
  system: System,
  watcher: FinalityWatcher,
  txs: readonly SignedTransfer[],
  mode: { readonly batch: number; readonly inFlight: number } | { readonly rate: number },
): Promise<LoadPoint> {
  const sentAt = new Map<Hex, number>();
  let retries = 0;
  const send = async (b: Batch) => {
    const at = performance.now();
    for (const t of b.txs) sentAt.set(t.hash, at);
    retries += await sendBatch(b.url, b.body, 2);
  };
  // Bodies are built before the clock starts: the generator's cost is sending, not encoding.
  const TICK_MS = 50;
  const plan =
    'rate' in mode
      ? Array.from({ length: Math.ceil((txs.length / mode.rate) * (1000 / TICK_MS)) }, (_, i) => {
          const from = Math.min(txs.length, Math.round((mode.rate * i * TICK_MS) / 1000));
          const to = Math.min(txs.length, Math.round((mode.rate * (i + 1) * TICK_MS) / 1000));
          return batchesFor(system, txs.slice(from, to), Number.MAX_SAFE_INTEGER);
        })
      : [batchesFor(system, txs, mode.batch)];
  const cpu0 = system.cpuMs();
  const gen0 = process.cpuUsage();
  const started = performance.now();
  if ('rate' in mode) {
    const sends: Promise<void>[] = [];
    for (const [tick, batches] of plan.entries()) {
      const wait = started + tick * TICK_MS - performance.now();
      if (wait > 0) await sleep(wait);
      sends.push(...batches.map(send));
    }
    await Promise.all(sends);
  } else {
    const queue = plan[0]!;
    let next = 0;
    await Promise.all(
      Array.from({ length: mode.inFlight }, async () => {
        while (next < queue.length) await send(queue[next++]!);
      }),
    );
  }
  const sentSeconds = (performance.now() - started) / 1000;
  const hashes = txs.map((t) => t.hash);
  await watcher.waitFor(hashes, 300_000);
  const cpu1 = system.cpuMs();
  const gen = process.cpuUsage(gen0);
  const finals = hashes.map((h) => watcher.finalAt.get(h)!);
  const end = Math.max(...finals);
  const seconds = (end - started) / 1000;
  const heights = watcher.blocks.filter((b) => b.at >= started && b.at <= end && b.txs > 0);
  await confirmReceipts(system.rpcUrls[0]!, hashes);
  return {
    offeredPerSecond: 'rate' in mode ? mode.rate : null,
    sentPerSecond: Math.round(txs.length / sentSeconds),
    txs: txs.length,
    seconds: round2(seconds),
    committedPerSecond: Math.round(txs.length / seconds),
    latencyMs: percentiles(hashes.map((h, i) => finals[i]! - sentAt.get(h)!)),
    cpuSecondsPer1000Tx: cpu0 !== null && cpu1 !== null ? round2((cpu1 - cpu0) / txs.length) : null,
    generatorCpuShare: round2((gen.user + gen.system) / 1000 / (end - started)),
    retries,
    blocks: heights.length,
    largestBlock: Math.max(0, ...heights.map((b) => b.txs)),
    loadAverage: round2(loadavg()[0]!),
  };
}

const resent = (p: LoadPoint) => (p.retries > 0 ? `, ${p.retries} batches resent after a reset` : '');

async function measure(
  system: System,
  pool: TransferPool,
  o: { count: number; batch: number; inFlight: number; rates: readonly number[]; rateSeconds: number },
  say: (line: string) => void,
): Promise<SystemFigures> {
  const watcher = await FinalityWatcher.start(system.rpcUrls[0]!);
  try {
    let round = 0;
    const take = (rounds: number) => {
      round += rounds;
      return pool.rounds(round - rounds, round);
    };
    const saturation = await drive(system, watcher, take(Math.ceil(o.count / pool.senders)), o);
    say(
      `  saturation: ${saturation.committedPerSecond} tx/s, p50 ${saturation.latencyMs.p50} ms, generator CPU ${Math.round(saturation.generatorCpuShare * 100)}%${resent(saturation)}`,
    );
    const sweep: LoadPoint[] = [];
    for (const fraction of o.rates) {
      const rate = Math.max(10, Math.round(saturation.committedPerSecond * fraction));
      const txs = take(Math.max(1, Math.ceil((rate * o.rateSeconds) / pool.senders)));
      const point = await drive(system, watcher, txs, { rate });
      say(
        `  offered ${rate} tx/s: ${point.committedPerSecond} tx/s, p50 ${point.latencyMs.p50} ms${resent(point)}`,
      );
      sweep.push(point);
    }
    return { system: system.name, label: system.label, processes: system.processes, saturation, sweep };
  } finally {
    await watcher.stop();
  }
}

// --- the bench -----------------------------------------------------------------------------------------

export async function runPeersBench(options: PeersOptions = {}): Promise<PeersResult> {
  const senders = options.senders ?? 40;
  const o = {
    count: options.count ?? 20_000,
    batch: options.batch ?? 200,
    inFlight: options.inFlight ?? 4,
    rates: options.rates ?? [0.25, 0.5, 1],
    rateSeconds: options.rateSeconds ?? 5,
  };
  const systems = options.systems ?? SYSTEMS;
  const print = options.print ?? true;
  const say = (line: string) => print && console.log(line);
  const results = fileURLToPath(new URL('./results/', import.meta.url));
  const jsonPath = options.jsonPath === undefined ? join(results, 'peers.json') : options.jsonPath;
  const pngPath = options.pngPath === undefined ? join(results, 'peers.png') : options.pngPath;
  const loadStart = loadavg()[0]!;

  // The devnet's funded dev accounts sign; the others fund the same accounts.
  const accounts = devAccounts(senders);
  const keys = accounts.map((a) => a.privateKey);
  const addresses = accounts.map((a) => a.address);
  const balance = DEVNET_DEFAULTS.balance;
  const pool = new TransferPool(keys.map(hexToBytes), BigInt(DEV_CHAIN_ID));
  const dir = mkdtempSync(join(tmpdir(), 'openchain-peers-bench-'));
  const errors: string[] = [];
  const figures: SystemFigures[] = [];
  try {
    say(`signing ${o.count} transfers from ${senders} senders…`);
    const sample = pool.rounds(0, Math.ceil(o.count / senders)).map((t) => t.raw);
    const limit = await recoveryAllCores(sample);
    const limitSamples = [limit.perSecond];
    say(`machine limit: ${limitSamples[0]} native sender recoveries/s on all cores`);
    // Our chain's block gas limit, from the genesis `openchain init` writes: anvil gets the same.
    const { home, blockGasLimit } = await initSingle(dir, addresses, balance);
    for (const name of systems) {
      say(`${name}…`);
      let system: System | undefined;
      try {
        system =
          name === 'anvil'
            ? await startAnvil(blockGasLimit, addresses, balance)
            : name === 'single'
              ? await startSingle(home, options.cpuProfDir)
              : await startDevnet(dir, senders, keys);
        figures.push(await measure(system, pool, o, say));
      } catch (err) {
        const why = [(err as Error).message, ...(system?.exits ?? [])].join('; ');
        errors.push(`${name}: ${why}`);
        say(`  failed: ${why}${options.keepDir ? ` (homes and logs kept in ${dir})` : ''}`);
      } finally {
        await system?.stop();
      }
    }
    limitSamples.push((await recoveryAllCores(sample)).perSecond);
    const result: PeersResult = {
      benchmark: 'peers',
      date: new Date().toISOString(),
      machine: machineInfo(loadStart),
      setup: {
        transfers: Math.ceil(o.count / senders) * senders,
        senders,
        batch: o.batch,
        inFlight: o.inFlight,
        rates: o.rates,
        rateSeconds: o.rateSeconds,
        chainId: DEV_CHAIN_ID,
        blockGasLimit: blockGasLimit.toString(),
      },
      machineLimit: {
        threads: limit.threads,
        samples: limitSamples,
        perSecond: Math.round(median(limitSamples)),
      },
      systems: figures,
      errors,
    };
    say(`\n${formatPeersTable(result)}`);
    if (jsonPath) {
      mkdirSync(dirname(resolve(jsonPath)), { recursive: true });
      writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
      say(`\nwrote ${jsonPath}`);
    }
    if (pngPath && figures.length > 0) {
      await renderChart(result, pngPath);
      say(`wrote ${pngPath}`);
    }
    return result;
  } finally {
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      senders: { type: 'string' },
      batch: { type: 'string' },
      'in-flight': { type: 'string' },
      rates: { type: 'string' },
      'rate-seconds': { type: 'string' },
      systems: { type: 'string' },
      'cpu-prof': { type: 'string' },
      keep: { type: 'boolean' },
      json: { type: 'string' },
      png: { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const systems = values.systems?.split(',') as SystemName[] | undefined;
  const bad = systems?.filter((s) => !SYSTEMS.includes(s)) ?? [];
  if (bad.length > 0) throw new Error(`unknown system ${bad.join(', ')}; systems: ${SYSTEMS.join(', ')}`);
  const result = await runPeersBench({
    count: num(values.count),
    senders: num(values.senders),
    batch: num(values.batch),
    inFlight: num(values['in-flight']),
    rates: values.rates?.split(',').map(Number),
    rateSeconds: num(values['rate-seconds']),
    systems,
    cpuProfDir: values['cpu-prof'],
    keepDir: values.keep,
    ...(values.json ? { jsonPath: values.json } : {}),
    ...(values.png ? { pngPath: values.png } : {}),
  });
  if (result.errors.length > 0) process.exitCode = 1;
}
