// The machine a bench ran on, as its JSON records it: figures from a loaded machine are not
// comparable, so the 1-minute load average at the start and the end goes with every result.
import { cpus, loadavg } from 'node:os';

export interface MachineInfo {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly loadAverage: { readonly start: number; readonly end: number };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** This machine now; `loadStart` is the load average the bench read when it started. */
export function machineInfo(loadStart: number): MachineInfo {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: { start: round2(loadStart), end: round2(loadavg()[0]!) },
  };
}
