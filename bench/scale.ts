// Block execution cost against state size (issue 10: for 10k, 100k and 1M funded accounts, the cost
// must grow at most logarithmically).
//
// For each size, a genesis funds that many accounts (a few thousand with keys, which send, the rest
// plain addresses), written by the script to a temp LevelDB twice: a proposer's chain and a
// follower's (test/helpers/chain.ts). Each round, the proposer builds and commits a block of
// --block random transfers (a random funded sender to a random funded account); the follower, its
// senders recovered ahead (as block sync does: Chain.prefetchSenders), is timed on
// Chain.processProposal + Chain.finalizeBlock of that block, in CPU time of the main thread
// (process.threadCpuUsage: LevelDB's background compaction of the freshly written genesis, which
// runs on its own threads for minutes at 1M accounts, would otherwise count) and wall time. Cost per
// transaction is the median over --rounds.
//
// The reference in the same run is the smallest size: cost(size) / cost(smallest) against
// log(size) / log(smallest) (1.5 for 1M against 10k); "at most logarithmic" means the first ratio
// is no larger than the second.
//
// With --cpu-prof DIR, each size's timed part alone (not the genesis setup, which dominates a
// whole-run `node --cpu-prof` at 1M accounts) is profiled into DIR/scale-SIZE.cpuprofile.
//
//   node bench/scale.ts [--sizes 10000,100000,1000000] [--block 2000] [--rounds 5] [--json FILE]
//        [--cpu-prof DIR]
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Address, addressFromPrivateKey } from '../core/address.ts';
import { signTx } from '../core/tx.ts';
import { openTestChain } from '../test/helpers/chain.ts';
import { median } from './stats.ts';

const FUNDS = 10n ** 24n;
/** Accounts with keys: enough that a block's senders are distinct for every round. */
const SENDER_BLOCKS = 2;

export interface ScalePoint {
  readonly accounts: number;
  /** Building the genesis state (both chains), seconds. */
  readonly setupSeconds: number;
  /** processProposal + finalizeBlock per transaction, median over the rounds: main-thread CPU and wall µs. */
  readonly cpuMicrosPerTx: number;
  readonly wallMicrosPerTx: number;
  /** Against the smallest size of the run. */
  readonly costRatio: number;
  readonly logRatio: number;
  readonly loadAverage: number;
}

export interface ScaleResult {
  readonly blockTxs: number;
  readonly rounds: number;
  readonly points: readonly ScalePoint[];
  /** cost(largest)/cost(smallest) no more than log(largest)/log(smallest). */
  readonly atMostLogarithmic: boolean;
}

/** A deterministic address for account `i` (no key: it only receives). */
function plainAddress(i: number): Address {
  return `0x${createHash('sha256').update(`scale-${i}`).digest('hex').slice(0, 40)}` as Address;
}

function senderKey(i: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`scale-sender-${i}`).digest());
}

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

/** `k` distinct indices below `n`, uniformly (a partial Fisher–Yates shuffle). */
function sample(n: number, k: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + randomInt(n - i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, k);
}

/** Profiles what runs between start and the returned stop, into `file`. */
async function startProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function measure(accounts: number, blockTxs: number, rounds: number, profileDir?: string) {
  const senders = Math.min(accounts, blockTxs * SENDER_BLOCKS);
  const keys = Array.from({ length: senders }, (_, i) => senderKey(i));
  const senderAddresses = keys.map(addressFromPrivateKey);
  const nonces = keys.map(() => 0n);
  const fillers = Array.from({ length: accounts - senders }, (_, i) => ({
    address: plainAddress(i),
    balance: FUNDS,
  }));
  const everyone = [...senderAddresses, ...fillers.map((f) => f.address)];
  const setupStart = performance.now();
  const t = await openTestChain({
    alloc: senderAddresses.map((address) => ({ address, balance: FUNDS })),
    uncheckedAlloc: fillers,
    mempool: { maxTxs: blockTxs * 2 },
  });
  try {
    const follower = await t.follower();
    t.dropGenesisState();
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const cpu: number[] = [];
    const wall: number[] = [];
    const stopProfile = profileDir
      ? await startProfile(join(profileDir, `scale-${accounts}.cpuprofile`))
      : null;
    for (let round = 0; round < rounds; round++) {
      // Distinct random senders, so every transfer of the block is includable.
      for (const s of sample(keys.length, blockTxs)) {
        const tx = signTx(
          {
            type: 2,
            chainId: 1337n,
            nonce: nonces[s]!++,
            maxFeePerGas: 10n ** 11n,
            maxPriorityFeePerGas: 10n ** 9n,
            gasLimit: 21_000n,
            to: everyone[randomInt(everyone.length)]!,
            value: 1n,
            data: new Uint8Array(),
            accessList: [],
          },
          keys[s]!,
        );
        await t.chain.checkTx(tx.raw);
      }
      const { block, hash } = await t.produce();
      if (block.txs.length !== blockTxs) throw new Error(`block of ${block.txs.length}, not ${blockTxs}`);
      const commit = t.chain.blocks.getCommit(block.header.height)!;
      follower.prefetchSenders(block);
      const c0 = process.threadCpuUsage();
      const w0 = performance.now();
      if ((await follower.processProposal(block)) !== hash)
        throw new Error('the follower hashed differently');
      await follower.finalizeBlock(block, commit);
      const used = process.threadCpuUsage(c0);
      wall.push(((performance.now() - w0) * 1000) / blockTxs);
      cpu.push((used.user + used.system) / blockTxs);
    }
    await stopProfile?.();
    return { setupSeconds, cpuMicrosPerTx: median(cpu), wallMicrosPerTx: median(wall) };
  } finally {
    await t.close();
  }
}

export async function runScaleBench(
  sizes: readonly number[],
  blockTxs: number,
  rounds: number,
  profileDir?: string,
): Promise<ScaleResult> {
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const measured = [];
  for (const accounts of sizes) {
    const m = await measure(accounts, blockTxs, rounds, profileDir);
    measured.push({ accounts, ...m, loadAverage: Math.round(loadavg()[0]! * 100) / 100 });
    console.error(
      `${accounts} accounts: ${m.cpuMicrosPerTx.toFixed(1)} µs CPU/tx (setup ${m.setupSeconds.toFixed(1)} s)`,
    );
  }
  const base = measured[0]!;
  const points = measured.map((m) => ({
    accounts: m.accounts,
    setupSeconds: Math.round(m.setupSeconds * 10) / 10,
    cpuMicrosPerTx: Math.round(m.cpuMicrosPerTx * 10) / 10,
    wallMicrosPerTx: Math.round(m.wallMicrosPerTx * 10) / 10,
    costRatio: Math.round((m.cpuMicrosPerTx / base.cpuMicrosPerTx) * 100) / 100,
    logRatio: Math.round((Math.log(m.accounts) / Math.log(base.accounts)) * 100) / 100,
    loadAverage: m.loadAverage,
  }));
  const last = points.at(-1)!;
  return { blockTxs, rounds, points, atMostLogarithmic: last.costRatio <= last.logRatio };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000,1000000' },
      block: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '5' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const result = await runScaleBench(
    values.sizes.split(',').map(Number),
    Number(values.block),
    Number(values.rounds),
    values['cpu-prof'],
  );
  console.table(result.points);
  console.log(`at most logarithmic: ${result.atMostLogarithmic}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ bench: 'scale', result }, null, 2)}\n`);
}
