// What `npm start`'s devnet costs at rest (issue 10: its four validators together under 5% of one
// core): the CPU time of the node processes over a window with no transactions, as a share of one
// core, and the blocks made meanwhile. The reference, measured in the same run on the same machine:
// the same devnet making a block every interval whether or not there is anything to commit (the
// devnet's behaviour before empty blocks were spaced out, at its old 1 s interval; the e2e tests'
// devnets still do).
//
// The CPU one empty block costs one validator (issue 10: at most 3 ms): the reference's CPU less
// that of the same devnet making no blocks at all (blocks for transactions only, no empty block),
// over the reference's blocks and validators. Both run in this process's run, one after the other.
//
//   node bench/idle.ts [--seconds 60] [--warmup 15] [--json FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDevnet, DEVNET_DEFAULTS, runDevnet } from '../node/devnet.ts';
import { blockNumber } from './load.ts';
import { cpuMs, freePorts } from './procs.ts';

export interface IdleFigure {
  /** CPU of all node processes over the window, in percent of one core. */
  readonly cpuPercentOfOneCore: number;
  readonly blocks: number;
  readonly seconds: number;
}

export interface IdleBenchResult {
  readonly validators: number;
  readonly devnet: IdleFigure;
  readonly reference: IdleFigure;
  /** The devnet with no blocks at all: what the validators cost at rest. */
  readonly noBlocks: IdleFigure;
  /** devnet CPU / reference CPU. */
  readonly ratio: number;
  /** (reference CPU - noBlocks CPU) / reference blocks / validators, in ms. */
  readonly emptyBlockCpuMsPerValidator: number;
  readonly machine: { readonly cores: number; readonly load: readonly number[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function totalCpu(pids: readonly (number | undefined)[]): number {
  return pids.reduce<number>((sum, pid) => {
    const ms = cpuMs(pid);
    if (ms === null) throw new Error(`no CPU figure for process ${pid} (is it running, on Linux?)`);
    return sum + ms;
  }, 0);
}

/** How the measured devnet makes blocks. */
type BlockMode = 'npmStart' | 'everySecond' | 'none';

const REFERENCE_INTERVAL_MS = 1000;

async function measureIdle(mode: BlockMode, seconds: number, warmupS: number): Promise<IdleFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-idle-bench-'));
  const n = DEVNET_DEFAULTS.validators;
  const base = await freePorts(3 * n);
  await createDevnet({
    dir,
    basePort: base,
    p2pBasePort: base + n,
    metricsBasePort: base + 2 * n,
    ...(mode === 'everySecond' ? { emptyBlocks: true, blockIntervalMs: REFERENCE_INTERVAL_MS } : {}),
    ...(mode === 'none' ? { emptyBlocksIntervalMs: 0 } : {}),
  });
  const devnet = await runDevnet(dir, () => {});
  try {
    await sleep(warmupS * 1000);
    const url = devnet.manifest.nodes[0]!.rpcUrl;
    const [cpu0, h0] = [totalCpu(devnet.pids), await blockNumber(url)];
    await sleep(seconds * 1000);
    const [cpu1, h1] = [totalCpu(devnet.pids), await blockNumber(url)];
    return { cpuPercentOfOneCore: ((cpu1 - cpu0) / (seconds * 1000)) * 100, blocks: h1 - h0, seconds };
  } finally {
    await devnet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runIdleBench(
  opts: { seconds?: number; warmupS?: number } = {},
): Promise<IdleBenchResult> {
  const seconds = opts.seconds ?? 60;
  const warmupS = opts.warmupS ?? 15;
  const devnet = await measureIdle('npmStart', seconds, warmupS);
  const reference = await measureIdle('everySecond', seconds, warmupS);
  const noBlocks = await measureIdle('none', seconds, warmupS);
  const validators = DEVNET_DEFAULTS.validators;
  const cpuMs = (f: IdleFigure) => (f.cpuPercentOfOneCore / 100) * f.seconds * 1000;
  return {
    validators,
    devnet,
    reference,
    noBlocks,
    ratio: devnet.cpuPercentOfOneCore / reference.cpuPercentOfOneCore,
    emptyBlockCpuMsPerValidator:
      (cpuMs(reference) - cpuMs(noBlocks)) / Math.max(1, reference.blocks) / validators,
    machine: { cores: cpus().length, load: loadavg() },
  };
}

export function formatTable(r: IdleBenchResult): string {
  const row = (name: string, f: IdleFigure) =>
    `${name.padEnd(34)} ${f.cpuPercentOfOneCore.toFixed(2).padStart(7)}% of one core   ${String(f.blocks).padStart(4)} blocks in ${f.seconds} s`;
  return [
    `idle devnet, ${r.validators} validator processes (load ${r.machine.load.map((l) => l.toFixed(1)).join(' ')}, ${r.machine.cores} cores)`,
    row('npm start devnet (empty blocks spaced)', r.devnet),
    row(`reference: a block every ${REFERENCE_INTERVAL_MS} ms`, r.reference),
    row('no blocks at all', r.noBlocks),
    `ratio ${r.ratio.toFixed(3)}  (target: devnet under 5% of one core)`,
    `CPU per empty block per validator ${r.emptyBlockCpuMsPerValidator.toFixed(1)} ms  (reference less no blocks; target: at most 3 ms)`,
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string' }, warmup: { type: 'string' }, json: { type: 'string' } },
  });
  const r = await runIdleBench({
    seconds: values.seconds ? Number(values.seconds) : undefined,
    warmupS: values.warmup ? Number(values.warmup) : undefined,
  });
  console.log(formatTable(r));
  if (values.json) writeFileSync(values.json, JSON.stringify(r, null, 2));
}
