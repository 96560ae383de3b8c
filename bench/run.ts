// `npm run bench`: every benchmark in sequence (or the ones named), one summary table of their
// headline figures, each next to its reference measured in the same run and the target,
// and JSON: bench/results/<name>.json per bench plus bench/results/summary.json.
//
//   node bench/run.ts                         all of them, in the order below
//   node bench/run.ts consensus throughput    only these (in the order below)
//
// A bench that fails is reported in the summary (and the exit code is 1); the others still run.
// Benches run one after the other, never in parallel: several start node processes, and every
// figure is only comparable to a reference taken on an otherwise equally loaded machine. Each runs
// in a fresh process (`node bench/run.ts --child NAME`): in one process, the heap left by the earlier
// benches slowed the load generator of the later ones (single-node throughput 0.42 of the
// reference after the others, 0.58-0.59 on its own, same machine and hour).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runAttestedBench } from './attested.ts';
import { runAttributionBench } from './attribution.ts';
import { runConsensusBench } from './consensus.ts';
import { runIdleBench } from './idle.ts';
import { benchMempool } from './mempool.ts';
import { runPeersBench } from './peers.ts';
import { type PeersResult, ratiosTo } from './peersReport.ts';
import { runRecoveryBench } from './recovery.ts';
import { runScaleBench, type ScaleResult } from './scale.ts';
import { runSignerBench } from './signer.ts';
import { runSyncBench } from './sync.ts';
import { runThroughputBench } from './throughput.ts';
import { runTreeBench } from './tree.ts';

/** One line of the summary: a figure, the reference it is measured against, and the target. */
export interface Headline {
  readonly figure: string;
  readonly value: number | null;
  readonly unit: string;
  readonly reference?: { readonly name: string; readonly value: number | null };
  /** value / reference value. */
  readonly ratio?: number | null;
  /** The target, e.g. "ratio >= 0.5 (issue 2)", and whether this run met it. */
  readonly target?: { readonly text: string; readonly met: boolean | null };
}

interface BenchEntry {
  readonly name: string;
  readonly about: string;
  readonly run: () => Promise<unknown>;
  readonly headlines: (result: unknown) => Headline[];
}

type Json = Record<string, unknown>;

/** A number at a dotted path of a bench's result, or null (results evolve; the summary must not break). */
function at(o: unknown, path: string): number | null {
  let cur: unknown = o;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Json)[key];
  }
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : null;
}

const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

