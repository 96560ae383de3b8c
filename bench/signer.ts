// What the double-sign guard costs the event loop (issue 10: "signature-guard writes stay durable
// before a signature leaves the process but must not stall the event loop"). A probe re-arms
// setImmediate for as long as the run lasts and records the longest gap between two of its turns:
// the time the main thread could serve nobody else (peers, RPC, timers). Measured for
// PrivValidator.sign, which flushes off the event loop, next to the reference measured in the same
// run on the same disk: the same durable replace done with synchronous calls, as the guard did
// before (write a temp file, fsync, rename, fsync the directory).
//
//   node bench/signer.ts [--signatures 200] [--json FILE]
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PrivValidator, SignStep } from '../consensus/privval.ts';
import { ed25519PublicKey, ed25519RandomSecretKey } from '../core/ed25519.ts';
import { median, quantile } from './stats.ts';

export interface StallFigure {
  /** Per signature, the longest gap between two turns of the event loop while it was made: median, ms. */
  readonly medianStallMs: number;
  /** The same, 95th percentile (the largest is mostly the scheduler on a shared machine). */
  readonly p95StallMs: number;
  /** Median time from request to a signature that may leave the process, ms. */
  readonly medianLatencyMs: number;
}

export interface SignerBenchResult {
  readonly signatures: number;
  readonly guard: StallFigure;
  readonly reference: StallFigure;
  readonly machine: { readonly load: readonly number[] };
}

/** Runs `work` once per signature while a probe measures how long the event loop is held. */
async function measure(signatures: number, work: (i: number) => Promise<void> | void): Promise<StallFigure> {
  let running = true;
  let last = performance.now();
  let longest = 0;
  const probe = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  const stalls: number[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < signatures; i++) {
    await new Promise((r) => setImmediate(r));
    longest = 0;
    last = performance.now();
    const started = performance.now();
    await work(i);
    latencies.push(performance.now() - started);
    // The probe's turn after the work: a synchronous stall shows up only once the loop turns again.
    await new Promise((r) => setImmediate(r));
    stalls.push(longest);
  }
  running = false;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    medianStallMs: round(median(stalls)),
    p95StallMs: round(quantile(stalls, 0.95)),
    medianLatencyMs: round(median(latencies)),
  };
}

/** The guard's write as it was: every step a synchronous call on the event loop. */
function replaceSynchronously(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export async function runSignerBench(opts: { signatures?: number } = {}): Promise<SignerBenchResult> {
  const signatures = opts.signatures ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'openchain-signer-bench-'));
  try {
    const secretKey = ed25519RandomSecretKey();
    const pubKey = ed25519PublicKey(secretKey);
    const pv = new PrivValidator(secretKey, pubKey, join(dir, 'guard.json'));
    const bytes = new Uint8Array(120).fill(7);
    const guard = await measure(signatures, async (i) => {
      await pv.sign(i + 1, 0, SignStep.prevote, bytes);
    });
    const record = new TextEncoder().encode(JSON.stringify(pv.lastSigned));
    const reference = await measure(signatures, () =>
      replaceSynchronously(join(dir, 'reference.json'), record),
    );
    return { signatures, guard, reference, machine: { load: loadavg() } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { signatures: { type: 'string' }, json: { type: 'string' } } });
  const result = await runSignerBench({
    signatures: values.signatures ? Number(values.signatures) : undefined,
  });
  console.table({ 'PrivValidator.sign': result.guard, 'synchronous write (reference)': result.reference });
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
}
