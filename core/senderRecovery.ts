// Sender recovery off the main thread. Recovering a sender is the single largest cost of admitting
// a transaction, it is independent per transaction, and libsecp256k1 is synchronous: a pool of
// worker threads recovers a whole slice of an RPC batch (or a block from a peer) in parallel while
// the main thread keeps serving consensus and RPC. Requests made in one turn of the event loop
// travel to a worker as one message, so the per-message cost is paid per slice, not per tx.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Address, addressFromBytes } from './address.ts';
import { bigintToFixedBytes, bytesToHex } from './bytes.ts';
import { checkSignatureValues, SignatureError } from './secp256k1.ts';
import { recoverSender, type SignedTx, signingHash } from './tx.ts';

export interface SenderRecovery {
  /** The sender of a signed transaction; rejects with SignatureError if no key recovers. */
  recover(tx: SignedTx): Promise<Address>;
  close(): Promise<void>;
}

/** Recovery on the calling thread: the reference, and what tests and small nodes use. */
export const inlineRecovery: SenderRecovery = {
  recover: async (tx) => recoverSender(tx),
  close: async () => {},
};

/** Request layout per transaction: signing hash (32) ‖ r (32) ‖ s (32) ‖ y parity (1). */
export const REQUEST_BYTES = 97;
/** Response layout per transaction: ok flag (1) ‖ address (20). */
export const RESPONSE_BYTES = 21;
/**
 * Most transactions per job. Requests made in one turn can be a whole sync batch (tens of blocks,
 * 100,000 transactions); as one job they would all wait for the last one, and use one worker. In
 * jobs of this size (about 70 ms of recovery) the first blocks' senders come back while the rest
 * are recovered, and every worker takes a share.
 */
export const MAX_JOB_TXS = 1024;

interface Pending {
  readonly tx: SignedTx;
  /** Its request (REQUEST_BYTES). */
  readonly request: Uint8Array;
  readonly resolve: (address: Address) => void;
  readonly reject: (err: Error) => void;
}

interface Job {
  readonly items: Pending[];
  readonly worker: number;
}

/** The default pool size: every core but the one the main thread needs. */
export function defaultRecoveryThreads(): number {
  return Math.min(4, Math.max(0, availableParallelism() - 1));
}

/** What a worker recovers from: everything the sender depends on, and nothing else. */
function requestOf(tx: SignedTx): Uint8Array {
  const request = new Uint8Array(REQUEST_BYTES);
  request.set(signingHash(tx), 0);
  request.set(bigintToFixedBytes(tx.r, 32), 32);
  request.set(bigintToFixedBytes(tx.s, 32), 64);
  request[96] = tx.yParity;
  return request;
}

export class WorkerRecovery implements SenderRecovery {
  readonly #workers: Worker[];
  readonly #busy: number[];
  readonly #jobs = new Map<number, Job>();
  #queue: Pending[] = [];
  /**
   * Recoveries asked for and not answered yet, by request bytes. A transaction is often asked for
   * twice at once: a proposal's check needs the senders of transactions whose admission (from gossip
   * or RPC) is still waiting for theirs, and asking again would recover them twice, the second time
   * behind every job queued meanwhile, on the block check's critical path.
   */
  readonly #inFlight = new Map<string, Promise<Address>>();
  #flushScheduled = false;
  #nextJob = 0;
  #failed = false;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    this.#busy = workers.map(() => 0);
    workers.forEach((worker, index) => {
      worker.on('message', (msg: { job: number; results: Uint8Array }) => this.#settle(msg.job, msg.results));
      worker.on('error', (err) => this.#fail(err));
      worker.on('exit', (code) => {
        if (code !== 0) this.#fail(new Error(`recovery worker ${index} exited with code ${code}`));
      });
      worker.unref();
    });
  }

  static start(threads: number): WorkerRecovery {
    const url = new URL('./recoveryWorker.ts', import.meta.url);
    return new WorkerRecovery(Array.from({ length: threads }, () => new Worker(url)));
  }

  recover(tx: SignedTx): Promise<Address> {
    // A broken pool (a worker crashed) degrades to the calling thread rather than stopping the node.
    if (this.#failed) return inlineRecovery.recover(tx);
    try {
      checkSignatureValues(tx);
    } catch (err) {
      return Promise.reject(err);
    }
    const request = requestOf(tx);
    const key = bytesToHex(request);
    const asked = this.#inFlight.get(key);
    if (asked) return asked;
    const answer = new Promise<Address>((resolve, reject) => {
      this.#queue.push({ tx, request, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => this.#flush());
      }
    });
    this.#inFlight.set(key, answer);
    const forget = () => this.#inFlight.delete(key);
    answer.then(forget, forget);
    return answer;
  }

  #flush(): void {
    this.#flushScheduled = false;
    const items = this.#queue;
    this.#queue = [];
    for (let from = 0; from < items.length; from += MAX_JOB_TXS)
      this.#send(items.slice(from, from + MAX_JOB_TXS));
  }

  /** One job to the least loaded worker. */
  #send(items: Pending[]): void {
    const request = new Uint8Array(items.length * REQUEST_BYTES);
    for (const [i, p] of items.entries()) request.set(p.request, i * REQUEST_BYTES);
    const worker = this.#busy.indexOf(Math.min(...this.#busy));
    const job = this.#nextJob++;
    this.#jobs.set(job, { items, worker });
    this.#busy[worker]! += items.length;
    this.#workers[worker]!.postMessage({ job, request }, [request.buffer]);
  }

  #settle(jobId: number, results: Uint8Array): void {
    const job = this.#jobs.get(jobId);
    if (!job) return;
    this.#jobs.delete(jobId);
    this.#busy[job.worker]! -= job.items.length;
    job.items.forEach((p, i) => {
      const at = i * RESPONSE_BYTES;
      if (results[at] === 1) p.resolve(addressFromBytes(results.subarray(at + 1, at + RESPONSE_BYTES)));
      else p.reject(new SignatureError('invalid signature: no public key recovers from it'));
    });
  }

  #fail(err: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    // Whatever was in flight is recovered here instead; nothing is lost.
    for (const job of this.#jobs.values()) {
      for (const p of job.items) inlineRecovery.recover(p.tx).then(p.resolve, p.reject);
    }
    this.#jobs.clear();
    void err;
  }

  async close(): Promise<void> {
    this.#failed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
