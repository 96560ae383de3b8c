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
import { dynamicFeeRaw, recoverSender, type SignedTx, signingHash } from './tx.ts';

/**
 * Who waits for a recovery. 'admit': a transaction on its way in (RPC, gossip, a proposal), on the
 * pool's own threads. 'bulk': block sync's downloaded blocks, recovered ahead of their turn; they
 * may also use the spare threads a pool keeps for it (WorkerRecovery's bulkThreads).
 */
export type RecoveryLane = 'admit' | 'bulk';

export interface SenderRecovery {
  /** The sender of a signed transaction; rejects with SignatureError if no key recovers. */
  recover(tx: SignedTx, lane?: RecoveryLane): Promise<Address>;
  close(): Promise<void>;
}

/** Recovery on the calling thread: the reference, and what tests and small nodes use. */
export const inlineRecovery: SenderRecovery = {
  recover: async (tx) => recoverSender(tx),
  close: async () => {},
};

/**
 * Request layout per transaction: r (32) ‖ s (32) ‖ y parity (1) ‖ form (1), then by form either
 * the signing hash (32), or the length (uint32 big-endian) and raw bytes of a decoded type-2
 * transaction, whose signing hash the worker computes: for an 11 KB inference record that is a
 * keccak256 pass of about 50 µs off the main thread, where admission and block checks run.
 */
export const REQUEST_HEAD_BYTES = 66;
const SIGNING_HASH_FORM = 0;
export const DYNAMIC_FEE_RAW_FORM = 1;
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
  /** Its request without the raw bytes (a raw form's are `raw`, copied into the job's request). */
  readonly request: Uint8Array;
  readonly raw: Uint8Array | undefined;
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

/** What a worker recovers from (with `raw`, if given): everything the sender depends on, and nothing else. */
function requestOf(tx: SignedTx, raw: Uint8Array | undefined): Uint8Array {
  const request = new Uint8Array(REQUEST_HEAD_BYTES + (raw ? 4 : 32));
  request.set(bigintToFixedBytes(tx.r, 32), 0);
  request.set(bigintToFixedBytes(tx.s, 32), 32);
  request[64] = tx.yParity;
  if (raw) {
    request[65] = DYNAMIC_FEE_RAW_FORM;
    // uint32 big-endian, as the worker's DataView reads it
    for (let k = 0; k < 4; k++) request[REQUEST_HEAD_BYTES + k] = raw.length >>> (24 - 8 * k);
  } else {
    request[65] = SIGNING_HASH_FORM;
    request.set(signingHash(tx), REQUEST_HEAD_BYTES);
  }
  return request;
}

/**
 * The default for bulk work (block sync): a thread per core (at most 8). A syncing node's main
 * thread waits for recovery a third of the time on one worker (docs/performance.md, "Sync"), so
 * the core it leaves idle recovers too.
 */
export function defaultBulkRecoveryThreads(threads: number): number {
  return Math.max(threads, Math.min(8, availableParallelism()));
}

/**
 * A pool of recovery threads: `threads` of them from the start, for every lane, and up to
 * `bulkThreads` in all for the bulk lane, the extra ones started on its first job (a node that
 * never syncs never starts them) and kept, idle and unref'd, until close.
 */
export class WorkerRecovery implements SenderRecovery {
  readonly #workers: Worker[] = [];
  readonly #busy: number[] = [];
  readonly #threads: number;
  readonly #bulkThreads: number;
  readonly #jobs = new Map<number, Job>();
  /**
   * Recoveries asked for and not answered yet, by request bytes. A transaction is often asked for
   * twice at once: a proposal's check needs the senders of transactions whose admission (from gossip
   * or RPC) is still waiting for theirs, and asking again would recover them twice, the second time
   * behind every job queued meanwhile, on the block check's critical path.
   */
  readonly #inFlight = new Map<string, Promise<Address>>();
  /** Requests of this turn of the event loop, by lane; a full job leaves at once. */
  readonly #queues: Record<RecoveryLane, Pending[]> = { admit: [], bulk: [] };
  #flushScheduled = false;
  #nextJob = 0;
  /** Set when a worker failed or the pool closed: from then on every sender is recovered inline. */
  #failed = false;
  readonly #onFailure: (err: Error) => void;

  private constructor(threads: number, bulkThreads: number, onFailure: (err: Error) => void) {
    this.#threads = threads;
    this.#bulkThreads = Math.max(threads, bulkThreads);
    this.#onFailure = onFailure;
    for (let i = 0; i < threads; i++) this.#startWorker();
  }

  /** `onFailure` hears of the first worker that fails (the node logs it); the pool then works inline. */
  static start(
    threads: number,
    bulkThreads = threads,
    onFailure: (err: Error) => void = () => {},
  ): WorkerRecovery {
    return new WorkerRecovery(threads, bulkThreads, onFailure);
  }

