// The machine's limit for a transfer load: native sender recoveries (decode + libsecp256k1
// recovery) per second on every core at once, one worker thread per core, all started together and
// timed over the same window. Each transfer must be recovered at least once by whoever executes it,
// so no system on this machine can commit transfers faster than this.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { decodeTx, recoverSender } from '../core/tx.ts';

interface Job {
  readonly raws: Uint8Array[];
  readonly seconds: number;
}

export interface AllCoresRate {
  readonly threads: number;
  /** Sum over the threads. */
  readonly perSecond: number;
  readonly perThread: number[];
}

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Recovers `raws` round and round on `threads` worker threads for `seconds`; their summed rate. */
export async function recoveryAllCores(
  raws: readonly Uint8Array[],
  seconds = 1,
  threads = availableParallelism(),
): Promise<AllCoresRate> {
  const job: Job = { raws: [...raws], seconds };
  // Each worker warms up and reports ready; all start their window together, on one signal.
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL(import.meta.url), { workerData: job }),
  );
  try {
    await Promise.all(workers.map(nextMessage));
    // A worker sends its rate only after 'go', so listening for it afterwards misses nothing.
    const rates = workers.map((worker) => nextMessage(worker) as Promise<number>);
    for (const worker of workers) worker.postMessage('go');
    const done = await Promise.all(rates);
    return {
      threads,
      perSecond: Math.round(done.reduce((a, b) => a + b, 0)),
      perThread: done.map(Math.round),
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { raws, seconds } = workerData as Job;
  // A short warm-up, so the window measures compiled code.
  for (let i = 0; i < Math.min(200, raws.length); i++) recoverSender(decodeTx(raws[i]!));
  port.once('message', () => {
    const start = performance.now();
    const deadline = start + seconds * 1000;
    let ops = 0;
    while (performance.now() < deadline) {
      for (let k = 0; k < 50; k++) recoverSender(decodeTx(raws[(ops + k) % raws.length]!));
      ops += 50;
    }
    port.postMessage((ops / (performance.now() - start)) * 1000);
  });
  port.postMessage('ready');
}
