// The CPU an empty block costs each validator, measured directly: a 4-validator devnet making a
// block every 250 ms (empty blocks on), each validator process's CPU over the window divided by the
// blocks made (the idle baseline, about a tenth of it, included). With --compare OTHER_CHECKOUT the
// same devnet of that checkout runs at the same time, so that both see the same machine: on a
// shared machine, runs one after the other differ by more than most levers (docs/performance.md,
// "Fewer frames and fewer thread-pool hops per block"). `bench/idle.ts` is the issue's own figure.
//
//   node bench/emptyBlocks.ts [--seconds 30] [--warmup 8] [--compare /path/to/other/checkout]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { blockNumber } from './load.ts';
import { cpuMs, freePorts } from './procs.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BLOCK_INTERVAL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface EmptyBlockFigure {
  readonly checkout: string;
  readonly blocks: number;
  /** CPU ms per block, one entry per validator process. */
  readonly cpuMsPerBlock: readonly number[];
}

/** Runs `checkout`'s devnet (its own node/devnet.ts and CLI) and measures it. */
export async function measureEmptyBlocks(
  checkout: string,
  seconds: number,
  warmupS: number,
): Promise<EmptyBlockFigure> {
  const { createDevnet, runDevnet } = (await import(
    join(checkout, 'node/devnet.ts')
  )) as typeof import('../node/devnet.ts');
  const dir = mkdtempSync(join(tmpdir(), 'openchain-empty-blocks-bench-'));
  const base = await freePorts(12);
  await createDevnet({
    dir,
    basePort: base,
    p2pBasePort: base + 4,
    metricsBasePort: base + 8,
    emptyBlocks: true,
    blockIntervalMs: BLOCK_INTERVAL_MS,
  });
  const devnet = await runDevnet(dir, () => {});
  try {
    await sleep(warmupS * 1000);
    const url = devnet.manifest.nodes[0]!.rpcUrl;
    const cpu0 = devnet.pids.map((p) => cpuMs(p) ?? Number.NaN);
    const h0 = await blockNumber(url);
    await sleep(seconds * 1000);
    const cpu1 = devnet.pids.map((p) => cpuMs(p) ?? Number.NaN);
    const blocks = (await blockNumber(url)) - h0;
    return { checkout, blocks, cpuMsPerBlock: cpu1.map((c, i) => (c - cpu0[i]!) / Math.max(1, blocks)) };
  } finally {
    await devnet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string' }, warmup: { type: 'string' }, compare: { type: 'string' } },
  });
  const seconds = Number(values.seconds ?? 30);
  const warmupS = Number(values.warmup ?? 8);
  const checkouts = [ROOT, ...(values.compare ? [resolve(values.compare)] : [])];
  const figures = await Promise.all(checkouts.map((c) => measureEmptyBlocks(c, seconds, warmupS)));
  console.log(
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, a block every ${BLOCK_INTERVAL_MS} ms`,
  );
  for (const f of figures) {
    const per = f.cpuMsPerBlock.map((ms) => ms.toFixed(1)).join(' ');
    console.log(`${f.checkout}: ${f.blocks} blocks in ${seconds} s, CPU ms per block per validator ${per}`);
  }
}