export const BENCHES: readonly BenchEntry[] = [
  {
    name: 'recovery',
    about: 'sender recovery per second on one core, libsecp256k1 binding vs @noble/curves',
    run: () => runRecoveryBench({ jsonPath: null }),
    headlines: (r) => [
      {
        figure: 'sender recovery (decode + recover), native',
        value: at(r, 'senderRecovery.fast.rate.opsPerSecond'),
        unit: 'tx/s',
        reference: { name: '@noble/curves', value: at(r, 'senderRecovery.reference.rate.opsPerSecond') },
        ratio: at(r, 'senderRecovery.speedup'),
      },
      {
        figure: 'ed25519 verify (votes), node:crypto',
        value: at(r, 'ed25519Verify.fast.rate.opsPerSecond'),
        unit: 'ops/s',
        reference: { name: '@noble/curves', value: at(r, 'ed25519Verify.reference.rate.opsPerSecond') },
        ratio: at(r, 'ed25519Verify.speedup'),
      },
    ],
  },
  {
    name: 'tree',
    about: 'state tree batched updates vs a Merkle Patricia Trie (@ethereumjs/mpt) on the same batches',
    run: () => runTreeBench({ jsonPath: null }),
    headlines: (r) => {
      const series = (r as { stateTree?: Json[]; mpt?: Json[] | null }) ?? {};
      return (series.stateTree ?? []).map((s, i) => {
        const ours = at(s, 'updatesPerSecond');
        const mpt = at(series.mpt?.[i], 'updatesPerSecond');
        return {
          figure: `state tree, batches of ${at(s, 'batchSize')?.toLocaleString('en-US')}`,
          value: ours,
          unit: 'updates/s',
          reference: { name: 'MPT', value: mpt },
          ratio: ratio(ours, mpt),
        };
      });
    },
  },
  {
    name: 'mempool',
    about: 'mempool admission, selection and block update for 10,000 transfers',
    run: async () => {
      const rows = await benchMempool();
      console.table(rows);
      return { rows };
    },
    headlines: (r) => {
      const rows = ((r as { rows?: Json[] }).rows ?? []) as { name: string; perSecond: number }[];
      const reference = rows.find((x) => x.name.startsWith('reference'))?.perSecond ?? null;
      return rows
        .filter((x) => x.name.startsWith('add(raw)') || x.name.startsWith('addDecoded: admit only'))
        .map((x) => ({
          figure: `mempool ${x.name}`,
          value: x.perSecond,
          unit: 'tx/s',
          reference: { name: 'decodeTx + recoverSender', value: reference },
          ratio: ratio(x.perSecond, reference),
        }));
    },
  },
  {
    name: 'signer',
    about:
      'event-loop stall of a double-sign-guarded signature vs the same durable write done synchronously (issue 10)',
    run: () => runSignerBench(),
    headlines: (r) => {
      const ours = at(r, 'guard.medianStallMs');
      const sync = at(r, 'reference.medianStallMs');
      return [
        {
          figure: 'event loop held per signature, median',
          value: ours,
          unit: 'ms',
          reference: { name: 'synchronous durable write', value: sync },
          ratio: ratio(ours, sync),
        },
      ];
    },
  },
  {
    name: 'throughput',
    about: "one node's committed transfer throughput under pre-signed JSON-RPC batches (issue 2)",
    run: () => runThroughputBench(),
    headlines: (r) => {
      const rate = at(r, 'ratioToRecovery');
      return [
        {
          figure: 'single node, committed transfers',
          value: at(r, 'committedPerSecond'),
          unit: 'tx/s',
          reference: { name: 'native recovery, one core', value: at(r, 'nativeRecoveryPerSecond') },
          ratio: rate,
          target: { text: 'ratio >= 0.5 (issue 2)', met: rate === null ? null : rate >= 0.5 },
        },
      ];
    },
  },
  {
    name: 'attribution',
    about: 'attributed inference records verified and applied per second vs plain transfers (issue 4)',
    run: () => runAttributionBench({ jsonPath: null }),
    headlines: (r) => {
      const records = ((r as { records?: Json[] }).records ?? []) as Json[];
      const transfers = at(r, 'transfers.perSecond');
      const target = (r as { target?: { ratio?: number } }).target?.ratio ?? 0.25;
      return records.map((f) => {
        const q = at(f, 'ratioToTransfers') ?? ratio(at(f, 'perSecond'), transfers);
        const cache = typeof f['proofCache'] === 'string' ? `, proof cache ${f['proofCache']}` : '';
        return {
          figure: `records: ${String(f['shape'] ?? 'inference records')}${cache}`,
          value: at(f, 'perSecond'),
          unit: 'records/s',
          reference: { name: 'plain transfers, same pipeline', value: transfers },
          ratio: q,
          target: { text: `ratio >= ${target} (issue 4)`, met: q === null ? null : q >= target },
        };
      });
    },
  },
  {
    name: 'attested',
    about:
      "an attested record's commit, reveal and settlement with 4, 20 and 100 validators, 16 candidates (issue 13)",
    run: () => runAttestedBench(),
    headlines: (r) => {
      const figures = ((r as { figures?: Json[] }).figures ?? []) as Json[];
      const smallest = figures[0];
      // Each figure against the same one with 4 validators: how settlement grows with the set.
      return figures.slice(1).flatMap((f) => [
        {
          figure: `settlement gas, ${at(f, 'validators')} validators`,
          value: at(f, 'settle.gas'),
          unit: 'gas',
          reference: { name: `${at(smallest, 'validators')} validators`, value: at(smallest, 'settle.gas') },
          ratio: ratio(at(f, 'settle.gas'), at(smallest, 'settle.gas')),
        },
        {
          figure: `settlement CPU, ${at(f, 'validators')} validators`,
          value: at(f, 'settle.cpuUs'),
          unit: 'µs',
          reference: {
            name: `${at(smallest, 'validators')} validators`,
            value: at(smallest, 'settle.cpuUs'),
          },
          ratio: ratio(at(f, 'settle.cpuUs'), at(smallest, 'settle.cpuUs')),
        },
      ]);
    },
  },
  {
    name: 'consensus',
    about: '4 validators on loopback: throughput, latency, empty blocks, sync (issue 3)',
    run: () => runConsensusBench({ jsonPath: null }),
    headlines: (r) => {
      const single = at(r, 'single.committedPerSecond');
      const saturation = at(r, 'saturation.committedPerSecond');
      const q = at(r, 'targets.throughput.ratio');
      const interval = at(r, 'setup.blockIntervalMs');
      const p50 = at(r, 'moderate.latencyOwnNodeMs.p50');
      const lines: Headline[] = [
        {
          figure: '4 validators, committed transfers at saturation',
          value: saturation,
          unit: 'tx/s',
          reference: { name: 'single validator, same load', value: single },
          ratio: q,
          target: { text: 'ratio >= 1/3 (issue 3)', met: q === null ? null : q >= 1 / 3 },
        },
        {
          figure: `4 validators, p50 submit-to-final at moderate load (${at(r, 'moderate.offeredPerSecond') ?? '?'} tx/s)`,
          value: p50,
          unit: 'ms',
          reference: { name: 'block interval', value: interval },
          ratio: ratio(p50, interval),
          target: {
            text: '< 2 block intervals (issue 3)',
            met: p50 === null || interval === null ? null : p50 < 2 * interval,
          },
        },
        {
          figure: '4 validators, p95 submit-to-final at moderate load',
          value: at(r, 'moderate.latencyOwnNodeMs.p95'),
          unit: 'ms',
          reference: { name: 'block interval', value: interval },
          ratio: ratio(at(r, 'moderate.latencyOwnNodeMs.p95'), interval),
        },
        {
          figure: '4 validators, p50 submit-to-final at saturation',
          value: at(r, 'saturation.latencyOwnNodeMs.p50'),
          unit: 'ms',
          reference: { name: 'block interval', value: interval },
          ratio: ratio(at(r, 'saturation.latencyOwnNodeMs.p50'), interval),
        },
        {
          figure: `empty blocks at the default interval (${interval ?? '?'} ms)`,
          value: at(r, 'emptyBlocks.blocksPerSecond'),
          unit: 'blocks/s',
          reference: { name: '1 / interval', value: interval ? 1000 / interval : null },
          ratio: at(r, 'emptyBlocks.ofIntervalRate'),
        },
      ];
      const smallest = at(r, 'smallestWorkingIntervalMs');
      const sweep = ((r as { intervals?: Json[] }).intervals ?? []) as Json[];
      const best = sweep.find((e) => at(e, 'intervalMs') === smallest);
      if (best) {
        lines.push({
          figure: `empty blocks at the smallest working interval (${smallest} ms)`,
          value: at(best, 'blocksPerSecond'),
          unit: 'blocks/s',
          reference: { name: '1 / interval', value: smallest ? 1000 / smallest : null },
          ratio: at(best, 'ofIntervalRate'),
        });
      }
      lines.push(
        {
          figure: `sync of a fresh full node (${at(r, 'sync.blocks') ?? '?'} blocks)`,
          value: at(r, 'sync.blocksPerSecond'),
          unit: 'blocks/s',
        },
        {
          figure: `sync of a fresh full node (${at(r, 'sync.txs')?.toLocaleString('en-US') ?? '?'} transactions)`,
          value: at(r, 'sync.txsPerSecond'),
          unit: 'tx/s',
          reference: { name: 'single validator, committed', value: single },
          ratio: ratio(at(r, 'sync.txsPerSecond'), single),
        },
      );
      return lines;
    },
  },
  {
    name: 'idle',
    about:
      "npm start's devnet at rest: CPU of its 4 validator processes over a minute, and of an empty block per validator (issue 10)",
    run: () => runIdleBench(),
    headlines: (r) => {
      const cpu = at(r, 'devnet.cpuPercentOfOneCore');
      const emptyBlock = at(r, 'emptyBlockCpuMsPerValidator');
      return [
        {
          figure: 'idle devnet, 4 validators together',
          value: cpu,
          unit: '% of one core',
          reference: {
            name: 'same devnet, a block every interval',
            value: at(r, 'reference.cpuPercentOfOneCore'),
          },
          ratio: at(r, 'ratio'),
          target: { text: '< 5% of one core (issue 10)', met: cpu === null ? null : cpu < 5 },
        },
        {
          // Already a difference against the reference (the same devnet with no blocks at all).
          figure: 'an empty block, CPU per validator (a block every second less no blocks)',
          value: emptyBlock,
          unit: 'ms',
          target: { text: '<= 3 ms (issue 10)', met: emptyBlock === null ? null : emptyBlock <= 3 },
        },
      ];
    },
  },
  {
    name: 'sync',
    about:
      'a fresh full node syncing a 50,000-transfer chain vs its production rate at saturation (issue 10)',
    run: () => runSyncBench({ senders: 100, perSender: 500, batch: 500, inFlight: 4 }),
    headlines: (r) => [
      {
        figure: 'sync of a fresh full node, start-up included',
        value: at(r, 'sync.txsPerSecond'),
        unit: 'tx/s',
        reference: { name: 'production at saturation', value: at(r, 'production.txsPerSecond') },
        ratio: at(r, 'sync.ratio'),
        target: { text: '>= 5x (issue 10)', met: (at(r, 'sync.ratio') ?? 0) >= 5 },
      },
    ],
  },
  {
    name: 'scale',
    about:
      'block execution CPU per transfer at 10k and 100k funded accounts (1M: node bench/scale.ts, about 15 minutes of setup) (issue 10)',
    run: () => runScaleBench([10_000, 100_000], 2000, 5),
    headlines: (r) => {
      const points = (r as ScaleResult).points;
      const last = points.at(-1);
      return [
        {
          figure: `execution CPU per transfer, ${last?.accounts ?? '?'} accounts`,
          value: last?.cpuMicrosPerTx ?? null,
          unit: 'µs',
          reference: {
            name: `${points[0]?.accounts ?? '?'} accounts`,
            value: points[0]?.cpuMicrosPerTx ?? null,
          },
          ratio: last?.costRatio ?? null,
          target: {
            text: `<= log ratio ${last?.logRatio ?? '?'} (issue 10)`,
            met: (r as ScaleResult).atMostLogarithmic,
          },
        },
      ];
    },
  },
  {
    name: 'peers',
    about: 'anvil, the single validator and the 4-validator devnet under the same transfers (issue 10)',
    run: () => runPeersBench({ jsonPath: null }),
    headlines: (r) => {
      const result = r as PeersResult;
      const anvil = result.systems.find((s) => s.system === 'anvil')?.saturation.committedPerSecond ?? null;
      const targets: Record<string, number> = { single: 1.5, devnet: 0.6 };
      const lines: Headline[] = ratiosTo(result).map((q) => {
        const figures = result.systems.find((s) => s.system === q.system)!;
        const target = targets[q.system];
        return {
          figure: `${figures.label}, committed at saturation`,
          value: figures.saturation.committedPerSecond,
          unit: 'tx/s',
          reference: { name: 'anvil, same load', value: anvil },
          ratio: q.committed,
          ...(target === undefined
            ? {}
            : {
                target: {
                  text: `ratio >= ${target} (issue 10)`,
                  met: q.committed === null ? null : q.committed >= target,
                },
              }),
        };
      });
      const devnet = result.systems.find((s) => s.system === 'devnet');
      const half = devnet?.sweep[result.setup.rates.indexOf(0.5)];
      if (half)
        lines.push({
          figure: 'devnet p50 submit-to-final at half saturation',
          value: half.latencyMs.p50,
          unit: 'ms',
          target: { text: '< 1,000 ms (issue 10)', met: half.latencyMs.p50 < 1000 },
        });
      return lines;
    },
  },
];

