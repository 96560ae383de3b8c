// What `npm start`'s devnet costs at rest (issue 10: its four validators together under 5% of one
// core): the CPU time of the node processes over a window with no transactions, as a share of one
// core, and the blocks made meanwhile. The reference, measured in the same run on the same machine:
// the same devnet making a block every interval whether or not there is anything to commit (the
// devnet's behaviour before empty blocks were spaced out; the e2e tests' devnets still do).
//
//   node bench/idle.ts [--seconds 60] [--warmup 15] [--json FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDevnet, DEVNET_DEFAULTS, runDevnet } from '../node/devnet.ts';
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
  /** devnet CPU / reference CPU. */
  readonly ratio: number;
  readonly machine: { readonly cores: number; readonly load: readonly number[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function blockNumber(url: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}',
  });
  return Number(((await res.json()) as { result: string }).result);
}

function totalCpu(pids: readonly (number | undefined)[]): number {
  return pids.reduce<number>((sum, pid) => {
    const ms = cpuMs(pid);
    if (ms === null) throw new Error(`no CPU figure for process ${pid} (is it running, on Linux?)`);
    return sum + ms;
  }, 0);
}

async function measureIdle(emptyBlocks: boolean, seconds: number, warmupS: number): Promise<IdleFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-idle-bench-'));
  const n = DEVNET_DEFAULTS.validators;
  const base = await freePorts(3 * n);
  await createDevnet({
    dir,
    basePort: base,
    p2pBasePort: base + n,
    metricsBasePort: base + 2 * n,
    emptyBlocks,
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
  const devnet = await measureIdle(false, seconds, warmupS);
  const reference = await measureIdle(true, seconds, warmupS);
  return {
    validators: DEVNET_DEFAULTS.validators,
    devnet,
    reference,
    ratio: devnet.cpuPercentOfOneCore / reference.cpuPercentOfOneCore,
    machine: { cores: cpus().length, load: loadavg() },
  };
}

export function formatTable(r: IdleBenchResult): string {
  const row = (name: string, f: IdleFigure) =>
    `${name.padEnd(34)} ${f.cpuPercentOfOneCore.toFixed(2).padStart(7)}% of one core   ${String(f.blocks).padStart(4)} blocks in ${f.seconds} s`;
  return [
    `idle devnet, ${r.validators} validator processes (load ${r.machine.load.map((l) => l.toFixed(1)).join(' ')}, ${r.machine.cores} cores)`,
    row('npm start devnet (empty blocks spaced)', r.devnet),
    row('reference: a block every interval', r.reference),
    `ratio ${r.ratio.toFixed(3)}  (target: devnet under 5% of one core)`,
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
