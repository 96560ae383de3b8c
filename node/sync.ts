// Catching up with the network: one block-sync run at a time, started at boot and whenever
// consensus finds itself behind; blocks go through the consensus engine so its proposer state
// and WAL stay in step with the application. Reports progress for eth_syncing.
import type { Logger } from 'pino';
import type { P2pHost } from '../p2p/host.ts';
import type { BlockSink } from '../p2p/sync/types.ts';
import type { SyncStatus } from '../rpc/eth/index.ts';

export class SyncController {
  readonly #host: P2pHost;
  readonly #sink: BlockSink;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #startingBlock = 0;
  #highestBlock = 0;

  constructor(host: P2pHost, sink: BlockSink, log: Logger) {
    this.#host = host;
    this.#sink = sink;
    this.#log = log;
  }

  /** Syncs until no peer is ahead; concurrent calls share one run. Never rejects. */
  sync(): Promise<void> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<void> {
    this.#startingBlock = this.#sink.height();
    this.#highestBlock = this.#startingBlock;
    const syncer = this.#host.createSyncer(this.#sink, (p) => {
      this.#highestBlock = Math.max(this.#highestBlock, p.target);
    });
    try {
      const result = await syncer.run(this.#abort.signal);
      if (result.applied > 0) this.#log.info(result, 'caught up with peers');
    } catch (err) {
      if (!this.#abort.signal.aborted)
        this.#log.warn({ err }, 'block sync stopped; consensus will ask again');
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