  /** Threads started so far (the bulk lane's spares appear with its first job). */
  get threads(): number {
    return this.#workers.length;
  }

  /** Jobs sent to the workers and not answered yet. */
  get jobsInFlight(): number {
    return this.#jobs.size;
  }

  #startWorker(): void {
    const index = this.#workers.length;
    const worker = new Worker(new URL('./recoveryWorker.ts', import.meta.url));
    worker.on('message', (msg: { job: number; results: Uint8Array }) => this.#settle(msg.job, msg.results));
    worker.on('error', (err) => this.#fail(err));
    // Any exit before close is a failure, whatever its code: the worker's jobs would never be answered.
    worker.on('exit', (code) => this.#fail(new Error(`recovery worker ${index} exited with code ${code}`)));
    worker.unref();
    this.#workers.push(worker);
    this.#busy.push(0);
  }

  recover(tx: SignedTx, lane: RecoveryLane = 'admit'): Promise<Address> {
    try {
      checkSignatureValues(tx);
    } catch (err) {
      return Promise.reject(err);
    }
    const raw = dynamicFeeRaw(tx);
    const request = requestOf(tx, raw);
    // A decoded transaction is named by its hash (keccak256 of the very bytes sent, a key of 66
    // characters); any other by its whole request (longer, so the two never meet).
    const key = raw ? tx.hash : bytesToHex(request);
    const asked = this.#inFlight.get(key);
    if (asked) return asked;
    const answer = new Promise<Address>((resolve, reject) => {
      const queue = this.#queues[lane];
      queue.push({ tx, request, raw, resolve, reject });
      // A full job leaves now rather than at the end of the turn: block sync queues tens of
      // thousands in one synchronous loop, and the workers would sit idle until it ends.
      if (queue.length === MAX_JOB_TXS) this.#sendLane(lane);
      else if (!this.#flushScheduled) {
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
    this.#sendLane('admit');
    this.#sendLane('bulk');
  }

  /** A lane's queued requests as one job (never more than MAX_JOB_TXS: recover sends full ones). */
  #sendLane(lane: RecoveryLane): void {
    const items = this.#queues[lane];
    if (items.length === 0) return;
    this.#queues[lane] = [];
    // A broken pool (a worker crashed) degrades to the calling thread rather than stopping the
    // node; so does a closed one, and this covers what was queued before either happened.
    if (this.#failed) recoverInline(items);
    else this.#send(items, lane === 'bulk' ? this.#bulkThreads : this.#threads);
  }

  /** One job to the least loaded of the first `usable` workers, starting one if fewer are running. */
  #send(items: Pending[], usable: number): void {
    if (this.#workers.length < usable) this.#startWorker();
    let length = 0;
    for (const p of items) length += p.request.length + (p.raw?.length ?? 0);
    const request = new Uint8Array(length);
    let at = 0;
    for (const p of items) {
      request.set(p.request, at);
      at += p.request.length;
      if (p.raw) {
        request.set(p.raw, at);
        at += p.raw.length;
      }
    }
    const busy = this.#busy.slice(0, usable);
    const worker = busy.indexOf(Math.min(...busy));
    const job = this.#nextJob++;
    this.#jobs.set(job, { items, worker });
    this.#busy[worker]! += items.length;
    // A thread with work keeps the process alive until it answers (an idle one does not: unref'd).
    this.#workers[worker]!.ref();
    this.#workers[worker]!.postMessage({ job, count: items.length, request }, [request.buffer]);
  }

  #settle(jobId: number, results: Uint8Array): void {
    const job = this.#jobs.get(jobId);
    if (!job) return;
    this.#jobs.delete(jobId);
    this.#busy[job.worker]! -= job.items.length;
    if (this.#busy[job.worker] === 0) this.#workers[job.worker]!.unref();
    job.items.forEach((p, i) => {
      const at = i * RESPONSE_BYTES;
      if (results[at] === 1) p.resolve(addressFromBytes(results.subarray(at + 1, at + RESPONSE_BYTES)));
      else p.reject(new SignatureError('invalid signature: no public key recovers from it'));
    });
  }

  /** A worker crashed or exited: the node goes on without the pool rather than stopping. */
  #fail(err: Error): void {
    if (this.#failed) return;
    this.#onFailure(err);
    this.#stop();
  }

  /**
   * Stops using the workers: what they hold is recovered here instead, so no caller waits for an
   * answer that will not come; a late answer finds its job gone and is dropped.
   */
  #stop(): void {
    this.#failed = true;
    const held = [...this.#jobs.values()].flatMap((job) => job.items);
    this.#jobs.clear();
    recoverInline(held);
  }

  async close(): Promise<void> {
    this.#stop();
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

function recoverInline(items: readonly Pending[]): void {
  for (const p of items) inlineRecovery.recover(p.tx).then(p.resolve, p.reject);
}
