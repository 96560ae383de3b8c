// The peer comparison's result (bench/peers.ts): its shape, the ratios to the reference system, and
// the printed table. Pure functions of the result, so the table and the chart (bench/peersChart.ts)
// can be rebuilt from a saved JSON.
import type { MachineInfo } from './machine.ts';
import type { Percentiles } from './stats.ts';

export type SystemName = 'anvil' | 'single' | 'devnet';

/** One measured load: as fast as the systems accepted it (offered null), or at a steady rate. */
export interface LoadPoint {
  /** Offered rate, tx/s; null at saturation (batches sent as fast as they are accepted). */
  readonly offeredPerSecond: number | null;
  /** How fast the load generator got its batches accepted, tx/s. */
  readonly sentPerSecond: number;
  readonly txs: number;
  /** From the first send to the last transaction final. */
  readonly seconds: number;
  readonly committedPerSecond: number;
  /** Submit (batch posted) to final (its block seen on the watched node), ms. */
  readonly latencyMs: Percentiles;
  /** CPU of the system's processes per 1,000 transactions, s; null where /proc is missing. */
  readonly cpuSecondsPer1000Tx: number | null;
  /** The load generator's own CPU over the same window, as a share of one core. */
  readonly generatorCpuShare: number;
  /** Batches sent again after the node reset the connection (bench/load.ts sendBatch). */
  readonly retries: number;
  /** Blocks holding the load, and the largest. */
  readonly blocks: number;
  readonly largestBlock: number;
  readonly loadAverage: number;
}

export interface SystemFigures {
  readonly system: SystemName;
  readonly label: string;
  readonly processes: number;
  readonly saturation: LoadPoint;
  readonly sweep: readonly LoadPoint[];
}

export interface PeersResult {
  readonly benchmark: 'peers';
  readonly date: string;
  readonly machine: MachineInfo;
  readonly setup: {
    readonly transfers: number;
    readonly senders: number;
    readonly batch: number;
    readonly inFlight: number;
    /** Steady rates as fractions of each system's own saturation throughput. */
    readonly rates: readonly number[];
    readonly rateSeconds: number;
    readonly chainId: number;
    readonly blockGasLimit: string;
  };
  /** Native sender recoveries per second on all cores, before and after the systems ran. */
  readonly machineLimit: {
    readonly threads: number;
    readonly samples: readonly number[];
    readonly perSecond: number;
  };
  readonly systems: readonly SystemFigures[];
  readonly errors: readonly string[];
}

export interface Ratios {
  readonly system: SystemName;
  readonly committed: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly cpuPer1000Tx: number | null;
  /** Committed throughput over the machine's recovery limit. */
  readonly ofMachineLimit: number | null;
}

const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)
    ? null
    : Math.round((a / b) * 100) / 100;

/** Each system's saturation figures over the reference system's (anvil) and over the machine's limit. */
export function ratiosTo(result: PeersResult, reference: SystemName = 'anvil'): Ratios[] {
  const ref = result.systems.find((s) => s.system === reference)?.saturation ?? null;
  return result.systems.map((s) => ({
    system: s.system,
    committed: ratio(s.saturation.committedPerSecond, ref?.committedPerSecond ?? null),
    p50: ratio(s.saturation.latencyMs.p50, ref?.latencyMs.p50 ?? null),
    p95: ratio(s.saturation.latencyMs.p95, ref?.latencyMs.p95 ?? null),
    cpuPer1000Tx: ratio(s.saturation.cpuSecondsPer1000Tx, ref?.cpuSecondsPer1000Tx ?? null),
    ofMachineLimit: ratio(s.saturation.committedPerSecond, result.machineLimit.perSecond),
  }));
}

/** A Markdown table: one row per system at saturation, then one per steady rate. */
export function formatPeersTable(result: PeersResult): string {
  const n = (x: number | null) => (x === null ? '-' : Math.round(x).toLocaleString('en-US'));
  const x = (r: number | null) => (r === null ? '-' : `${r.toFixed(2)}x`);
  const cpu = (c: number | null) => (c === null ? '-' : c.toFixed(2));
  const ratios = ratiosTo(result);
  const rows: string[][] = [
    [
      'system',
      'committed tx/s',
      'vs anvil',
      'p50 / p95 ms',
      'CPU s / 1,000 tx',
      'vs anvil',
      'generator CPU',
      'load',
    ],
  ];
  for (const [i, s] of result.systems.entries()) {
    const p = s.saturation;
    const r = ratios[i]!;
    rows.push([
      `${s.label}, saturation`,
      n(p.committedPerSecond),
      x(r.committed),
      `${n(p.latencyMs.p50)} / ${n(p.latencyMs.p95)}`,
      cpu(p.cpuSecondsPer1000Tx),
      x(r.cpuPer1000Tx),
      `${Math.round(p.generatorCpuShare * 100)}%`,
      p.loadAverage.toFixed(1),
    ]);
  }
  for (const s of result.systems)
    for (const p of s.sweep)
      rows.push([
        `${s.label}, offered ${n(p.offeredPerSecond)} tx/s`,
        n(p.committedPerSecond),
        '',
        `${n(p.latencyMs.p50)} / ${n(p.latencyMs.p95)}`,
        cpu(p.cpuSecondsPer1000Tx),
        '',
        `${Math.round(p.generatorCpuShare * 100)}%`,
        p.loadAverage.toFixed(1),
      ]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const m = result.machine;
  const st = result.setup;
  return [
    `peers: ${n(st.transfers)} pre-signed transfers from ${st.senders} senders, batches of ${st.batch}, ${st.inFlight} in flight; steady rates ${st.rates.join(', ')} of each saturation for ${st.rateSeconds} s`,
    `node ${m.node}, ${m.cpu} (${m.cores} cores), load ${m.loadAverage.start.toFixed(2)} -> ${m.loadAverage.end.toFixed(2)}; block gas limit ${st.blockGasLimit}, chain id ${st.chainId}`,
    `machine limit: ${n(result.machineLimit.perSecond)} native sender recoveries/s on ${result.machineLimit.threads} threads (${result.machineLimit.samples.map(n).join(', ')})`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    '',
    ...ratios.map((r) => `${r.system}: ${x(r.ofMachineLimit)} of the machine limit`),
    ...result.errors.map((e) => `failed: ${e}`),
  ].join('\n');
}
