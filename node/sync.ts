// Catching up with the network: one block-sync run at a time, started at boot, when a peer
// connects and whenever consensus finds itself behind (at most one start per MIN_RUN_INTERVAL_MS,
// however often it is asked); blocks go through the consensus engine so its proposer state and WAL
// stay in step with the application. Reports progress for eth_syncing. Consensus never waits for a
// run: a peer that claims to be ahead and serves nothing cannot keep the node out of it.
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Validator } from '../core/validator.ts';
import { type Commit, VoteError, verifyCommitTrusting } from '../core/vote.ts';
import type { P2pHost } from '../p2p/host.ts';
import type { BlockSink, HeadProof } from '../p2p/sync/types.ts';
import type { SyncStatus } from '../rpc/eth/index.ts';

/** Least time between the starts of two runs: each asks every peer for its status. */
export const MIN_RUN_INTERVAL_MS = 1_000;

/**
 * BlockSink.verifyHead for a node whose validator set is `validators`: a peer's head commit
 * proves its height when known validators with more than a third of the power signed it.
 */
export function proveHead(chainId: bigint, commit: Commit, validators: readonly Validator[]): HeadProof {
  try {
    verifyCommitTrusting(chainId, commit, validators);
    return 'proven';
  } catch (err) {
    if (err instanceof VoteError && err.code === 'INSUFFICIENT_POWER') return 'unproven';
    throw err;
  }
}

export class SyncController {
  readonly #host: P2pHost;
  readonly #sink: BlockSink;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  readonly #minIntervalMs: number;
  #running: Promise<void> | undefined;
  #lastStart = Number.NEGATIVE_INFINITY;
  #runs = 0;
  #startingBlock = 0;
  #highestBlock = 0;

  constructor(host: P2pHost, sink: BlockSink, log: Logger, minIntervalMs = MIN_RUN_INTERVAL_MS) {
    this.#host = host;
    this.#sink = sink;
    this.#log = log;
    this.#minIntervalMs = minIntervalMs;
  }

  /**
   * Syncs until no peer is provably ahead; calls while a run is due or under way share it, so a
   * flood of triggers starts at most one run per interval. Never rejects.
   */
  sync(): Promise<void> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Runs started so far (for tests and metrics). */
  get runs(): number {
    return this.#runs;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    const wait = this.#lastStart + this.#minIntervalMs - Date.now();
    if (wait > 0) await delay(wait, undefined, { signal }).catch(() => {});
    if (signal.aborted) return;
    this.#lastStart = Date.now();
    this.#runs++;
    this.#startingBlock = this.#sink.height();
    this.#highestBlock = this.#startingBlock;
    const syncer = this.#host.createSyncer(this.#sink, (p) => {
      this.#highestBlock = Math.max(this.#highestBlock, p.target);
    });
    try {
      const result = await syncer.run(signal);
      if (result.applied > 0) this.#log.info(result, 'caught up with peers');
    } catch (err) {
      if (!signal.aborted) this.#log.warn({ err }, 'block sync stopped; consensus will ask again');
    }
  }

  /** eth_syncing's view: syncing while a run is behind its best peer by more than a block. */
  status(): SyncStatus {
    const current = this.#sink.height();
    const highest = Math.max(this.#highestBlock, current);
    return {
      syncing: this.#running !== undefined && highest - current > 1,
      startingBlock: this.#startingBlock,
      currentBlock: current,
      highestBlock: highest,
    };
  }

  async stop(): Promise<void> {
    this.#abort.abort(new Error('node stopping'));
    await this.#running;
  }
}