export interface BenchOutcome {
  readonly name: string;
  readonly seconds: number;
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly error?: string;
  readonly headlines: readonly Headline[];
}

export interface Summary {
  readonly date: string;
  readonly machine: { readonly node: string; readonly cpu: string; readonly cores: number };
  readonly benches: readonly BenchOutcome[];
}

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined
    ? '-'
    : Math.abs(x) >= 100
      ? Math.round(x).toLocaleString('en-US')
      : String(Math.round(x * 100) / 100);

export function formatSummary(s: Summary): string {
  const rows: string[][] = [['bench', 'figure', 'value', 'reference', 'ratio', 'target']];
  for (const b of s.benches) {
    if (b.error) rows.push([b.name, `FAILED: ${b.error}`, '', '', '', '']);
    for (const h of b.headlines) {
      rows.push([
        b.name,
        h.figure,
        `${fmt(h.value)} ${h.unit}`,
        h.reference ? `${h.reference.name}: ${fmt(h.reference.value)}` : '',
        h.ratio === undefined || h.ratio === null ? '' : h.ratio.toFixed(3),
        h.target
          ? `${h.target.text}: ${h.target.met === null ? 'n/a' : h.target.met ? 'met' : 'NOT met'}`
          : '',
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => (c === 2 || c === 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const loads = s.benches.map((b) => `${b.name} ${b.loadAverage.start}->${b.loadAverage.end}`).join(', ');
  return [
    `summary ${s.date}: node ${s.machine.node}, ${s.machine.cpu} (${s.machine.cores} cores)`,
    `1-min load average per bench (start->end): ${loads}`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** Runs one bench in a fresh Node process that writes its result to `jsonPath`; returns the result. */
async function runInChild(name: string, jsonPath: string): Promise<unknown> {
  rmSync(jsonPath, { force: true });
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', name], {
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the bench process exited with ${code}`);
  return JSON.parse(readFileSync(jsonPath, 'utf8')) as unknown;
}

/** The child's side: one bench, its result written as JSON for the parent. */
async function runChild(name: string): Promise<void> {
  const bench = BENCHES.find((b) => b.name === name);
  if (!bench) throw new Error(`unknown bench ${name}`);
  const result = await bench.run();
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
}

export async function runBenches(names: readonly string[] = []): Promise<Summary> {
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown bench ${unknown.join(', ')}; benches: ${BENCHES.map((b) => b.name).join(', ')}`);
  }
  const selected = BENCHES.filter((b) => names.length === 0 || names.includes(b.name));
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const outcomes: BenchOutcome[] = [];
  const round2 = (x: number) => Math.round(x * 100) / 100;
  for (const bench of selected) {
    console.log(`\n=== ${bench.name}: ${bench.about}\n`);
    const start = loadavg()[0]!;
    const started = performance.now();
    let outcome: BenchOutcome;
    try {
      const result = await runInChild(bench.name, `${dir}${bench.name}.json`);
      outcome = {
        name: bench.name,
        seconds: round2((performance.now() - started) / 1000),
        loadAverage: { start: round2(start), end: round2(loadavg()[0]!) },
        headlines: bench.headlines(result),
      };
    } catch (err) {
      console.error(`${bench.name} failed:`, err);
      outcome = {
        name: bench.name,
        seconds: round2((performance.now() - started) / 1000),
        loadAverage: { start: round2(start), end: round2(loadavg()[0]!) },
        error: (err as Error).message,
        headlines: [],
      };
    }
    outcomes.push(outcome);
  }
  const summary: Summary = {
    date: new Date().toISOString(),
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    benches: outcomes,
  };
  writeFileSync(`${dir}summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `\n${formatSummary(summary)}\n\nwrote ${dir}{${selected.map((b) => b.name).join(',')},summary}.json`,
  );
  return summary;
}

if (import.meta.main && process.argv[2] === '--child') {
  await runChild(process.argv[3]!);
  // Benches may leave handles (worker pools, sockets) that would keep the child alive.
  process.exit(0);
} else if (import.meta.main) {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const summary = await runBenches(names);
  process.exitCode = summary.benches.some((b) => b.error) ? 1 : 0;
}
