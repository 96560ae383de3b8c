// WorkerRecovery's threads themselves: which one gets a job, and what callers get when one dies.
// The workers are the pool's real threads, seen through the diagnostics channel on which Node
// publishes every Worker it creates; the tests kill them or watch what they answer, nothing is mocked.
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addressFromPrivateKey } from '../../core/address.ts';
import { MAX_JOB_TXS, WorkerRecovery } from '../../core/senderRecovery.ts';
import { type SignedTx, signTx } from '../../core/tx.ts';

const keys = [new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))];
const senders = keys.map((k) => addressFromPrivateKey(k));

/** `count` transfers from two senders alternating, so an answer moved by one place shows. */
function batch(count: number, from = 0): SignedTx[] {
  return Array.from({ length: count }, (_, i) =>
    signTx(
      {
        type: 2,
        chainId: 1337n,
        nonce: BigInt(from + i),
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 1n,
        gasLimit: 21_000n,
        to: '0x000000000000000000000000000000000000c0de',
        value: 1n,
        data: new Uint8Array(),
        accessList: [],
      },
      keys[i % 2]!,
    ),
  );
}
const sendersOf = (txs: readonly SignedTx[]) => txs.map((_, i) => senders[i % 2]);

/** The threads started during a test, in order, and the jobs each one answered. */
let workers: Worker[] = [];
let answered: number[][] = [];
const onWorker = (message: unknown) => {
  const { worker } = message as { worker: Worker };
  const jobs: number[] = [];
  workers.push(worker);
  answered.push(jobs);
  worker.on('message', (msg: { job: number }) => jobs.push(msg.job));
};
beforeEach(() => {
  workers = [];
  answered = [];
  subscribe('worker_threads', onWorker);
});
afterEach(() => {
  unsubscribe('worker_threads', onWorker);
});

const jobsAnswered = () => answered.map((jobs) => jobs.length);

describe('WorkerRecovery threads', () => {
  it('gives each job to the least loaded thread, counting a job done once it is answered', async () => {
    const pool = WorkerRecovery.start(2);
    try {
      const full = batch(MAX_JOB_TXS);
      const small = batch(5, MAX_JOB_TXS);
      // The full job leaves at once for thread 0; the small one at the end of the turn, for idle thread 1.
      const answers = [...full, ...small].map((t) => pool.recover(t));
      expect(await Promise.all(answers)).toEqual(sendersOf([...full, ...small]));
      expect(jobsAnswered()).toEqual([1, 1]);
      // Both are idle again, whatever their jobs' sizes were: the next job goes to the first.
      const next = batch(3, 2 * MAX_JOB_TXS);
      expect(await Promise.all(next.map((t) => pool.recover(t)))).toEqual(sendersOf(next));
      expect(jobsAnswered()).toEqual([2, 1]);
    } finally {
      await pool.close();
    }
  });

  it('keeps admissions on the pool’s own threads while a bulk spare is idle', async () => {
    const pool = WorkerRecovery.start(1, 2);
    try {
      const bulk = batch(MAX_JOB_TXS);
      const admit = batch(MAX_JOB_TXS, MAX_JOB_TXS);
      // The bulk job starts the spare but goes to the idle thread 0; the admission job follows it
      // there although the spare has nothing to do.
      const answers = [
        ...bulk.map((t) => pool.recover(t, 'bulk')),
        ...admit.map((t) => pool.recover(t, 'admit')),
      ];
      expect(workers).toHaveLength(2);
      expect(await Promise.all(answers)).toEqual([...sendersOf(bulk), ...sendersOf(admit)]);
      expect(jobsAnswered()).toEqual([2, 0]);
    } finally {
      await pool.close();
    }
  });

  it('answers every caller of a thread that died mid-job on the calling thread, and says so once', async () => {
    const failures: Error[] = [];
    const pool = WorkerRecovery.start(2, 2, (err) => failures.push(err));
    try {
      const txs = batch(MAX_JOB_TXS + 10);
      const answers = txs.map((t) => pool.recover(t));
      expect(pool.jobsInFlight).toBe(1); // the full job, on thread 0
      await workers[0]!.terminate();
      // Terminated before its thread ran, a worker exits with code 0, later with 1: either is a failure.
      expect(failures.map((e) => e.message)).toEqual([
        expect.stringMatching(/^recovery worker 0 exited with code [01]$/),
      ]);
      // Both jobs (thread 1 may not have answered its ten) were taken back: none is left waiting.
      expect(pool.jobsInFlight).toBe(0);
      expect(await Promise.all(answers)).toEqual(sendersOf(txs));
      // From now on the pool recovers inline; the healthy thread gets nothing more.
      const later = batch(MAX_JOB_TXS + 1, 2 * MAX_JOB_TXS);
      const before = jobsAnswered()[1];
      expect(await Promise.all(later.map((t) => pool.recover(t, 'bulk')))).toEqual(sendersOf(later));
      expect(pool.jobsInFlight).toBe(0);
      expect(jobsAnswered()[1]).toBe(before);
      expect(workers).toHaveLength(2);
      expect(failures).toHaveLength(1);
    } finally {
      await pool.close();
    }
    expect(failures).toHaveLength(1); // closing is not a failure
  });

  it('reports the error of a job that made its thread throw, not the exit that follows it', async () => {
    const failures: Error[] = [];
    const pool = WorkerRecovery.start(1, 1, (err) => failures.push(err));
    try {
      const [t] = batch(1);
      const answer = pool.recover(t!);
      // A job without a request: the worker cannot read its bytes and the thread dies of it
      // before it reaches the caller's job, which was posted after it (at the end of this turn).
      const exited = new Promise((resolve) => workers[0]!.once('exit', resolve));
      workers[0]!.postMessage({ job: -1 });
      expect(await answer).toBe(senders[0]);
      expect(await exited).toBe(1);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({
        name: 'TypeError',
        message: expect.stringMatching(/reading 'buffer'/),
      });
      expect(answered[0]).toEqual([]);
      expect(await pool.recover(batch(1, 1)[0]!)).toBe(senders[0]);
    } finally {
      await pool.close();
    }
  });

  it('closing answers what is queued and what is in flight on the calling thread, and starts no thread', async () => {
    const failures: Error[] = [];
    const pool = WorkerRecovery.start(1, 3, (err) => failures.push(err));
    const sent = batch(MAX_JOB_TXS);
    const queued = batch(7, MAX_JOB_TXS);
    const answers = [
      ...sent.map((t) => pool.recover(t, 'bulk')),
      ...queued.map((t, i) => pool.recover(t, i % 2 === 0 ? 'bulk' : 'admit')),
    ];
    expect(pool.jobsInFlight).toBe(1);
    expect(workers).toHaveLength(2);
    const exited = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    const closed = pool.close();
    expect(pool.jobsInFlight).toBe(0);
    expect(await Promise.all(answers)).toEqual([...sendersOf(sent), ...sendersOf(queued)]);
    await closed;
    await Promise.all(exited); // closing stops the threads, the idle spare too
    // The queued bulk requests would have started the third thread had they gone to the pool.
    expect(workers).toHaveLength(2);
    expect(failures).toEqual([]);
  });
});
